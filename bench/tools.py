"""The peers Forge is measured against, each installed by name into a virtual environment of its
own under the user cache folder, so their dependencies never meet Forge's (jedi-language-server
and python-lsp-server pin their own pygls and plugins) and a fresh machine needs only PyPI.

    tool_bin("ruff", "ruff")  ->  ~/.cache/forge-lsp/bench-tools/ruff/bin/ruff

A tool is installed once, on first use, at the version pinned in `PINS`; the report names
the version that ran (`tool_version`).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

# The requirement each peer is installed from. Pinned, so figures from two runs compare.
PINS = {
    "bandit": "bandit==1.9.4",
    "ruff": "ruff==0.17.6",
    "semgrep": "semgrep==1.185.0",
    "jedi-language-server": "jedi-language-server==0.47.0",
    "python-lsp-server": "python-lsp-server[pyflakes,pycodestyle]==1.15.0",
}


def tools_dir() -> Path:
    """Where the peers' environments live (XDG cache, like the rest of Forge's caches)."""
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "forge-lsp" / "bench-tools"


def tool_env(name: str) -> Path:
    """The virtual environment holding `name`, created and installed on first use."""
    env = tools_dir() / name
    marker = env / ".installed"
    if marker.is_file() and marker.read_text() == PINS[name]:
        return env
    print(f"installing {PINS[name]} into {env} (once)", file=sys.stderr, flush=True)
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(env)], check=True)
    pip = [str(env / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    subprocess.run([*pip, PINS[name]], check=True)
    marker.write_text(PINS[name])
    return env


def tool_bin(name: str, executable: str) -> Path:
    """The path of `executable` from the environment of tool `name`."""
    return tool_env(name) / "bin" / executable


def tool_version(name: str) -> str:
    """The installed version of the tool's distribution, as pip reports it."""
    distribution = PINS[name].split("[")[0].split("==")[0]
    python = tool_env(name) / "bin" / "python"
    code = f"import importlib.metadata as m; print(m.version({distribution!r}))"
    result = subprocess.run([str(python), "-c", code], capture_output=True, text=True, check=True)
    return result.stdout.strip()
