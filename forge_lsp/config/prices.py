"""Claude's prices: the unit (`Price`), the model table's list prices, and the user's
`claude.prices` setting over them (validated here, like every other setting).

The list prices are data, read from the model table the Claude layer ships
(`forge_lsp/ai/models.toml`); reading a data file is not an import, so the settings stay below
the Claude layer.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib


@dataclass(frozen=True, slots=True)
class Price:
    """USD per million tokens of each kind; `long_prompt` is a second band (see `cost`)."""

    input: float
    output: float
    cache_write: float
    cache_read: float
    long_prompt: tuple[int, Price] | None = None  # (above this many prompt tokens, price)

    def cost(
        self,
        input_tokens: int,
        output_tokens: int,
        cache_creation_input_tokens: int = 0,
        cache_read_input_tokens: int = 0,
    ) -> float:
        """What a request cost. A prompt (input, cache writes and cache reads together) over
        the long-prompt threshold bills the whole request, output included, at that band."""
        price: Price = self
        prompt = input_tokens + cache_creation_input_tokens + cache_read_input_tokens
        if self.long_prompt is not None and prompt > self.long_prompt[0]:
            price = self.long_prompt[1]
        return (
            input_tokens * price.input
            + output_tokens * price.output
            + cache_creation_input_tokens * price.cache_write
            + cache_read_input_tokens * price.cache_read
        ) / 1_000_000

    @property
    def highest(self) -> Price:
        """The dearest band (what a budget must assume when it cannot know the prompt)."""
        return self.long_prompt[1] if self.long_prompt is not None else self


def table_price(raw: Mapping[str, Any]) -> Price:
    """A price as the model table (`models.toml`) writes it, with its long-prompt band."""
    band = raw.get("long_prompt")
    return Price(
        input=float(raw["input"]),
        output=float(raw["output"]),
        cache_write=float(raw["cache_write"]),
        cache_read=float(raw["cache_read"]),
        long_prompt=None if band is None else (int(band["above_tokens"]), table_price(band)),
    )


def model_price(model: Mapping[str, Any]) -> Price:
    """The price of one `[[model]]` row of the table, with its long-prompt band."""
    raw = dict(model["price"])
    if "long_prompt" in model:
        raw["long_prompt"] = model["long_prompt"]
    return table_price(raw)


@cache
def _default_prices() -> dict[str, Price]:
    text = files("forge_lsp").joinpath("ai").joinpath("models.toml").read_text(encoding="utf-8")
    prices: dict[str, Price] = {}
    for model in tomllib.loads(text)["model"]:
        price = model_price(model)
        for model_id in (model["id"], *model.get("aliases", ())):
            prices[model_id] = price
    return prices


def default_prices() -> dict[str, Price]:
    """Every id and alias of the model table with its list price (a fresh copy)."""
    return dict(_default_prices())


# How cache prices follow the input price when a user entry gives only input and output.
_CACHE_WRITE_FACTOR = 1.25
_CACHE_READ_FACTOR = 0.10
_PRICE_KEYS = {
    "input": "input",
    "output": "output",
    "cacheWrite": "cache_write",
    "cache_write": "cache_write",
    "cacheRead": "cache_read",
    "cache_read": "cache_read",
}


class PriceError(ValueError):
    """A `forge.claude.prices` entry that cannot be used; the message names the entry."""


def parse_prices(raw: object, defaults: Mapping[str, Price] | None = None) -> dict[str, Price]:
    """The price table from the `forge.claude.prices` setting, over `defaults` (None: the
    model table's, `default_prices()`).

    The setting maps a model id to `{"input": 5, "output": 25, "cacheWrite": 6.25,
    "cacheRead": 0.5}` (USD per million tokens; `cacheWrite` and `cacheRead` default to 1.25x
    and 0.1x the input price, Anthropic's ratios). Raises PriceError naming the first bad entry;
    the caller keeps the defaults and tells the user.
    """
    table = dict(default_prices() if defaults is None else defaults)
    if raw is None:
        return table
    if not isinstance(raw, Mapping):
        raise PriceError(
            f"forge.claude.prices must be an object of model id -> prices, not {_shown(raw)}"
        )
    for model, entry in raw.items():
        if not isinstance(model, str) or not model.strip():
            raise PriceError(f"forge.claude.prices: {_shown(model)} is not a model id")
        table[model.strip()] = _parse_price(model, entry)
    return table


def _parse_price(model: str, entry: object) -> Price:
    where = f"forge.claude.prices[{model!r}]"
    if not isinstance(entry, Mapping):
        raise PriceError(f'{where} must be an object like {{"input": 3, "output": 15}}')
    values: dict[str, float] = {}
    for key, value in entry.items():
        name = _PRICE_KEYS.get(key) if isinstance(key, str) else None
        if name is None:
            known = "input, output, cacheWrite, cacheRead"
            raise PriceError(f"{where}: unknown key {_shown(key)} (expected {known})")
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise PriceError(f"{where}.{key} must be a number of USD per million tokens")
        if not math.isfinite(value) or value < 0:
            raise PriceError(f"{where}.{key} must be a finite number >= 0, not {value}")
        values[name] = float(value)
    for required in ("input", "output"):
        if required not in values:
            raise PriceError(f"{where} needs {required!r} (USD per million tokens)")
    return Price(
        input=values["input"],
        output=values["output"],
        cache_write=values.get("cache_write", values["input"] * _CACHE_WRITE_FACTOR),
        cache_read=values.get("cache_read", values["input"] * _CACHE_READ_FACTOR),
    )


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
