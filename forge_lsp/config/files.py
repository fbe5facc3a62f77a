"""Where settings files are found and read: the project's and the user's own.

The project file is the nearest ``pyproject.toml`` with a ``[tool.forge]`` table, or a
``forge.toml`` (preferred when both sit in the same folder); the user's file is ``forge.toml``
in the user config folder. Both are cached by modification time, so an unchanged file costs one
``stat``.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from forge_lsp.config.schema import Loaded
from forge_lsp.config.settings import parse

PROJECT_FILES = ("forge.toml", "pyproject.toml")


@dataclass(frozen=True)
class ProjectConfig:
    """The `[tool.forge]` table (or `forge.toml`) that governs a folder, if any."""

    path: Path | None
    loaded: Loaded

    @property
    def root(self) -> Path | None:
        return self.path.parent if self.path else None


NO_PROJECT = ProjectConfig(None, Loaded({}, []))
USER_FILE = "forge.toml"


def user_config_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_config_dir("forge-lsp")) / USER_FILE


def user_config() -> Loaded:
    """The user's own settings file, if there is one (trusted: it is the user's)."""
    path = user_config_path()
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        return Loaded({}, [])
    return _read_user_file(path, mtime)


@lru_cache(maxsize=4)
def _read_user_file(path: Path, mtime_ns: int) -> Loaded:
    try:
        data = load_toml(path)
    except (OSError, UnicodeDecodeError, ValueError) as problem:
        return Loaded({}, [f"{path}: cannot be read as TOML ({problem})"])
    return parse(data, str(path))


def find_project_config(start: Path) -> ProjectConfig:
    """The nearest project file with Forge settings, from `start` (a file or folder) upwards."""
    folder = start if start.is_dir() else start.parent
    for directory in (folder, *folder.parents):
        config = project_config_in(directory)
        if config is not None:
            return config
    return NO_PROJECT


def project_config_in(directory: Path) -> ProjectConfig | None:
    """The project file with Forge settings in `directory` itself, if there is one (a walk that
    remembers each folder's answer asks this once per folder, not once per folder above)."""
    for name in PROJECT_FILES:
        candidate = directory / name
        try:
            mtime = candidate.stat().st_mtime_ns
        except OSError:
            continue
        config = _read_project_file(candidate, mtime)
        if config is not None:
            return config
    return None


def load_toml(path: Path) -> dict[str, Any]:
    """A TOML file's table; OSError, UnicodeDecodeError or ValueError when it cannot be read."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10 only
        import tomli as tomllib
    return tomllib.loads(path.read_text(encoding="utf-8"))


def project_config_from(path: Path, data: dict[str, Any]) -> ProjectConfig | None:
    """The Forge settings of a parsed project file; None for a pyproject without [tool.forge]."""
    if path.name == "pyproject.toml":
        tool = data.get("tool")
        if not isinstance(tool, dict) or "forge" not in tool:
            return None
        return ProjectConfig(path, parse(tool["forge"], f"{path} [tool.forge]", project=True))
    return ProjectConfig(path, parse(data, str(path), project=True))


@lru_cache(maxsize=256)
def _read_project_file(path: Path, mtime_ns: int) -> ProjectConfig | None:
    # Keyed by mtime so an edited file is re-read and an unchanged one costs one stat.
    try:
        data = load_toml(path)
    except (OSError, UnicodeDecodeError, ValueError) as problem:
        return ProjectConfig(path, Loaded({}, [f"{path}: cannot be read as TOML ({problem})"]))
    return project_config_from(path, data)
