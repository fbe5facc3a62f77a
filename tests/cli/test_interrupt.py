"""Ctrl-C during a big check: exit 130, no traceback, no worker left behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

# About a million lines: several seconds of work even on a fast machine.
BODY = "def f(x):\n    try:\n        return g(x)\n    except ValueError:\n        raise\n\n" * 600


@pytest.fixture(scope="module")
def big_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("big")
    for folder in range(6):
        sub = root / f"pkg{folder}"
        sub.mkdir()
        for module in range(50):
            (sub / f"m{module}.py").write_text(BODY)
    return root


@pytest.mark.parametrize("jobs", ["2", "1"])
def test_sigint_stops_cleanly(big_tree, jobs):
    process = subprocess.Popen(
        [sys.executable, "-m", "forge_lsp", "check", ".", "--jobs", jobs],
        cwd=big_tree,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, to look for leftover workers
        # A background job (`.ci/run &`) inherits SIGINT ignored, and so would the CLI: give
        # it the default disposition a terminal's Ctrl-C meets.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    time.sleep(1.5)
    if process.poll() is not None:
        pytest.fail("the check finished before it could be interrupted: make the tree bigger")
    process.send_signal(signal.SIGINT)
    _stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert "KeyboardInterrupt" not in stderr
    time.sleep(0.2)
    with pytest.raises(ProcessLookupError):
        os.killpg(process.pid, 0)  # every worker of the group is gone
