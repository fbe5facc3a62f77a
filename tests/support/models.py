"""The models every Claude test runs against: Forge's default and each current model of its
table (`forge_lsp/ai/models.toml`), plus one legacy model that still takes forced tool use, so
that both ways a review can come back stay tested."""

from __future__ import annotations

from forge_lsp.ai import models
from forge_lsp.config.claude import DEFAULT_EXPLAIN_MODEL, DEFAULT_MODEL

CURRENT = [info.id for info in models.table().current()]
UNDER_TEST = list(dict.fromkeys([DEFAULT_MODEL, *CURRENT]))
LEGACY_TOOL_MODEL = "claude-sonnet-5"  # answers a review through a forced tool call
WITH_LEGACY = [*UNDER_TEST, LEGACY_TOOL_MODEL]
DEFAULT = DEFAULT_MODEL
DEFAULT_EXPLAIN = DEFAULT_EXPLAIN_MODEL
