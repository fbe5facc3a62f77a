"""One joined query pass gives every rule exactly what its own query would have."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import tree_sitter

from forge_lsp.core import languages
from forge_lsp.engine import checker
from forge_lsp.rules.query_batch import QueryBatch, compile_query, learned_queries

FIXTURES = Path(__file__).parent.parent / "fixtures" / "rules"
ALL_RULES = checker.RuleSelection()


def fixtures() -> list[Path]:
    return sorted(p for p in FIXTURES.rglob("*.*") if languages.for_path(p))


def _shape(matches: list[tuple[int, dict[str, list[tree_sitter.Node]]]]) -> list[object]:
    return [
        (
            index,
            sorted(
                (name, [(n.start_byte, n.end_byte, n.type) for n in nodes])
                for name, nodes in captures.items()
            ),
        )
        for index, captures in matches
    ]


def _alone(
    spec: languages.LanguageSpec,
    root: tree_sitter.Node,
    source: str,
    byte_range: tuple[int, int] | None,
) -> list[object]:
    cursor = tree_sitter.QueryCursor(compile_query(spec.name, spec.grammar, source))
    if byte_range is not None:
        cursor.set_byte_range(*byte_range)
    return _shape(cursor.matches(root))


@pytest.mark.parametrize("path", fixtures(), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_joined_pass_equals_each_query_alone(path: Path) -> None:
    spec = languages.for_path(path)
    assert spec is not None
    source = path.read_bytes()
    checker.check(source, spec, ALL_RULES, path=str(path))  # teaches the plan its queries
    tree = checker.parse(spec, source)
    middle = (len(source) // 3, 2 * len(source) // 3)
    for byte_range in (None, middle):
        batch = QueryBatch(spec, tree.root_node, byte_range, plan="full:file")
        queries = learned_queries(spec.name, "full:file")
        assert queries, "a check asked for no whole-file query"
        for query in sorted(queries):
            assert _shape(batch.matches(query)) == _alone(spec, tree.root_node, query, byte_range)


def test_a_query_the_plan_lacks_runs_alone_and_joins_the_next_pass() -> None:
    spec = languages.LANGUAGES["python"]
    tree = checker.parse(spec, b"def f():\n    return g(1)\n")
    query = "(call function: (identifier) @fn) @call"
    plan = "test:learning"
    first = QueryBatch(spec, tree.root_node, None, plan=plan)
    assert query not in learned_queries("python", plan)
    assert len(first.matches(query)) == 1
    assert query in learned_queries("python", plan)
    second = QueryBatch(spec, tree.root_node, None, plan=plan)
    assert _shape(second.matches(query)) == _shape(first.matches(query))


def test_invalid_utf8_keeps_every_offset_and_every_rule_running(
    caplog: pytest.LogCaptureFixture,
) -> None:
    spec = languages.LANGUAGES["javascript"]
    good = 'function f(user) {\n  db.query("SELECT * FROM t WHERE id = " + user);\n}\n'
    for bad in (b"\xff", b"\xed\xa0\x80", "😀".encode()[:2]):  # Latin-1, lone surrogate, cut
        # In a name that query predicates test (`#eq? @pkg "http"`).
        source = b"http" + bad + b".get(x);\n" + good.encode()
        assert len(checker.utf8_safe(source)) == len(source)
        for _ in range(2):  # the second check runs the joined pass the first one taught
            findings = checker.check(source, spec, ALL_RULES).findings
            assert [f.code for f in findings] == ["FG101"]
            assert findings[0].start.line == 2
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]  # no rule failed
    assert checker.utf8_safe(good.encode()) == good.encode()
