"""Parse a snippet with the grammar Forge loads and read the value reaching each `sink(...)`."""

from __future__ import annotations

from dataclasses import dataclass

import tree_sitter

from forge_lsp.core.languages import LANGUAGES
from forge_lsp.dataflow import facts
from forge_lsp.dataflow.flow import FileFlow

_CALLS = frozenset({"call", "call_expression", "method_invocation"})


@dataclass
class Sink:
    line: int  # one-based
    arg: tree_sitter.Node
    call: tree_sitter.Node


def parse(language: str, code: str) -> tuple[FileFlow, tree_sitter.Tree]:
    source = code.encode()
    tree = tree_sitter.Parser(LANGUAGES[language].grammar).parse(source)
    return FileFlow(language, tree.root_node, source), tree


def sinks(tree: tree_sitter.Tree, name: str = "sink") -> list[Sink]:
    out: list[Sink] = []
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        stack.extend(reversed(node.children))
        if node.type not in _CALLS:
            continue
        function = node.child_by_field_name("function")
        arguments = node.child_by_field_name("arguments")
        if function is None or arguments is None or function.text is None:
            continue
        if function.text.decode().rsplit(".", 1)[-1] != name:
            continue
        args = [a for a in arguments.named_children if a.type != "comment"]
        if args:
            out.append(Sink(node.start_point[0] + 1, args[0], node))
    return out


def values(language: str, code: str) -> list[facts.Value]:
    """The value of the first argument of every `sink(...)`, in source order."""
    flow, tree = parse(language, code)
    return [flow.value(s.arg) for s in sinks(tree)]


def origins(value: facts.Value) -> set[str]:
    return {f.origin.value for f in value}
