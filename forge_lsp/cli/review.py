"""`forge-lsp review [PATH...] [--base REF | --staged]`: Claude reviews a change, not files.

What changed comes from git (`core.git_changes`): the working tree against ``HEAD`` by default
(staged and unstaged edits, untracked files), against ``--base REF`` (a pull request's base), or
the index against ``HEAD`` with ``--staged`` (what the next commit holds, read from the index).
Each changed range goes with the function around it (`ai.change_review.regions`), and no context
lines beyond it, as one review through the same pipeline as an editor's "Review selection":
`exclude` and `claude.exclude`, redaction, relative paths and the project's instructions apply, and
`--preview` prints every request instead of sending it. Unchanged files are never sent.

Before anything is sent, stderr says how much will go (files, regions, lines) and what it may
cost at most; a change over `--max-files` or `--max-lines` is refused whole, with what to do.
Findings that touch no changed line are dropped and counted. The report formats are those of
`check`.

Exit codes: 0 no finding (or previewed); 1 findings; 2 a usage error, Claude off or no key, a
change over the caps or the daily budget; 3 a review failed (the others are still reported).
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from forge_lsp.cli.errors import EXIT_CLAUDE_FAILED, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError

if TYPE_CHECKING:
    from forge_lsp.ai.change_review import ChangedFile, Region
    from forge_lsp.ai.pipeline import Prepared
    from forge_lsp.ai.service import ClaudeService
    from forge_lsp.cli.settings import SettingsResolver
    from forge_lsp.config import Settings
    from forge_lsp.report import Reported

DEFAULT_MAX_FILES = 20
DEFAULT_MAX_LINES = 1_500
CONCURRENT_REVIEWS = 4


@dataclass(frozen=True)
class Options:
    """The command line of `review`."""

    paths: tuple[str, ...]
    base: str | None
    staged: bool
    model: str | None
    max_files: int
    max_lines: int
    preview: bool
    yes: bool
    quiet: bool


@dataclass
class Outcome:
    """Every region's findings on changed lines, and what was dropped or failed."""

    findings: list[Reported] = field(default_factory=list)
    reviewed: int = 0
    dropped: int = 0  # findings that touch no changed line
    failures: int = 0


def run(options: Options, resolver: SettingsResolver, out: TextIO) -> tuple[list[Reported], int]:
    """Review the change; returns the findings and the exit code (before the report)."""
    from forge_lsp.cli.files import absolute

    cwd = absolute(os.getcwd())
    files = _changed_files(options, resolver, cwd)
    if not files:
        _say("nothing to review: no change in Forge's languages" + _since(options), "note")
        return [], EXIT_OK
    regions = sum(len(f.regions) for f in files)
    lines = sum(r.line_count for f in files for r in f.regions)
    if len(files) > options.max_files or lines > options.max_lines:
        _say(
            f"the change is {lines:,} lines to send in {len(files)} files, over --max-lines "
            f"({options.max_lines:,}) or --max-files ({options.max_files}). Nothing was sent: "
            "review part of it (name folders or files), or raise the caps."
        )
        return [], EXIT_USAGE
    return asyncio.run(_review(options, files, regions, lines, cwd, out))


def _since(options: Options) -> str:
    if options.staged:
        return " is staged"
    return f" since {options.base}" if options.base else " since HEAD"


def _changed_files(options: Options, resolver: SettingsResolver, cwd: Path) -> list[ChangedFile]:
    """The changed files under the paths, in Forge's languages, that may be sent."""
    from forge_lsp.ai.change_review import NotSent, changed_file
    from forge_lsp.cli.files import absolute, display_path
    from forge_lsp.config.terminal import for_terminal
    from forge_lsp.core.git_changes import ChangesError, changed_lines

    roots = [absolute(p) for p in options.paths]
    missing = [p for p, root in zip(options.paths, roots, strict=True) if not root.exists()]
    if missing:
        raise UsageError(f"no such file or folder: {', '.join(missing)}")
    option = "--base" if options.base else "--staged" if options.staged else "review"
    try:
        changes = changed_lines(
            roots,
            options.base or "HEAD",
            staged=options.staged,
            option=option,
            instead="run it inside a git repository (`forge-lsp ask` reviews any file)",
        )
    except ChangesError as problem:
        raise UsageError(str(problem)) from None

    def settings_for(path: Path) -> Settings:
        settings = resolver.for_folder(path.parent)
        return replace(settings, claude=for_terminal(settings.claude, os.environ, options.model))

    found = []
    for path, changed in changes.changed_files():
        try:
            file = changed_file(path, changed, settings_for, roots, staged=options.staged)
        except NotSent as problem:
            _say(f"{display_path(path, cwd)} is not reviewed: {problem}", "note")
            continue
        if file is not None:
            found.append(file)
    return [file for file in found if file.regions]


async def _review(
    options: Options,
    files: Sequence[ChangedFile],
    regions: int,
    lines: int,
    cwd: Path,
    out: TextIO,
) -> tuple[list[Reported], int]:
    from forge_lsp.ai.payload import preview_markdown
    from forge_lsp.ai.service import ClaudeService

    claude = files[0].settings.claude
    if not options.preview and not claude.is_on(os.environ):
        from forge_lsp.config.terminal import setup_hint

        _say(setup_hint(claude))
        return [], EXIT_USAGE
    prepared = await _prepare_all(options, files, cwd)
    if options.preview:
        for _, _, job in prepared:
            out.write(preview_markdown("review", job.payload))
        out.flush()
        return [], EXIT_OK
    if not options.quiet:
        _say(_size_and_cost(prepared, len(files), regions, lines), "note")
    service = ClaudeService.for_user(os.environ)
    try:
        budget = await _budget(service, prepared)
        if budget is not None and not options.yes:
            _say(f"{budget} Nothing was sent: run again with --yes to send it.")
            return [], EXIT_USAGE
        outcome = await _send_all(service, prepared)
    finally:
        await service.close()
    if not options.quiet:
        _say(_told(outcome, len(files)), "note")
    if outcome.failures:
        return outcome.findings, EXIT_CLAUDE_FAILED
    return outcome.findings, EXIT_FINDINGS if outcome.findings else EXIT_OK


async def _prepare_all(
    options: Options, files: Sequence[ChangedFile], cwd: Path
) -> list[tuple[ChangedFile, Region, Prepared]]:
    """Each region as a prepared review, told what the whole change touches."""
    from forge_lsp.ai import change_review

    prepared = await change_review.prepare(
        files, (cwd,), os.environ, needs_claude=not options.preview
    )
    for problem in {job.instructions_problem for _, _, job in prepared} - {None}:
        _say(str(problem), "warning")
    return prepared


def _size_and_cost(
    prepared: Sequence[tuple[ChangedFile, Region, Prepared]],
    files: int,
    regions: int,
    lines: int,
) -> str:
    """What is about to be sent, and the most it can cost (every token of every answer)."""
    from forge_lsp.ai.service import most_cost

    characters = sum(job.payload.characters() for _, _, job in prepared)
    most = sum(most_cost(job.settings.claude, job.payload) for _, _, job in prepared)
    model = prepared[0][2].payload.request.model
    return (
        f"sending {regions} region{'s' * (regions != 1)} of {files} file{'s' * (files != 1)} "
        f"({lines:,} lines, {characters:,} characters with Forge's prompt) to {model}; "
        f"at most ${most:.2f} if every answer used its whole output budget"
    )


async def _budget(
    service: ClaudeService, prepared: Sequence[tuple[ChangedFile, Region, Prepared]]
) -> str | None:
    from forge_lsp.ai import pipeline

    for _, _, job in prepared:
        question = await pipeline.over_budget(service, job)
        if question is not None:
            return question.removesuffix(" Send it anyway?")
    return None


async def _send_all(
    service: ClaudeService, prepared: Sequence[tuple[ChangedFile, Region, Prepared]]
) -> Outcome:
    from forge_lsp.ai import pipeline
    from forge_lsp.ai.change_review import on_changed_lines
    from forge_lsp.ai.failures import ClaudeFailure
    from forge_lsp.report.convert import report_findings

    gate = asyncio.Semaphore(CONCURRENT_REVIEWS)
    outcome = Outcome()

    async def one(file: ChangedFile, region: Region, job: Prepared) -> None:
        async with gate:
            try:
                reviewed = await pipeline.review(service, job)
            except ClaudeFailure as failure:
                outcome.failures += 1
                where = f"{_shown(file)}:{region.start + 1}-{region.end + 1}"
                _say(f"Claude's review of {where} failed: {failure.message}")
                return
        outcome.reviewed += 1
        kept = [f for f in reviewed.outcome.findings if on_changed_lines(f, region.changed)]
        outcome.dropped += len(reviewed.outcome.findings) - len(kept)
        outcome.findings.extend(report_findings(_shown(file), file.source, kept))

    await asyncio.gather(*(one(file, region, job) for file, region, job in prepared))
    outcome.findings.sort(key=lambda f: f.sort_key())
    return outcome


def _shown(file: ChangedFile) -> str:
    """The file's path as reported: relative to the current folder when under it."""
    from forge_lsp.cli.files import absolute, display_path

    return display_path(file.path, absolute(os.getcwd()))


def _told(outcome: Outcome, files: int) -> str:
    found = len(outcome.findings)
    told = (
        f"Claude reviewed {outcome.reviewed} region{'s' * (outcome.reviewed != 1)} of "
        f"{files} file{'s' * (files != 1)} and found {found} issue{'s' * (found != 1)} on "
        "changed lines"
    )
    if outcome.dropped:
        told += f"; {outcome.dropped} on unchanged lines dropped"
    return told


def _say(message: str, kind: str = "error") -> None:
    print(f"forge-lsp: {kind}: {message}", file=sys.stderr, flush=True)
