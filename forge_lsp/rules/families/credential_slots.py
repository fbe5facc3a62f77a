"""Reading FG201's credential slots in the syntax tree: the name a value is stored under, the
literal a value expression is or wraps (`b"x"`, `[]byte("x")`, `"x".toCharArray()`,
`env || "x"`), and the callee of a call, in all seven grammars."""

from __future__ import annotations

import re

import tree_sitter

from forge_lsp.rules.base import CheckContext
from forge_lsp.rules.families import credentials as cred

NOT_ARGUMENTS = frozenset({"comment", "keyword_argument", "list_splat", "dictionary_splat",
                           "line_comment", "block_comment", "(", ")", ","})  # fmt: skip

_NAME_FIELDS = {
    "attribute": "attribute",
    "member_expression": "property",
    "selector_expression": "field",
    "field_access": "field",
    "field_expression": "field",
    "subscript": "subscript",
    "subscript_expression": "index",
    "index_expression": "index",
}
_IDENTIFIERS = frozenset(
    {"identifier", "property_identifier", "field_identifier", "private_property_identifier",
     "shorthand_property_identifier", "type_identifier"}
)  # fmt: skip


def name_text(node: tree_sitter.Node, source: bytes) -> str | None:
    """The name a value is stored under: `x`, `obj.x`, `cfg["x"]`, `{x: ...}`, `X{x: ...}`."""
    if node.type == "literal_element" and node.named_child_count == 1:
        node = node.named_children[0]
    if node.type == "navigation_expression" and node.named_child_count:
        node = node.named_children[-1]  # kotlin `this.password`
    field = _NAME_FIELDS.get(node.type)
    if field is not None:
        inner = node.child_by_field_name(field)
        if inner is None:
            return None
        node = inner
    if node.type in _IDENTIFIERS:
        return source[node.start_byte : node.end_byte].decode("utf-8", "replace").lstrip("#")
    if node.type in (
        "string",
        "interpreted_string_literal",
        "raw_string_literal",
        "string_literal",
    ):
        return cred.content(node, source) if not node.has_error else None
    return None


def unwrap(node: tree_sitter.Node, ctx: CheckContext) -> tree_sitter.Node | None:
    """The string literal a value expression is, or wraps: `b"x"`, `[]byte("x")`,
    `"x".toCharArray()`, `Buffer.from("x")`, `env || "x"`; None for anything computed."""
    return unwrap_fallback(node, ctx)[0]


def unwrap_fallback(
    node: tree_sitter.Node, ctx: CheckContext
) -> tuple[tree_sitter.Node | None, bool]:
    """`unwrap`, and whether the literal is only a fallback (`env || "x"`, `env or "x"`)."""
    language = ctx.language.name
    fallback = False
    for _ in range(3):
        if node.type == "literal_element" and node.named_child_count == 1:
            node = node.named_children[0]
        if cred.is_literal(node, language):
            return node, fallback
        inner = wrapped(node, ctx.source)
        if inner is None:
            return None, False
        fallback = fallback or node.type in ("binary_expression", "boolean_operator")
        node = inner
    return None, False


def flows(node: tree_sitter.Node) -> bool:
    """Whether a value that is not a literal is worth asking the dataflow layer about."""
    return not node.has_error and node.type not in _NOT_VALUES


_NOT_VALUES = frozenset(
    {"lambda", "arrow_function", "function_expression", "function", "func_literal",
     "lambda_literal", "closure_expression", "lambda_expression", "anonymous_function"}
)  # fmt: skip


def lines_above(literal: tree_sitter.Node, use: tree_sitter.Node) -> str:
    """Where the literal is written, relative to where it is used."""
    distance = use.start_point[0] - literal.start_point[0]
    if distance == 0:
        return "on the same line"
    if distance in (1, -1):
        return "on the line above" if distance == 1 else "on the line below"
    return f"{abs(distance)} lines {'above' if distance > 0 else 'below'}"


def wrapped(node: tree_sitter.Node, source: bytes) -> tree_sitter.Node | None:
    kind = node.type
    if kind in ("parenthesized_expression", "as_expression", "satisfies_expression"):
        return node.named_children[0] if node.named_child_count else None
    if kind == "type_conversion_expression":  # Go []byte("x")
        return node.child_by_field_name("operand")
    if kind in ("binary_expression", "boolean_operator"):  # a || "x", a ?? "x", a or "x"
        operator = node.child_by_field_name("operator")
        if operator is None:  # kotlin: the operator has no field name
            operator = next((c for c in node.children if not c.is_named), None)
        op = source[operator.start_byte : operator.end_byte] if operator else b""
        return node.child_by_field_name("right") if op in (b"||", b"??", b"or", b"?:") else None
    if kind == "call_expression" and node.named_child_count == 2:
        return rust_or_kotlin_conversion(node, source)
    if kind == "method_invocation":  # Java "x".toCharArray() / .getBytes(...)
        name = node.child_by_field_name("name")
        method = source[name.start_byte : name.end_byte] if name else b""
        return (
            node.child_by_field_name("object") if method in (b"toCharArray", b"getBytes") else None
        )
    if kind in ("call", "call_expression"):  # Python "x".encode(), JS Buffer.from("x")
        function = node.child_by_field_name("function")
        arguments = node.child_by_field_name("arguments")
        text = source[function.start_byte : function.end_byte] if function else b""
        if text.endswith(b".encode") and function is not None:
            return function.child_by_field_name("object")
        if text == b"Buffer.from" and arguments is not None and arguments.named_child_count:
            return arguments.named_children[0]
    return None


_CONVERSIONS = frozenset(
    {b"to_string", b"to_owned", b"into", b"as_bytes", b"as_str", b"toCharArray", b"toByteArray"}
)


def rust_or_kotlin_conversion(node: tree_sitter.Node, source: bytes) -> tree_sitter.Node | None:
    """`"x".to_string()`, `"x".into()`, `String::from("x")` (Rust), `"x".toCharArray()`."""
    function, arguments = node.named_children
    if function.type == "field_expression":
        field = function.child_by_field_name("field")
        name = source[field.start_byte : field.end_byte] if field else b""
        return function.child_by_field_name("value") if name in _CONVERSIONS else None
    if function.type == "navigation_expression" and function.named_child_count == 2:
        receiver, name_node = function.named_children
        name = source[name_node.start_byte : name_node.end_byte]
        return receiver if name in _CONVERSIONS else None
    text = source[function.start_byte : function.end_byte]
    if text in (
        b"String::from",
        b"Some",
        b"SecretString::from",
        b"Secret::new",
        b"SecretString::new",
    ):
        values = [c for c in arguments.named_children if c.type not in NOT_ARGUMENTS]
        return values[0] if len(values) == 1 else None
    return None


def argument_value(node: tree_sitter.Node) -> tree_sitter.Node:
    """Kotlin wraps each argument in a `value_argument` (with its name, if any)."""
    if node.type == "value_argument" and node.named_child_count:
        return node.named_children[-1]
    return node


def callee_text(call: tree_sitter.Node, arguments: tree_sitter.Node, source: bytes) -> str:
    """`jwt.sign`, `DriverManager.getConnection`, `newSequelize` (whitespace removed)."""
    head = source[max(call.start_byte, arguments.start_byte - 160) : arguments.start_byte]
    return re.sub(r"\s+", "", head.decode("utf-8", "replace"))
