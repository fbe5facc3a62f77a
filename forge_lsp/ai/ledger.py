"""The usage ledger: every Claude request's tokens and cost, so users see what Forge spends.

One row per request in SQLite (the server keeps the file in the platformdirs user data
directory): when, which task (ask, review, explain), which model, the four kinds of tokens the
Messages API reports, the cost from the price table, and whether it was answered from Forge's
result cache (which costs nothing). `summary()` gives today's and this month's totals for the
"Show Forge usage" command; `check_budget()` tells the server whether a request would take the
day over the user's budget, so it can ask first.

The ledger never takes Forge down: a file that is corrupt or cannot be written makes it keep
counting in memory for the session and report one clear `problem` for the server to show once.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from forge_lsp.ai import _sqlite
from forge_lsp.ai.models import Price, budget_price, default_prices, price_of
from forge_lsp.config.prices import PriceError as PriceError
from forge_lsp.config.prices import parse_prices as parse_prices

log = logging.getLogger(__name__)


DEFAULT_PRICES: Mapping[str, Price] = default_prices()
"""Anthropic's list prices for every model in Forge's model table (`forge_lsp/ai/models.toml`,
dated, with its sources), by id and alias. They are defaults: prices change and other models
exist, so users override or add entries with the `forge.claude.prices` setting, read by
`parse_prices()`."""


def price_for(model: str, prices: Mapping[str, Price] = DEFAULT_PRICES) -> Price | None:
    """The price of exactly `model` (an id or a dated alias the table lists); None when
    nothing names it: a price is never borrowed from a model whose id is a prefix."""
    return price_of(model, prices)


@dataclass(frozen=True, slots=True)
class Usage:
    """One request, as the Messages API reported it (or as the cached result recorded it)."""

    task: str
    model: str
    input_tokens: int = 0
    output_tokens: int = 0
    cache_creation_input_tokens: int = 0
    cache_read_input_tokens: int = 0
    cached: bool = False  # answered from Forge's result cache: no request, no cost
    timestamp: datetime | None = None  # UTC; None means now


@dataclass(frozen=True, slots=True)
class Totals:
    """Requests and tokens over a period. Tokens count billed requests only (not cache hits)."""

    requests: int = 0
    cached_requests: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cache_creation_input_tokens: int = 0
    cache_read_input_tokens: int = 0
    cost_usd: float = 0.0
    unpriced_requests: int = 0  # models missing from the price table: their cost is unknown
    budget_cost_usd: float = 0.0  # cost_usd with unpriced requests at the dearest known price


@dataclass(frozen=True, slots=True)
class Summary:
    today: Totals
    month: Totals


@dataclass(frozen=True, slots=True)
class BudgetDecision:
    """Whether a request fits in today's budget, with the amounts to show the user."""

    ok: bool
    spent_today_usd: float
    estimated_cost_usd: float
    daily_budget_usd: float | None
    remaining_usd: float | None = field(default=None)

    @property
    def message(self) -> str:
        if self.daily_budget_usd is None:
            return "No daily budget is set."
        verdict = "fits in" if self.ok else "would go over"
        return (
            f"This request (about ${self.estimated_cost_usd:.4f}) {verdict} today's Forge budget: "
            f"${self.spent_today_usd:.4f} of ${self.daily_budget_usd:.2f} spent."
        )


_MIGRATIONS = (
    (
        "001_usage",
        """
        CREATE TABLE usage (
            id INTEGER PRIMARY KEY,
            timestamp TEXT NOT NULL,
            task TEXT NOT NULL,
            model TEXT NOT NULL,
            input_tokens INTEGER NOT NULL,
            output_tokens INTEGER NOT NULL,
            cache_creation_input_tokens INTEGER NOT NULL,
            cache_read_input_tokens INTEGER NOT NULL,
            cost_usd REAL,
            cached INTEGER NOT NULL
        );
        CREATE INDEX usage_timestamp ON usage (timestamp)
        """,
    ),
    (
        # What the daily budget counts a request at: its cost, or for a model with no price
        # the cost at the dearest known price (an unknown model must not look free).
        "002_budget_cost",
        "ALTER TABLE usage ADD COLUMN budget_cost_usd REAL",
    ),
)


class Ledger:
    """Usage rows in SQLite at `path` (None: in memory only). Thread-safe; never raises on I/O."""

    def __init__(
        self, path: str | Path | None, prices: Mapping[str, Price] = DEFAULT_PRICES
    ) -> None:
        self.prices = dict(prices)
        self.path = Path(path) if path is not None else None
        self.problem: str | None = None
        self._lock = threading.Lock()
        self._connection = self._open()

    @property
    def persistent(self) -> bool:
        """False once the ledger has fallen back to memory (see `problem`)."""
        return self.path is not None and self.problem is None

    def _open(self) -> sqlite3.Connection:
        if self.path is not None:
            try:
                connection = _sqlite.connect(self.path)
                try:
                    _sqlite.check(connection)
                    _sqlite.migrate(connection, _MIGRATIONS)
                except BaseException:
                    connection.close()
                    raise
                return connection
            except (sqlite3.Error, OSError) as error:
                self._fail(error)
        return self._memory()

    def _memory(self) -> sqlite3.Connection:
        connection = _sqlite.connect(_sqlite.MEMORY)
        _sqlite.migrate(connection, _MIGRATIONS)
        return connection

    def _fail(self, error: BaseException) -> None:
        """Remember one clear problem and keep counting in memory for this session."""
        if self.problem is None:
            self.problem = (
                f"Forge cannot use its usage ledger at {self.path} ({error}); usage and costs are "
                "counted in memory until the editor restarts. Move or delete the file to start a "
                "new ledger."
            )
            log.warning("usage ledger unavailable at %s: %s", self.path, error)

    def cost(self, usage: Usage, prices: Mapping[str, Price] | None = None) -> float | None:
        """What the request cost in USD: 0 for a cache hit, None for a model with no price.
        `prices` overrides the ledger's table (the user's `forge.claude.prices` of the moment)."""
        if usage.cached:
            return 0.0
        price = price_for(usage.model, self.prices if prices is None else prices)
        if price is None:
            return None
        return price.cost(
            usage.input_tokens,
            usage.output_tokens,
            usage.cache_creation_input_tokens,
            usage.cache_read_input_tokens,
        )

    def record(self, usage: Usage, prices: Mapping[str, Price] | None = None) -> float | None:
        """Add one request to the ledger; returns its cost (see `cost`)."""
        cost = self.cost(usage, prices)
        budget_cost = cost
        if cost is None:
            budget_cost = budget_price(usage.model, self.prices if prices is None else prices).cost(
                usage.input_tokens,
                usage.output_tokens,
                usage.cache_creation_input_tokens,
                usage.cache_read_input_tokens,
            )
        row = (
            _stamp(usage.timestamp or datetime.now(timezone.utc)),
            usage.task,
            usage.model,
            usage.input_tokens,
            usage.output_tokens,
            usage.cache_creation_input_tokens,
            usage.cache_read_input_tokens,
            cost,
            int(usage.cached),
            budget_cost,
        )
        self._write(
            "INSERT INTO usage (timestamp, task, model, input_tokens, output_tokens, "
            "cache_creation_input_tokens, cache_read_input_tokens, cost_usd, cached, "
            "budget_cost_usd) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            row,
        )
        return cost

    def _write(self, sql: str, row: tuple[object, ...]) -> None:
        with self._lock:
            try:
                self._execute_waiting(sql, row)
                return
            except sqlite3.Error as error:
                self._fail(error)
                self._connection.close()
                self._connection = self._memory()
            self._connection.execute(sql, row)

    def _execute_waiting(self, sql: str, row: tuple[object, ...]) -> None:
        """Another Forge holding the file past the busy timeout gets one more wait, rather than
        the ledger giving up on the file for the whole session."""
        try:
            self._connection.execute(sql, row)
        except sqlite3.OperationalError as error:
            if "locked" not in str(error):
                raise
            self._connection.execute(sql, row)

    def summary(self, now: datetime | None = None) -> Summary:
        """Totals since the start of `now`'s day and of its month (in `now`'s time zone)."""
        now = now or datetime.now(timezone.utc)
        day = now.replace(hour=0, minute=0, second=0, microsecond=0)
        return Summary(today=self._totals(day), month=self._totals(day.replace(day=1)))

    def spent_today(self, now: datetime | None = None) -> float:
        """Today's spending as the budget counts it: requests to unpriced models at the
        dearest known price (rows from before that column existed count at their cost)."""
        return self.summary(now).today.budget_cost_usd

    def check_budget(
        self,
        daily_budget_usd: float | None,
        estimated_cost: float,
        now: datetime | None = None,
    ) -> BudgetDecision:
        """Whether spending `estimated_cost` now keeps today within `daily_budget_usd`.

        No budget (None or 0) always fits. The server asks the user before a request whose
        decision is not ok, showing `decision.message`.
        """
        spent = self.spent_today(now)
        if not daily_budget_usd or daily_budget_usd <= 0:
            return BudgetDecision(True, spent, estimated_cost, None)
        remaining = daily_budget_usd - spent
        return BudgetDecision(
            spent + estimated_cost <= daily_budget_usd,
            spent,
            estimated_cost,
            daily_budget_usd,
            remaining,
        )

    def _totals(self, since: datetime) -> Totals:
        query = """
            SELECT COUNT(*), COALESCE(SUM(cached), 0),
                   COALESCE(SUM(CASE WHEN cached = 0 THEN input_tokens END), 0),
                   COALESCE(SUM(CASE WHEN cached = 0 THEN output_tokens END), 0),
                   COALESCE(SUM(CASE WHEN cached = 0 THEN cache_creation_input_tokens END), 0),
                   COALESCE(SUM(CASE WHEN cached = 0 THEN cache_read_input_tokens END), 0),
                   COALESCE(SUM(cost_usd), 0.0),
                   COALESCE(SUM(cost_usd IS NULL), 0),
                   COALESCE(SUM(COALESCE(budget_cost_usd, cost_usd)), 0.0)
            FROM usage WHERE timestamp >= ?
        """
        with self._lock:
            try:
                row = self._connection.execute(query, (_stamp(since),)).fetchone()
            except sqlite3.Error as error:
                self._fail(error)
                self._connection.close()
                self._connection = self._memory()
                row = self._connection.execute(query, (_stamp(since),)).fetchone()
        return Totals(*row)

    def close(self) -> None:
        with self._lock:
            self._connection.close()


def _utc(when: datetime) -> datetime:
    """Aware UTC; a naive datetime is taken to be UTC already."""
    if when.tzinfo is None:
        return when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc)


def _stamp(when: datetime) -> str:
    """Fixed-width UTC text, so SQLite compares timestamps as strings correctly."""
    return _utc(when).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
