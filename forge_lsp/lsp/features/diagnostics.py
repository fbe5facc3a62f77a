"""Diagnostics: pushed on open, change (debounced per document) and save, or pulled.

Clients that support `textDocument/diagnostic` and its refresh pull; the others get pushed
diagnostics (see `ForgeServer.pull_diagnostics`). A result is published only while its version
is still the document's current version, and a closed document's diagnostics are cleared.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import PurePath

from lsprotocol import types

from forge_lsp.config import PROJECT_FILES
from forge_lsp.core.model import Finding
from forge_lsp.lsp import lsp_convert
from forge_lsp.lsp.analysis import Analysis
from forge_lsp.lsp.forge_server import ForgeServer

log = logging.getLogger(__name__)

# After a check of only the edited function, the whole file is checked once typing pauses this
# long (a few rules read file-wide facts, such as a Go function's declared results).
FULL_CHECK_DELAY = 1.0


class Publisher:
    """Schedules checks of open documents and pushes their diagnostics."""

    def __init__(self, server: ForgeServer) -> None:
        self.server = server
        self._timers: dict[str, asyncio.TimerHandle] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def schedule(self, uri: str, delay: float = 0.0, full: bool = False) -> None:
        """Check `uri` after `delay` seconds; a newer request for it replaces a pending one.

        Pulling clients ask for their diagnostics themselves; only follow-up full checks are
        scheduled for them."""
        if self.server.pull_diagnostics and not full:
            return
        timer = self._timers.pop(uri, None)
        if timer is not None:
            timer.cancel()
        if delay <= 0:
            self._start(uri, full)
        else:
            loop = asyncio.get_running_loop()
            self._timers[uri] = loop.call_later(delay, self._start, uri, full)

    def follow_up(self, analysis: Analysis) -> None:
        """After a check of only the edited function, check the whole file once typing pauses."""
        if analysis.partial:
            self.schedule(analysis.uri, FULL_CHECK_DELAY, full=True)

    def _start(self, uri: str, full: bool = False) -> None:
        self._timers.pop(uri, None)
        # Started checks are never cancelled: their worker thread owns the document's tree.
        task = asyncio.ensure_future(self._publish(uri, full))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _publish(self, uri: str, full: bool) -> None:
        previous = self.server.analyzer.latest(uri)
        try:
            analysis = await self.server.current_analysis(uri, full)
        except Exception:
            log.exception("checking a document failed")
            return
        if analysis is None or not self.server.is_open(uri):
            return  # closed, or changed again: a newer check publishes
        if analysis.spec is None:
            return  # not a language Forge checks
        diagnostics = all_diagnostics(self.server, analysis)
        if full and previous is not None and previous.diagnostics == analysis.diagnostics:
            return  # the follow-up check confirmed what is on screen
        if self.server.pull_diagnostics:
            self.server.workspace_diagnostic_refresh(None)
            return
        _tell_if_skipped(self.server, analysis)
        self.server.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(
                uri=uri, diagnostics=diagnostics, version=analysis.version
            )
        )
        self.follow_up(analysis)

    def clear(self, uri: str) -> None:
        timer = self._timers.pop(uri, None)
        if timer is not None:
            timer.cancel()
        self.server.analyzer.forget(uri)
        self.server.annotations.clear(uri)
        if not self.server.pull_diagnostics:
            self.server.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=uri, diagnostics=[])
            )

    def annotations_changed(self, uri: str) -> None:
        """Claude's findings for `uri` changed: publish them (or ask a pulling client to pull)."""
        if self.server.pull_diagnostics:
            self.server.workspace_diagnostic_refresh(None)
        else:
            self.schedule(uri)

    def refresh_all(self) -> None:
        """Settings changed: re-check every open document (or ask a pulling client to)."""
        if self.server.pull_diagnostics:
            self.server.workspace_diagnostic_refresh(None)
            return
        for document in list(self.server.workspace.text_documents.values()):
            self.schedule(document.uri)  # as the editor sent it: the keys are unquoted


def claude_findings(
    server: ForgeServer, analysis: Analysis
) -> list[tuple[Finding, types.Diagnostic]]:
    """Claude's review findings for this version of the document, with their diagnostics."""
    if not analysis.lines:
        return []
    findings = server.annotations.findings(analysis.uri, b"\n".join(analysis.lines))
    encoding = server.position_encoding
    return [(f, lsp_convert.diagnostic(f, analysis.lines, encoding, None)) for f in findings]


def all_diagnostics(server: ForgeServer, analysis: Analysis) -> list[types.Diagnostic]:
    """The rules' diagnostics and Claude's (kept per source: each has its own `source`)."""
    return analysis.diagnostics + [d for _, d in claude_findings(server, analysis)]


def _tell_if_skipped(server: ForgeServer, analysis: Analysis) -> None:
    if analysis.skipped and analysis.tell:
        name = PurePath(analysis.uri).name
        server.show_once(f"Forge did not check {name}: {analysis.skipped}.")


def register(server: ForgeServer) -> None:
    publisher = Publisher(server)
    server.settings_listeners.append(publisher.refresh_all)
    server.annotation_listeners.append(publisher.annotations_changed)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: ForgeServer, params: types.DidOpenTextDocumentParams) -> None:
        publisher.schedule(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: ForgeServer, params: types.DidChangeTextDocumentParams) -> None:
        publisher.schedule(params.text_document.uri, ls.settings.debounce_seconds)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: ForgeServer, params: types.DidSaveTextDocumentParams) -> None:
        if PurePath(params.text_document.uri).name in PROJECT_FILES:
            ls.settings.invalidate()
            ls.settings_changed()
            return
        publisher.schedule(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: ForgeServer, params: types.DidCloseTextDocumentParams) -> None:
        publisher.clear(params.text_document.uri)

    @server.feature(
        types.TEXT_DOCUMENT_DIAGNOSTIC,
        types.DiagnosticOptions(
            identifier="forge", inter_file_dependencies=False, workspace_diagnostics=False
        ),
    )
    async def pull(
        ls: ForgeServer, params: types.DocumentDiagnosticParams
    ) -> types.DocumentDiagnosticReport:
        if not ls.pull_diagnostics:
            return types.RelatedFullDocumentDiagnosticReport(items=[])  # this client gets pushes
        analysis = await ls.current_analysis(params.text_document.uri)
        if analysis is None:
            return types.RelatedFullDocumentDiagnosticReport(items=[])
        _tell_if_skipped(ls, analysis)
        publisher.follow_up(analysis)
        claude = ls.annotations.generation
        result_id = f"{analysis.version}:{analysis.settings_generation}:{analysis.partial}:{claude}"
        if params.previous_result_id == result_id:
            return types.RelatedUnchangedDocumentDiagnosticReport(result_id=result_id)
        return types.RelatedFullDocumentDiagnosticReport(
            items=all_diagnostics(ls, analysis), result_id=result_id
        )
