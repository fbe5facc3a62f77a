"""What Forge saw on the wire for one Claude request: each attempt's status, bytes and events.

Forge decides what happened to a request from this record, never from the SDK's exception
class or wording (which change between SDK releases: a stream dropped midway raised the
transport's own error up to anthropic 2.16 and `APIConnectionError` from 2.17). The record is
kept by two `httpx` event hooks on the SDK's HTTP client: the request hook opens an attempt
(the SDK retries inside its own loop, so one request may make several), the response hook
notes the status and wraps the body so that every byte that arrives is counted and the
server-sent events are scanned for an ``event: error``. The hooks find the request's record
through a context variable that `ClaudeClient.stream` sets: asyncio copies it into the task
that sends the request, so concurrent requests never mix their records.

The record is also the stall watchdog's clock: `Exchange.quiet_for` says how long nothing has
arrived (a ``retry-after`` wait the server asked for does not count as silence).
"""

from __future__ import annotations

import contextvars
import gzip
import json
import time
import zlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the HTTP library loads with the SDK, off the event loop (see `event_hooks`)
    import httpx2

# The first bytes of an error response kept to read its JSON body (real ones are ~200 bytes).
ERROR_BODY_LIMIT = 64 * 1024
# A server's retry-after beyond this is not waited for by the SDK either.
MAX_RETRY_AFTER_SECONDS = 60.0
# The SDK's longest back-off between attempts when the server names no retry-after.
SDK_MAX_BACKOFF = 8.0


@dataclass
class Attempt:
    """One HTTP attempt: what came back, as far as it came."""

    status: int | None = None  # None: no response arrived (the connection failed)
    bytes_received: int = 0
    body_ended: bool = False  # the body arrived whole (no cut-off)
    error_type: str | None = None  # from an error body or an `event: error` in the stream
    error_message: str | None = None
    error_in_stream: bool = False  # the error came as an `event: error` after a 200
    retry_after: float | None = None
    _body_head: bytearray = field(default_factory=bytearray, repr=False)
    content_encoding: str = ""
    _pending: bytearray = field(default_factory=bytearray, repr=False)
    _event: str = ""

    def error_body(self) -> dict[str, Any] | None:
        """The JSON body of an error response, if it could be read."""
        data = bytes(self._body_head)
        try:
            if self.content_encoding == "gzip":
                data = gzip.decompress(data)
            elif self.content_encoding == "deflate":
                data = zlib.decompress(data)
            body = json.loads(data.decode("utf-8"))
        except (OSError, ValueError, zlib.error, EOFError):
            return None
        return body if isinstance(body, dict) else None

    def feed(self, chunk: bytes) -> None:
        self.bytes_received += len(chunk)
        if self.status is not None and self.status >= 400:
            room = ERROR_BODY_LIMIT - len(self._body_head)
            if room > 0:
                self._body_head += chunk[:room]
            return
        if self.content_encoding not in ("", "identity"):
            return  # a compressed stream: its events cannot be read here
        self._pending += chunk
        if len(self._pending) > ERROR_BODY_LIMIT and b"\n" not in self._pending:
            self._pending.clear()  # not line-delimited (a cloud backend's binary stream)
        while b"\n" in self._pending:
            line, _, rest = bytes(self._pending).partition(b"\n")
            self._pending = bytearray(rest)
            self._line(line.rstrip(b"\r").decode("utf-8", "replace"))

    def _line(self, line: str) -> None:
        """One line of a server-sent event stream: only `event: error` matters here."""
        if line.startswith("event:"):
            self._event = line[6:].strip()
        elif line.startswith("data:") and self._event == "error":
            self.error_in_stream = True
            self._read_error(line[5:].strip())
        elif not line:
            self._event = ""

    def _read_error(self, text: str) -> None:
        try:
            data = json.loads(text)
        except ValueError:
            return
        error = data.get("error", data) if isinstance(data, dict) else None
        if isinstance(error, dict):
            kind, message = error.get("type"), error.get("message")
            self.error_type = kind if isinstance(kind, str) else None
            self.error_message = message if isinstance(message, str) else None

    def finish(self) -> None:
        self.body_ended = True
        if self.status is not None and self.status >= 400 and self.error_type is None:
            body = self.error_body()
            if body is not None:
                self._read_error(json.dumps(body))


@dataclass
class Exchange:
    """Every attempt of one request, and when something last arrived."""

    started: float = field(default_factory=time.monotonic)
    attempts: list[Attempt] = field(default_factory=list)
    last_activity: float = field(default_factory=time.monotonic)
    quiet_until: float = 0.0  # a retry-after wait: silence before this is expected

    @property
    def last(self) -> Attempt | None:
        return self.attempts[-1] if self.attempts else None

    @property
    def retried(self) -> bool:
        return len(self.attempts) > 1

    def touch(self) -> None:
        self.last_activity = time.monotonic()

    def quiet_for(self, now: float) -> float:
        """Seconds since anything arrived, not counting a wait the server asked for."""
        return max(0.0, now - max(self.last_activity, self.quiet_until))


_current: contextvars.ContextVar[Exchange | None] = contextvars.ContextVar(
    "forge_claude_exchange", default=None
)


def begin() -> tuple[Exchange, contextvars.Token[Exchange | None]]:
    """A new record for the request about to be sent from this context."""
    exchange = Exchange()
    return exchange, _current.set(exchange)


def end(token: contextvars.Token[Exchange | None]) -> None:
    _current.reset(token)


@cache
def event_hooks() -> dict[str, list[Any]]:
    """The `httpx` event hooks that keep the record (imports the HTTP library: call it where
    the SDK is built, off the event loop)."""
    import httpx2

    class ObservedStream(httpx2.AsyncByteStream):
        """A response body that tells its attempt about every byte on its way to the SDK."""

        def __init__(self, inner: httpx2.AsyncByteStream, attempt: Attempt, exchange: Exchange):
            self._inner = inner
            self._attempt = attempt
            self._exchange = exchange

        async def __aiter__(self) -> AsyncIterator[bytes]:
            async for chunk in self._inner:
                self._attempt.feed(chunk)
                self._exchange.touch()
                yield chunk
            self._attempt.finish()

        async def aclose(self) -> None:
            await self._inner.aclose()

    async def on_request(request: httpx2.Request) -> None:
        exchange = _current.get()
        if exchange is not None:
            exchange.attempts.append(Attempt())
            exchange.touch()

    async def on_response(response: httpx2.Response) -> None:
        exchange = _current.get()
        if exchange is None or not exchange.attempts:
            return
        attempt = exchange.attempts[-1]
        attempt.status = response.status_code
        attempt.content_encoding = response.headers.get("content-encoding", "").strip().lower()
        attempt.retry_after = _seconds(response.headers.get("retry-after"))
        exchange.touch()
        if response.status_code >= 400:
            # The SDK may wait before its next attempt: that silence is not a stall.
            wait = attempt.retry_after if attempt.retry_after is not None else SDK_MAX_BACKOFF
            exchange.quiet_until = time.monotonic() + min(wait, MAX_RETRY_AFTER_SECONDS)
        if isinstance(response.stream, httpx2.AsyncByteStream):
            response.stream = ObservedStream(response.stream, attempt, exchange)

    return {"request": [on_request], "response": [on_response]}


def _seconds(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if seconds >= 0 else None
