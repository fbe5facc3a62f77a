"""Forge's JSON-RPC protocol: pygls' language server protocol, hardened where a client that is
slow or sends something malformed used to make pygls show "Error in server".

A response that arrives after Forge stopped waiting for it (a `workspace/configuration` answer
later than its 5 s timeout, a request whose caller was cancelled) is dropped with a log line:
pygls would try to resolve the cancelled future, fail, and show the user an error.

A change to a document that is not open (never opened, or already closed) is ignored with a
log line: pygls would fail on the missing document and show the user an error.

Documents split into lines as LSP counts them, on \n, \r\n and \r only: pygls splits with
`str.splitlines`, which also breaks at U+2028, U+2029, U+0085, form feeds and a few control
characters, so an edit below such a character (a JavaScript string, a Python docstring) landed
on the wrong line and Forge's copy of the document silently drifted from the editor's.

A request whose params do not match its method's types (a missing field, a string where a
number belongs) is answered with InvalidParams (-32602), as JSON-RPC asks: pygls never
answered it (the client waited forever) and showed the user "Error in server: Invalid Params".
A malformed notification is ignored with a log line. Logs name the method, never the params
(they carry code). lsprotocol lets any value through where the protocol allows a number or a
string, so a `$/cancelRequest` whose id is neither is ignored here too (pygls failed on it).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams, JsonRpcInvalidRequest
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method
from pygls.workspace import TextDocument, Workspace

log = logging.getLogger(__name__)


# The line breaks `str.splitlines` knows and LSP does not.
_OTHER_BREAKS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_LSP_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


class EditorTextDocument(TextDocument):
    """A pygls document whose lines end where the editor's do (\n, \r\n or \r)."""

    @property
    def lines(self) -> tuple[str, ...]:
        source = self.source
        if _OTHER_BREAKS.search(source) is None:
            return tuple(source.splitlines(True))  # the same lines, faster
        return tuple(_LSP_LINE.findall(source))


class EditorWorkspace(Workspace):
    """pygls' workspace, holding `EditorTextDocument`s."""

    def _create_text_document(
        self,
        doc_uri: str,
        source: str | None = None,
        version: int | None = None,
        language_id: str | None = None,
    ) -> TextDocument:
        return EditorTextDocument(
            doc_uri,
            source=source,
            version=version,
            language_id=language_id,
            sync_kind=self._sync_kind,
            position_codec=self._position_codec,
        )


@dataclass(frozen=True)
class Unreadable:
    """A request (with its id) or notification (id None) that does not match the protocol."""

    id: str | int | None
    method: str
    bad_request: bool = False  # the method or id itself is wrong, not just the params


class ForgeProtocol(LanguageServerProtocol):
    @lsp_method(types.INITIALIZE)
    def lsp_initialize(
        self, params: types.InitializeParams
    ) -> Generator[Any, Any, types.InitializeResult]:
        result = yield from super().lsp_initialize(params)
        # pygls builds its workspace in `initialize`; no document is open yet. The subclass
        # adds no state, only how documents are created.
        self._workspace.__class__ = EditorWorkspace
        return result

    def structure_message(self, data: dict[str, Any]) -> Any:
        if "jsonrpc" not in data or "method" not in data:
            return super().structure_message(data)  # a response, or a nested object
        method, msg_id = data["method"], data.get("id")
        valid_id = msg_id is None or (
            isinstance(msg_id, (str, int)) and not isinstance(msg_id, bool)
        )
        if not isinstance(method, str) or not valid_id:
            return Unreadable(msg_id if valid_id else None, repr(method)[:80], bad_request=True)
        message_type = self.get_message_type(method)
        if message_type is None:
            return super().structure_message(data)  # unknown methods: pygls answers them
        try:
            return self._converter.structure(data, message_type)
        except Exception:
            return Unreadable(msg_id, method)

    def handle_message(self, message: Any) -> None:
        if not isinstance(message, Unreadable):
            super().handle_message(message)
            return
        log.warning(
            "%s %s: it does not match the protocol",
            "answered InvalidRequest to" if message.bad_request else "rejected",
            message.method,
        )
        if message.id is None:
            # A notification, or an id that is no id: JSON-RPC would answer with a null id,
            # which pygls clients cannot read (and fail on). The log line is the answer.
            return
        error = (
            JsonRpcInvalidRequest(f"not a JSON-RPC request: method {message.method}")
            if message.bad_request
            else JsonRpcInvalidParams(f"{message.method}: the params do not match its types")
        )
        self._send_response(message.id, None, error.to_response_error())

    def _handle_response(self, msg_id: Any, result: Any = None, error: Any = None) -> None:
        future = self._request_futures.get(msg_id)
        if future is not None and future.done():
            # Forge gave up on this request (timed out or cancelled): nothing waits for it.
            self._request_futures.pop(msg_id, None)
            log.info("ignored a late response to request %s", msg_id)
            return
        super()._handle_response(msg_id, result, error)

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(
        self, params: types.DidChangeTextDocumentParams
    ) -> Iterator[Any]:
        if params.text_document.uri not in self.workspace.text_documents:
            log.warning("ignored a change to a document that is not open")
            return
        yield from super().lsp_text_document__did_change(params)

    def _handle_cancel_notification(self, msg_id: Any) -> None:
        if not isinstance(msg_id, (str, int)) or isinstance(msg_id, bool):
            log.warning("ignored $/cancelRequest: its id is not a number or a string")
            return
        super()._handle_cancel_notification(msg_id)
