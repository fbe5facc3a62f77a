"""Forge's JSON-RPC protocol copes with what slow or careless clients send, and forgets the
handlers pygls would keep."""

from __future__ import annotations

import asyncio
from concurrent.futures import Future

from lsprotocol import types

from forge_lsp.lsp.forge_server import ForgeServer
from forge_lsp.lsp.server import create_server


def test_a_response_after_forge_stopped_waiting_is_dropped():
    """A client answering `workspace/configuration` after Forge's 5 s timeout once made pygls
    fail on the cancelled future and show "Error in server" (found by the session fuzzer)."""
    server = create_server()
    shown: list[object] = []
    server.window_show_message = shown.append  # type: ignore[method-assign]
    given_up: Future[object] = Future()
    given_up.cancel()
    server.protocol._request_futures["late"] = given_up

    server.protocol._handle_response("late", [{"select": ["FG1"]}])

    assert "late" not in server.protocol._request_futures
    assert shown == []


def test_a_response_still_awaited_resolves_its_request():
    server = create_server()
    waiting: Future[object] = Future()
    server.protocol._request_futures["on-time"] = waiting

    server.protocol._handle_response("on-time", [{"select": ["FG1"]}])

    assert waiting.result() == [{"select": ["FG1"]}]


def _message(method: str, params: object) -> dict[str, object]:
    return {"jsonrpc": "2.0", "method": method, "params": params}


async def test_notifications_and_requests_leave_no_handler_future_behind() -> None:
    server = ForgeServer()
    protocol = server.protocol
    protocol.set_writer(_Discard())
    seen: list[str] = []

    @server.feature("custom/notified")
    async def notified(
        ls: ForgeServer, params: object
    ) -> None:  # an async handler: pygls stores its task
        seen.append("async")

    @server.thread()
    @server.feature("custom/threaded")
    def threaded(
        ls: ForgeServer, params: object
    ) -> None:  # a thread handler: pygls stores its future
        seen.append("thread")

    for _ in range(50):
        protocol.handle_message(protocol.structure_message(_message("custom/notified", {})))
        protocol.handle_message(protocol.structure_message(_message("custom/threaded", {})))
    protocol.handle_message(
        protocol.structure_message(
            _message(types.TEXT_DOCUMENT_DID_OPEN, _open_params("file:///w/a.txt"))
        )
    )  # pygls's own generator handler, which runs Forge's
    for _ in range(100):
        await asyncio.sleep(0.01)
        if len(seen) == 100 and not protocol._request_futures:
            break
    assert len(seen) == 100
    assert protocol._request_futures == {}


def _open_params(uri: str) -> dict[str, object]:
    return {"textDocument": {"uri": uri, "languageId": "plaintext", "version": 1, "text": "x"}}


class _Discard:
    def write(self, data: bytes) -> None:
        pass

    def close(self) -> None:
        pass
