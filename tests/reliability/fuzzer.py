"""Drive one live Forge server with random LSP traffic and check it after every step.

One server serves a whole test (starting one costs about half a second); each Hypothesis
example opens its own, uniquely named documents, runs a random sequence of operations drawn
against the documents as the client holds them, ends with a full-text change of every open
document (whose diagnostics must equal a fresh check's), and closes them all.

Settings the fuzzer sends are mirrored twice: through Forge's own `SettingsStore` (for what only
Forge's code can say, such as rule selection) and through the oracle's knowledge of the numeric
settings' documented ranges (`expected.NUMBERS`), which decides the file size limit a fresh
check uses and which warnings the user must be shown, once each.

The client's copy of each document applies changes as pygls' `TextDocument` does (clamping
out-of-bounds ranges the same way) but splits lines as LSP does: on \n, \r\n and \r only, not
on the other breaks Python's `str.splitlines` knows (U+2028, form feed...), as editors count.
"""

from __future__ import annotations

import asyncio
import os
import re
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, note, seed, settings
from hypothesis import strategies as st
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.workspace import PositionCodec, TextDocument
from pytest_lsp import LanguageClient

from forge_lsp.core import languages
from forge_lsp.lsp.settings_store import SettingsStore
from tests.reliability import inputs
from tests.reliability.expected import (
    comparable,
    effective_number,
    fresh_diagnostics,
    refused_numbers,
)
from tests.reliability.health import ServerStderr, server_failures
from tests.reliability.publish_order import PublishOrder

TIMEOUT = 15.0
# After a check of only the edited function the server checks the whole file once typing
# pauses (1 s): diagnostics may take that long to match a fresh check.
SETTLE_SECONDS = 4.0
CLAUDE_TITLES = ("Ask Forge", "Review selection", "Explain with")
INVALID_PARAMS, METHOD_NOT_FOUND, REQUEST_CANCELLED = -32602, -32601, -32800

OPERATIONS = (
    ["open"] * 4
    + ["change"] * 8
    + ["replace"] * 2
    + ["save"] * 2
    + ["close"] * 2
    + ["hover"] * 5
    + ["code_action"] * 6
    + ["pull"]
    + ["unregistered"]
    + ["command"] * 3
    + ["configure"] * 2
    + ["cancel"]
    + ["settle"] * 2
)


_LSP_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


class EditorDocument(TextDocument):
    """A document as an editor holds it: its lines end at \n, \r\n or \r only."""

    @property
    def lines(self) -> list[str]:  # type: ignore[override]
        return _LSP_LINE.findall(self.source)


@dataclass
class Document:
    """A document of one example, as the client holds it."""

    uri: str
    language_id: str
    path: Path
    version: int = 0  # the last version the client sent
    model: TextDocument | None = None  # None while closed
    opens: int = 0  # how many times the client opened it

    @property
    def lines(self) -> list[str]:
        return list(self.model.lines) if self.model else []

    @property
    def checked(self) -> bool:
        """Whether Forge checks the document's language (else it publishes nothing for it)."""
        return languages.for_document(self.language_id, str(self.path)) is not None

    def __repr__(self) -> str:
        return f"<{self.path.name} v{self.version}{'' if self.model else ', closed'}>"


class SessionFuzzer:
    """The client side of one server's session, shared by all the examples of a test."""

    def __init__(
        self,
        client: LanguageClient,
        root: Path,
        encoding: str,
        pulls: bool,
        commands: list[str],
        stderr: ServerStderr,
        init_options: dict[str, Any],
    ) -> None:
        self.client, self.root, self.encoding, self.pulls = client, root, encoding, pulls
        self.commands, self.stderr, self.init_options = commands, stderr, init_options
        self.order = PublishOrder()
        self.published: dict[str, list[types.PublishDiagnosticsParams]] = defaultdict(list)
        self.examples = 0
        self.docs: dict[str, Document] = {}
        self.log: list[str] = []
        self.pending: list[tuple[str, asyncio.Task[None]]] = []
        self.failures: list[str] = []
        self._log_messages_start = 0
        self.seen: Counter[str] = Counter()  # what the examples exercised, for the summary
        # The editor's layers as the server receives them: initializationOptions, workspace.
        self.editor_layers: list[object] = [init_options, {}]
        # Refused numeric settings of the whole session, (key, value repr) -> a pattern of
        # their warning, and how many warnings named each: one per session, not per example.
        self.refused: dict[tuple[str, str], re.Pattern[str]] = {}
        self.warned: Counter[tuple[str, str]] = Counter()
        self._warnings_scanned = 0
        self._install()

    def _install(self) -> None:
        self.settings = SettingsStore(lambda problems: None)
        self.settings.set_editor(self.init_options)
        features = self.client.protocol.fm.features
        features.pop(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS, None)

        @self.client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def on_publish(params: types.PublishDiagnosticsParams) -> None:
            self.published[params.uri].append(params)
            self.order.published(params.uri, params.version, len(params.diagnostics))

        @self.client.feature(types.CLIENT_REGISTER_CAPABILITY)
        def on_register(params: types.RegistrationParams) -> None:
            return None

    # --- one example ---------------------------------------------------------------------

    async def run_example(self, data: st.DataObject, max_operations: int) -> None:
        self.examples += 1
        self.docs, self.log, self.pending, self.failures = {}, [], [], []
        stderr_start = len(self.stderr.lines)
        messages_start = len(self.client.messages)
        self._log_messages_start = len(self.client.log_messages)
        await self._apply_settings({"forge": {}}, push=True)  # every example starts from defaults
        try:
            count = data.draw(st.integers(1, max_operations), label="operations")
            for index in range(count):
                first = index == 0  # every example opens a document first
                operation = (
                    "open" if first else data.draw(st.sampled_from(OPERATIONS), label="operation")
                )
                self.seen[operation] += 1
                await getattr(self, f"_{operation}")(data)
                self._check_health(stderr_start, messages_start)
            await self._finish(data)
            self._check_health(stderr_start, messages_start)
        finally:
            self._close_leftovers()

    def _close_leftovers(self) -> None:
        """Close what an example left open when it stopped early. Hypothesis stops an example
        whose draws overrun its budget (a few in a hundred): their documents stayed open on
        the server, so a long run held hundreds, re-checked at every settings change, and the
        run slowed from 0.3 to 1.8 s an example over 1,600 examples."""
        for doc in [d for d in self.docs.values() if d.model is not None]:
            doc.model = None
            self.order.closed(doc.uri)
            self.client.text_document_did_close(
                types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(doc.uri))
            )

    def _step(self, text: str) -> None:
        self.log.append(text)
        note(text)

    def _fail(self, text: str) -> None:
        self.failures.append(text)
        report = self._report()
        # Also on stdout: a replay of a live session may not fail the same way, and Hypothesis
        # then reports the flakiness rather than this.
        print(f"\nFUZZ FAILURE {report}")
        raise AssertionError(report)

    def _report(self) -> str:
        steps = "\n".join(f"  {i + 1}. {s}" for i, s in enumerate(self.log[-80:]))
        return (
            f"example {self.examples}: "
            + "\n".join(self.failures)
            + f"\nafter these steps ({self.encoding} positions, "
            + f"{'pull' if self.pulls else 'push'} diagnostics):\n{steps}"
        )

    def __repr__(self) -> str:  # Hypothesis prints the test's arguments
        return f"<session fuzzer: {self.encoding}, {'pull' if self.pulls else 'push'}>"

    def _check_health(self, stderr_start: int, messages_start: int) -> None:
        problems = server_failures(
            self.client, self.stderr, stderr_start, messages_start, self._log_messages_start
        )
        if self.order.violations:
            problems += self.order.violations
        problems += self._repeated_warnings()
        if problems:
            self._fail("\n".join(problems))

    # --- documents -----------------------------------------------------------------------

    def _uri_choices(self, data: st.DataObject, open_only: bool = False) -> Document | None:
        candidates = [d for d in self.docs.values() if d.model or not open_only]
        if not candidates:
            return None
        return data.draw(st.sampled_from(candidates), label="document")

    def _any_uri(self, data: st.DataObject) -> tuple[str, Document | None]:
        """A known document's URI most of the time; else one never opened."""
        doc = self._uri_choices(data)
        if doc is not None and data.draw(st.integers(0, 7), label="unknown?") != 1:
            return doc.uri, doc
        name = f"ex{self.examples}/never-opened{data.draw(st.integers(0, 3))}.py"
        return (self.root / name).as_uri(), None

    async def _open(self, data: st.DataObject) -> None:
        closed = [d for d in self.docs.values() if d.model is None]
        if closed and data.draw(st.booleans(), label="reopen?"):
            doc = data.draw(st.sampled_from(closed), label="document")
            doc.version = (
                1 if data.draw(st.booleans(), label="version 1 again?") else doc.version + 1
            )
        else:
            language_id = data.draw(
                st.sampled_from([*inputs.LANGUAGES, inputs.UNKNOWN_LANGUAGE]), label="language"
            )
            if language_id in inputs.LANGUAGES:
                extension = inputs.LANGUAGES[language_id][0]
            else:
                extension = data.draw(st.sampled_from(inputs.UNKNOWN_EXTENSIONS))
            path = self.root / f"ex{self.examples}" / f"doc{len(self.docs)}{extension}"
            doc = Document(path.as_uri(), language_id, path, version=1)
            self.docs[doc.uri] = doc
        text = data.draw(inputs.source_text(doc.language_id), label="text")
        doc.path.parent.mkdir(parents=True, exist_ok=True)
        doc.path.write_text(text, encoding="utf-8", errors="surrogatepass")
        doc.model = EditorDocument(
            doc.uri, text, doc.version, doc.language_id, position_codec=PositionCodec(self.encoding)
        )
        doc.opens += 1
        self._step(f"open {doc.path.name} ({doc.language_id}) v{doc.version}: {_short(text)}")
        self.order.opened(doc.uri, doc.version)
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                types.TextDocumentItem(doc.uri, doc.language_id, doc.version, text)
            )
        )

    async def _change(self, data: st.DataObject) -> None:
        uri, doc = self._any_uri(data)
        lines = doc.lines if doc else []
        changes: list[types.TextDocumentContentChangeEvent] = []
        for _ in range(data.draw(st.integers(1, 3), label="changes")):
            if doc is not None and doc.model is not None:
                lines = doc.lines  # each change applies to the text the previous one left
            range_ = data.draw(inputs.range_(lines, self.encoding), label="range")
            text = data.draw(inputs.fragment(doc.language_id if doc else "python"), label="text")
            change = types.TextDocumentContentChangePartial(range=range_, text=text)
            changes.append(change)
            if doc is not None and doc.model is not None:
                doc.model.apply_change(change)
        self._send_change(uri, doc, changes, data)

    async def _replace(self, data: st.DataObject) -> None:
        uri, doc = self._any_uri(data)
        text = data.draw(inputs.source_text(doc.language_id if doc else "python"), label="text")
        change = types.TextDocumentContentChangeWholeDocument(text=text)
        if doc is not None and doc.model is not None:
            doc.model.apply_change(change)
        self._send_change(uri, doc, [change], data)

    def _send_change(
        self,
        uri: str,
        doc: Document | None,
        changes: list[types.TextDocumentContentChangeEvent],
        data: st.DataObject,
    ) -> None:
        if doc is not None and doc.model is not None:
            doc.version += 1
            version = doc.version
            doc.model.version = version
            self.order.changed(uri, version)
            state = "open"
        else:
            version = data.draw(st.integers(1, 50), label="version")
            state = "closed" if doc else "never opened"
        described = "; ".join(
            f"{_range(c.range)} <- {_short(c.text)}"
            if isinstance(c, types.TextDocumentContentChangePartial)
            else f"all <- {_short(c.text)}"
            for c in changes
        )
        self._step(f"change {_name(uri)} ({state}) v{version}: {described}")
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(uri=uri, version=version), changes
            )
        )

    async def _save(self, data: st.DataObject) -> None:
        uri, doc = self._any_uri(data)
        with_text = doc is not None and doc.model is not None and data.draw(st.booleans())
        text = doc.model.source if with_text and doc and doc.model else None
        self._step(f"save {_name(uri)}{' with text' if text is not None else ''}")
        self.client.text_document_did_save(
            types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(uri), text)
        )

    async def _close(self, data: st.DataObject) -> None:
        uri, doc = self._any_uri(data)
        self._step(f"close {_name(uri)} ({'open' if doc and doc.model else 'not open'})")
        if doc is not None:
            doc.model = None
        self.order.closed(uri)
        self.client.text_document_did_close(
            types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri))
        )

    # --- requests ------------------------------------------------------------------------

    async def _request(
        self,
        what: str,
        send: Callable[[], Awaitable[Any]],
        allowed: tuple[int, ...] = (),
    ) -> tuple[bool, Any]:
        """Send a request and wait for its answer: (True, result), or (False, error code) for
        an allowed error; any other error, or no answer, fails the example."""
        sent_before = len(self.order.sent)
        try:
            result = await asyncio.wait_for(send(), TIMEOUT)
            self.order.answered(sent_before)
            self.seen["results" if result else "empty results"] += 1
            return True, result
        except JsonRpcException as error:
            self.order.answered(sent_before)
            if error.code in allowed:
                self.seen[f"error {error.code}"] += 1
                return False, error.code
            self._fail(f"{what} answered with error {error.code}: {error.message}")
        except asyncio.TimeoutError:
            self._fail(f"{what} got no answer in {TIMEOUT:.0f} s")
        raise AssertionError("unreachable")

    async def _maybe_concurrently(
        self, data: st.DataObject, what: str, request: Callable[[], Awaitable[None]]
    ) -> None:
        """Most requests are awaited; some stay in flight while the sequence goes on."""
        if data.draw(st.integers(0, 3), label="in flight?") == 0:
            self._step(f"{what} (left in flight)")
            self.pending.append((what, asyncio.ensure_future(request())))
        else:
            self._step(what)
            await request()

    async def _findings_of(self, doc: Document | None) -> list[types.Range]:
        """Ranges of the findings the client is shown for the document's current version
        (waiting briefly for them, as a user hovers what they see)."""
        if doc is None or doc.model is None or not doc.checked:
            return []  # Forge publishes nothing for a language it does not check
        if self.pulls:
            _, report = await self._request(
                f"pull diagnostics {doc.path.name}",
                lambda: self.client.text_document_diagnostic_async(
                    types.DocumentDiagnosticParams(types.TextDocumentIdentifier(doc.uri))
                ),
            )
            return [d.range for d in getattr(report, "items", None) or []]
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 2
        while loop.time() < deadline:
            shown = [p for p in self.published.get(doc.uri, []) if p.version == doc.version]
            if shown:
                return [d.range for d in shown[-1].diagnostics]
            await asyncio.sleep(0.02)
        return []

    async def _position(self, data: st.DataObject, doc: Document | None) -> types.Position:
        """Anywhere, or (often) on a finding the client is shown, where the features act.
        What is drawn never depends on what the server sent (replays must draw the same)."""
        anywhere = data.draw(st.integers(0, 3), label="anywhere?") == 1
        random = data.draw(inputs.position(doc.lines if doc else [], self.encoding))
        index, at_end = data.draw(st.tuples(st.integers(0, 999), st.booleans()), label="finding")
        ranges = [] if anywhere else await self._findings_of(doc)
        if not ranges:
            return random
        finding = ranges[index % len(ranges)]
        return finding.end if at_end else finding.start

    async def _range(self, data: st.DataObject, doc: Document | None) -> types.Range:
        anywhere = data.draw(st.integers(0, 3), label="anywhere?") == 1
        random = data.draw(inputs.range_(doc.lines if doc else [], self.encoding), label="range")
        index = data.draw(st.integers(0, 999), label="finding")
        ranges = [] if anywhere else await self._findings_of(doc)
        return ranges[index % len(ranges)] if ranges else random

    async def _hover(self, data: st.DataObject) -> None:
        uri, doc = self._any_uri(data)
        at = await self._position(data, doc)
        closed = _closed_marker(doc)
        what = f"hover {_name(uri)} at {at.line}:{at.character}"

        async def request() -> None:
            _, result = await self._request(
                what,
                lambda: self.client.text_document_hover_async(
                    types.HoverParams(types.TextDocumentIdentifier(uri), at)
                ),
            )
            if closed is not None and closed == _closed_marker(doc) and result is not None:
                self._fail(f"{what}: a hover for a document that is not open: {result}")
            if result is not None:
                self.seen["hovers shown"] += 1

        await self._maybe_concurrently(data, what, request)

    def _context_diagnostics(self, data: st.DataObject, uri: str, lines: list[str]) -> list[Any]:
        shown = self.published.get(uri, [])
        real = list(shown[-1].diagnostics) if shown else []
        made_up = st.builds(
            types.Diagnostic,
            range=inputs.range_(lines, self.encoding),
            message=st.text(max_size=20),
            severity=st.sampled_from(list(types.DiagnosticSeverity)),
            code=st.one_of(
                st.sampled_from(inputs.RULE_CODES), st.integers(0, 999), st.text(max_size=6)
            ),
            source=st.sampled_from(["forge", "Forge (Claude)", "pyright", ""]),
            data=inputs.json_values,
        )
        picks = data.draw(st.lists(st.integers(0, 999), max_size=3), label="real")
        chosen = [real[i % len(real)] for i in picks] if real else []
        return chosen + data.draw(st.lists(made_up, max_size=2), label="made up")

    async def _code_action(self, data: st.DataObject) -> None:
        uri, doc = self._any_uri(data)
        lines = doc.lines if doc else []
        range_ = await self._range(data, doc)
        context = types.CodeActionContext(
            diagnostics=self._context_diagnostics(data, uri, lines),
            only=data.draw(
                st.one_of(
                    st.none(),
                    st.lists(
                        st.sampled_from(["quickfix", "refactor", "refactor.rewrite", "source", ""]),
                        max_size=3,
                    ),
                ),
                label="only",
            ),
        )
        closed = _closed_marker(doc)
        version = doc.version if doc else None
        what = f"codeAction {_name(uri)} {_range(range_)} only={context.only}"

        async def request() -> None:
            _, result = await self._request(
                what,
                lambda: self.client.text_document_code_action_async(
                    types.CodeActionParams(types.TextDocumentIdentifier(uri), range_, context)
                ),
            )
            if closed is not None and closed == _closed_marker(doc) and result:
                self._fail(f"{what}: actions for a document that is not open: {result}")
            still = doc is not None and doc.model is not None and doc.version == version
            for action in result or []:
                if not action.title.startswith(CLAUDE_TITLES):
                    self.seen["rule actions"] += 1  # a fix, a suppression or the rule's doc
                if isinstance(action, types.CodeAction) and action.edit and still:
                    self._check_edit(what, uri, version, action.edit)

        await self._maybe_concurrently(data, what, request)

    def _check_edit(
        self, what: str, uri: str, version: int | None, edit: types.WorkspaceEdit
    ) -> None:
        """An action's edit names this document at the version the client holds."""
        for change in edit.document_changes or []:
            if not isinstance(change, types.TextDocumentEdit):
                self._fail(f"{what}: an edit that is not a text edit: {change}")
                continue
            if change.text_document.uri != uri or change.text_document.version != version:
                self._fail(
                    f"{what}: an edit for {change.text_document.uri} "
                    f"v{change.text_document.version}; the client holds v{version}"
                )
        for target in edit.changes or {}:
            if target != uri:
                self._fail(f"{what}: an edit for another document: {target}")

    async def _pull(self, data: st.DataObject) -> None:
        uri, _ = self._any_uri(data)
        what = f"pull diagnostics {_name(uri)}"
        self._step(what)
        await self._request(
            what,
            lambda: self.client.text_document_diagnostic_async(
                types.DocumentDiagnosticParams(types.TextDocumentIdentifier(uri))
            ),
        )

    async def _unregistered(self, data: st.DataObject) -> None:
        """A feature Forge does not offer: a clean MethodNotFound, nothing else."""
        uri, _ = self._any_uri(data)
        what = f"documentSymbol {_name(uri)}"
        self._step(what)
        await self._request(
            what,
            lambda: self.client.text_document_document_symbol_async(
                types.DocumentSymbolParams(types.TextDocumentIdentifier(uri))
            ),
            allowed=(METHOD_NOT_FOUND,),
        )

    async def _command(self, data: st.DataObject) -> None:
        name = data.draw(
            st.one_of(
                st.sampled_from(self.commands), st.sampled_from(["forge.nope", "", "x" * 300])
            ),
            label="command",
        )
        doc = self._uri_choices(data)
        uris = [d.uri for d in self.docs.values()] or ["file:///nowhere.py"]
        arguments = data.draw(
            st.one_of(
                inputs.location_arguments(uris, doc.lines if doc else [], self.encoding),
                st.lists(st.sampled_from([*inputs.RULE_CODES, "FG999", "fg101"]), max_size=2),
                st.none(),
            ),
            label="arguments",
        )
        what = f"executeCommand {name} {_short(repr(arguments), 120)}"
        self._step(what)
        await self._request(
            what,
            lambda: self.client.workspace_execute_command_async(
                types.ExecuteCommandParams(command=name, arguments=arguments)
            ),
            allowed=(INVALID_PARAMS, REQUEST_CANCELLED),
        )

    async def _cancel(self, data: st.DataObject) -> None:
        """A request cancelled right after it is sent: a result or RequestCancelled."""
        doc = self._uri_choices(data)
        uri = doc.uri if doc else (self.root / "nothing.py").as_uri()
        range_ = data.draw(inputs.range_(doc.lines if doc else [], self.encoding))
        what = f"codeAction {_name(uri)} {_range(range_)}, cancelled at once"
        self._step(what)
        future = self.client.protocol.send_request(
            types.TEXT_DOCUMENT_CODE_ACTION,
            types.CodeActionParams(
                types.TextDocumentIdentifier(uri), range_, types.CodeActionContext(diagnostics=[])
            ),
        )
        ids = [k for k, v in self.client.protocol._request_futures.items() if v is future]
        for request_id in ids:
            self.client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id=request_id))
        await self._request(what, lambda: asyncio.wrap_future(future), allowed=(REQUEST_CANCELLED,))

    async def _apply_settings(self, settings: Any, push: bool) -> None:
        """Change the editor's settings, as a client that pushes them or one asked for them."""
        if push:
            self.client.set_configuration(None, section="forge")
        else:
            self.client.set_configuration(settings, section="forge")
        workspace = self.client.capabilities.workspace if self.client.capabilities else None
        fetched = (
            self.client.get_configuration(section="forge")
            if workspace and workspace.configuration
            else None
        )
        mirrored = fetched
        if mirrored is None and isinstance(settings if push else None, dict):
            mirrored = settings.get("forge")
        self.settings.set_editor(None, mirrored or {})
        self.editor_layers[1] = mirrored or {}
        self._check_numbers_mirrored()
        refused = refused_numbers("forge", mirrored or {})
        self.seen["refused settings sent"] += len(refused)
        new = [key for key in refused if key not in self.refused]
        self.refused.update({key: _warning_pattern(refused[key]) for key in new})
        self.client.workspace_did_change_configuration(
            types.DidChangeConfigurationParams(settings=settings if push else None)
        )
        for key, value in new:
            self.seen["refused settings warned about (once each)"] += 1
            await self._until(
                partial(self._warned, (key, value)),
                f"a warning that forge.{key} = {value} was refused",
            )

    def _check_numbers_mirrored(self) -> None:
        """Forge's own settings code must agree with the documented ranges."""
        debounce = effective_number("debounceMs", self.editor_layers)
        if round(self.settings.debounce_seconds * 1000) != debounce:
            self._fail(
                f"Forge's settings give debounceMs = {self.settings.debounce_seconds * 1000:g}; "
                f"the documented range gives {debounce}"
            )
        size = effective_number("maxFileSize", self.editor_layers)
        if self.settings.for_path(None).max_file_size != size:
            self._fail(
                f"Forge's settings give maxFileSize = {self.settings.for_path(None).max_file_size}"
                f"; the documented range gives {size}"
            )

    def _scan_warnings(self) -> None:
        """Count the refused settings each warning shown since the last scan names."""
        messages = self.client.messages
        for message in messages[self._warnings_scanned :]:
            if message.type == types.MessageType.Warning:
                for key, pattern in self.refused.items():
                    if pattern.search(message.message):
                        self.warned[key] += 1
        self._warnings_scanned = len(messages)

    def _warned(self, refused: tuple[str, str]) -> bool:
        self._scan_warnings()
        return self.warned[refused] > 0

    def _repeated_warnings(self) -> list[str]:
        self._scan_warnings()
        return [
            f"the user was warned {count} times about forge.{key} = {value}"
            for (key, value), count in self.warned.items()
            if count > 1
        ]

    async def _configure(self, data: st.DataObject) -> None:
        value = data.draw(inputs.forge_settings, label="settings")
        push = data.draw(st.booleans(), label="push?")
        self._step(f"settings ({'pushed' if push else 'asked for'}): {_short(repr(value), 200)}")
        await self._apply_settings({"forge": value} if push else value, push)

    # --- diagnostics against a fresh check -------------------------------------------------

    async def _settle(self, data: st.DataObject) -> None:
        doc = self._uri_choices(data, open_only=True)
        if doc is not None:
            self._step(f"settle {doc.path.name}")
            await self._compare_with_fresh_check(doc)

    async def _compare_with_fresh_check(self, doc: Document) -> None:
        """Wait until the document's diagnostics equal a fresh check of the client's text."""
        assert doc.model is not None
        text, version = doc.model.source, doc.version
        settings = replace(
            self.settings.for_path(doc.path),
            max_file_size=effective_number("maxFileSize", self.editor_layers),
        )
        expected = fresh_diagnostics(text, doc.language_id, doc.path, settings, self.encoding)
        loop = asyncio.get_running_loop()
        deadline = None
        first_deadline = loop.time() + TIMEOUT
        while True:
            seen = await self._current_diagnostics(doc, version, expected is None)
            if seen is not None and seen == (expected or []):
                self.seen["diagnostics equal to a fresh check's"] += 1
                self.seen["findings compared"] += len(seen)
                return
            now = loop.time()
            if seen is not None and deadline is None:
                deadline = now + SETTLE_SECONDS
            if seen is None and now > first_deadline:
                self._fail(f"{doc.path.name} v{version}: no diagnostics in {TIMEOUT:.0f} s")
            if deadline is not None and now > deadline:
                self._fail(
                    f"{doc.path.name} v{version}: the server's diagnostics differ from a "
                    f"fresh check of the same text.\nserver: {_codes(seen)}\nfresh:  "
                    f"{_codes(expected or [])}\ntext: {text!r}\nserver, in full: {seen}\n"
                    f"fresh, in full: {expected}"
                )
            await asyncio.sleep(0.05)

    async def _current_diagnostics(
        self, doc: Document, version: int, unchecked: bool
    ) -> list[dict[str, Any]] | None:
        """The diagnostics the client has for this version (None: nothing yet)."""
        if self.pulls:
            _, report = await self._request(
                f"pull diagnostics {doc.path.name}",
                lambda: self.client.text_document_diagnostic_async(
                    types.DocumentDiagnosticParams(types.TextDocumentIdentifier(doc.uri))
                ),
            )
            return comparable(list(getattr(report, "items", None) or []))
        publishes = [p for p in self.published.get(doc.uri, []) if p.version == version]
        if unchecked:
            return []  # Forge publishes nothing for a language it does not check
        return comparable(list(publishes[-1].diagnostics)) if publishes else None

    async def _finish(self, data: st.DataObject) -> None:
        """Answers for everything in flight; a last full change of every open document must
        give a fresh check's diagnostics; then every document closes."""
        for what, task in self.pending:
            try:
                await asyncio.wait_for(task, TIMEOUT * 2)
            except asyncio.TimeoutError:
                self._fail(f"{what}: no answer")
        for doc in [d for d in self.docs.values() if d.model is not None]:
            text = data.draw(inputs.source_text(doc.language_id), label="final text")
            change = types.TextDocumentContentChangeWholeDocument(text=text)
            assert doc.model is not None
            doc.model.apply_change(change)
            self._send_change(doc.uri, doc, [change], data)
        for doc in [d for d in self.docs.values() if d.model is not None]:
            self._step(f"settle {doc.path.name}")
            await self._compare_with_fresh_check(doc)
        for doc in [d for d in self.docs.values() if d.model is not None]:
            self._step(f"close {doc.path.name}")
            doc.model = None
            self.order.closed(doc.uri)
            self.client.text_document_did_close(
                types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(doc.uri))
            )
        if not self.pulls:
            closed = [d.uri for d in self.docs.values()]
            await self._until(
                lambda: all(
                    self.published.get(u) and self.published[u][-1].version is None for u in closed
                ),
                "the empty publish of every closed document",
            )

    async def _until(self, condition: Callable[[], bool], what: str) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + TIMEOUT
        while not condition():
            if loop.time() > deadline:
                self._fail(f"timed out waiting for {what}")
            await asyncio.sleep(0.02)


def _warning_pattern(parts: tuple[str, str, str]) -> re.Pattern[str]:
    """Where a warning names a refused setting: one of its "; "-separated problems starts with
    the setting, holds the range and ends with the value."""
    setting, range_, value = (re.escape(part) for part in parts)
    within = r"(?:(?!; ).)*?"  # not into the next problem
    return re.compile(rf"(?:: |; ){setting}{within}{range_}{within}{value}(?:; |$)", re.DOTALL)


def _closed_marker(doc: Document | None) -> int | None:
    """While a document is not open, how many times it was opened (None while open): a request
    sent and answered with the same marker was handled while the document was not open."""
    if doc is None:
        return 0
    return None if doc.model is not None else doc.opens


def _name(uri: str) -> str:
    return "/".join(uri.rsplit("/", 2)[-2:])


def _short(text: str, limit: int = 60) -> str:
    shown = repr(text)
    return (
        shown
        if len(shown) <= limit
        else f"{shown[: limit - 20]}...{shown[-15:]} ({len(text)} chars)"
    )


def _range(r: types.Range) -> str:
    return f"{r.start.line}:{r.start.character}-{r.end.line}:{r.end.character}"


def _codes(diagnostics: list[dict[str, Any]] | None) -> list[str]:
    if diagnostics is None:
        return ["(nothing published)"]
    return [
        f"{d.get('code')}@{d['range']['start']['line']}:{d['range']['start']['character']}"
        for d in diagnostics
    ]


def fuzz_settings(default_examples: int) -> Callable[[Any], Any]:
    """Hypothesis settings for a fuzz test: reproducible (derandomized) unless FORGE_FUZZ_SEED
    names a seed; FORGE_FUZZ_EXAMPLES examples instead of `default_examples`; no shrinking
    unless FORGE_FUZZ_SHRINK=1 (examples share one server: shrinking replays sequences against
    a server a failure may have left broken, for minutes)."""
    chosen = os.environ.get("FORGE_FUZZ_SEED")

    def apply(test: Any) -> Any:
        configured = settings(
            max_examples=int(os.environ.get("FORGE_FUZZ_EXAMPLES", default_examples)),
            deadline=None,
            derandomize=chosen is None,
            database=None,
            suppress_health_check=[
                HealthCheck.function_scoped_fixture,
                HealthCheck.too_slow,
                HealthCheck.data_too_large,
            ],
            print_blob=True,
            phases=[Phase.explicit, Phase.generate]
            + ([Phase.shrink] if os.environ.get("FORGE_FUZZ_SHRINK") else []),
        )(test)
        return seed(int(chosen))(configured) if chosen else configured

    return apply
