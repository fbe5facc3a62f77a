"""Helpers the lowerings share: node text, dotted names, string literal bodies."""

from __future__ import annotations

from forge_lsp.dataflow.ir import Node

# Calls statements make on a collection or builder: the argument is stored in the receiver.
PUT_METHODS = frozenset(
    {
        "append",
        "extend",
        "insert",
        "add",
        "update",
        "setdefault",
        "push",
        "unshift",
        "set",
        "put",
        "putAll",
        "addAll",
        "appendleft",
    }
)
# Calls that add text to a builder.
APPEND_METHODS = frozenset({"write", "WriteString", "WriteByte", "WriteRune", "Write", "concat"})


def text(node: Node | None, source: bytes) -> str:
    if node is None:
        return ""
    return source[node.start_byte : node.end_byte].decode("utf-8", "replace")


def named(node: Node | None) -> list[Node]:
    if node is None:
        return []
    return [c for c in node.named_children if c.type not in {"comment", "line_comment"}]


def dotted(node: Node | None, source: bytes, parts: dict[str, tuple[str, str]]) -> str:
    """`a.b.c` when `node` is a chain of names (each `parts[type]` names the object and the
    property fields of a member node), else the empty string."""
    if node is None:
        return ""
    if node.type in {"identifier", "field_identifier", "property_identifier", "this", "self"}:
        return text(node, source)
    fields = parts.get(node.type)
    if fields is None:
        return ""
    obj = node.child_by_field_name(fields[0])
    prop = node.child_by_field_name(fields[1])
    head = dotted(obj, source, parts)
    if not head or prop is None:
        return ""
    return f"{head}.{text(prop, source)}"


def root_name(node: Node | None, source: bytes, parts: dict[str, tuple[str, str]]) -> str:
    """The name a member or index chain starts from: `m` of `m.a[k].b`."""
    while node is not None:
        if node.type in {"identifier", "this", "self"}:
            return text(node, source)
        fields = parts.get(node.type)
        if fields is None:
            return ""
        node = node.child_by_field_name(fields[0])
    return ""


def unquote(raw: str) -> str:
    """The body of a simple quoted literal as written (escapes kept)."""
    for quote in ('"""', "'''", '"', "'", "`"):
        if len(raw) >= 2 * len(quote) and raw.startswith(quote) and raw.endswith(quote):
            return raw[len(quote) : -len(quote)]
    return raw
