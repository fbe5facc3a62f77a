"""The model table: what each Claude model costs and what a request to it may carry.

The table is package data, `models.toml`, dated and with its sources named at its top. Forge
reads it to price a request by the model's exact id (`price_of`; a dated snapshot id is one of
the model's aliases, never a prefix match: `claude-opus-5-5` is not `claude-opus-5`), to shape
each request to what its model accepts (`forge_lsp.ai.request_shape`), and to say when a prompt
is too short for the model's prompt cache (`doctor`).

A model the table does not know is still used as asked. Its cost is unknown (the ledger says
so), and the daily budget counts it at the most expensive known price (`budget_price`), never
at $0.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any, Literal

from forge_lsp.config.claude import EFFORTS, Effort
from forge_lsp.config.prices import Price, default_prices, model_price

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """One row of the table."""

    id: str
    name: str
    status: Literal["current", "legacy"]
    released: str | None
    aliases: tuple[str, ...]
    context_tokens: int
    max_output_tokens: int
    min_cache_tokens: int
    price: Price
    forced_tool_use: bool
    sampling_parameters: bool
    assistant_prefill: bool
    thinking: tuple[str, ...]
    thinking_default: str
    effort: tuple[Effort, ...]
    default_effort: Effort | None
    structured_outputs: bool

    @property
    def ids(self) -> tuple[str, ...]:
        return (self.id, *self.aliases)

    def effort_for(self, wanted: Effort) -> Effort | None:
        """The level to send for `wanted`: itself when accepted, else the highest accepted
        level below it (xhigh on a model that stops at high), else none at all."""
        if not self.effort:
            return None
        if wanted in self.effort:
            return wanted
        lower = [level for level in self.effort if EFFORTS.index(level) < EFFORTS.index(wanted)]
        return lower[-1] if lower else None


@dataclass(frozen=True)
class ModelTable:
    checked: str
    sources: tuple[str, ...]
    models: tuple[ModelInfo, ...]

    def find(self, model: str) -> ModelInfo | None:
        """The model with this exact id or alias (no prefix matching)."""
        for info in self.models:
            if model in info.ids:
                return info
        return None

    def current(self) -> tuple[ModelInfo, ...]:
        return tuple(info for info in self.models if info.status == "current")

    def known_ids(self) -> tuple[str, ...]:
        return tuple(info.id for info in self.models)


def _model(raw: Mapping[str, Any]) -> ModelInfo:
    efforts = tuple(raw["effort"])
    unknown = [level for level in efforts if level not in EFFORTS]
    if unknown:
        raise ValueError(f"models.toml: {raw['id']}: unknown effort level(s) {unknown}")
    return ModelInfo(
        id=raw["id"],
        name=raw["name"],
        status=raw["status"],
        released=raw.get("released"),
        aliases=tuple(raw.get("aliases", ())),
        context_tokens=int(raw["context_tokens"]),
        max_output_tokens=int(raw["max_output_tokens"]),
        min_cache_tokens=int(raw["min_cache_tokens"]),
        price=model_price(raw),
        forced_tool_use=bool(raw["forced_tool_use"]),
        sampling_parameters=bool(raw["sampling_parameters"]),
        assistant_prefill=bool(raw["assistant_prefill"]),
        thinking=tuple(raw["thinking"]),
        thinking_default=raw["thinking_default"],
        effort=efforts,
        default_effort=raw["default_effort"] or None,
        structured_outputs=bool(raw["structured_outputs"]),
    )


def parse_table(text: str) -> ModelTable:
    data = tomllib.loads(text)
    return ModelTable(
        checked=str(data["checked"]),
        sources=tuple(data["sources"]),
        models=tuple(_model(entry) for entry in data["model"]),
    )


@cache
def table() -> ModelTable:
    """The packaged table (read once)."""
    text = files("forge_lsp.ai").joinpath("models.toml").read_text(encoding="utf-8")
    return parse_table(text)


def find(model: str) -> ModelInfo | None:
    return table().find(model)


def price_of(model: str, prices: Mapping[str, Price] | None = None) -> Price | None:
    """The price of exactly `model` (an id or an alias), from `prices` (the table's, with the
    user's entries over it) or the table; None when nothing names it."""
    table_prices = default_prices() if prices is None else prices
    return table_prices.get(model)


def budget_price(model: str, prices: Mapping[str, Price] | None = None) -> Price:
    """The price a budget counts `model` at: its own, or for a model nobody priced, the most
    expensive known one (so an unknown model can never look free)."""
    known = price_of(model, prices)
    if known is not None:
        return known
    candidates: Iterable[Price] = (prices or default_prices()).values()
    return max((p.highest for p in candidates), key=lambda p: (p.output, p.input))


def unknown_model_warning(model: str, prices: Mapping[str, Price] | None = None) -> str | None:
    """One sentence when `model` is neither in the table nor priced by the user."""
    if find(model) is not None or (prices is not None and model in prices):
        return None
    known = ", ".join(table().known_ids())
    dearest = budget_price(model, prices)
    return (
        f"Forge does not know the model {model!r} (known: {known}). It is used as asked, "
        "its cost shows as unknown, and the daily budget counts it at the highest known "
        f"price (${dearest.input:g}/${dearest.output:g} per million input/output tokens). "
        "Add its price under `forge.claude.prices` to count it exactly."
    )
