"""Baselines (`check --write-baseline` / `--baseline`), as a team adopting Forge uses them: old
findings hidden, also after lines move; a new bad line, or another copy of an old one, shown."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from forge_lsp.cli.main import main
from forge_lsp.engine.baselines import Baseline, BaselineError, load, render
from forge_lsp.report import Position, Reported
from forge_lsp.report.baseline import split, write

from .conftest import write as write_files

SERVICE = """\
import sqlite3


def find_user(conn, name):
    return conn.execute("SELECT * FROM users WHERE name = '" + name + "'")


def save(conn):
    try:
        conn.commit()
    except Exception:
        pass
"""


def check(*args: str) -> int:
    return main(["check", ".", "--jobs", "1", *args])


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_files(tmp_path, {"app.py": SERVICE})
    monkeypatch.chdir(tmp_path)
    return tmp_path


def codes(stdout: str) -> list[tuple[int, str]]:
    """(line, code) of each text finding."""
    found = []
    for line in stdout.splitlines():
        place, code = line.split(" ")[:2]
        found.append((int(place.split(":")[1]), code))
    return found


def test_a_baseline_hides_what_it_recorded_and_exits_0(project: Path, capsys) -> None:
    assert check() == 1
    assert codes(capsys.readouterr().out) == [(5, "FG101"), (11, "FG301")]
    assert check("--write-baseline", "forge-baseline.json") == 0
    written = capsys.readouterr()
    assert written.out == ""
    assert "recorded 2 findings of 1 file in forge-baseline.json" in written.err
    assert check("--baseline", "forge-baseline.json") == 0
    shown = capsys.readouterr()
    assert shown.out == ""
    assert "2 findings recorded in forge-baseline.json not shown" in shown.err


def test_findings_stay_known_when_lines_move_and_code_is_reindented(project: Path, capsys):
    check("--write-baseline", "forge-baseline.json")
    moved = "import os\n\n\nLIMIT = 10\n" + SERVICE.replace(
        "    except Exception:\n        pass", "    except   Exception:\n        pass"
    ).replace("def save(conn):", "def save(conn, retries=3):")
    (project / "app.py").write_text(moved)
    capsys.readouterr()
    assert check("--baseline", "forge-baseline.json") == 0
    assert capsys.readouterr().out == ""


def test_a_new_bad_line_and_a_second_copy_of_an_old_one_are_new(project: Path, capsys) -> None:
    check("--write-baseline", "forge-baseline.json")
    old = '    return conn.execute("SELECT * FROM users WHERE name = \'" + name + "\'")'
    copy = '    if name == "admin":\n    ' + old
    added = SERVICE.replace(old, copy + "\n" + old) + (
        "\n\ndef remove(conn, name):\n"
        '    return conn.execute("DELETE FROM users WHERE name = \'" + name + "\'")\n'
    )
    (project / "app.py").write_text(added)
    capsys.readouterr()
    assert check("--baseline", "forge-baseline.json") == 1
    # One of the two identical lines is the recorded one (the first, in line order), the other
    # is new, and so is the new function's line.
    assert codes(capsys.readouterr().out) == [(7, "FG101"), (18, "FG101")]


def test_the_same_line_in_another_function_is_new(project: Path, capsys) -> None:
    check("--write-baseline", "forge-baseline.json")
    body = '    return conn.execute("SELECT * FROM users WHERE name = \'" + name + "\'")\n'
    (project / "app.py").write_text(SERVICE + "\n\ndef find_admin(conn, name):\n" + body)
    capsys.readouterr()
    assert check("--baseline", "forge-baseline.json") == 1
    assert codes(capsys.readouterr().out) == [(16, "FG101")]


def test_the_file_is_sorted_stable_and_holds_no_code(project: Path) -> None:
    write_files(project, {"b/second.py": SERVICE, "a/first.py": SERVICE})
    check("--write-baseline", "one.json")
    check("--write-baseline", "two.json")
    text = (project / "one.json").read_text()
    assert text == (project / "two.json").read_text()
    document = json.loads(text)
    assert document["forge-baseline"] == 1
    rows = document["findings"]
    assert [row["path"] for row in rows] == sorted(row["path"] for row in rows)
    assert {row["path"] for row in rows} == {"a/first.py", "app.py", "b/second.py"}
    assert rows[0] == {
        "path": "a/first.py",
        "code": "FG101",
        "function": "find_user",
        "fingerprint": rows[0]["fingerprint"],
        "count": 1,
    }
    assert "SELECT" not in text and '"line"' not in text


def test_paths_are_relative_to_the_baseline_file_not_the_current_folder(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    (project / "ci").mkdir()
    check("--write-baseline", "ci/baseline.json")
    assert json.loads((project / "ci/baseline.json").read_text())["findings"][0]["path"] == (
        "../app.py"
    )
    monkeypatch.chdir(project / "ci")
    capsys.readouterr()
    assert main(["check", "..", "--jobs", "1", "--baseline", "baseline.json"]) == 0
    assert capsys.readouterr().out == ""


def test_json_and_sarif_carry_the_fingerprint_the_baseline_records(project: Path, capsys):
    check("--write-baseline", "forge-baseline.json")
    recorded = {
        r["fingerprint"] for r in json.loads(Path("forge-baseline.json").read_text())["findings"]
    }
    capsys.readouterr()
    check("--format", "json")
    assert {f["fingerprint"] for f in json.loads(capsys.readouterr().out)} == recorded
    check("--format", "sarif")
    results = json.loads(capsys.readouterr().out)["runs"][0]["results"]
    assert {r["partialFingerprints"]["forge/v1"] for r in results} == recorded


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (None, "does not exist; create it with --write-baseline"),
        ("{not json", "is not JSON"),
        ('{"findings": []}', "is not a Forge baseline"),
        ('{"forge-baseline": 1, "findings": [{"path": "a.py"}]}', "entry 1 needs"),
        ('{"forge-baseline": 1, "findings": {}}', "'findings' must be a list"),
    ],
)
def test_a_bad_baseline_is_a_usage_error_that_says_why(
    project: Path, capsys, content: str | None, problem: str
) -> None:
    if content is not None:
        (project / "base.json").write_text(content)
    assert check("--baseline", "base.json") == 2
    error = capsys.readouterr().err
    assert problem in error and "--baseline:" in error


@pytest.mark.parametrize(
    ("options", "told"),
    [
        (("--new-since", "HEAD"), "drop --new-since"),
        (("--baseline", "x.json"), "drop --baseline"),
    ],
)
def test_writing_a_baseline_refuses_options_that_would_record_part_of_it(
    project: Path, capsys, options: tuple[str, ...], told: str
) -> None:
    assert check("--write-baseline", "b.json", *options) == 2
    assert told in capsys.readouterr().err
    assert not (project / "b.json").exists()


def test_an_unwritable_baseline_is_a_usage_error(project: Path, capsys) -> None:
    assert check("--write-baseline", "missing/folder/b.json") == 2
    assert "--write-baseline: cannot write" in capsys.readouterr().err


def _reported(path: str, line: int, fingerprint: str) -> Reported:
    at = Position(line, 1, 1)
    return Reported(path, "FG101", "n", "error", "m", at, at, None, fingerprint=fingerprint)


def test_matching_counts_copies_in_line_order(tmp_path: Path) -> None:
    recorded = [_reported("a.py", 3, "f1"), _reported("a.py", 9, "f1")]
    write(tmp_path / "b.json", recorded, tmp_path)
    baseline = load(tmp_path / "b.json")
    assert isinstance(baseline, Baseline)
    now = [_reported("a.py", 30, "f1"), _reported("a.py", 4, "f1"), _reported("a.py", 12, "f1")]
    divided = split(baseline, now, tmp_path)
    assert divided.known == 2
    assert [f.start.line for f in divided.new] == [30]
    assert split(baseline, [_reported("b.py", 3, "f1")], tmp_path).known == 0  # another file


def test_a_finding_without_fingerprint_is_never_known(tmp_path: Path) -> None:
    (tmp_path / "b.json").write_text(render([]))
    assert split(load(tmp_path / "b.json"), [_reported("a.py", 1, "")], tmp_path).known == 0


def test_load_rejects_a_count_below_one(tmp_path: Path) -> None:
    row = {"path": "a.py", "fingerprint": "f", "count": 0}
    (tmp_path / "b.json").write_text(json.dumps({"forge-baseline": 1, "findings": [row]}))
    with pytest.raises(BaselineError, match="positive 'count'"):
        load(tmp_path / "b.json")
