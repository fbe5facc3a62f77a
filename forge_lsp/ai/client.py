"""The Claude client: the official `anthropic` SDK, loaded lazily, streaming, failures explained.

Importing the SDK costs 1.5-2 s, so nothing imports it until the first request needs it, and
then off the event loop (`load`). Every request streams (`messages.stream`): text reaches the
caller as it arrives, thinking is announced (`on_thinking`) without its text, cancelling the
task closes the connection (generation stops at the API), and a stream cut off midway keeps
what arrived. Two watchdogs bound every request: a stall (nothing received for
`stall_seconds`) and a deadline (`deadline_seconds` in all, retries included). Every failure
becomes one `ClaudeFailure` whose message says what happened and what to do, decided from what
Forge saw on the wire (`forge_lsp.ai.wire`), never from the SDK's exception types.

Proxies and CA bundles come from the standard environment (`HTTPS_PROXY`, `SSL_CERT_FILE`),
which the SDK's HTTP client honours.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from forge_lsp.ai import wire
from forge_lsp.ai.failures import ClaudeFailure, Stop, explain, secrets_of
from forge_lsp.config.claude import ClaudeSettings

if TYPE_CHECKING:
    import anthropic

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_SECONDS = 10.0
# The SDK's own read timeout stays behind Forge's stall watchdog, as a backstop only.
SDK_READ_TIMEOUT_MARGIN_SECONDS = 5.0


@dataclass(frozen=True)
class Request:
    """One Messages API request: Forge's system prompt (cached), the project's instructions
    after it when there are some (cached with it: `forge_lsp.ai.instructions`) and one user
    turn, shaped to what its model accepts (`forge_lsp.ai.request_shape`)."""

    task: str  # ask, review or explain: for the ledger and the logs
    model: str
    system: str
    user: str
    max_tokens: int
    tools: tuple[Mapping[str, Any], ...] = ()
    tool_choice: Mapping[str, Any] | None = None
    output_format: Mapping[str, Any] | None = None  # structured outputs: a JSON schema
    effort: str | None = None
    instructions: str = ""  # the second system block, framed (`instructions.system_block`)

    def params(self) -> dict[str, Any]:
        """The Messages API parameters, exactly as sent (the payload preview shows these).
        Each system block is a cache breakpoint: the persona's is shared by every project, the
        instructions' by every request of one."""
        cached = {"type": "ephemeral"}
        system = [{"type": "text", "text": self.system, "cache_control": cached}]
        if self.instructions:
            system.append({"type": "text", "text": self.instructions, "cache_control": cached})
        params: dict[str, Any] = {
            "model": self.model,
            "max_tokens": self.max_tokens,
            "system": system,
            "messages": [{"role": "user", "content": self.user}],
        }
        if self.tools:
            params["tools"] = [dict(tool) for tool in self.tools]
        if self.tool_choice is not None:
            params["tool_choice"] = dict(self.tool_choice)
        output_config: dict[str, Any] = {}
        if self.output_format is not None:
            output_config["format"] = dict(self.output_format)
        if self.effort is not None:
            output_config["effort"] = self.effort
        if output_config:
            params["output_config"] = output_config
        return params

    @property
    def structured(self) -> bool:
        """Whether the answer is data (a forced tool's input or a JSON text), not prose."""
        return self.tool_choice is not None or self.output_format is not None


@dataclass(frozen=True)
class TokenCounts:
    """What a request used, as the API reports it."""

    input_tokens: int = 0
    output_tokens: int = 0
    cache_creation_input_tokens: int = 0
    cache_read_input_tokens: int = 0


@dataclass(frozen=True)
class Completion:
    """A finished answer: its text, its data (a review's findings), usage and timing."""

    text: str
    structured: object | None  # the forced tool's input, or the JSON text parsed; else None
    usage: TokenCounts
    stop_reason: str | None
    model: str
    first_token_ms: float | None = None
    total_ms: float = 0.0
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def truncated(self) -> bool:
        return self.stop_reason == "max_tokens"


TextSink = Callable[[str], None]
ThinkingSink = Callable[[], None]


@dataclass
class _Received:
    """What reached Forge through the SDK, for the failure message and the log."""

    parts: list[str] = field(default_factory=list)
    first_token_ms: float | None = None

    @property
    def text(self) -> str:
        return "".join(self.parts)


class ClaudeClient:
    """One SDK client for the server's lifetime (built on first use with the settings then)."""

    def __init__(self, settings: ClaudeSettings, environ: Mapping[str, str]) -> None:
        self.settings = settings
        self._environ = environ
        self._sdk: anthropic.AsyncAnthropic | None = None
        self._lock = asyncio.Lock()

    async def load(self) -> None:
        """Import the SDK and build the client in a worker thread (the event loop keeps
        answering while the 1.5 s import runs)."""
        async with self._lock:
            if self._sdk is None:
                self._sdk = await asyncio.to_thread(build_sdk_client, self.settings, self._environ)

    async def stream(
        self,
        request: Request,
        on_text: TextSink | None = None,
        on_thinking: ThinkingSink | None = None,
    ) -> Completion:
        """Send `request`, calling `on_text` with each piece of text as it arrives and
        `on_thinking` when the model starts a thinking block.

        Raises `ClaudeFailure` (with any text that arrived before a cut-off) and lets
        `asyncio.CancelledError` through after closing the connection.
        """
        exchange, token = wire.begin()
        received = _Received()
        try:  # the task copies the context: the wire hooks find this request's record
            work = asyncio.ensure_future(
                self._stream(request, exchange, received, on_text, on_thinking)
            )
        finally:
            wire.end(token)
        log.info("claude %s request: model %s", request.task, request.model)
        try:
            stopped = await self._watch(work, exchange)
        except asyncio.CancelledError:
            work.cancel()
            with contextlib.suppress(BaseException):
                await work
            log.info(
                "claude %s request cancelled after %d characters",
                request.task,
                len(received.text),
            )
            raise
        if stopped is None:
            return work.result()
        work.cancel()
        with contextlib.suppress(BaseException):
            await work
        failure = explain(
            exchange,
            task=request.task,
            partial_text="" if request.structured else received.text,
            stopped=stopped,
            settings=self.settings,
        )
        log.warning("claude %s request failed: %s", request.task, failure.kind)
        raise failure

    async def _watch(
        self, work: asyncio.Future[Completion], exchange: wire.Exchange
    ) -> Stop | None:
        """Wait for `work`; None when it ended by itself, else which watchdog ended it."""
        stall, deadline = self.settings.stall_seconds, self.settings.deadline_seconds
        while not work.done():
            now = time.monotonic()
            # The stall clock runs once the request is on its way (not while the SDK loads).
            stall_left = stall - exchange.quiet_for(now) if exchange.attempts else stall
            deadline_left = exchange.started + deadline - now
            if deadline_left <= 0:
                return "deadline"
            if stall_left <= 0:
                return "stalled"
            await asyncio.wait({work}, timeout=max(0.01, min(stall_left, deadline_left)))
        return None

    async def _stream(
        self,
        request: Request,
        exchange: wire.Exchange,
        received: _Received,
        on_text: TextSink | None,
        on_thinking: ThinkingSink | None,
    ) -> Completion:
        started = time.perf_counter()
        try:
            await self.load()  # a proxy or base URL the HTTP client refuses fails here
            assert self._sdk is not None
            async with self._sdk.messages.stream(**request.params()) as stream:
                async for event in stream:
                    if event.type == "text" and event.text:
                        if received.first_token_ms is None:
                            received.first_token_ms = (time.perf_counter() - started) * 1000
                        received.parts.append(event.text)
                        if on_text is not None:
                            on_text(event.text)
                    elif on_thinking is not None and _is_thinking(event):
                        on_thinking()
                final = await stream.get_final_message()
        except asyncio.CancelledError:
            raise
        except ClaudeFailure:
            raise
        except Exception as error:  # every SDK and transport failure: explained from the wire
            failure = explain(
                exchange,
                task=request.task,
                partial_text="" if request.structured else received.text,
                settings=self.settings,
                error=error,
            )
            failure = failure.without(secrets_of(self.settings, self._environ))
            log.warning("claude %s request failed: %s", request.task, failure.kind)
            raise failure from None
        return _completion(request, final, received, (time.perf_counter() - started) * 1000)

    async def close(self) -> None:
        if self._sdk is not None:
            await self._sdk.close()
            self._sdk = None


def _is_thinking(event: Any) -> bool:
    """A block of thinking (or of redacted thinking) opens."""
    if event.type != "content_block_start":
        return False
    return str(getattr(event.content_block, "type", "")).endswith("thinking")


def _completion(request: Request, final: Any, received: _Received, total_ms: float) -> Completion:
    usage = final.usage
    counts = TokenCounts(
        input_tokens=usage.input_tokens or 0,
        output_tokens=usage.output_tokens or 0,
        cache_creation_input_tokens=usage.cache_creation_input_tokens or 0,
        cache_read_input_tokens=usage.cache_read_input_tokens or 0,
    )
    text = received.text
    structured: object | None = None
    if request.tool_choice is not None:
        structured = next((b.input for b in final.content if b.type == "tool_use"), None)
    elif request.output_format is not None:
        with contextlib.suppress(ValueError):
            structured = json.loads(text)
    log.info(
        "claude %s answer: %d characters, %d in / %d out tokens (cache read %d), %.0f ms, %s",
        request.task,
        len(text),
        counts.input_tokens,
        counts.output_tokens,
        counts.cache_read_input_tokens,
        total_ms,
        final.stop_reason,
    )
    return Completion(
        text,
        structured,
        counts,
        final.stop_reason,
        final.model,
        received.first_token_ms,
        total_ms,
    )


def build_sdk_client(settings: ClaudeSettings, environ: Mapping[str, str]) -> Any:
    """The SDK client for the configured backend (imports `anthropic`: call off the loop)."""
    import anthropic

    read = settings.stall_seconds + SDK_READ_TIMEOUT_MARGIN_SECONDS
    timeout = anthropic.Timeout(read, connect=CONNECT_TIMEOUT_SECONDS)
    common: dict[str, Any] = {
        "timeout": timeout,
        "max_retries": settings.max_retries,
        "default_headers": dict(settings.headers) or None,
        # Forge's record of what came back (`wire`): the only basis of its failure messages.
        "http_client": anthropic.DefaultAsyncHttpxClient(
            timeout=timeout, event_hooks=wire.event_hooks()
        ),
    }
    if settings.base_url:
        common["base_url"] = settings.base_url
    if settings.backend == "bedrock":
        return anthropic.AsyncAnthropicBedrock(
            aws_region=settings.aws_region, aws_profile=settings.aws_profile, **common
        )
    if settings.backend == "vertex":
        vertex: dict[str, Any] = {}
        if settings.vertex_project:
            vertex["project_id"] = settings.vertex_project
        if settings.vertex_region:
            vertex["region"] = settings.vertex_region
        return anthropic.AsyncAnthropicVertex(**vertex, **common)
    key = settings.key(environ)
    if key is None and not environ.get("ANTHROPIC_AUTH_TOKEN"):
        raise ClaudeFailure("no-key", settings.setup_hint())
    return anthropic.AsyncAnthropic(api_key=key, **common)
