"""The usage ledger: costs, daily and monthly totals, budget, concurrency and bad files."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from forge_lsp.ai.ledger import (
    DEFAULT_PRICES,
    Ledger,
    Price,
    PriceError,
    Usage,
    parse_prices,
    price_for,
)

NOW = datetime(2026, 11, 28, 15, 30, tzinfo=timezone.utc)


def _usage(**overrides) -> Usage:
    values = dict(
        task="ask",
        model="claude-sonnet-5",
        input_tokens=1_000_000,
        output_tokens=100_000,
        timestamp=NOW,
    )
    values.update(overrides)
    return Usage(**values)


def test_cost_uses_each_token_kind_price(tmp_path):
    ledger = Ledger(tmp_path / "usage.db")
    cost = ledger.record(
        _usage(
            model="claude-opus-5",
            input_tokens=1_000_000,
            output_tokens=1_000_000,
            cache_creation_input_tokens=1_000_000,
            cache_read_input_tokens=1_000_000,
        )
    )
    assert cost == pytest.approx(5.00 + 25.00 + 6.25 + 0.50)


def test_a_cache_hit_costs_nothing_and_its_tokens_are_not_billed(tmp_path):
    ledger = Ledger(tmp_path / "usage.db")
    assert ledger.record(_usage(cached=True)) == 0
    today = ledger.summary(NOW).today
    assert (today.requests, today.cached_requests, today.input_tokens, today.cost_usd) == (
        1,
        1,
        0,
        0,
    )


def test_summary_splits_today_from_the_rest_of_the_month(tmp_path):
    ledger = Ledger(tmp_path / "usage.db")
    ledger.record(_usage(timestamp=NOW))  # sonnet: 2.00 + 1.00
    ledger.record(_usage(timestamp=NOW.replace(hour=0, minute=0)))  # still today
    ledger.record(_usage(timestamp=NOW - timedelta(days=3), task="review"))  # this month
    ledger.record(_usage(timestamp=NOW - timedelta(days=40)))  # last month: not counted
    summary = ledger.summary(NOW)
    assert summary.today.requests == 2
    assert summary.today.cost_usd == pytest.approx(6.0)
    assert summary.month.requests == 3
    assert summary.month.input_tokens == 3_000_000
    assert summary.month.output_tokens == 300_000
    assert summary.month.cost_usd == pytest.approx(9.0)
    assert ledger.spent_today(NOW) == pytest.approx(6.0)


def test_today_follows_the_time_zone_of_now(tmp_path):
    ledger = Ledger(tmp_path / "usage.db")
    ledger.record(_usage(timestamp=datetime(2026, 11, 28, 2, 0, tzinfo=timezone.utc)))
    new_york = timezone(timedelta(hours=-5))
    # 02:00 UTC is 21:00 the day before in New York.
    assert ledger.summary(datetime(2026, 11, 28, 12, 0, tzinfo=new_york)).today.requests == 0
    assert ledger.summary(datetime(2026, 11, 27, 22, 0, tzinfo=new_york)).today.requests == 1


def test_a_model_without_a_price_is_counted_as_unpriced(tmp_path):
    ledger = Ledger(tmp_path / "usage.db")
    assert ledger.record(_usage(model="claude-unknown-9")) is None
    today = ledger.summary(NOW).today
    assert (today.requests, today.unpriced_requests, today.cost_usd) == (1, 1, 0)


def test_dated_model_ids_take_their_alias_price():
    assert price_for("claude-haiku-4-5-20251001") == DEFAULT_PRICES["claude-haiku-4-5"]
    assert price_for("claude-opus-5") == DEFAULT_PRICES["claude-opus-5"]
    assert price_for("gpt-5") is None


def test_budget_says_when_a_request_would_go_over(tmp_path):
    ledger = Ledger(tmp_path / "usage.db")
    ledger.record(_usage())  # 3.00 today
    fits = ledger.check_budget(5.0, 1.5, NOW)
    assert fits.ok and fits.remaining_usd == pytest.approx(2.0)
    over = ledger.check_budget(5.0, 2.5, NOW)
    assert not over.ok
    assert (over.spent_today_usd, over.estimated_cost_usd, over.daily_budget_usd) == (3.0, 2.5, 5.0)
    assert "would go over" in over.message and "$5.00" in over.message
    assert ledger.check_budget(None, 1000.0, NOW).ok
    assert ledger.check_budget(0, 1000.0, NOW).ok


def test_usage_persists_across_instances(tmp_path):
    Ledger(tmp_path / "usage.db").record(_usage())
    assert Ledger(tmp_path / "usage.db").summary(NOW).today.requests == 1


def test_concurrent_writers_lose_nothing(tmp_path):
    path = tmp_path / "usage.db"
    ledgers = [Ledger(path) for _ in range(4)]  # as four server processes would

    def write(ledger: Ledger) -> None:
        for _ in range(25):
            ledger.record(_usage(input_tokens=10, output_tokens=1))

    threads = [threading.Thread(target=write, args=(ledger,)) for ledger in ledgers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(ledger.problem is None for ledger in ledgers)
    assert Ledger(path).summary(NOW).today.requests == 100


def test_a_corrupt_file_falls_back_to_memory_with_one_clear_problem(tmp_path):
    path = tmp_path / "usage.db"
    path.write_bytes(b"this is not a database" * 100)
    ledger = Ledger(path)
    assert not ledger.persistent
    assert ledger.problem is not None and str(path) in ledger.problem
    ledger.record(_usage())
    assert ledger.summary(NOW).today.requests == 1
    assert path.read_bytes().startswith(b"this is not a database")  # the user's file is kept


def test_an_unwritable_location_falls_back_to_memory(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    ledger = Ledger(blocker / "sub" / "usage.db")  # a directory inside a file cannot exist
    assert ledger.problem is not None
    ledger.record(_usage())
    assert ledger.summary(NOW).today.requests == 1


def test_user_prices_override_and_extend_the_defaults():
    table = parse_prices(
        {
            "claude-sonnet-5": {"input": 3, "output": 15, "cacheWrite": 3.75, "cacheRead": 0.3},
            "my-proxy-model": {"input": 1, "output": 2},
        }
    )
    assert table["claude-sonnet-5"] == Price(3, 15, 3.75, 0.3)
    assert table["my-proxy-model"] == Price(1, 2, 1.25, 0.1)  # Anthropic's cache ratios
    assert table["claude-opus-5"] == DEFAULT_PRICES["claude-opus-5"]
    assert parse_prices(None) == dict(DEFAULT_PRICES)


@pytest.mark.parametrize(
    ("raw", "named"),
    [
        ([1, 2], "must be an object"),
        ({"claude-x": 3}, "forge.claude.prices['claude-x']"),
        ({"claude-x": {"input": 1}}, "needs 'output'"),
        ({"claude-x": {"input": 1, "output": -2}}, "forge.claude.prices['claude-x'].output"),
        ({"claude-x": {"input": "1", "output": 2}}, "forge.claude.prices['claude-x'].input"),
        ({"claude-x": {"input": True, "output": 2}}, ".input must be a number"),
        ({"claude-x": {"input": 1, "output": float("nan")}}, "finite"),
        ({"claude-x": {"input": 1, "output": 2, "cache": 1}}, "unknown key 'cache'"),
        ({"": {"input": 1, "output": 2}}, "is not a model id"),
    ],
)
def test_bad_price_entries_are_named_in_the_error(raw, named):
    with pytest.raises(PriceError) as error:
        parse_prices(raw)
    assert named in str(error.value)


def test_a_ledger_uses_the_price_table_it_is_given(tmp_path):
    ledger = Ledger(
        tmp_path / "usage.db", parse_prices({"claude-sonnet-5": {"input": 10, "output": 0}})
    )
    assert ledger.record(_usage(output_tokens=0)) == pytest.approx(10.0)


def test_the_ai_data_modules_do_not_import_the_sdk():
    # Importing anthropic costs 1.5 s; these modules run before any request and must stay cheap.
    code = (
        "import sys, forge_lsp.ai.redaction, forge_lsp.ai.ledger, forge_lsp.ai.result_cache; "
        "sys.exit('anthropic' in sys.modules)"
    )
    root = Path(__file__).resolve().parents[2]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")]),
    }
    result = subprocess.run([sys.executable, "-c", code], check=False, cwd=root, env=env)
    assert result.returncode == 0
