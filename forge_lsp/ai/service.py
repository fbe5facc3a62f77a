"""One Claude request as the editor sees it: cached, budgeted, sent, accounted.

The server holds one `ClaudeService`. It keeps an SDK client per distinct connection setting
(so changing the key or backend takes effect without a restart), answers a repeated request
from the result cache at once and for free, and writes every request's usage and cost into
the ledger.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import platformdirs

from forge_lsp.ai import prompts
from forge_lsp.ai.client import ClaudeClient, TextSink, TokenCounts
from forge_lsp.ai.ledger import Ledger, Usage, cost_usd, estimate_cost
from forge_lsp.ai.payload import Payload
from forge_lsp.ai.result_cache import CachedResult, ResultCache, cache_key
from forge_lsp.ai.settings import ClaudeSettings

log = logging.getLogger(__name__)

# Answers that stopped for these reasons are whole, so worth caching.
COMPLETE = frozenset({"end_turn", "tool_use", "stop_sequence"})


@dataclass(frozen=True)
class Answer:
    text: str
    tool_input: object | None
    usage: TokenCounts
    model: str
    cost_usd: float
    cached: bool
    stop_reason: str | None

    @property
    def truncated(self) -> bool:
        return self.stop_reason == "max_tokens"


class ClaudeService:
    def __init__(self, ledger: Ledger, cache: ResultCache, environ: Mapping[str, str]) -> None:
        self.ledger = ledger
        self.cache = cache
        self._environ = environ
        self._clients: dict[str, ClaudeClient] = {}

    @classmethod
    def for_user(cls, environ: Mapping[str, str]) -> ClaudeService:
        """The ledger in the user's data folder and the cache in the user's cache folder."""
        data = Path(platformdirs.user_data_dir("forge-lsp"))
        cache = Path(platformdirs.user_cache_dir("forge-lsp"))
        return cls(Ledger(data / "usage.sqlite3"), ResultCache(cache / "results.sqlite3"), environ)

    def client(self, settings: ClaudeSettings) -> ClaudeClient:
        key = _connection_key(settings)
        client = self._clients.get(key)
        if client is None:
            client = self._clients[key] = ClaudeClient(settings, self._environ)
        return client

    async def complete(
        self, payload: Payload, settings: ClaudeSettings, on_text: TextSink | None
    ) -> Answer:
        """The answer to `payload`: from the cache when this exact request was answered
        before (nothing is sent), else streamed from Claude."""
        request = payload.request
        key = cache_key(request.task, request.model, prompts.PROMPT_VERSION, payload.digest())
        hit = self.cache.get(key)
        if hit is not None:
            log.info("claude %s answered from the cache (%s)", request.task, key[:12])
            if on_text is not None and hit.text:
                on_text(hit.text)
            self._record(request.task, request.model, TokenCounts(), 0.0, cached=True)
            return Answer(
                hit.text, hit.tool_input, TokenCounts(), request.model, 0.0, True, hit.stop_reason
            )
        completion = await self.client(settings).stream(request, on_text)
        cost = cost_usd(completion.model, completion.usage, settings.prices)
        self._record(request.task, completion.model, completion.usage, cost, cached=False)
        if completion.stop_reason in COMPLETE:
            self.cache.put(
                key,
                CachedResult(completion.text, completion.tool_input, completion.stop_reason),
            )
        return Answer(
            completion.text,
            completion.tool_input,
            completion.usage,
            completion.model,
            cost,
            False,
            completion.stop_reason,
        )

    def budget_question(self, settings: ClaudeSettings, payload: Payload) -> str | None:
        """A question for the user when this request could take today's spending past the
        daily budget; None when there is no budget or room enough."""
        budget = settings.daily_budget_usd
        if budget is None:
            return None
        spent = self.ledger.spent_today(datetime.now(timezone.utc))
        request = payload.request
        estimate = estimate_cost(
            request.model, payload.characters(), request.max_tokens, settings.prices
        )
        if spent + estimate <= budget:
            return None
        return (
            f"Forge has spent ${spent:.2f} of your ${budget:.2f} daily Claude budget today, and "
            f"this request may cost up to ${estimate:.2f}. Send it anyway?"
        )

    def usage_summary(self) -> str:
        summary = self.ledger.summary(datetime.now(timezone.utc))
        return summary.describe()

    def _record(
        self, task: str, model: str, usage: TokenCounts, cost: float, *, cached: bool
    ) -> None:
        self.ledger.record(
            Usage(
                task=task,
                model=model,
                input_tokens=usage.input_tokens,
                output_tokens=usage.output_tokens,
                cache_creation_input_tokens=usage.cache_creation_input_tokens,
                cache_read_input_tokens=usage.cache_read_input_tokens,
                cost_usd=cost,
                cached=cached,
            )
        )

    async def close(self) -> None:
        for client in self._clients.values():
            await client.close()
        self._clients.clear()


def _connection_key(settings: ClaudeSettings) -> str:
    """What decides how the SDK client is built (the key stays in memory, never logged)."""
    return json.dumps(
        [
            settings.backend,
            settings.api_key,
            settings.base_url,
            sorted(settings.headers.items()),
            settings.timeout_seconds,
            settings.max_retries,
            settings.aws_region,
            settings.aws_profile,
            settings.vertex_project,
            settings.vertex_region,
        ]
    )
