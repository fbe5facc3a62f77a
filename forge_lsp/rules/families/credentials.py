"""Shared by the hardcoded-credentials family (FG201, FG202).

Three things live here so both rules agree on them:

- what a *string literal* is in each grammar and where its content starts and ends (byte offsets
  into the checked source, so findings carry exact byte columns);
- the *credential vocabulary*: which names mean a password, key, token or secret, which values
  are placeholders rather than working credentials, and where a connection string embeds one;
- the *secret formats* FG202 reports (AWS, GitHub, Slack, Stripe, Google, private keys, JWTs,
  Anthropic, OpenAI, GitLab, npm). FG201 asks `known_formats` before reporting a literal, so one
  literal is never reported twice: the precise format (FG202) wins over the name heuristic.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache

import tree_sitter

from forge_lsp.core.languages import COMMENT_TYPES
from forge_lsp.core.model import Point

# --- string literals -----------------------------------------------------------------------

LITERAL_TYPES: dict[str, frozenset[str]] = {
    "python": frozenset({"string"}),
    "go": frozenset({"interpreted_string_literal", "raw_string_literal"}),
    "javascript": frozenset({"string", "template_string"}),
    "typescript": frozenset({"string", "template_string"}),
    "tsx": frozenset({"string", "template_string"}),
    "java": frozenset({"string_literal"}),
    "rust": frozenset({"string_literal"}),
    "kotlin": frozenset({"string_literal", "multiline_string_literal"}),
}

# Nodes a secret may sit in: literals, their content pieces, and comments.
TEXT_NODE_TYPES = frozenset(
    {
        "string",
        "string_content",
        "string_fragment",
        "template_string",
        "interpreted_string_literal",
        "interpreted_string_literal_content",
        "raw_string_literal",
        "raw_string_literal_content",
        "string_literal",
        "multiline_string_literal",
        "multiline_string_fragment",
        "escape_sequence",
        "comment",
        "line_comment",
        "block_comment",
        "jsx_text",
    }
)
_DYNAMIC_PARTS = frozenset({"interpolation", "template_substitution", "string_interpolation"})


def is_literal(node: tree_sitter.Node | None, language: str) -> bool:
    """A plain string literal: no interpolation, no syntax error."""
    if node is None or node.type not in LITERAL_TYPES[language] or node.has_error:
        return False
    if language == "rust" and node.text and node.text.startswith((b"b", b"c")):
        return False  # Rust byte / C strings: their quotes are not where content_span looks
    return not any(
        child.type in _DYNAMIC_PARTS or _kotlin_template_entry(child) for child in node.children
    )


def _kotlin_template_entry(child: tree_sitter.Node) -> bool:
    """tree-sitter-kotlin 1.1 splits `"$name"` into a `$` content piece and the name."""
    following = child.next_sibling
    return (
        child.type == "string_content"
        and child.text == b"$"
        and following is not None
        and following.type == "string_content"
        and bool(re.match(rb"[A-Za-z_]", following.text or b""))
    )


def content_span(node: tree_sitter.Node, source: bytes) -> tuple[int, int]:
    """Byte offsets of a literal's content, without prefix and quotes."""
    if node.type == "string" and node.child_count >= 2 and node.children[0].type == "string_start":
        return node.children[0].end_byte, node.children[-1].start_byte  # Python: b"", r'''
    start, end = node.start_byte, node.end_byte
    quote = 3 if source[start : start + 3] == b'"""' else 1  # Java text blocks
    return min(start + quote, end), max(end - quote, start + quote)


def content(node: tree_sitter.Node, source: bytes) -> str:
    """A literal's raw content (escapes left as written)."""
    start, end = content_span(node, source)
    return source[start:end].decode("utf-8", "replace")


def enclosing_text_node(root: tree_sitter.Node, start: int, end: int) -> tree_sitter.Node | None:
    """The literal or comment holding bytes [start, end), or None (code, identifiers, errors)."""
    node = root.descendant_for_byte_range(start, end)
    for _ in range(3):
        if node is None:
            return None
        if node.type in TEXT_NODE_TYPES:
            break
        node = node.parent
    else:
        return None
    while node.parent is not None and node.parent.type in TEXT_NODE_TYPES:
        node = node.parent
    if node.has_error or (node.parent is not None and node.parent.type == "ERROR"):
        return None
    return node


def is_comment(node: tree_sitter.Node) -> bool:
    return node.type in COMMENT_TYPES


class LineIndex:
    """Byte offset to (line, byte column), for findings inside a literal."""

    def __init__(self, source: bytes) -> None:
        self._starts = [0]
        index = source.find(b"\n")
        while index != -1:
            self._starts.append(index + 1)
            index = source.find(b"\n", index + 1)

    def point(self, offset: int) -> Point:
        line = bisect_right(self._starts, offset) - 1
        return Point(line, offset - self._starts[line])


# --- credential names ----------------------------------------------------------------------

PASSWORD, SECRET, API_KEY, ACCESS_KEY, TOKEN, PRIVATE_KEY, CREDENTIAL, AUTH_HEADER = (
    "password",
    "secret",
    "API key",
    "access key",
    "token",
    "private key",
    "credential",
    "Authorization header",
)

_PASSWORD_WORDS = frozenset(
    {"password", "passwd", "pwd", "pw", "pass", "passphrase", "passcode", "pswd"}
)
_KEY_QUALIFIERS = {
    "api": API_KEY,
    "access": ACCESS_KEY,
    "app": API_KEY,
    "client": API_KEY,
    "license": API_KEY,
    "subscription": API_KEY,
    "secret": SECRET,
    "signing": SECRET,
    "encryption": SECRET,
    "hmac": SECRET,
    "master": SECRET,
    "auth": SECRET,
    "jwt": SECRET,
    "private": PRIVATE_KEY,
}
# `next_token`, `pad_token`, `csrf_token`: tokens that page, parse or protect forms, not log in.
_NOT_CREDENTIAL_TOKENS = frozenset(
    {
        "page", "next", "prev", "previous", "continuation", "pagination", "cursor", "cancel",
        "cancellation", "sync", "resume", "csrf", "xsrf", "start", "end", "eof", "stop", "pad",
        "unk", "mask", "bos", "eos", "cls", "sep", "special", "split", "delimiter", "separator",
        "lexer", "parser", "idempotency", "request", "trace", "correlation", "last", "first",
        "current", "cur", "prefix", "open", "close", "word", "sentence", "string", "type",
        "balance", "balancer", "lb", "routing",
    }
)  # fmt: skip
_PASS_OWNERS = frozenset(
    {"", "db", "user", "admin", "root", "smtp", "ftp", "sftp", "mail", "email", "login", "auth",
     "redis", "mysql", "pg", "postgres", "mongo", "rabbit", "amqp", "ldap", "proxy", "api",
     "keystore", "store", "basic", "http", "ssh", "imap", "sql", "database", "account",
     "service", "bind", "sa", "master", "default", "client", "server", "broker", "cache"}
)  # fmt: skip
# Words that may follow the credential word without changing what the name holds.
_NEUTRAL_SUFFIXES = frozenset(
    {"value", "str", "string", "plain", "plaintext", "raw", "literal", "default", "bytes", "b",
     "hex", "b64", "base64", "text"}
)  # fmt: skip
# Glued lowercase forms (`dbpassword`, `accesstoken`) ending in one of these.
_GLUED = (
    ("password", PASSWORD),
    ("passwd", PASSWORD),
    ("passphrase", PASSWORD),
    ("apikey", API_KEY),
    ("accesskey", ACCESS_KEY),
    ("secretkey", SECRET),
    ("privatekey", PRIVATE_KEY),
    ("secret", SECRET),
    ("accesstoken", TOKEN),
    ("authtoken", TOKEN),
    ("apitoken", TOKEN),
    ("bearertoken", TOKEN),
    ("refreshtoken", TOKEN),
)
_WORD_RE = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")


def words(name: str) -> list[str]:
    """`dbPassword` -> ['db', 'password']; `X-Api-Key` -> ['x', 'api', 'key']."""
    return [w.lower() for w in _WORD_RE.findall(name) if not w.isdigit()]


@cache
def credential_kind(name: str, extra: tuple[str, ...] = ()) -> str | None:
    """What a name says it holds (PASSWORD, TOKEN, ...), or None when it holds no credential.

    The credential word must be last (ignoring neutral suffixes such as `_value`): the rest of
    `password_field`, `token_type` or `PASSWORD_RESET_URL` says the value is something else.
    """
    if any(re.search(pattern, name, re.IGNORECASE) for pattern in extra):
        return CREDENTIAL
    parts = words(name)
    while len(parts) > 1 and parts[-1] in _NEUTRAL_SUFFIXES:
        parts.pop()
    if not parts:
        return None
    last = parts[-1]
    before = parts[-2] if len(parts) > 1 else ""
    if last == "pass":  # `compiler_pass`, `first_pass`: only a password next to who it logs in
        return PASSWORD if before in _PASS_OWNERS else None
    if last in _PASSWORD_WORDS:
        return PASSWORD
    if last in ("secret", "secrets"):
        return SECRET
    if last in ("authorization", "credentials", "credential", "cred", "creds"):
        return AUTH_HEADER if last == "authorization" else CREDENTIAL
    if last == "bearer":
        return TOKEN
    if last in ("key", "keys") and before in _KEY_QUALIFIERS:
        kind = _KEY_QUALIFIERS[before]
        return SECRET if kind == API_KEY and "secret" in parts else kind
    if last in ("privkey", "apikey"):
        return PRIVATE_KEY if last == "privkey" else API_KEY
    if last == "token":
        return None if before in _NOT_CREDENTIAL_TOKENS else TOKEN
    if len(last) > 6:
        for suffix, kind in _GLUED:
            if last.endswith(suffix) and last != suffix:
                return kind
    return None


GETTERS = frozenset({"get", "getenv", "getproperty", "getordefault", "lookupenvordefault"})
# Methods whose (key, value) arguments store or look up a named value: `props.setProperty(
# "password", ...)`, `req.Header.Set("Authorization", ...)`, `os.environ.setdefault(...)`.
KEY_VALUE_METHODS = GETTERS | frozenset(
    {"set", "put", "add", "append", "setdefault", "setenv", "putenv", "setproperty",
     "setheader", "addheader", "set_header", "add_header", "setrequestheader",
     "setrequestproperty", "addrequestproperty", "header", "fill", "setitem", "store",
     "option", "setparameter", "addparameter", "setoption", "setconfig"}
)  # fmt: skip


# --- values --------------------------------------------------------------------------------

# <password>, ${VAR}, {{ var }}, {name}, %s, %(name)s, %VAR%, $VAR, $(VAR), #{var}, @VAR@, [VAR]
_TEMPLATE_RE = re.compile(
    r"<[^<>]*>|\$\{|\{\{|\{[\w.\-]*\}|%\(?\w*\)?[sd]|%[A-Z_]+%|^\$[A-Za-z_]\w*$"
    r"|\$\([A-Za-z_]\w*\)|#\{|@\w+@|\[\w+\]"
)
_DUMMY_WORDS = frozenset(
    {
        "your", "example", "examples", "dummy", "fake", "placeholder", "redacted", "replace",
        "insert", "todo", "fixme", "sample", "here", "masked", "hidden", "none", "null", "nil",
        "undefined", "true", "false", "notasecret", "xxx", "xxxx", "foo", "bar", "baz",
        "invalid", "wrong", "bad", "incorrect", "missing", "unknown", "empty", "nothing", "not",
        "sentinel", "mock", "stub",
    }
)  # fmt: skip
_SELF_NAMES = frozenset(
    {"password", "passwd", "pwd", "pass", "passphrase", "secret", "token", "apikey", "key",
     "credential", "credentials", "privatekey", "accesstoken", "secretkey", "authtoken",
     "clientsecret", "authorization", "bearer", "basic", "auth"}
)  # fmt: skip
_ENV_NAME_RE = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$")
_CONFIG_KEY_RE = re.compile(r"^[a-z][\w\-]*(?:[.:/][\w\-]+)+$")
_PATH_RE = re.compile(
    r"^(?:[./~]|[A-Za-z]:\\)|\.(?:pem|key|crt|cer|der|p12|pfx|jks|json|txt|env|ya?ml|ini|cfg|conf|"
    r"properties|toml|pub|gpg)$",
    re.IGNORECASE,
)
_AUTH_SCHEME_RE = re.compile(r"^(?:Bearer|Basic|Token|Bot|Digest|Bearer:)\s+(\S+)$", re.IGNORECASE)
_PROSE_PUNCTUATION = set(".,!?;:'\"()")
_HASH_RE = re.compile(
    r"^(?:pbkdf2_\w+\$|bcrypt(?:_\w+)?\$|argon2\$|scrypt\$|sha1\$|md5\$|crypt\$|"
    r"\$(?:2[abxy]?|5|6|argon2(?:id|i|d)|scrypt|pbkdf2[\w-]*)\$)"
)
# A regular expression: a character class with a range, a class escape, a group construct.
_REGEX_RE = re.compile(r"\[\^?[^\]]*\w-\w[^\]]*\][+*?{]|\\[dDwWsS][+*?{]|\(\?[:=!<P]")
_IDENTIFIER_RE = re.compile(r"[a-z]+(?:_[a-z]+)+|[a-z]+(?:[A-Z][a-z]+)+")
_CREDENTIAL_WORDS = _PASSWORD_WORDS | {"secret", "token", "key", "apikey", "credentials"}
# An HTTP header's name: `X-Api-Key`, `x-auth-token`, `Proxy-Authorization-Token`.
_HEADER_NAME_RE = re.compile(r"[Xx](?:-[A-Za-z0-9]+)+|[A-Z][a-z0-9]*(?:-[A-Z][a-z0-9]*)+")


def names_a_credential(value: str) -> bool:
    """Whether a string is the name of a credential (a field, attribute or header that holds
    one: `userPassword`, `client_secret`, `X-Gitlab-Token`), not a credential."""
    return bool(
        (_IDENTIFIER_RE.fullmatch(value) or _HEADER_NAME_RE.fullmatch(value))
        and _CREDENTIAL_WORDS.intersection(words(value))
    )


def _normal(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _tail_of_name(value: str, name: str) -> bool:
    """The value spells the last words of the name (`TYPE_VISIBLE_PASSWORD`, "visible-password")."""
    value_words = [w.lower() for w in words(value)]
    name_words = [w.lower() for w in words(name)]
    return (
        1 < len(value_words) <= len(name_words) and name_words[-len(value_words) :] == value_words
    )


def is_placeholder(value: str, name: str = "", ignore: Iterable[str] = ()) -> bool:
    """Values that cannot be a working credential, or say they are to be replaced."""
    stripped = value.strip()
    if not stripped or stripped in ignore or len(set(stripped.lower())) <= 2:
        return True  # "", "xxx", "***", "0000", "abab"
    if _TEMPLATE_RE.search(stripped) or _ENV_NAME_RE.match(stripped):
        return True  # <password>, ${DB_PASSWORD}, {{ password }}, %s, DB_PASSWORD
    normal = _normal(stripped)
    if not normal or normal in _SELF_NAMES or (name and normal == _normal(name)):
        return True
    if name and len(words(stripped)) > 1 and sorted(words(stripped)) == sorted(words(name)):
        return True  # {"new-password": "password-new"}: the same name, reordered
    if name and _tail_of_name(stripped, name):
        return True  # KEYBOARD_TYPE_VISIBLE_PASSWORD = "visible-password": an enum tag
    if any(word in _DUMMY_WORDS for word in re.split(r"[^a-z0-9]+", stripped.lower())):
        return True  # your-api-key, REDACTED, example_token
    if (
        normal.startswith(("your", "redacted", "changemeto"))
        or "xxx" in normal
        or "example" in normal
    ):
        return True  # YOURAPIKEY, yourpassword, abcxxx
    if stripped.isalpha() and stripped.isupper():
        return True  # "ENTER", "NONE": a constant's name, not a password
    # "spring.datasource.password", "db:password": a key, not a value
    return bool(_CONFIG_KEY_RE.match(stripped) and credential_kind(stripped.replace("-", "_")))


def _looks_random(value: str, minimum: int) -> bool:
    """Key-shaped: long enough, no spaces, letters mixed with digits or case."""
    if len(value) < minimum or any(c.isspace() for c in value):
        return False
    has_digit = any(c.isdigit() for c in value)
    mixed_case = any(c.islower() for c in value) and any(c.isupper() for c in value)
    return has_digit or mixed_case or len(value) >= 24


def plausible(value: str, kind: str) -> bool:
    """Whether a non-placeholder value assigned to a `kind` name can be that credential."""
    if kind == AUTH_HEADER:
        scheme = _AUTH_SCHEME_RE.match(value)
        token = scheme.group(1) if scheme else value
        return not is_placeholder(token) and _looks_random(token, 8 if scheme else 16)
    if _PATH_RE.search(value) or re.match(r"^[a-z][a-z0-9+.\-]*://", value, re.IGNORECASE):
        return False  # a file holding the key, or a URL (embedded passwords are checked apart)
    if _REGEX_RE.search(value):
        return (
            False  # "([a-zA-Z0-9-!#$%&'*+.^_`{|}~]+)": a pattern (an RFC 7230 token), not a value
        )
    if _HASH_RE.match(value):
        return False  # a stored password hash ("pbkdf2_sha256$...", "$2b$12$..."), not a password
    if value.isalpha() and value[0].isupper() and value[1:].islower():
        return False  # "Passwort", "Required": a UI label or a message, not a credential
    if any(c.isspace() for c in value):
        # Session secrets ("keyboard cat") may have spaces; prose and labels may not.
        lowered = value.lower()
        return (
            kind == SECRET
            and len(value.split()) <= 4
            and not _PROSE_PUNCTUATION.intersection(value)
            and not _CREDENTIAL_WORDS.intersection(re.split(r"[^a-z0-9]+", lowered))
        )
    if not any(c.isalnum() for c in value):
        return False
    if names_a_credential(value):
        return False  # "userPassword", "X-Gitlab-Token": a field's or a header's name
    if kind == TOKEN:
        return _looks_random(value, 12)
    if kind in (API_KEY, ACCESS_KEY, PRIVATE_KEY, CREDENTIAL):
        return _looks_random(value, 8)
    return len(value) >= 3


# --- passwords inside connection strings ---------------------------------------------------

# scheme://user:password@host  (the user part may be empty: redis://:password@host)
URL_PASSWORD_RE = re.compile(
    rb"\b[a-zA-Z][a-zA-Z0-9+.\-]{1,20}://[^\s:/?#@'\"`]*:(?P<pw>[^\s/?#@'\"`]+)@(?P<host>[^\s/?#'\"`@]+)"
)
# Go MySQL DSN: user:password@tcp(host:3306)/db
MYSQL_DSN_RE = re.compile(rb"(?:^|[\s\"'`])[\w.\-]+:(?P<pw>[^\s@'\"`:/]+)@(?:tcp|unix|udp)\(")
# key=value DSNs (libpq, ADO.NET, ODBC) holding a password next to another connection key.
KV_PASSWORD_RE = re.compile(
    rb"(?i)(?:^|[\s;\"'`?&])(?:password|pwd|passwd)\s*=\s*(?P<pw>[^\s;&'\"`]+)"
)
_KV_CONTEXT_RE = re.compile(
    rb"(?i)(?:^|[\s;\"'`?&])"
    rb"(?:host|hostaddr|server|user|user id|uid|dbname|database|data source)\s*="
)
_RESERVED_HOSTS = re.compile(
    rb"(?i)(?:^|[.@])(?:example\.(?:com|org|net)|[\w\-]+\.(?:example|invalid|test))(?::\d+)?$"
)


def embedded_passwords(text: bytes, ignore: Iterable[str] = ()) -> Iterator[tuple[int, int]]:
    """Spans of real-looking passwords embedded in a connection string or URL."""
    ignore = tuple(ignore)
    yield from url_passwords(text, ignore)
    yield from kv_passwords(text, ignore)


def url_passwords(text: bytes, ignore: Iterable[str] = ()) -> Iterator[tuple[int, int]]:
    """Passwords in `scheme://user:pw@host` URLs and Go MySQL DSNs (safe on any text)."""
    ignore = tuple(ignore)
    for match in URL_PASSWORD_RE.finditer(text):
        if _RESERVED_HOSTS.search(match.group("host")):
            continue  # RFC 2606 documentation hosts never answer
        if _password_value(match.group("pw"), ignore):
            yield match.span("pw")
    for match in MYSQL_DSN_RE.finditer(text):
        if _password_value(match.group("pw"), ignore):
            yield match.span("pw")


def kv_passwords(text: bytes, ignore: Iterable[str] = ()) -> Iterator[tuple[int, int]]:
    """`password=...` in a key=value DSN; `text` must be one string, not code around it."""
    ignore = tuple(ignore)
    if _KV_CONTEXT_RE.search(text):
        for match in KV_PASSWORD_RE.finditer(text):
            if _password_value(match.group("pw"), ignore):
                yield match.span("pw")


def _password_value(raw: bytes, ignore: tuple[str, ...]) -> bool:
    value = raw.decode("utf-8", "replace")
    if is_placeholder(value, ignore=ignore) or value.startswith((":", "$", "%", "{", "?")):
        return False
    # A URL-encoded placeholder (%3Cpassword%3E) or a bare `user:port@` pair is not a password.
    return not value.isdigit() and "%3C" not in value.upper()


# --- well-known secret formats (FG202) -----------------------------------------------------


@dataclass(frozen=True, slots=True)
class SecretFormat:
    """A vendor key format: id (for options), label (for messages), regex and extra check."""

    id: str
    label: str
    anchors: tuple[bytes, ...]  # substrings every match contains: a fast filter before the regex
    pattern: re.Pattern[bytes]
    check: Callable[[bytes, bytes, int], bool]  # (secret, whole text, offset) -> report?

    context: int = 0  # how far outside the scanned region an anchor may sit

    def possible(self, text: bytes, start: int, end: int) -> bool:
        start, end = max(0, start - self.context), end + self.context
        return any(text.find(anchor, start, end) != -1 for anchor in self.anchors)


def _varied(secret: bytes, body_from: int = 0, minimum: int = 10) -> bool:
    """Real keys are random: enough distinct characters, no EXAMPLE / xxxx filler."""
    body = secret[body_from:]
    upper = body.upper()
    if b"EXAMPLE" in upper or b"XXXX" in upper or b"0000000" in body:
        return False
    return len(set(body)) >= minimum


def _aws_secret(secret: bytes, text: bytes, offset: int) -> bool:
    """A 40-char secret access key only counts next to AWS context (words or an AKIA id)."""
    if not (
        _varied(secret, 0, 16) and re.search(rb"[a-z]", secret) and re.search(rb"[A-Z]", secret)
    ):
        return False
    if not re.search(rb"[0-9]", secret):
        return False
    # Context is the line the key is on and the line before it: `aws_secret_access_key = "..."`,
    # `"SecretAccessKey": "..."`, `NewStaticCredentials("AKIA...", "...", "")`.
    line_start = text.rfind(b"\n", 0, max(0, text.rfind(b"\n", 0, offset))) + 1
    line_end = text.find(b"\n", offset)
    window = text[line_start : line_end if line_end != -1 else len(text)]
    return bool(_AWS_CONTEXT_RE.search(window))


_AWS_CONTEXT_RE = re.compile(
    rb"(?i)(?:aws|amazon)[\w\-]{0,30}(?:secret|key)|secret_?access_?key|A[KS]IA[A-Z2-7]{16}"
)


def _jwt(secret: bytes, text: bytes, offset: int) -> bool:
    """A JWT whose header decodes to a JSON object naming an algorithm or a type."""
    header = secret.split(b".", 1)[0]
    try:
        decoded = json.loads(base64.urlsafe_b64decode(header + b"=" * (-len(header) % 4)))
    except (binascii.Error, ValueError):
        return False
    if not (isinstance(decoded, dict) and ("alg" in decoded or "typ" in decoded)):
        return False
    # jwt.io's documented sample ("John Doe", sub 1234567890) authenticates nowhere.
    payload = secret.split(b".")[1]
    try:
        claims = base64.urlsafe_b64decode(payload + b"=" * (-len(payload) % 4))
    except (binascii.Error, ValueError):
        return True
    return not (b'"1234567890"' in claims and b"John Doe" in claims)


def _private_key(secret: bytes, text: bytes, offset: int) -> bool:
    """A PEM header followed by key material, not a header constant a parser compares with."""
    after = text[offset + len(secret) : offset + len(secret) + 600]
    after = re.sub(rb"(?:#|//)[^\n]*", b"", after)  # trailing comments between the lines
    material = re.sub(rb"\\[nr]|[\s\"'`+,]|Proc-Type:[^\n\\]*|DEK-Info:[^\n\\]*", b"", after)
    run = re.match(rb"[A-Za-z0-9+/=]{40,}", material)
    return run is not None and _varied(run.group(0), 0, 16)


def _always(secret: bytes, text: bytes, offset: int) -> bool:
    return _varied(secret, secret.find(b"_") + 1 if b"_" in secret[:12] else 4)


FORMATS: tuple[SecretFormat, ...] = (
    SecretFormat(
        "aws-access-key-id",
        "AWS access key id",
        (b"AKIA", b"ASIA", b"ABIA", b"ACCA"),
        re.compile(rb"\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}\b"),
        lambda s, t, o: _varied(s, 4, 8),
    ),
    SecretFormat(
        "aws-secret-access-key",
        "AWS secret access key",
        (b"aws", b"AWS", b"Aws", b"secret_access", b"SecretAccess", b"AKIA", b"ASIA"),
        re.compile(rb"(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])"),
        _aws_secret,
        context=400,
    ),
    SecretFormat(
        "github-token",
        "GitHub token",
        (b"ghp_", b"gho_", b"ghu_", b"ghs_", b"ghr_", b"github_pat_"),
        re.compile(
            rb"\b(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})\b"
        ),
        _always,
    ),
    SecretFormat(
        "gitlab-token",
        "GitLab personal access token",
        (b"glpat-",),
        re.compile(rb"\bglpat-[A-Za-z0-9_\-]{20}(?![A-Za-z0-9_\-])"),
        _always,
    ),
    SecretFormat(
        "slack-token",
        "Slack token",
        (b"xox",),
        re.compile(rb"\bxox[baprs]-[0-9]{6,}-[0-9A-Za-z\-]{8,}"),
        lambda s, t, o: _varied(s, 5, 10),
    ),
    SecretFormat(
        "slack-webhook",
        "Slack webhook URL",
        (b"hooks.slack.com",),
        re.compile(
            rb"https://hooks\.slack\.com/(?:services|workflows)/T[A-Z0-9]{6,}/[A-Z0-9]{6,}/[A-Za-z0-9]{20,}"
        ),
        lambda s, t, o: _varied(s.rsplit(b"/", 1)[-1], 0, 10),
    ),
    SecretFormat(
        "stripe-live-key",
        "Stripe live secret key",
        (b"_live_",),
        re.compile(rb"\b(?:sk|rk)_live_[0-9A-Za-z]{24,99}\b"),
        _always,
    ),
    SecretFormat(
        "google-api-key",
        "Google API key",
        (b"AIza",),
        re.compile(rb"\bAIza[0-9A-Za-z_\-]{35}(?![0-9A-Za-z_\-])"),
        lambda s, t, o: _varied(s, 4, 12),
    ),
    SecretFormat(
        "private-key",
        "Private key block",
        (b"PRIVATE KEY-----",),
        re.compile(rb"-----BEGIN (?:[A-Z0-9]+ ){0,2}PRIVATE KEY(?: BLOCK)?-----"),
        _private_key,
    ),
    SecretFormat(
        "jwt",
        "JSON Web Token",
        (b"eyJ",),
        re.compile(rb"\beyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{16,}"),
        _jwt,
    ),
    SecretFormat(
        "anthropic-key",
        "Anthropic API key",
        (b"sk-ant-",),
        re.compile(rb"\bsk-ant-(?:api|admin|sid)\d{2}-[A-Za-z0-9_\-]{80,120}"),
        lambda s, t, o: _varied(s, 14, 16),
    ),
    SecretFormat(
        "openai-key",
        "OpenAI API key",
        (b"sk-",),
        re.compile(
            rb"\bsk-(?:(?:proj|svcacct|admin)-)?[A-Za-z0-9_\-]{16,200}T3BlbkFJ[A-Za-z0-9_\-]{16,200}"
            rb"|\bsk-(?:proj|svcacct|admin)-[A-Za-z0-9_\-]{80,200}"
        ),
        lambda s, t, o: _varied(s, 3, 16),
    ),
    SecretFormat(
        "npm-token",
        "npm access token",
        (b"npm_",),
        re.compile(rb"\bnpm_[A-Za-z0-9]{36}\b"),
        _always,
    ),
)
# Slack user tokens start xoxp-: the label says which kind the user leaked.
_GITHUB_KINDS = {
    b"ghp": "GitHub personal access token",
    b"gho": "GitHub OAuth token",
    b"ghu": "GitHub user-to-server token",
    b"ghs": "GitHub server-to-server token",
    b"ghr": "GitHub refresh token",
    b"git": "GitHub fine-grained personal access token",
}


@dataclass(frozen=True, slots=True)
class SecretMatch:
    """A secret found in text: its byte span (relative to the text) and what it is."""

    start: int
    end: int
    format: SecretFormat
    label: str


def find_formats(
    text: bytes,
    start: int = 0,
    end: int | None = None,
    *,
    skip_formats: Iterable[str] = (),
    ignore: Iterable[str] = (),
) -> list[SecretMatch]:
    """Every well-known secret in `text[start:end]`, checked, longest first where they overlap.

    Checks see the whole text, so context around a literal (an `aws_secret_access_key =` name,
    the key material after a PEM header in the next concatenated string) still counts.
    """
    end = len(text) if end is None else end
    skip, ignored = set(skip_formats), {v.encode() for v in ignore}
    found: list[SecretMatch] = []
    for fmt in FORMATS:
        if fmt.id in skip or not fmt.possible(text, start, end):
            continue
        for match in fmt.pattern.finditer(text, start, end):
            secret = match.group(0)
            if secret in ignored or not fmt.check(secret, text, match.start()):
                continue
            found.append(SecretMatch(*_span(fmt, text, match, end), fmt, _label(fmt, secret)))
    found.sort(key=lambda m: (m.start, -(m.end - m.start)))
    kept: list[SecretMatch] = []
    for candidate in found:
        if not kept or candidate.start >= kept[-1].end:
            kept.append(candidate)
    return kept


_PEM_END_RE = re.compile(rb"-----END (?:[A-Z0-9]+ ){0,2}PRIVATE KEY(?: BLOCK)?-----")


def _span(fmt: SecretFormat, text: bytes, match: re.Match[bytes], limit: int) -> tuple[int, int]:
    """A private key spans its whole block when the END line is before `limit`."""
    if fmt.id != "private-key":
        return match.span()
    end = _PEM_END_RE.search(text, match.end(), limit)
    return (match.start(), end.end()) if end else match.span()


def _label(fmt: SecretFormat, secret: bytes) -> str:
    if fmt.id == "github-token":
        return _GITHUB_KINDS.get(secret[:3], fmt.label)
    if fmt.id == "slack-token":
        return {b"xoxb": "Slack bot token", b"xoxp": "Slack user token"}.get(secret[:4], fmt.label)
    return fmt.label


def known_formats(node: tree_sitter.Node, source: bytes) -> bool:
    """True when FG202 reports this literal, so FG201 must stay quiet on it."""
    return bool(find_formats(source, node.start_byte, node.end_byte))


# --- test code -----------------------------------------------------------------------------


_TEST_CALLS = frozenset(
    {"describe", "it", "test", "beforeEach", "beforeAll", "afterEach", "afterAll", "before",
     "after", "context", "suite"}
)  # fmt: skip
_TEST_ANNOTATIONS = re.compile(r"@(?:Test|ParameterizedTest|RepeatedTest|Before\w*|After\w*)\b")


def _rust_test_attribute(item: tree_sitter.Node, source: bytes) -> bool:
    """`#[test]`, `#[tokio::test]` right above a Rust function."""
    previous = item.prev_named_sibling
    while previous is not None and previous.type == "attribute_item":
        text = source[previous.start_byte : previous.end_byte]
        if re.search(rb"\btest\b", text):
            return True
        previous = previous.prev_named_sibling
    return False


def in_test_code(node: tree_sitter.Node, source: bytes) -> bool:
    """Inside a test function, test class or test-framework callback (any language)."""
    parent = node.parent
    while parent is not None:
        kind = parent.type
        name_node = parent.child_by_field_name("name")
        name = source[name_node.start_byte : name_node.end_byte].decode() if name_node else ""
        if kind == "function_definition" and name.startswith("test"):
            return True
        if kind in ("class_definition", "class_declaration") and (
            name.startswith("Test") or name.endswith(("Test", "Tests", "TestCase", "IT"))
        ):
            return True
        if kind == "function_declaration" and re.match(r"(?:Test|Benchmark|Example|Fuzz)", name):
            return True
        if kind == "mod_item" and name == "tests":
            return True  # Rust `#[cfg(test)] mod tests`
        if kind == "function_item" and _rust_test_attribute(parent, source):
            return True
        if kind in ("method_declaration", "function_declaration"):  # Java, Kotlin @Test
            modifiers = next((c for c in parent.children if c.type == "modifiers"), None)
            if modifiers and _TEST_ANNOTATIONS.search(
                source[modifiers.start_byte : modifiers.end_byte].decode("utf-8", "replace")
            ):
                return True
        if kind == "call_expression":
            function = parent.child_by_field_name("function")
            head = (
                source[function.start_byte : function.end_byte].split(b".")[0] if function else b""
            )
            if head.decode("utf-8", "replace") in _TEST_CALLS:
                return True
        parent = parent.parent
    return False
