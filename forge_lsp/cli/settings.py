"""The command line's settings: each folder's project file (or ``--config``) combined with the
user's file and the command line's ``--select``, ``--ignore`` and ``--min-confidence``, with
every problem warned about once on stderr.

``--select`` replaces the project's ``select`` *and* ``ignore`` (the command line says what
runs); ``--ignore`` adds to whatever ``ignore`` is in effect; ``--min-confidence`` replaces
``minConfidence``.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from forge_lsp import config
from forge_lsp.cli.errors import UsageError
from forge_lsp.rules import registry

_CODE = re.compile(r"^FG\d{0,3}$")


@dataclass
class Warnings:
    """Prints each warning or note once, to stderr."""

    seen: set[str] = field(default_factory=set)

    def warn(self, message: str, kind: str = "warning") -> None:
        if message not in self.seen:
            self.seen.add(message)
            print(f"forge-lsp: {kind}: {message}", file=sys.stderr)


def parse_codes(values: Sequence[str] | None, flag: str) -> tuple[str, ...] | None:
    """Codes and prefixes from repeated, comma-separated flags; UsageError for unknown ones."""
    if values is None:
        return None
    codes = tuple(
        code.strip().upper() for value in values for code in value.split(",") if code.strip()
    )
    known = [rule.code for rule in registry.all_rules()]
    for code in codes:
        if not _CODE.match(code):
            raise UsageError(f"{flag}: {code!r} is not a rule code or prefix (like FG101 or FG1)")
        if code != "FG" and not any(k.startswith(code) for k in known):
            raise UsageError(f"{flag}: unknown rule code {code!r} (see `forge-lsp rules`)")
    return codes


def load_config_file(path: Path) -> config.ProjectConfig:
    """A ``--config`` file: a ``forge.toml``, or a ``pyproject.toml`` with ``[tool.forge]``."""
    try:
        data = config.load_toml(path)
    except (OSError, UnicodeDecodeError) as problem:
        raise UsageError(f"--config: cannot read {path}: {problem}") from None
    except ValueError as problem:
        raise UsageError(f"--config: {path} is not valid TOML: {problem}") from None
    return config.project_config_from(path, data) or config.ProjectConfig(
        path, config.parse(None, f"{path} [tool.forge]")
    )


class SettingsResolver:
    """The settings of every folder: its project config combined with the command line."""

    def __init__(
        self,
        select: tuple[str, ...] | None,
        ignore: tuple[str, ...] | None,
        config_file: Path | None,
        warnings: Warnings,
        min_confidence: str | None = None,
    ) -> None:
        self._select = select
        self._ignore = ignore or ()
        self._min_confidence = min_confidence
        self._fixed = load_config_file(config_file) if config_file else None
        self._warnings = warnings
        self._by_folder: dict[Path, config.Settings] = {}
        self._by_project: dict[Path | None, config.Settings] = {}
        self._projects: dict[Path, config.ProjectConfig] = {}

    def for_folder(self, folder: Path) -> config.Settings:
        """The settings governing the files of `folder` (an absolute path)."""
        settings = self._by_folder.get(folder)
        if settings is None:
            project = self._fixed or self._project(folder)
            settings = self._by_folder[folder] = self._for_project(project)
        return settings

    def _project(self, folder: Path) -> config.ProjectConfig:
        """`config.find_project_config(folder)`, each folder asked once: a walk of thousands
        of folders otherwise stats the same folders above them again and again."""
        found = self._projects.get(folder)
        if found is None:
            here = config.project_config_in(folder) if folder.is_dir() else None
            if here is None:
                parent = folder.parent
                here = self._project(parent) if parent != folder else config.NO_PROJECT
            found = self._projects[folder] = here
        return found

    def _for_project(self, project: config.ProjectConfig) -> config.Settings:
        settings = self._by_project.get(project.path)
        if settings is None:
            values = project.loaded.values
            user = config.user_config()
            combined = config.combine(
                user.values, values, self._overrides(values), root=project.root
            )
            origin = str(project.path) if project.path else "settings"
            settings, errors = config.validate_rule_options(combined, origin)
            for message in [*user.errors, *project.loaded.errors, *errors]:
                self._warnings.warn(message)
            self._by_project[project.path] = settings
        return settings

    def _overrides(self, values: dict[str, Any]) -> dict[str, Any]:
        overrides: dict[str, Any] = {}
        if self._min_confidence is not None:
            overrides["min_confidence"] = self._min_confidence
        if self._select is not None:
            overrides |= {"select": self._select, "ignore": self._ignore}
        elif self._ignore:
            overrides["ignore"] = (*values.get("ignore", ()), *self._ignore)
        return overrides

    def excluded(self, path: Path, is_dir: bool = False) -> bool:
        """Whether the `exclude` globs of the project governing `path` leave it (or a folder
        above it, up to the project's root) out. `is_dir` is accepted for `walk.ExcludeFn`."""
        settings = self.for_folder(path.parent)
        if not settings.exclude or settings.root is None:
            return False
        try:
            relative = path.relative_to(settings.root).as_posix()
        except ValueError:
            return False
        return config.excluded(relative, settings.exclude)
