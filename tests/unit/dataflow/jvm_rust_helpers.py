"""Find `sink(...)` calls in Java, Kotlin and Rust snippets and read their first argument's value
through `FileFlow`, with the grammar Forge loads."""

from __future__ import annotations

import tree_sitter

from forge_lsp.core.languages import LANGUAGES
from forge_lsp.dataflow import facts, ir
from forge_lsp.dataflow.flow import FileFlow
from forge_lsp.dataflow.lower import lowering


def tree(language: str, code: str) -> tuple[tree_sitter.Tree, bytes]:
    source = code.encode()
    return tree_sitter.Parser(LANGUAGES[language].grammar).parse(source), source


def _sink_argument(node: tree_sitter.Node, name: str) -> tree_sitter.Node | None:
    """The first argument of a call to `name`, in any of the three grammars."""
    if node.type == "method_invocation":  # Java
        called = node.child_by_field_name("name")
        args = node.child_by_field_name("arguments")
    elif node.type == "call_expression" and node.child_by_field_name("function") is not None:
        called = node.child_by_field_name("function")  # Rust
        args = node.child_by_field_name("arguments")
    elif node.type == "call_expression":  # Kotlin
        called = node.named_children[0] if node.named_children else None
        args = next((c for c in node.named_children if c.type == "value_arguments"), None)
    else:
        return None
    if called is None or args is None or called.text is None:
        return None
    if called.text.decode().rsplit(".", 1)[-1] != name:
        return None
    first = args.named_children[0] if args.named_children else None
    if first is not None and first.type == "value_argument":
        first = first.named_children[-1]
    return first


def sink_values(language: str, code: str, name: str = "sink") -> list[facts.Value]:
    """The value of the first argument of every `sink(...)`, in source order."""
    parsed, source = tree(language, code)
    flow = FileFlow(language, parsed.root_node, source)
    found: list[facts.Value] = []
    stack = [parsed.root_node]
    while stack:
        node = stack.pop()
        stack.extend(reversed(node.children))
        arg = _sink_argument(node, name)
        if arg is not None:
            found.append(flow.value(arg))
    return found


def one(language: str, code: str) -> facts.Value:
    found = sink_values(language, code)
    assert len(found) == 1, found
    return found[0]


def functions(language: str, code: str) -> tuple[list[ir.FunctionIR], bytes]:
    """Every function of a snippet lowered (the file's top level first)."""
    parsed, source = tree(language, code)
    language_lowering = lowering(language)
    assert language_lowering is not None
    out = [language_lowering.lower(parsed.root_node, source)]
    stack = list(reversed(parsed.root_node.children))
    while stack:
        node = stack.pop()
        if node.type in language_lowering.function_types:
            out.append(language_lowering.lower(node, source))
        stack.extend(reversed(node.children))
    return out, source


def function(language: str, code: str, name: str) -> tuple[ir.FunctionIR, bytes]:
    found, source = functions(language, code)
    return next(f for f in found if f.name == name), source


def labels(value: facts.Value) -> list[str]:
    return [f.detail for f in facts.untrusted(value)]
