"""Claude's findings and explanations follow edits and vanish when their code changes."""

from __future__ import annotations

from forge_lsp.ai.annotations import Annotations, Explanation
from forge_lsp.core.model import CLAUDE_SOURCE, Finding, Point, Severity

SOURCE = b"def f(user):\n    q = 'SELECT ' + user\n    return run(q)\n"


def _finding(line: int, start: int, end: int) -> Finding:
    return Finding(
        "FORGE-AI",
        "SQL from input",
        Severity.ERROR,
        Point(line, start),
        Point(line, end),
        source=CLAUDE_SOURCE,
    )


def test_findings_move_with_edits_above_them() -> None:
    store = Annotations()
    store.put_findings("u", SOURCE, [_finding(1, 8, 24)], (Point(0, 0), Point(2, 17)))
    edited = b"# header\n" + SOURCE
    (moved,) = store.findings("u", edited)
    assert (moved.start, moved.end) == (Point(2, 8), Point(2, 24))
    same_line = SOURCE.replace(b"    q =", b"      q =")  # two spaces before the finding
    store2 = Annotations()
    store2.put_findings("u", SOURCE, [_finding(1, 8, 24)], (Point(0, 0), Point(2, 17)))
    (shifted,) = store2.findings("u", same_line)
    assert (shifted.start, shifted.end) == (Point(1, 10), Point(1, 26))


def test_a_finding_whose_code_changed_is_dropped() -> None:
    store = Annotations()
    store.put_findings("u", SOURCE, [_finding(1, 8, 24)], (Point(0, 0), Point(2, 17)))
    generation = store.generation
    fixed = SOURCE.replace(b"'SELECT ' + user", b"'SELECT ?'")
    assert store.findings("u", fixed) == []
    assert store.generation > generation
    # Typing at the finding's very edge changes its code too.
    store.put_findings("u", SOURCE, [_finding(1, 8, 24)], (Point(0, 0), Point(2, 17)))
    edge = SOURCE[:32] + b"x" + SOURCE[32:]
    assert store.findings("u", edge) == []


def test_a_new_review_replaces_findings_in_its_range_only() -> None:
    store = Annotations()
    store.put_findings(
        "u", SOURCE, [_finding(1, 8, 24), _finding(2, 4, 17)], (Point(0, 0), Point(2, 17))
    )
    store.put_findings("u", SOURCE, [], (Point(2, 0), Point(2, 17)))
    assert [f.start.line for f in store.findings("u", SOURCE)] == [1]


def test_explanations_move_and_are_dropped_like_findings() -> None:
    store = Annotations()
    store.put_explanation("u", SOURCE, Explanation(Point(0, 0), Point(2, 17), "Builds SQL."))
    (moved,) = store.explanations("u", b"\n" + SOURCE)
    assert (moved.start, moved.end) == (Point(1, 0), Point(3, 17))
    assert store.explanations("u", b"\n" + SOURCE.replace(b"run", b"exec")) == []
    store.clear("u")
    assert store.findings("u", SOURCE) == []
