"""Forge's record of what came back for a Claude request (forge_lsp/ai/wire.py), fed bytes as
the HTTP library hands them over: split anywhere, compressed, or not text at all."""

from __future__ import annotations

import gzip
import json

from forge_lsp.ai.wire import ERROR_BODY_LIMIT, Attempt, Exchange

ERROR = {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}


def test_an_error_event_is_read_however_the_stream_is_cut_into_chunks() -> None:
    stream = (
        b"event: message_start\ndata: {}\n\n"
        b"event: error\ndata: " + json.dumps(ERROR).encode() + b"\n\n"
    )
    for size in (1, 3, 7, len(stream)):
        attempt = Attempt(status=200)
        for start in range(0, len(stream), size):
            attempt.feed(stream[start : start + size])
        assert attempt.error_in_stream, size
        assert (attempt.error_type, attempt.error_message) == ("overloaded_error", "Overloaded")
        assert attempt.bytes_received == len(stream)


def test_a_compressed_error_body_is_read_once_whole() -> None:
    body = gzip.compress(
        json.dumps({"error": {"type": "invalid_request_error", "message": "no"}}).encode()
    )
    attempt = Attempt(status=400, content_encoding="gzip")
    attempt.feed(body[:5])
    attempt.feed(body[5:])
    attempt.finish()
    assert attempt.body_ended
    assert (attempt.error_type, attempt.error_message) == ("invalid_request_error", "no")


def test_a_stream_with_no_lines_is_not_kept_in_memory() -> None:
    attempt = Attempt(status=200)
    for _ in range(4):
        attempt.feed(b"\x00" * ERROR_BODY_LIMIT)
    assert len(attempt._pending) <= ERROR_BODY_LIMIT
    assert not attempt.error_in_stream


def test_silence_the_server_asked_for_is_not_a_stall() -> None:
    exchange = Exchange()
    exchange.last_activity = 100.0
    assert exchange.quiet_for(130.0) == 30.0
    exchange.quiet_until = 125.0  # a retry-after of 25 s from t=100
    assert exchange.quiet_for(130.0) == 5.0
    assert exchange.quiet_for(110.0) == 0.0
