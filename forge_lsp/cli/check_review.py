"""`forge-lsp check --ai`: Claude reviews each checked file after the offline check.

Each file goes whole as the selection of one review (the same request as "Review selection"
in an editor, through the same pipeline: `forge_lsp.ai.pipeline`), a few at a time. Files
whose code may not leave the machine (`exclude`, `claude.exclude`, or a project that turns
Claude off) are never sent; files over `--ai-max-lines` are skipped with a note, and at most
`--ai-max-files` files are reviewed, in the report's order. The findings (codes ``FGC...``,
source ``forge (claude)``) become `Reported` records like the rules' findings, so every report
format and ``--statistics`` carry them.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from forge_lsp.config.terminal import for_terminal, setup_hint

if TYPE_CHECKING:
    from forge_lsp.ai.pipeline import Refusal
    from forge_lsp.ai.service import ClaudeService
    from forge_lsp.config import Settings
    from forge_lsp.report import Reported, RuleInfo

CONCURRENT_REVIEWS = 4
DEFAULT_MAX_LINES = 800
DEFAULT_MAX_FILES = 20


@dataclass(frozen=True)
class ReviewFile:
    """A checked file Claude may review."""

    path: Path  # absolute
    display: str
    settings: Settings


@dataclass
class AiResult:
    """Claude's findings over all reviewed files, what was left out, and what failed."""

    findings: list[Reported]
    reviewed: int = 0
    failures: int = 0


def review_files(
    files: Sequence[ReviewFile],
    *,
    max_lines: int,
    max_files: int,
    model: str | None,
    note: Callable[[str], None],
    warn: Callable[[str], None],
) -> AiResult:
    """Review `files` (already checked offline, in report order) and return the findings."""
    from forge_lsp.ai import pipeline

    cwd = Path(os.getcwd())
    eligible: list[tuple[ReviewFile, bytes]] = []
    for file in files:
        settings = replace(
            file.settings, claude=for_terminal(file.settings.claude, os.environ, model)
        )
        file = replace(file, settings=settings)
        refused = pipeline.refusal(pipeline.Subject(settings, file.path, (cwd,)), os.environ)
        if refused is not None:
            note(f"Claude did not review {file.display}: {_refused(refused, settings)}")
            continue
        try:
            source = file.path.read_bytes()
        except OSError as problem:
            warn(f"Claude did not review {file.display}: {problem.strerror}")
            continue
        lines = _line_count(source)
        if lines == 0:
            continue  # nothing to review, nothing to pay for
        if lines > max_lines:
            note(
                f"Claude did not review {file.display}: {lines:,} lines, more than "
                f"--ai-max-lines ({max_lines:,})"
            )
            continue
        eligible.append((file, source))
    if len(eligible) > max_files:
        note(
            f"Claude reviews the first {max_files} of {len(eligible)} files (--ai-max-files); "
            f"{len(eligible) - max_files} were not reviewed"
        )
        eligible = eligible[:max_files]
    if not eligible:
        return AiResult([])
    return asyncio.run(_review_all(eligible, warn))


def _refused(refusal: Refusal, settings: Settings) -> str:
    """Why a file was not reviewed, in the command line's setting names."""
    if refusal.kind == "excluded":
        return "it matches `claude.exclude` or `exclude`"
    if refusal.kind == "off" and settings.claude.enabled is False:
        # `check --ai` stopped before checking if Claude was off where it started: a project
        # below it turned Claude off for its own files.
        return "its project turns Claude off (`claude.enabled = false`)"
    return setup_hint(settings.claude)


async def _review_all(
    eligible: list[tuple[ReviewFile, bytes]], warn: Callable[[str], None]
) -> AiResult:
    from forge_lsp.ai.service import ClaudeService

    service = ClaudeService.for_user(os.environ)
    gate = asyncio.Semaphore(CONCURRENT_REVIEWS)
    result = AiResult([])

    async def one(file: ReviewFile, source: bytes) -> None:
        async with gate:
            try:
                found = await _review_one(service, file, source, warn)
            except _Failed as failed:
                result.failures += 1
                warn(f"Claude's review of {file.display} failed: {failed}")
                return
            result.reviewed += 1
            result.findings.extend(found)

    try:
        await asyncio.gather(*(one(file, source) for file, source in eligible))
    finally:
        await service.close()
    result.findings.sort(key=lambda f: f.sort_key())
    return result


class _Failed(Exception):
    """One file's review failed (the message is Claude's failure, for the user)."""


async def _review_one(
    service: ClaudeService, file: ReviewFile, source: bytes, warn: Callable[[str], None]
) -> list[Reported]:
    """One file's review through the pipeline (`forge_lsp.ai.pipeline`), as report records."""
    from forge_lsp.ai import pipeline
    from forge_lsp.ai.failures import ClaudeFailure
    from forge_lsp.core import languages
    from forge_lsp.report.convert import report_findings

    spec = languages.for_path(file.path)
    assert spec is not None  # only checked files in Forge's languages get here
    text = source.decode("utf-8", "replace")
    # What Claude is told, exactly as the editor tells it: never an absolute path.
    subject = pipeline.Subject(file.settings, file.path, (Path(os.getcwd()),))
    span = pipeline.Span.lines(0, max(0, _line_count(source) - 1))
    prepared = await pipeline.prepare(
        pipeline.Job("review", subject, spec, text, source, span), os.environ
    )
    if isinstance(prepared, pipeline.Refusal):  # `review_files` checked first: not expected
        raise _Failed(f"not sent: {_refused(prepared, file.settings)}")
    for warning in (prepared.unknown_model, prepared.instructions_problem):
        if warning is not None:
            warn(warning)  # once: the warnings print each message once
    over_budget = await pipeline.over_budget(service, prepared)
    if over_budget is not None:  # nobody to ask on a command line: stay within the budget
        raise _Failed(f"not sent: {over_budget.removesuffix(' Send it anyway?')}")
    try:
        reviewed = await pipeline.review(service, prepared)
    except ClaudeFailure as failure:
        raise _Failed(failure.message) from None
    return list(report_findings(file.display, text.encode("utf-8"), reviewed.outcome.findings))


def _line_count(source: bytes) -> int:
    if not source:
        return 0
    return source.count(b"\n") + (0 if source.endswith(b"\n") else 1)


def claude_rule_infos() -> list[RuleInfo]:
    """A rule description for each code Claude's findings carry (the reports list them beside
    the rules; their doc says where they come from)."""
    from forge_lsp.ai.review import CATEGORY_CODES
    from forge_lsp.report import RuleInfo

    infos = []
    for category, code in sorted(CATEGORY_CODES.items(), key=lambda item: item[1]):
        summary = f"Claude's review: {category.replace('-', ' ')}"
        markdown = (
            f"# {code} {category}\n\n## What it does\n\n"
            f"Reports {category.replace('-', ' ')} issues that Forge's review with Claude "
            '(`forge-lsp check --ai`, or "Review selection with Forge" in an editor) found. '
            "These findings come from a model, not from a deterministic rule: each carries "
            "the model's confidence, and reviews of the same code may differ.\n"
        )
        infos.append(RuleInfo(code, category, summary, "warning", None, (), False, markdown))
    return infos
