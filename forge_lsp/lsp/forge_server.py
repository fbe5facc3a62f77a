"""`ForgeServer`: the language server's state that every feature reads (documents, settings,
analyses, Claude's annotations) and the helpers over it. Features import this module;
`forge_lsp.lsp.server` creates the server and registers them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from forge_lsp import __version__
from forge_lsp.lsp.analysis import Analysis, Analyzer, Snapshot
from forge_lsp.lsp.baseline_view import BaselineView
from forge_lsp.lsp.lsp_convert import encoding_name
from forge_lsp.lsp.protocol import ForgeProtocol
from forge_lsp.lsp.settings_store import SettingsStore

if TYPE_CHECKING:
    from pygls.workspace import TextDocument

    from forge_lsp.ai.annotations import Annotations
    from forge_lsp.ai.service import ClaudeService

log = logging.getLogger(__name__)
SETTINGS_WAIT_SECONDS = 5.0


class ForgeServer(LanguageServer):
    """A pygls server holding Forge's settings and the analyses of open documents."""

    def __init__(self) -> None:
        super().__init__("forge-lsp", __version__, protocol_cls=ForgeProtocol)
        self.settings = SettingsStore(self.report_settings_problems)
        self.analyzer = Analyzer(
            self.settings.for_path, BaselineView(self.report_settings_problems)
        )
        self._shown: set[str] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        # Features that must react when settings change (diagnostics re-check open documents).
        self.settings_listeners: list[Callable[[], None]] = []
        # Set once the editor's settings are loaded: checks wait for it (briefly), so the first
        # diagnostics already honour them.
        self.settings_ready = asyncio.Event()
        self._annotations: Annotations | None = None
        # Features that must react when Claude's findings for a document change.
        self.annotation_listeners: list[Callable[[str], None]] = []
        self.claude_service: ClaudeService | None = None  # created by the first Claude task
        self.background_tasks: set[asyncio.Task[None]] = set()  # kept alive until they finish
        self.claude_tasks_in_flight = 0  # Ask, Review and Explain runs not finished yet

    def bind_loop(self) -> None:
        """Remember the event loop, so worker threads can hand messages back to it."""
        self._loop = asyncio.get_running_loop()

    def settings_changed(self) -> None:
        for listener in self.settings_listeners:
            listener()

    @property
    def annotations(self) -> Annotations:
        """What Claude said about ranges of open documents (findings, explanations)."""
        if self._annotations is None:
            from forge_lsp.ai import annotations  # loads with the first check, not at start-up

            self._annotations = annotations.Annotations()
        return self._annotations

    def annotations_changed(self, uri: str) -> None:
        for listener in self.annotation_listeners:
            listener(uri)

    # --- client capabilities -------------------------------------------------------------

    @property
    def pull_diagnostics(self) -> bool:
        """Whether this client pulls Forge's diagnostics rather than receiving them pushed.

        Only clients that can also be told to pull again (`refreshSupport`) pull: a settings
        change would otherwise leave stale findings on screen (Neovim 0.11 pulls but cannot be
        refreshed). Pushing to a pulling client as well would show every finding twice.
        """
        capabilities = self.client_capabilities
        pulls = bool(capabilities.text_document and capabilities.text_document.diagnostic)
        workspace = capabilities.workspace
        refreshes = bool(
            workspace and workspace.diagnostics and workspace.diagnostics.refresh_support
        )
        return pulls and refreshes

    @property
    def supports_show_document(self) -> bool:
        window = self.client_capabilities.window
        return bool(window and window.show_document and window.show_document.support)

    @property
    def position_encoding(self) -> str:
        return encoding_name(self.workspace.position_encoding)

    # --- documents -----------------------------------------------------------------------

    def document(self, uri: str) -> TextDocument | None:
        """The open document `uri` names. pygls keys open documents by the unquoted URI, so a
        URI an editor percent-encoded (a space, `+`, non-ASCII letters) is found only so."""
        return self.workspace.text_documents.get(unquote(uri))

    def is_open(self, uri: str) -> bool:
        return self.document(uri) is not None

    def current_version(self, uri: str) -> int | None:
        document = self.document(uri)
        return document.version if document else None

    def workspace_roots(self) -> list[Path]:
        """The editor's workspace folders (or, without any, its root folder), as paths."""
        uris = [folder.uri for folder in self.workspace.folders.values()]
        if not uris and self.workspace.root_uri:
            uris = [self.workspace.root_uri]
        paths = (self.path_of(uri) for uri in uris)
        return [p for p in paths if p is not None]

    @staticmethod
    def path_of(uri: str) -> Path | None:
        fs_path = to_fs_path(uri) if uri.startswith("file:") else None
        return Path(fs_path) if fs_path else None

    def snapshot(self, uri: str, full: bool = False) -> Snapshot | None:
        document = self.document(uri)
        if document is None:
            return None
        path = self.path_of(uri)
        return Snapshot(
            uri=uri,
            version=document.version,
            text=document.source,
            language_id=document.language_id,
            path=path,
            encoding=self.position_encoding,
            settings_generation=self.settings.generation,
            full=full,
        )

    async def current_analysis(self, uri: str, full: bool = False) -> Analysis | None:
        """The analysis of the document's current version (computed if needed), or None.

        `full` asks for a check of the whole file even when the last one re-checked only the
        edited function."""
        if not self.settings_ready.is_set():
            try:
                await asyncio.wait_for(self.settings_ready.wait(), SETTINGS_WAIT_SECONDS)
            except asyncio.TimeoutError:
                log.warning("editor settings not loaded yet; checking with defaults")
        for _ in range(3):  # the document may change while it is being checked
            snapshot = self.snapshot(uri, full)
            if snapshot is None:
                return None
            analysis = await self.analyzer.analyze(snapshot)
            if self.current_version(uri) == analysis.version:
                return analysis
        return None

    # --- messages ------------------------------------------------------------------------

    def show_once(self, message: str, kind: types.MessageType = types.MessageType.Info) -> None:
        """Show a message to the user, once per server session."""
        if message in self._shown:
            return
        self._shown.add(message)
        self.window_show_message(types.ShowMessageParams(type=kind, message=message))

    def report_settings_problems(self, problems: list[str]) -> None:
        """Report invalid settings in one message (thread-safe: checks run in workers)."""
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            if self._loop is not None:
                self._loop.call_soon_threadsafe(self.report_settings_problems, problems)
            return
        for problem in problems:
            log.warning("invalid setting: %s", problem)
        listed = "; ".join(problems)
        self.show_once(
            f"Forge: setting{'s' if len(problems) > 1 else ''} ignored (the value below each, in "
            f"the end the default, is used): {listed}",
            types.MessageType.Warning,
        )
