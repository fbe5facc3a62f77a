"""Helpers the Java, Kotlin and Rust lowerings share: node text, switch chains, builder calls,
and the `Lowering` object itself.

Kept apart from the three language modules so that each stays about its own grammar.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from forge_lsp.dataflow import ir
from forge_lsp.dataflow.ir import Node

# Methods that store their last argument in the receiver collection: a PUT. The key of a
# two-argument `put`/`insert`/`set` is its first argument.
PUT_METHODS = frozenset(
    {"put", "putIfAbsent", "add", "addAll", "addLast", "addFirst", "offer", "push", "insert"}
)
KEYED_PUT_METHODS = frozenset({"put", "putIfAbsent", "insert", "set"})


class _FunctionLowerer(Protocol):
    def function(self, node: Node) -> ir.FunctionIR: ...


@dataclass(frozen=True, slots=True)
class DelegatingLowering:
    """A language's `Lowering` whose function bodies a `lowerer(source)` lowers and whose
    expressions a module function shapes (Java, Kotlin, Rust)."""

    function_types: frozenset[str]
    lowerer: Callable[[bytes], _FunctionLowerer]
    shape: Callable[[Node, bytes], ir.Expr]

    def lower(self, function: Node, source: bytes) -> ir.FunctionIR:
        return self.lowerer(source).function(function)

    def expression(self, node: Node, source: bytes) -> ir.Expr:
        return self.shape(node, source)


def text(node: Node | None, source: bytes) -> str:
    if node is None:
        return ""
    return source[node.start_byte : node.end_byte].decode("utf-8", "replace")


def named(node: Node) -> list[Node]:
    """The named children of a node, comments left out."""
    return [c for c in node.named_children if "comment" not in c.type]


def switch_chain(arms: Sequence[tuple[Node, ir.Block]], default: ir.Block | None) -> ir.Block:
    """Arms of a `switch`/`when`/`match` as a chain of `If`s with condition None: any one arm
    may run; without a default arm, none may."""
    chain: ir.Block = default if default is not None else ()
    for node, body in reversed(arms):
        chain = (ir.If(node, None, body, chain),)
    return chain


def string_key(node: Node | None, source: bytes) -> str | None:
    """The text of a plain string literal used as a key (`"k"`), else None."""
    if node is None:
        return None
    if node.type == "call_expression" and node.child_by_field_name("function") is not None:
        # Rust's `"k".to_string()`, `"k".into()`: the literal is the key.
        function = node.child_by_field_name("function")
        if function is not None and function.type == "field_expression":
            method = text(function.child_by_field_name("field"), source)
            if method in ("to_string", "to_owned", "into"):
                return string_key(function.child_by_field_name("value"), source)
        return None
    if node.type in ("string_literal", "string", "line_string_literal"):
        inner = [c for c in node.named_children]
        if all(c.type in ("string_fragment", "string_content") for c in inner):
            return "".join(text(c, source) for c in inner)
    if node.type == "raw_string_literal":
        return text(node, source).lstrip("r#").strip('"#')
    return None


def builder_statement(
    method: str,
    root: str | None,
    args: Sequence[Node],
    node: Node,
    source: bytes,
    append_methods: frozenset[str],
) -> ir.Assign | None:
    """`sb.append(x)` -> APPEND of x to sb; `m.put(k, v)`/`list.add(v)` -> PUT of v in m.
    `root` is the receiver's local name (None when the receiver is not a plain name);
    `append_methods` are the language's string builder methods."""
    if root is None or not args:
        return None
    if method in append_methods:
        return ir.Assign(root, args[-1], node, ir.Op.APPEND)
    keyed = method in KEYED_PUT_METHODS and len(args) == 2
    if method in PUT_METHODS or keyed:
        key = string_key(args[0], source) if keyed else None
        return ir.Assign(root, args[-1], node, ir.Op.PUT, key)
    return None


def plus_chain(node: Node, source: bytes) -> ir.Concat:
    """`a + b + c` (a left-nested chain of `+` binary expressions) as one concatenation of its
    operands, walked without recursion so that long concatenations stay linear."""
    parts: list[Node] = []
    current = node
    while True:
        left = current.child_by_field_name("left")
        right = current.child_by_field_name("right")
        if right is not None:
            parts.append(right)
        if (
            left is not None
            and left.type == "binary_expression"
            and text(left.child_by_field_name("operator"), source) == "+"
        ):
            current = left
            continue
        if left is not None:
            parts.append(left)
        break
    return ir.Concat(tuple(reversed(parts)))
