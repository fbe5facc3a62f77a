"""FG501 weak-hash: MD5 / SHA-1 used as a security hash, and passwords hashed with a fast hash."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import tree_sitter

from forge_lsp.core.model import Confidence, Finding, Severity
from forge_lsp.rules.base import CheckContext, Rule, has_error
from forge_lsp.rules.families import crypto, crypto_flow, hash_purpose
from forge_lsp.rules.families.crypto import Call

Node = tree_sitter.Node

_WEAK = frozenset({"md5", "sha1", "md4", "md2"})
_FAST = _WEAK | frozenset(
    {
        "sha224",
        "sha256",
        "sha384",
        "sha512",
        "sha512224",
        "sha512256",
        "sha3224",
        "sha3256",
        "sha3384",
        "sha3512",
        "blake2b",
        "blake2s",
    }
)
_DISPLAY = {"md5": "MD5", "sha1": "SHA-1", "md4": "MD4", "md2": "MD2"}

# Callee names that construct a hasher or hash data in one call, per language.
_PY_NAMES = frozenset(
    {"md5", "sha1", "sha224", "sha256", "sha384", "sha512", "blake2b", "blake2s", "new"}
    | {"sha3_224", "sha3_256", "sha3_384", "sha3_512"}
)
_GO_NAMES = frozenset(
    {"New", "Sum", "New224", "Sum224", "Sum256", "New384", "Sum384", "New512", "Sum512"}
    | {"New512_224", "New512_256", "Sum512_224", "Sum512_256"}
)
_GO_ALGORITHMS = {
    ("md5", "New"): "md5",
    ("md5", "Sum"): "md5",
    ("sha1", "New"): "sha1",
    ("sha1", "Sum"): "sha1",
    ("sha256", "New"): "sha256",
    ("sha256", "Sum256"): "sha256",
    ("sha256", "New224"): "sha224",
    ("sha256", "Sum224"): "sha224",
    ("sha512", "New"): "sha512",
    ("sha512", "Sum512"): "sha512",
    ("sha512", "New384"): "sha384",
    ("sha512", "Sum384"): "sha384",
    ("sha512", "New512_224"): "sha512224",
    ("sha512", "Sum512_224"): "sha512224",
    ("sha512", "New512_256"): "sha512256",
    ("sha512", "Sum512_256"): "sha512256",
}
# `crypto.MD5.New()` (the `crypto.Hash` registry), by the constant's name.
_GO_CRYPTO_HASHES = {
    "crypto.MD4": "md4",
    "crypto.MD5": "md5",
    "crypto.SHA1": "sha1",
    "crypto.SHA224": "sha224",
    "crypto.SHA256": "sha256",
    "crypto.SHA384": "sha384",
    "crypto.SHA512": "sha512",
}
_JS_NAMES = frozenset({"createHash"})
_JVM_NAMES = frozenset(
    {"getInstance", "md5", "md5Hex", "sha1", "sha1Hex", "shaHex", "md5DigestAsHex"}
    | {"sha256", "sha256Hex", "sha512", "sha512Hex", "sha384Hex"}
)
_RUST_NAMES = frozenset({"compute", "new", "digest", "new_with_prefix"})
_RUST_TYPES = {
    "Md5": "md5",
    "Md4": "md4",
    "Sha1": "sha1",
    "Sha224": "sha224",
    "Sha256": "sha256",
    "Sha384": "sha384",
    "Sha512": "sha512",
}
_NAMES = {
    "python": _PY_NAMES,
    "go": _GO_NAMES,
    "javascript": _JS_NAMES,
    "typescript": _JS_NAMES,
    "tsx": _JS_NAMES,
    "java": _JVM_NAMES,
    "kotlin": _JVM_NAMES,
    "rust": _RUST_NAMES,
}
# Rust: `format!("{:x}", md5::compute(data))`: inside a macro the call is a token tree.
_RUST_MACRO_CALLS = """
(token_tree (identifier) @receiver . "::" . (identifier) @name . (token_tree) @args
  (#any-of? @name "compute" "digest"))
"""

# Methods that feed data to a hasher (and one-shot digests of a hasher), across languages.
_FEED = frozenset({"update", "digest", "Write", "write", "chain_update", "WriteString"})

_PASSWORD_WORDS = frozenset({"password", "passwd", "passphrase", "pwd", "pw", "pass"})
# `password_reset_token`, `password_hash`: high-entropy or already-derived values, not a secret
# a person chose (hashing a random reset token with SHA-256 is the right thing to do).
_NOT_PASSWORD_WORDS = frozenset(
    {"reset", "token", "hash", "hashed", "digest", "salt", "len", "length", "policy", "field"}
)
# Names that say the digest is a cache key, an ETag, a checksum or a display fingerprint.
_NON_SECURITY_WORDS = frozenset(
    {"cache", "etag", "etags", "checksum", "checksums", "fingerprint", "fingerprints"}
)


@dataclass(frozen=True, slots=True)
class _Hash:
    call: Call
    algorithm: str  # normalized: md5, sha1, sha256, ...
    label: str  # how the message names the call
    end: Node | None = None  # Rust macro form: the call spans from `call.node` to here


def _normalize(name: str) -> str:
    return name.lower().replace("-", "").replace("_", "").replace("/", "")


def _python(ctx: CheckContext, call: Call) -> _Hash | None:
    receiver = crypto.last_name(ctx, call.receiver)
    if receiver in {"MD5", "SHA1", "SHA"} and call.name == "new":  # pycryptodome
        return _Hash(call, "md5" if receiver == "MD5" else "sha1", f"{receiver}.new()")
    module, _, name = _python_qualified(ctx, call).rpartition(".")
    if module not in {"hashlib", "_hashlib"}:
        return None
    if name == "new":
        texts = crypto_flow.constant_texts(
            ctx, call.args[0] if call.args else call.keywords.get("name")
        )
        if not texts:
            return None
        algorithm = _pick(texts)
        return _Hash(call, _normalize(algorithm), f'hashlib.new("{algorithm}")')
    return _Hash(call, _normalize(name), f"hashlib.{name}()")


def _python_qualified(ctx: CheckContext, call: Call) -> str:
    """`hashlib.md5` for `hashlib.md5(x)`, `md5(x)` after `from hashlib import md5`,
    `s(x)` after `from hashlib import sha1 as s` (-> hashlib.sha1), `h.md5(x)` after `import
    hashlib as h`; '' for anything else."""
    imports = crypto_flow.python_imports(ctx)
    if call.receiver is None:
        return imports.get(call.name, "")
    if call.receiver.type != "identifier":
        return ""
    module = ctx.text(call.receiver)
    return f"{imports.get(module, module)}.{call.name}"


def _pick(texts: list[str]) -> str:
    """Of the constants an algorithm argument may be, the weak one (any path counts)."""
    return next((t for t in texts if _normalize(t) in _WEAK), texts[0])


def _go(ctx: CheckContext, call: Call) -> _Hash | None:
    receiver = call.receiver
    if receiver is None:
        return None
    # `crypto.MD5.New()`, or `hash := crypto.SHA1; hash.New()`: only in a file importing the
    # `crypto` package (`New` is everywhere: no dataflow query for `errors.New`).
    if call.name == "New" and b'"crypto"' in ctx.source:
        values = [receiver]
        if receiver.type == "identifier":
            values += crypto_flow.assigned(ctx, receiver)
        for value in values:
            algorithm = _GO_CRYPTO_HASHES.get(ctx.text(value))
            if algorithm is not None:
                return _Hash(call, algorithm, f"{ctx.text(value)}.New()")
    if receiver.type != "identifier":
        return None
    package = ctx.text(receiver)
    algorithm = _GO_ALGORITHMS.get((package, call.name))
    if algorithm is None or crypto_flow.assigned(ctx, receiver):
        return None  # not a hash package, or a local variable of that name
    return _Hash(call, algorithm, f"{package}.{call.name}()")


def _js(ctx: CheckContext, call: Call) -> _Hash | None:
    texts = crypto_flow.constant_texts(ctx, call.args[0] if call.args else None)
    if not texts:
        return None
    algorithm = _pick(texts)
    return _Hash(call, _normalize(algorithm), f'createHash("{algorithm}")')


def _jvm(ctx: CheckContext, call: Call) -> _Hash | None:
    receiver = crypto.last_name(ctx, call.receiver)
    if call.name == "getInstance":
        if receiver != "MessageDigest" or not call.args:
            return None
        texts = crypto_flow.constant_texts(ctx, call.args[0])
        if not texts:
            return None
        algorithm = _pick(texts)
        normalized = "sha1" if _normalize(algorithm) == "sha" else _normalize(algorithm)
        return _Hash(call, normalized, f'MessageDigest.getInstance("{algorithm}")')
    if receiver == "DigestUtils":  # Apache Commons Codec, Spring's `md5DigestAsHex`
        name = call.name.removesuffix("Hex").removesuffix("DigestAsHex")
        return _Hash(call, "sha1" if name == "sha" else name, f"DigestUtils.{call.name}()")
    if receiver == "Hashing" and call.name in {"md5", "sha1"} and not call.args:  # Guava
        return _Hash(call, call.name, f"Hashing.{call.name}()")
    return None


def _rust(ctx: CheckContext, call: Call) -> _Hash | None:
    receiver = ctx.text(call.receiver) if call.receiver is not None else ""
    if call.name == "compute" and receiver == "md5":
        return _Hash(call, "md5", "md5::compute()")
    algorithm = _RUST_TYPES.get(receiver)
    if algorithm is None or call.name == "compute":
        return None
    return _Hash(call, algorithm, f"{receiver}::{call.name}()")


_RECOGNIZERS = {
    "python": _python,
    "go": _go,
    "javascript": _js,
    "typescript": _js,
    "tsx": _js,
    "java": _jvm,
    "kotlin": _jvm,
    "rust": _rust,
}


def _hashes(ctx: CheckContext) -> Iterator[_Hash]:
    recognize = _RECOGNIZERS[ctx.language.name]
    names = _NAMES[ctx.language.name]
    if ctx.language.name == "python":  # `from hashlib import sha1 as s`: `s` is a hash call
        imports = crypto_flow.python_imports(ctx)
        names = names | {a for a, q in imports.items() if q.startswith(("hashlib.", "_hashlib."))}
    for call in crypto.calls(ctx, names):
        found = recognize(ctx, call)
        if found is not None and found.algorithm in _FAST:
            yield found
    if ctx.language.name == "rust":
        yield from _rust_macro_hashes(ctx)


def _rust_macro_hashes(ctx: CheckContext) -> Iterator[_Hash]:
    for _, caps in ctx.matches(_RUST_MACRO_CALLS):
        receiver, args = caps["receiver"][0], caps["args"][0]
        if has_error(args):
            continue
        call = Call(receiver, ctx.text(caps["name"][0]), receiver, args=[args])
        found = _rust(ctx, call)
        if found is not None and found.algorithm in _FAST:
            yield dataclasses.replace(found, end=args)


def _data(ctx: CheckContext, found: _Hash) -> list[Node]:
    """The expressions hashed: the call's own data argument, chained `.update(x)` /
    `.digest(x)` calls, and feeds of the variable the hasher is stored in (same function)."""
    call = found.call
    named_first = found.label.startswith("hashlib.new")  # the algorithm, not data
    data = [a for a in call.args if not (named_first and a is call.args[0])]
    if ctx.language.name in {"javascript", "typescript", "tsx"} or call.name == "getInstance":
        data = []  # the argument is the algorithm name
    data.extend(v for k, v in call.keywords.items() if k in {"data", "string"})
    node = call.node
    while True:
        chained = _chained_call(ctx, node)
        if chained is None:
            break
        if chained.name in _FEED:
            data.extend(chained.args)
        node = chained.node
    variable = _bound_name(ctx, node)
    function = crypto.enclosing_function(node)
    if variable and function is not None:
        for feed in crypto.calls_in(ctx, function, _FEED):
            if feed.receiver is not None and ctx.text(feed.receiver) == variable:
                data.extend(feed.args)
            elif feed.name == "WriteString" and feed.args and ctx.text(feed.args[0]) == variable:
                data.extend(feed.args[1:])  # Go `io.WriteString(h, password)`
    return data


def _chained_call(ctx: CheckContext, node: Node) -> Call | None:
    """The call made on `node`'s result (`node.update(x)`), if any."""
    parent = node.parent
    if parent is None:
        return None
    if parent.type == "method_invocation" and parent.child_by_field_name("object") == node:
        name = parent.child_by_field_name("name")
        return crypto.build_call(ctx, parent, ctx.text(name) if name else "", node)
    if parent.type not in {"attribute", "member_expression", "field_expression"} | {
        "navigation_expression",
        "selector_expression",
    }:
        return None
    outer = parent.parent
    if outer is None or outer.type not in {"call", "call_expression"}:
        return None
    if parent.named_children[0] != node:
        return None
    return crypto.build_call(ctx, outer, crypto.last_name(ctx, parent), node)


_BINDINGS = {
    "assignment": "left",  # python, kotlin
    "variable_declarator": "name",  # js, java
    "let_declaration": "pattern",  # rust
    "short_var_declaration": "left",  # go
    "assignment_statement": "left",
    "assignment_expression": "left",
    "var_spec": "name",
}


def _bound_name(ctx: CheckContext, node: Node) -> str:
    """The plain variable `node` is assigned to (`h = hashlib.md5()` -> h), or ''."""
    parent = node.parent
    if parent is not None and parent.type == "expression_list":  # go `h := md5.New()`
        parent = parent.parent
    if parent is None:
        return ""
    if parent.type == "property_declaration":  # kotlin `val h = ...`
        declared = next(
            (c for c in parent.named_children if c.type == "variable_declaration"), None
        )
        return crypto.last_name(ctx, declared) if declared is not None else ""
    field_name = _BINDINGS.get(parent.type)
    target = parent.child_by_field_name(field_name) if field_name else None
    if target is None or target == node:
        return ""
    if target.type == "expression_list":
        target = target.named_children[0] if target.named_children else None
    if target is None or target.type not in {"identifier", "simple_identifier"}:
        return ""
    return ctx.text(target)


def _is_password(name: str) -> bool:
    parts = set(crypto.words(name))
    return bool(parts & _PASSWORD_WORDS) and not parts & _NOT_PASSWORD_WORDS


def _password_name(names: list[str]) -> str | None:
    return next((name for name in names if _is_password(name)), None)


# Wrappers the digest passes through on its way to the name it is stored under.
_PASS_THROUGH = frozenset(
    {
        "call",
        "call_expression",
        "method_invocation",
        "argument_list",
        "arguments",
        "value_arguments",
        "value_argument",
        "attribute",
        "member_expression",
        "selector_expression",
        "field_access",
        "field_expression",
        "navigation_expression",
        "parenthesized_expression",
        "await_expression",
        "binary_operator",
        "binary_expression",
        "template_substitution",
        "template_string",
        "interpolation",
        "string",
        "expression_list",
        "type_conversion_expression",
        "as_expression",
        "cast_expression",
        "additive_expression",
    }
)


def _holder_names(ctx: CheckContext, node: Node) -> list[str]:
    """The name the digest ends up under (variable, key, keyword) and the function's name."""
    names: list[str] = []
    current = node
    for _ in range(10):
        parent = current.parent
        if parent is None or parent.type not in _PASS_THROUGH:
            break
        current = parent
    parent = current.parent
    if parent is not None:
        bound = _bound_name(ctx, current)
        if bound:
            names.append(bound)
        elif parent.type in {"assignment", "assignment_expression", "assignment_statement"}:
            names.append(crypto.last_name(ctx, parent.child_by_field_name("left")))
        elif parent.type in {"keyword_argument", "pair", "keyed_element"}:
            key = parent.child_by_field_name("name") or parent.child_by_field_name("key")
            key = key or (parent.named_children[0] if parent.named_children else None)
            if key is not None:
                names.append(crypto.literal(ctx, key) or ctx.text(key))
    function = crypto.enclosing_function(node)
    names.append(crypto.function_name(ctx, function))
    return names


def _non_security(holders: list[str]) -> bool:
    return any(
        # `ETagFor` splits into e/tag; HTTP spells it that way often enough to special-case.
        set(crypto.words(name.replace("ETag", "Etag"))) & _NON_SECURITY_WORDS
        for name in holders
    )


def _declared_non_security(ctx: CheckContext, found: _Hash) -> bool:
    flag = found.call.keywords.get("usedforsecurity")
    return flag is not None and flag.type == "false"


_DOC = r"""
## What it does

**Flags MD5 and SHA-1 where they can protect something, and any fast hash applied to a
password.** The calls: Python `hashlib.md5()` / `hashlib.sha1()` / `hashlib.new("md5")` and
pycryptodome `MD5.new()`; Go `md5.New` / `md5.Sum` / `sha1.New` / `sha1.Sum`; Node
`crypto.createHash("md5" | "sha1")`; Java and Kotlin `MessageDigest.getInstance("MD5" | "SHA-1" |
"SHA1" | "SHA")`, Commons Codec `DigestUtils.md5Hex` / `sha1Hex` (and Spring's
`md5DigestAsHex`), Guava `Hashing.md5()` / `sha1()`; Rust `md5::compute`, `Md5::new()`,
`Sha1::new()` / `Sha1::digest()`. The range is the call.

The algorithm name is read where it is written or through the dataflow layer: a literal, a
module or class constant (`hashlib.new(ALG)` with `ALG = "md5"`, Java `static final String
ALGORITHM = "MD5"`, Kotlin `const val`, JS `const ALG = "md5"`), a local variable, the `name=`
keyword, and Go's `crypto.MD5.New()` or `hash := crypto.SHA1; hash.New()` (in a file
that imports `crypto`). Python's `from
hashlib import md5`, `from hashlib import sha1 as s` and `import hashlib as h` are read as
`hashlib.md5` / `hashlib.sha1`. A name that may hold any algorithm (a parameter) is not flagged.

The verdict depends on what the code says the digest is for:

- **error** (high confidence): the hashed data is a password (`password`, `passwd`, `pwd`,
  `passphrase`, `userPassword`, `getPassword()`, `form["password"]`; not
  `password_reset_token` or `password_hash`) and the hash is any fast one, SHA-256 and SHA-512
  included. The data is the call's argument, a chained `.update(x)` / `.digest(x)`, or an
  `update` / `Write` / `io.WriteString` on the variable the hasher was stored in, in the same
  function; a local name is followed back through up to two assignments (`pw =
  form["password"]; md5(pw)`).
- **no finding**: a protocol fixes the algorithm, so the code has no choice: the WebSocket
  accept key (the file holds `Sec-WebSocket-Accept` or RFC 6455's GUID, or the function or
  class is named `webSocket...`), HTTP Digest authentication (a function or class named with
  `digest` and `auth` / `header` / `challenge`, like `HTTPDigestAuth.build_digest_header`,
  `HA1` / `HA2` in the function, or both `HA1` and `HA2` in the file), PostgreSQL's MD5
  password authentication (`AuthenticationMD5Password` or a `postgres...md5` name in the
  file), Chef's signed headers (`X-Ops-Content-Hash` / `X-Ops-Sign` in the file), CRAM-MD5,
  MySQL's password scrambles (`mysql_native_password` / `caching_sha2_password` in the file,
  SHA-1 and SHA-256). HTTP Digest, Postgres, MySQL and CRAM-MD5 hash the password by
  definition, so a password does not make them an error; the WebSocket and Chef markers do not
  excuse hashing a password. The markers are file-wide: a file that implements one of these
  protocols is quiet about every MD5 / SHA-1 in it.
- **info, low**: a function that implements a stored password format other systems define
  (htpasswd's `{SHA}` and `$apr1$`, md5-crypt's `$1$` or a `md5crypt` function, LDAP's
  `{SSHA}` or an `ssha` function): checking hashes those systems wrote needs their algorithm,
  but new passwords belong in argon2id, bcrypt or scrypt. Only the function around the hash
  counts, so a file that reads htpasswd entries and also hashes its own passwords is still
  reported for the latter.
- **hint**: Python's `usedforsecurity=False`: the author has declared a checksum, and the hint
  only reminds the next reader never to repurpose it.
- **no finding**: the digest is stored under a name, or computed in a function whose name,
  contains the word `cache`, `etag`, `checksum` or `fingerprint` (`cache_key =
  hashlib.md5(...)`, `func ETagFor(...)`, `{"etag": md5(body)}`, `def fingerprint(data)`).
  Word-based (`setAge` is not `etag`), with no guessing from file names or callers. A secret
  in the data still wins: `cache_key = md5(secret)` is a warning.
- **warning** (medium confidence) for MD5 and SHA-1 that protect something: the data is a
  secret (`secret`, `token`, `api_key`, `credential`, `session`, `csrf`, `otp`, `privkey`), or
  the digest goes into, or is computed by a function named for, a signature, an HMAC, a token,
  a verification or authentication (`signature`, `sign...`, `hmac`, `token`, `verify`,
  `auth`, `session`, `csrf`, `otp`, `integrity`, `nonce`).
- **info** (low confidence) for MD5 and SHA-1 otherwise: "MD5 here is fine for a checksum, a
  cache key or an ID, not for a signature, a token or a password". Most MD5 in real code is a
  checksum, an ID or a cache-busting suffix; the rule cannot tell which, so it says so without
  failing a review (filter it out with `--min-confidence medium`).

What stays out of reach: an algorithm name that arrives from another file or from
configuration; a digest whose use is only visible in the caller (the rule reads the names
around the call, not who calls it); a digest compared in constant time or sent as a MAC under
a neutral name (`h := md5.New()` then `return h.Sum(nil)` is an info); protocols other than
the ones listed, and a protocol implemented without its tell-tale strings or names.

Test files are skipped: tests hash fixtures to compare them. No fix: the replacement depends on
what the digest is for.

## Why it matters in production

**MD5 and SHA-1 collisions are a solved problem.** A chosen-prefix MD5 collision takes hours on
a laptop, SHA-1's (SHAttered, Shambles) costs less than a used car in cloud GPUs. Anything that
trusts "same digest means same content" (a signed upload manifest, a deduplicated document
store, an integrity check on a downloaded plugin, a token derived from a digest) accepts the
attacker's twin file the day someone bothers.

**Passwords are worse, and SHA-256 does not save them.** The failure mode is the breach you
already had: the users table leaks through a backup or an SQL injection, and the attacker runs
the hashes through a GPU rig at tens of billions of MD5 or SHA-256 guesses a second. Salting
stops rainbow tables, not brute force; by the weekend most of your users' passwords (the same
ones they use for email) are in a paste. Password hashing needs a **slow, memory-hard** function
so each guess costs milliseconds and megabytes.

## Example

```python
def store_user(db, email, password):
    digest = hashlib.sha256((SALT + password).encode()).hexdigest()   # error: fast hash
    db.insert("users", email=email, password_hash=digest)

def sign_manifest(manifest: bytes) -> str:
    return hashlib.md5(manifest).hexdigest()                         # warning
```

```go
signature := md5.Sum(upload)      // warning: a signature; `sum := md5.Sum(upload)` is info
```

```typescript
const hash = crypto.createHash("sha1").update(password).digest("hex"); // error
```

```java
MessageDigest md = MessageDigest.getInstance("MD5");
```

## Use instead

Passwords: **argon2id** (or bcrypt / scrypt) through a maintained library, which salts and
encodes its parameters for you.

```python
from argon2 import PasswordHasher
ph = PasswordHasher()
stored = ph.hash(password)
ph.verify(stored, attempt)  # raises on mismatch; check ph.check_needs_rehash(stored) on login
```

```go
hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
```

```typescript
import argon2 from "argon2";
const stored = await argon2.hash(password, { type: argon2.argon2id });
```

```java
var encoder = new Argon2PasswordEncoder(16, 32, 1, 1 << 16, 3); // Spring Security
String stored = encoder.encode(password);
```

Integrity and identifiers: **SHA-256**, and **HMAC-SHA-256** when the digest authenticates
data (a digest anyone can recompute proves nothing about who wrote it).

```python
digest = hashlib.sha256(manifest).hexdigest()
tag = hmac.new(key, manifest, hashlib.sha256).hexdigest()
```

A real checksum or cache key may keep MD5: say so (`hashlib.md5(data,
usedforsecurity=False)`, which also keeps it working on FIPS hosts), name it so (`etag`,
`cache_key`, `checksum`), or suppress the line with `# forge: ignore[FG501]`.

## How to test it

For passwords, assert what you store is a slow-hash encoding and that verification still works:

```python
def test_password_is_stored_with_argon2id(db):
    store_user(db, "a@example.com", "correct horse")
    stored = db.get_user("a@example.com").password_hash
    assert stored.startswith("$argon2id$")
    assert "correct horse" not in stored
    assert verify_login(db, "a@example.com", "correct horse")
    assert not verify_login(db, "a@example.com", "wrong")
```

Add a migration test for legacy hashes: a user with an old MD5 hash can still log in once, and
the row holds an argon2id hash afterwards. For integrity digests, pin a known SHA-256 test
vector so nobody swaps the algorithm back silently.

## References

- [CWE-328: Use of Weak Hash](https://cwe.mitre.org/data/definitions/328.html)
- [CWE-916: Use of Password Hash With Insufficient Computational Effort](https://cwe.mitre.org/data/definitions/916.html)
- [OWASP Password Storage Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html)
- [SHAttered: the first SHA-1 collision](https://shattered.io/)
- [Python hashlib: `usedforsecurity`](https://docs.python.org/3/library/hashlib.html#hash-algorithms)
- [OWASP Top 10 A02:2021 Cryptographic Failures](https://owasp.org/Top10/A02_2021-Cryptographic_Failures/)
"""


class WeakHash(Rule):
    code = "FG501"
    name = "weak-hash"
    summary = "MD5 or SHA-1 used as a security hash, or a password hashed with a fast hash"
    severity = Severity.WARNING
    cwe = 328
    languages = frozenset(
        {"python", "go", "javascript", "typescript", "tsx", "java", "kotlin", "rust"}
    )
    fixable = False
    doc = _DOC

    def check(self, ctx: CheckContext) -> Iterable[Finding]:
        if ctx.in_test_file:  # tests hash fixtures to compare them, never to protect anything
            return
        for found in _hashes(ctx):
            finding = self._judge(ctx, found)
            if finding is not None:
                yield finding

    def _judge(self, ctx: CheckContext, found: _Hash) -> Finding | None:
        names = hash_purpose.data_names(ctx, _data(ctx, found))
        password = _password_name(names)
        weak = found.algorithm in _WEAK
        protocol = None
        if weak or password is not None:
            protocol = hash_purpose.protocol(ctx, found.call.node)
        name = _DISPLAY.get(found.algorithm, found.algorithm.upper())
        if protocol is not None and protocol.stored_format:
            message = (
                f"`{found.label}` implements {protocol.name}; fine for checking old hashes, "
                f"but store new passwords with argon2id, bcrypt or scrypt"
            )
            return self._at(found, message, Severity.INFO, Confidence.LOW)
        if protocol is not None and (password is None or protocol.covers_password):
            return None  # the protocol fixes the algorithm: the code has no choice
        if password is not None:
            message = (
                f"`{password}` is hashed with `{found.label}`, a fast hash an attacker's GPU "
                f"tries billions of times a second: store passwords with argon2id, bcrypt or "
                f"scrypt"
            )
            return self._at(found, message, Severity.ERROR, Confidence.HIGH)
        if not weak:
            return None
        if _declared_non_security(ctx, found):
            message = (
                f"`{found.label}` is declared `usedforsecurity=False`: fine for checksums and "
                f"cache keys, never for signatures, tokens or passwords"
            )
            return self._at(found, message, Severity.HINT, Confidence.HIGH)
        holders = _holder_names(ctx, found.call.node)
        use = hash_purpose.security_use(names, [])
        if use is None and _non_security(holders):
            # Named a cache key, ETag, checksum or fingerprint: quiet. Even an info finding
            # fails `forge-lsp check`, and these names are how the code documents intent.
            return None
        use = use or hash_purpose.security_use([], holders)
        advice = "use SHA-256, or HMAC-SHA-256 when the digest authenticates data"
        if use is not None:
            message = (
                f"{name} from `{found.label}` protects something here ({use}), and {name} "
                f"collisions are cheap to make: {advice}"
            )
            return self._at(found, message, Severity.WARNING, Confidence.MEDIUM)
        declare = ""
        if ctx.language.name == "python":
            declare = ", or declare a checksum with `usedforsecurity=False`"
        message = (
            f"{name} from `{found.label}`: {name} here is fine for a checksum, a cache key or "
            f"an ID, not for a signature, a token or a password, and nothing around it says "
            f"which (SHA-256 ends the question{declare})"
        )
        return self._at(found, message, Severity.INFO, Confidence.LOW)

    def _at(
        self, found: _Hash, message: str, severity: Severity, confidence: Confidence
    ) -> Finding:
        return self.finding(
            found.call.node,
            message,
            end_node=found.end,
            severity=severity,
            confidence=confidence,
        )


RULE = WeakHash()
