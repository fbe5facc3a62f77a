"""The `check` command's tasks and its worker pool: one task per file (from `files`, with the
settings `settings` resolves), checked in parallel.

Imported by the CLI only when it checks files: it pulls in the engine, the rules and
tree-sitter, which the server's start-up path must not pay for.

Files are checked in worker processes (forked where the platform allows, so the rules are
loaded once); each worker ignores SIGINT so that Ctrl-C reaches the main process only, which
terminates the pool.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from forge_lsp.cli import default_excludes
from forge_lsp.cli.files import collect_files, display_path
from forge_lsp.cli.settings import SettingsResolver
from forge_lsp.core import gc_tuning, languages
from forge_lsp.engine import checker
from forge_lsp.engine.fingerprints import fingerprints
from forge_lsp.report import FileResult
from forge_lsp.report.convert import report_findings


@dataclass(frozen=True)
class Task:
    """One file to check, with what the worker needs to check it."""

    path: str  # absolute
    display: str  # as reported
    selection: checker.RuleSelection
    max_file_size: int
    explicit: bool = False
    project_path: str | None = None  # relative to the project root: what rules see
    skip_generated: bool = False  # leave the file out when its first lines mark it generated


def make_tasks(
    arguments: Sequence[str],
    resolver: SettingsResolver,
    force_exclude: bool,
    cwd: Path,
    use_default_excludes: bool = True,
) -> list[Task]:
    """The sorted, de-duplicated tasks for the paths given on the command line."""
    tasks: dict[str, Task] = {}
    found = collect_files(arguments, resolver, force_exclude, use_default_excludes)
    for path, explicit in found:
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
                use_default_excludes and (force_exclude or not explicit),
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
    if task.skip_generated and (marker := default_excludes.generated_marker(source)):
        return FileResult(task.display, skipped=f"generated (marked '{marker}')", generated=True)
    try:
        checked = checker.check(source, spec, task.selection, path=task.project_path)
    except checker.ParseTooSlow as slow:
        return FileResult(task.display, skipped=slow.reason)
    identities = fingerprints(source, checked.tree.root_node, spec, checked.findings)
    reported = report_findings(task.display, source, checked.findings, identities)
    return FileResult(task.display, tuple(reported))


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
