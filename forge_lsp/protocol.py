"""Forge's JSON-RPC protocol: pygls' language server protocol, hardened where a client that is
slow or sends something malformed used to make pygls show "Error in server".

A response that arrives after Forge stopped waiting for it (a `workspace/configuration` answer
later than its 5 s timeout, a request whose caller was cancelled) is dropped with a log line:
pygls would try to resolve the cancelled future, fail, and show the user an error.

A change to a document that is not open (never opened, or already closed) is ignored with a
log line: pygls would fail on the missing document and show the user an error.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from lsprotocol import types
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method

log = logging.getLogger(__name__)


class ForgeProtocol(LanguageServerProtocol):
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
