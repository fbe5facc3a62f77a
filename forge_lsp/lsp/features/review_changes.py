"""Forge: Review Changes. Claude reviews what changed in the workspace's git repositories.

`forge.reviewChanges` takes one optional argument: ``{}`` (the working tree against ``HEAD``:
uncommitted changes, untracked files included), ``{"staged": true}`` (the index against
``HEAD``, read from the index) or ``{"base": "REF"}`` (everything since a branch or commit).
The same stages as ``forge-lsp review`` (`forge_lsp.cli.review`), with the editor in place of
the terminal: each changed range goes with the function around it (`ai.change_review`),
through the one pipeline, so `exclude`, redaction, relative paths and the project's
instructions apply; nothing unchanged is sent.

Before anything is sent, the editor asks: how many regions, files and lines, to which model, and
the most it can cost; Review sends, Preview opens every request exactly and sends nothing (a client
that cannot ask is told, and the review goes ahead, as the user asked for it). A change over
`MAX_FILES` or `MAX_LINES` is refused whole. Findings that touch no changed line are dropped and
counted; the others become Claude's diagnostics on their files: an open file shows them at once; a
file that is not open, at once for an editor that takes pushed diagnostics, else when it is opened
(while its code is unchanged). One message ends the review.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams
from pygls.uris import to_fs_path

from forge_lsp.lsp.features.claude_target import TaskProgress, environ
from forge_lsp.lsp.forge_server import ForgeServer

if TYPE_CHECKING:
    from forge_lsp.ai.change_review import ChangedFile, Region
    from forge_lsp.ai.pipeline import Prepared
    from forge_lsp.core.model import Finding

log = logging.getLogger(__name__)

REVIEW_CHANGES = "forge.reviewChanges"
MAX_FILES = 20
MAX_LINES = 1_500
CONCURRENT_REVIEWS = 4


@dataclass(frozen=True)
class _Piece:
    """One region of one changed file, prepared."""

    path: Path
    source: bytes
    region: Region
    prepared: Prepared


def register(server: ForgeServer) -> None:
    @server.command(REVIEW_CHANGES)
    async def review_changes(ls: ForgeServer, *args: object) -> dict[str, object]:
        base, staged = _options(args)
        ls.claude_tasks_in_flight += 1
        try:
            return await _run(ls, base, staged)
        finally:
            ls.claude_tasks_in_flight -= 1


def _options(args: tuple[object, ...]) -> tuple[str | None, bool]:
    raw = args[0] if args else {}
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise JsonRpcInvalidParams(
            f'{REVIEW_CHANGES} takes {{}}, {{"staged": true}} or {{"base": REF}}'
        )
    base, staged = raw.get("base"), raw.get("staged", False)
    if base is not None and (not isinstance(base, str) or not base.strip()):
        raise JsonRpcInvalidParams(f"{REVIEW_CHANGES}: base must be a branch, tag or commit")
    if not isinstance(staged, bool) or (staged and base is not None):
        raise JsonRpcInvalidParams(f"{REVIEW_CHANGES}: give staged or base, not both")
    return (base.strip() if base else None), staged


async def _run(ls: ForgeServer, base: str | None, staged: bool) -> dict[str, object]:
    from forge_lsp.core.git_changes import ChangesError, changed_lines

    roots = ls.workspace_roots()
    if not roots:
        return _refused(ls, "Review Changes needs a workspace folder in a git repository.")
    since = "staged" if staged else f"since {base or 'HEAD'}"
    try:
        changes = await asyncio.to_thread(
            changed_lines,
            roots,
            base or "HEAD",
            staged=staged,
            option="Review Changes",
            instead="open a folder inside a git repository",
        )
    except ChangesError as problem:
        return _refused(ls, str(problem))
    pieces = await _prepare(ls, changes.changed_files(), roots, staged)
    if isinstance(pieces, dict):
        return pieces
    if not pieces:
        return _refused(ls, f"Forge found no change to review ({since}) in its languages.", "none")
    files = len({piece.path for piece in pieces})
    lines = sum(piece.region.line_count for piece in pieces)
    if files > MAX_FILES or lines > MAX_LINES:
        return _refused(
            ls,
            f"The change is {lines:,} lines to send in {files} files, over what one review "
            f"sends ({MAX_LINES:,} lines, {MAX_FILES} files). Nothing was sent: review a "
            "smaller change, or parts of it with Review selection.",
            "too-big",
        )
    decision = await _agreed(ls, pieces, files, lines)
    if decision == "preview":
        return await _preview(ls, pieces)
    if decision != "send":
        return {"status": "declined"}
    return await _send(ls, pieces, files)


async def _prepare(
    ls: ForgeServer,
    changed: list[tuple[Path, list[tuple[int, int]] | None]],
    roots: list[Path],
    staged: bool,
) -> list[_Piece] | dict[str, object]:
    from forge_lsp.ai import change_review

    files: list[change_review.ChangedFile] = []
    for path, ranges in changed:
        found = await asyncio.to_thread(_file, ls, path, ranges, roots, staged)
        if isinstance(found, str):
            return _refused(ls, found, "off")
        if found is not None:
            files.append(found)
    pieces = []
    for file, region, prepared in await change_review.prepare(files, roots, environ()):
        if prepared.instructions_problem is not None:
            ls.show_once(f"Forge: {prepared.instructions_problem}", types.MessageType.Warning)
        pieces.append(_Piece(file.path, file.source, region, prepared))
    return pieces


def _file(
    ls: ForgeServer,
    path: Path,
    ranges: list[tuple[int, int]] | None,
    roots: list[Path],
    staged: bool,
) -> ChangedFile | str | None:
    """One changed file as a review sends it (`change_review.changed_file`; blocking: run it
    in a thread); None when it is not Forge's to send, or a message when Claude is off for it."""
    from forge_lsp.ai.change_review import NotSent, changed_file

    try:
        file = changed_file(path, ranges, ls.settings.for_path, roots, staged=staged)
    except NotSent as problem:
        log.info("review changes: %s not sent: %s", path.name, type(problem).__name__)
        return None
    if file is not None and not file.settings.claude.is_on(environ()):
        return file.settings.claude.setup_hint()
    return file


async def _agreed(ls: ForgeServer, pieces: list[_Piece], files: int, lines: int) -> str:
    """Ask before sending (size, model, the most it can cost: "send", "preview" or "cancel"),
    and for the daily budget."""
    from forge_lsp.ai import pipeline
    from forge_lsp.ai.service import most_cost
    from forge_lsp.lsp.features.claude_tasks import confirm, ls_service

    most = sum(most_cost(p.prepared.settings.claude, p.prepared.payload) for p in pieces)
    model = pieces[0].prepared.payload.request.model
    count = len(pieces)
    question = (
        f"Forge will send {count} region{'s' * (count != 1)} of {files} changed "
        f"file{'s' * (files != 1)} ({lines:,} lines, each changed range with its function) "
        f"to {model}: at most ${most:.2f}."
    )
    window = ls.client_capabilities.window
    if window and window.show_message:
        actions = [types.MessageActionItem(title=t) for t in ("Review", "Preview", "Cancel")]
        answer = await ls.window_show_message_request_async(
            types.ShowMessageRequestParams(
                type=types.MessageType.Info, message=question, actions=actions
            )
        )
        if answer is None or answer.title == "Cancel":
            return "cancel"
        if answer.title == "Preview":
            return "preview"
    else:
        told = types.ShowMessageParams(type=types.MessageType.Info, message=question)
        ls.window_show_message(told)
    budget = await pipeline.over_budget(ls_service(ls), pieces[0].prepared)
    return "send" if budget is None or await confirm(ls, budget) else "cancel"


async def _preview(ls: ForgeServer, pieces: list[_Piece]) -> dict[str, object]:
    """Open every request the review would send, exactly, in one document; send nothing."""
    from forge_lsp.ai.answer_document import AnswerDocument, answers_folder
    from forge_lsp.ai.payload import preview_markdown
    from forge_lsp.lsp.features.claude_tasks import show_document

    document = AnswerDocument(answers_folder(), "preview-review-changes", "changes")
    document.start(
        "\n".join(preview_markdown("review", piece.prepared.payload) for piece in pieces)
    )
    await show_document(ls, document)
    return {"status": "previewed", "document": document.uri, "regions": len(pieces)}


async def _send(ls: ForgeServer, pieces: list[_Piece], files: int) -> dict[str, object]:
    from forge_lsp.ai import pipeline
    from forge_lsp.ai.change_review import on_changed_lines
    from forge_lsp.ai.failures import ClaudeFailure
    from forge_lsp.lsp.features.claude_tasks import ls_service

    work: list[asyncio.Future[object]] = []

    def stop() -> None:  # the user cancelled the progress
        for running in work:
            running.cancel()

    progress = TaskProgress(ls, "Forge: Review Changes", stop)
    await progress.begin(f"Reviewing {len(pieces)} regions of {files} files")
    gate = asyncio.Semaphore(CONCURRENT_REVIEWS)
    kept: dict[Path, list[tuple[_Piece, list[Finding]]]] = {}
    counts = {"dropped": 0, "failed": 0, "done": 0}
    failures: list[str] = []

    async def one(piece: _Piece) -> None:
        async with gate:
            try:
                reviewed = await pipeline.review(ls_service(ls), piece.prepared)
            except ClaudeFailure as failure:
                counts["failed"] += 1
                failures.append(failure.message)
                return
        found = reviewed.outcome.findings
        on_changed = [f for f in found if on_changed_lines(f, piece.region.changed)]
        counts["dropped"] += len(found) - len(on_changed)
        counts["done"] += 1
        kept.setdefault(piece.path, []).append((piece, on_changed))
        progress.report(f"{counts['done']} of {len(pieces)} regions reviewed", force=True)

    work.append(asyncio.ensure_future(asyncio.gather(*(one(p) for p in pieces))))
    try:
        await work[0]
    except asyncio.CancelledError:
        progress.end("Cancelled")
        return {"status": "cancelled"}
    total = sum(len(found) for results in kept.values() for _, found in results)
    for path, results in kept.items():
        _show_findings(ls, path, results)
    message = _summary(total, len([p for p in kept if any(f for _, f in kept[p])]), counts)
    progress.end(message)
    kind = types.MessageType.Warning if counts["failed"] else types.MessageType.Info
    if failures:
        message += f" {failures[0]}"
    ls.window_show_message(types.ShowMessageParams(type=kind, message=message))
    return {
        "status": "failed" if counts["failed"] and not counts["done"] else "done",
        "findings": total,
        "regions": len(pieces),
        "files": files,
        "dropped_unchanged": counts["dropped"],
        "failed": counts["failed"],
    }


def _show_findings(
    ls: ForgeServer, path: Path, results: list[tuple[_Piece, list[Finding]]]
) -> None:
    """Claude's findings on one file as its diagnostics: kept with the file's text, published
    now if the editor does not have it open (an open file publishes them with its own)."""
    from forge_lsp.core.model import Point
    from forge_lsp.lsp import lsp_convert

    uri = _open_uri(ls, path) or path.as_uri()
    for piece, found in results:
        region = piece.region
        reviewed = (Point(region.start, 0), Point(region.end + 1, 0))
        ls.annotations.put_findings(uri, piece.source, found, reviewed)
    if ls.is_open(uri):
        ls.annotations_changed(uri)
        return
    if ls.pull_diagnostics:
        return  # a pulling client asks for open files only: shown when it opens the file
    source = results[0][0].source
    lines = source.split(b"\n")
    findings = ls.annotations.findings(uri, source)
    diagnostics = [lsp_convert.diagnostic(f, lines, ls.position_encoding, None) for f in findings]
    ls.text_document_publish_diagnostics(
        types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics)
    )


def _open_uri(ls: ForgeServer, path: Path) -> str | None:
    """The URI the editor opened `path` under, if it did (editors spell URIs their own way)."""
    for uri in list(ls.workspace.text_documents):
        try:
            if Path(to_fs_path(uri) or "").resolve() == path:
                return uri
        except (OSError, ValueError):
            continue
    return None


def _summary(total: int, files: int, counts: dict[str, int]) -> str:
    if total:
        told = (
            f"Forge found {total} issue{'s' * (total != 1)} on changed lines in {files} "
            f"file{'s' * (files != 1)}"
        )
    else:
        told = "Forge found no issues on changed lines"
    if counts["dropped"]:
        told += f" ({counts['dropped']} on unchanged lines dropped)"
    if counts["failed"]:
        told += f"; {counts['failed']} region{'s' * (counts['failed'] != 1)} failed:"
    return told + ("" if counts["failed"] else ".")


def _refused(ls: ForgeServer, message: str, status: str = "refused") -> dict[str, object]:
    shown = message if message.startswith("Forge") else f"Forge: {message}"
    ls.window_show_message(types.ShowMessageParams(type=types.MessageType.Warning, message=shown))
    return {"status": status, "message": message}
