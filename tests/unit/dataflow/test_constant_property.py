"""Property: a value built only from literals, on every path, is constant.

Hypothesis generates small programs from a grammar of assignments, `+=`, concatenations,
f-strings (template literals), branches, loops with `break` and try blocks, all of whose
values are literals or variables holding them; rendered in Python and JavaScript, the value
reaching `sink(...)` must be constant, with texts among the program's literals.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forge_lsp.dataflow import facts
from tests.unit.dataflow.helpers import values

NAMES = ("a", "b", "c")
WORDS = st.sampled_from(["x", "SELECT ", "id", "users", " WHERE ", "1"])


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
    template: bool


@dataclass(frozen=True)
class Set:
    name: str
    value: object
    augmented: bool


@dataclass(frozen=True)
class Branch:
    then: tuple[object, ...]
    orelse: tuple[object, ...]


@dataclass(frozen=True)
class Repeat:
    body: tuple[object, ...]
    stop: bool  # ends with `if c: break`


@dataclass(frozen=True)
class Guarded:
    body: tuple[object, ...]
    handler: tuple[object, ...]


expressions = st.recursive(
    st.one_of(WORDS.map(Lit), st.sampled_from(NAMES).map(Var)),
    lambda inner: st.builds(Cat, inner, inner, st.booleans()),
    max_leaves=4,
)
assignments = st.builds(Set, st.sampled_from(NAMES), expressions, st.booleans())
statements = st.recursive(
    assignments,
    lambda inner: st.one_of(
        st.builds(
            Branch, st.lists(inner, max_size=3).map(tuple), st.lists(inner, max_size=3).map(tuple)
        ),
        st.builds(Repeat, st.lists(inner, min_size=1, max_size=3).map(tuple), st.booleans()),
        st.builds(
            Guarded,
            st.lists(inner, min_size=1, max_size=3).map(tuple),
            st.lists(inner, max_size=2).map(tuple),
        ),
    ),
    max_leaves=8,
)
programs = st.tuples(st.lists(statements, max_size=6), st.sampled_from(NAMES))


def python_expr(e: object) -> str:
    if isinstance(e, Lit):
        return repr(e.text)
    if isinstance(e, Var):
        return e.name
    assert isinstance(e, Cat)
    if e.template:
        return f'f"{{{python_expr(e.left)}}}-{{{python_expr(e.right)}}}"'
    return f"({python_expr(e.left)} + {python_expr(e.right)})"


def python_block(block: tuple[object, ...] | list[object], indent: str) -> list[str]:
    lines: list[str] = []
    for s in block:
        if isinstance(s, Set):
            lines.append(f"{indent}{s.name} {'+=' if s.augmented else '='} {python_expr(s.value)}")
        elif isinstance(s, Branch):
            lines.append(f"{indent}if cond():")
            lines += python_block(s.then, indent + "    ") or [indent + "    pass"]
            lines.append(f"{indent}else:")
            lines += python_block(s.orelse, indent + "    ") or [indent + "    pass"]
        elif isinstance(s, Repeat):
            lines.append(f"{indent}for i in range(n):")
            lines += python_block(s.body, indent + "    ")
            if s.stop:
                lines += [f"{indent}    if cond():", f"{indent}        break"]
        elif isinstance(s, Guarded):
            lines.append(f"{indent}try:")
            lines += python_block(s.body, indent + "    ")
            lines.append(f"{indent}except ValueError:")
            lines += python_block(s.handler, indent + "    ") or [indent + "    pass"]
    return lines


def js_expr(e: object) -> str:
    if isinstance(e, Lit):
        return '"' + e.text + '"'
    if isinstance(e, Var):
        return e.name
    assert isinstance(e, Cat)
    if e.template:
        return f"`${{{js_expr(e.left)}}}-${{{js_expr(e.right)}}}`"
    return f"({js_expr(e.left)} + {js_expr(e.right)})"


def js_block(block: tuple[object, ...] | list[object]) -> str:
    out: list[str] = []
    for s in block:
        if isinstance(s, Set):
            out.append(f"{s.name} {'+=' if s.augmented else '='} {js_expr(s.value)};")
        elif isinstance(s, Branch):
            out.append(f"if (cond()) {{ {js_block(s.then)} }} else {{ {js_block(s.orelse)} }}")
        elif isinstance(s, Repeat):
            stop = " if (cond()) { break; }" if s.stop else ""
            out.append(f"for (let i = 0; i < n; i++) {{ {js_block(s.body)}{stop} }}")
        elif isinstance(s, Guarded):
            out.append(f"try {{ {js_block(s.body)} }} catch (e) {{ {js_block(s.handler)} }}")
    return " ".join(out)


def literals(block: object) -> set[str]:
    found: set[str] = set()
    stack = [block]
    while stack:
        item = stack.pop()
        if isinstance(item, Lit):
            found.add(item.text)
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
        elif isinstance(item, Cat):
            stack += [item.left, item.right]
        elif isinstance(item, Set):
            stack.append(item.value)
        elif isinstance(item, Branch):
            stack += [item.then, item.orelse]
        elif isinstance(item, (Repeat,)):
            stack.append(item.body)
        elif isinstance(item, Guarded):
            stack += [item.body, item.handler]
    return found


def check(value: facts.Value, body: list[object]) -> None:
    assert facts.is_constant(value), value
    allowed = literals(body) | {"init", "-"}
    for text in facts.constant_texts(value):
        assert text in allowed, (text, allowed)


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(programs)
def test_python_literal_programs_give_constant_values(program: tuple[list[object], str]) -> None:
    body, sunk = program
    lines = ["def f(n):"] + [f"    {name} = 'init'" for name in NAMES]
    lines += [*python_block(body, "    "), f"    sink({sunk})", ""]
    (value,) = values("python", "\n".join(lines))
    check(value, body)


@SETTINGS
@given(programs)
def test_javascript_literal_programs_give_constant_values(
    program: tuple[list[object], str],
) -> None:
    body, sunk = program
    declarations = " ".join(f'let {name} = "init";' for name in NAMES)
    code = f"function f(n) {{ {declarations} {js_block(body)} sink({sunk}); }}\n"
    (value,) = values("javascript", code)
    check(value, body)


def test_the_property_can_fail_on_an_untrusted_branch() -> None:
    code = "def f(n):\n    a = 'x'\n    if cond():\n        a = input()\n    sink(a)\n"
    (value,) = values("python", code)
    assert not facts.is_constant(value)


def test_a_loop_of_appends_and_branches_is_constant_every_time() -> None:
    # Found by the property above: members of a cycle were once remembered with a partial
    # value, so the answer depended on the order sets happened to be iterated in.
    x = Lit("x")
    body: list[object] = [
        Set("a", x, False),
        Branch((), (Set("a", x, False),)),
        Branch((Set("a", x, False), Set("a", x, True), Set("a", x, True)), ()),
        Repeat(
            (
                Set("a", x, True),
                Branch((), (Set("a", x, False),)),
                Branch(
                    (Set("a", x, False), Set("a", x, False)),
                    (Set("a", Var("a"), True), Set("b", x, False)),
                ),
            ),
            False,
        ),
    ]
    declarations = " ".join(f'let {name} = "init";' for name in NAMES)
    code = f"function f(n) {{ {declarations} {js_block(body)} sink(a); }}\n"
    for _ in range(20):
        (value,) = values("javascript", code)
        check(value, body)
