"""Forge's model table (forge_lsp/ai/models.toml): exact prices, what each model accepts, the
unknown-model rules, and the generated docs/claude-models.md."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from forge_lsp.ai import models
from forge_lsp.ai.ledger import DEFAULT_PRICES, Ledger, Usage, parse_prices, price_for
from forge_lsp.config.claude import DEFAULT_EXPLAIN_MODEL, DEFAULT_MODEL
from tests.support import fake_messages_api

ROOT = Path(__file__).resolve().parents[2]


def test_the_defaults_are_current_models() -> None:
    for model in (DEFAULT_MODEL, DEFAULT_EXPLAIN_MODEL):
        info = models.find(model)
        assert info is not None and info.status == "current", model
    assert DEFAULT_MODEL == "claude-sonnet-5-5" and DEFAULT_EXPLAIN_MODEL == "claude-haiku-5-5"


def test_prices_match_exact_ids_and_aliases_never_prefixes() -> None:
    assert price_for("claude-opus-5-5") == models.Price(4.0, 20.0, 5.0, 0.2)
    assert price_for("claude-opus-5") == models.Price(5.0, 25.0, 6.25, 0.5)
    assert price_for("claude-sonnet-5-5").cache_read == 0.10  # half Sonnet 5's
    assert price_for("claude-haiku-4-5-20251001") == DEFAULT_PRICES["claude-haiku-4-5"]
    assert price_for("claude-sonnet-5-5-20261001") is None  # not listed: not borrowed
    assert price_for("gpt-5") is None


def test_a_long_prompt_bills_the_whole_request_at_its_band() -> None:
    haiku = models.find("claude-haiku-5-5")
    assert haiku is not None
    short = haiku.price.cost(100_000, 1_000)
    long = haiku.price.cost(100_001, 1_000)
    assert short == pytest.approx((100_000 * 0.10 + 1_000 * 0.50) / 1e6)
    assert long == pytest.approx((100_001 * 0.50 + 1_000 * 2.50) / 1e6)


def test_an_unknown_model_is_warned_about_and_budgeted_at_the_dearest_price() -> None:
    warning = models.unknown_model_warning("claude-next-9")
    assert warning is not None
    assert "'claude-next-9'" in warning and "claude-sonnet-5-5" in warning
    dearest = models.budget_price("claude-next-9")
    assert dearest.output == max(p.highest.output for p in DEFAULT_PRICES.values())
    assert models.unknown_model_warning(DEFAULT_MODEL) is None
    priced = parse_prices({"claude-next-9": {"input": 1, "output": 2}})
    assert models.unknown_model_warning("claude-next-9", priced) is None
    assert models.budget_price("claude-next-9", priced).output == 2


def test_the_ledger_counts_an_unknown_model_at_the_dearest_price_for_the_budget() -> None:
    ledger = Ledger(None)
    cost = ledger.record(Usage("ask", "claude-next-9", 1_000_000, 0))
    assert cost is None  # its cost is unknown...
    today = ledger.summary().today
    assert today.unpriced_requests == 1 and today.cost_usd == 0.0
    dearest = models.budget_price("claude-next-9").input
    assert ledger.spent_today() == pytest.approx(dearest)  # ...but the budget counts it


@pytest.mark.parametrize(
    ("model", "wanted", "sent"),
    [
        ("claude-sonnet-5-5", "xhigh", "xhigh"),
        ("claude-sonnet-4-6", "xhigh", "high"),  # no xhigh: the highest level below it
        ("claude-sonnet-4-6", "max", "max"),
        ("claude-haiku-4-5", "low", None),  # no effort levels at all
    ],
)
def test_effort_is_what_the_model_has(model: str, wanted: str, sent: str | None) -> None:
    info = models.find(model)
    assert info is not None
    assert info.effort_for(wanted) == sent  # type: ignore[arg-type]


def test_the_fake_api_and_the_table_read_the_documentation_alike() -> None:
    """Two readings of Anthropic's documentation, written apart (the fake's MODELS and this
    table): where they disagree on what a model refuses, one of them is wrong."""
    for info in models.table().models:
        fake = fake_messages_api.MODELS.get(info.id)
        assert fake is not None, f"the fake does not serve {info.id}"
        assert fake.forced_tool_use == info.forced_tool_use, info.id
        assert fake.min_cache_tokens == info.min_cache_tokens, info.id
        assert set(fake.effort) == set(info.effort), info.id
        assert fake.current == (info.status == "current"), info.id


def test_the_model_docs_are_up_to_date() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_model_docs.py"), "--check"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
