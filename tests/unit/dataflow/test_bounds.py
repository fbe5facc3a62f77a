"""The layer stays bounded on large and broken code: no exception, no runaway recursion."""

from __future__ import annotations

import pytest

from forge_lsp.dataflow import facts
from forge_lsp.dataflow.flow import FileFlow
from tests.unit.dataflow.helpers import parse, sinks, values


def test_a_long_elif_chain_is_walked_without_recursion() -> None:
    arms = "".join(f"    elif c == {i}:\n        q = 'v{i}'\n" for i in range(1500))
    code = f"def f(c):\n    q = 'a'\n    if c == -1:\n        q = 'b'\n{arms}    sink(q)\n"
    (value,) = values("python", code)
    assert facts.is_constant(value)


def test_a_long_builder_chain_stays_constant() -> None:
    body = "".join(f"    if c == {i}:\n        s += 'p{i}'\n" for i in range(800))
    (value,) = values("python", f"def f(c):\n    s = ''\n{body}    sink(s)\n")
    assert facts.is_constant(value)
    assert len(value) <= 64  # constant texts are capped, the rest folded into one fact


def test_deep_nesting_degrades_to_unknown_not_an_exception() -> None:
    depth = 150
    code = "def f(c):\n    q = 'a'\n"
    for i in range(depth):
        code += "    " * (i + 1) + f"if c > {i}:\n"
    code += "    " * (depth + 1) + "q = q + 'x'\n    sink(q)\n"
    (value,) = values("python", code)
    assert value


@pytest.mark.parametrize(
    ("language", "code"),
    [
        ("python", "def f(:\n    x = = request.args\n    sink(x)\n"),
        ("javascript", "function f( { let x = req.query.; sink(x) \n"),
        ("typescript", "function f(a: ) { const x = ; sink(x); }\n"),
        ("go", "package main\nfunc f( {\n\tx := r.FormValue(\n\tsink(x)\n}\n"),
    ],
)
def test_syntax_errors_never_raise(language: str, code: str) -> None:
    flow, tree = parse(language, code)
    for found in sinks(tree):
        assert flow.value(found.arg)
        flow.is_dead(found.call)
        flow.reaching(found.arg)
    assert flow.summary("f") is None or flow.summary("f") is not None


def test_languages_without_a_lowering_answer_unknown() -> None:
    flow, tree = parse("python", "def f():\n    sink('a')\n")
    other = FileFlow("cobol", tree.root_node, b"def f():\n    sink('a')\n")
    (found,) = sinks(tree)
    assert other.value(found.arg) == facts.UNKNOWN_VALUE
    assert other.function_at(found.arg) is None
    assert not other.is_dead(found.call)
    assert facts.is_constant(flow.value(found.arg))
