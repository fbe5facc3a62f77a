"""FG503 jwt-verification-disabled: a JWT accepted without checking its signature."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import tree_sitter

from forge_lsp.core.model import Finding, Severity
from forge_lsp.rules.base import CheckContext, Rule, has_error
from forge_lsp.rules.families import crypto
from forge_lsp.rules.families.crypto import Call

Node = tree_sitter.Node

_PY_NAMES = frozenset({"decode", "encode"})
_JS_NAMES = frozenset({"verify", "sign"})
_JS_RECEIVERS = frozenset({"jwt", "jsonwebtoken", "JWT", "jsonWebToken"})
_GO_NAMES = frozenset({"ParseUnverified", "Parse", "ParseWithClaims"})
# jjwt: 0.11 `parseClaimsJwt` / `parsePlaintextJwt` accept only *unsigned* tokens; 0.12
# `parseUnsecuredClaims` / `parseUnsecuredContent` and the `unsecured()` builder switch;
# auth0 java-jwt `Algorithm.none()`.
_JVM_UNSIGNED = frozenset(
    {"parseClaimsJwt", "parsePlaintextJwt", "parseUnsecuredClaims", "parseUnsecuredContent"}
)
_JVM_NAMES = _JVM_UNSIGNED | frozenset({"unsecured", "none"})
_RUST_NAMES = frozenset(
    {
        "insecure_disable_signature_validation",
        "dangerous_insecure_decode",
        "dangerous_insecure_decode_with_validation",
        "dangerous_unsafe_decode",
    }
)
_GO_ALLOW_NONE = """
(selector_expression operand: (identifier) @package field: (field_identifier) @field
  (#eq? @package "jwt") (#eq? @field "UnsafeAllowNoneSignatureType")) @use
"""
# PyJWT (`import jwt`) and python-jose (`from jose import jwt`) require `algorithms=`; authlib's
# `jwt.decode(s, key)` does not take it (its algorithms are fixed on the `JsonWebToken`).
_PY_JWT_IMPORTS = """
(import_statement name: (dotted_name . (identifier) @module .) (#eq? @module "jwt"))
(import_from_statement module_name: (dotted_name . (identifier) @module .)
  name: (dotted_name (identifier) @name) (#eq? @module "jose") (#eq? @name "jwt"))
"""

_ADVICE = "verify the signature with a pinned algorithm list (e.g. RS256) and the issuer's key"


_DOC = r"""
## What it does

**Flags JSON Web Tokens accepted without a signature check, or with the algorithm left to the
token.**

- Python (PyJWT, python-jose): `jwt.decode(..., options={"verify_signature": False})` (the
  pair is the range), PyJWT 1's `verify=False`, `algorithms=[..., "none"]` (the literal), and
  `jwt.decode(token, key)` with no `algorithms=` in a file that imports PyJWT (`import jwt`) or
  python-jose (`from jose import jwt`); authlib's `jwt.decode(s, key)`, which takes no
  algorithm list, is not flagged. `jwt.encode(..., algorithm="none")` too.
- Node (jsonwebtoken): `jwt.verify(token, null | undefined | "")` (the key is the range),
  `algorithms: ["none"]` in the options, and `jwt.sign(..., { algorithm: "none" })`.
- Go (golang-jwt): `ParseUnverified` when nothing later in the same function calls `Parse` /
  `ParseWithClaims` (peeking at `kid` to choose a key, then verifying, is the right pattern),
  and any use of `jwt.UnsafeAllowNoneSignatureType`.
- Java and Kotlin: jjwt `parseClaimsJwt` / `parsePlaintextJwt` (0.11: they accept only
  *unsigned* tokens) and `parseUnsecuredClaims` / `parseUnsecuredContent` / `Jwts.parser()
  .unsecured()` (0.12); auth0 java-jwt `Algorithm.none()`.
- Rust (jsonwebtoken): `insecure_disable_signature_validation()` and the old
  `dangerous_insecure_decode` / `dangerous_unsafe_decode`.

Deliberately **not** flagged: `jwt.decode()` in jsonwebtoken, `JWT.decode()` in auth0 and
`get_unverified_header` / `get_unverified_claims` in Python. Each is the documented way to read
a header or claim (`kid`, `iss`) before picking the verification key, and telling that apart
from trusting the result needs cross-function dataflow. Go keyfuncs that skip the
`token.Method` check are not flagged either: with an HMAC `[]byte` key golang-jwt rejects the
other algorithms by key type, so the rule cannot tell a real confusion from a safe one. No fix:
the right key and algorithm are yours to choose.

**Where values come from.** The rule is syntactic and uses no dataflow: it reads literals
written in the call itself (an options dict or object literal, an `algorithms` list, a
`null`/`""` key, `"none"`), and for Go whether the same function later calls `Parse`. An
options object, algorithm list or key held in a variable, built in another function or file,
or read from configuration (a key loaded from the environment that turns out empty) is out
of its reach, as is a verification done by a caller after the token is returned.

## Why it matters in production

A JWT is a claim anyone can write: base64 of `{"sub": "42", "role": "admin"}` is one shell
command. **The signature is the only thing that makes it mean anything**, so code that skips it
hands every endpoint behind it to whoever reads the docs. The classic incidents are all this
rule: libraries that honoured `"alg": "none"` (strip the signature, keep the admin claim),
"temporary" `verify_signature: False` from a debugging session that shipped, and algorithm
confusion, where the verifier lets the token pick HS256 and the attacker signs it with your
*public* RSA key as the HMAC secret. None of these show up in logs as errors: every forged
request is a 200 with a valid-looking `sub`.

## Example

```python
claims = jwt.decode(token, options={"verify_signature": False})
user = User.objects.get(pk=claims["sub"])
```

```typescript
const claims = jwt.verify(token, null, { algorithms: ["none"] });
```

```go
token, _, err := jwt.NewParser().ParseUnverified(raw, jwt.MapClaims{})
```

```java
Claims claims = Jwts.parser().setSigningKey(key).parseClaimsJwt(token).getBody();
```

## Use instead

Verify with the issuer's key and **pin the algorithm** you issue; check `exp`, `aud` and
`iss` (the libraries do when you pass them).

```python
claims = jwt.decode(token, public_key, algorithms=["RS256"], audience="orders-api",
                    issuer="https://auth.example.com/")
```

```typescript
const claims = jwt.verify(token, publicKey, { algorithms: ["RS256"], audience: "orders-api" });
```

```go
token, err := jwt.Parse(raw, func(t *jwt.Token) (any, error) {
	return publicKey, nil
}, jwt.WithValidMethods([]string{"RS256"}), jwt.WithAudience("orders-api"))
```

```java
Claims claims = Jwts.parser().verifyWith(publicKey).build()
        .parseSignedClaims(token).getPayload();
```

```rust
let mut validation = Validation::new(Algorithm::RS256);
validation.set_audience(&["orders-api"]);
let data = decode::<Claims>(token, &DecodingKey::from_rsa_pem(pem)?, &validation)?;
```

## How to test it

Forge the tokens an attacker would and assert each one is a 401:

```python
def unsigned(claims):
    enc = lambda d: base64.urlsafe_b64encode(json.dumps(d).encode()).rstrip(b"=").decode()
    return f'{enc({"alg": "none", "typ": "JWT"})}.{enc(claims)}.'

@pytest.mark.parametrize("token", [
    unsigned({"sub": "1", "role": "admin"}),
    jwt.encode({"sub": "1"}, PUBLIC_KEY_PEM, algorithm="HS256"),  # algorithm confusion
    jwt.encode({"sub": "1"}, OTHER_PRIVATE_KEY, algorithm="RS256"),
])
def test_forged_tokens_are_rejected(client, token):
    assert client.get("/orders", headers={"Authorization": f"Bearer {token}"}).status_code == 401
```

Keep one test with a correctly signed token so the suite proves verification works, not just
that everything is rejected.

## References

- [CWE-347: Improper Verification of Cryptographic Signature](https://cwe.mitre.org/data/definitions/347.html)
- [RFC 8725: JSON Web Token Best Current Practices](https://www.rfc-editor.org/rfc/rfc8725)
- [OWASP JSON Web Token Cheat Sheet for Java](https://cheatsheetseries.owasp.org/cheatsheets/JSON_Web_Token_for_Java_Cheat_Sheet.html)
- [PyJWT: `jwt.decode` and `algorithms`](https://pyjwt.readthedocs.io/en/stable/api.html#jwt.decode)
- [Critical vulnerabilities in JSON Web Token libraries (alg none, key confusion)](https://auth0.com/blog/critical-vulnerabilities-in-json-web-token-libraries/)
- [OWASP Top 10 A07:2021 Identification and Authentication Failures](https://owasp.org/Top10/A07_2021-Identification_and_Authentication_Failures/)
"""


class JwtVerificationDisabled(Rule):
    code = "FG503"
    name = "jwt-verification-disabled"
    summary = "A JWT decoded with signature checks off, the `none` algorithm, or no algorithm pin"
    severity = Severity.ERROR
    cwe = 347
    languages = frozenset(
        {"python", "go", "javascript", "typescript", "tsx", "java", "kotlin", "rust"}
    )
    fixable = False
    doc = _DOC

    def check(self, ctx: CheckContext) -> Iterable[Finding]:
        language = ctx.language.name
        if language == "python":
            yield from self._python(ctx)
        elif language == "go":
            yield from self._go(ctx)
        elif language in {"java", "kotlin"}:
            yield from self._jvm(ctx)
        elif language == "rust":
            yield from self._rust(ctx)
        else:
            yield from self._node(ctx)

    # -- Python ---------------------------------------------------------------------------

    def _python(self, ctx: CheckContext) -> Iterator[Finding]:
        for call in crypto.calls(ctx, _PY_NAMES):
            if crypto.last_name(ctx, call.receiver) != "jwt":
                continue
            label = f"jwt.{call.name}()"
            if call.name == "encode":
                algorithm = call.keywords.get("algorithm") or _nth(call.args, 2)
                if algorithm is not None and _is_none(ctx, algorithm):
                    yield self.finding(algorithm, _unsigned_issue(label))
                continue
            yield from self._python_decode(ctx, call, label)

    def _python_decode(self, ctx: CheckContext, call: Call, label: str) -> Iterator[Finding]:
        off = _verify_signature_off(ctx, call.keywords.get("options"))
        if off is not None:
            yield self.finding(off, f"`{label}` with `verify_signature` off: {_forged(ctx)}")
            return
        verify = call.keywords.get("verify")
        if verify is not None and verify.type == "false":
            yield self.finding(
                verify.parent or verify, f"`{label}` with `verify=False`: {_forged(ctx)}"
            )
            return
        algorithms = call.keywords.get("algorithms")
        none = _none_in(ctx, algorithms)
        if none is not None:
            yield self.finding(none, _none_accepted(label))
            return
        has_key = len(call.args) >= 2 or "key" in call.keywords
        if algorithms is None and has_key and not call.splat and _pyjwt_imported(ctx):
            message = (
                f"`{label}` without `algorithms=` lets the token's own header pick the "
                f"algorithm (HS256 signed with your public key passes in PyJWT 1; PyJWT 2 "
                f"raises): pass `algorithms=[...]` with the one algorithm you issue"
            )
            yield self.finding(call.node, message)

    # -- JavaScript and TypeScript (jsonwebtoken) -----------------------------------------

    def _node(self, ctx: CheckContext) -> Iterator[Finding]:
        for call in crypto.calls(ctx, _JS_NAMES):
            if call.receiver is None or ctx.text(call.receiver) not in _JS_RECEIVERS:
                continue
            label = f"jwt.{call.name}()"
            options = _nth(call.args, 2)
            if call.name == "sign":
                algorithm = _object_value(ctx, options, "algorithm")
                if algorithm is not None and _is_none(ctx, algorithm):
                    yield self.finding(algorithm, _unsigned_issue(label))
                continue
            key = _nth(call.args, 1)
            if key is not None and _empty_key(ctx, key):
                message = f"`{label}` with a `{ctx.text(key)}` key checks no signature: {_ADVICE}"
                yield self.finding(key, message)
                continue
            none = _none_in(ctx, _object_value(ctx, options, "algorithms"))
            if none is not None:
                yield self.finding(none, _none_accepted(label))

    # -- Go (golang-jwt) ------------------------------------------------------------------

    def _go(self, ctx: CheckContext) -> Iterator[Finding]:
        for call in crypto.calls(ctx, frozenset({"ParseUnverified"})):
            function = crypto.enclosing_function(call.node)
            if function is not None and _verifies_later(ctx, function, call.node):
                continue  # peek at `kid`/`iss` to pick the key, then verify: the right pattern
            message = (
                "`ParseUnverified()` returns claims nobody signed, and nothing in this function "
                "verifies them afterwards: use `jwt.Parse` with a key func that checks "
                "`token.Method`"
            )
            yield self.finding(call.node, message)
        for _, caps in ctx.matches(_GO_ALLOW_NONE):
            use = caps["use"][0]
            if not has_error(use):
                message = (
                    "`jwt.UnsafeAllowNoneSignatureType` makes `alg: none` tokens valid, so "
                    f"anyone can mint one: {_ADVICE}"
                )
                yield self.finding(use, message)

    # -- Java and Kotlin (jjwt, auth0 java-jwt) -------------------------------------------

    def _jvm(self, ctx: CheckContext) -> Iterator[Finding]:
        for call in crypto.calls(ctx, _JVM_NAMES):
            if call.args or call.receiver is None:
                continue
            receiver = ctx.text(call.receiver)
            if call.name == "none" and crypto.last_name(ctx, call.receiver) == "Algorithm":
                message = f"`Algorithm.none()` accepts tokens with no signature: {_ADVICE}"
            elif call.name == "unsecured" and "Jwts" in receiver:
                message = (
                    "jjwt's `unsecured()` lets the parser accept `alg: none` tokens, which "
                    f"anyone can mint: remove it and {_ADVICE}"
                )
            else:
                continue
            start = call.node if call.name == "none" else _name_node(call)
            yield self.finding(start, message, end_node=call.node)
        for call in crypto.calls(ctx, _JVM_UNSIGNED):
            if len(call.args) != 1:
                continue
            message = (
                f"jjwt's `{call.name}()` parses only *unsigned* tokens, so any client can "
                f"write the claims: use `parseSignedClaims` (`parseClaimsJws` before 0.12) "
                f"with a verification key"
            )
            yield self.finding(_name_node(call), message, end_node=call.node)

    # -- Rust (jsonwebtoken) --------------------------------------------------------------

    def _rust(self, ctx: CheckContext) -> Iterator[Finding]:
        for call in crypto.calls(ctx, _RUST_NAMES):
            message = (
                f"`{call.name}()` skips the signature check, so anyone can write the claims: "
                f"{_ADVICE}"
            )
            yield self.finding(call.node, message)


def _nth(nodes: list[Node], index: int) -> Node | None:
    return nodes[index] if len(nodes) > index else None


def _name_node(call: Call) -> Node:
    return call.name_node if call.name_node is not None else call.node


def _forged(ctx: CheckContext) -> str:
    return f"anyone can forge these claims (`sub`, `role`) with a text editor; {_ADVICE}"


def _none_accepted(label: str) -> str:
    return (
        f'`{label}` accepts algorithm `"none"`: a token with the signature stripped passes, '
        f"so anyone can write the claims; {_ADVICE}"
    )


def _unsigned_issue(label: str) -> str:
    return (
        f'`{label}` with algorithm `"none"` issues tokens anyone can alter: sign with '
        f"RS256/ES256 (or HS256 with a secret from the secret store)"
    )


def _is_none(ctx: CheckContext, node: Node | None) -> bool:
    value = crypto.literal(ctx, node)
    return value is not None and value.lower() == "none"


def _none_in(ctx: CheckContext, algorithms: Node | None) -> Node | None:
    """The `"none"` literal in an algorithm list, if there is one."""
    if algorithms is None or algorithms.type not in {"list", "tuple", "array", "set"}:
        return None
    return next((item for item in algorithms.named_children if _is_none(ctx, item)), None)


def _verify_signature_off(ctx: CheckContext, options: Node | None) -> Node | None:
    """The `"verify_signature": False` pair of a PyJWT / python-jose options dict."""
    if options is None or options.type != "dictionary":
        return None
    for pair in options.named_children:
        key, value = pair.child_by_field_name("key"), pair.child_by_field_name("value")
        if pair.type != "pair" or key is None or value is None:
            continue
        if crypto.literal(ctx, key) == "verify_signature" and value.type == "false":
            return pair
    return None


def _object_value(ctx: CheckContext, obj: Node | None, name: str) -> Node | None:
    """The value of `name` in a JavaScript object literal."""
    if obj is None or obj.type != "object":
        return None
    for pair in obj.named_children:
        key, value = pair.child_by_field_name("key"), pair.child_by_field_name("value")
        if pair.type != "pair" or key is None or value is None:
            continue
        if (crypto.literal(ctx, key) or ctx.text(key)) == name:
            return value
    return None


def _empty_key(ctx: CheckContext, key: Node) -> bool:
    if key.type in {"null", "undefined"}:
        return True
    if key.type == "identifier" and ctx.text(key) == "undefined":
        return True
    return crypto.literal(ctx, key) == ""


def _verifies_later(ctx: CheckContext, function: Node, unverified: Node) -> bool:
    names = frozenset({"Parse", "ParseWithClaims"})
    return any(
        call.node.start_byte > unverified.end_byte for call in crypto.calls_in(ctx, function, names)
    )


def _pyjwt_imported(ctx: CheckContext) -> bool:
    def compute() -> bool:
        # Imports sit at the top of the file, outside any re-checked function: match the root.
        return bool(ctx.file_matches(_PY_JWT_IMPORTS))

    return ctx.memo("FG503.pyjwt", compute)


RULE = JwtVerificationDisabled()
