"""The settings each open document is checked with: editor layers plus its project file.

Each problem is reported once per session, naming the setting, and the defaults or lower layers
are used instead.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from forge_lsp import config


class SettingsStore:
    """Holds the editor's settings and resolves the effective settings for a path."""

    def __init__(self, report: Callable[[list[str]], None]) -> None:
        self._report = report
        self._init_options: dict[str, Any] = {}
        self._workspace: dict[str, Any] = {}
        self._reported: set[str] = set()
        self.generation = 0  # bumped on every change, so cached results know they are stale

    def set_editor(
        self, init_options: object | None = None, workspace: object | None = None
    ) -> None:
        """Replace the editor layers (`None` keeps a layer as it is); validate and report."""
        problems: list[str] = []
        if init_options is not None:
            loaded = config.parse(init_options, "initializationOptions")
            self._init_options, problems = loaded.values, problems + loaded.errors
        if workspace is not None:
            loaded = config.parse(workspace, "forge")
            self._workspace, problems = loaded.values, problems + loaded.errors
        editor = config.combine(self._init_options, self._workspace)
        _, option_problems = config.validate_rule_options(editor, "forge")
        self._report_once(problems + option_problems)
        self.generation += 1

    @property
    def debounce_seconds(self) -> float:
        """The editor's debounce for checks after a change (project files do not set it)."""
        editor = config.combine(self._init_options, self._workspace)
        return editor.debounce_ms / 1000

    def invalidate(self) -> None:
        """A project file changed on disk."""
        self.generation += 1

    def for_path(self, path: Path | None) -> config.Settings:
        """Effective settings for a document (blocking file IO: call it off the event loop)."""
        project = config.find_project_config(path) if path is not None else config.NO_PROJECT
        user = config.user_config()
        settings = config.combine(
            user.values,
            self._init_options,
            self._workspace,
            project.loaded.values,
            root=project.root,
        )
        origin = str(project.path) if project.path else "forge"
        settings, option_problems = config.validate_rule_options(settings, origin)
        self._report_once(user.errors + project.loaded.errors + option_problems)
        return settings

    def _report_once(self, problems: list[str]) -> None:
        fresh = [p for p in problems if p not in self._reported]
        if fresh:
            self._reported.update(fresh)
            self._report(fresh)
