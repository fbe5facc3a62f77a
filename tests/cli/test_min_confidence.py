"""`check --min-confidence` and the `minConfidence` setting: findings less sure than the floor
are left out of every format and of the exit code; the flag wins over the project file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from forge_lsp.cli.main import main
from forge_lsp.core.model import Confidence
from tests.cli.conftest import write
from tests.support.confidence import SWALLOWED_PY, report_at


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with one swallowed exception, as the current folder, with no user config."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "user-config"))
    monkeypatch.chdir(tmp_path)
    write(tmp_path, {"bad.py": SWALLOWED_PY})
    return tmp_path


def check(*args: str) -> int:
    # In this process (one file, one job), so that FG301 can report at a lower confidence.
    return main(["check", ".", "--jobs", "1", "--quiet", *args])


@pytest.mark.usefixtures("project", "needs_fg301")
def test_a_hidden_finding_neither_prints_nor_fails_the_run(monkeypatch, capsys) -> None:
    report_at(monkeypatch, "FG301", Confidence.MEDIUM)
    assert check("--min-confidence", "high") == 0
    assert capsys.readouterr().out == ""
    assert check("--min-confidence", "medium") == 1
    [line] = capsys.readouterr().out.splitlines()
    assert line.startswith("bad.py:3:1 FG301 [warning, medium] ")
    assert check() == 1  # the default floor, low, shows everything


@pytest.mark.usefixtures("needs_fg301")
def test_the_flag_wins_over_the_project_file(project: Path, monkeypatch, capsys) -> None:
    report_at(monkeypatch, "FG301", Confidence.LOW)
    write(project, {"forge.toml": 'min-confidence = "medium"\n'})
    assert check("--format", "json") == 0
    assert json.loads(capsys.readouterr().out) == []
    assert check("--format", "json", "--min-confidence", "low") == 1
    [finding] = json.loads(capsys.readouterr().out)
    assert (finding["code"], finding["confidence"]) == ("FG301", "low")


@pytest.mark.usefixtures("project", "needs_fg301")
def test_sarif_of_a_low_finding_ranks_it_30(monkeypatch, capsys) -> None:
    report_at(monkeypatch, "FG301", Confidence.LOW)
    assert check("--format", "sarif") == 1
    [result] = json.loads(capsys.readouterr().out)["runs"][0]["results"]
    assert result["rank"] == 30 and result["properties"] == {"confidence": "low"}


def test_high_findings_pass_every_floor(tmp_path: Path, cli, needs_fg301) -> None:
    write(tmp_path, {"bad.py": SWALLOWED_PY})
    result = cli("check", ".", "--min-confidence", "high", "--format", "json")
    assert result.returncode == 1
    [finding] = json.loads(result.stdout)
    assert finding["confidence"] == "high"


def test_an_unknown_level_is_a_usage_error(tmp_path: Path, cli) -> None:
    write(tmp_path, {"bad.py": SWALLOWED_PY})
    result = cli("check", ".", "--min-confidence", "sure")
    assert result.returncode == 2
    assert "--min-confidence" in result.stderr and "'sure'" in result.stderr


def test_an_invalid_project_value_is_one_warning_and_everything_shows(
    tmp_path: Path, cli, needs_fg301
) -> None:
    write(tmp_path, {"bad.py": SWALLOWED_PY, "forge.toml": 'min-confidence = "certain"\n'})
    result = cli("check", ".")
    assert result.returncode == 1 and "FG301" in result.stdout
    warnings = [line for line in result.stderr.splitlines() if "min-confidence" in line]
    assert len(warnings) == 1
    assert "expected one of low, medium, high, got 'certain'" in warnings[0]


def test_help_names_the_flag(tmp_path: Path, cli) -> None:
    result = cli("check", "--help")
    text = " ".join(result.stdout.split())  # argparse wraps the help to the terminal's width
    assert "--min-confidence LEVEL report only findings at least this sure" in text
    assert "hidden findings do not set the exit code" in text


@pytest.mark.usefixtures("needs_fg301")
def test_a_rules_own_floor_in_the_project_file(project: Path, monkeypatch, capsys) -> None:
    report_at(monkeypatch, "FG301", Confidence.LOW)
    write(project, {"forge.toml": '[rules.FG301]\nmin-confidence = "medium"\n'})
    assert check() == 0
    assert capsys.readouterr().out == ""
    # The stricter floor wins: the flag's `low` does not lower the rule's own.
    assert check("--min-confidence", "low") == 0
