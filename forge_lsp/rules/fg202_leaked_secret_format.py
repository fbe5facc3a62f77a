"""FG202 leaked-secret-format: a vendor key (AWS, GitHub, Slack, Stripe, ...) in the source."""

from __future__ import annotations

from collections.abc import Iterator

from forge_lsp.core.model import Finding, Severity
from forge_lsp.rules.base import CheckContext, Rule, RuleOption
from forge_lsp.rules.families import credentials as cred

# Formats a test generates for itself (a throwaway RSA key to sign test requests, a JWT signed
# with it): in a test file they authenticate nowhere. Vendor-issued keys are live anywhere.
_MADE_FOR_TESTS = ("private-key", "jwt")
_FORMAT_IDS = ", ".join(f"`{fmt.id}`" for fmt in cred.FORMATS)


class LeakedSecretFormatRule(Rule):
    code = "FG202"
    name = "leaked-secret-format"
    summary = "A string literal or comment holds a key in a well-known vendor format"
    severity = Severity.ERROR
    cwe = 798
    languages = frozenset(
        {"python", "go", "javascript", "typescript", "tsx", "java", "rust", "kotlin"}
    )
    options = (
        RuleOption(
            "ignoreValues",
            list,
            [],
            "Exact secrets to accept, e.g. a published test vector that authenticates nowhere.",
        ),
        RuleOption(
            "skipFormats",
            list,
            [],
            f"Format ids not to report: {_FORMAT_IDS}.",
        ),
        RuleOption(
            "includeTests",
            bool,
            False,
            "Also report private key blocks and JWTs in test files (`tests/`, `*_test.go`, "
            "`src/test/`, ...). Vendor-issued keys are reported in test files either way.",
        ),
    )
    doc = f"""
## What it does

Finds keys in well-known vendor formats in string literals **and comments** (a key in a comment
is still in git), whatever the variable is called:

- AWS access key ids (`AKIA`/`ASIA`/`ABIA`/`ACCA` + 16 base32 characters), and 40-character
  AWS secret keys when AWS context (`aws_secret...`, `SecretAccessKey`, an access key id) is
  on the same line or the line above;
- GitHub tokens (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`, `github_pat_`), GitLab
  (`glpat-`) and npm (`npm_`) tokens;
- Slack tokens (`xoxb-`, `xoxp-`, `xoxa-`, `xoxr-`, `xoxs-`) and `hooks.slack.com` webhook URLs;
- Stripe **live** secret and restricted keys (`sk_live_`, `rk_live_`);
- Google API keys (`AIza` + 35), Anthropic (`sk-ant-api03-...`) and OpenAI keys
  (`sk-...T3BlbkFJ...`, `sk-proj-...`);
- private key blocks (`-----BEGIN ... PRIVATE KEY-----` followed by key material);
- JSON Web Tokens (three base64url segments whose header decodes to JSON with `alg` or `typ`).

Every pattern checks length and alphabet; values that are plainly not random (`EXAMPLE`,
`xxxx`, a run of zeros, too few distinct characters) are skipped, so AWS's documented
`AKIAIOSFODNN7EXAMPLE` is **not** reported (it authenticates nowhere). Stripe **test** keys
(`sk_test_`) are not reported: they cannot move money, and test keys in fixtures are the
documented way to use Stripe's test mode. jwt.io's sample token (`"sub": "1234567890"`,
`"name": "John Doe"`) is skipped for the same reason as the AWS example. A PEM header alone
(a constant a parser compares with) is not a private key. The range is the secret itself
(the whole block for a private key whose END line is in the same literal), not the
surrounding string. FG201 stays quiet on a
literal this rule reports.

**Test files.** In test files (`tests/`, `test_*.py`, `*_test.go`, `*.spec.ts`, `src/test/`)
private key blocks and JWTs are not reported: a test generates them for itself (a throwaway RSA
key that signs test requests, a token signed with it) and they authenticate nowhere. Keys a
vendor issues (AWS, GitHub, Slack, Stripe live, Google, Anthropic, OpenAI, GitLab, npm) are
reported in test files too: a live key is live wherever it is committed. `includeTests`
reports private keys and JWTs in test files as well.

**Where values come from.** This rule reads the text of literals and comments; it needs no
dataflow: a key is a leak wherever it is written, whatever variable holds it. A key split
across computed pieces (`"AKIA" + suffix`), read from a config file, another repository or a
secret store is out of its reach (FG201 covers credentials that reach a sink through
variables). Options: `ignoreValues`, `skipFormats` with ids {_FORMAT_IDS}, and `includeTests`.

## Why it matters in production

These formats exist so that scanners can find them, and attackers run those scanners on every
public push within minutes: a leaked AWS key is mining cryptocurrency on your bill before the CI
run finishes. A private repository is not a safe place either: every clone, fork, CI cache and
laptop has the key, and git history keeps it after the line is deleted. A JWT in a test file is
a bearer token that may still be valid; a private key block in a comment is a private key.

## Example

```python
AWS_ACCESS_KEY_ID = "AKIA...16 base32 chars..."   # FG202: AWS access key id
client = WebClient(token="xoxb-...")               # FG202: Slack bot token
```

```go
const stripeKey = "sk_live_..." // FG202: Stripe live secret key
```

```typescript
// ghp_...  (FG202: a GitHub token in a comment is still in git)
const openai = new OpenAI({{ apiKey: "sk-proj-..." }}); // FG202: OpenAI API key
```

```java
private static final String KEY = "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBg..."; // FG202
```

## Use instead

Revoke the key first: it is compromised the moment it is committed, and removing it from the
file does not remove it from history. Then issue a new one, store it in a secret manager (AWS
Secrets Manager, Vault, GCP Secret Manager, your CI's secret store) and read it at startup.
There is no automatic fix: the code change is easy, the revocation is the part that matters.

```python
api_key = os.environ["STRIPE_API_KEY"]  # injected from the secret store at deploy time
```

```go
token, ok := os.LookupEnv("GITHUB_TOKEN")
if !ok {{
    log.Fatal("GITHUB_TOKEN is not set")
}}
```

```typescript
const client = new WebClient(process.env.SLACK_BOT_TOKEN);
```

For tests, use a format-shaped fake that authenticates nowhere (`AKIA...EXAMPLE`) or list it in
`ignoreValues`; better, inject credentials the same way production does.

## How to test it

Run a secret scanner (gitleaks, trufflehog, GitHub secret scanning) over the **full history** in
CI and make a hit fail the build. After revoking, confirm the old key is rejected by the
provider (an API call with it returns 401), and that the service starts and authenticates with
the key from the secret store.

## References

- [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
- [OWASP Secrets Management Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html)
- [GitHub: About secret scanning](https://docs.github.com/en/code-security/secret-scanning/about-secret-scanning)
- [AWS: What to do if you inadvertently expose an access key](https://aws.amazon.com/blogs/security/what-to-do-if-you-inadvertently-expose-an-aws-access-key/)
"""

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        skip = tuple(ctx.options.get("skipFormats") or ())
        if ctx.in_test_file and not ctx.options.get("includeTests", False):
            skip += _MADE_FOR_TESTS
        ignore = tuple(ctx.options.get("ignoreValues") or ())
        candidates = cred.find_formats(ctx.source, *ctx.span, skip_formats=skip, ignore=ignore)
        if not candidates:
            return
        lines = cred.LineIndex(ctx.source)
        done: set[int] = set()
        for candidate in candidates:
            node = cred.enclosing_text_node(ctx.root, candidate.start, candidate.start + 1)
            if node is None or node.start_byte in done:
                continue  # in code (an identifier, an error), or a text node already scanned
            done.add(node.start_byte)
            # Re-scan within the node so a private key block never runs past its literal.
            for match in cred.find_formats(
                ctx.source, node.start_byte, node.end_byte, skip_formats=skip, ignore=ignore
            ):
                yield Finding(
                    code=self.code,
                    message=f"{match.label} in source: revoke it and load it from a secret store",
                    severity=self.severity,
                    start=lines.point(match.start),
                    end=lines.point(match.end),
                )


RULE = LeakedSecretFormatRule()
