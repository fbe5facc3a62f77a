"""Secret redaction: what leaves the machine for Claude never carries a credential.

`redact()` runs over plain text with regular expressions, not a parser, because what is sent is
often a selection that does not parse (half a function, a line of YAML, a diff). It uses the
same detectors as the hardcoded-credentials rules (`forge_lsp.rules.families.credentials`), so what
Forge would report in a file is, as far as text allows, what it takes out before sending:

1. vendor key formats (FG202): AWS, GitHub, GitLab, Slack, Stripe, Google, OpenAI, Anthropic,
   npm, JWTs, PEM private key blocks (the whole block, or up to the end of the key material
   when the END line is outside the selection);
2. passwords embedded in connection strings (`scheme://user:pw@host`, MySQL DSNs, `password=`
   in key=value DSNs);
3. a literal assigned to, compared with, or passed by a credential-like name (FG201's
   `credential_kind`), when it is not a placeholder (`is_placeholder`) and could be that
   credential (`plausible`): `password = "..."`, `api_key: "..."`, `{"token": "..."}`,
   `setPassword("...")`, `.password("...")`, `put("secret", "...")`; in config-like text
   (YAML, .env, properties, TOML, INI, shell) unquoted values too (`PASSWORD=...`);
4. `Authorization` header credentials (`Bearer <token>`, `Basic <token>`);
5. high-entropy strings: runs of at least 20 base64/base64url characters mixing upper case,
   lower case and digits, or of at least 32 hex characters mixing letters and digits, whose
   Shannon entropy is high (see `_random_secret`). Decisions, kept simple on purpose:
   UUIDs are not redacted (identifiers, not secrets; a UUID used as a key is caught by rule 3
   when its name says so); camelCase and snake_case identifiers, paths and words are not
   redacted (their character classes come in long runs); a hex string (digests of 32, 40 or
   64 characters, object ids) is left alone when a checksum or id word (`sha`, `md5`, `hash`,
   `digest`, `checksum`, `commit`, `integrity`, `etag`, `signature`, `uuid`, `id`, ...) is on
   its line and no key word (`key`, `secret`, `token`, `hmac`, `auth`, ...) is, and redacted
   otherwise; a name in code (`obj.isIPv4Mapped(`) and base64 that decodes to a sentence are
   not secrets; `/`-paths are judged segment by segment and ids in URL paths are left alone (a
   key in a URL's query string is still redacted).

Known gaps, inherited from the rules' definitions on purpose (one notion of "a credential"): a
value the rules call a placeholder is sent (`"%d..."`, `"your-key"`, `AKIA...EXAMPLE`), as is
the password of a URL on a documentation host (`example.com`); FG201's fixed argument slots
(`jwt.encode(payload, "secret")`) are taken out only when the value looks random.

Each secret becomes a typed placeholder, `<redacted:KIND>`, in place of the secret only: quotes,
names and punctuation stay, so the code still reads as code. The result counts what was
replaced by kind, never the values. `payload_digest()` is what logs carry instead of code.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import math
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from forge_lsp.rules.families import credentials as cred

HIGH_ENTROPY = "high-entropy-string"
AUTHORIZATION = "authorization"
PASSWORD = "password"

# FG201's credential kinds, spelled as placeholder kinds.
_NAMED_KINDS = {
    cred.PASSWORD: "password",
    cred.SECRET: "secret",
    cred.API_KEY: "api-key",
    cred.ACCESS_KEY: "access-key",
    cred.TOKEN: "token",
    cred.PRIVATE_KEY: "private-key",
    cred.CREDENTIAL: "credential",
    cred.AUTH_HEADER: AUTHORIZATION,
}

# Where two detectors claim overlapping bytes, the more precise one names the secret.
_PRIORITY_FORMAT, _PRIORITY_URL, _PRIORITY_NAMED, _PRIORITY_HEADER, _PRIORITY_ENTROPY = range(5)

_CONFIG_LANGUAGES = frozenset(
    {"yaml", "dotenv", "env", "properties", "ini", "toml", "shellscript", "shell", "bash", "sh",
     "dockercompose", "plaintext", "text", "markdown"}
)  # fmt: skip


def placeholder(kind: str) -> str:
    """The text a secret of this kind becomes."""
    return f"<redacted:{kind}>"


@dataclass(frozen=True, slots=True)
class Redacted:
    """Text safe to send, and what was taken out of it (kinds and counts, never values)."""

    text: str
    count: int = 0
    kinds: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _Span:
    start: int  # byte offsets into the UTF-8 text
    end: int
    kind: str
    priority: int


def payload_digest(text: str) -> str:
    """A short sha256 of a payload: logs name what was sent by size and digest, never by code."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def redact(text: str, language: str | None = None) -> Redacted:
    """`text` with every secret Forge can recognise replaced by `<redacted:KIND>`.

    `language` is the LSP language id of the text, when known: it only decides whether unquoted
    `name = value` lines are configuration (YAML, .env, ...) or code, where an unquoted value is
    an expression and not a secret.
    """
    source = text.encode("utf-8", "surrogatepass")
    spans = [
        *_format_spans(source),
        *_embedded_password_spans(source, _config_like(language)),
        *_named_spans(source, _config_like(language)),
        *_header_spans(source),
    ]
    kept = _without_overlaps(spans)
    kept = _without_overlaps([*kept, *_entropy_spans(source, kept)])
    if not kept:
        return Redacted(text)
    pieces: list[bytes] = []
    position = 0
    for span in sorted(kept, key=lambda s: s.start):
        pieces += [source[position : span.start], placeholder(span.kind).encode()]
        position = span.end
    pieces.append(source[position:])
    kinds = Counter(span.kind for span in kept)
    return Redacted(
        b"".join(pieces).decode("utf-8", "surrogatepass"), len(kept), dict(sorted(kinds.items()))
    )


def _config_like(language: str | None) -> bool:
    return language is None or language.lower() in _CONFIG_LANGUAGES


def _without_overlaps(spans: list[_Span]) -> list[_Span]:
    """Keep the most precise detector's span wherever spans overlap."""
    kept: list[_Span] = []
    for span in sorted(spans, key=lambda s: (s.priority, s.start, -(s.end - s.start))):
        if span.end > span.start and all(
            span.end <= other.start or span.start >= other.end for other in kept
        ):
            kept.append(span)
    return kept


# --- 1. vendor formats (FG202) ---------------------------------------------------------------

_PEM_MATERIAL_RE = re.compile(
    rb"(?:[A-Za-z0-9+/=]|\\[nr]|[ \t\r\n\"'`+,]|Proc-Type:[^\n\\]*|DEK-Info:[^\n\\]*)*"
)
_BASE64_CHAR_RE = re.compile(rb"[A-Za-z0-9+/=]")


def _format_spans(source: bytes) -> Iterator[_Span]:
    for match in cred.find_formats(source):
        end = match.end
        if match.format.id == "private-key" and b"-----END" not in source[match.start : end]:
            end = _pem_material_end(source, end)  # the END line is outside the selection
        yield _Span(match.start, end, match.format.id, _PRIORITY_FORMAT)


def _pem_material_end(source: bytes, header_end: int) -> int:
    """The end of the key material after a PEM header: the last base64 character of the run."""
    run = _PEM_MATERIAL_RE.match(source, header_end)
    material = run.group(0) if run else b""
    last = max((m.end() for m in _BASE64_CHAR_RE.finditer(material)), default=0)
    return header_end + last


# --- 2. passwords in connection strings ------------------------------------------------------


def _embedded_password_spans(source: bytes, config_like: bool) -> Iterator[_Span]:
    """URL passwords anywhere; `password=` DSN pairs only inside one string (or config line),
    since in code `password = value` is an assignment that rule 3 judges."""
    for start, end in cred.url_passwords(source):
        yield _Span(start, end, PASSWORD, _PRIORITY_URL)
    pieces = _LINE_RE if config_like else _ANY_STRING_RE
    for piece in pieces.finditer(source):
        for start, end in cred.kv_passwords(piece.group(0)):
            yield _Span(piece.start() + start, piece.start() + end, PASSWORD, _PRIORITY_URL)


_LINE_RE = re.compile(rb"[^\n]+")
_ANY_STRING_RE = re.compile(rb"\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'|`[^`]*`")


# --- 3. literals under credential-like names -------------------------------------------------

# A quoted string's content: group `q` is the quote, group `v` the content (escapes kept).
_STRING = rb"(?P<q>\"\"\"|'''|[\"'`])(?P<v>(?:[^\\\n]|\\.)*?)(?P=q)"
_NAME = rb"(?P<name>[A-Za-z_$][\w$]*(?:[.\-][A-Za-z_$][\w$]*)*)"
_QUOTED_NAME = rb"[\"'`](?P<qname>[^\"'`\n]{1,80})[\"'`]"
# A string prefix, or a conversion that only wraps the literal (FG201 unwraps the same ones).
_WRAPPER = (
    rb"(?:[bBrRuU]{1,2}(?=[\"'])|(?:\[\]byte|(?:Secret)?String::from|Secret(?:String)?::new|"
    rb"Buffer\.from|Some|bytes|SecretStr)\(\s*)?"
)
# name = "v", name := "v", name: Type = "v", name: "v", "name": "v", name => "v", name == "v",
# name="v" (keyword argument); an optional string prefix (b"", r"", f"" is skipped: it
# interpolates, u"" and Rust r#"" are rare enough to be left to the entropy pass).
_ASSIGNED_RE = re.compile(
    rb"(?:" + _NAME + rb"|" + _QUOTED_NAME + rb"\]?)"
    rb"(?:[ \t]*:[ \t]*[A-Za-z_][\w.]*(?:<[\w., ]*>|\[[\w., ]*\])?\??(?=[ \t]*=))?"
    rb"[ \t]*(?::=|=>|===|!==|==|!=|\?\?=|\|\|=|=|:)[ \t]*" + _WRAPPER + _STRING
)
# setPassword("v"), .password("v"), with_api_key("v")
_SETTER_RE = re.compile(rb"(?P<name>[A-Za-z_][\w]*)\s*\(\s*" + _STRING + rb"\s*\)")
# put("password", "v"), Header.Set("Authorization", "v"), setProperty("db.password", "v"):
# only FG201's key/value methods, so `writeString("mysql_native_password", "latin1")` is not.
_KEY_VALUE_RE = re.compile(
    rb"(?P<method>[A-Za-z_]\w*)\s*\(\s*"
    + _QUOTED_NAME
    + rb"\s*,\s*(?:[bBrRuU]{1,2}(?=[\"']))?"
    + _STRING
)
# Configuration lines: PASSWORD=v, password: v, export API_KEY=v, api.key = v
_CONFIG_LINE_RE = re.compile(
    rb"(?m)^[ \t-]*(?:export[ \t]+)?(?P<name>[A-Za-z_][\w.\-]*)[ \t]*[=:][ \t]*"
    rb"(?P<v>[^\s\"'`#;,(){}\[\]][^\s\"'`;,(){}\[\]]*)[ \t]*(?:[#;].*)?$"
)
_SCHEME_RE = re.compile(r"(?i)^(?:bearer|basic|token|bot|digest)\s+")
_SETTER_PREFIX_RE = re.compile(r"^(?:set|with|Set|With)_?(?=[A-Za-z])")


def _named_spans(source: bytes, config_like: bool) -> Iterator[_Span]:
    for match in _ASSIGNED_RE.finditer(source):
        if source[max(0, match.start() - 12) : match.start()].rstrip().endswith(b"typeof"):
            continue  # `typeof password === "function"` compares a type, not a password
        name = _text(match.group("name") or match.group("qname"))
        yield from _named_value(match, name)
    for match in _SETTER_RE.finditer(source):
        yield from _named_value(match, _SETTER_PREFIX_RE.sub("", _text(match.group("name"))))
    for match in _KEY_VALUE_RE.finditer(source):
        if _text(match.group("method")).lower() in cred.KEY_VALUE_METHODS:
            yield from _named_value(match, _text(match.group("qname")))
    if config_like:
        for match in _CONFIG_LINE_RE.finditer(source):
            yield from _named_value(match, _text(match.group("name")))


def _named_value(match: re.Match[bytes], name: str) -> Iterator[_Span]:
    if match.start("v") == match.end("v"):
        return
    kind = cred.credential_kind(name)
    if kind is None:
        return
    value = _text(match.group("v"))
    if cred.is_placeholder(value, name) or not cred.plausible(value, kind):
        return
    start = match.start("v")
    scheme = _SCHEME_RE.match(value) if kind == cred.AUTH_HEADER else None
    if scheme:  # keep "Bearer " readable; only the credential after it is secret
        start += len(scheme.group(0).encode())
    yield _Span(start, match.end("v"), _NAMED_KINDS[kind], _PRIORITY_NAMED)


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")


# --- 4. Authorization headers ----------------------------------------------------------------

_HEADER_RE = re.compile(
    rb"(?i)\b(?P<scheme>bearer|basic|token)[ \t]+(?P<v>[A-Za-z0-9._~+/\-]{8,}=*)"
)
_AUTH_CONTEXT_RE = re.compile(rb"(?i)authori[sz]ation|auth|header")


def _header_spans(source: bytes) -> Iterator[_Span]:
    for match in _HEADER_RE.finditer(source):
        scheme = match.group("scheme").lower()
        if scheme != b"bearer" and not _AUTH_CONTEXT_RE.search(_line(source, match.start())):
            continue  # "Basic usage", "token parser": prose, unless a header is on the line
        token = _text(match.group("v"))
        if token.isalpha():
            continue  # "Basic Authentication", "Bearer Tokens": words, not a credential
        if cred.plausible(f"Bearer {token}", cred.AUTH_HEADER):
            yield _Span(match.start("v"), match.end("v"), AUTHORIZATION, _PRIORITY_HEADER)


def _line(source: bytes, offset: int) -> bytes:
    start = source.rfind(b"\n", 0, offset) + 1
    end = source.find(b"\n", offset)
    return source[start : end if end != -1 else len(source)]


# --- 5. high-entropy strings -----------------------------------------------------------------

_MIN_LENGTH = 20
_CANDIDATE_RE = re.compile(rb"(?<![A-Za-z0-9+/_\-])[A-Za-z0-9+/_\-]{20,}={0,2}(?![A-Za-z0-9+/_\-])")
_HEX_RE = re.compile(r"[0-9a-fA-F]+")
_UUID_RE = re.compile(r"^[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$")
_CLASS_RUN_RE = re.compile(r"[A-Z]+|[a-z]+|[0-9]+|[^A-Za-z0-9]+")
_CHECKSUM_CONTEXT_RE = re.compile(
    r"(?i)sha|md5|hash|digest|checksum|crc|commit|revision|\brev\b|integrity|etag|fingerprint"
    r"|blake|git|signature|signed|@generated|\bsum\b|uuid|guid|\bid\b|_id\b|(?-i:[a-z]Id\b)"
)
# ...unless the line also says it is a key: `hmac.New(sha256.New, []byte("<hex>"))`.
_SECRET_CONTEXT_RE = re.compile(r"(?i)key|secret|token|hmac|passw|credential|auth")
# Entropy in bits per character. Random base64 of 20 characters scores about 4.0 (the most a
# 20-character string can score is log2(20) = 4.32); English identifiers with digits score
# 3.3-3.8 and come in long letter runs. Random hex scores 3.4-3.9 from 20 characters up.
_BASE64_BITS = 3.7
_HEX_BITS = 3.0
_MIN_HEX_LENGTH = 32
_SEQUENCE_RE = re.compile(r"0123456|abcdef|ABCDEF|ghijkl|GHIJKL|uvwxyz|UVWXYZ")
_MAX_AVERAGE_RUN = 2.2  # random text switches between upper, lower and digits every ~1.6 chars
# Share of a string covered by words of 4+ letters (`Test`, `Array`, `scan`) above which it is
# an identifier: random base64 of 20+ characters stays below it 98% of the time.
_MAX_WORD_COVERAGE = 0.5
_WORDISH_RE = re.compile(r"[A-Z]{2,}(?![a-z])|[A-Z]?[a-z]+")
_DECLARATION_RE = re.compile(
    rb"\b(?:class|def|func|function|const|let|var|val|interface|type|struct|enum|new|extends|"
    rb"implements)\s+$"
)
_IDENTIFIER_RE = re.compile(r"[A-Za-z_$][\w$]*")
_SNAKE_RE = re.compile(r"[A-Za-z]+(?:_[A-Za-z]+)+")


def shannon_entropy(value: str) -> float:
    """Bits per character of `value`'s own character distribution."""
    if not value:
        return 0.0
    counts = Counter(value)
    total = len(value)
    return -sum(n / total * math.log2(n / total) for n in counts.values())


def _entropy_spans(source: bytes, taken: list[_Span]) -> Iterator[_Span]:
    for match in _CANDIDATE_RE.finditer(source):
        start, end = match.span()
        if any(start < other.end and end > other.start for other in taken):
            continue
        value = _text(match.group(0))
        line = _text(_line(source, start))
        if _code_identifier(source, start, end, value):
            continue
        if _looks_like_path(value):
            # `docs/SAP_HANA/4fe2...`: judge each path segment, and leave ids in URL paths alone.
            offset, in_url_path = start, "://" in line
            for segment in value.split("/"):
                if not in_url_path and _random_secret(segment, line):
                    yield _Span(
                        offset, offset + len(segment.encode()), HIGH_ENTROPY, _PRIORITY_ENTROPY
                    )
                offset += len(segment.encode()) + 1
        elif _random_secret(value, line):
            yield _Span(start, end, HIGH_ENTROPY, _PRIORITY_ENTROPY)


def _code_identifier(source: bytes, start: int, end: int, value: str) -> bool:
    """`obj.isIPv4MappedIPv6(`, `Builder<T>`: a name in code, not a value in a string."""
    if not _IDENTIFIER_RE.fullmatch(value):
        return False
    before = source[max(0, start - 12) : start]
    after = source[end:].lstrip(b" \t")[:1]
    return (
        before.endswith(b".")
        or bool(_DECLARATION_RE.search(before))
        or after in (b"(", b"<", b".", b"[", b",", b")", b";", b":", b"=")
    )


def _encoded_prose(body: str) -> bool:
    """Base64 of a sentence ("Many hands make light work") is test data, not a key."""
    try:
        decoded = base64.b64decode(body + "=" * (-len(body) % 4), validate=True).decode("ascii")
    except (binascii.Error, ValueError):
        return False
    return " " in decoded and decoded.isprintable()


def _looks_like_path(value: str) -> bool:
    """A `/`-separated run with a plain word as one segment is a path, not base64."""
    segments = value.split("/")
    return len(segments) > 1 and any(
        len(segment) >= 3 and (segment.isalpha() or _SNAKE_RE.fullmatch(segment))
        for segment in segments
    )


def _identifier_like(body: str) -> bool:
    """camelCase / PascalCase words cover most of the string (random text rarely has them)."""
    covered = sum(len(word) for word in _WORDISH_RE.findall(body) if len(word) >= 4)
    return covered / len(body) >= _MAX_WORD_COVERAGE


def _random_secret(value: str, line: str) -> bool:
    """Whether `value` (a run of base64/hex characters) looks like a random secret."""
    body = value.rstrip("=")
    if len(body) < _MIN_LENGTH or _UUID_RE.match(body) or body.isdigit():
        return False
    if _SEQUENCE_RE.search(body):
        return False  # "0123456789ABCDEFabcdef": an alphabet spelled out, not a key
    if _HEX_RE.fullmatch(body):
        if len(body) < _MIN_HEX_LENGTH:
            return False  # a key in hex is 128 bits or more; shorter runs are ids (ObjectId)
        letters = sum(c.isalpha() for c in body)
        if letters < 4 or letters == len(body):
            return False  # a number (`7976931348623157e308`, an IBAN) or a word (`deadbeef...`)
        if _CHECKSUM_CONTEXT_RE.search(line) and not _SECRET_CONTEXT_RE.search(line):
            return False  # a digest or an id next to the word that says so, not a key
        return shannon_entropy(body) >= _HEX_BITS
    # base64 and base64url: letters of both cases and digits, switching often.
    if cred.is_placeholder(body) or _encoded_prose(body):
        return False
    if not (re.search(r"[a-z]", body) and re.search(r"[A-Z]", body) and re.search(r"[0-9]", body)):
        return False
    pieces = [p for p in re.split(r"[/+_\-]", body) if p]
    if max(len(p) for p in pieces) < 12 and len(pieces) > 2:
        return False  # a kebab or snake name: short pieces between separators
    if _identifier_like(body) or len(body) / len(_CLASS_RUN_RE.findall(body)) > _MAX_AVERAGE_RUN:
        return False  # `TestInt64ArrayScan`, `OptimisticLockError_1`: words, not randomness
    return shannon_entropy(body) >= min(_BASE64_BITS, math.log2(len(body)) - 0.6)
