"""FG201 hardcoded-credential: a password, key, token or secret written into the source."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

import tree_sitter

from forge_lsp.core.model import Confidence, Finding, Severity
from forge_lsp.rules.base import CheckContext, Rule, RuleOption, has_error
from forge_lsp.rules.families import credential_flow
from forge_lsp.rules.families import credentials as cred
from forge_lsp.rules.families.credential_slots import NOT_ARGUMENTS as _NOT_ARGUMENTS
from forge_lsp.rules.families.credential_slots import argument_value as _argument_value
from forge_lsp.rules.families.credential_slots import callee_text as _callee_text
from forge_lsp.rules.families.credential_slots import flows as _flows
from forge_lsp.rules.families.credential_slots import lines_above as _lines_above
from forge_lsp.rules.families.credential_slots import name_text as _name_text
from forge_lsp.rules.families.credential_slots import unwrap as _unwrap
from forge_lsp.rules.families.credential_slots import unwrap_fallback as _unwrap_fallback

# Each pattern pairs a @name (what the code calls the value) with a @value; @compare marks
# equality checks; @call/@callee/@args catch calls (credential APIs, setters, key/value pairs).
# {N} and {C} are predicates that let only credential-ish names and interesting callees out of
# the C matcher, so the Python per match stays small.
_PYTHON = """
((assignment left: (_) @name right: (_) @value) {N})
((default_parameter name: (identifier) @name value: (_) @value) {N})
((typed_default_parameter name: (identifier) @name value: (_) @value) {N})
((keyword_argument name: (identifier) @name value: (_) @value) {N})
((pair key: (string) @name value: (_) @value) {N})
((comparison_operator (_) @name ["==" "!="] (string) @value) @compare {N})
((call function: (_) @callee arguments: (argument_list) @args) @call {C})
"""
_GO = """
((var_spec name: (identifier) @name value: (expression_list) @value) {N})
((const_spec name: (identifier) @name value: (expression_list) @value) {N})
((short_var_declaration left: (expression_list) @name right: (expression_list) @value) {N})
((assignment_statement left: (expression_list) @name right: (expression_list) @value) {N})
((keyed_element key: (literal_element) @name value: (literal_element) @value) {N})
((binary_expression left: (_) @name operator: ["==" "!="]
  right: [(interpreted_string_literal) (raw_string_literal)] @value) @compare {N})
((call_expression function: (_) @callee arguments: (argument_list) @args) @call {C})
"""
_JS_COMMON = """
((variable_declarator name: (identifier) @name value: (_) @value) {N})
((assignment_expression left: (_) @name right: (_) @value) {N})
((pair key: (_) @name value: (_) @value) {N})
((binary_expression left: (_) @name operator: ["==" "===" "!=" "!=="]
  right: [(string) (template_string)] @value) @compare {N})
((call_expression function: (_) @callee arguments: (arguments) @args) @call {C})
((new_expression constructor: (_) @callee arguments: (arguments) @args) @call {C})
"""
_JS = (
    _JS_COMMON
    + """
((assignment_pattern left: (identifier) @name right: (_) @value) {N})
((field_definition property: (_) @name value: (_) @value) {N})
((jsx_attribute (property_identifier) @name (string) @value) {N})
"""
)
_TS = (
    _JS_COMMON
    + """
((required_parameter pattern: (identifier) @name value: (_) @value) {N})
((public_field_definition name: (_) @name value: (_) @value) {N})
"""
)
_TSX = _TS + "((jsx_attribute (property_identifier) @name (string) @value) {N})\n"
_JAVA = """
((variable_declarator name: (identifier) @name value: (_) @value) {N})
((assignment_expression left: (_) @name right: (_) @value) {N})
((element_value_pair key: (identifier) @name value: (_) @value) {N})
((method_invocation object: (_) @name name: (identifier) @method
   arguments: (argument_list . (string_literal) @value .)) @compare
 (#any-of? @method "equals" "equalsIgnoreCase") {N})
((method_invocation object: (string_literal) @value name: (identifier) @method
   arguments: (argument_list . (_) @name .)) @compare
 (#any-of? @method "equals" "equalsIgnoreCase") {N})
((method_invocation name: (identifier) @callee arguments: (argument_list) @args) @call {C})
((object_creation_expression type: (_) @callee arguments: (argument_list) @args) @call {C})
"""
_RUST = """
((let_declaration pattern: (identifier) @name value: (_) @value) {N})
((const_item name: (identifier) @name value: (_) @value) {N})
((static_item name: (identifier) @name value: (_) @value) {N})
((field_initializer field: (field_identifier) @name value: (_) @value) {N})
((assignment_expression left: (_) @name right: (_) @value) {N})
((binary_expression left: (_) @name operator: ["==" "!="] right: (string_literal) @value) @compare
 {N})
((call_expression function: (_) @callee arguments: (arguments) @args) @call {B})
"""
_KOTLIN = """
((property_declaration (variable_declaration (identifier) @name) "=" (_) @value) {N})
((assignment left: (_) @name "=" right: (_) @value) {N})
((value_argument (identifier) @name "=" (_) @value) {N})
((class_parameter (identifier) @name (_) "=" (_) @value) {N})
((function_value_parameters (parameter . (identifier) @name) . "=" . (_) @value) {N})
((binary_expression left: (_) @name ["==" "!="] right: (string_literal) @value) @compare {N})
((call_expression . (_) @callee . (value_arguments) @args) @call {B})
"""
_SOURCES = {"python": _PYTHON, "go": _GO, "javascript": _JS, "typescript": _TS, "tsx": _TSX,
            "java": _JAVA, "rust": _RUST, "kotlin": _KOTLIN}  # fmt: skip
# Names that can hold a credential at all (credential_kind decides); callees worth a look.
_NAME_FILTER = '(#match? @name "(?i)pass|pw|pswd|secret|token|key|auth|cred|bearer")'
# No backslashes: tree-sitter query strings have their own escaping.
_API_NAMES = (
    "encode|decode|new|digest|[a-z0-9]*auth|login|connect|userpassword|newstatic[a-z0-9]*|"
    "signedstring|sign|verify|createhmac|sequelize|getconnection|passwordauthentication|"
    "hmac[0-9]+|secretkeyspec|signwith|newcipher|newtripledescipher|createcipheriv|"
    "createdecipheriv|hmacshakeyfor|fernet|aesgcm|aesccm|aessiv|chacha20poly1305|from_slice|"
    "bearer_auth"
)
_KV_NAMES = (
    "set[a-z0-9_]*|with[a-z0-9_]*|put[a-z0-9_]*|add[a-z0-9_]*|append|header|fill|store|option|"
    "get[a-z0-9_]*"
)
_CALL_FILTER = f'(#match? @callee "(?i)(?:^|[^a-z0-9_$])(?:{_API_NAMES}|{_KV_NAMES})$")'
# Rust and Kotlin builders name the field itself: `.password("...")`, `.api_key("...")`.
_BUILDER_FILTER = (
    f'(#match? @callee "(?i)(?:^|[^a-z0-9_$])(?:{_API_NAMES}|{_KV_NAMES}|'
    'basic_auth|new_from_slice|[a-z0-9_]*(?:pass|pwd|secret|token|key|cred)[a-z0-9_]*)$")'
)


def query_source(language: str, all_names: bool) -> str:
    """The language's query; `all_names` drops the name filter (for `extraNames`)."""
    return (
        _SOURCES[language]
        .replace("{N}", "" if all_names else _NAME_FILTER)
        .replace("{C}", _CALL_FILTER)
        .replace("{B}", _BUILDER_FILTER)
    )


_LISTS = frozenset({"expression_list", "pattern_list", "tuple_pattern", "tuple"})
_LAST_NAME = re.compile(r"([A-Za-z_$][\w$]*)\s*$")
_SETTER = re.compile(r"^(?:set|with|Set|With)_?([A-Za-z]\w*)$")
_GETTERS = cred.GETTERS
_KEY_VALUE_METHODS = cred.KEY_VALUE_METHODS

_API_SLOTS = credential_flow.API_SLOTS
# Candidates for a password inside a connection string, found in one pass over the file.
# Where a connection string may embed a password: `user:pw@` in a URL, Go's `@tcp(`, and
# `password=` (any case) in a key-value DSN. Three scans, not one regex: an alternation with a
# case-insensitive branch tests every byte of the file in Python's `re` (six times slower).
_URL_CREDENTIALS = re.compile(rb"://[^\s:/?#@'\"`]*:[^\s/?#@'\"`]+@")
_GO_DSN_ADDRESS = re.compile(rb"@(?:tcp|unix|udp)\(")
_PASSWORD_KEY = re.compile(rb"p(?:assword|wd|asswd)\s*=")  # matched in the lowered text


def _prose(content: bytes) -> bool:
    """Several lines of words (a usage text, a help page) rather than one value."""
    return content.count(b"\n") >= 2 and len(content.split()) >= 12


def _connection_hints(source: bytes, start: int, end: int) -> list[tuple[int, int]]:
    """The spans of text in [start, end) that hint at a connection string, in order."""
    found = [m.span() for m in _URL_CREDENTIALS.finditer(source, start, end)]
    found += [m.span() for m in _GO_DSN_ADDRESS.finditer(source, start, end)]
    lowered = source[start:end].lower()  # bytes.lower() changes ASCII only: offsets hold
    found += [(start + m.start(), start + m.end()) for m in _PASSWORD_KEY.finditer(lowered)]
    return sorted(found)


_FIX_HINT = "load it from the environment or a secret manager"


@dataclass(frozen=True, slots=True)
class _Options:
    extra: tuple[str, ...]
    ignore: tuple[str, ...]
    skip_tests: bool


class _Candidate(NamedTuple):
    """A finding to be: where, what, how sure; `through` for a value that reaches the slot
    through variables (reported at the slot)."""

    node: tree_sitter.Node
    message: str
    severity: Severity | None = None
    confidence: Confidence = Confidence.HIGH
    through: bool = False


def _fallback(literal: tree_sitter.Node, what: str) -> _Candidate:
    """A literal used only when the configured value is missing: a warning, medium."""
    return _Candidate(
        literal,
        f"{what}: fail at startup when the value is not configured instead of running with "
        "a known secret",
        Severity.WARNING,
        Confidence.MEDIUM,
    )


# A parameter's default value: Python's `password="..."`, JavaScript's `(password = "...")`,
# TypeScript's `password: string = "..."`, Kotlin's `password: String = "..."`.
_PARAMETERS = frozenset(
    {"default_parameter", "typed_default_parameter", "required_parameter", "optional_parameter",
     "class_parameter", "parameter"}
)  # fmt: skip


def _parameter_default(name: tree_sitter.Node) -> bool:
    """Whether `name` is a parameter's, so its literal is what callers get when they pass
    nothing: a default, not the value on every path."""
    parent = name.parent
    if parent is None:
        return False
    if parent.type == "assignment_pattern":  # JavaScript: a parameter, not a destructuring
        return parent.parent is not None and parent.parent.type == "formal_parameters"
    return parent.type in _PARAMETERS


class HardcodedCredentialRule(Rule):
    code = "FG201"
    name = "hardcoded-credential"
    summary = "A password, API key, token or secret is written into the source as a literal"
    severity = Severity.ERROR
    cwe = 798
    languages = frozenset(
        {"python", "go", "javascript", "typescript", "tsx", "java", "rust", "kotlin"}
    )
    options = (
        RuleOption(
            "extraNames",
            list,
            [],
            "Regular expressions (case-insensitive) for further names that hold credentials, "
            "e.g. `^vault_unseal$`.",
        ),
        RuleOption(
            "ignoreValues",
            list,
            [],
            "Literal values to accept, e.g. the password of a throwaway local test database.",
        ),
        RuleOption(
            "ignoreInTests",
            bool,
            True,
            "Skip test files (`tests/`, `test_*.py`, `*_test.go`, `*.spec.ts`, `src/test/`) and "
            "literals inside test functions, test classes and describe/it callbacks. FG202 "
            "still reports real key formats there.",
        ),
    )
    doc = """
## What it does

Flags credentials written into the code as string literals: values assigned to names that hold
a password, API key, token, secret or private key (`db_password = "hunter2"`,
`const apiKey = '...'`, `Config{Password: "..."}`, `connect(password="...")`,
Rust `let password = "..."`, `const API_KEY: &str = "..."`,
`Config { password: "...".into() }`, builder calls such as `.password("...")`, Kotlin
`val password = "..."` and `connect(password = "...")`), default
parameter values, dictionary and object fields, `Authorization` headers, literals passed in the
credential slot of well-known APIs (`DriverManager.getConnection(url, user, "pw")`,
`jwt.sign(payload, "secret")`, `req.SetBasicAuth(user, "pw")`, `new Sequelize(db, user, "pw")`),
setters such as `setPassword("...")`, equality checks such as `password == "admin"`, and
connection strings with an embedded password (`postgres://app:s3cr3t@db/prod`,
`user:pw@tcp(db:3306)/app`, `host=db password=s3cr3t`).

It does not flag lookups (`os.environ[...]`, `os.getenv`, `process.env.X`, `System.getenv`,
`os.Getenv`, `viper.GetString`), empty strings, placeholders (`"<password>"`, `"${DB_PASSWORD}"`,
`"{{ password }}"`, `"%s"`, `"xxx"`, `"***"`, `"your-api-key"`, `"REDACTED"`), the credential
word itself (`"password"`, `"token"`) or the variable's own name, names that only mention a
credential (`password_field`, `PASSWORD_RESET_URL`, `token_type`, `TOKEN_HEADER`,
`secret_key_name`, `next_page_token`), values that are names themselves (`"userPassword"`,
`"spring.datasource.password"`, a header's name like `"X-Gitlab-Token"`), a written list that
names a credential field among its strings (`secrets = ["smtpUser", "smtpPassword"]`), prose
and UI labels (`"invalid password"`, `"Passwort"`), stored password hashes
(`"pbkdf2_sha256$..."`, `"$2b$12$..."`), file paths, docstrings, and URLs on RFC 2606
documentation hosts (`example.com`, `*.test`). A connection string inside several lines of
prose (a usage or help text showing `--db='mysql://user:pw@host/db'`) is information, low: it
documents an example rather than connecting. `"changeme"`, `"admin"` and `"test"` *are*
reported: they are not placeholders, they are the first passwords every scanner tries.
A literal default in an environment lookup (`os.getenv("DB_PASSWORD", "hunter2")`) is reported
as a warning: the lookup is fine, the fallback is a hardcoded password. So is a parameter's
default (`def connect(password="hunter2")`, `password: String = "..."`): a caller that passes
nothing runs with it, but a caller may pass the real one.
Regular expressions (`"([a-zA-Z0-9-!#$%&'*+.^_`{|}~]+)"` in a variable named `token`) are not
credentials either. Short names count: `pw`, `pwd`, `cred`, `creds` and `bearer` hold a
credential like their long forms.

**Where values come from.** A credential slot that does not hold a literal is asked of the
dataflow layer: what the value is made of on every path through the function, following local
assignments (`data = "7e5tc4s3"; chosen = data`), conversions (`key.getBytes()`,
`[]byte(key)`, `key.encode()`, `Buffer.from(key)`, `key.as_bytes()`, `Some(key)`), module and
top-level constants (`const KEY = "..."`, `private static final String KEY = "..."`,
`const val KEY`), and class fields declared once with a literal and assigned nowhere else in
the file (`this.key`, `self.KEY`, `private val key = "..."`). So a literal reaching the slot
through variables is a hardcoded credential **whatever the variables are called**:

- a credential literal on every path (directly, or through variables, fields and constants):
  **error, high confidence**;
- a literal on some paths only, the default of an environment lookup
  (`os.getenv("X", "dev")`, `System.getenv("X") ?: "dev"`, `env || "dev"`,
  `unwrap_or("dev")`) or an assignment under a test that the variable is unset
  (`if pw == "" { pw = "dev" }`): **warning, medium confidence**, since the service runs with a
  known secret the day the variable is missing;
- an empty string, a placeholder (`"<password>"`, `"${DB_PASSWORD}"`, `"xxx"`), an environment
  variable's name (`"DB_PASSWORD"`), a regex, a file path: nothing;
- a parameter, an environment or config lookup, a call of unknown result, a field written
  elsewhere in the file: nothing.

A literal reported where it is written (under a credential name: `DB_PASSWORD = "..."`) is not
reported again where it is used; a literal under a name that says nothing (`MATERIAL`, `data`)
is reported at each credential slot it reaches. Both are decided from the slot and the literal
alone, so re-checking one edited function gives the same findings as checking the whole file.

**The sinks**, besides every argument, keyword, object or struct field, setter
(`setPassword`, `DataSource.setPassword`), builder (`.password(...)`) and header
(`headers["Authorization"]`, `setHeader("Authorization", ...)`, `Header.Set`) whose name
says it holds a credential:

- database connects: `DriverManager.getConnection(url, user, PW)` (Java, Kotlin),
  `psycopg2.connect(password=PW)`, `mysql.connector.connect(password=PW)`,
  `MySQLdb.connect(h, u, PW)`, `new Pool({ password })`, `createConnection({ password })`,
  `new Sequelize(db, u, PW)`, `redis.Options{Password: PW}`,
  `PgConnectOptions::new().password(PW)`; connection strings with an embedded password
  wherever the literal is written (`sql.Open("postgres", "postgres://u:pw@db")`,
  `PgPool::connect("...")`);
- crypto keys: `new SecretKeySpec(KEY, "AES")`, `Keys.hmacShaKeyFor(KEY)`, `AES.new(KEY, ...)`,
  `Fernet(KEY)`, `AESGCM(KEY)`, `crypto.createCipheriv(alg, KEY, iv)`, Go
  `aes.NewCipher(KEY)`, `chacha20poly1305.New(KEY)`, Rust `Aes256Gcm::new_from_slice(KEY)`,
  `Key::<..>::from_slice(KEY)`;
- HMAC and JWT secrets: `hmac.new(KEY, ...)`, `jwt.encode(payload, KEY)`,
  `jwt.sign(payload, KEY)`, `createHmac(alg, KEY)`, `Jwts.builder().signWith(...)`,
  `Algorithm.HMAC256(KEY)`, Go `token.SignedString(KEY)`, `hmac.New(sha256.New, KEY)`, Rust
  `EncodingKey::from_secret(KEY)`, `Hmac::<Sha256>::new_from_slice(KEY)`;
- basic auth and tokens: `requests.get(..., auth=("user", PW))`, `HTTPBasicAuth(u, PW)`,
  `req.SetBasicAuth(u, PW)`, `smtp.PlainAuth(...)`, `url.UserPassword(u, PW)`,
  `new PasswordAuthentication(u, PW)`, `setBasicAuth`, Rust `.basic_auth(u, Some(PW))`,
  `.bearer_auth(TOKEN)`;
- auth headers: `headers["Authorization"] = "Bearer ..."`, `{ Authorization: "Bearer " + T }`,
  `setHeader("Authorization", ...)`, `req.Header.Set("Authorization", ...)`.

**Out of reach:** secrets read from config files, `.env` files, another source file (an
imported constant), another service or a secret store; a value passed in by a caller (a
parameter counts as unknown, not as hardcoded); a key split across computed pieces; fields
assigned in a constructor from a literal in another method.

A literal that matches a vendor key format is left to FG202 (leaked-secret-format), which names
the format. Options: `extraNames` (regular expressions for more names), `ignoreValues`
(values to accept), `ignoreInTests` (on by default: skip test files, such as `tests/`,
`test_*.py`, `*_test.go`, `*.spec.ts` and `src/test/`, modules that import a test framework or
a `testing` package (SQLAlchemy's `provision.py`, a Go package importing `"testing"`, JUnit or
Mockito imports), and literals inside `test_*` functions, `Test*` classes, Go
`Test*`/`Benchmark*` functions, JUnit `@Test`/`@Before*` methods and `describe`/`it`/`test`
callbacks). Test code is full of throwaway form passwords that are not anyone's credential; a
real key there is still a leak, and FG202 still reports vendor-issued key formats in test files.
To silence other folders, use the project's `exclude` globs.

## Why it matters in production

A credential in source is a credential in every clone, fork, CI log, container layer and
laptop backup, forever: deleting the line does not delete it from git history. The day a
contractor's laptop is stolen or a repository is made public by mistake, whoever has the code
has your database. It also cannot be rotated: rotating means a deploy, so nobody rotates, and
the same `hunter2` guards staging and production for six years. And a hardcoded fallback
(`os.getenv("SECRET_KEY", "dev")`) fails open: the one deploy where the variable is missing boots
happily with a key that is on GitHub, and every session cookie can be forged.

## Example

```python
DB_PASSWORD = "s3cr3t-Pr0d"                                   # FG201
engine = create_engine("postgresql://app:s3cr3t-Pr0d@db/app")  # FG201
requests.get(url, headers={"Authorization": "Bearer 9f8e7d6c5b4a39281706f5e4"})  # FG201
```

```go
db, err := sql.Open("mysql", "app:s3cr3t@tcp(db:3306)/app") // FG201
client := redis.NewClient(&redis.Options{Password: "s3cr3t"}) // FG201
```

```typescript
const pool = new Pool({ user: "app", password: "s3cr3t-Pr0d" }); // FG201
const token = jwt.sign(claims, "my-jwt-signing-secret");        // FG201
```

```java
Connection c = DriverManager.getConnection(url, "app", "s3cr3t"); // FG201

private static final String KEY = "k3y-Abc123xyz-987";
SecretKeySpec spec = new SecretKeySpec(KEY.getBytes(), "AES");    // FG201: through a constant
String data = "7e5tc4s3";
Connection r = DriverManager.getConnection(url, "report", data);  // FG201: through a variable
String pw = System.getenv("DB_PASSWORD");
if (pw == null) pw = "dev-pass";                                  // FG201 (warning): a fallback
```

```rust
const API_KEY: &str = "9d4e1f7a2b6c8e0f3a5d7b9c";                 // FG201
let opts = PgConnectOptions::new().username("app").password("s3cr3t"); // FG201
```

```kotlin
val password = "s3cr3t-Pr0d"                                       // FG201
val ds = connect(url = url, user = "app", password = "s3cr3t")     // FG201
```

## Use instead

Load the credential at startup from the environment or a secret manager, and fail fast when
it is missing: a service that refuses to boot pages someone; one that boots with a default
leaks. There is no automatic fix, because swapping a literal for an environment lookup changes
how the program behaves when the variable is unset; do it by hand, then rotate the credential,
since it is already in history.

```python
DB_PASSWORD = os.environ["DB_PASSWORD"]  # KeyError at startup, not a silent default
engine = create_engine(URL.create("postgresql", "app", DB_PASSWORD, "db", database="app"))
```

```go
password, ok := os.LookupEnv("DB_PASSWORD")
if !ok {
    log.Fatal("DB_PASSWORD is not set")
}
cfg := mysql.Config{User: "app", Passwd: password, Net: "tcp", Addr: "db:3306", DBName: "app"}
```

```typescript
const password = process.env.DB_PASSWORD;
if (!password) throw new Error("DB_PASSWORD is not set");
const pool = new Pool({ user: "app", password });
```

```java
String password = Objects.requireNonNull(System.getenv("DB_PASSWORD"), "DB_PASSWORD is not set");
Connection c = DriverManager.getConnection(url, "app", password);
```

## How to test it

Test that startup fails with a clear error when the variable is missing, and that the value
reaches the client when it is set (`monkeypatch.setenv`, `t.Setenv`, a `process.env` stub,
a `System.getenv` wrapper you can fake). In CI, run a secret scanner over the full git history,
not just the tip, and treat a hit as an incident: rotate first, then rewrite.

## References

- [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
- [OWASP Secrets Management Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html)
- [OWASP Top 10 A07:2021 Identification and Authentication Failures](https://owasp.org/Top10/A07_2021-Identification_and_Authentication_Failures/)
- [The Twelve-Factor App: Config](https://12factor.net/config)
"""  # forge: ignore[FG201] (the Example section shows a flagged connection string on purpose)

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        options = _Options(
            _valid_patterns(ctx.options.get("extraNames") or ()),
            tuple(ctx.options.get("ignoreValues") or ()),
            bool(ctx.options.get("ignoreInTests", True)),
        )
        if options.skip_tests and (ctx.in_test_file or ctx.in_test_support):
            return
        language = ctx.language.name
        reported: set[int] = set()
        for _, match in ctx.matches(query_source(language, bool(options.extra))):
            if "call" in match:
                candidates = self._call_candidates(ctx, match, options)
            else:
                candidates = self._named_candidates(ctx, match, options)
            for candidate in candidates:
                node = candidate.node
                if node.start_byte in reported or not self._keep(ctx, node, options):
                    continue
                if candidate.through and ctx.flow.is_dead(node):
                    continue
                reported.add(node.start_byte)
                yield self.finding(
                    node,
                    candidate.message,
                    severity=candidate.severity,
                    confidence=candidate.confidence,
                )
        yield from self._connection_strings(ctx, reported, options)

    # --- name = "literal" ------------------------------------------------------------------

    def _named_candidates(
        self, ctx: CheckContext, match: dict[str, list[tree_sitter.Node]], options: _Options
    ) -> Iterator[_Candidate]:
        names, values = match.get("name", []), match.get("value", [])
        # requests `auth=("user", pw)`: one name, one value (a pair)
        pair = len(names) == len(values) == 1 and values[0].type == "tuple"
        if not (pair and ctx.text(names[0]) == "auth"):
            if len(names) == 1 and names[0].type in _LISTS:
                names = names[0].named_children
            if len(values) == 1 and values[0].type in _LISTS:
                values = values[0].named_children
        if len(names) != len(values):
            return
        for name_node, value_node in zip(names, values, strict=True):
            name = _name_text(name_node, ctx.source)
            kind = cred.credential_kind(name, options.extra) if name else None
            if kind is None and name == "auth" and value_node.type == "tuple":
                parts = value_node.named_children  # requests `auth=("user", pw)`
                if len(parts) == 2:
                    kind, value_node = cred.PASSWORD, parts[1]
            literal, fallback = _unwrap_fallback(value_node, ctx) if kind else (None, False)
            if literal is None:
                if kind and "compare" not in match and _flows(value_node):
                    yield from self._through(
                        ctx, value_node, name or "", kind, f"`{name}`", options
                    )
                continue
            if not self._credential_value(ctx, literal, name, kind, options):
                continue
            if "compare" in match:
                yield _Candidate(
                    literal,
                    f"`{name}` is checked against a hardcoded {kind}: verify against a hash or "
                    "a secret loaded from the environment or a secret manager",
                )
            elif fallback or _when_unset(name_node, name or "", ctx):
                yield _fallback(literal, f"Hardcoded fallback {_stored(kind, name)}")
            elif _parameter_default(name_node):
                yield _Candidate(
                    literal,
                    f"Hardcoded default {_stored(kind, name)}: a caller that passes nothing runs "
                    f"with a known secret; make the parameter required, or {_FIX_HINT}",
                    Severity.WARNING,
                    Confidence.MEDIUM,
                )
            else:
                yield _Candidate(literal, f"Hardcoded {_stored(kind, name)}: {_FIX_HINT}")

    def _credential_value(
        self,
        ctx: CheckContext,
        literal: tree_sitter.Node,
        name: str | None,
        kind: str | None,
        options: _Options,
    ) -> bool:
        value = cred.content(literal, ctx.source)
        return self._credible(value, name or "", kind, options)

    def _credible(self, value: str, name: str, kind: str | None, options: _Options) -> bool:
        return (
            kind is not None
            and not cred.is_placeholder(value, name, options.ignore)
            and cred.plausible(value, kind)
            and not cred.find_formats(value.encode())  # FG202 names the format
        )

    def _through(
        self,
        ctx: CheckContext,
        node: tree_sitter.Node,
        name: str,
        kind: str,
        slot: str,
        options: _Options,
        what: str = "",
    ) -> Iterator[_Candidate]:
        """A slot holding a variable: the credential literals that reach it (credential_flow)."""
        reached = credential_flow.reached(
            ctx, node, lambda text: self._credible(text, name, kind, options)
        )
        if not reached or any(r.text.encode() in _formats(ctx) for r in reached):
            return  # FG202 reports the literal where it is written, and names its format
        if all(self._reported_where_written(ctx, r, options) for r in reached):
            return  # `DB_PASSWORD = "..."` is reported where it is written, not at every use
        what = what or kind
        where = ""
        literal = next((r.literal for r in reached if r.literal is not None), None)
        if literal is not None:
            where = f" (the literal {_lines_above(literal, node)})"
        shown = ctx.text(node)
        shown = f"`{shown}`" if len(shown) <= 40 and "\n" not in shown else "this value"
        if all(r.every_path for r in reached):
            message = f"{shown} is a hardcoded {what}{where} reaching {slot}: {_FIX_HINT}"
            yield _Candidate(node, message, through=True)
        else:
            message = (
                f"{shown} falls back to a hardcoded {what}{where} reaching {slot} when it is "
                "not configured: fail at startup instead of running with a known secret"
            )
            yield _Candidate(node, message, Severity.WARNING, Confidence.MEDIUM, through=True)

    def _reported_where_written(
        self, ctx: CheckContext, reached: credential_flow.Reached, options: _Options
    ) -> bool:
        """Whether the name-based check reports this literal where it is declared: decided
        from the literal and its name alone, so a re-check of one function agrees with a
        check of the whole file."""
        kind = cred.credential_kind(reached.name, options.extra) if reached.name else None
        if kind is None:
            return False
        if reached.literal is None:
            return self._credible(reached.text, reached.name, kind, options)
        return self._credential_value(
            ctx, reached.literal, reached.name, kind, options
        ) and self._keep(ctx, reached.literal, options)

    # --- calls -------------------------------------------------------------------------------

    def _call_candidates(
        self, ctx: CheckContext, match: dict[str, list[tree_sitter.Node]], options: _Options
    ) -> Iterator[_Candidate]:
        call, arguments = match["call"][0], match["args"][0]
        args = [
            _argument_value(a) for a in arguments.named_children if a.type not in _NOT_ARGUMENTS
        ]
        if not args or has_error(arguments):
            return
        callee = _callee_text(call, arguments, ctx.source)
        last = _LAST_NAME.search(callee)
        method = last.group(1) if last else ""
        language = ctx.language.name
        # "password", "hunter2" / "Authorization", "Bearer ..." / "DB_PASSWORD", "fallback"
        key = args[0] if cred.is_literal(args[0], language) else None
        if key is not None and len(args) >= 2 and method.lower() in _KEY_VALUE_METHODS:
            name = cred.content(key, ctx.source)
            kind = cred.credential_kind(name, options.extra)
            literal = _unwrap(args[1], ctx)
            getter = method.lower() in _GETTERS
            if literal is not None and self._credential_value(ctx, literal, name, kind, options):
                if getter:
                    yield _fallback(
                        literal,
                        f"`{method}()` falls back to a hardcoded {kind} when `{name}` is unset",
                    )
                else:
                    yield _Candidate(literal, f"Hardcoded {_stored(kind, name)}: {_FIX_HINT}")
                return
            if literal is None and kind and not getter and _flows(args[1]):
                yield from self._through(ctx, args[1], name, kind, f"`{method}()`", options)
                return
        setter = _SETTER.match(method)
        if setter and len(args) == 1:
            kind = cred.credential_kind(setter.group(1), options.extra)
            yield from self._slot(ctx, args[0], setter.group(1), kind, method, options)
            if kind:
                return
        if language in ("rust", "kotlin") and len(args) == 1 and not setter:
            kind = cred.credential_kind(method, options.extra)
            yield from self._slot(ctx, args[0], method, kind, method, options)
            if kind:
                return
        yield from self._api_slot(ctx, callee, args, options)

    def _slot(
        self,
        ctx: CheckContext,
        value: tree_sitter.Node,
        name: str,
        kind: str | None,
        method: str,
        options: _Options,
    ) -> Iterator[_Candidate]:
        """`setPassword(value)`, `.password(value)`: a literal, or one reaching it."""
        if kind is None:
            return
        literal = _unwrap(value, ctx)
        if literal is None:
            if _flows(value):
                yield from self._through(ctx, value, name, kind, f"`{method}()`", options)
        elif self._credential_value(ctx, literal, name, kind, options):
            yield _Candidate(literal, f"Hardcoded {kind} passed to `{method}()`: {_FIX_HINT}")

    def _api_slot(
        self,
        ctx: CheckContext,
        callee: str,
        args: list[tree_sitter.Node],
        options: _Options,
    ) -> Iterator[_Candidate]:
        for languages, pattern, index, label in _API_SLOTS:
            if ctx.language.name not in languages or len(args) <= index:
                continue
            if not pattern.search(callee):
                continue
            argument = args[index]
            literal = _unwrap(argument, ctx)
            kind = cred.PASSWORD if label == "password" else cred.SECRET
            shown = re.sub(r"^new(?=[A-Z])", "", callee)
            if ")." in shown:  # `client.get("...").basic_auth`: name the method only
                shown = "." + shown.rsplit(").", 1)[1]
            if literal is None and _flows(argument):
                yield from self._through(ctx, argument, "", kind, f"`{shown}()`", options, label)
            elif literal is not None and self._credential_value(ctx, literal, "", kind, options):
                yield _Candidate(literal, f"Hardcoded {label} passed to `{shown}()`: {_FIX_HINT}")
            return

    # --- connection strings ------------------------------------------------------------------

    def _connection_strings(
        self, ctx: CheckContext, reported: set[int], options: _Options
    ) -> Iterator[Finding]:
        literal_types = cred.LITERAL_TYPES[ctx.language.name]
        seen: set[int] = set()
        for hint_start, hint_end in _connection_hints(ctx.source, *ctx.span):
            node = cred.enclosing_text_node(ctx.root, hint_start, hint_end)
            if node is None or node.type not in literal_types or node.start_byte in seen:
                continue
            if node.parent is not None and node.parent.type == "expression_statement":
                continue  # a docstring documents an example URL; it connects to nothing
            seen.add(node.start_byte)
            if node.start_byte in reported or not self._keep(ctx, node, options):
                continue
            start, end = cred.content_span(node, ctx.source)
            content = ctx.source[start:end]
            if next(cred.embedded_passwords(content, options.ignore), None):
                reported.add(node.start_byte)
                if _prose(content):  # help text showing an example URL: it connects nothing
                    yield self.finding(
                        node,
                        "Text with an example connection string that embeds a password: if "
                        f"the URL is used, keep the password out of it and {_FIX_HINT}",
                        severity=Severity.INFO,
                        confidence=Confidence.LOW,
                    )
                    continue
                yield self.finding(
                    node,
                    "Connection string embeds a hardcoded password: keep the password out of "
                    f"the URL and {_FIX_HINT}",
                )

    def _keep(self, ctx: CheckContext, literal: tree_sitter.Node, options: _Options) -> bool:
        """Skip literals FG202 reports, and test code when the user asked to."""
        if has_error(literal) or cred.known_formats(literal, ctx.source):
            return False
        return not (options.skip_tests and cred.in_test_code(literal, ctx.source))


# --- helpers ---------------------------------------------------------------------------------


def _formats(ctx: CheckContext) -> frozenset[bytes]:
    """The secrets FG202 reports in the file (in their context), once per check."""

    def found() -> frozenset[bytes]:
        return frozenset(ctx.source[m.start : m.end] for m in cred.find_formats(ctx.source))

    return ctx.memo("FG201.formats", found)


_IF_TYPES = frozenset({"if_statement", "if_expression", "if_clause"})
_UNSET_TEST = (
    r'(?:==|===|is)\s*(?:""|\'\'|null|nil|None|undefined)|\.(?:isEmpty|isBlank|is_empty)\(|'
    r"isNullOrEmpty|isNullOrBlank|isEmpty\(|^\s*\(?\s*(?:!|not\s)"
)


def _when_unset(target: tree_sitter.Node, name: str, ctx: CheckContext) -> bool:
    """`if pw == "" { pw = "dev" }`: an assignment in a branch that tests the same name for
    empty, null or missing is a fallback, not the value on every path."""
    node: tree_sitter.Node | None = target
    for _ in range(6):
        node = node.parent if node is not None else None
        if node is None:
            return False
        if node.type in _IF_TYPES:
            condition = node.child_by_field_name("condition")
            if condition is None and node.named_child_count:
                condition = node.named_children[0]
            text = ctx.text(condition) if condition is not None else ""
            return bool(name) and name in text and re.search(_UNSET_TEST, text) is not None
    return False


def _valid_patterns(patterns: object) -> tuple[str, ...]:
    """The `extraNames` that compile; a typo in one pattern must not disable the rule."""
    valid = []
    for pattern in patterns if isinstance(patterns, list | tuple) else ():
        try:
            re.compile(str(pattern))
        except re.error:
            continue
        valid.append(str(pattern))
    return tuple(valid)


def _stored(kind: str | None, name: str | None) -> str:
    """What was stored where: password in `db_password`, credential in the `X` header."""
    if kind == cred.AUTH_HEADER:
        return f"credential in the `{name}` header"
    return f"{kind} in `{name}`"


RULE = HardcodedCredentialRule()
