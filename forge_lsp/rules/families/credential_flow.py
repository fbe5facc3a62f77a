"""Where a credential slot's value comes from (FG201): a literal reaching it through variables.

FG201 finds the slots that hold a credential (a `password=` argument, the key of
`new SecretKeySpec(...)`, the secret of `jwt.sign(...)`, a `setPassword(...)` call, an
`Authorization` header). When the slot holds a literal, the rule reports the literal. When it
holds anything else, `reached` asks the dataflow layer (`ctx.flow`) what the value is made of:

- constant on every path, and one of the constants is a credential (not a placeholder, an
  environment variable's name, an empty string): a hardcoded credential, whatever the
  variables in between are called (`data = "7e5tc4s3"; getConnection(url, "root", data)`);
- a literal on some paths only (the fallback of an environment lookup, `pw or "dev"`, a
  default assigned when a variable is empty): a hardcoded fallback, reported with less weight;
- anything else (a parameter, a lookup, a call of unknown result): nothing.

`peel` strips the conversions a key goes through on its way into the slot (`key.getBytes()`,
`[]byte(key)`, `key.encode()`, `Buffer.from(key)`, `key.as_bytes()`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import tree_sitter

from forge_lsp.dataflow import facts, ir, solver
from forge_lsp.rules.base import CheckContext
from forge_lsp.rules.families import credentials as cred

Node = tree_sitter.Node

# Methods whose result is their receiver's text, in another type.
_CONVERSION_METHODS = frozenset(
    {b"getBytes", b"toCharArray", b"toByteArray", b"encode", b"as_bytes", b"as_ref", b"to_vec",
     b"into_bytes", b"to_string", b"to_owned", b"into", b"as_str", b"toString", b"trim",
     b"strip", b"clone", b"unwrap", b"expect"}
)  # fmt: skip
# Calls whose one argument is the value, converted.
_CONVERSION_CALLS = frozenset(
    {b"Buffer.from", b"Some", b"String::from", b"SecretString::from", b"Secret::new",
     b"SecretString::new", b"str.encode", b"bytes", b"bytearray", b"TextEncoder().encode",
     b"new TextEncoder().encode", b"String", b"Uint8Array.from"}
)  # fmt: skip
# Lookups whose last argument is the value when the key is missing.
_DEFAULTING = frozenset(
    {b"get", b"getenv", b"getProperty", b"getOrDefault", b"getOrElse", b"unwrap_or",
     b"LookupEnvOrDefault", b"GetEnvOrDefault", b"getString", b"environ.get", b"setdefault"}
)  # fmt: skip
_FALLBACK_OPERATORS = frozenset({b"||", b"??", b"or", b"?:"})
_MAX_DEPTH = 4
# Charset and encoding names: the constant argument of `pw.getBytes("UTF8")`, never the secret.
_ENCODING = re.compile(
    r"(?i)^(?:utf-?(?:8|16|32)(?:le|be)?|(?:iso-?)?8859[-_]\d+|(?:us-?)?ascii|latin-?1|"
    r"cp\d+|windows-\d+|hex|base64|binary|ucs-?2)$"
)

# --- the sink table ------------------------------------------------------------------------

# Well-known APIs with a credential in a fixed positional slot: (languages, callee tail,
# argument index, what the value is). The first entry whose pattern matches and whose slot
# exists wins. FG201 reports a literal in the slot, or one reaching it (`reached`).
_ALL_JS = frozenset({"javascript", "typescript", "tsx"})
_JVM = frozenset({"java", "kotlin"})
_NEW = r"^(?:new)?"  # Java and JavaScript constructors are written `new X(...)`, Kotlin `X(...)`
API_SLOTS: tuple[tuple[frozenset[str], re.Pattern[str], int, str], ...] = tuple(
    (frozenset(langs), re.compile(pattern), index, label)
    for langs, pattern, index, label in (
        ({"python"}, r"\bjwt\.(?:encode|decode)$", 1, "JWT signing secret"),
        ({"python"}, r"\bhmac\.(?:new|digest)$", 0, "HMAC key"),
        (
            {"python"},
            r"\b(?:HTTPBasicAuth|HTTPDigestAuth|HTTPProxyAuth|BasicAuth|DigestAuth)$",
            1,
            "password",
        ),
        ({"python"}, r"\.login$", 1, "password"),
        ({"python"}, r"\bMySQLdb\.connect$", 2, "password"),
        (
            {"python"},
            r"\b(?:AES|DES3|Blowfish|ChaCha20|ChaCha20_Poly1305|Salsa20)\.new$",
            0,
            "encryption key",
        ),
        ({"python"}, r"\b(?:Fernet|AESGCM|AESCCM|AESSIV|ChaCha20Poly1305)$", 0, "encryption key"),
        ({"go"}, r"\.SetBasicAuth$", 1, "password"),
        ({"go"}, r"\bsmtp\.PlainAuth$", 2, "password"),
        ({"go"}, r"\bsmtp\.CRAMMD5Auth$", 1, "secret"),
        ({"go"}, r"\burl\.UserPassword$", 1, "password"),
        ({"go"}, r"\bNewStatic(?:V2|V4|Credentials|CredentialsProvider)$", 1, "secret access key"),
        ({"go"}, r"\.SignedString$", 0, "JWT signing secret"),
        ({"go"}, r"\bhmac\.New$", 1, "HMAC key"),
        (
            {"go"},
            r"\b(?:aes\.NewCipher|des\.NewTripleDESCipher|chacha20poly1305\.NewX?)$",
            0,
            "encryption key",
        ),
        (_ALL_JS, r"\bjwt\.(?:sign|verify)$", 1, "JWT signing secret"),
        (_ALL_JS, r"\bcreateHmac$", 1, "HMAC key"),
        (_ALL_JS, r"\bcreate(?:Cipheriv|Decipheriv)$", 1, "encryption key"),
        (_ALL_JS, r"^new(?:\w+\.)?Sequelize$", 2, "password"),
        (_ALL_JS, r"\.(?:auth|login)$", 1, "password"),
        (_JVM, r"\bDriverManager\.getConnection$", 2, "password"),
        (_JVM, _NEW + r"(?:java\.net\.)?PasswordAuthentication$", 1, "password"),
        (_JVM, r"\bAlgorithm\.HMAC(?:256|384|512)$", 0, "JWT signing secret"),
        (_JVM, _NEW + r"(?:javax\.crypto\.spec\.)?SecretKeySpec$", 0, "secret key"),
        (_JVM, r"\bKeys\.hmacShaKeyFor$", 0, "JWT signing secret"),
        (_JVM, r"\.signWith$", 1, "JWT signing secret"),
        (_JVM, r"\.signWith$", 0, "JWT signing secret"),
        ({"rust"}, r"\.basic_auth$", 1, "password"),
        ({"rust"}, r"\.bearer_auth$", 0, "token"),
        ({"rust"}, r"\bEncodingKey::from_secret$", 0, "JWT signing secret"),
        ({"rust"}, r"\bHmac(?:<\w+>|::<\w+>)?::new_from_slice$", 0, "HMAC key"),
        (
            {"rust"},
            r"\b(?:Aes\d+(?:Gcm|GcmSiv)?|X?ChaCha20Poly1305)(?:<\w+>|::<\w+>)?"
            r"::new_from_slice$",
            0,
            "encryption key",
        ),
        ({"rust"}, r"\bKey(?:<\w+>|::<\w+>)?::from_slice$", 0, "encryption key"),
    )
)


@dataclass(frozen=True, slots=True)
class Reached:
    """A credential literal reaching a slot: its text, the literal's node when the walk found
    it, and whether the value is that constant on every path (or only a fallback)."""

    text: str
    literal: Node | None
    every_path: bool
    name: str = ""  # the name the literal is declared under, when known


def peel(node: Node, source: bytes) -> Node:
    """The value inside the conversions around it: `data.getBytes()` -> `data`."""
    for _ in range(4):
        inner = _converted(node, source)
        if inner is None:
            return node
        node = inner
    return node


def _text(node: Node | None, source: bytes) -> bytes:
    return b"" if node is None else source[node.start_byte : node.end_byte]


def _arguments(node: Node) -> list[Node]:
    arguments = node.child_by_field_name("arguments")
    if arguments is None:
        arguments = next(
            (c for c in node.named_children if c.type in ("value_arguments", "call_suffix")), None
        )
        if arguments is not None and arguments.type == "call_suffix":
            arguments = next(
                (c for c in arguments.named_children if c.type == "value_arguments"), None
            )
    if arguments is None:
        return []
    out = []
    for child in arguments.named_children:
        if child.type in ("comment", "line_comment", "block_comment", "keyword_argument"):
            continue
        if child.type == "value_argument" and child.named_child_count:
            child = child.named_children[-1]
        out.append(child)
    return out


def _receiver_and_method(node: Node, source: bytes) -> tuple[Node | None, bytes]:
    """`recv.method(...)` in any grammar: (recv, b"method"); (None, b"") otherwise."""
    if node.type == "method_invocation":
        return node.child_by_field_name("object"), _text(node.child_by_field_name("name"), source)
    function = node.child_by_field_name("function")
    if function is None and node.named_child_count:
        function = node.named_children[0]
    if function is None:
        return None, b""
    if function.type in (
        "attribute",
        "member_expression",
        "field_expression",
        "selector_expression",
    ):
        receiver = (
            function.child_by_field_name("object")
            or function.child_by_field_name("value")
            or function.child_by_field_name("operand")
        )
        field = (
            function.child_by_field_name("attribute")
            or function.child_by_field_name("property")
            or function.child_by_field_name("field")
        )
        return receiver, _text(field, source)
    if function.type == "navigation_expression" and function.named_child_count == 2:
        receiver, suffix = function.named_children
        return receiver, _text(suffix, source).lstrip(b".?")
    return None, b""


def _converted(node: Node, source: bytes) -> Node | None:
    kind = node.type
    if kind in ("parenthesized_expression", "as_expression", "satisfies_expression"):
        return node.named_children[0] if node.named_child_count else None
    if kind in ("value_argument", "literal_element") and node.named_child_count:
        return node.named_children[-1]
    if kind == "type_conversion_expression":  # Go []byte(key)
        return node.child_by_field_name("operand")
    if kind == "reference_expression" and node.named_child_count:  # Rust &key
        return node.named_children[-1]
    if kind not in ("call", "call_expression", "method_invocation", "new_expression"):
        return None
    receiver, method = _receiver_and_method(node, source)
    if receiver is not None and method in _CONVERSION_METHODS:
        return receiver
    function = node.child_by_field_name("function") or node.child_by_field_name("constructor")
    if function is None and node.named_child_count:
        function = node.named_children[0]
    name = _text(function, source).replace(b" ", b"")
    args = _arguments(node)
    if name in _CONVERSION_CALLS and len(args) == 1:
        return args[0]
    return None


def reached(ctx: CheckContext, node: Node, credible: Callable[[str], bool]) -> list[Reached]:
    """The credential literals reaching `node`, a credential slot that does not hold a literal
    itself. Empty when the value is not known to be a credential constant on any path."""
    value_node = peel(node, ctx.source)
    if value_node.type == "ERROR" or value_node.has_error or _lists_names(ctx, value_node):
        return []
    if not _worth_asking(ctx, value_node, 0, set()):
        field = field_literal(ctx, value_node)
        if field is not None and credible(text := cred.content(field, ctx.source)):
            return [Reached(text, field, True, declared_name(ctx, field))]
        return []
    value = ctx.flow.value(value_node)
    constants = [
        t
        for t in facts.constant_texts(value)
        if credible(t) and _quoted(ctx.source, t) and not _ENCODING.match(t)
    ]
    if not constants:
        field = field_literal(ctx, value_node)
        if field is not None and credible(text := cred.content(field, ctx.source)):
            return [Reached(text, field, True, declared_name(ctx, field))]
        return []
    outside: list[str] = []  # names the value reads from outside the function
    literals = list(_literals(ctx, value_node, 0, set(), outside))
    if not all(_assigned_once(ctx, name) for name in outside):
        return []  # a field or global also written elsewhere in the file: not a constant
    every_path = facts.is_constant(value)
    if every_path:
        literals += [f for f in (_field_named(ctx, name) for name in outside) if f is not None]
        by_text = {cred.content(lit, ctx.source): lit for lit in literals}
        only = outside[0] if len(set(outside)) == 1 else ""
        found = []
        for text in sorted(constants):
            literal = by_text.get(text)
            name = declared_name(ctx, literal) if literal is not None else only
            found.append(Reached(text, literal, True, name))
        return found
    # Mixed: only a literal that is the whole value on its path is a fallback; a constant piece
    # of a concatenation (`"postgres://u:" + pw + "@db"`) is not a credential on its own.
    out: list[Reached] = []
    for literal in literals:
        text = cred.content(literal, ctx.source)
        if credible(text):
            out.append(Reached(text, literal, False, declared_name(ctx, literal)))
    return out


# Written lists of values: Python, JavaScript/TypeScript, Go, Java, Kotlin (listOf is a call),
# Rust.
_SEQUENCE_TYPES = frozenset(
    {"list", "tuple", "set", "array", "literal_value", "array_initializer", "array_expression"}
)


def _lists_names(ctx: CheckContext, value: Node) -> bool:
    """A written list naming a credential field among its strings is a list of names
    (`secrets = ["smtpUser", "smtpPassword"]`: which attributes to mask), not of values."""
    if value.type not in _SEQUENCE_TYPES:
        return False
    literal_types = cred.LITERAL_TYPES.get(ctx.language.name, frozenset())
    for child in value.named_children:
        if child.type == "literal_element" and child.named_child_count:  # Go
            child = child.named_children[0]
        if child.type in literal_types and cred.names_a_credential(cred.content(child, ctx.source)):
            return True
    return False


_MEMBER_TYPES = frozenset(
    {"attribute", "field_access", "member_expression", "navigation_expression",
     "selector_expression", "field_expression", "subscript", "index_expression",
     "subscript_expression", "element_access_expression"}
)  # fmt: skip


def _worth_asking(ctx: CheckContext, node: Node, depth: int, seen: set[int]) -> bool:
    """Whether a string literal can reach `node` through what the dataflow layer follows: a
    cheap syntactic walk of the local definitions first, so an object's field
    (`cc.dopts.copts.TransportCredentials`) or a parameter never costs a value query."""
    if depth > _MAX_DEPTH or node.id in seen:
        return False
    seen.add(node.id)
    node = peel(node, ctx.source)
    kind = node.type
    if kind in _MEMBER_TYPES:
        return False  # a field of some object; `this.key` / `self.KEY` go to `field_literal`
    if kind in ("identifier", "simple_identifier"):
        if not _ever_assigned(ctx, ctx.text(node)):
            return False  # only a parameter (or an import): no literal can reach it here
        for definition in ctx.flow.reaching(node):
            if isinstance(definition, solver.Entry):
                if definition.kind is solver.EntryKind.OUTSIDE:
                    return True  # a module or top-level constant
                continue
            if definition.value is not None and _worth_asking(
                ctx, definition.value, depth + 1, seen
            ):
                return True
        return False
    if kind in ("call", "call_expression", "method_invocation"):
        receiver, _ = _receiver_and_method(node, ctx.source)
        return receiver is None or any(
            _worth_asking(ctx, a, depth + 1, seen) for a in _arguments(node)
        )  # a same-file function's result, or a lookup with a literal default
    if cred.is_literal(node, ctx.language.name):
        return True
    return any(_worth_asking(ctx, c, depth + 1, seen) for c in node.named_children)


# Where a literal is declared: (node type, the field holding the name).
_DECLARATIONS = {
    "assignment": "left",
    "variable_declarator": "name",
    "field_definition": "property",
    "public_field_definition": "name",
    "const_item": "name",
    "static_item": "name",
    "let_declaration": "pattern",
    "const_spec": "name",
    "var_spec": "name",
    "short_var_declaration": "left",
    "assignment_statement": "left",
    "assignment_expression": "left",
}


def declared_name(ctx: CheckContext, literal: Node) -> str:
    """The name a literal is declared or assigned under (`KEY` in `const KEY = "..."`), or ""."""
    node: Node | None = literal
    for _ in range(4):
        node = node.parent if node is not None else None
        if node is None:
            return ""
        if node.type == "property_declaration":  # Kotlin
            declaration = next(
                (c for c in node.named_children if c.type == "variable_declaration"), None
            )
            return ctx.text(declaration.named_children[0]) if declaration is not None else ""
        field = _DECLARATIONS.get(node.type)
        if field is not None:
            target = node.child_by_field_name(field)
            if target is not None and target.type == "expression_list":
                named = target.named_children
                target = named[0] if len(named) == 1 else None
            if target is None:
                return ""
            return ctx.text(target).rsplit(".", 1)[-1]
    return ""


def _ever_assigned(ctx: CheckContext, name: str) -> bool:
    """Whether the file assigns or declares `name` with a value anywhere (a cheap text test
    that spares lowering a function for a name that is only ever a parameter)."""
    found: dict[str, bool] = ctx.memo("FG201.assigned", dict)
    if name not in found:
        rest = rb"\s*(?::[^=\n;(){}]*)?(?::=|=)(?!=)"
        found[name] = bool(_standalone(ctx.source, name.encode(), rest, limit=1))
    return found[name]


_NAME_BYTE = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.$")


def _standalone(source: bytes, name: bytes, rest: bytes, limit: int) -> int:
    """How many times (up to `limit`) `name` followed by the pattern `rest` occurs where the
    byte before `name` is not part of a longer name or a member access. The search starts
    with the literal name, which `re` finds fast; a leading look-behind would make it try
    every position of the file."""
    count = 0
    for match in re.finditer(re.escape(name) + rest, source):
        start = match.start()
        if start == 0 or source[start - 1] not in _NAME_BYTE:
            count += 1
            if count >= limit:
                break
    return count


def _quoted(source: bytes, text: str) -> bool:
    """Whether `text` is written in the file as a string (a number or Go's `iota` is not)."""
    raw = text.encode()
    return any(quote + raw in source for quote in (b'"', b"'", b"`"))


def _literals(
    ctx: CheckContext, node: Node, depth: int, seen: set[int], outside: list[str]
) -> Iterator[Node]:
    """String literals that are the whole value of `node` on some path."""
    if depth > _MAX_DEPTH or node.id in seen:
        return
    seen.add(node.id)
    node = peel(node, ctx.source)
    language = ctx.language.name
    if cred.is_literal(node, language):
        yield node
        return
    kind = node.type
    if kind in ("identifier", "simple_identifier"):
        for definition in _definitions(ctx, node, outside):
            yield from _literals(ctx, definition, depth + 1, seen, outside)
        return
    if kind in ("binary_expression", "boolean_operator", "elvis_expression"):
        operator = node.child_by_field_name("operator")
        if operator is None:
            operator = next((c for c in node.children if not c.is_named), None)
        if _text(operator, ctx.source) in _FALLBACK_OPERATORS:
            for side in ("left", "right"):
                child = node.child_by_field_name(side)
                if child is not None:
                    yield from _literals(ctx, child, depth + 1, seen, outside)
            if node.child_by_field_name("left") is None and node.named_child_count == 2:
                for child in node.named_children:  # Kotlin `a ?: "b"`
                    yield from _literals(ctx, child, depth + 1, seen, outside)
        return
    if kind in ("conditional_expression", "ternary_expression", "if_expression"):
        for child in (
            node.named_children[1:]
            if kind != "conditional_expression"
            else [
                node.named_children[0],
                node.named_children[-1],
            ]
        ):
            yield from _literals(ctx, child, depth + 1, seen, outside)
        return
    if kind in ("call", "call_expression", "method_invocation"):
        _, method = _receiver_and_method(node, ctx.source)
        args = _arguments(node)
        if method in _DEFAULTING and len(args) >= 2:
            yield from _literals(ctx, args[-1], depth + 1, seen, outside)
        elif method in (b"unwrap_or", b"getOrElse", b"orElse") and len(args) == 1:
            yield from _literals(ctx, args[0], depth + 1, seen, outside)


def _definitions(ctx: CheckContext, ident: Node, outside: list[str]) -> Iterable[Node]:
    """The right-hand sides of the assignments reaching `ident` (local ones only); the names
    read from outside the function go to `outside`."""
    for definition in ctx.flow.reaching(ident):
        if isinstance(definition, ir.Assign) and definition.op is ir.Op.SET and definition.value:
            yield definition.value
        elif (
            isinstance(definition, solver.Entry)
            and definition.kind is solver.EntryKind.OUTSIDE
            and definition.name
        ):
            outside.append(definition.name)


# --- class fields --------------------------------------------------------------------------

# Field declarations in a class body: (node type, name field, value field).
_FIELD_DECLARATIONS = {
    "variable_declarator": ("name", "value"),  # Java (inside a field_declaration)
    "field_definition": ("property", "value"),  # JavaScript
    "public_field_definition": ("name", "value"),  # TypeScript
}
_RECEIVERS = frozenset({"self", "this", "cls", "static"})


def field_literal(ctx: CheckContext, node: Node) -> Node | None:
    """The literal a class field is declared with, when `node` reads that field (`this.key`,
    `self.KEY`, `Config.KEY`, a bare `key` inside the class) and nothing in the file assigns it
    again: `private static final String KEY = "..."`, `private val pw = "..."`, `KEY = "..."`
    in a Python class body. The dataflow layer follows locals and module constants; a field's
    one declaration is read here."""
    if node.type in ("identifier", "simple_identifier"):
        name = ctx.text(node)
    elif node.named_child_count >= 2 and node.type in (
        "attribute", "field_access", "member_expression", "navigation_expression"
    ):  # fmt: skip
        receiver, last = node.named_children[0], node.named_children[-1]
        name = ctx.text(last).lstrip(".")
        receiver_text = ctx.text(receiver)
        if receiver_text not in _RECEIVERS and not receiver_text[:1].isupper():
            return None  # `cfg.password` is some object's field, not this class's
    else:
        return None
    return _field_named(ctx, name)


def _field_named(ctx: CheckContext, name: str) -> Node | None:
    declared = rb"\s*(?::[^=\n;]*)?=\s*[bBrRuU]?[\"'`]"
    if not name or not _standalone(ctx.source, name.encode(), declared, limit=1):
        return None  # no `name = "..."` anywhere: no need to walk the tree for fields
    found = _fields(ctx).get(name, [])
    return found[0] if len(found) == 1 and _assigned_once(ctx, name) else None


def _assigned_once(ctx: CheckContext, name: str) -> bool:
    """Whether the file assigns `name` (or `self.name`, `this.name`) at most once."""
    rest = rb"\s*(?::[^=\n;]*)?(?:=|\+=|:=)(?!=)"
    assignments = 0
    for match in re.finditer(re.escape(name.encode()) + rest, ctx.source):
        start = match.start()
        before = ctx.source[max(0, start - 5) : start]
        if start == 0 or ctx.source[start - 1] not in _NAME_BYTE:
            assignments += 1
        elif before.endswith((b"self.", b"this.", b" cls.", b"\tcls.", b"\ncls.")):
            assignments += 1  # `self.name = ...`
        if assignments > 1:
            return False
    return True


def _fields(ctx: CheckContext) -> dict[str, list[Node]]:
    return ctx.memo("FG201.fields", lambda: _index_fields(ctx))


def _index_fields(ctx: CheckContext) -> dict[str, list[Node]]:
    """Every class-body declaration of a name with a plain string literal."""
    language = ctx.language.name
    out: dict[str, list[Node]] = {}
    stack = [ctx.root]
    while stack:
        node = stack.pop()
        stack.extend(node.named_children)
        name_node = value = None
        if node.type in _FIELD_DECLARATIONS:
            name_field, value_field = _FIELD_DECLARATIONS[node.type]
            parent = node.parent
            if node.type == "variable_declarator" and (
                parent is None or parent.type != "field_declaration"
            ):
                continue
            name_node = node.child_by_field_name(name_field)
            value = node.child_by_field_name(value_field)
        elif node.type == "assignment" and language == "python":
            statement = node.parent
            block = statement.parent if statement is not None else None
            owner = block.parent if block is not None else None
            if owner is None or owner.type != "class_definition":
                continue
            name_node, value = node.child_by_field_name("left"), node.child_by_field_name("right")
        elif node.type == "property_declaration" and language == "kotlin":
            if node.parent is None or node.parent.type not in ("class_body", "object_declaration"):
                continue
            declaration = next(
                (c for c in node.named_children if c.type == "variable_declaration"), None
            )
            name_node = declaration.named_children[0] if declaration is not None else None
            value = node.named_children[-1] if node.named_child_count else None
        if name_node is None or value is None or not cred.is_literal(value, language):
            continue
        out.setdefault(ctx.text(name_node), []).append(value)
    return out
