"""A fake Anthropic Messages API on 127.0.0.1 that the project owns.

Why it exists: Forge's Claude path must be tested through the real ``anthropic`` SDK over real
HTTP (mocking the SDK would test our guesses about it, not the SDK), and the failures users meet
(rate limits, overload, resets, connections dropped mid-stream, slow servers, error events inside
a stream, answers cut off at ``max_tokens``) must be reproducible on demand, offline, in
milliseconds. So this is a small HTTP/1.1 server on plain asyncio that speaks the wire format of
``POST /v1/messages`` (JSON or chunked server-sent events, in the real API's event order and
shapes) and ``POST /v1/messages/count_tokens``, answers from a queue of scripted :class:`Reply`
objects, and records what it received so tests can assert what left the machine.

Use it from pytest in the test's own event loop (``async with FakeMessagesAPI() as api``), from
synchronous tests in a background thread (``with FakeMessagesAPI() as api``), or standalone for
editor end-to-end tests::

    python tests/support/fake_messages_api.py --port 0 --script replies.json --answer-file a.md

which prints ``listening on http://127.0.0.1:PORT`` once it accepts connections.

Token counts are estimates (characters / 4, rounded up), consistent across requests so that
tests can compute what they expect with :func:`estimate_tokens`. Prompt caching follows the real
rules closely enough to test accounting: the prompt prefix (tools, then system, then messages) up
to a block carrying ``cache_control`` is written to the cache the first time it is seen and read
from it afterwards, when it is at least the model's minimum cacheable length.

The fake knows the models it serves (:data:`MODELS`, written from Anthropic's documentation of
December 2026 independently of Forge's own model table, so that it can catch that table being
wrong): an unknown model is a 404, and each model answers 400, in the real API's error shape and
words, to what it refuses. The current models (Sonnet 5.5, Opus 5.5, Fable 5.x, Haiku 5.5) refuse
forced tool use, ``thinking: disabled`` and thinking budgets; every model refuses sampling
parameters (removed in the API version the SDK sends) and assistant prefill on the current
models; effort levels a model lacks, structured outputs on a model without them, and schemas
that structured outputs and strict tools do not accept are refused too. A model that thinks by
default opens its answer with a thinking block (empty, with a signature, as with the default
``display: omitted``). A scripted :attr:`Reply.structured` answer comes back the way the request
asked: as the forced tool's call, or as a JSON text for structured outputs.

This file imports nothing outside the standard library, so it starts in tens of milliseconds.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import json
import secrets
import signal
import socket
import struct
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from email.utils import formatdate
from pathlib import Path
from typing import Any

MESSAGES_PATH = "/v1/messages"
COUNT_TOKENS_PATH = "/v1/messages/count_tokens"

# The error type the real API puts in the body for each status (docs: "HTTP errors").
ERROR_TYPES: dict[int, str] = {
    400: "invalid_request_error",
    401: "authentication_error",
    402: "billing_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "api_error",
    504: "timeout_error",
    529: "overloaded_error",
}
ERROR_MESSAGES: dict[str, str] = {
    "invalid_request_error": "Invalid request",
    "authentication_error": "invalid x-api-key",
    "billing_error": "Your credit balance is too low to access the Anthropic API.",
    "permission_error": "Your API key does not have permission to use the specified resource.",
    "not_found_error": "Not found",
    "request_too_large": "Request exceeds the maximum allowed number of bytes.",
    "rate_limit_error": (
        "This request would exceed the rate limit for your organization of 50 requests per minute."
    ),
    "api_error": "Internal server error",
    "timeout_error": "Request timed out",
    "overloaded_error": "Overloaded",
}
REASONS: dict[int, str] = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    402: "Payment Required",
    403: "Forbidden",
    404: "Not Found",
    413: "Payload Too Large",
    429: "Too Many Requests",
    500: "Internal Server Error",
    504: "Gateway Timeout",
    529: "Overloaded",
}
MAX_HEAD_BYTES = 64 * 1024
ALL_EFFORTS = ("low", "medium", "high", "xhigh", "max")
# Schema keywords that structured outputs and strict tools do not accept.
UNSUPPORTED_SCHEMA_KEYWORDS = (
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "oneOf",
)


@dataclass(frozen=True)
class FakeModel:
    """What one model accepts and how it answers, as Anthropic documents it."""

    forced_tool_use: bool
    effort: tuple[str, ...]
    thinks_by_default: bool
    min_cache_tokens: int
    thinking_modes: tuple[str, ...]  # accepted values of thinking.type
    prefill: bool
    structured_outputs: bool = True
    current: bool = False


_CURRENT = FakeModel(
    forced_tool_use=False,
    effort=ALL_EFFORTS,
    thinks_by_default=True,
    min_cache_tokens=512,
    thinking_modes=("adaptive", "between_tools"),
    prefill=False,
    current=True,
)
MODELS: dict[str, FakeModel] = {
    "claude-sonnet-5-5": _CURRENT,
    "claude-opus-5-5": _CURRENT,
    "claude-fable-5-2": dataclasses.replace(_CURRENT, thinking_modes=("adaptive",)),
    "claude-fable-5-1": dataclasses.replace(_CURRENT, thinking_modes=("adaptive",), current=False),
    "claude-haiku-5-5": _CURRENT,
    "claude-sonnet-5": FakeModel(True, ALL_EFFORTS, False, 1024, ("adaptive", "disabled"), False),
    "claude-opus-5": FakeModel(True, ALL_EFFORTS, False, 512, ("adaptive", "disabled"), False),
    "claude-fable-5": FakeModel(True, ALL_EFFORTS, True, 512, ("adaptive",), False),
    "claude-opus-4-8": FakeModel(True, ALL_EFFORTS, False, 1024, ("adaptive", "disabled"), True),
    "claude-sonnet-4-6": FakeModel(
        True,
        ("low", "medium", "high", "max"),
        False,
        1024,
        ("adaptive", "enabled", "disabled"),
        True,
    ),
    "claude-haiku-4-5": FakeModel(True, (), False, 4096, ("enabled", "disabled"), True),
    "claude-haiku-4-5-20251001": FakeModel(True, (), False, 4096, ("enabled", "disabled"), True),
}
SAMPLING_PARAMETERS = ("temperature", "top_p", "top_k")


def estimate_tokens(text: str) -> int:
    """The fake's token count for ``text``: characters / 4, rounded up."""
    return (len(text) + 3) // 4


@dataclass
class Reply:
    """One scripted answer to one ``POST /v1/messages``, with optional faults.

    Content: ``text`` (streamed as ``chunks`` text deltas) and/or a tool call ``tool_name`` with
    ``tool_input`` (streamed as ``input_json_delta`` pieces, ``chunks`` of them after an empty
    first one, as the real API does). ``structured`` is an answer as data, sent as the request
    asked for it: the forced tool's call, or a JSON text (structured outputs, or a request with
    neither); a ``tool_name``/``tool_input`` reply to a request that offered no tools is sent
    that way too, as the model would have answered it. A model that thinks by default sends a
    thinking block first (``thinking_tokens`` of output). ``stop_reason`` defaults to
    ``tool_use`` when there is a tool call, else ``end_turn``; a text-only answer longer than
    the request's ``max_tokens`` (at 4 characters a token, thinking included) is cut there and
    stops with ``max_tokens``. Usage numbers left at
    ``None`` are estimated from the request and the answer.

    Faults, applied in this order: ``reset`` closes the socket (TCP reset) before answering;
    ``slow_headers`` waits that many seconds before the status line; ``status`` answers with
    that HTTP error in the real API's JSON shape (``error_type``/``error_message`` override the
    defaults; ``retry_after`` sets the ``retry-after`` header, default 1 for a 429);
    ``slow_stream`` waits that many seconds before each event after the first; ``drop_after``
    closes the connection after that many events without the terminating chunk;
    ``error_event`` (``True`` for ``overloaded_error``, or an error type) sends ``event: error``
    after ``error_after`` events and ends the stream. For non-streaming requests ``drop_after``
    sends the headers and half the body, and the stream-only faults are ignored.
    """

    text: str = ""
    chunks: int = 3
    tool_name: str | None = None
    tool_input: dict[str, Any] | None = None
    structured: dict[str, Any] | None = None
    stop_reason: str | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None
    cache_creation_input_tokens: int | None = None
    cache_read_input_tokens: int | None = None
    status: int | None = None
    error_type: str | None = None
    error_message: str | None = None
    retry_after: float | None = None
    reset: bool = False
    drop_after: int | None = None
    slow_headers: float = 0.0
    slow_stream: float = 0.0
    error_event: bool | str = False
    error_after: int = 3
    ping: bool = True
    thinking_tokens: int = 40
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Reply:
        """A reply from a script entry (the same field names); unknown fields are an error."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown reply field(s): {', '.join(unknown)}")
        return cls(**dict(data))


@dataclass
class RecordedRequest:
    """What the fake received: for assertions on what left the machine.

    ``headers`` has lower-case names. ``body`` is the parsed JSON (``None`` if it was not JSON).
    ``outcome`` says how the fake answered: ``ok``, ``status <code>``, ``reset``, ``dropped``,
    ``error event``, ``cancelled`` (the client hung up mid-answer) or ``pending``.
    ``events_sent`` counts the server-sent events written for a streamed answer.

    Timestamps (``time.perf_counter()`` seconds, comparable with the client's own when it runs
    in the same process, and system-wide on Linux where that clock is ``CLOCK_MONOTONIC``) let a
    benchmark subtract the fake's share from a request's wall time: ``arrived_at`` when the
    request's first byte was read, ``received_at`` when the whole request was, ``finished_at``
    when the fake was done answering it (last byte written, or the fault applied).
    ``usage`` is the usage the fake reported for a Messages answer (``None`` for others).
    """

    method: str
    path: str
    headers: dict[str, str]
    body: Any
    raw: bytes
    outcome: str = "pending"
    events_sent: int = 0
    arrived_at: float = 0.0
    received_at: float = 0.0
    finished_at: float | None = None
    usage: dict[str, Any] | None = None

    @property
    def serving_seconds(self) -> float | None:
        """From the first byte received to the answer's end; ``None`` while pending."""
        return None if self.finished_at is None else self.finished_at - self.arrived_at

    @property
    def text(self) -> str:
        """The raw body as text (JSON-escaped, as it travelled)."""
        return self.raw.decode("utf-8", "replace")


class _ProtocolError(Exception):
    """The client sent something that is not HTTP/1.1 this fake understands."""


@dataclass
class _Request:
    method: str
    target: str
    headers: dict[str, str]
    body: bytes
    arrived_at: float = 0.0  # perf_counter when its first byte was read
    received_at: float = 0.0  # perf_counter when the whole request was read

    @property
    def route(self) -> str:
        return self.target.split("?", 1)[0].rstrip("/") or "/"

    @property
    def keep_alive(self) -> bool:
        return self.headers.get("connection", "").lower() != "close"


class _Connection:
    """One client socket: request parsing with its own buffer, and hang-up detection.

    While an answer is being written the client sends nothing (httpx does not pipeline), so a
    read that returns end-of-file then means the client hung up: that is how the fake notices a
    cancelled stream even while it is sleeping between events.
    """

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.buffer = bytearray()
        self.client_gone = asyncio.Event()

    async def _fill(self) -> bool:
        data = await self.reader.read(65536)
        if not data:
            return False
        self.buffer += data
        return True

    async def read_request(self) -> _Request | None:
        """The next request, or ``None`` when the client closed the connection between requests."""
        arrived_at = time.perf_counter() if self.buffer else None
        while b"\r\n\r\n" not in self.buffer:
            if len(self.buffer) > MAX_HEAD_BYTES:
                raise _ProtocolError("request head too large")
            if not await self._fill():
                if self.buffer:
                    raise _ProtocolError("connection closed inside a request head")
                return None
            if arrived_at is None:
                arrived_at = time.perf_counter()
        head, _, rest = bytes(self.buffer).partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        try:
            method, target, version = lines[0].split(" ")
        except ValueError as error:
            raise _ProtocolError(f"bad request line {lines[0]!r}") from error
        if not version.startswith("HTTP/1."):
            raise _ProtocolError(f"unsupported version {version!r}")
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, sep, value = line.partition(":")
            if not sep:
                raise _ProtocolError(f"bad header line {line!r}")
            key = name.strip().lower()
            headers[key] = f"{headers[key]}, {value.strip()}" if key in headers else value.strip()
        if "chunked" in headers.get("transfer-encoding", "").lower():
            raise _ProtocolError("chunked request bodies are not supported by this fake")
        length = int(headers.get("content-length", "0") or "0")
        self.buffer = bytearray(rest)
        while len(self.buffer) < length:
            if not await self._fill():
                raise _ProtocolError("connection closed inside a request body")
        body = bytes(self.buffer[:length])
        del self.buffer[:length]
        assert arrived_at is not None
        return _Request(method, target, headers, body, arrived_at, time.perf_counter())

    async def watch_for_hang_up(self) -> None:
        """Set ``client_gone`` when the client closes; keep anything it sends for later."""
        try:
            while await self._fill():
                pass
        except ConnectionError:
            pass  # a reset is a hang-up too: client_gone is set below either way
        self.client_gone.set()

    async def send(self, data: bytes) -> None:
        if self.client_gone.is_set() or self.writer.is_closing():
            raise ConnectionResetError("client closed the connection")
        self.writer.write(data)
        await self.writer.drain()

    async def pause(self, seconds: float) -> None:
        """Sleep, but wake as soon as the client hangs up."""
        if seconds <= 0:
            return
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self.client_gone.wait(), seconds)

    def reset(self) -> None:
        """Close with a TCP reset (SO_LINGER 0), as a crashed peer or a middlebox would."""
        sock = self.writer.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.writer.transport.abort()


def _block_text(block: Any) -> str:
    """The characters a content block contributes to the token estimate."""
    if isinstance(block, str):
        return block
    if isinstance(block, Mapping):
        if block.get("type") == "text" and isinstance(block.get("text"), str):
            return str(block["text"])
        rest = {k: v for k, v in block.items() if k != "cache_control"}
        return json.dumps(rest, sort_keys=True, ensure_ascii=False)
    return json.dumps(block, ensure_ascii=False)


def _has_breakpoint(block: Any) -> bool:
    return isinstance(block, Mapping) and bool(block.get("cache_control"))


def prompt_pieces(body: Mapping[str, Any]) -> list[tuple[str, bool]]:
    """The prompt in cache order (tools, system, messages): each piece's text and breakpoint."""
    pieces: list[tuple[str, bool]] = []
    for tool in body.get("tools") or []:
        pieces.append((_block_text(tool), _has_breakpoint(tool)))
    system = body.get("system")
    if isinstance(system, str):
        pieces.append((system, False))
    elif isinstance(system, list):
        pieces.extend((_block_text(block), _has_breakpoint(block)) for block in system)
    for message in body.get("messages") or []:
        content = message.get("content") if isinstance(message, Mapping) else message
        if isinstance(content, list):
            pieces.extend((_block_text(block), _has_breakpoint(block)) for block in content)
        else:
            pieces.append((_block_text(content), False))
    return pieces


def _split(text: str, parts: int) -> list[str]:
    if not text:
        return []
    parts = max(1, min(parts, len(text)))
    size = -(-len(text) // parts)
    return [text[i : i + size] for i in range(0, len(text), size)]


def _new_id(prefix: str) -> str:
    return prefix + secrets.token_urlsafe(18).replace("-", "a").replace("_", "b")


def _error_body(error_type: str, message: str, request_id: str) -> dict[str, Any]:
    return {
        "type": "error",
        "error": {"type": error_type, "message": message},
        "request_id": request_id,
    }


def _compact(data: Any) -> str:
    """JSON as the real API writes it: no spaces, UTF-8 left as is."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _strings(value: Any) -> Iterable[str]:
    """Every string inside a parsed JSON value (keys too), unescaped."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _sse(event: str, data: Mapping[str, Any]) -> bytes:
    payload = f"event: {event}\ndata: {_compact(data)}\n\n".encode()
    return b"%x\r\n%s\r\n" % (len(payload), payload)


class FakeMessagesAPI:
    """The fake server. Script it with :meth:`script` (or ``replies=``), point the SDK's
    ``base_url`` at :attr:`base_url`, then assert on :attr:`requests` and the counters.

    ``respond``, when given, picks the reply from the recorded request (for concurrent tests
    where arrival order is not known); when it returns ``None`` the queue is used. Token counts
    (``count_tokens``) never take a scripted reply; ``count_tokens_body`` replaces their answer
    (``{}``: an answer with no count). ``api_key`` makes every other key a 401.
    ``min_cache_tokens`` is the shortest prefix that is cached: ``None`` for each model's own
    minimum (:data:`MODELS`), 0 so that small test prompts cache too.

    Counters: ``open_connections`` (sockets open now), ``connections_accepted`` (ever),
    ``cancelled_streams`` (the client hung up before an answer was complete),
    ``completed_streams`` (streamed answers that reached ``message_stop``). An exception inside
    the fake (say, in a ``respond`` hook) closes that connection and lands in
    ``internal_errors``, so a test can tell a broken fake from a fault it scripted.
    """

    def __init__(
        self,
        replies: Iterable[Reply] = (),
        *,
        default: Reply | None = None,
        api_key: str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        min_cache_tokens: int | None = None,
        record_path: str | Path | None = None,
        respond: Callable[[RecordedRequest], Reply | None] | None = None,
        count_tokens_body: dict[str, Any] | None = None,
    ) -> None:
        self.replies: deque[Reply] = deque(replies)
        self.default = default if default is not None else Reply(text="Forge (fake): no answer.")
        self.api_key = api_key
        self.host = host
        self.port = port
        self.min_cache_tokens = min_cache_tokens
        self.count_tokens_body = count_tokens_body
        self.record_path = Path(record_path) if record_path is not None else None
        self.respond = respond
        self.requests: list[RecordedRequest] = []
        self.open_connections = 0
        self.connections_accepted = 0
        self.cancelled_streams = 0
        self.completed_streams = 0
        self.internal_errors: list[Exception] = []
        self._cache: set[str] = set()
        self._server: asyncio.AbstractServer | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._connections: set[_Connection] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    # -- scripting and inspection -------------------------------------------------------------

    def script(self, *replies: Reply) -> None:
        """Queue replies; each ``POST /v1/messages`` takes the next, then :attr:`default`."""
        self.replies.extend(replies)

    def forget_cache(self) -> None:
        """Drop every cached prompt prefix, as if the cache's lifetime had passed."""
        self._cache.clear()

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the fake Messages API is not started")
        return f"http://{self.host}:{self.port}"

    def saw(self, needle: str) -> bool:
        """Whether ``needle`` reached the fake in any request: raw body, header or JSON string.

        The JSON strings are searched unescaped, so a secret with quotes, backslashes or
        non-ASCII characters is found however the client encoded it.
        """
        for request in self.requests:
            if needle in request.text or any(needle in v for v in request.headers.values()):
                return True
            if any(needle in text for text in _strings(request.body)):
                return True
        return False

    @property
    def message_requests(self) -> list[RecordedRequest]:
        """The recorded ``POST /v1/messages`` requests (not token counts)."""
        return [r for r in self.requests if r.path.split("?", 1)[0] == MESSAGES_PATH]

    async def wait_idle(self, timeout: float = 2.0) -> bool:
        """Wait until no connection is open (the client side needs a moment to close)."""
        deadline = time.monotonic() + timeout
        while self.open_connections and time.monotonic() < deadline:
            await asyncio.sleep(0.005)
        return self.open_connections == 0

    def wait_idle_blocking(self, timeout: float = 2.0) -> bool:
        """:meth:`wait_idle` for synchronous tests (the server runs in its thread)."""
        deadline = time.monotonic() + timeout
        while self.open_connections and time.monotonic() < deadline:
            time.sleep(0.005)
        return self.open_connections == 0

    # -- life cycle ---------------------------------------------------------------------------

    async def start(self) -> FakeMessagesAPI:
        self._loop = asyncio.get_running_loop()
        self._server = await asyncio.start_server(self._serve, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        if self._server is None:
            return
        self._server.close()
        for connection in list(self._connections):
            connection.writer.transport.abort()
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._server.wait_closed()
        self._server = None

    async def __aenter__(self) -> FakeMessagesAPI:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    def __enter__(self) -> FakeMessagesAPI:
        """Run in a background thread with its own loop, for synchronous clients."""
        ready = threading.Event()
        failure: list[BaseException] = []
        loop = asyncio.new_event_loop()

        def run() -> None:
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self.start())
            except BaseException as error:
                failure.append(error)
                ready.set()
                return
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self.stop())
            loop.close()

        self._thread = threading.Thread(target=run, name="fake-messages-api", daemon=True)
        self._thread.start()
        ready.wait()
        if failure:
            raise failure[0]
        return self

    def __exit__(self, *exc_info: object) -> None:
        loop, thread = self._loop, self._thread
        if loop is not None and thread is not None:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(5)
        self._thread = None

    # -- HTTP -----------------------------------------------------------------------------------

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        connection = _Connection(reader, writer)
        self._connections.add(connection)
        self.open_connections += 1
        self.connections_accepted += 1
        try:
            while True:
                request = await connection.read_request()
                if request is None:
                    break
                watcher = asyncio.create_task(connection.watch_for_hang_up())
                try:
                    keep_alive = await self._answer(connection, request)
                finally:
                    watcher.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await watcher
                if not keep_alive or connection.client_gone.is_set():
                    break
        except (_ProtocolError, ConnectionError, asyncio.CancelledError):
            pass  # the client went away, sent garbage, or the fake is stopping: nobody to answer
        except Exception as error:  # a bug in the fake or in a `respond` hook: keep it for tests
            self.internal_errors.append(error)
        finally:
            self._connections.discard(connection)
            if not writer.is_closing():
                writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()
            self.open_connections -= 1
            if task is not None:
                self._tasks.discard(task)

    def _record(self, request: _Request) -> RecordedRequest:
        try:
            body: Any = json.loads(request.body) if request.body else None
        except ValueError:
            body = None
        recorded = RecordedRequest(
            request.method,
            request.target,
            request.headers,
            body,
            request.body,
            arrived_at=request.arrived_at,
            received_at=request.received_at,
        )
        self.requests.append(recorded)
        if self.record_path is not None:
            line = {"method": request.method, "path": request.target, "headers": request.headers}
            with self.record_path.open("a", encoding="utf-8") as out:
                out.write(json.dumps({**line, "body": body}, ensure_ascii=False) + "\n")
        return recorded

    def _authorized(self, headers: Mapping[str, str]) -> bool:
        if self.api_key is None:
            return True
        bearer = headers.get("authorization", "")
        return headers.get("x-api-key") == self.api_key or bearer == f"Bearer {self.api_key}"

    async def _answer(self, connection: _Connection, request: _Request) -> bool:
        """Answer one request; ``False`` when the connection must not be reused."""
        recorded = self._record(request)
        try:
            return await self._answer_recorded(connection, request, recorded)
        finally:
            recorded.finished_at = time.perf_counter()

    async def _answer_recorded(
        self, connection: _Connection, request: _Request, recorded: RecordedRequest
    ) -> bool:
        request_id = _new_id("req_")
        if request.method != "POST" or request.route not in (MESSAGES_PATH, COUNT_TOKENS_PATH):
            message = f"{request.method} {request.route} is not served by the fake Messages API"
            await self._send_error(connection, recorded, request_id, 404, None, message, {})
            return request.keep_alive
        if not self._authorized(request.headers):
            await self._send_error(connection, recorded, request_id, 401, None, None, {})
            return request.keep_alive
        if not isinstance(recorded.body, dict):
            message = "The request body is not valid JSON."
            await self._send_error(connection, recorded, request_id, 400, None, message, {})
            return request.keep_alive
        if request.route == COUNT_TOKENS_PATH:
            refused = _model_refusal(recorded.body)
            if refused is not None:
                status, words = refused
                await self._send_error(connection, recorded, request_id, status, None, words, {})
                return request.keep_alive
            total = estimate_tokens("".join(text for text, _ in prompt_pieces(recorded.body)))
            counted = {"input_tokens": total} if self.count_tokens_body is None else {}
            answer = {**counted, **(self.count_tokens_body or {})}
            await self._send_json(connection, recorded, request_id, answer)
            return request.keep_alive
        reply = self.respond(recorded) if self.respond is not None else None
        if reply is None:
            reply = self.replies.popleft() if self.replies else self.default
        return await self._answer_messages(connection, request, recorded, request_id, reply)

    async def _answer_messages(
        self,
        connection: _Connection,
        request: _Request,
        recorded: RecordedRequest,
        request_id: str,
        reply: Reply,
    ) -> bool:
        if reply.reset:
            recorded.outcome = "reset"
            connection.reset()
            return False
        await connection.pause(reply.slow_headers)
        if connection.client_gone.is_set():
            recorded.outcome = "cancelled"
            self.cancelled_streams += 1
            return False
        if reply.status is not None:
            headers = dict(reply.headers)
            if reply.status == 429:
                retry_after = 1.0 if reply.retry_after is None else reply.retry_after
                headers.setdefault("retry-after", f"{retry_after:g}")
                headers.setdefault("anthropic-ratelimit-requests-remaining", "0")
            elif reply.retry_after is not None:
                headers.setdefault("retry-after", f"{reply.retry_after:g}")
            await self._send_error(
                connection,
                recorded,
                request_id,
                reply.status,
                reply.error_type,
                reply.error_message,
                headers,
            )
            return request.keep_alive
        body = recorded.body
        problem = _invalid_messages_request(body)
        if problem:
            await self._send_error(connection, recorded, request_id, 400, None, problem, {})
            return request.keep_alive
        refused = _model_refusal(body)
        if refused is not None:
            status, words = refused
            await self._send_error(connection, recorded, request_id, status, None, words, {})
            return request.keep_alive
        message = self._message(body, reply)
        recorded.usage = dict(message["usage"])
        if body.get("stream") is True:
            return await self._stream(connection, request, recorded, request_id, reply, message)
        if reply.drop_after is not None:
            payload = _compact(message).encode()
            head = self._head(200, request_id, "application/json", len(payload), True, reply)
            await connection.send(head + payload[: len(payload) // 2])
            recorded.outcome = "dropped"
            connection.writer.close()
            return False
        await self._send_json(connection, recorded, request_id, message, reply)
        return request.keep_alive

    def _usage(self, body: Mapping[str, Any]) -> tuple[int, int, int]:
        """(input, cache creation, cache read) tokens, updating the prompt cache."""
        pieces = prompt_pieces(body)
        total = estimate_tokens("".join(text for text, _ in pieces))
        model = str(body.get("model"))
        known = MODELS.get(model)
        minimum = self.min_cache_tokens
        if minimum is None:
            minimum = known.min_cache_tokens if known is not None else 1024
        breakpoints = [i for i, (_, marked) in enumerate(pieces) if marked]
        prefixes = []
        for index in breakpoints:
            texts = [text for text, _ in pieces[: index + 1]]
            tokens = estimate_tokens("".join(texts))
            if tokens >= minimum:
                prefixes.append((json.dumps([model, texts]), tokens))
        if not prefixes:
            return total, 0, 0
        read = next((tokens for key, tokens in reversed(prefixes) if key in self._cache), 0)
        longest_key, longest = prefixes[-1]
        creation = 0 if longest_key in self._cache else longest - read
        self._cache.update(key for key, _ in prefixes)
        return max(total - read - creation, 0), creation, read

    def _message(self, body: Mapping[str, Any], reply: Reply) -> dict[str, Any]:
        """The complete Message the reply stands for (streamed or not)."""
        text = reply.text
        tool_name, tool_input = reply.tool_name, reply.tool_input
        data = reply.structured
        if data is None and tool_name is not None and not body.get("tools"):
            data, tool_name = tool_input, None  # no tool to call: the model writes the data
        choice = body.get("tool_choice")
        if data is not None:
            if isinstance(choice, Mapping) and choice.get("type") == "tool":
                tool_name, tool_input = str(choice.get("name")), data
            else:
                text = json.dumps(data, ensure_ascii=False)
        stop_reason = reply.stop_reason
        budget = body.get("max_tokens")
        thinking_tokens = reply.thinking_tokens if _thinks(body) else 0
        if (
            tool_name is None
            and stop_reason is None
            and isinstance(budget, int)
            and estimate_tokens(text) + thinking_tokens > budget
        ):
            room = max(0, budget - thinking_tokens)
            text, stop_reason = text[: room * 4], "max_tokens"
        content: list[dict[str, Any]] = []
        if thinking_tokens:
            signature = _new_id("EqQB")
            content.append({"type": "thinking", "thinking": "", "signature": signature})
        if text or tool_name is None:
            content.append({"type": "text", "text": text})
        tool_json = ""
        if tool_name is not None:
            tool_input = tool_input or {}
            tool_json = json.dumps(tool_input, ensure_ascii=False)
            content.append(
                {
                    "type": "tool_use",
                    "id": _new_id("toolu_"),
                    "name": tool_name,
                    "input": tool_input,
                }
            )
        if stop_reason is None:
            stop_reason = "tool_use" if tool_name is not None else "end_turn"
        input_tokens, creation, read = self._usage(body)
        usage = {
            "input_tokens": input_tokens if reply.input_tokens is None else reply.input_tokens,
            "cache_creation_input_tokens": (
                creation
                if reply.cache_creation_input_tokens is None
                else reply.cache_creation_input_tokens
            ),
            "cache_read_input_tokens": (
                read if reply.cache_read_input_tokens is None else reply.cache_read_input_tokens
            ),
            "output_tokens": (
                max(1, estimate_tokens(text + tool_json) + thinking_tokens)
                if reply.output_tokens is None
                else reply.output_tokens
            ),
            "service_tier": "standard",
        }
        usage["cache_creation"] = {
            "ephemeral_5m_input_tokens": usage["cache_creation_input_tokens"],
            "ephemeral_1h_input_tokens": 0,
        }
        return {
            "id": _new_id("msg_"),
            "type": "message",
            "role": "assistant",
            "model": body.get("model"),
            "content": content,
            "stop_reason": stop_reason,
            "stop_sequence": None,
            "usage": usage,
        }

    def _head(
        self,
        status: int,
        request_id: str,
        content_type: str,
        length: int | None,
        keep_alive: bool,
        reply: Reply | None = None,
        extra: Mapping[str, str] | None = None,
    ) -> bytes:
        headers = {
            "date": formatdate(usegmt=True),
            "content-type": content_type,
            "request-id": request_id,
            "anthropic-organization-id": "00000000-0000-4000-8000-000000000000",
            "server": "forge-fake-messages-api",
            "connection": "keep-alive" if keep_alive else "close",
        }
        if length is None:
            headers["transfer-encoding"] = "chunked"
            headers["cache-control"] = "no-cache"
        else:
            headers["content-length"] = str(length)
        headers.update(reply.headers if reply is not None else {})
        headers.update(extra or {})
        lines = [f"HTTP/1.1 {status} {REASONS.get(status, 'Unknown')}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    async def _send_json(
        self,
        connection: _Connection,
        recorded: RecordedRequest,
        request_id: str,
        payload: Mapping[str, Any],
        reply: Reply | None = None,
    ) -> None:
        data = _compact(payload).encode()
        head = self._head(200, request_id, "application/json", len(data), True, reply)
        await connection.send(head + data)
        recorded.outcome = "ok"

    async def _send_error(
        self,
        connection: _Connection,
        recorded: RecordedRequest,
        request_id: str,
        status: int,
        error_type: str | None,
        message: str | None,
        headers: Mapping[str, str],
    ) -> None:
        kind = error_type or ERROR_TYPES.get(status, "api_error")
        body = _error_body(kind, message or ERROR_MESSAGES.get(kind, "Error"), request_id)
        data = _compact(body).encode()
        head = self._head(status, request_id, "application/json", len(data), True, None, headers)
        await connection.send(head + data)
        recorded.outcome = f"status {status}"

    async def _stream(
        self,
        connection: _Connection,
        request: _Request,
        recorded: RecordedRequest,
        request_id: str,
        reply: Reply,
        message: dict[str, Any],
    ) -> bool:
        events = _stream_events(message, reply)
        head = self._head(200, request_id, "text/event-stream; charset=utf-8", None, True, reply)
        try:
            await connection.send(head)
            for index, (name, data) in enumerate(events):
                if index:
                    await connection.pause(reply.slow_stream)
                if reply.drop_after is not None and index >= reply.drop_after:
                    recorded.outcome = "dropped"
                    connection.writer.close()
                    return False
                if reply.error_event and index >= reply.error_after:
                    kind = reply.error_event if isinstance(reply.error_event, str) else None
                    kind = kind or "overloaded_error"
                    error = _error_body(kind, ERROR_MESSAGES.get(kind, "Error"), request_id)
                    await connection.send(_sse("error", error) + b"0\r\n\r\n")
                    recorded.events_sent += 1
                    recorded.outcome = "error event"
                    return request.keep_alive
                await connection.send(_sse(name, data))
                recorded.events_sent += 1
            await connection.send(b"0\r\n\r\n")
        except ConnectionError:
            recorded.outcome = "cancelled"
            self.cancelled_streams += 1
            return False
        recorded.outcome = "ok"
        self.completed_streams += 1
        return request.keep_alive


def _model_refusal(body: Mapping[str, Any]) -> tuple[int, str] | None:
    """(status, message) when the request's model does not exist or refuses what it carries,
    in the real API's words where its documentation quotes them."""
    name = body.get("model")
    model = MODELS.get(str(name))
    if model is None:
        return 404, f"model: {name}"
    for parameter in SAMPLING_PARAMETERS:
        if parameter in body:
            return 400, f"{parameter}: Extra inputs are not permitted"
    choice = body.get("tool_choice")
    forced = isinstance(choice, Mapping) and choice.get("type") in ("tool", "any")
    if forced and not model.forced_tool_use:
        return 400, 'tool_choice: type "tool" and "any" are not supported for this model.'
    thinking = body.get("thinking")
    if isinstance(thinking, Mapping):
        mode = thinking.get("type")
        if mode == "disabled" and "disabled" not in model.thinking_modes:
            return 400, (
                'To turn thinking off on this model, send "thinking": {"type": "between_tools"} '
                'instead of {"type": "disabled"}.'
            )
        if mode not in model.thinking_modes:
            return 400, (
                f'"thinking.type.{mode}" is not supported for this model. Use '
                '"thinking.type.adaptive" and "output_config.effort" to control thinking '
                "behavior."
            )
    thinks = (
        model.thinks_by_default
        if not isinstance(thinking, Mapping)
        else (thinking.get("type") in ("adaptive", "enabled"))
    )
    if forced and thinks:
        return 400, "Thinking may not be enabled when tool_choice forces tool use."
    messages = body.get("messages") or []
    last = messages[-1] if messages and isinstance(messages[-1], Mapping) else {}
    if last.get("role") == "assistant" and not model.prefill:
        return 400, (
            "This model does not support assistant message prefill. The conversation must end "
            "with a user message."
        )
    config = body.get("output_config")
    if config is not None:
        problem = _output_config_problem(config, model)
        if problem:
            return 400, problem
    for index, tool in enumerate(body.get("tools") or []):
        if isinstance(tool, Mapping) and tool.get("strict"):
            problem = _schema_problem(tool.get("input_schema"), f"tools.{index}.input_schema")
            if problem:
                return 400, problem
    return None


def _output_config_problem(config: Any, model: FakeModel) -> str | None:
    if not isinstance(config, Mapping):
        return "output_config: Input should be an object"
    effort = config.get("effort")
    if effort is not None and effort not in model.effort:
        if not model.effort:
            return "output_config.effort: This model does not support the effort parameter."
        return f"output_config.effort: {effort!r} is not supported for this model."
    fmt = config.get("format")
    if fmt is not None:
        if not model.structured_outputs:
            return "output_config.format: This model does not support structured outputs."
        if not isinstance(fmt, Mapping) or fmt.get("type") != "json_schema":
            return "output_config.format.type: Input should be 'json_schema'"
        return _schema_problem(fmt.get("schema"), "output_config.format.schema")
    return None


def _schema_problem(schema: Any, where: str) -> str | None:
    """What structured outputs (and strict tools) refuse in a JSON schema, if anything."""
    if not isinstance(schema, Mapping):
        return f"{where}: a JSON schema object is required"
    for keyword in UNSUPPORTED_SCHEMA_KEYWORDS:
        if keyword in schema:
            return f"{where}: the '{keyword}' keyword is not supported"
    if schema.get("type") == "object" and schema.get("additionalProperties") is not False:
        return f"{where}: 'additionalProperties' must be explicitly set to false for objects"
    children: list[tuple[str, Any]] = []
    for name, child in (schema.get("properties") or {}).items():
        children.append((f"{where}.properties.{name}", child))
    if "items" in schema:
        children.append((f"{where}.items", schema["items"]))
    for index, child in enumerate(schema.get("anyOf") or []):
        children.append((f"{where}.anyOf.{index}", child))
    for path, child in children:
        problem = _schema_problem(child, path)
        if problem:
            return problem
    return None


def asks_for_data(request: RecordedRequest) -> bool:
    """Whether a request wants its answer as data (a forced tool call or structured outputs):
    how a Forge review asks, whatever the model."""
    body = request.body if isinstance(request.body, Mapping) else {}
    choice = body.get("tool_choice")
    forced = isinstance(choice, Mapping) and choice.get("type") in ("tool", "any")
    config = body.get("output_config")
    return forced or (isinstance(config, Mapping) and "format" in config)


def _thinks(body: Mapping[str, Any]) -> bool:
    """Whether the request's model opens its answer with a thinking block."""
    model = MODELS.get(str(body.get("model")))
    thinking = body.get("thinking")
    if isinstance(thinking, Mapping):
        return thinking.get("type") in ("adaptive", "enabled")
    return model is not None and model.thinks_by_default


def _invalid_messages_request(body: Mapping[str, Any]) -> str | None:
    """The real API's complaint about a malformed Messages request, if any."""
    if not isinstance(body.get("model"), str):
        return "model: Field required"
    budget = body.get("max_tokens")
    if not isinstance(budget, int) or isinstance(budget, bool) or budget < 1:
        return "max_tokens: Field required (an integer of at least 1)"
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        return "messages: at least one message is required"
    return None


def _stream_events(message: Mapping[str, Any], reply: Reply) -> list[tuple[str, dict[str, Any]]]:
    """The server-sent events of a streamed ``message``, in the real API's order and shapes."""
    usage = message["usage"]
    start = {
        **message,
        "content": [],
        "stop_reason": None,
        "stop_sequence": None,
        "usage": {**usage, "output_tokens": 1},
    }
    events: list[tuple[str, dict[str, Any]]] = [
        ("message_start", {"type": "message_start", "message": start})
    ]
    for index, block in enumerate(message["content"]):
        if block["type"] == "thinking":  # display "omitted": no thinking text, a signature
            empty: dict[str, Any] = {"type": "thinking", "thinking": "", "signature": ""}
            deltas = [{"type": "signature_delta", "signature": block["signature"]}]
        elif block["type"] == "text":
            empty = {"type": "text", "text": ""}
            deltas = [
                {"type": "text_delta", "text": piece}
                for piece in _split(block["text"], reply.chunks)
            ]
        else:
            empty = {**block, "input": {}}
            pieces = ["", *_split(json.dumps(block["input"], ensure_ascii=False), reply.chunks)]
            deltas = [{"type": "input_json_delta", "partial_json": piece} for piece in pieces]
        events.append(
            (
                "content_block_start",
                {"type": "content_block_start", "index": index, "content_block": empty},
            )
        )
        if index == 0 and reply.ping:
            events.append(("ping", {"type": "ping"}))
        events += [
            ("content_block_delta", {"type": "content_block_delta", "index": index, "delta": delta})
            for delta in deltas
        ]
        events.append(("content_block_stop", {"type": "content_block_stop", "index": index}))
    final_usage = {
        key: usage[key]
        for key in (
            "input_tokens",
            "cache_creation_input_tokens",
            "cache_read_input_tokens",
            "output_tokens",
        )
    }
    delta = {"stop_reason": message["stop_reason"], "stop_sequence": None}
    events.append(
        ("message_delta", {"type": "message_delta", "delta": delta, "usage": final_usage})
    )
    events.append(("message_stop", {"type": "message_stop"}))
    return events


def load_script(path: str | Path) -> tuple[list[Reply], Reply | None]:
    """Replies from a JSON script: a list of replies, or ``{"replies": [...], "default": {}}``."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if isinstance(data, list):
        return [Reply.from_dict(entry) for entry in data], None
    if not isinstance(data, dict):
        raise ValueError("a script is a list of replies or an object with 'replies'")
    replies = [Reply.from_dict(entry) for entry in data.get("replies", [])]
    default = data.get("default")
    return replies, Reply.from_dict(default) if default is not None else None


async def _serve_forever(api: FakeMessagesAPI) -> None:
    await api.start()
    print(f"listening on {api.base_url}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        await api.stop()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="A fake Anthropic Messages API for tests.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--script", help="JSON file of scripted replies (fields of Reply)")
    parser.add_argument("--answer-file", help="text file: the default answer once the script ends")
    parser.add_argument("--api-key", help="answer 401 unless the request carries this key")
    parser.add_argument("--record", help="append every request received to this JSON-lines file")
    parser.add_argument("--min-cache-tokens", type=int, default=None)
    args = parser.parse_args(argv)
    replies, default = load_script(args.script) if args.script else ([], None)
    if args.answer_file:
        default = Reply(text=Path(args.answer_file).read_text(encoding="utf-8"))
    api = FakeMessagesAPI(
        replies,
        default=default,
        api_key=args.api_key,
        host=args.host,
        port=args.port,
        min_cache_tokens=args.min_cache_tokens,
        record_path=args.record,
    )
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve_forever(api))
    return 0


if __name__ == "__main__":
    sys.exit(main())
