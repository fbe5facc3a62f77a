"""FG402 tls-verification-disabled: certificate or hostname verification switched off."""

from __future__ import annotations

import re
from collections.abc import Iterator

import tree_sitter

from forge_lsp.core.model import Confidence, Finding, Severity
from forge_lsp.rules.base import CheckContext, Rule, has_error
from forge_lsp.rules.families import network as net

PYTHON_QUERY = """
(call function: (_) @fn
  arguments: (argument_list
    (keyword_argument name: (identifier) @kw value: (false)) @setting)
  (#eq? @kw "verify"))
(assignment left: (attribute attribute: (identifier) @attr) right: (false)
  (#any-of? @attr "verify" "check_hostname")) @setting
(attribute attribute: (identifier) @fn (#eq? @fn "_create_unverified_context")) @unverified
(assignment left: (attribute attribute: (identifier) @attr)
  right: (attribute attribute: (identifier) @none)
  (#eq? @attr "verify_mode") (#eq? @none "CERT_NONE")) @setting
(keyword_argument name: (identifier) @kw value: (attribute attribute: (identifier) @none)
  (#any-of? @kw "cert_reqs" "ssl_cert_reqs") (#eq? @none "CERT_NONE")) @setting
"""

GO_QUERY = """
(keyed_element key: (literal_element (identifier) @key) value: (literal_element (true))
  (#eq? @key "InsecureSkipVerify")) @setting
(assignment_statement
  left: (expression_list (selector_expression field: (field_identifier) @key))
  right: (expression_list (true))
  (#eq? @key "InsecureSkipVerify")) @setting
"""

JS_QUERY = """
(pair key: (_) @key value: (false) @value) @setting
(assignment_expression left: (member_expression property: (property_identifier) @key)
  right: (false) @value
  (#eq? @key "rejectUnauthorized")) @setting
(assignment_expression
  left: [(member_expression property: (property_identifier) @env)
         (subscript_expression index: (string (string_fragment) @env))]
  right: (_) @value
  (#eq? @env "NODE_TLS_REJECT_UNAUTHORIZED")) @env_setting
(pair key: (_) @key value: (arrow_function) @identity) @setting
"""

JAVA_QUERY = """
(method_declaration name: (identifier) @name body: (block) @body
  (#eq? @name "checkServerTrusted")) @trust
(method_declaration name: (identifier) @name body: (block) @body
  (#eq? @name "verify")) @verify
(method_invocation name: (identifier) @fn
  arguments: (argument_list (lambda_expression body: (true)) @lambda)
  (#any-of? @fn "setHostnameVerifier" "setDefaultHostnameVerifier" "hostnameVerifier"
    "setSSLHostnameVerifier"))
([(identifier) (type_identifier)] @noop
  (#any-of? @noop "NoopHostnameVerifier" "AllowAllHostnameVerifier"
    "ALLOW_ALL_HOSTNAME_VERIFIER"))
"""

KOTLIN_QUERY = """
(function_declaration name: (identifier) @name (function_body (block) @body)
  (#eq? @name "checkServerTrusted")) @trust
(function_declaration name: (identifier) @name (function_body (identifier) @value)
  (#eq? @name "verify") (#eq? @value "true")) @verify
(call_expression (_) @callee
  (annotated_lambda (lambda_literal (lambda_parameters) . (identifier) @value .) @lambda)
  (#eq? @value "true"))
((identifier) @noop
  (#any-of? @noop "NoopHostnameVerifier" "AllowAllHostnameVerifier"
    "ALLOW_ALL_HOSTNAME_VERIFIER"))
"""
VERIFIER_SETTERS = frozenset(
    {"hostnameVerifier", "HostnameVerifier", "setHostnameVerifier", "setDefaultHostnameVerifier"}
)

RUST_QUERY = """
(call_expression
  function: (field_expression field: (field_identifier) @fn)
  arguments: (arguments . (boolean_literal) @value .)
  (#any-of? @fn "danger_accept_invalid_certs" "danger_accept_invalid_hostnames")
  (#eq? @value "true")) @call
"""

_CA_BUNDLE = "trust your internal CA instead"


class TlsVerificationDisabled(Rule):
    code = "FG402"
    name = "tls-verification-disabled"
    summary = "TLS certificate or hostname verification switched off for outbound connections."
    severity = Severity.ERROR
    cwe = 295
    languages = frozenset(
        {"python", "go", "javascript", "typescript", "tsx", "java", "rust", "kotlin"}
    )
    options = (net.IGNORE_IN_TESTS,)
    doc = """
## What it does

Flags code that switches off TLS certificate or hostname verification:

- **Python**: `verify=False` passed to `requests`/`httpx` calls, clients and sessions
  (and any other HTTP client taking `verify=`), `session.verify = False`,
  `ssl._create_unverified_context` (called or installed as the default),
  `ctx.check_hostname = False`, `ctx.verify_mode = ssl.CERT_NONE` and
  `cert_reqs=ssl.CERT_NONE`.
- **Go**: `InsecureSkipVerify: true` in a `tls.Config` literal, or assigned.
- **JavaScript/TypeScript**: `rejectUnauthorized: false` (in `https.Agent`, `tls.connect`, a
  database driver's `ssl` options), `checkServerIdentity: () => undefined`, and
  `process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0"`.
- **Java**: an `X509TrustManager` whose `checkServerTrusted` is empty, a `HostnameVerifier`
  whose `verify` returns `true` (a class or a `(host, session) -> true` lambda passed to
  `setHostnameVerifier`/`hostnameVerifier`), and Apache HttpClient's `NoopHostnameVerifier`
  / `ALLOW_ALL_HOSTNAME_VERIFIER`.
- **Kotlin**: the same trust managers and verifiers (`object : X509TrustManager` with an empty
  `checkServerTrusted`, `hostnameVerifier { _, _ -> true }`, `NoopHostnameVerifier`).
- **Rust**: `danger_accept_invalid_certs(true)` and `danger_accept_invalid_hostnames(true)`.

Only literal settings are reported: `verify=settings.VERIFY_TLS` or
`InsecureSkipVerify: cfg.Insecure` is a configuration decision Forge cannot evaluate. A
literal setting inside a branch in the same function that tests a setting (a condition or
`switch` naming a flag, a mode, TLS, the environment or the configuration: `case
'no-verify':`, `if (config.ssl === 'no-verify')`, `if insecure:`, a `when`/`match` arm, a
ternary) is an opt-in, like pg's documented `sslmode=no-verify`: it is reported as
information with low confidence. A branch that tests a failure (`if err != nil`, an `error`
or `exception` in the condition) is a fallback, not an opt-in, and stays an error, as does a
branch on anything else (`if __name__ == "__main__":`, a status code). Test files
are skipped (option `ignoreInTests`). No quick fix: turning verification back on breaks a
deliberately self-signed development setup until its CA is trusted, which is a change you make
on purpose (see *Use instead*).

**Where values come from.** The rule is syntactic and uses no dataflow: it reads literals
written at the setting (`False`, `true`, `"0"`, an empty method body) and the text of the
condition around it in the same function. A setting held in a variable, read from
configuration or the environment, or passed in from another file is not evaluated; nor is
what sets an opt-in's condition (a flag, an environment variable, a connection string), nor
whether a trust manager defined here is installed somewhere else.

## Why it matters in production

With verification off, TLS still encrypts, but to **anyone**: a compromised router, a
malicious Wi-Fi hotspot, a poisoned DNS answer or a sidecar in the wrong namespace presents any
certificate and reads and rewrites the traffic, bearer tokens and card numbers included. Nothing
fails, nothing logs, and the dashboards stay green. These lines are written to get past a
self-signed certificate in staging, then ship to production behind a flag nobody flips back,
and in Node `NODE_TLS_REJECT_UNAUTHORIZED=0` switches verification off for every connection
in the process, not just the one that needed it.

## Example

```python
resp = requests.get(f"{LEDGER_URL}/balances", verify=False, timeout=10)
ssl._create_default_https_context = ssl._create_unverified_context
```

```go
transport := &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}
```

```typescript
const agent = new https.Agent({ rejectUnauthorized: false });
process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0";
```

```java
conn.setHostnameVerifier((host, session) -> true);
```

```rust
let client = reqwest::Client::builder().danger_accept_invalid_certs(true).build()?;
```

## Use instead

Keep verification on and **trust the CA that signed the certificate**: your internal CA
bundle, or the self-signed development certificate itself, loaded from configuration:

```python
resp = requests.get(f"{LEDGER_URL}/balances", verify="/etc/ssl/internal-ca.pem", timeout=10)
ctx = ssl.create_default_context(cafile="/etc/ssl/internal-ca.pem")
```

```go
pool := x509.NewCertPool()
if !pool.AppendCertsFromPEM(caPEM) {
	return nil, errors.New("internal CA: no certificates parsed")
}
tlsConfig := &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
transport := &http.Transport{TLSClientConfig: tlsConfig}
```

```typescript
const agent = new https.Agent({ ca: fs.readFileSync("/etc/ssl/internal-ca.pem") });
// or, process-wide without code: NODE_EXTRA_CA_CERTS=/etc/ssl/internal-ca.pem
```

```java
// Import the CA into a trust store and point the JVM at it:
// -Djavax.net.ssl.trustStore=/etc/ssl/internal-truststore.p12
SSLContext ssl = SSLContext.getInstance("TLS");
ssl.init(null, trustManagerFactory.getTrustManagers(), null);
```

```rust
let ca = reqwest::Certificate::from_pem(&std::fs::read("/etc/ssl/internal-ca.pem")?)?;
let client = reqwest::Client::builder().add_root_certificate(ca).build()?;
```

For local development, issue a development CA with `mkcert` and trust it, rather than turning
verification off in code.

## How to test it

Run the client against a TLS server with a certificate from a CA it does not trust (a
`trustme`/`mkcert` CA, `httptest.NewTLSServer` without its client, a `badssl.com`-style fixture)
and assert the call **fails** with a certificate error; then add the CA to the client's trust
configuration and assert it succeeds. Add a case with a valid certificate for the wrong host
name, which must fail too.

## References

- [CWE-295: Improper Certificate Validation](https://cwe.mitre.org/data/definitions/295.html)
- [OWASP Transport Layer Security Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Transport_Layer_Security_Cheat_Sheet.html)
- [OWASP Top 10 A02:2021 Cryptographic Failures](https://owasp.org/Top10/A02_2021-Cryptographic_Failures/)
- [requests: SSL Cert Verification](https://requests.readthedocs.io/en/latest/user/advanced/#ssl-cert-verification)
- [Node.js: NODE_EXTRA_CA_CERTS](https://nodejs.org/api/cli.html#node_extra_ca_certsfile)
"""

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        if net.skipped(ctx):
            return
        checker = {
            "python": self._python,
            "go": self._go,
            "java": self._java,
            "kotlin": self._kotlin,
            "rust": self._rust,
        }.get(ctx.language.name, self._script)
        for node, message in checker(ctx):
            if has_error(node):
                continue
            guard = _opt_in(ctx, node)
            if guard is None:
                yield self.finding(node, message)
                continue
            # Off only where a condition selects it (`case 'no-verify':`, `if insecure:`):
            # what sets the condition (a flag, the environment, a connection string) is out
            # of the rule's reach, so it cannot tell whether production ever takes this branch.
            yield self.finding(
                node,
                f"{message} Here it is off only {guard}, an opt-in Forge cannot evaluate: make "
                "sure production never selects it.",
                severity=Severity.INFO,
                confidence=Confidence.LOW,
            )

    def _python(self, ctx: CheckContext) -> Iterator[tuple[tree_sitter.Node, str]]:
        for _, match in ctx.matches(PYTHON_QUERY):
            if "unverified" in match:
                node = match["unverified"][0]
                yield (
                    node,
                    "`ssl._create_unverified_context` accepts any certificate for any host: use "
                    f"`ssl.create_default_context(cafile=...)` and {_CA_BUNDLE}.",
                )
                continue
            setting = match["setting"][0]
            text = ctx.text(setting)
            if "fn" in match and _not_tls(ctx, match["fn"][0]):
                continue
            if "CERT_NONE" in text:
                message = (
                    "`CERT_NONE` accepts any certificate, so anyone on the path can impersonate "
                    f"the server: keep `CERT_REQUIRED` and {_CA_BUNDLE}."
                )
            elif "check_hostname" in text:
                message = (
                    "`check_hostname = False` accepts a valid certificate for any host: keep it "
                    "on and put the name you connect to in the certificate."
                )
            else:
                message = (
                    f"`{text}` turns off certificate checks, so anyone on the path can "
                    "impersonate the server: pass `verify=` the path of your CA bundle instead."
                )
            yield setting, message

    def _go(self, ctx: CheckContext) -> Iterator[tuple[tree_sitter.Node, str]]:
        for _, match in ctx.matches(GO_QUERY):
            yield (
                match["setting"][0],
                "`InsecureSkipVerify` accepts any certificate for any host, so anyone on the "
                "path can read this traffic: keep verification on and set `RootCAs` to a pool "
                "holding your CA.",
            )

    def _script(self, ctx: CheckContext) -> Iterator[tuple[tree_sitter.Node, str]]:
        for _, match in ctx.matches(JS_QUERY):
            if "env_setting" in match:
                value = ctx.text(match["value"][0]).strip("'\"`")
                if value in ("0", "false"):
                    yield (
                        match["env_setting"][0],
                        '`NODE_TLS_REJECT_UNAUTHORIZED = "0"` turns off certificate checks '
                        "for every connection in the process: trust your CA with "
                        "`NODE_EXTRA_CA_CERTS` or an agent's `ca` option.",
                    )
                continue
            key = ctx.text(match["key"][0]).strip("'\"`")
            if "identity" in match:
                if key == "checkServerIdentity" and _accepts_any(ctx, match["identity"][0]):
                    # The function itself: an edit inside it re-checks only the function.
                    yield (
                        match["identity"][0],
                        "`checkServerIdentity` that returns nothing accepts a certificate for "
                        "any host: drop it and let Node check the host name.",
                    )
                continue
            if key == "rejectUnauthorized":
                yield (
                    match["setting"][0],
                    "`rejectUnauthorized: false` accepts any certificate, so anyone on the path "
                    "can impersonate the server: pass your CA with `ca:` instead.",
                )

    def _java(self, ctx: CheckContext) -> Iterator[tuple[tree_sitter.Node, str]]:
        for _, match in ctx.matches(JAVA_QUERY):
            if "trust" in match:
                if not net.named(match["body"][0]) and _implements(ctx, match["trust"][0], "Trust"):
                    yield match["name"][0], _TRUST_ALL
            elif "verify" in match:
                statements = net.named(match["body"][0])
                returns_true = len(statements) == 1 and ctx.text(statements[0]) == "return true;"
                if returns_true and _implements(ctx, match["verify"][0], "HostnameVerifier"):
                    yield match["name"][0], _ANY_HOST
            elif "lambda" in match:
                yield match["lambda"][0], _ANY_HOST
            elif not _in_import(match["noop"][0]):
                yield match["noop"][0], _NOOP

    def _kotlin(self, ctx: CheckContext) -> Iterator[tuple[tree_sitter.Node, str]]:
        for _, match in ctx.matches(KOTLIN_QUERY):
            if "trust" in match:
                if not net.named(match["body"][0]) and _implements(ctx, match["trust"][0], "Trust"):
                    yield match["name"][0], _TRUST_ALL
            elif "verify" in match:
                if _implements(ctx, match["verify"][0], "HostnameVerifier"):
                    yield match["name"][0], _ANY_HOST
            elif "lambda" in match:
                callee = ctx.text(match["callee"][0]).rsplit(".", 1)[-1]
                if callee in VERIFIER_SETTERS:
                    yield match["lambda"][0], _ANY_HOST
            elif not _in_import(match["noop"][0]):
                yield match["noop"][0], _NOOP

    def _rust(self, ctx: CheckContext) -> Iterator[tuple[tree_sitter.Node, str]]:
        for _, match in ctx.matches(RUST_QUERY):
            name = ctx.text(match["fn"][0])
            what = "any certificate" if name.endswith("certs") else "a certificate for any host"
            yield (
                match["fn"][0],
                f"`{name}(true)` accepts {what}, so anyone on the path can impersonate the "
                "server: add your CA with `add_root_certificate` instead.",
            )


_TRUST_ALL = (
    "An empty `checkServerTrusted` trusts every certificate, so anyone on the path can "
    "impersonate the server: use the platform trust store or a TrustManagerFactory with your CA."
)
_ANY_HOST = (
    "A hostname verifier that returns `true` accepts a valid certificate for any host: drop it "
    "and keep the default verifier."
)
_NOOP = (
    "`NoopHostnameVerifier` accepts a valid certificate for any host: use the default "
    "verifier and put the right name in the certificate."
)


# Branches that select what follows them: an `if`, a `switch`/`match`/`when` case, a ternary.
_GUARDS = frozenset(
    {
        "if_statement",  # Python, Go, JavaScript, Java
        "elif_clause",
        "conditional_expression",  # Python's `a if c else b`
        "case_clause",  # Python's `match`
        "expression_case",  # Go
        "switch_case",  # JavaScript
        "ternary_expression",  # JavaScript, Java
        "switch_block_statement_group",  # Java
        "switch_rule",
        "if_expression",  # Kotlin, Rust
        "when_entry",  # Kotlin
        "match_arm",  # Rust
    }
)
_CASES = frozenset(
    {"case_clause", "expression_case", "switch_case", "switch_block_statement_group"}
    | {"switch_rule", "when_entry", "match_arm"}
)
# A condition that reads as a setting: a flag, a mode, the environment, the configuration.
_SETTING = re.compile(
    r"(?i)insecure|verif|ssl|tls|cert|skip|mode|environ|getenv|process\.env|debug|\bdev|"
    r"local|config|conf\b|option|opts|setting|flag|allow|strict|unsafe|trust|self.?signed|"
    r"\bargs\.|\bcfg\b"
)
# A condition that tests a failure is a fallback, not an opt-in: `if err != nil { insecure }`.
_FAILURE = re.compile(r"\berr\b|[Ee]rror|[Ee]xception|[Ff]ail")


def _opt_in(ctx: CheckContext, node: tree_sitter.Node) -> str | None:
    """Where a branch around `node` in its function selects it on a setting (`when `insecure`
    holds`, `in the case `'no-verify'``); None when the setting applies unconditionally, when
    no branch tests something that reads as a setting, or when one tests a failure."""
    functions = net.FUNCTION_TYPES[ctx.language.name]
    child, parent = node, node.parent
    found: str | None = None
    while parent is not None and parent.type not in functions:
        if parent.type in _GUARDS:
            condition = _condition(parent)
            if condition is not None and not _contains(condition, child):
                text = " ".join(ctx.text(condition).split())
                if _FAILURE.search(text):
                    return None  # a fallback after a failure, wherever it sits
                case = parent.type in _CASES
                # A case is read with its switch's subject (`switch (process.env.PGSSLMODE)`).
                subject = ctx.text(parent.parent)[:80] if case and parent.parent else ""
                if found is None and _SETTING.search(f"{text} {subject}"):
                    found = _describe(text, case)
        child, parent = parent, parent.parent
    return found


def _describe(text: str, case: bool) -> str:
    if text.startswith("(") and text.endswith(")"):
        text = text[1:-1]
    text = text.removeprefix("case ").removesuffix(":").strip()
    text = text if len(text) <= 60 else text[:57] + "..."
    return f"in the case `{text}`" if case else f"when `{text}` holds"


def _condition(branch: tree_sitter.Node) -> tree_sitter.Node | None:
    """What a branch tests: its `condition` field, a case's value, or the first named child."""
    for field in ("condition", "pattern", "value"):
        found = branch.child_by_field_name(field)
        if found is not None:
            return found
    if branch.type == "conditional_expression":  # `a if c else b`
        named = branch.named_children
        return named[1] if len(named) > 1 else None
    if branch.type == "switch_block_statement_group":
        return branch.named_children[0] if branch.named_children else None
    named = [c for c in branch.named_children if "comment" not in c.type]
    return named[0] if named else None


def _contains(outer: tree_sitter.Node, inner: tree_sitter.Node) -> bool:
    return outer.start_byte <= inner.start_byte and inner.end_byte <= outer.end_byte


def _not_tls(ctx: CheckContext, fn: tree_sitter.Node) -> bool:
    """`jwt.decode(token, verify=False)` and friends: `verify` there is not about TLS."""
    text = ctx.text(fn).lower()
    return "decode" in text or "jwt" in text or "signature" in text


def _accepts_any(ctx: CheckContext, arrow: tree_sitter.Node) -> bool:
    body = arrow.child_by_field_name("body")
    if body is None:
        return False
    if body.type == "statement_block":
        return not net.named(body)
    return body.type in ("undefined", "null")


_CLASS_TYPES = frozenset(
    {"class_declaration", "object_creation_expression", "object_literal", "enum_declaration"}
)


def _implements(ctx: CheckContext, method: tree_sitter.Node, word: str) -> bool:
    """Whether the class (or anonymous class, or Kotlin object) declaring `method` names a
    supertype containing `word` (`X509TrustManager`, `X509ExtendedTrustManager`)."""
    body = method.parent
    owner = body.parent if body is not None else None
    if owner is None or owner.type not in _CLASS_TYPES:
        return False
    supers = []
    for child in owner.named_children:
        if child.type in ("super_interfaces", "superclass", "delegation_specifiers"):
            supers.append(ctx.text(child))
    type_node = owner.child_by_field_name("type")
    if owner.type == "object_creation_expression" and type_node is not None:
        supers.append(ctx.text(type_node))
    return any(word in s for s in supers)


def _in_import(node: tree_sitter.Node) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.type in ("import_declaration", "import_header", "import"):
            return True
        parent = parent.parent
    return False


RULE = TlsVerificationDisabled()
