"""Helpers for the command-line tests: run the real CLI in a subprocess on temp trees."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from forge_lsp.rules import registry

SWALLOWED_PY = "try:\n    x()\nexcept Exception:\n    pass\n"
CLEAN_PY = "def f():\n    return 1\n"


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


def run_cli(*args: str, cwd: Path, timeout: float = 120) -> Result:
    """Run ``python -m forge_lsp ARGS`` in `cwd`."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run(
        [sys.executable, "-m", "forge_lsp", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        env=env,
    )
    return Result(done.returncode, done.stdout, done.stderr)


def write(root: Path, files: dict[str, str | bytes]) -> None:
    """Create files (and their folders) under `root`."""
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


@pytest.fixture
def cli(tmp_path: Path) -> Callable[..., Result]:
    """Run the CLI in the test's temp folder."""

    def run(*args: str, timeout: float = 120) -> Result:
        return run_cli(*args, cwd=tmp_path, timeout=timeout)

    return run


@pytest.fixture
def needs_fg301() -> None:
    """Skip tests that trigger findings with FG301 while that rule does not exist."""
    if registry.get("FG301") is None:
        pytest.skip("FG301 is not registered")
