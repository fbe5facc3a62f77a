"""What the real-editor tests share: the Claude scenario (a file, the selection, the fake
Messages API's scripted review and answer) and what counts as a problem in a server's stderr."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
FAKE_API = REPO / "tests" / "support" / "fake_messages_api.py"

CLAUDE_SOURCE = """\
import requests


def fetch(url):
    response = requests.get(url, timeout=5)
    cursor.execute("SELECT * FROM users WHERE name = '" + url + "'")
    return response.json()


def other():
    return 1
"""
CLAUDE_FILE_LINES = "4,7"  # fetch(), 1-based, as a user selects it
CLAUDE_FINDING = {
    "category": "error-handling",
    "severity": "warning",
    "confidence": 0.9,
    "quote": "return response.json()",
    "title": "A non-JSON error page raises an unhandled ValueError",
    "explanation": "Check `response.raise_for_status()` before decoding.",
}
ANSWER = """\
**`fetch` is safe to call under load once errors are checked:** it has a timeout.

### What goes wrong today

- A `5xx` error page is decoded as JSON and raises `ValueError`.
"""
KEY = "sk-ant-api03-forge-editor-test-key-0123456789abcdefghijklmnopqrstuvwxyz"


def protocol_problems_in_stderr(text: str) -> list[str]:
    """The server's stderr lines at WARNING or above, and tracebacks."""
    pattern = re.compile(r"\b(WARNING|ERROR|CRITICAL)\b|Traceback")
    return [line for line in text.splitlines() if pattern.search(line)]


def write_shim(bin_dir: Path) -> None:
    """`forge-lsp` on PATH running `python -m forge_lsp` with the interpreter running the
    tests, so the README's snippets run verbatim against the code under test."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    shim = bin_dir / "forge-lsp"
    shim.write_text(
        f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -m forge_lsp "$@"\n', encoding="utf-8"
    )
    shim.chmod(0o755)


@contextmanager
def fake_messages_api(base: Path) -> Iterator[str]:
    """The project's fake Messages API, standalone: the review's findings (as the request asks
    for them), then the answer."""
    script = base / "replies.json"
    review = {"structured": {"findings": [CLAUDE_FINDING]}}
    script.write_text(json.dumps([review]), encoding="utf-8")
    answer = base / "answer.md"
    answer.write_text(ANSWER, encoding="utf-8")
    command = [sys.executable, str(FAKE_API), "--port", "0", "--script", str(script)]
    proc = subprocess.Popen(
        [*command, "--answer-file", str(answer)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        found = re.search(r"listening on (http://\S+)", line)
        assert found, f"the fake Messages API did not start: {line!r}"
        yield found.group(1)
    finally:
        proc.terminate()
        proc.wait(5)


@dataclass(frozen=True)
class EditorProject:
    """A throwaway project for one editor run, and the isolated environment to run it in."""

    root: Path
    py_file: Path
    claude_file: Path
    xdg: dict[str, Path]
    env: dict[str, str]


def editor_project(base: Path, python_source: str, editor_prefix: str) -> EditorProject:
    """A project (pyproject.toml, app.py, the Claude scenario's service.py) under `base`; a
    `forge-lsp` shim on PATH; XDG folders of its own (the server's cache and data, the editor's
    state and config); no ANTHROPIC_* or `editor_prefix`* variables from the test's own
    environment, and the test key."""
    root = base / "project"
    root.mkdir()
    (root / "pyproject.toml").write_text('[project]\nname = "demo"\n', encoding="utf-8")
    py_file = root / "app.py"
    py_file.write_text(python_source, encoding="utf-8")
    claude_file = root / "service.py"
    claude_file.write_text(CLAUDE_SOURCE, encoding="utf-8")
    bin_dir = base / "bin"
    write_shim(bin_dir)
    names = ("XDG_CACHE_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME")
    xdg = {name: base / name.lower() for name in names}
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANTHROPIC_", editor_prefix))}
    env |= {name: str(path) for name, path in xdg.items()}
    env |= {
        "PATH": f"{bin_dir}{os.pathsep}{env.get('PATH', '')}",
        "FORGE_PY_FILE": str(py_file),
        "FORGE_CLAUDE_FILE": str(claude_file),
        "FORGE_CLAUDE_LINES": CLAUDE_FILE_LINES,
        "FORGE_LOG_LEVEL": "INFO",
        "ANTHROPIC_API_KEY": KEY,
    }
    return EditorProject(root, py_file, claude_file, xdg, env)


def run_editor(
    command: list[str], project: EditorProject, base: Path
) -> tuple[subprocess.CompletedProcess[str], float]:
    """Run the editor's harness against the fake Messages API; the process and its seconds."""
    env = dict(project.env)
    with fake_messages_api(base) as base_url:
        env["ANTHROPIC_BASE_URL"] = base_url
        started = time.perf_counter()
        proc = subprocess.run(
            command,
            cwd=project.root,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        return proc, time.perf_counter() - started
