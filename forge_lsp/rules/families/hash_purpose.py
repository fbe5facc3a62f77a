"""What a hash is for (FG501): a protocol that mandates it, a secret or a security use, or a
purpose the code does not tell.

- `protocol`: the hash belongs to a protocol that fixes the algorithm, so the code has no
  choice: the WebSocket accept key (SHA-1, RFC 6455), HTTP Digest authentication (`HA1` /
  `HA2`, MD5 or SHA by the server's challenge), PostgreSQL's MD5 password authentication, Chef's
  signed headers (SHA-1 before protocol 1.3), CRAM-MD5, MySQL's `mysql_native_password` /
  `caching_sha2_password` scrambles; and stored password formats other systems define
  (htpasswd's `{SHA}` and `$apr1$`, md5-crypt, LDAP's `{SSHA}`), which are information rather
  than silence, since code may also pick them for its own new passwords. Evidence is the
  protocol's own strings in the file (`Sec-WebSocket-Accept`, `AuthenticationMD5Password`,
  `X-Ops-Content-Hash`; a password format's `{SHA}` or `$apr1$` in the function around the
  call) or the names around the call (`HTTPDigestAuth.build_digest_header`, `ha1`,
  `websocket`).
- `data_names`: the names the hashed data is made of, one or two local assignments back
  (`pw = request.form["password"]; md5(pw)` names `password`).
- `security_use`: why the digest protects something, from the data (a secret, a token, an API
  key) or the names it ends up under (`signature`, `hmac`, `token`, `verify`, `auth`).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

import tree_sitter

from forge_lsp.rules.base import CheckContext, ancestors
from forge_lsp.rules.families import crypto, crypto_flow

Node = tree_sitter.Node


@dataclass(frozen=True, slots=True)
class Protocol:
    name: str  # how the message names it
    covers_password: bool  # the protocol itself hashes the password (HTTP Digest, Postgres)
    # A stored format another system defines, which code may also pick for its own new
    # passwords: information, not silence.
    stored_format: bool = False


_WEBSOCKET = Protocol("the WebSocket handshake (RFC 6455 fixes SHA-1 for the accept key)", False)
_HTTP_DIGEST = Protocol("HTTP Digest authentication (the server's challenge picks the hash)", True)
_POSTGRES = Protocol("PostgreSQL's MD5 password authentication (the server asks for it)", True)
_CHEF = Protocol("Chef's signed-header authentication (SHA-1 before protocol 1.3)", False)
_CRAM = Protocol("CRAM-MD5 authentication (the mechanism is MD5 by definition)", True)
_MYSQL = Protocol("MySQL's password authentication (the server's plugin fixes the scramble)", True)
_PASSWORD_FORMAT = Protocol(
    "a password-hash format other systems define (htpasswd's `{SHA}` and `$apr1$`, md5-crypt "
    "`$1$`, LDAP's `{SSHA}`): reading hashes they wrote needs their algorithm",
    True,
    stored_format=True,
)

# Strings a file only contains because it implements the protocol.
_FILE_MARKERS = (
    (re.compile(r"sec-websocket-accept|258eafa5-e914-47da-95ca-c5ab0dc85b11", re.I), _WEBSOCKET),
    (re.compile(r"authenticationmd5password|postgres\w*md5|md5\w*postgres", re.I), _POSTGRES),
    (re.compile(r"x-ops-content-hash|x-ops-sign", re.I), _CHEF),
    (re.compile(r"cram-md5", re.I), _CRAM),
    (re.compile(r"mysql_native_password|caching_sha2_password"), _MYSQL),
)
# A stored password format, looked for in the function around the hash only: a file that
# reads htpasswd entries may also hash its own passwords.
_PASSWORD_FORMAT_MARKER = re.compile(
    r"\$apr1\$|['\"]\$1\$['\"]|\{S?SHA\}|\bmd5_?crypt\b|\bdef ssha\b"
)
_CLASS_TYPES = frozenset(
    {"class_definition", "class_declaration", "object_declaration", "impl_item", "class"}
)
_DIGEST_PARTNERS = frozenset({"auth", "authentication", "header", "challenge", "www"})


def protocol(ctx: CheckContext, call: Node) -> Protocol | None:
    """The protocol that mandates the hash at `call`, when the file or the names around it say
    which one."""
    marker = ctx.memo("FG501.protocol-marker", lambda: _file_marker(ctx))
    if marker is not None:
        return marker
    names: list[str] = []
    outermost: Node | None = None
    for scope in ancestors(call):
        if scope.type in _CLASS_TYPES:
            named = scope.child_by_field_name("name")
            names.append(ctx.text(named) if named is not None else "")
        elif scope.type in _FUNCTION_TYPES:
            names.append(crypto.function_name(ctx, scope))
            outermost = scope
    if outermost is not None and _PASSWORD_FORMAT_MARKER.search(ctx.text(outermost)):
        return _PASSWORD_FORMAT
    for name in names:
        words = set(crypto.words(name))
        if "digest" in words and words & _DIGEST_PARTNERS:
            return _HTTP_DIGEST
        if "websocket" in words or {"web", "socket"} <= words:
            return _WEBSOCKET
    if outermost is not None and any(
        ctx.text(n).lower() in {"ha1", "ha2"} for n in crypto.names_in(outermost)
    ):
        return _HTTP_DIGEST
    return None


_FUNCTION_TYPES = frozenset(
    {
        "function_definition",
        "function_declaration",
        "method_declaration",
        "method_definition",
        "function_item",
    }
)


def _file_marker(ctx: CheckContext) -> Protocol | None:
    text = ctx.source.decode("utf-8", "replace")
    for pattern, found in _FILE_MARKERS:
        if pattern.search(text):
            return found
    if _HA1.search(text) and _HA2.search(text):  # RFC 7616's names, both of them
        return _HTTP_DIGEST
    return None


_HA1 = re.compile(r"\bHA1\b", re.I)
_HA2 = re.compile(r"\bHA2\b", re.I)


_IDENTIFIER_STRING = re.compile(r"^[A-Za-z_][\w-]{1,40}$")


def data_names(ctx: CheckContext, data: list[Node]) -> list[str]:
    """The identifiers (and identifier-like string keys, `form["password"]`) the hashed data is
    made of, following local names back through up to two assignments."""
    out: list[str] = []
    pending = [(node, 0) for node in data]
    seen: set[int] = set()
    while pending:
        node, depth = pending.pop()
        if node.id in seen:
            continue
        seen.add(node.id)
        for name in crypto.names_in(node):
            out.append(ctx.text(name))
            if depth < 2 and _standalone(name):
                pending.extend((v, depth + 1) for v in crypto_flow.assigned(ctx, name))
        out.extend(_string_keys(ctx, node))
    return out


_MEMBER_TYPES = frozenset(
    {"attribute", "member_expression", "selector_expression", "field_access"}
    | {"field_expression", "navigation_expression", "navigation_suffix", "method_invocation"}
)


def _standalone(name: Node) -> bool:
    """A plain local name (`pw`), not the member part or the receiver of `a.b` (a receiver's
    assignments are about the object, not this member of it)."""
    parent = name.parent
    return parent is None or parent.type not in _MEMBER_TYPES


def _string_keys(ctx: CheckContext, node: Node) -> list[str]:
    keys: list[str] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type in {"subscript", "subscript_expression", "index_expression"}:
            for child in current.named_children[1:]:
                text = crypto.literal(ctx, child)
                if text is not None and _IDENTIFIER_STRING.match(text):
                    keys.append(text)
        stack.extend(current.named_children)
    return keys


# Words in the data that make it a secret: hashing it with MD5 / SHA-1 protects something.
_SECRET_WORDS = frozenset(
    {"secret", "secrets", "token", "tokens", "credential", "credentials", "apikey", "otp"}
    | {"csrf", "session", "privkey"}
)
# Words in the names the digest ends up under (or the function computing it) that say it
# authenticates: a signature, a MAC, a token, a verification.
_USE_WORDS = frozenset(
    {"sign", "signs", "signature", "signatures", "signed", "signer", "signing", "hmac"}
    | {"token", "tokens", "secret", "verify", "verifies", "verification", "verifier"}
    | {"auth", "authenticate", "authentication", "authorize", "authorization", "session"}
    | {"csrf", "otp", "integrity", "tamper", "nonce"}
)


def _secret_word(name: str, vocabulary: frozenset[str]) -> str | None:
    words = crypto.words(name)
    joined = {a + b for a, b in itertools.pairwise(words)}  # api_key -> apikey
    hit = (set(words) | joined) & vocabulary
    return min(hit) if hit else None


def security_use(names: list[str], holders: list[str]) -> str | None:
    """Why the digest protects something: '`secret` is hashed', 'stored as `signature`', or
    None when nothing says so."""
    for name in names:
        if _secret_word(name, _SECRET_WORDS):
            return f"it hashes `{name}`"
    for name in holders:
        if name and _secret_word(name, _USE_WORDS):
            return f"the digest goes into `{name}`"
    return None
