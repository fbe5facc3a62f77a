"""Forge's JSON-RPC protocol copes with what slow or careless clients send."""

from __future__ import annotations

from concurrent.futures import Future

from forge_lsp.server import create_server


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
