"""Same-file calls of a function: where a helper's parameters get their values.

FG101 reads them for helpers that hold a sink (`def find(cur, email): cur.execute(... email)`):
an untrusted argument at a call is reported there, and a private helper whose every caller
passes constants needs no finding of its own. Calls come from the dataflow layer's index of
the file's calls by name (`FileFlow.calls_to`), plain (`find(...)`) or on the object itself
(`self.find`, `this.find`, Go's method receiver); a name defined twice in the file is not
followed.
"""

from __future__ import annotations

from dataclasses import dataclass

import tree_sitter

from forge_lsp.dataflow import ir
from forge_lsp.dataflow.facts import Fact, Origin, Value
from forge_lsp.rules.base import CheckContext

Node = tree_sitter.Node

_SELF_NAMES = frozenset({"self", "this", "cls", "Self"})


@dataclass(frozen=True, slots=True)
class Call:
    """One same-file call of a helper: the call node and its argument for each parameter."""

    node: Node
    arguments: dict[str, Node]


def helper_of(ctx: CheckContext, node: Node) -> ir.FunctionIR | None:
    """The named function around `node`, when the file defines that name once."""
    function = ctx.flow.function_at(node)
    if function is None or not function.name or function.node == ctx.root:
        return None
    summary = ctx.flow.summary(function.name)
    if summary is None or summary.function.node != function.node:
        return None
    return function


def calls_of(ctx: CheckContext, function: ir.FunctionIR, *, in_range: bool) -> list[Call]:
    """The calls of `function` in the file (or only in the checked range), outside itself."""
    params = [p.name for p in function.params]
    if params and params[0] in _SELF_NAMES:
        params = params[1:]
    found: list[Call] = []
    for node in ctx.flow.calls_to(function.name):
        if in_range and ctx.byte_range is not None:
            start, end = ctx.byte_range
            if node.end_byte <= start or node.start_byte >= end:
                continue
        if function.node.start_byte <= node.start_byte < function.node.end_byte:
            continue  # recursion: the helper's own parameters
        shape = ctx.flow.shape(node)
        if not isinstance(shape, ir.Call) or not _same_object(ctx, shape, node, function):
            continue
        keywords = dict(shape.keywords)
        arguments: dict[str, Node] = {}
        for index, param in enumerate(params):
            argument = keywords.get(param)
            if argument is None and index < len(shape.args):
                argument = shape.args[index]
            if argument is not None:
                arguments[param] = argument
        found.append(Call(node, arguments))
    return found


def _same_object(ctx: CheckContext, shape: ir.Call, node: Node, function: ir.FunctionIR) -> bool:
    """A plain call, or one on the object itself (`self.f`, `this.f`, `s.f` in a Go method
    whose receiver is `s`)."""
    if shape.receiver is None:
        return True
    receiver = ctx.text(shape.receiver)
    if receiver in _SELF_NAMES:
        return True
    if ctx.language.name == "go" and function.node.type == "method_declaration":
        caller = ctx.flow.function_at(node)
        return caller is not None and _go_receiver(ctx, caller.node) == receiver
    return False


def _go_receiver(ctx: CheckContext, node: Node) -> str:
    receiver = node.child_by_field_name("receiver")
    if receiver is None:
        return ""
    for declaration in receiver.named_children:
        name = declaration.child_by_field_name("name")
        if name is not None:
            return ctx.text(name)
    return ""


def is_private(ctx: CheckContext, function: ir.FunctionIR) -> bool:
    """A helper no other file can call: Python `_name`, Go lowercase, Java/Kotlin `private`,
    Rust without `pub`, a TypeScript `private` method."""
    name, node, language = function.name, function.node, ctx.language.name
    if language == "python":
        return name.startswith("_") and not name.startswith("__")
    if language == "go":
        return name[:1].islower()
    if language == "rust":
        return node.type == "function_item" and not any(
            c.type == "visibility_modifier" for c in node.children
        )
    if language in {"java", "kotlin", "typescript", "tsx"}:
        modifiers = [c for c in node.children if c.type in {"modifiers", "accessibility_modifier"}]
        return any("private" in ctx.text(m).split() for m in modifiers)
    return False


def harmless(value: Value) -> bool:
    """Every fact is a constant or a sanitized value."""
    return bool(value) and all(f.origin in {Origin.CONSTANT, Origin.SANITIZED} for f in value)


def untrusted(value: Value) -> list[Fact]:
    """The untrusted facts of a value, first source line first."""
    return sorted(
        (f for f in value if f.origin is Origin.UNTRUSTED), key=lambda f: (f.line, f.detail)
    )
