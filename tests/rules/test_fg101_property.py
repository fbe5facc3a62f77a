"""Property tests of FG101 on generated functions, in Python, Go and Java.

Hypothesis builds small function bodies from a grammar of assignments, `+=`, concatenations
of literals, branches on a runtime flag, loops, and (in Python) lists and dicts of literals;
every path assigns literal SQL text. The function ends by running the statement
(`cursor.execute(q)`, `db.Query(q)`, `st.executeQuery(q)`): FG101 must report nothing, not
even an info-level finding. The converse: the same body with `if flag: t = <the request's value>`
(`request.args.get`, `r.FormValue`, `request.getParameter`) put anywhere in it (top level, a
branch arm, a loop body), where `t` is spliced into the statement, must be an error.

Bodies are kept small (four leaves a level): deeper nests of loops whose names feed each other
run into the dataflow layer's per-query budget, whose answer is UNKNOWN (an info finding).
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forge_lsp.config.selection import RuleSelection
from forge_lsp.core import languages
from forge_lsp.core.model import Severity
from forge_lsp.engine import checker

NAMES = ("a", "b", "c")
FRAGMENTS = st.sampled_from(["id", "name", " AND ", "users", "ORDER BY id", "1 = 1", "'open'"])
ONLY_FG101 = RuleSelection(select=("FG101",))


@dataclass(frozen=True)
class Lit:
    text: str


@dataclass(frozen=True)
class Var:
    name: str


@dataclass(frozen=True)
class Cat:
    left: object
    right: object


@dataclass(frozen=True)
class Assign:
    name: str
    value: object
    augmented: bool


@dataclass(frozen=True)
class Branch:
    then: tuple[object, ...]
    orelse: tuple[object, ...]


@dataclass(frozen=True)
class Loop:
    body: tuple[object, ...]


@dataclass(frozen=True)
class Taint:
    """`if flag: t = <the request's value>`, placed anywhere in the body."""


@dataclass(frozen=True)
class Pick:
    """Python only: `name = {"k": lit, ...}["k"]` or `name = " ".join([lit, lit])`."""

    name: str
    items: tuple[str, ...]
    joined: bool


class Program:
    """A generated body. Its short repr keeps Hypothesis from pretty-printing the recursive
    `builds` tree of a failing example (exponential); the assertion message shows the source."""

    def __init__(self, body: tuple[object, ...]) -> None:
        self.body = body

    def __repr__(self) -> str:
        return f"Program(<{len(self.body)} statements>)"


def programs(python: bool) -> st.SearchStrategy[Program]:
    return statements(python).map(Program)


def expressions() -> st.SearchStrategy[object]:
    leaves = st.one_of(FRAGMENTS.map(Lit), st.sampled_from(NAMES).map(Var))
    return st.recursive(leaves, lambda inner: st.builds(Cat, inner, inner), max_leaves=4)


def statements(python: bool) -> st.SearchStrategy[tuple[object, ...]]:
    simple = st.builds(Assign, st.sampled_from(NAMES), expressions(), st.booleans())
    if python:
        items = st.lists(FRAGMENTS, min_size=1, max_size=3).map(tuple)
        simple = st.one_of(simple, st.builds(Pick, st.sampled_from(NAMES), items, st.booleans()))

    def nested(inner: st.SearchStrategy[tuple[object, ...]]) -> st.SearchStrategy[object]:
        return st.one_of(
            simple,
            st.builds(Branch, inner, inner),
            st.builds(Loop, inner),
        )

    block = st.recursive(
        st.lists(simple, max_size=3).map(tuple),
        lambda inner: st.lists(nested(inner), max_size=3).map(tuple),
        max_leaves=4,
    )
    return block


# ------------------------------------------------------------------ rendering


def _python_expr(node: object) -> str:
    if isinstance(node, Lit):
        return repr(node.text)
    if isinstance(node, Var):
        return node.name
    assert isinstance(node, Cat)
    return f"({_python_expr(node.left)} + {_python_expr(node.right)})"


def _python(block: tuple[object, ...], indent: str) -> list[str]:
    lines: list[str] = []
    for statement in block:
        if isinstance(statement, Assign):
            op = "+=" if statement.augmented else "="
            lines.append(f"{indent}{statement.name} {op} {_python_expr(statement.value)}")
        elif isinstance(statement, Pick):
            if statement.joined:
                items = ", ".join(repr(i) for i in statement.items)
                lines.append(f"{indent}parts = [{items}]")
                lines.append(f"{indent}parts.append({statement.items[0]!r})")
                lines.append(f'{indent}{statement.name} = " ".join(parts)')
            else:
                pairs = ", ".join(f"{k!r}: {i!r}" for k, i in enumerate(statement.items))
                lines.append(f"{indent}{statement.name} = {{{pairs}}}[0]")
        elif isinstance(statement, Branch):
            lines.append(f"{indent}if flag:")
            lines.extend(_python(statement.then, indent + "    ") or [f"{indent}    pass"])
            lines.append(f"{indent}else:")
            lines.extend(_python(statement.orelse, indent + "    ") or [f"{indent}    pass"])
        elif isinstance(statement, Loop):
            lines.append(f"{indent}for _ in range(n):")
            lines.extend(_python(statement.body, indent + "    ") or [f"{indent}    pass"])
        elif isinstance(statement, Taint):
            lines += [f"{indent}if flag:", f"{indent}    t = request.args.get('t')"]
    return lines


def python_source(block: tuple[object, ...]) -> str:
    lines = [
        "from flask import request",
        "",
        "",
        "def handler(cursor, flag, n):",
        *(f"    {name} = 'x'" for name in (*NAMES, "t")),
        *_python(block, "    "),
    ]
    lines += [
        "    q = 'SELECT id FROM users WHERE ' + a + b + c + \" AND name = '\" + t + \"'\"",
        "    cursor.execute(q)",
    ]
    return "\n".join(lines) + "\n"


def _c_expr(node: object) -> str:
    if isinstance(node, Lit):
        return '"' + node.text.replace('"', '\\"') + '"'
    if isinstance(node, Var):
        return node.name
    assert isinstance(node, Cat)
    return f"({_c_expr(node.left)} + {_c_expr(node.right)})"


def _c_like(block: tuple[object, ...], indent: str, loop: str, taint: str) -> list[str]:
    """Go and Java share the statement syntax used here (`x = v;` without the `;` in Go)."""
    lines: list[str] = []
    for statement in block:
        if isinstance(statement, Assign):
            op = "+=" if statement.augmented else "="
            lines.append(f"{indent}{statement.name} {op} {_c_expr(statement.value)}")
        elif isinstance(statement, Branch):
            lines.append(f"{indent}if flag {{")
            lines.extend(_c_like(statement.then, indent + "\t", loop, taint))
            lines.append(f"{indent}}} else {{")
            lines.extend(_c_like(statement.orelse, indent + "\t", loop, taint))
            lines.append(f"{indent}}}")
        elif isinstance(statement, Loop):
            lines.append(f"{indent}{loop} {{")
            lines.extend(_c_like(statement.body, indent + "\t", loop, taint))
            lines.append(f"{indent}}}")
        elif isinstance(statement, Taint):
            lines += [f"{indent}if flag {{", f"{indent}\t{taint}", f"{indent}}}"]
    return lines


def go_source(block: tuple[object, ...]) -> str:
    body = _c_like(block, "\t", "for i := 0; i < n; i++", 't = r.FormValue("t")')
    lines = [
        "package shop",
        "",
        'import "net/http"',
        "",
        "func (h *Handlers) List(w http.ResponseWriter, r *http.Request, flag bool, n int) {",
        *(f'\t{name} := "x"' for name in (*NAMES, "t")),
        *body,
    ]
    lines += [
        '\tq := "SELECT id FROM users WHERE " + a + b + c + " AND name = \'" + t + "\'"',
        "\trows, err := h.db.Query(q)",
        "\tif err != nil {",
        "\t\treturn",
        "\t}",
        "\tdefer rows.Close()",
        "}",
    ]
    return "\n".join(lines) + "\n"


def java_source(block: tuple[object, ...]) -> str:
    body = [
        line if line.rstrip().endswith(("{", "}")) else line + ";"
        for line in _c_like(block, "\t\t", "while (n-- > 0)", 't = request.getParameter("t")')
    ]
    body = [line.replace("if flag {", "if (flag) {") for line in body]
    lines = [
        "class Orders {",
        "\tResultSet list(HttpServletRequest request, Statement st, boolean flag, int n)"
        " throws SQLException {",
        *(f'\t\tString {name} = "x";' for name in (*NAMES, "t")),
        *body,
    ]
    lines += [
        '\t\tString q = "SELECT id FROM users WHERE " + a + b + c + " AND name = \'" + t + "\'";',
        "\t\treturn st.executeQuery(q);",
        "\t}",
        "}",
    ]
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ the properties


def fg101(language: str, source: str) -> list[Severity]:
    spec = languages.LANGUAGES[language]
    result = checker.check(source.encode(), spec, ONLY_FG101)
    assert not result.tree.root_node.has_error, source
    return [f.severity for f in result.findings if f.code == "FG101"]


RENDER = {"python": python_source, "go": go_source, "java": java_source}
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def tainted(block: tuple[object, ...], data: st.DataObject) -> tuple[object, ...]:
    """`block` with a `Taint` put at a drawn place: at the top level, or inside a drawn
    branch arm or loop body (recursively)."""
    spots = [i for i, s in enumerate(block) if isinstance(s, (Branch, Loop))]
    if spots and data.draw(st.booleans()):
        index = data.draw(st.sampled_from(spots))
        inner = block[index]
        if isinstance(inner, Loop):
            replaced: object = Loop(tainted(inner.body, data))
        elif data.draw(st.booleans()):
            assert isinstance(inner, Branch)
            replaced = Branch(tainted(inner.then, data), inner.orelse)
        else:
            assert isinstance(inner, Branch)
            replaced = Branch(inner.then, tainted(inner.orelse, data))
        return (*block[:index], replaced, *block[index + 1 :])
    index = data.draw(st.integers(0, len(block)))
    return (*block[:index], Taint(), *block[index:])


@SETTINGS
@given(program=programs(python=True))
def test_python_literal_sql_on_every_path_is_not_reported(program: Program) -> None:
    source = python_source(program.body)
    assert fg101("python", source) == [], source


@SETTINGS
@given(program=programs(python=True), data=st.data())
def test_python_one_path_from_the_request_is_an_error(
    program: Program, data: st.DataObject
) -> None:
    source = python_source(tainted(program.body, data))
    assert fg101("python", source) == [Severity.ERROR], source


@SETTINGS
@given(program=programs(python=False))
def test_go_and_java_literal_sql_on_every_path_is_not_reported(program: Program) -> None:
    for language in ("go", "java"):
        source = RENDER[language](program.body)
        assert fg101(language, source) == [], source


@SETTINGS
@given(program=programs(python=False), data=st.data())
def test_go_and_java_one_path_from_the_request_is_an_error(
    program: Program, data: st.DataObject
) -> None:
    block = tainted(program.body, data)
    for language in ("go", "java"):
        source = RENDER[language](block)
        assert fg101(language, source) == [Severity.ERROR], source
