"""One Claude task, from the code a user points at to Claude's answer: the single pipeline.

Every front end runs the same stages, in the same order, through this module: the editor's
Ask, Review and Explain (`forge_lsp.lsp.features.claude_tasks`), `forge-lsp ask` and
`forge-lsp check --ai` (`forge_lsp.cli`). What leaves the machine is decided here and only
here, so a privacy fix is one edit:

1. `refusal`: Claude must be on for the file's settings, and the file must not match
   `exclude` or `claude.exclude` (then the language must be one of Forge's: `prepare`).
2. `prepare`: the selection widened to whole lines (`Span`: an empty or one-character
   selection means the enclosing function), the offline findings in it, the path Claude is
   told (never absolute), the project's instructions (`instructions`), and the payload with
   secrets redacted, the question and the instructions included.
3. `over_budget`: whether the daily budget stops the request (the front end asks or refuses).
4. `answer` / `review`: the request, streamed through `ClaudeService` (result cache and usage
   ledger); a review's answer is parsed, its findings anchored and their fixes verified.

The front ends keep what is theirs: how settings are found, the words of every message,
progress, cancellation, what to do about the budget, and how results are shown. This module
never imports them; it takes callbacks and returns results.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from forge_lsp.ai import instructions
from forge_lsp.ai import payload as payloads
from forge_lsp.ai.shared import (
    excluded_from_claude,
    place_findings,
    review_failure,
    shown_path,
    stop_note,
    unknown_model_note,
    usage_line,
    widen_selection,
)
from forge_lsp.core.model import Point

if TYPE_CHECKING:
    from forge_lsp.ai.client import TextSink, ThinkingSink
    from forge_lsp.ai.review import ReviewOutcome
    from forge_lsp.ai.service import Answer, ClaudeService
    from forge_lsp.config import Settings
    from forge_lsp.core.languages import LanguageSpec
    from forge_lsp.core.model import Finding

log = logging.getLogger(__name__)

RefusalKind = Literal["off", "excluded", "unsupported"]
# The offline findings of the whole file (the pipeline keeps those in the selection).
KnownFindings = Callable[[], Awaitable[Sequence["Finding"]]]


@dataclass(frozen=True)
class Refusal:
    """Why nothing may be sent: Claude is off, the file is excluded, or not in a language of
    Forge's. The front end words it (setting names differ between an editor and a terminal)."""

    kind: RefusalKind


@dataclass(frozen=True)
class Subject:
    """The file a task is about and what governs it, known before its text is read."""

    settings: Settings  # the file's settings, Claude's included, as the front end resolved them
    path: Path | None  # the file on disk; None for a document never saved
    roots: tuple[Path, ...] = ()  # folders a path is told relative to: workspace folders, cwd
    name: str = ""  # what a document without a path is called


@dataclass(frozen=True)
class Span:
    """The code a task is about, as the user named it.

    From `first` to `last`, (line, byte column) each, zero-based: widened like an editor's
    selection (`widen_selection`: whole lines; an empty or one-character selection means the
    enclosing function). With `whole_lines`, lines `first[0]` to `last[0]` as given."""

    first: tuple[int, int]
    last: tuple[int, int]
    whole_lines: bool = False

    @classmethod
    def lines(cls, start: int, end: int) -> Span:
        """Lines `start` to `end` (zero-based, inclusive), not widened."""
        return cls((start, 0), (end, 0), whole_lines=True)

    @classmethod
    def line(cls, source: bytes, line: int) -> Span:
        """One line named alone (`FILE:LINE`): the empty selection at its first non-blank
        character, so it means its function, as an editor's empty selection does."""
        raw = source.split(b"\n")[line]
        point = (line, len(raw) - len(raw.lstrip()))
        return cls(point, point)

    def resolve(self, spec: LanguageSpec, source: bytes) -> tuple[int, int]:
        """The whole lines (zero-based, inclusive). May parse `source`: run off an event loop."""
        if self.whole_lines:
            return self.first[0], self.last[0]
        return widen_selection(spec, source, self.first, self.last)


@dataclass(frozen=True)
class Job:
    """One task a front end wants run: what, on which code, and (for Ask) the question."""

    task: payloads.Task
    subject: Subject
    spec: LanguageSpec | None  # the code's language; None: not one of Forge's
    text: str  # the document's text (a file's bytes decoded)
    source: bytes  # the bytes Forge parses: the file's own, or the text encoded
    span: Span
    question: str | None = None
    change: str = ""  # a review of a change: what the prompt is told (`change_review`)


@dataclass(frozen=True)
class Prepared:
    """A task ready to send: its settings, the selection and the exact payload."""

    task: payloads.Task
    settings: Settings
    selection: payloads.Selection
    payload: payloads.Payload
    start: Point  # the selected whole lines, as byte Points in `text`
    end: Point
    text: str
    source: bytes
    question: str | None  # Ask's question (a preset one when none was given)
    unknown_model: str | None  # a warning to show once: the model is not in Forge's table
    sendable: bool = True  # False: prepared for a preview without checking that Claude is on
    # A warning to show once: the project's instructions exist but are not sent (too big...).
    instructions_problem: str | None = None


@dataclass(frozen=True)
class Answered:
    """An Ask or Explain answer, with the notes every front end shows after it."""

    answer: Answer
    stopped: str | None  # why it stopped early, or None
    usage: str  # what it used and cost, in one line


@dataclass(frozen=True)
class Reviewed:
    """A review's findings placed in the text it started from, and the answer they came from."""

    answer: Answer
    outcome: ReviewOutcome
    problems: list[str]  # a sentence per malformed finding (skipped)


def refusal(
    subject: Subject, environ: Mapping[str, str], *, needs_claude: bool = True
) -> Refusal | None:
    """Why nothing about `subject` may be sent (checked in this order), or None.

    `needs_claude` False skips "Claude is off" for what sends nothing (a preview on the
    command line); an excluded file is refused even then."""
    if needs_claude and not subject.settings.claude.is_on(environ):
        return Refusal("off")
    path = subject.path
    if path is not None and excluded_from_claude(subject.settings, path, subject.roots):
        return Refusal("excluded")
    return None


async def prepare(
    job: Job,
    environ: Mapping[str, str],
    *,
    known: KnownFindings | None = None,
    needs_claude: bool = True,
) -> Prepared | Refusal:
    """The task ready to send, or why it may not be. `known` gives the file's offline findings
    (an editor has them already); without it the file is checked here."""
    refused = refusal(job.subject, environ, needs_claude=needs_claude)
    if refused is not None:
        return refused
    spec = job.spec
    if spec is None:
        return Refusal("unsupported")
    start_line, end_line = await asyncio.to_thread(job.span.resolve, spec, job.source)
    found = await known() if known is not None else await asyncio.to_thread(_check, job, spec)
    in_selection = tuple(f for f in found if start_line <= f.start.line <= end_line)
    subject = job.subject
    settings = subject.settings
    claude = settings.claude
    # Relative to the project, else to a root holding it, else the name: never absolute.
    shown = shown_path(settings, subject.path, subject.roots) if subject.path else subject.name
    lines = job.text.split("\n")
    selection = payloads.Selection(shown, spec.name, lines, start_line, end_line, in_selection)
    question = job.question
    if job.task == "ask" and question is None:
        question = claude.questions[0]  # a client that cannot prompt asks the first preset
    project = await asyncio.to_thread(instructions.find, settings, subject.path)
    built = payloads.build(job.task, selection, claude, question, project, job.change)
    last = len(lines[end_line].encode("utf-8", "surrogatepass")) if end_line < len(lines) else 0
    return Prepared(
        job.task,
        settings,
        selection,
        built,
        Point(start_line, 0),
        Point(end_line, last),
        job.text,
        job.source,
        question,
        unknown_model_note(claude, job.task),
        sendable=needs_claude,
        instructions_problem=project.problem,
    )


def _check(job: Job, spec: LanguageSpec) -> Sequence[Finding]:
    from forge_lsp.engine import checker

    settings = job.subject.settings
    path = settings.project_path(job.subject.path) if job.subject.path else None
    return checker.check(job.source, spec, settings.selection(), path=path).findings


async def over_budget(service: ClaudeService, prepared: Prepared) -> str | None:
    """The question to put to the user when the daily budget stops this request, or None."""
    return await asyncio.to_thread(
        service.budget_question, prepared.settings.claude, prepared.payload
    )


async def answer(
    service: ClaudeService,
    prepared: Prepared,
    on_text: TextSink | None = None,
    on_thinking: ThinkingSink | None = None,
) -> Answered:
    """Ask's or Explain's answer, streamed to `on_text` (raises `ClaudeFailure`)."""
    _sendable(prepared)
    got = await service.complete(prepared.payload, prepared.settings.claude, on_text, on_thinking)
    stopped = stop_note(got.stop_reason, prepared.payload.request.max_tokens)
    return Answered(got, stopped, usage_line(got))


async def review(
    service: ClaudeService,
    prepared: Prepared,
    on_text: TextSink | None = None,
    on_thinking: ThinkingSink | None = None,
    on_placing: Callable[[], None] | None = None,
) -> Reviewed:
    """A review's findings, placed and their fixes verified (raises `ClaudeFailure`, also when
    the answer cannot be read). `on_text` sees the findings' JSON as it streams."""
    _sendable(prepared)
    got = await service.complete(prepared.payload, prepared.settings.claude, on_text, on_thinking)
    unreadable = review_failure(got, prepared.payload.request.max_tokens)
    if unreadable is not None:
        raise unreadable
    if on_placing is not None:
        on_placing()
    # The same answer on the same text places the same way: a repeated review (answered from
    # the result cache) skips re-parsing and re-checking its fixes.
    text_digest = hashlib.sha256(prepared.text.encode("utf-8", "surrogatepass")).hexdigest()
    key = (prepared.payload.digest(), text_digest)
    placed: tuple[ReviewOutcome, list[str]] | None = service.placements.get(key)
    if placed is None:
        placed = await asyncio.to_thread(_place, prepared, got)
        service.placements.put(key, placed)
    outcome, problems = placed
    if problems:
        log.info("review answer had %d malformed findings", len(problems))
    return Reviewed(got, outcome, problems)


def _sendable(prepared: Prepared) -> None:
    if not prepared.sendable:
        raise ValueError("prepared for a preview only: Claude may be off for it")


def _place(prepared: Prepared, got: Answer) -> tuple[ReviewOutcome, list[str]]:
    """Claude's proposed findings placed in the text the review started from (and each
    replacement verified); run off the event loop: fixes are re-parsed and re-checked."""
    return place_findings(
        prepared.text,
        prepared.start,
        prepared.end,
        prepared.selection.language,
        prepared.settings,
        got.structured,
    )
