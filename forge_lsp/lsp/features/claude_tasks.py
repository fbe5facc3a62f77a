"""Running one Claude task for the editor: checks, payload, progress, streaming, results.

`run` is what `forge.ask`, `forge.review` and `forge.explain` do, through the one pipeline
`forge_lsp.ai.pipeline` (the command line runs the same stages). In order: Claude must be on
and the file not excluded; the selection is widened to whole lines (to the enclosing function
when it is empty or one character, as Helix sends); the payload is built with secrets
redacted; a daily budget may ask first; then the request streams with cancellable progress
and its result lands as an answer document, diagnostics or a hover, always with a closing
message. Failures become one message and the server keeps serving.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, cast

from lsprotocol import types

from forge_lsp.ai import payload as payloads
from forge_lsp.ai import pipeline
from forge_lsp.ai.answer_document import AnswerDocument, answers_folder, header
from forge_lsp.ai.failures import ClaudeFailure
from forge_lsp.core import languages
from forge_lsp.lsp.features.claude_target import (
    TITLES,
    Target,
    TaskProgress,
    byte_point,
    document_name,
    environ,
)
from forge_lsp.lsp.forge_server import ForgeServer

if TYPE_CHECKING:
    from forge_lsp.ai.pipeline import Prepared
    from forge_lsp.ai.service import ClaudeService
    from forge_lsp.config import Settings
    from forge_lsp.core.model import Finding

log = logging.getLogger(__name__)


async def run(
    ls: ForgeServer, task: str, target: Target, question: str | None
) -> dict[str, object]:
    ls.claude_tasks_in_flight += 1  # `forge.serverStatus` reports it
    try:
        return await _run(ls, task, target, question)
    finally:
        ls.claude_tasks_in_flight -= 1


async def _run(
    ls: ForgeServer, task: str, target: Target, question: str | None
) -> dict[str, object]:
    prepared = await _prepare(ls, task, target, question)
    if isinstance(prepared, dict):
        return prepared
    budget = await pipeline.over_budget(ls_service(ls), prepared)
    if budget is not None and not await confirm(ls, budget):
        _tell(ls, "Forge did not send the request: the daily budget stops it.")
        return {"status": "declined"}
    stopped_by_user: list[bool] = []

    def stop() -> None:  # the user cancelled the progress (not the request)
        stopped_by_user.append(True)
        work.cancel()

    work = asyncio.ensure_future(_perform(ls, task, target, prepared, stop))
    try:
        return await work
    except asyncio.CancelledError:
        if not stopped_by_user:
            raise  # the request itself was cancelled ($/cancelRequest): cancelled with it
        return {"status": "cancelled"}


async def _prepare(
    ls: ForgeServer, task: str, target: Target, question: str | None, quiet: bool = False
) -> Prepared | dict[str, object]:
    """The task ready to send (`forge_lsp.ai.pipeline`), or why it cannot be (told to the
    user unless `quiet`)."""
    settings = await asyncio.to_thread(ls.settings.for_path, target.path)
    name = document_name(target)
    subject = pipeline.Subject(settings, target.path, tuple(ls.workspace_roots()), name)
    source = target.text.encode("utf-8", "surrogatepass")
    lines = source.split(b"\n")
    encoding = ls.position_encoding
    span = pipeline.Span(
        byte_point(lines, target.start, encoding), byte_point(lines, target.end, encoding)
    )
    spec = languages.for_document(target.language_id, str(target.path or target.uri))
    job = pipeline.Job(
        cast(payloads.Task, task), subject, spec, target.text, source, span, question
    )

    async def known() -> Sequence[Finding]:
        analysis = await ls.current_analysis(target.uri)
        return analysis.findings if analysis and analysis.version == target.version else ()

    prepared = await pipeline.prepare(job, environ(), known=known)
    if isinstance(prepared, pipeline.Refusal):
        message = _refusal_message(prepared, settings, name)
        if not quiet:
            _tell(ls, message, types.MessageType.Warning)
        return {"status": prepared.kind, "message": message}
    for warning in (prepared.unknown_model, prepared.instructions_problem):
        if warning is not None and not quiet:
            ls.show_once(f"Forge: {warning}", types.MessageType.Warning)
    return prepared


def _refusal_message(refusal: pipeline.Refusal, settings: Settings, name: str) -> str:
    """What the editor says when nothing may be sent, in its own setting names."""
    if refusal.kind == "off":
        return settings.claude.setup_hint()
    if refusal.kind == "excluded":
        return (
            f"Forge does not send {name} to Claude: it matches `forge.claude.exclude` or "
            "`exclude`. Nothing was sent."
        )
    return f"Forge works with Claude on code in its languages; {name} is not one of them."


async def _perform(
    ls: ForgeServer, task: str, target: Target, prepared: Prepared, stop: Callable[[], None]
) -> dict[str, object]:
    name = document_name(target)
    lines = prepared.selection.line_count
    where = f"{name}:{prepared.selection.start_line + 1}-{prepared.selection.end_line + 1}"
    progress = TaskProgress(ls, TITLES[task], stop)
    verb = {"ask": "Asking about", "review": "Reviewing", "explain": "Explaining"}[task]
    try:
        # Inside: a cancel while the client is still creating the progress is a cancel too.
        await progress.begin(f"{verb} {lines} line{'s' * (lines != 1)} of {name}")
        if task == "review":
            result = await _review(ls, target, prepared, progress, lines)
        else:
            result = await _answer(ls, task, target, prepared, progress, where)
    except asyncio.CancelledError:
        progress.end("Cancelled")
        _tell(ls, f"Forge stopped: the {task} of {where} was cancelled.")
        raise
    except ClaudeFailure as failure:
        progress.end("Failed")
        _tell(ls, failure.message, types.MessageType.Error)
        return {"status": "failed", "kind": failure.kind, "message": failure.message}
    return result


async def _answer(
    ls: ForgeServer,
    task: str,
    target: Target,
    prepared: Prepared,
    progress: TaskProgress,
    where: str,
) -> dict[str, object]:
    document = AnswerDocument(answers_folder(), task, PurePath(where).name)
    document.start(header(TITLES[task], where, prepared.question if task == "ask" else None))
    shown: list[asyncio.Future[Any]] = []

    def on_text(chunk: str) -> None:
        document.append(chunk)
        if not shown:
            shown.append(asyncio.ensure_future(show_document(ls, document)))
        progress.report(f"{document.characters:,} characters")

    try:
        answered = await pipeline.answer(ls_service(ls), prepared, on_text, progress.thinking)
    except ClaudeFailure as failure:
        if failure.partial_text:
            document.note(failure.message)
            if not shown:
                await show_document(ls, document)
        raise
    except asyncio.CancelledError:
        if shown:  # open with part of an answer: it must not read as a whole one
            document.note(
                f"Cancelled after {document.characters:,} characters: this answer is incomplete."
            )
        raise
    if not shown:
        await show_document(ls, document)
    answer = answered.answer
    if answered.stopped:
        document.note(answered.stopped)
    document.note(answered.usage)
    if task == "explain" and answer.stop_reason != "refusal":
        _keep_explanation(ls, target, prepared, answer.text, document.uri)
    progress.end("Done")
    if answered.stopped:
        _tell(ls, answered.stopped)
    return {
        "status": "done",
        "document": document.uri,
        "cached": answer.cached,
        "characters": len(answer.text),
    }


async def show_document(ls: ForgeServer, document: AnswerDocument) -> None:
    """Open `document` in the editor, or name its path in a message."""
    if ls.supports_show_document:
        try:
            await ls.window_show_document_async(
                types.ShowDocumentParams(uri=document.uri, take_focus=True)
            )
            return
        except Exception:
            log.info("the client could not show the answer document")
    _tell(ls, f"Forge's answer is in {document.path}")


def _keep_explanation(
    ls: ForgeServer, target: Target, prepared: Prepared, text: str, document_uri: str | None
) -> None:
    from forge_lsp.ai.annotations import Explanation

    if not ls.is_open(target.uri):
        return  # closed meanwhile: nothing to hover over
    short = explanation_summary(text)
    ls.annotations.put_explanation(
        target.uri,
        prepared.source,
        Explanation(prepared.start, prepared.end, short, document_uri),
    )


def explanation_summary(text: str) -> str:
    """The hover form of an explanation: the part before the `---` line (see explain.md)."""
    for separator in ("\n---\n", "\n---\r\n"):
        if separator in text:
            return text.split(separator, 1)[0].strip()
    return text.strip().split("\n\n", 1)[0]


async def _review(
    ls: ForgeServer, target: Target, prepared: Prepared, progress: TaskProgress, lines: int
) -> dict[str, object]:
    def on_text(chunk: str) -> None:  # the findings, as JSON: counted, not shown
        written.append(len(chunk))
        progress.report(f"Writing findings ({sum(written):,} characters)")

    def on_placing() -> None:
        progress.report("Placing findings and checking fixes", force=True)

    written: list[int] = []
    reviewed = await pipeline.review(
        ls_service(ls), prepared, on_text, progress.thinking, on_placing
    )
    outcome = reviewed.outcome
    if ls.is_open(target.uri):  # closed meanwhile: its diagnostics are gone with it
        ls.annotations.put_findings(
            target.uri, prepared.source, outcome.findings, (prepared.start, prepared.end)
        )
        ls.annotations_changed(target.uri)
    message = outcome.summary(lines)
    progress.end(message)
    _tell(ls, message)
    return {
        "status": "done",
        "findings": len(outcome.findings),
        "lines": lines,
        "dropped_unplaceable": outcome.dropped_unplaceable,
        "dropped_low_confidence": outcome.dropped_low_confidence,
        "dropped_over_limit": outcome.dropped_over_limit,
        "malformed": len(reviewed.problems),
        "cached": reviewed.answer.cached,
    }


async def explain_for_hover(ls: ForgeServer, target: Target) -> str | None:
    """Claude's explanation for a plain hover (see `_explain_for_hover`), counted in flight."""
    ls.claude_tasks_in_flight += 1
    try:
        return await _explain_for_hover(ls, target)
    finally:
        ls.claude_tasks_in_flight -= 1


async def _explain_for_hover(ls: ForgeServer, target: Target) -> str | None:
    """Claude's short explanation of the function under a plain hover (the caller checks that
    the user opted in: `forge.claude.explainOnHover`); None when there is none to give. Never
    asks, and shows a failure only once: a hover is not the place for either. Moving the mouse
    away cancels the hover request, and with it the request to Claude."""
    prepared = await _prepare(ls, "explain", target, None, quiet=True)
    if isinstance(prepared, dict) or prepared.selection.line_count < 2:
        return None  # off, excluded, or not inside a function
    service = ls_service(ls)
    if await pipeline.over_budget(service, prepared) is not None:
        return None  # over the daily budget: an explicit Explain can still ask
    try:
        answer = (await pipeline.answer(service, prepared)).answer
    except ClaudeFailure as failure:
        ls.show_once(f"Forge: {failure.message}", types.MessageType.Warning)
        return None
    _keep_explanation(ls, target, prepared, answer.text, None)
    return explanation_summary(answer.text)


async def preview(ls: ForgeServer, target: Target, task: str) -> dict[str, object]:
    """Open the exact payload `task` would send for the target, without sending anything."""
    prepared = await _prepare(ls, task, target, None)
    if isinstance(prepared, dict):
        return prepared
    document = AnswerDocument(answers_folder(), f"preview-{task}", document_name(target))
    document.start(payloads.preview_markdown(prepared.task, prepared.payload))
    await show_document(ls, document)
    return {"status": "done", "document": document.uri}


async def show_usage(ls: ForgeServer) -> dict[str, object]:
    service = ls_service(ls)
    text = await asyncio.to_thread(service.usage_summary)
    _tell(ls, text)
    return {"status": "done", "message": text}


async def confirm(ls: ForgeServer, question: str) -> bool:
    """Ask the user about the daily budget; False when the client cannot ask."""
    window = ls.client_capabilities.window
    if not (window and window.show_message):
        return False  # a client that cannot ask: stay within the budget
    send = types.MessageActionItem(title="Send anyway")
    answer = await ls.window_show_message_request_async(
        types.ShowMessageRequestParams(
            type=types.MessageType.Warning,
            message=question,
            actions=[send, types.MessageActionItem(title="Cancel")],
        )
    )
    return answer is not None and answer.title == send.title


def _tell(ls: ForgeServer, message: str, kind: types.MessageType = types.MessageType.Info) -> None:
    shown = message if message.startswith(("Forge ", "Forge's")) else f"Forge: {message}"
    ls.window_show_message(types.ShowMessageParams(type=kind, message=shown))


def ls_service(ls: ForgeServer) -> ClaudeService:
    """The server's Claude service, created on first use (it opens the ledger and cache)."""
    if ls.claude_service is None:
        from forge_lsp.ai.service import ClaudeService

        ls.claude_service = ClaudeService.for_user(environ())
    return ls.claude_service
