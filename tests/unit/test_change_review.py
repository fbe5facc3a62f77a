"""Which code of a changed file a change review shows (`ai.change_review`): the function around
each changed range, a few lines around a change outside functions, merged when they meet; and
which findings count (those that touch a changed line)."""

from __future__ import annotations

import pytest

from forge_lsp.ai.change_review import (
    Region,
    change_note,
    change_summary,
    on_changed_lines,
    regions,
)
from forge_lsp.core import languages
from forge_lsp.core.model import Finding, Point, Severity

PYTHON = """\
import os

LIMIT = 10


@cache
def first(a):
    x = a + 1
    return x


def second(b):
    def inner():
        return b
    return inner


def third():
    return 3
"""
GO = """\
package svc

func A() int {
\treturn 1
}

func B() int {
\treturn 2
}
"""


def spans(language: str, source: str, changed: list[tuple[int, int]] | None) -> list[tuple]:
    spec = languages.LANGUAGES[language]
    return [(r.start, r.end, r.changed) for r in regions(spec, source.encode(), changed)]


def test_a_change_in_a_function_sends_the_function_with_its_decorator() -> None:
    assert spans("python", PYTHON, [(8, 8)]) == [(5, 8, ((8, 8),))]


def test_a_change_in_a_nested_function_sends_the_smallest_named_one() -> None:
    assert spans("python", PYTHON, [(14, 14)]) == [(12, 13, ((14, 14),))]


def test_a_change_outside_functions_sends_a_few_lines_around_it() -> None:
    assert spans("python", PYTHON, [(3, 3)]) == [(0, 5, ((3, 3),))]


def test_regions_that_meet_are_merged_and_keep_each_changed_range() -> None:
    assert spans("python", PYTHON, [(8, 8), (9, 9)]) == [(5, 8, ((8, 8), (9, 9)))]
    # The module-level context of line 3 reaches the decorated function: one region.
    assert spans("python", PYTHON, [(3, 3), (8, 8)]) == [(0, 8, ((3, 3), (8, 8)))]


def test_a_range_across_two_functions_widens_to_the_lines_around_it() -> None:
    assert spans("go", GO, [(4, 8)]) == [(0, 8, ((4, 8),))]
    assert spans("go", GO, [(8, 8)]) == [(6, 8, ((8, 8),))]


def test_a_new_file_is_one_region_and_an_empty_one_none() -> None:
    assert spans("go", GO, None) == [(0, 8, ((1, 9),))]
    assert spans("go", "", None) == []


def finding(first: int, last: int, end_column: int = 4) -> Finding:
    return Finding("FGC300", "m", Severity.WARNING, Point(first, 0), Point(last, end_column))


@pytest.mark.parametrize(
    ("found", "kept"),
    [
        (finding(5, 5), True),  # line 6, the changed one
        (finding(4, 4), False),
        (finding(3, 5), True),  # spans it
        (finding(4, 5, end_column=0), False),  # ends at the start of line 6: line 5 only
    ],
)
def test_a_finding_counts_when_it_touches_a_changed_line(found: Finding, kept: bool) -> None:
    assert on_changed_lines(found, [(6, 6)]) is kept


def test_the_prompt_is_told_the_changed_lines_and_the_whole_change() -> None:
    summary = change_summary([("svc.py", [(6, 6), (9, 12)]), ("new.go", None)])
    assert summary == "`svc.py` lines 6, 9-12; `new.go` (new file)"
    note = change_note(Region(3, 12, ((6, 6), (9, 12))), summary)
    assert "The lines added or changed in it are 6, 9-12;" in note
    assert note.endswith(f"The whole change: {summary}.")
