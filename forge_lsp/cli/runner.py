"""The `check` command's machinery: find files, resolve their settings, check them in parallel.

Imported by the CLI only when it checks files: it pulls in the engine, the rules and
tree-sitter, which the server's start-up path must not pay for.

Decisions:

- Files named on the command line are checked even when ``.gitignore`` or the project's
  ``exclude`` globs leave them out (as ruff does); ``--force-exclude`` applies both to them too.
- ``--select`` replaces the project's ``select`` *and* ``ignore`` (the command line says what
  runs); ``--ignore`` adds to whatever ``ignore`` is in effect.
- Files are checked in worker processes (forked where the platform allows, so the rules are
  loaded once); each worker ignores SIGINT so that Ctrl-C reaches the main process only, which
  terminates the pool.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import signal
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from forge_lsp import config
from forge_lsp.cli import walk
from forge_lsp.cli.errors import UsageError
from forge_lsp.core import gc_tuning, languages
from forge_lsp.engine import checker
from forge_lsp.report import FileResult
from forge_lsp.report.convert import report_findings
from forge_lsp.rules import registry

_CODE = re.compile(r"^FG\d{0,3}$")


@dataclass(frozen=True)
class Task:
    """One file to check, with what the worker needs to check it."""

    path: str  # absolute
    display: str  # as reported
    selection: checker.RuleSelection
    max_file_size: int
    explicit: bool = False
    project_path: str | None = None  # relative to the project root: what rules see


@dataclass
class Warnings:
    """Prints each warning or note once, to stderr."""

    seen: set[str] = field(default_factory=set)

    def warn(self, message: str, kind: str = "warning") -> None:
        if message not in self.seen:
            self.seen.add(message)
            print(f"forge-lsp: {kind}: {message}", file=sys.stderr)


# --- rule codes on the command line ----------------------------------------------------------


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


# --- settings --------------------------------------------------------------------------------


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
    ) -> None:
        self._select = select
        self._ignore = ignore or ()
        self._fixed = load_config_file(config_file) if config_file else None
        self._warnings = warnings
        self._by_folder: dict[Path, config.Settings] = {}
        self._by_project: dict[Path | None, config.Settings] = {}

    def for_folder(self, folder: Path) -> config.Settings:
        """The settings governing the files of `folder` (an absolute path)."""
        settings = self._by_folder.get(folder)
        if settings is None:
            project = self._fixed or config.find_project_config(folder)
            settings = self._by_folder[folder] = self._for_project(project)
        return settings

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
        if self._select is not None:
            return {"select": self._select, "ignore": self._ignore}
        if self._ignore:
            return {"ignore": (*values.get("ignore", ()), *self._ignore)}
        return {}

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


# --- finding files ---------------------------------------------------------------------------


def absolute(path: str | Path) -> Path:
    """An absolute, normalized path (symbolic links kept, so reported paths look familiar)."""
    return Path(os.path.abspath(path))


def display_path(path: Path, cwd: Path) -> str:
    """`path` relative to the current folder when it lies under it, else absolute."""
    try:
        return path.relative_to(cwd).as_posix()
    except ValueError:
        return str(path)


def collect_files(
    arguments: Sequence[str], resolver: SettingsResolver, force_exclude: bool
) -> Iterator[tuple[Path, bool]]:
    """Every file to check, with whether it was named explicitly; UsageError for missing paths."""
    roots = [absolute(argument) for argument in arguments]
    missing = [arg for arg, root in zip(arguments, roots, strict=True) if not root.exists()]
    if missing:
        raise UsageError(f"no such file or folder: {', '.join(missing)}")
    for root in roots:
        if root.is_dir():
            for path in walk.walk(root, _has_language, resolver.excluded):
                yield path, False
        elif not force_exclude or not _force_excluded(root, resolver):
            yield root, True


def _has_language(path: Path) -> bool:
    return languages.for_path(path) is not None


def _force_excluded(path: Path, resolver: SettingsResolver) -> bool:
    if walk.is_path_ignored(path):
        return True
    return resolver.excluded(path)


def make_tasks(
    arguments: Sequence[str], resolver: SettingsResolver, force_exclude: bool, cwd: Path
) -> list[Task]:
    """The sorted, de-duplicated tasks for the paths given on the command line."""
    tasks: dict[str, Task] = {}
    for path, explicit in collect_files(arguments, resolver, force_exclude):
        settings = resolver.for_folder(path.parent)
        key = str(path)
        if key not in tasks:
            tasks[key] = Task(
                key,
                display_path(path, cwd),
                settings.selection(),
                settings.max_file_size,
                explicit,
                settings.project_path(path),
            )
    return sorted(tasks.values(), key=lambda task: task.display)


# --- checking one file (in a worker) ---------------------------------------------------------


def check_file(task: Task) -> FileResult:
    """Check one file; never raises for a bad file (the result says what went wrong)."""
    spec = languages.for_path(task.path)
    if spec is None:
        return FileResult(task.display, skipped="not a language Forge checks")
    try:
        size = os.stat(task.path).st_size
        if size > task.max_file_size:
            note = f"{size} bytes, larger than max-file-size ({task.max_file_size})"
            return FileResult(task.display, skipped=note)
        with open(task.path, "rb") as handle:
            source = handle.read()
    except OSError as problem:
        return FileResult(task.display, error=problem.strerror or str(problem))
    findings = checker.check(source, spec, task.selection, path=task.project_path).findings
    return FileResult(task.display, tuple(report_findings(task.display, source, findings)))


# --- checking many files ---------------------------------------------------------------------


def _start_worker() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
    gc_tuning.relax()


def _context() -> multiprocessing.context.BaseContext:
    # Fork shares the already imported rules and grammars; macOS and Windows cannot fork safely.
    if sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def run(tasks: Sequence[Task], jobs: int) -> Iterator[FileResult]:
    """Check the tasks, yielding results in the tasks' order; `jobs` > 1 uses a process pool."""
    jobs = max(1, min(jobs, len(tasks)))
    if jobs == 1:
        gc_tuning.relax()
        yield from map(check_file, tasks)
        return
    chunksize = max(1, min(64, len(tasks) // (jobs * 8)))
    pool = _context().Pool(jobs, initializer=_start_worker)
    try:
        yield from pool.imap(check_file, tasks, chunksize)
        pool.close()
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()
