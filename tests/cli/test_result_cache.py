"""`forge-lsp check`'s result cache: a repeat run answers unchanged files from the cache with the
same report, and anything that changes a result (the file, a setting, the rules, Forge's version)
makes the file checked again; `--no-cache` neither reads nor writes; the bound holds; a damaged
entry or database is a miss, never an error.

Whether a run used the cache is seen without timing: the runs are in this process with one job,
and `checker.check` is wrapped to count its calls (or to fail).
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

import forge_lsp
from forge_lsp.cli import result_cache, runner
from forge_lsp.cli.files import absolute
from forge_lsp.cli.main import main
from forge_lsp.cli.result_cache import ResultCache, stored_keys
from forge_lsp.cli.settings import SettingsResolver, Warnings
from forge_lsp.core.model import Confidence
from forge_lsp.engine import checker
from forge_lsp.report import FileResult
from tests.support.confidence import report_at

from .conftest import CLEAN_PY, SWALLOWED_PY, write

DEPRECATED_PY = 'import logging\n\nlogging.warn("refunding %s", 1)\n'  # FG801, with a fix
FILES = {"src/bad.py": SWALLOWED_PY, "src/clean.py": CLEAN_PY, "src/old.py": DEPRECATED_PY}


@dataclass
class Run:
    code: int
    out: str
    err: str
    checks: int  # files the engine checked (the rest came from the cache)


class Checker:
    """Counts `checker.check` calls, or makes them fail."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        self.forbidden = False
        real = checker.check

        def check(*args: object, **kwargs: object) -> checker.CheckResult:
            if self.forbidden:
                raise AssertionError("checked a file the cache should have answered")
            self.calls += 1
            return real(*args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(checker, "check", check)


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The cache folder (beside the checked tree, not in it); the current folder is tmp_path."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("FORGE_CACHE_DIR", str(folder))
    monkeypatch.chdir(tmp_path)
    write(tmp_path, FILES)
    return folder


@pytest.fixture
def engine(monkeypatch: pytest.MonkeyPatch) -> Checker:
    return Checker(monkeypatch)


@pytest.fixture
def check(engine: Checker, capsys: pytest.CaptureFixture[str]):
    """Run `forge-lsp check src ARGS` in this process with one job."""

    def run(*args: str, target: str = "src") -> Run:
        engine.calls = 0
        code = main(["check", target, "--jobs", "1", *args])
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err, engine.calls)

    return run


# --- a repeat run --------------------------------------------------------------------------


@pytest.mark.usefixtures("cache_dir", "needs_fg301")
@pytest.mark.parametrize("format", ["text", "json", "sarif"])
def test_a_second_run_is_served_from_the_cache_with_the_same_report(check, engine, format):
    first = check("--format", format)
    assert first.checks == 3 and first.code == 1
    engine.forbidden = True
    second = check("--format", format)
    assert (second.code, second.out, second.err) == (first.code, first.out, first.err)
    if format == "json":
        fixes = [finding["fix"] for finding in json.loads(second.out) if finding["fix"]]
        assert fixes, "a finding with a fix went through the cache"


@pytest.mark.usefixtures("cache_dir")
def test_the_pool_stores_and_the_main_process_serves(tmp_path):
    resolver = SettingsResolver(None, None, None, Warnings())
    tasks = runner.make_tasks(["src"], resolver, False, absolute(tmp_path), use_cache=True)
    cold = ResultCache(result_cache.default_folder())
    first = list(runner.run(tasks, 2, cold))
    assert (cold.stats.checked, cold.stats.stored, cold.stats.served) == (3, 3, 0)
    warm = ResultCache(result_cache.default_folder())
    assert list(runner.run(tasks, 2, warm)) == first  # equal records, fixes included
    assert (warm.stats.checked, warm.stats.stored, warm.stats.served) == (0, 0, 3)


@pytest.mark.usefixtures("cache_dir", "needs_fg301")
def test_results_are_shown_from_the_current_folder(check, tmp_path, monkeypatch):
    check()
    monkeypatch.chdir(tmp_path / "src")
    warm = check(target=".")
    assert warm.checks == 0
    assert warm.out == check("--no-cache", target=".").out
    assert warm.out.startswith("bad.py:3:1 FG301")


# --- what makes a file checked again ---------------------------------------------------------


@pytest.mark.usefixtures("cache_dir", "needs_fg301")
def test_an_edited_file_is_checked_again(check, tmp_path):
    check()
    write(tmp_path, {"src/clean.py": CLEAN_PY + SWALLOWED_PY})
    run = check()
    assert run.checks == 1
    assert "src/clean.py:5:1 FG301" in run.out
    assert check().checks == 0


@pytest.mark.usefixtures("cache_dir", "needs_fg301")
@pytest.mark.parametrize(
    "args",
    [("--select", "FG3"), ("--ignore", "FG301"), ("--min-confidence", "high")],
    ids=["select", "ignore", "min-confidence"],
)
def test_a_changed_option_is_checked_again(check, monkeypatch, args):
    report_at(monkeypatch, "FG301", Confidence.MEDIUM)  # so that --min-confidence hides it
    before = check()
    changed = check(*args)
    assert changed.checks == 3
    assert changed.out != before.out
    assert changed.out == check(*args, "--no-cache").out
    assert check(*args).checks == 0


@pytest.mark.usefixtures("cache_dir", "needs_fg301")
def test_a_changed_project_setting_is_checked_again(check, tmp_path):
    assert "FG301 [warning" in check().out
    write(tmp_path, {"src/forge.toml": '[severity]\nFG301 = "error"\n'})
    run = check()
    assert run.checks == 3
    assert "FG301 [error" in run.out


@pytest.mark.usefixtures("cache_dir")
def test_a_rule_change_is_checked_again(check, monkeypatch):
    check()
    monkeypatch.setattr(result_cache, "code_fingerprint", lambda: "rules changed")
    assert check().checks == 3
    assert check().checks == 0


@pytest.mark.usefixtures("cache_dir")
def test_a_new_forge_version_is_checked_again(check, monkeypatch):
    check()
    monkeypatch.setattr(forge_lsp, "__version__", "99.0.0")
    assert check().checks == 3


def test_the_code_fingerprint_follows_the_source(tmp_path, monkeypatch):
    package = tmp_path / "forge_lsp"
    write(package, {"__init__.py": "", "rules/fg999.py": "CODE = 1\n"})
    monkeypatch.setattr(forge_lsp, "__file__", str(package / "__init__.py"))
    fingerprint = result_cache.code_fingerprint.__wrapped__  # uncached
    before = fingerprint()
    assert fingerprint() == before
    write(package, {"rules/fg999.py": "CODE = 2\n"})  # same size
    assert fingerprint() != before


# --- --no-cache --------------------------------------------------------------------------------


@pytest.mark.usefixtures("needs_fg301")
def test_no_cache_neither_writes(check, cache_dir):
    assert check("--no-cache").checks == 3
    assert not cache_dir.exists()
    assert check("--no-cache").checks == 3


@pytest.mark.usefixtures("needs_fg301")
def test_no_cache_neither_reads(check, cache_dir):
    real = check()
    _poison(cache_dir)
    assert "FG999 [error, medium] poisoned" in check().out  # the cache is read without the flag
    database = ResultCache(cache_dir).path
    before = database.read_bytes()
    honest = check("--no-cache")
    assert (honest.out, honest.checks) == (real.out, 3)
    assert database.read_bytes() == before


def _poison(folder: Path) -> None:
    """Make every entry say one made-up finding."""
    with sqlite3.connect(ResultCache(folder).path) as db:
        for key, value in db.execute("SELECT key, value FROM results").fetchall():
            data = json.loads(value)
            fake = dict(data["findings"][0]) if data["findings"] else None
            if fake is not None:
                fake.update(code="FG999", severity="error", message="poisoned")
                data["findings"] = [fake]
            db.execute(
                "UPDATE results SET value = ? WHERE key = ?", (json.dumps(data).encode(), key)
            )


# --- the bound -------------------------------------------------------------------------------


class Clock:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now = 1_000_000.0
        monkeypatch.setattr(result_cache.time, "time", lambda: self.now)


def test_the_entry_bound_evicts_the_oldest(tmp_path, monkeypatch):
    clock = Clock(monkeypatch)
    cache = ResultCache(tmp_path, max_entries=3)
    for n in range(5):
        clock.now += 1
        cache.record("settings", f"digest{n}", FileResult(""))
        cache.save()
    assert stored_keys(tmp_path) == [f"settings:digest{n}" for n in (2, 3, 4)]
    assert (cache.stats.stored, cache.stats.evicted) == (5, 2)


def test_the_size_bound_evicts_the_oldest(tmp_path, monkeypatch):
    clock = Clock(monkeypatch)
    entry = FileResult("", skipped="generated (marked '@generated')", generated=True)
    cache = ResultCache(tmp_path, max_bytes=2 * len(result_cache.encode(entry)))
    for n in range(4):
        clock.now += 1
        cache.record("settings", f"digest{n}", entry)
        cache.save()
    assert stored_keys(tmp_path) == ["settings:digest2", "settings:digest3"]


def test_a_hit_keeps_an_entry_from_eviction(tmp_path, monkeypatch):
    clock = Clock(monkeypatch)
    write(tmp_path, {"a.py": CLEAN_PY, "b.py": "x = 2\n", "c.py": "x = 3\n"})
    resolver = SettingsResolver(None, None, None, Warnings())
    found = runner.make_tasks([str(tmp_path)], resolver, False, tmp_path, use_cache=True)
    tasks = {task.display: task for task in found}
    folder = tmp_path / "cache"
    # a.py, then b.py, then a.py again long enough after its first run to refresh its entry.
    for name, later in (("a.py", 1), ("b.py", 1), ("a.py", result_cache.REFRESH_SECONDS + 1)):
        clock.now += later
        list(runner.run([tasks[name]], 1, ResultCache(folder, max_entries=2)))
    clock.now += 1
    cache = ResultCache(folder, max_entries=2)
    list(runner.run([tasks["c.py"]], 1, cache))
    assert cache.stats.evicted == 1
    kept = [name for name, task in sorted(tasks.items()) if _cached(folder, task)]
    assert kept == ["a.py", "c.py"]  # b.py was used least recently


def _cached(folder: Path, task: runner.Task) -> bool:
    return ResultCache(folder).lookup([task])[0].result is not None


# --- damage and failures ---------------------------------------------------------------------


@pytest.mark.usefixtures("needs_fg301")
def test_a_damaged_entry_is_a_miss(check, cache_dir):
    first = check()
    with sqlite3.connect(ResultCache(cache_dir).path) as db:
        (key,) = db.execute("SELECT key FROM results ORDER BY key LIMIT 1").fetchone()
        db.execute("UPDATE results SET value = ? WHERE key = ?", (b"\x00{not json", key))
    second = check()
    assert (second.code, second.out, second.checks) == (first.code, first.out, 1)
    assert check().checks == 0  # rewritten


@pytest.mark.usefixtures("needs_fg301")
def test_a_damaged_database_is_a_miss_and_is_rebuilt(check, cache_dir):
    first = check()
    ResultCache(cache_dir).path.write_bytes(b"this is not a database" * 100)
    second = check()
    assert (second.code, second.out, second.err, second.checks) == (
        first.code,
        first.out,
        first.err,
        3,
    )
    assert check().checks == 0


@pytest.mark.usefixtures("cache_dir", "needs_fg301")
def test_a_cache_folder_that_cannot_be_written_is_no_error(check, tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("FORGE_CACHE_DIR", str(blocker / "cache"))
    first = check()
    assert (first.code, first.checks) == (1, 3)
    assert check().out == first.out


@pytest.mark.usefixtures("cache_dir")
def test_a_parse_that_gave_up_is_not_cached(check, engine, monkeypatch):
    def too_slow(*args: object, **kwargs: object) -> checker.CheckResult:
        raise checker.ParseTooSlow("python", 1.0)

    monkeypatch.setattr(checker, "check", too_slow)
    assert "parser gave up" in check().err
    assert stored_keys(result_cache.default_folder()) == []


def test_errors_are_not_cached(tmp_path):
    gone = runner.Task(
        str(tmp_path / "gone.py"), "gone.py", checker.RuleSelection(), 10**6, use_cache=True
    )
    cache = ResultCache(tmp_path / "cache")
    [result] = runner.run([gone], 1, cache)
    assert result.error
    assert not result_cache.cacheable(result)
    assert cache.stats.stored == 0 and stored_keys(cache.folder) == []


# --- two runs at once --------------------------------------------------------------------------


@pytest.mark.usefixtures("needs_fg301")
def test_concurrent_runs_share_the_cache(check, tmp_path, cache_dir):
    write(tmp_path, {f"src/m{n}.py": SWALLOWED_PY + f"x = {n}\n" for n in range(60)})
    command = [sys.executable, "-m", "forge_lsp", "check", "src", "--jobs", "2"]
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    runs = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        for _ in range(2)
    ]
    outputs = [process.communicate(timeout=120) for process in runs]
    assert [process.returncode for process in runs] == [1, 1], outputs
    assert outputs[0] == outputs[1]
    warm = check()
    assert warm.checks == 0
    assert warm.out.encode() == outputs[0][0]
