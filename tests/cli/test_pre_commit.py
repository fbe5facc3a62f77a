"""The pre-commit hook (`.pre-commit-hooks.yaml`), run by the real pre-commit in a throwaway git
repository: a commit with a hardcoded password is refused, a clean one goes through, vendored
code is left alone.

pre-commit installs the hook as a user would get it: it clones the hook's repository at a
revision, builds a virtualenv and pip-installs the project (and its dependencies, from the
package index) into it. The repository is a snapshot of this checkout's working tree, committed
in a temp folder: `try-repo` on the checkout itself would take only the tracked files (new
modules, and this hook file before it is committed, would be missing). The hook's environment
is built once per session for the commit tests (their `PRE_COMMIT_HOME`), and once more by
`try-repo`, which always builds in a temp folder of its own.

Git runs isolated from the developer's configuration (no global or system config, a fixed
author) and cannot find a repository above the temp folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import write

pytest.importorskip("pre_commit", reason="pre-commit is not installed (the test extra has it)")

ROOT = Path(__file__).resolve().parents[2]
HOOK_ID = "forge-lsp"
# Building the hook's environment downloads the project's dependencies.
INSTALL_TIMEOUT = 900

PASSWORD_PY = 'import pymysql\n\nconn = pymysql.connect(user="app", password="Tr0ub4dor-and-3")\n'
CLEAN_PY = "def add(a, b):\n    return a + b\n"


@dataclass(frozen=True)
class HookRepo:
    path: Path
    rev: str


@dataclass(frozen=True)
class Run:
    returncode: int
    output: str  # stdout and stderr, interleaved


def isolated_env(pre_commit_home: Path, ceiling: Path) -> dict[str, str]:
    """The environment without the caller's git, pre-commit and SKIP variables."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("GIT_", "PRE_COMMIT")) and name != "SKIP"
    }
    env.update(
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CEILING_DIRECTORIES=str(ceiling.resolve()),
        PRE_COMMIT_HOME=str(pre_commit_home),
        PYTHONIOENCODING="utf-8",
    )
    for role in ("AUTHOR", "COMMITTER"):
        env[f"GIT_{role}_NAME"] = "Forge Test"
        env[f"GIT_{role}_EMAIL"] = "forge@example.invalid"
    return env


def run(args: list[str], cwd: Path, env: dict[str, str], timeout: float = 120) -> Run:
    done = subprocess.run(
        args,
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
        timeout=timeout,
    )
    return Run(done.returncode, done.stdout)


def git(repo: Path, env: dict[str, str], *args: str) -> str:
    done = run(["git", *args], repo, env)
    assert done.returncode == 0, f"git {' '.join(args)}: {done.output}"
    return done.output


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """pre-commit's store for the session: the hook's environment is built once."""
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture(scope="session")
def hook_repo(tmp_path_factory: pytest.TempPathFactory, pre_commit_home: Path) -> HookRepo:
    """This checkout's working tree as it is (tracked and untracked files, less the ignored),
    committed in a repository of its own."""
    listed = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        env={k: v for k, v in os.environ.items() if k not in ("GIT_DIR", "GIT_INDEX_FILE")},
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout.decode()
    snapshot = tmp_path_factory.mktemp("hook-repo")
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file() or source.is_symlink():  # not deleted, not a submodule
            (snapshot / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, snapshot / name, follow_symlinks=False)
    assert (snapshot / ".pre-commit-hooks.yaml").is_file()
    env = isolated_env(pre_commit_home, snapshot)
    git(snapshot, env, "init", "-q")
    git(snapshot, env, "add", "-A", "-f")
    git(snapshot, env, "commit", "-q", "--no-verify", "-m", "snapshot")
    return HookRepo(snapshot, git(snapshot, env, "rev-parse", "HEAD").strip())


@pytest.fixture
def team_repo(tmp_path: Path, hook_repo: HookRepo, pre_commit_home: Path) -> Path:
    """A team's repository whose .pre-commit-config.yaml uses the hook, installed as git's
    pre-commit hook."""
    repo = tmp_path / "team"
    repo.mkdir()
    env = isolated_env(pre_commit_home, tmp_path)
    git(repo, env, "init", "-q")
    write(
        repo,
        {
            ".pre-commit-config.yaml": (
                f"repos:\n"
                f"  - repo: {hook_repo.path.as_posix()}\n"
                f"    rev: {hook_repo.rev}\n"
                f"    hooks:\n"
                f"      - id: {HOOK_ID}\n"
            )
        },
    )
    installed = run([sys.executable, "-m", "pre_commit", "install"], repo, env)
    assert installed.returncode == 0, installed.output
    return repo


def commit(repo: Path, pre_commit_home: Path, files: dict[str, str]) -> Run:
    """Stage `files` (and the config) and `git commit`, which runs the hook."""
    env = isolated_env(pre_commit_home, repo.parent)
    write(repo, files)
    git(repo, env, "add", ".pre-commit-config.yaml", *files)
    return run(["git", "commit", "-m", "change"], repo, env, timeout=INSTALL_TIMEOUT)


def committed(repo: Path, pre_commit_home: Path) -> bool:
    env = isolated_env(pre_commit_home, repo.parent)
    return run(["git", "rev-parse", "--verify", "-q", "HEAD"], repo, env).returncode == 0


def test_commit_with_hardcoded_password_is_refused(team_repo: Path, pre_commit_home: Path) -> None:
    done = commit(team_repo, pre_commit_home, {"db.py": PASSWORD_PY})

    assert done.returncode != 0, done.output
    assert "Failed" in done.output, done.output
    assert f"hook id: {HOOK_ID}" in done.output, done.output
    assert "db.py:3:" in done.output, done.output
    assert "FG201" in done.output, done.output
    assert not committed(team_repo, pre_commit_home)


def test_clean_commit_goes_through(team_repo: Path, pre_commit_home: Path) -> None:
    done = commit(team_repo, pre_commit_home, {"app.py": CLEAN_PY, "README.md": "# app\n"})

    assert done.returncode == 0, done.output
    assert "Passed" in done.output, done.output
    assert "FG" not in done.output, done.output
    assert committed(team_repo, pre_commit_home)


def test_vendored_code_is_left_alone(team_repo: Path, pre_commit_home: Path) -> None:
    # Named by pre-commit, and still left out: the hook passes --force-exclude.
    done = commit(
        team_repo,
        pre_commit_home,
        {"vendor/pymysql_helpers.py": PASSWORD_PY, "app.py": CLEAN_PY},
    )

    assert done.returncode == 0, done.output
    assert "Passed" in done.output, done.output  # the hook ran (on app.py), not skipped
    assert "FG201" not in done.output, done.output
    assert committed(team_repo, pre_commit_home)


def test_files_forge_does_not_check_skip_the_hook(team_repo: Path, pre_commit_home: Path) -> None:
    done = commit(team_repo, pre_commit_home, {"README.md": "# app\n", "notes.txt": "todo\n"})

    assert done.returncode == 0, done.output
    assert "(no files to check)Skipped" in done.output, done.output


def test_try_repo(tmp_path: Path, hook_repo: HookRepo, pre_commit_home: Path) -> None:
    """`pre-commit try-repo`, as a hook author tries a hook: only the file with the password
    is reported, the vendored copy of it is not."""
    repo = tmp_path / "team"
    env = isolated_env(pre_commit_home, tmp_path)
    repo.mkdir()
    git(repo, env, "init", "-q")
    files = {"db.py": PASSWORD_PY, "app.py": CLEAN_PY, "vendor/db.py": PASSWORD_PY}
    write(repo, files)
    git(repo, env, "add", *files)

    try_repo = [sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo.path), HOOK_ID]
    done = run(
        [*try_repo, "--files", *files],
        repo,
        env,
        timeout=INSTALL_TIMEOUT,
    )

    assert done.returncode != 0, done.output
    assert "db.py:3:" in done.output, done.output
    assert "FG201" in done.output, done.output
    assert "vendor/db.py" not in done.output, done.output
    assert "app.py" not in done.output, done.output
