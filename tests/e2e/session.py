"""A thin layer over pytest-lsp's client: open and edit documents, wait for what Forge sends."""

from __future__ import annotations

import ast
import asyncio
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities

TIMEOUT = 15

# A Python function whose handler swallows every error of a write: one FG301 finding, a
# warning, on line 3.
HANDLER = (
    "def save(path, text):\n"
    "    try:\n"
    '        open(path, "w").write(text)\n'
    "    except Exception:\n"
    "        pass\n"
)


def capabilities(profile: str) -> types.ClientCapabilities:
    """A real editor's capabilities.

    `visual-studio-code-pull` adds what current VS Code advertises beyond pytest-lsp's 1.65
    profile: pull diagnostics with refresh support. `emacs-eglot-1.9` is Debian 12's Emacs 28
    with eglot 1.9 and no markdown-mode (what tests/editors/test_emacs.py runs): plaintext
    hovers only, no position encodings offered (UTF-16), no window/showDocument.
    """
    if profile == "emacs-eglot-1.9":
        caps = client_capabilities("emacs")
        assert caps.text_document is not None and caps.text_document.hover is not None
        caps.text_document.hover.content_format = [types.MarkupKind.PlainText]
        caps.general = None
        caps.window = types.WindowClientCapabilities(work_done_progress=False)
        return caps
    editor = profile.removesuffix("-pull")
    caps = client_capabilities(editor)
    if profile.endswith("-pull"):
        assert caps.text_document is not None and caps.workspace is not None
        caps.text_document.diagnostic = types.DiagnosticClientCapabilities(
            dynamic_registration=False, related_document_support=True
        )
        caps.workspace.diagnostics = types.DiagnosticWorkspaceClientCapabilities(
            refresh_support=True
        )
    return caps


@dataclass
class Session:
    """What one test's client saw, plus helpers to drive it."""

    client: LanguageClient
    root: Path
    published: dict[str, list[types.PublishDiagnosticsParams]] = field(
        default_factory=lambda: defaultdict(list)
    )
    _versions: dict[str, int] = field(default_factory=dict)

    def install_handlers(self) -> None:
        """Record every publish (pytest-lsp keeps only the last) and accept registrations."""
        client = self.client
        features = client.protocol.fm.features  # replacing defaults needs the feature table
        features.pop(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS, None)

        @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def on_publish(params: types.PublishDiagnosticsParams) -> None:
            self.published[params.uri].append(params)

        @client.feature(types.CLIENT_REGISTER_CAPABILITY)
        def on_register(params: types.RegistrationParams) -> None:
            return None

    @property
    def messages(self) -> list[types.ShowMessageParams]:
        return self.client.messages

    @property
    def shown_documents(self) -> list[types.ShowDocumentParams]:
        return self.client.shown_documents

    @property
    def can_show_documents(self) -> bool:
        """Whether the client advertised window/showDocument (eglot before 1.14 does not)."""
        caps = self.client.capabilities
        window = caps.window if caps else None
        return bool(window and window.show_document and window.show_document.support)

    def opened_documents(self) -> list[str]:
        """The URIs Forge opened (window/showDocument) or, for a client that cannot show
        documents, named in a message instead ("... is in PATH", "...: URI")."""
        if self.can_show_documents:
            return [d.uri for d in self.shown_documents]
        named = []
        for message in self.messages:
            found = re.search(r"(file://\S+|/\S+\.md)\s*$", message.message)
            if found:
                text = found.group(1)
                named.append(text if text.startswith("file://") else Path(text).as_uri())
        return named

    @property
    def pulls(self) -> bool:
        """Whether Forge serves this client by pull (it must refresh) rather than push."""
        caps = self.client.capabilities
        if not (caps and caps.text_document and caps.text_document.diagnostic):
            return False
        workspace = caps.workspace
        return bool(workspace and workspace.diagnostics and workspace.diagnostics.refresh_support)

    async def until(self, condition, what: str, timeout: float = TIMEOUT):
        """Wait until `condition()` is truthy (and return it); fail naming `what` otherwise."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not (result := condition()):
            if loop.time() > deadline:
                raise AssertionError(f"timed out waiting for {what}")
            await asyncio.sleep(0.01)
        return result

    def write(self, name: str, text: str) -> Path:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        return path

    def open(self, name: str, text: str, language_id: str) -> str:
        uri = self.write(name, text).as_uri()
        self._versions[uri] = 1
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                types.TextDocumentItem(uri=uri, language_id=language_id, version=1, text=text)
            )
        )
        return uri

    def change(self, uri: str, text: str, range_: types.Range | None = None) -> int:
        """Send one change (whole text, or `text` replacing `range_`); returns the new version."""
        version = self._versions[uri] = self._versions[uri] + 1
        change: types.TextDocumentContentChangeEvent
        if range_ is None:
            change = types.TextDocumentContentChangeWholeDocument(text=text)
        else:
            change = types.TextDocumentContentChangePartial(range=range_, text=text)
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[change],
            )
        )
        return version

    def close(self, uri: str) -> None:
        self.client.text_document_did_close(
            types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri))
        )

    async def diagnostics(self, uri: str, version: int | None = None) -> list[types.Diagnostic]:
        """The document's diagnostics, pulled or (for push clients) as last published."""
        if self.pulls:
            report = await self.client.text_document_diagnostic_async(
                types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri))
            )
            assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
            return list(report.items)
        wanted = version if version is not None else self._versions[uri]
        params = await self.until(
            lambda: next((p for p in self.published[uri] if p.version == wanted), None),
            f"diagnostics of {uri} version {wanted}",
        )
        return list(params.diagnostics)

    async def hover(self, uri: str, line: int, character: int) -> str | None:
        result = await self.client.text_document_hover_async(
            types.HoverParams(types.TextDocumentIdentifier(uri), types.Position(line, character))
        )
        if result is None:
            return None
        assert isinstance(result.contents, types.MarkupContent)
        return result.contents.value

    async def code_actions(
        self, uri: str, range_: types.Range, diagnostics: list[types.Diagnostic] | None = None
    ) -> list[types.CodeAction | types.Command]:
        result = await self.client.text_document_code_action_async(
            types.CodeActionParams(
                types.TextDocumentIdentifier(uri),
                range_,
                types.CodeActionContext(diagnostics=diagnostics or []),
            )
        )
        return list(result or [])


def command_of(action: object) -> types.Command:
    """The command a code action carries.

    lsprotocol 2025.0.0 structures a CodeAction that carries a command as a `Command` whose
    `command` field is the repr of the whole action: recover it from there.
    """
    if isinstance(action, types.CodeAction):
        assert action.command is not None
        return action.command
    assert isinstance(action, types.Command)
    if action.command.startswith("{"):
        raw = ast.literal_eval(action.command)
        return types.Command(raw["title"], raw["command"], arguments=raw.get("arguments"))
    return action


async def start(
    client: LanguageClient, profile: str, root: Path, options: dict[str, object]
) -> Session:
    """Initialize a session as the editor of `profile` would, on the workspace folder `root`."""
    state = Session(client, root)
    state.install_handlers()
    await client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities(profile),
            root_uri=root.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name="project")],
            initialization_options={"debounceMs": 0, **options},
        )
    )
    return state
