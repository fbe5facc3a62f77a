"""The Claude client: the official `anthropic` SDK, loaded lazily, streaming, failures explained.

Importing the SDK costs 1.5-2 s, so nothing imports it until the first request needs it, and
then off the event loop (`load`). Every request streams (`messages.stream`): text reaches the
caller as it arrives, cancelling the task closes the connection (generation stops at the API),
and a stream cut off midway keeps what arrived. Every failure becomes one `ClaudeFailure` whose
message says what happened and what to do.

Proxies and CA bundles come from the standard environment (`HTTPS_PROXY`, `SSL_CERT_FILE`),
which the SDK's HTTP client honours.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from forge_lsp.ai.failures import ClaudeFailure, describe, secrets_of
from forge_lsp.ai.settings import ClaudeSettings

if TYPE_CHECKING:
    import anthropic

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class Request:
    """One Messages API request: Forge's system prompt (cached) and one user turn."""

    task: str  # ask, review or explain: for the ledger and the logs
    model: str
    system: str
    user: str
    max_tokens: int
    tools: tuple[Mapping[str, Any], ...] = ()
    tool_choice: Mapping[str, Any] | None = None

    def params(self) -> dict[str, Any]:
        """The Messages API parameters, exactly as sent (the payload preview shows these)."""
        params: dict[str, Any] = {
            "model": self.model,
            "max_tokens": self.max_tokens,
            "system": [
                {"type": "text", "text": self.system, "cache_control": {"type": "ephemeral"}}
            ],
            "messages": [{"role": "user", "content": self.user}],
        }
        if self.tools:
            params["tools"] = [dict(tool) for tool in self.tools]
        if self.tool_choice is not None:
            params["tool_choice"] = dict(self.tool_choice)
        return params


@dataclass(frozen=True)
class TokenCounts:
    """What a request used, as the API reports it."""

    input_tokens: int = 0
    output_tokens: int = 0
    cache_creation_input_tokens: int = 0
    cache_read_input_tokens: int = 0


@dataclass(frozen=True)
class Completion:
    """A finished answer: its text, the forced tool's input (reviews), usage and timing."""

    text: str
    tool_input: object | None
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

    async def stream(self, request: Request, on_text: TextSink | None = None) -> Completion:
        """Send `request`, calling `on_text` with each piece of text as it arrives.

        Raises `ClaudeFailure` (with any text that arrived before a cut-off) and lets
        `asyncio.CancelledError` through after closing the connection.
        """
        started = time.perf_counter()
        first_token_ms: float | None = None
        parts: list[str] = []
        log.info("claude %s request: model %s", request.task, request.model)
        try:
            await self.load()  # a proxy or base URL the HTTP client refuses fails here
            assert self._sdk is not None
            async with self._sdk.messages.stream(**request.params()) as stream:
                async for event in stream:
                    if event.type == "text" and event.text:
                        if first_token_ms is None:
                            first_token_ms = (time.perf_counter() - started) * 1000
                        parts.append(event.text)
                        if on_text is not None:
                            on_text(event.text)
                final = await stream.get_final_message()
        except asyncio.CancelledError:
            log.info("claude %s request cancelled after %d characters", request.task, _n(parts))
            raise
        except Exception as error:  # every SDK and transport failure, mapped below
            failure = describe(error, partial_text="".join(parts))
            failure = failure.without(secrets_of(self.settings, self._environ))
            log.warning("claude %s request failed: %s", request.task, failure.kind)
            raise failure from error
        usage = final.usage
        counts = TokenCounts(
            input_tokens=usage.input_tokens or 0,
            output_tokens=usage.output_tokens or 0,
            cache_creation_input_tokens=usage.cache_creation_input_tokens or 0,
            cache_read_input_tokens=usage.cache_read_input_tokens or 0,
        )
        tool_input = next(
            (block.input for block in final.content if block.type == "tool_use"), None
        )
        total_ms = (time.perf_counter() - started) * 1000
        log.info(
            "claude %s answer: %d characters, %d in / %d out tokens (cache read %d), %.0f ms",
            request.task,
            _n(parts),
            counts.input_tokens,
            counts.output_tokens,
            counts.cache_read_input_tokens,
            total_ms,
        )
        return Completion(
            "".join(parts),
            tool_input,
            counts,
            final.stop_reason,
            final.model,
            first_token_ms,
            total_ms,
        )

    async def close(self) -> None:
        if self._sdk is not None:
            await self._sdk.close()
            self._sdk = None


def _n(parts: list[str]) -> int:
    return sum(len(p) for p in parts)


def build_sdk_client(settings: ClaudeSettings, environ: Mapping[str, str]) -> Any:
    """The SDK client for the configured backend (imports `anthropic`: call off the loop)."""
    import anthropic

    timeout = anthropic.Timeout(settings.timeout_seconds, connect=CONNECT_TIMEOUT_SECONDS)
    common: dict[str, Any] = {
        "timeout": timeout,
        "max_retries": settings.max_retries,
        "default_headers": dict(settings.headers) or None,
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
