"""The precision bench (bench/precision/run.py) keeps a verdict on its finding when unrelated
lines move, tells identical lines apart, reports judged findings that went away as gone and new
ones as unjudged, and counts stubs as unjudged.

It runs the real `forge-lsp check` on a small project in a temporary cache; nothing is fetched.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

PRECISION = Path(__file__).resolve().parents[2] / "bench" / "precision"

CODE = """import hashlib


def sign(data):
    return hashlib.md5(data).hexdigest()


def verify(data):
    return hashlib.md5(data).hexdigest()
"""


@pytest.fixture()
def bench(tmp_path: Path) -> Iterator[ModuleType]:
    """bench/precision/run.py imported as `python bench/precision/run.py` does, with the corpus
    cache in a temporary folder."""
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(PRECISION))
        patch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
        import run as module

        yield module
    for name in ("run", "projects"):
        sys.modules.pop(name, None)


def demo(bench: ModuleType, code: str) -> object:
    """A one-file project whose package is already 'fetched' in the temporary cache."""
    projects = sys.modules["projects"]
    package = projects.Package("pypi", "demo", "1.0", ("src",))
    project = projects.Project("demo", "python", "library", package, ("src",))
    (project.root() / "src").mkdir(parents=True, exist_ok=True)
    (project.root() / "src" / "app.py").write_text(code)
    return project


def findings(bench: ModuleType, project: object) -> list:
    return bench.keyed([project], bench.check([project]))


def test_identical_lines_get_ordinals_and_keep_them_when_lines_move(bench: ModuleType) -> None:
    project = demo(bench, CODE)
    first = findings(bench, project)
    assert [(f.key.path, f.key.rule, f.key.n) for f in first] == [
        ("src/app.py", "FG501", 0),
        ("src/app.py", "FG501", 1),
    ]
    assert first[0].key.text == "return hashlib.md5(data).hexdigest()"
    demo(bench, "# a comment\n\n\n" + CODE.replace("    return", "        return"))
    moved = findings(bench, project)
    assert [f.key for f in moved] == [f.key for f in first]
    assert [f.line for f in moved] == [f.line + 3 for f in first]


def test_report_counts_verdicts_and_lists_gone_and_unjudged(
    bench: ModuleType, tmp_path: Path
) -> None:
    project = demo(bench, CODE)
    found = findings(bench, project)
    verdicts = tmp_path / "verdicts.jsonl"
    bench.write_records(
        [
            bench.record_of(found[0], "true", "a reason"),
            bench.record_of(found[1]),  # a stub: still unjudged
        ],
        verdicts,
    )
    text = bench.report(found, bench.load_verdicts(verdicts), [], 0.0)
    assert "| FG501 | 2 | 1 | 0 | 0 | 100% | 0% | 1 | 0 | 0 |" in text
    assert "Unjudged (1):" in text

    demo(bench, CODE.replace("def verify(data):\n    return hashlib.md5(data).hexdigest()\n", ""))
    bench.write_records(
        [
            bench.record_of(found[0], "true", "a reason"),
            bench.record_of(found[1], "false", "another reason"),
        ],
        verdicts,
    )
    text = bench.report(findings(bench, project), bench.load_verdicts(verdicts), [], 0.0)
    # The ordinal-1 finding is gone, the remaining one keeps its verdict.
    assert "| FG501 | 1 | 1 | 0 | 0 | 100% | 0% | 0 | 1 | 0 |" in text
    assert "Gone (1" in text


def test_a_verdict_needs_a_known_value_and_a_reason(bench: ModuleType, tmp_path: Path) -> None:
    project = demo(bench, CODE)
    found = findings(bench, project)
    verdicts = tmp_path / "verdicts.jsonl"
    bench.write_records([bench.record_of(found[0], "maybe", "why")], verdicts)
    with pytest.raises(SystemExit, match="verdict must be one of"):
        bench.load_verdicts(verdicts)
    bench.write_records([bench.record_of(found[0], "true", " ")], verdicts)
    with pytest.raises(SystemExit, match="with a reason"):
        bench.load_verdicts(verdicts)


def test_findings_below_the_minimum_confidence_are_left_out_not_gone(
    bench: ModuleType, tmp_path: Path
) -> None:
    project = demo(bench, CODE)
    found = findings(bench, project)
    low = [bench.Found(f.key, f.line, f.severity, f.message, f.file, "low") for f in found]
    assert not bench.confident(low[0], "medium")
    assert bench.confident(low[0], "low")
    first = found[0]
    unrated = bench.Found(first.key, first.line, first.severity, first.message, first.file, "")
    assert bench.confident(unrated, "high")  # no confidence in the report: kept
    verdicts = tmp_path / "verdicts.jsonl"
    bench.write_records([bench.record_of(found[0], "false", "a reason")], verdicts)
    text = bench.report([], bench.load_verdicts(verdicts), [], 0.0, low)
    assert "Gone" not in text
    assert "Left out below the minimum confidence: 2 findings." in text
