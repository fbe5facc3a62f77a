"""One Claude request as the editor sees it: cached, budgeted, sent, accounted.

The server holds one `ClaudeService`. It keeps an SDK client per distinct connection setting
(so changing the key or backend takes effect without a restart), answers a repeated request
from the result cache at once and for free, and writes every request's usage and cost into
the ledger.
"""

from __future__ import annotations

import json
import logging
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Generic, TypeVar

import platformdirs

from forge_lsp.ai import prompts
from forge_lsp.ai.client import ClaudeClient, TextSink, ThinkingSink, TokenCounts
from forge_lsp.ai.ledger import DEFAULT_PRICES, Ledger, Summary, Totals, Usage
from forge_lsp.ai.models import Price, budget_price
from forge_lsp.ai.payload import Payload
from forge_lsp.ai.result_cache import CachedResult, ResultCache, cache_key
from forge_lsp.config.claude import ClaudeSettings

log = logging.getLogger(__name__)

# Answers that stopped for these reasons are whole, so worth caching.
COMPLETE = frozenset({"end_turn", "tool_use", "stop_sequence"})


@dataclass(frozen=True)
class Answer:
    text: str
    structured: object | None  # a review's findings as data (see `Completion.structured`)
    usage: TokenCounts
    model: str
    cost_usd: float | None  # None: the model is not in the price table
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
        # Reviews placed in a document's text, by (payload digest, text digest).
        self.placements: Memo[tuple[str, str], Any] = Memo(256)

    @classmethod
    def for_user(cls, environ: Mapping[str, str]) -> ClaudeService:
        """The ledger in the user's data folder and the cache in the user's cache folder."""
        data = Path(platformdirs.user_data_dir("forge-lsp"))
        cache = Path(platformdirs.user_cache_dir("forge-lsp"))
        return cls(Ledger(data / "usage.sqlite3"), ResultCache(cache / "results.sqlite3"), environ)

    @property
    def client_count(self) -> int:
        """SDK clients built (one per distinct connection setting, each with its own pool)."""
        return len(self._clients)

    def client(self, settings: ClaudeSettings) -> ClaudeClient:
        key = _connection_key(settings)
        client = self._clients.get(key)
        if client is None:
            client = self._clients[key] = ClaudeClient(settings, self._environ)
        return client

    async def complete(
        self,
        payload: Payload,
        settings: ClaudeSettings,
        on_text: TextSink | None,
        on_thinking: ThinkingSink | None = None,
    ) -> Answer:
        """The answer to `payload`: from the cache when this exact request was answered
        before (nothing is sent), else streamed from Claude."""
        request = payload.request
        key = cache_key(request.task, request.model, prompts.PROMPT_VERSION, payload.digest())
        hit = self.cache.get(key)
        if hit is not None:
            log.info("claude %s answered from the cache (%s)", request.task, key[:12])
            self.ledger.record(Usage(request.task, request.model, cached=True))
            if request.structured:
                return Answer(
                    "", json.loads(hit.text), TokenCounts(), hit.model, 0.0, True, "end_turn"
                )
            if on_text is not None:
                on_text(hit.text)
            return Answer(hit.text, None, TokenCounts(), hit.model, 0.0, True, "end_turn")
        completion = await self.client(settings).stream(request, on_text, on_thinking)
        used = completion.usage
        cost = self.ledger.record(
            Usage(
                request.task,
                completion.model,
                used.input_tokens,
                used.output_tokens,
                used.cache_creation_input_tokens,
                used.cache_read_input_tokens,
            ),
            _prices(settings),
        )
        whole = completion.structured is not None or not request.structured
        if completion.stop_reason in COMPLETE and whole:
            text = completion.text
            if request.structured:
                text = json.dumps(completion.structured)
            usage = {
                "input_tokens": used.input_tokens,
                "output_tokens": used.output_tokens,
                "cache_creation_input_tokens": used.cache_creation_input_tokens,
                "cache_read_input_tokens": used.cache_read_input_tokens,
            }
            self.cache.put(key, CachedResult(request.task, completion.model, text, usage))
        return Answer(
            completion.text,
            completion.structured,
            used,
            completion.model,
            cost,
            False,
            completion.stop_reason,
        )

    def budget_question(self, settings: ClaudeSettings, payload: Payload) -> str | None:
        """A question for the user when this request could take today's spending past the
        daily budget; None when there is no budget or room enough."""
        budget = settings.daily_budget_usd
        if not budget:
            return None
        estimate = most_cost(settings, payload)
        decision = self.ledger.check_budget(budget, estimate, datetime.now(timezone.utc))
        if decision.ok:
            return None
        return (
            f"Forge has spent ${decision.spent_today_usd:.2f} of your ${budget:.2f} daily Claude "
            f"budget today, and this request may cost up to ${estimate:.4f}. Send it anyway?"
        )

    def usage_summary(self) -> str:
        return describe(self.ledger.summary(datetime.now().astimezone()))

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
            settings.stall_seconds,
            settings.max_retries,
            settings.aws_region,
            settings.aws_profile,
            settings.vertex_project,
            settings.vertex_region,
        ]
    )


K = TypeVar("K")
V = TypeVar("V")


class Memo(Generic[K, V]):
    """A small least-recently-used map (thread-safe enough for the event loop's own use)."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        value = self._items.get(key)
        if value is not None:
            self._items.move_to_end(key)
        return value

    def __len__(self) -> int:
        return len(self._items)

    def put(self, key: K, value: V) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self._size:
            self._items.popitem(last=False)


def most_cost(settings: ClaudeSettings, payload: Payload) -> float:
    """The most a request can cost, in US dollars: every input token uncached (counted as a
    token per three characters) and every output token used. An unknown model counts at the
    dearest known price, never as free."""
    request = payload.request
    price = budget_price(request.model, _prices(settings)).highest
    return price.cost(payload.characters() // 3, request.max_tokens)


def _prices(settings: ClaudeSettings) -> dict[str, Price]:
    return dict(settings.prices) if settings.prices else dict(DEFAULT_PRICES)


def describe(summary: Summary) -> str:
    """Usage today and this month, in one message."""
    return f"Claude usage today: {_totals(summary.today)}. This month: {_totals(summary.month)}."


def _totals(totals: Totals) -> str:
    if totals.requests == 0:
        return "no requests"
    parts = [f"{totals.requests} request{'s' * (totals.requests != 1)}"]
    if totals.cached_requests:
        parts.append(f"{totals.cached_requests} from the cache")
    parts.append(
        f"{totals.input_tokens:,} input tokens ({totals.cache_read_input_tokens:,} read from "
        f"the prompt cache), {totals.output_tokens:,} output tokens"
    )
    cost = f"${totals.cost_usd:.4f}"
    if totals.unpriced_requests:
        cost += f" plus {totals.unpriced_requests} at unknown prices"
    parts.append(cost)
    return ", ".join(parts)
