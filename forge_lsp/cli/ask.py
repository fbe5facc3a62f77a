"""`forge-lsp ask FILE[:START-END] "question"`: Forge's answer about some code, streamed.

The same pipeline as "Ask Forge" in an editor (`forge_lsp.ai.pipeline`), with the terminal in
place of the answer document: settings, exclusion, the selection (widened like the editor's),
the payload with secrets redacted, the daily budget, then the answer streamed to stdout chunk
by chunk through `ClaudeService` (so the result cache and the usage ledger count it).
Messages go to stderr, so stdout is the answer alone.
`--preview` prints the payload instead and needs no key: it shows what would leave the
machine before anything can.

Exit codes: 0 answered (or previewed); 2 a usage error, a refused file (excluded, too large,
not one of Forge's languages), Claude off or no key, or over the daily budget; 3 Claude's
request failed (what arrived before stays printed); 130 Ctrl-C.
"""

from __future__ import annotations

import asyncio
import os
import re
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from forge_lsp.cli.errors import EXIT_CLAUDE_FAILED, EXIT_OK, EXIT_USAGE, UsageError
from forge_lsp.config.terminal import for_terminal, setup_hint

if TYPE_CHECKING:
    from forge_lsp.ai.pipeline import Job

# A whole file goes to Claude only up to this size; beyond, name the lines to ask about.
WHOLE_FILE_MAX_LINES = 800
WHOLE_FILE_MAX_CHARS = 60_000

_TARGET = re.compile(r"^(?P<path>.+?)(?::(?P<start>\d+)(?:-(?P<end>\d+))?)?$")


@dataclass(frozen=True)
class Target:
    """The file and the 1-based inclusive lines the command names (None: not given)."""

    path: Path
    start: int | None
    end: int | None


def parse_target(value: str) -> Target:
    """``FILE``, ``FILE:LINE`` or ``FILE:START-END``; a file whose own name ends that way
    wins when it exists."""
    match = _TARGET.match(value)
    if match is None or Path(value).exists():
        return Target(Path(value), None, None)
    start = int(match["start"]) if match["start"] else None
    end = int(match["end"]) if match["end"] else start
    if start is not None and end is not None and (start < 1 or end < start):
        raise UsageError(f"{value}: lines are 1-based and START must not exceed END")
    return Target(Path(match["path"]), start, end)


def run(
    target_text: str,
    question: str,
    *,
    model: str | None,
    preview: bool,
    quiet: bool,
    yes: bool,
    out: TextIO,
) -> int:
    """Run the command; see the module's docstring for what it prints and returns."""
    from forge_lsp.ai import pipeline
    from forge_lsp.cli.files import absolute
    from forge_lsp.cli.settings import SettingsResolver, Warnings
    from forge_lsp.core import languages

    if not question.strip():
        raise UsageError("the question is empty")
    target = parse_target(target_text)
    path = absolute(target.path)
    if not path.is_file():
        raise UsageError(f"no such file: {target.path}")
    spec = languages.for_path(path)
    if spec is None:
        raise UsageError(f"{target.path} is not in one of Forge's languages")
    warnings = Warnings()
    settings = SettingsResolver(None, None, None, warnings).for_folder(path.parent)
    settings = replace(settings, claude=for_terminal(settings.claude, os.environ, model))
    # Paths are told relative to the project, else to the current folder, else by the file's
    # name alone, exactly as in an editor. Never absolute: the home folder's name stays home.
    subject = pipeline.Subject(settings, path, (absolute(os.getcwd()),))
    # An excluded file is refused before it is read, even for a preview.
    if pipeline.refusal(subject, os.environ, needs_claude=False) is not None:
        _say(
            f"Forge does not send {target.path} to Claude: it matches `claude.exclude` or "
            "`exclude`. Nothing was sent."
        )
        return EXIT_USAGE
    try:
        source = path.read_bytes()
    except OSError as problem:
        raise UsageError(f"cannot read {target.path}: {problem.strerror}") from None
    text = source.decode("utf-8", "replace")
    lines = text.split("\n")
    count = len(lines) - 1 if lines and lines[-1] == "" and len(lines) > 1 else len(lines)
    if target.start is None:
        if count > WHOLE_FILE_MAX_LINES or len(text) > WHOLE_FILE_MAX_CHARS:
            _say(
                f"{target.path} has {count:,} lines ({len(text):,} characters): more than Forge "
                f"sends as a whole file ({WHOLE_FILE_MAX_LINES} lines, "
                f"{WHOLE_FILE_MAX_CHARS:,} characters). Ask about part of it: "
                f"`forge-lsp ask {target.path}:START-END ...`. Nothing was sent."
            )
            return EXIT_USAGE
        span = pipeline.Span.lines(0, max(0, count - 1))
    else:
        assert target.end is not None
        if target.end > count:
            raise UsageError(f"{target.path} has {count} lines; line {target.end} is not in it")
        if target.start == target.end:  # one line: its function, as an editor's empty selection
            span = pipeline.Span.line(source, target.start - 1)
        else:
            span = pipeline.Span.lines(target.start - 1, target.end - 1)
    job = pipeline.Job("ask", subject, spec, text, source, span, question)
    return asyncio.run(_ask(job, preview=preview, quiet=quiet, yes=yes, out=out))


async def _ask(job: Job, *, preview: bool, quiet: bool, yes: bool, out: TextIO) -> int:
    from forge_lsp.ai import payload as payloads
    from forge_lsp.ai import pipeline
    from forge_lsp.ai.failures import ClaudeFailure
    from forge_lsp.ai.service import ClaudeService

    # A preview sends nothing, so it needs no key.
    prepared = await pipeline.prepare(job, os.environ, needs_claude=not preview)
    if isinstance(prepared, pipeline.Refusal):
        _say(setup_hint(job.subject.settings.claude))  # excluded was refused before reading
        return EXIT_USAGE
    if prepared.instructions_problem is not None:
        _say(prepared.instructions_problem, "warning")
    if preview:
        out.write(payloads.preview_markdown("ask", prepared.payload))
        out.flush()
        return EXIT_OK
    if prepared.unknown_model is not None:
        _say(prepared.unknown_model, "warning")
    service = ClaudeService.for_user(os.environ)
    try:
        budget = await pipeline.over_budget(service, prepared)
        if budget is not None and not yes:
            _say(f"{budget} Not sent: run again with --yes to send it.")
            return EXIT_USAGE
        written: list[str] = []

        def on_text(chunk: str) -> None:
            out.write(chunk)
            out.flush()
            written.append(chunk[-1:])

        try:
            answered = await pipeline.answer(service, prepared, on_text)
        except ClaudeFailure as failure:
            _end_line(out, written)
            _say(failure.message)
            return EXIT_CLAUDE_FAILED
        _end_line(out, written)
        if answered.stopped:
            _say(answered.stopped, "note")
        if not quiet:
            _say(answered.usage, "usage")
        return EXIT_OK
    finally:
        await service.close()


def _end_line(out: TextIO, written: list[str]) -> None:
    """End the answer with a newline, so the prompt (or the next message) starts on its own."""
    if written and written[-1] != "\n":
        out.write("\n")
    out.flush()


def _say(message: str, kind: str = "error") -> None:
    print(f"forge-lsp: {kind}: {message}", file=sys.stderr, flush=True)
