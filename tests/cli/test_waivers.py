"""`forge-lsp check` honours other tools' waivers of the same check, and only those
(docs/waivers.md): the finding leaves the report and the exit code with it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from forge_lsp.cli.main import main
from tests.cli.conftest import write

SQL_LINE = "    cursor.execute(f\"SELECT id FROM users WHERE email = '{email}'\")"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty folder as the current folder, with no user config."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "user-config"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def check_codes(path: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    """The exit code of `forge-lsp check PATH` (in this process) and the codes it reported."""
    code = main(["check", path, "--jobs", "1", "--format", "json"])
    return code, [finding["code"] for finding in json.loads(capsys.readouterr().out)]


@pytest.mark.parametrize(
    ("comment", "exit_code", "codes"),
    [
        ("", 1, ["FG101"]),
        ("  # nosec B608", 0, []),
        ("  # noqa: S608", 0, []),
        ("  # NOSONAR", 0, []),
        ("  # nosec B105", 1, ["FG101"]),  # a hardcoded password is another check
        ("  # noqa: E501", 1, ["FG101"]),
        ("  # forge: ignore[FG101]", 0, []),
    ],
)
def test_check_drops_a_finding_waived_for_the_same_check(
    project: Path,
    capsys: pytest.CaptureFixture[str],
    comment: str,
    exit_code: int,
    codes: list[str],
) -> None:
    write(project, {"repo.py": f"def find(cursor, email):\n{SQL_LINE}{comment}\n"})
    assert check_codes("repo.py", capsys) == (exit_code, codes)


def test_check_honours_golangci_lint_in_go_only(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    go = (
        'package store\n\nimport "database/sql"\n\n'
        "func Purge(db *sql.DB) {\n"
        '\tdb.Exec("DELETE FROM sessions") //nolint:errcheck // best effort on startup\n'
        "}\n"
    )
    script = (
        'const express = require("express");\n'
        "function find(db, req) {\n"
        '  return db.query("SELECT * FROM t WHERE id = " + req.query.id); //nolint:gosec\n'
        "}\n"
    )
    write(project, {"store.go": go, "find.js": script})
    assert check_codes("store.go", capsys) == (0, [])
    assert check_codes("find.js", capsys) == (1, ["FG101"])
