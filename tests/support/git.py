"""Real git in a test's throwaway repository, isolated from the developer's own git config."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

# No global or system config (a signing key, hooks, another default branch), a fixed author.
ISOLATED = {
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.com",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.com",
}


def git(root: Path, *args: str) -> None:
    """Run ``git ARGS`` in `root`; a failure fails the test."""
    env = {**os.environ, **ISOLATED}
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)
