"""Re-checking only the edited function gives the same findings as a full check."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from forge_lsp.core import languages
from forge_lsp.engine import checker, incremental, recheck

FIXTURES = Path(__file__).parent.parent / "fixtures" / "rules"
ALL_RULES = checker.RuleSelection()
EDITS = [b"", b"x", b" ", b"\n", b"(", b'"', "😀".encode(), b"pass", b"}"]


def positive_fixtures() -> list[Path]:
    return sorted(p for p in FIXTURES.rglob("positive.*") if languages.for_path(p))


def _key(result: checker.CheckResult) -> list[tuple[object, ...]]:
    return [(f.code, f.start, f.end, f.message, f.severity) for f in result.findings]


@pytest.mark.parametrize("path", positive_fixtures(), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_partial_recheck_matches_full_check(path: Path) -> None:
    spec = languages.for_path(path)
    assert spec is not None
    rng = random.Random(path.name + path.parent.name)
    source = path.read_bytes()
    previous = checker.check(source, spec, ALL_RULES)
    for _ in range(60):
        start = rng.randrange(len(source) + 1)
        end = min(len(source), start + rng.randrange(3))
        new = source[:start] + rng.choice(EDITS) + source[end:]
        edit = incremental.diff(source, new)
        if edit is None:
            continue
        before = previous.tree.copy()
        incremental.edit_tree(previous.tree, edit)
        result = recheck.check_after_edit(
            new,
            spec,
            ALL_RULES,
            previous.tree,
            edit,
            previous.findings,
            old_tree=before,
            old_matches=previous.file_matches,
        )
        full = checker.check(new, spec, ALL_RULES)
        assert _key(result) == _key(full), f"after replacing bytes {start}:{end} of {path.name}"
        source, previous = new, result


def test_an_edit_inside_a_function_rechecks_only_that_function() -> None:
    spec = languages.LANGUAGES["python"]
    handler = b"def f{n}():\n    try:\n        work()\n    except Exception:\n        pass\n\n"
    source = b"".join(handler.replace(b"{n}", str(n).encode()) for n in range(50))
    previous = checker.check(source, spec, ALL_RULES)
    assert len(previous.findings) == 50
    at = source.index(b"work()", len(source) // 2)
    new = source[:at] + b"#" + source[at:]  # comment out one call: still a swallow
    edit = incremental.diff(source, new)
    assert edit is not None
    incremental.edit_tree(previous.tree, edit)
    result = recheck.check_after_edit(new, spec, ALL_RULES, previous.tree, edit, previous.findings)
    assert result.partial
    assert _key(result) == _key(checker.check(new, spec, ALL_RULES))
    module_level = b"import os\n" + source
    edit = incremental.diff(source, module_level)
    assert edit is not None
    fresh = checker.check(source, spec, ALL_RULES)
    incremental.edit_tree(fresh.tree, edit)
    outside = recheck.check_after_edit(
        module_level, spec, ALL_RULES, fresh.tree, edit, fresh.findings
    )
    assert not outside.partial


def _after(source: bytes, new: bytes, spec: languages.LanguageSpec) -> checker.CheckResult:
    previous = checker.check(source, spec, ALL_RULES)
    edit = incremental.diff(source, new)
    assert edit is not None
    incremental.edit_tree(previous.tree, edit)
    return recheck.check_after_edit(new, spec, ALL_RULES, previous.tree, edit, previous.findings)


COMMENTED = b"""\
import requests

# Payment gateway client.
SECRET = "hunter2-prod-password"  # forge: ignore[FG201]


def fetch(url):
    return requests.get(url)
"""


def test_an_edit_inside_a_top_level_comment_rechecks_only_its_lines() -> None:
    spec = languages.LANGUAGES["python"]
    new = COMMENTED.replace(b"# Payment", b"# The payment")
    result = _after(COMMENTED, new, spec)
    assert result.partial
    assert [f.code for f in result.findings] == ["FG401"]
    assert _key(result) == _key(checker.check(new, spec, ALL_RULES))


def test_editing_a_suppression_marker_in_a_top_level_comment_is_exact() -> None:
    spec = languages.LANGUAGES["python"]
    new = COMMENTED.replace(b"ignore[FG201]", b"ignore[FG20]")
    result = _after(COMMENTED, new, spec)
    assert result.partial
    assert sorted(f.code for f in result.findings) == ["FG201", "FG401"]
    assert _key(result) == _key(checker.check(new, spec, ALL_RULES))


def test_typing_a_comment_marker_before_code_checks_the_whole_file() -> None:
    spec = languages.LANGUAGES["python"]
    new = COMMENTED.replace(b"SECRET =", b"#SECRET =")
    result = _after(COMMENTED, new, spec)
    assert not result.partial
    assert [f.code for f in result.findings] == ["FG401"]


def test_an_edit_in_a_comment_between_java_methods_rechecks_only_its_lines() -> None:
    spec = languages.LANGUAGES["java"]
    method = (
        "  /** Shard {n}. */\n"
        "  void f{n}() {{\n"
        "    try {{ work(); }} catch (Exception e) {{ }}\n"
        "  }}\n"
    )
    source = ("class A {\n" + "".join(method.format(n=n) for n in range(20)) + "}\n").encode()
    new = source.replace(b"Shard 7.", b"Shard seven.")
    result = _after(source, new, spec)
    assert result.partial
    assert len(result.findings) == 20
    assert _key(result) == _key(checker.check(new, spec, ALL_RULES))


def test_a_carried_finding_keeps_its_confidence_and_is_reused_when_not_moved() -> None:
    from forge_lsp.core.model import Confidence, Finding, Point, Severity

    finding = Finding(
        "FG101", "m", Severity.WARNING, Point(3, 4), Point(3, 9), confidence=Confidence.LOW
    )
    same_line = incremental.diff(b"a\nb\nc\nd = 1\n", b"a\nbx\nc\nd = 1\n")
    new_line = incremental.diff(b"a\nb\nc\nd = 1\n", b"a\nb\n\nc\nd = 1\n")
    assert same_line is not None and new_line is not None
    assert incremental.shifted(finding, same_line) is finding
    moved = incremental.shifted(finding, new_line)
    assert moved is not None
    assert (moved.start, moved.end, moved.confidence) == (Point(4, 4), Point(4, 9), Confidence.LOW)
