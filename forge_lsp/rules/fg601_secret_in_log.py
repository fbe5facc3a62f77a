"""FG601 secret-in-log: passwords, tokens and keys written into log lines."""

from __future__ import annotations

import re
from collections.abc import Iterable

import tree_sitter

from forge_lsp.core.model import Finding, Severity
from forge_lsp.rules.base import CheckContext, Rule, RuleOption, has_error
from forge_lsp.rules.families import log_calls

_DOC = r"""
## What it does

**Flags logging calls that write a password, token, secret, API key, private key, credential,
Authorization header or session cookie into the log.**

A value counts when its name says it holds one: an identifier (`password`), an attribute or
field (`user.password`, `cfg.APIKey`, `user.getPassword()`), an f-string / template / Kotlin
`$token` interpolation, a `%s` or `{}` argument, a structured-logging key/value
(`logger.info("login", password=pw)`, `extra={"token": tok}`, zap `zap.String("token", tok)`,
slog and zap-sugar `"token", tok`, logrus `Fields{"password": pw}`, pino `{ password }`,
tracing `info!(token = %tok)`), or a lookup by name (`request.headers["Authorization"]`,
`r.Header.Get("Authorization")`, `os.getenv("API_TOKEN")`). Logging APIs: Python `logging`,
`logger.*`, structlog, loguru; Go `log`, `slog`, zap, logrus; Node `console.*`, winston, pino,
bunyan; Java/Kotlin SLF4J and Log4j `log.*` / `logger.*`; Rust `log::` and `tracing::` macros.

Not flagged: names that mention a secret without holding one (`password_reset_url`,
`token_count`, `token_type`, `is_password_valid`, `password_length`, `hashed_password`,
`masked_token`, `redacted_key`), values passed through any other call (`redact(token)`,
`mask(pw)`, `len(token)`), comparisons (`token is None`) and literals; a bare `token` in a
parser's message (`"unexpected token %s"`) or in a file that imports a lexer's token types
(Pygments, `tokenize`, ply, lark, sqlparse, esprima, acorn): a lexeme, not a credential. The
range is the offending argument. No fix: what to log instead is yours to decide. Short names count:
`pw`, `pwd`, `cred`, `creds` and `bearer` hold a secret like their long forms.

**Where values come from.** A logged name that says nothing (`auth`, `line`, `h`, `s`) is
followed back through the assignments that reach it in the function (the dataflow layer's
reaching definitions, up to four assignments deep): when one of them is made of a secret, read
the same way as above, the log call leaks it and the message says what it was made from.
So `auth = request.headers["Authorization"]; log.info("auth %s", auth)`,
`String p = cfg.getPassword(); logger.debug("pw=" + p)`, `line = "hdr " + h` with `h` an
Authorization header, and Rust `let key = cfg.api_key.clone(); info!("{}", key)` are reported.
A credential source is a secret-named variable, field or getter (`cfg.password`,
`getPassword()`), a header or cookie looked up by name (`request.headers["Authorization"]`,
`r.Header.Get("Authorization")`, `req.headers.authorization`), or an environment lookup by a
secret name (`os.getenv("API_TOKEN")`). Concatenation, formatting, `str()`, `.clone()`,
`.trim()` and `.to_string()` carry the secret; a value only derived from it does not: a hash
(`sha256(token).hexdigest()`), its length, a presence test (`h != ""`, `auth is not None`), a
slice (`token[:4]`), or a name that says it is derived (`masked`, `token_hash`, `pw_len`,
`present`) is not followed.

**Out of reach:** a secret that reaches the log through another function's parameter or return
value, a field set in another method, another file, a request logger configured elsewhere, or
Kotlin `"$name"` templates whose name says nothing (the name-based check still reads them).

## Why it matters in production

Logs are the least protected copy of your data. They are shipped to a vendor, indexed for
full-text search, kept for months, readable by every engineer on call and by whoever phishes
one of them. **A password in a log line is a password in every one of those places**, and
rotating it does not delete the old lines from the backups. The usual story is a
`log.debug("login attempt %s %s", user, password)` added during an incident, left behind, and
switched on by a `LOG_LEVEL=debug` deploy a year later; or an `Authorization` header dumped by
a request logger, which turns a log-store breach into a session hijack for every user active
that day. This is CWE-532, and auditors ask for it by name.

## Example

```python
log.info("login attempt for %s with password %s", username, password)
logger.info("token refreshed", access_token=token)
```

```go
slog.Info("calling billing", "token", token)
log.Printf("auth header: %s", r.Header.Get("Authorization"))
```

```typescript
logger.debug(`user ${user.email} logged in with ${user.password}`);
console.log("headers", req.headers.authorization);
```

```java
log.info("Connecting with password {}", config.getPassword());
```

```rust
tracing::info!(api_key = %key, "client created");
```

## Use instead

Log **who and what**, never the secret: the user id, the key's id or the last four characters,
whether a header was present.

```python
log.info("login attempt for %s", username)
logger.info("token refreshed", token_id=token_id)
```

```go
slog.Info("calling billing", "key_id", keyID)
log.Printf("auth header present: %t", r.Header.Get("Authorization") != "")
```

```typescript
logger.debug(`user ${user.id} logged in`);
```

```java
log.info("Connecting as {}", config.getUsername());
```

Configure redaction in the logger as a second line of defence (structlog processors, pino
`redact: ["req.headers.authorization"]`, logback masking patterns), not as the only one.

## How to test it

Capture the log output in a test (`caplog` in pytest, an in-memory zap core, a
`ListAppender` in logback) around the login or outbound-call path, with a recognisable fake
secret such as `s3cr3t-canary`, and assert that the canary appears in no captured record.

## References

- [CWE-532: Insertion of Sensitive Information into Log File](https://cwe.mitre.org/data/definitions/532.html)
- [OWASP Logging Cheat Sheet: data to exclude](https://cheatsheetseries.owasp.org/cheatsheets/Logging_Cheat_Sheet.html#data-to-exclude)
- [OWASP Top 10 A09:2021 Security Logging and Monitoring Failures](https://owasp.org/Top10/A09_2021-Security_Logging_and_Monitoring_Failures/)
"""


class SecretInLog(Rule):
    code = "FG601"
    name = "secret-in-log"
    summary = "Passwords, tokens, keys and Authorization headers written into log lines"
    severity = Severity.ERROR
    cwe = 532
    languages = frozenset(
        {"python", "go", "javascript", "typescript", "tsx", "java", "kotlin", "rust"}
    )
    options = (
        RuleOption(
            "ignoreInTests",
            bool,
            True,
            "Skip test files (`tests/`, `test_*.py`, `*_test.go`, `*.spec.ts`, `src/test/`): "
            "the secrets a test logs are fixtures.",
        ),
    )
    doc = _DOC

    def check(self, ctx: CheckContext) -> Iterable[Finding]:
        if ctx.in_test_file and ctx.options.get("ignoreInTests", True):
            return
        scan = log_calls.SecretScan(ctx)
        for call in log_calls.log_calls(ctx):
            if has_error(call.call):
                continue
            for leak in scan.leaks(call.args):
                if _parser_token(ctx, call, leak):
                    continue
                what = ctx.source[leak.first.start_byte : leak.last.end_byte].decode(
                    "utf-8", "replace"
                )
                what = "this value" if len(what) > 40 or "\n" in what else f"`{what}`"
                article = _article(leak.kind)
                came = ""
                if leak.via is not None:
                    source = ctx.text(leak.via)
                    source = (
                        f"`{source}`" if len(source) <= 50 and "\n" not in source else "a secret"
                    )
                    came = f" (made from {source}, {_above(leak.via, leak.first)})"
                yield self.finding(
                    leak.first,
                    f"{what}{came} puts {article} {leak.kind} into `{call.label}`: log an id or "
                    "whether it was present, never the secret itself",
                    end_node=leak.last,
                )


# A bare `token` in a parser ("unexpected token %s") or a DI container ("provider token not
# found in the registry") is a lexeme or a lookup key, not a credential.
_NOT_AUTH_CONTEXT = re.compile(
    r"(?i)unexpected|expected|pars(?:e|er|ing)|syntax|lexer|grammar|tokeni[sz]|registry"
    r"|provider|inject|progress"
)


# A file that imports a lexer's token types (Pygments, Python's tokenize, a parser library)
# calls its lexemes `token`.
_LEXER_IMPORT = re.compile(
    rb"(?m)^[ \t]*(?:from|import)[ \t]+(?:pygments|tokenize|ply|lark|antlr4|sqlparse)\b"
    rb"|require\(\s*['\"](?:esprima|acorn|moo|chevrotain)['\"]"
    rb"|from\s+['\"](?:esprima|acorn|moo|chevrotain)['\"]"
)


def _parser_token(ctx: CheckContext, call: log_calls.LogCall, leak: log_calls.Leak) -> bool:
    if leak.kind != "token":
        return False
    name = ctx.text(leak.last)
    if name.rsplit(".", 1)[-1].lower() != "token":
        return False
    return _NOT_AUTH_CONTEXT.search(ctx.text(call.call)) is not None or ctx.memo(
        "FG601.lexer-import", lambda: _LEXER_IMPORT.search(ctx.source) is not None
    )


def _above(earlier: tree_sitter.Node, later: tree_sitter.Node) -> str:
    distance = later.start_point[0] - earlier.start_point[0]
    if distance <= 0:
        return "on the same line" if distance == 0 else "below"
    return "on the line above" if distance == 1 else f"{distance} lines above"


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


RULE = SecretInLog()
