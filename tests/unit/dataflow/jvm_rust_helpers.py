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


def long_function(language: str, arms: int) -> str:
    """A function with an `else if` chain of `arms` arms and as many builder statements."""
    if language == "java":
        chain = " else ".join(f'if (k == {i}) {{ q = "v{i}"; }}' for i in range(arms))
        body = "\n".join(f'  sb.append("a{i}").append(x);' for i in range(arms))
        return (
            'class A {\nvoid h(int k, String x) { String q = "a";\n'
            "  StringBuilder sb = new StringBuilder();\n" + chain + "\n" + body + "\n}\n}\n"
        )
    if language == "kotlin":
        chain = " else ".join(f'if (k == {i}) {{ q = "v{i}" }}' for i in range(arms))
        body = "\n".join(f'  sb.append("a{i}").append(x)' for i in range(arms))
        return (
            'fun h(k: Int, x: String) {\n  var q = "a"\n  val sb = StringBuilder()\n'
            + chain + "\n" + body + "\n}\n"
        )  # fmt: skip
    chain = " else ".join(f'if k == {i} {{ q = "v{i}"; }}' for i in range(arms))
    body = "\n".join(f'  s.push_str("a{i}"); s.push_str(x);' for i in range(arms))
    return (
        'fn h(k: i32, x: &str) { let mut q = "a"; let mut s = String::new();\n'
        + chain + "\n" + body + "\n}\n"
    )  # fmt: skip


def chain_depth(block: ir.Block) -> int:
    """How many `If`s are chained through `orelse` from the first `If` of a block."""
    depth = 0
    current = next((s for s in block if isinstance(s, ir.If)), None)
    while current is not None:
        depth += 1
        current = next((s for s in current.orelse if isinstance(s, ir.If)), None)
    return depth


def lowering_seconds(language: str, arms: int) -> tuple[float, ir.FunctionIR]:
    import time

    parsed, source = tree(language, long_function(language, arms))
    language_lowering = lowering(language)
    assert language_lowering is not None
    stack = [parsed.root_node]
    while stack:
        node = stack.pop()
        if node.type in language_lowering.function_types:
            started = time.perf_counter()
            lowered = language_lowering.lower(node, source)
            return time.perf_counter() - started, lowered
        stack.extend(node.children)
    raise AssertionError("no function")


def assert_linear(language: str) -> None:
    """A 4,000-arm `else if` chain lowers without exhausting the stack, every arm is there,
    and four times the code takes well under sixteen times as long (linear, not quadratic)."""
    small, _ = min((lowering_seconds(language, 500) for _ in range(2)), key=lambda r: r[0])
    large, lowered = lowering_seconds(language, 4000)
    assert chain_depth(lowered.body) == 4000
    appends = [s for s in lowered.body if isinstance(s, ir.Assign) and s.op is ir.Op.APPEND]
    assert len(appends) == 8000
    assert large < max(16 * small, 0.5) * 1.5
