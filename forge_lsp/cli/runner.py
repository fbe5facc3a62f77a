"""The `check` command's tasks and its worker pool: one task per file (from `files`, with the
settings `settings` resolves), checked in parallel.

Imported by the CLI only when it checks files: it pulls in the engine, the rules and
tree-sitter, which the server's start-up path must not pay for.

Files are checked in worker processes (forked where the platform allows, so the rules are
loaded once); each worker ignores SIGINT so that Ctrl-C reaches the main process only, which
terminates the pool.

With the result cache (`result_cache`; tasks made with `use_cache`), the main process looks
every file up first, so a run where nothing changed starts no pool at all; only the misses go
to the workers, which hash the bytes they actually checked (a file edited meanwhile is stored
under its new content, never the old), and the main process stores their results at the end.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from forge_lsp.cli import default_excludes, result_cache
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
    use_cache: bool = False  # answer from the result cache when it holds this file's result


def make_tasks(
    arguments: Sequence[str],
    resolver: SettingsResolver,
    force_exclude: bool,
    cwd: Path,
    use_default_excludes: bool = True,
    use_cache: bool = False,
) -> list[Task]:
    """The sorted, de-duplicated tasks for the paths given on the command line; `use_cache`:
    `run` answers them from the result cache where it can (`check` without `--no-cache`)."""
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
                use_cache,
            )
    return sorted(tasks.values(), key=lambda task: task.display)


# --- checking one file (in a worker) ---------------------------------------------------------


def check_file(task: Task) -> FileResult:
    """Check one file; never raises for a bad file (the result says what went wrong)."""
    return _check(task)[0]


def check_file_keyed(task: Task) -> tuple[FileResult, str | None]:
    """`check_file`, with the digest of the bytes it checked (None when it read none), which
    the result cache stores the result under."""
    result, source = _check(task)
    return result, None if source is None else result_cache.content_digest(source)


def _check(task: Task) -> tuple[FileResult, bytes | None]:
    """The result, and the bytes it was computed from when the file was read."""
    spec = languages.for_path(task.path)
    if spec is None:
        return FileResult(task.display, skipped="not a language Forge checks"), None
    try:
        size = os.stat(task.path).st_size
        if size > task.max_file_size:
            note = f"{size} bytes, larger than max-file-size ({task.max_file_size})"
            return FileResult(task.display, skipped=note), None
        with open(task.path, "rb") as handle:
            source = handle.read()
    except OSError as problem:
        return FileResult(task.display, error=problem.strerror or str(problem)), None
    if task.skip_generated and (marker := default_excludes.generated_marker(source)):
        skipped = f"generated (marked '{marker}')"
        return FileResult(task.display, skipped=skipped, generated=True), source
    try:
        checked = checker.check(source, spec, task.selection, path=task.project_path)
    except checker.ParseTooSlow as slow:
        return FileResult(task.display, skipped=slow.reason), source
    identities = fingerprints(source, checked.tree.root_node, spec, checked.findings)
    reported = report_findings(task.display, source, checked.findings, identities)
    return FileResult(task.display, tuple(reported)), source


# --- checking many files ---------------------------------------------------------------------


def _start_worker() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
    gc_tuning.relax()


def _context() -> multiprocessing.context.BaseContext:
    # Fork shares the already imported rules and grammars; macOS and Windows cannot fork safely.
    if sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def run(
    tasks: Sequence[Task], jobs: int, cache: result_cache.ResultCache | None = None
) -> Iterator[FileResult]:
    """Check the tasks, yielding results in the tasks' order; `jobs` > 1 uses a process pool.

    Tasks with `use_cache` are answered from `cache` (by default the user's cache folder, or
    `FORGE_CACHE_DIR`) where it holds their result, and their fresh results are stored."""
    if not any(task.use_cache for task in tasks):
        yield from _map(check_file, tasks, jobs)
        return
    cache = cache or result_cache.ResultCache(result_cache.default_folder())
    found = cache.lookup(tasks)
    misses = [task for task, hit in zip(tasks, found, strict=True) if hit.result is None]
    cache.stats.checked += len(misses)
    checked = _map(check_file_keyed, misses, jobs)
    try:
        for hit in found:
            if hit.result is not None:
                yield hit.result
                continue
            result, digest = next(checked)
            if hit.settings is not None and digest is not None:
                cache.record(hit.settings, digest, result)
            yield result
        for _ in checked:  # nothing is left: lets the pool close and join the normal way
            pass
    finally:
        checked.close()  # stops the pool if the caller stopped early
    cache.save()


_Result = TypeVar("_Result")


def _map(
    function: Callable[[Task], _Result], tasks: Sequence[Task], jobs: int
) -> Generator[_Result, None, None]:
    """`function` over the tasks in their order: in this process for one job, else in a pool."""
    jobs = max(1, min(jobs, len(tasks)))
    if jobs == 1:
        gc_tuning.relax()
        yield from map(function, tasks)
        return
    chunksize = max(1, min(64, len(tasks) // (jobs * 8)))
    pool = _context().Pool(jobs, initializer=_start_worker)
    try:
        yield from pool.imap(function, tasks, chunksize)
        pool.close()
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()
