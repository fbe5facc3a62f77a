"""`check --new-since REF` in a throwaway git repository, as a new user tries it: only the
findings on lines changed since REF, untracked files new, a clear error outside git."""

from __future__ import annotations

from pathlib import Path

import pytest

from forge_lsp.cli.main import main
from tests.support.git import git

from .conftest import write

OLD = """\
def find_user(conn, name):
    return conn.execute("SELECT * FROM users WHERE name = '" + name + "'")
"""
NEW_FUNCTION = """

def remove_user(conn, name):
    return conn.execute("DELETE FROM users WHERE name = '" + name + "'")
"""
CREDENTIAL = 'import pymysql\nconn = pymysql.connect(user="app", password="Tr0ub4dor-and-3")\n'


@pytest.fixture
def repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write(tmp_path, {"app.py": OLD})
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "first")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def check(*args: str) -> int:
    return main(["check", ".", "--jobs", "1", *args])


def reported(stdout: str) -> list[str]:
    return [line.split(" ")[0] for line in stdout.splitlines()]


def test_only_the_changed_lines_and_untracked_files_are_reported(repository: Path, capsys):
    (repository / "app.py").write_text("import os\n\n\n" + OLD + NEW_FUNCTION)
    write(repository, {"settings.py": CREDENTIAL})
    assert check() == 1
    assert reported(capsys.readouterr().out) == ["app.py:5:25", "app.py:9:25", "settings.py:2:45"]
    assert check("--new-since", "HEAD") == 1
    out, err = capsys.readouterr()
    assert reported(out) == ["app.py:9:25", "settings.py:2:45"]  # the moved line is not new
    assert "1 finding on lines unchanged since HEAD not shown" in err


def test_nothing_changed_means_nothing_reported_and_exit_0(repository: Path, capsys) -> None:
    assert check("--new-since", "HEAD") == 0
    assert capsys.readouterr().out == ""


def test_a_commit_since_the_revision_counts(repository: Path, capsys) -> None:
    (repository / "app.py").write_text(OLD + NEW_FUNCTION)
    git(repository, "commit", "-q", "-am", "second")
    assert check("--new-since", "HEAD") == 0
    assert check("--new-since", "HEAD~1") == 1
    assert reported(capsys.readouterr().out) == ["app.py:6:25"]


def test_it_combines_with_a_baseline(repository: Path, capsys) -> None:
    write(repository, {"settings.py": CREDENTIAL})
    check("--write-baseline", "forge-baseline.json")
    (repository / "app.py").write_text(OLD + NEW_FUNCTION)
    capsys.readouterr()
    assert check("--new-since", "HEAD", "--baseline", "forge-baseline.json") == 1
    assert reported(capsys.readouterr().out) == ["app.py:6:25"]


def test_an_unknown_revision_is_a_usage_error(repository: Path, capsys) -> None:
    assert check("--new-since", "no-such-branch") == 2
    assert "git does not know the revision 'no-such-branch'" in capsys.readouterr().err


def test_outside_a_repository_it_says_so(tmp_path: Path, monkeypatch, capsys) -> None:
    write(tmp_path, {"app.py": OLD})
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    assert check("--new-since", "HEAD") == 2
    assert "--new-since needs a git repository" in capsys.readouterr().err
