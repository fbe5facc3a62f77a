"""What a request to a given model may carry: never what the model refuses.

The current models (Sonnet 5.5, Opus 5.5, Fable 5.x, Haiku 5.5) answer 400 to forced tool
use, sampling parameters, assistant prefill, ``thinking: disabled`` and thinking budgets.
Forge never sends sampling parameters, prefill or ``thinking`` at all (each model thinks as it
does by default; adaptive thinking streams thinking blocks first, which progress reports), so
what varies by model is:

- how a review's findings come back: as a forced ``report_findings`` tool call where the model
  takes one (the legacy models), else through structured outputs (``output_config.format``)
  with the same strict schema. A model the table does not know gets structured outputs, the
  form every current model documents;
- the effort (``output_config.effort``): the task's level where the model accepts it, the
  highest accepted level below it where it stops short, and nothing where the model has no
  effort levels or is unknown (the model's own default then applies);
- the room for the answer: the task's own, capped by the user's ``maxTokens`` and the model's
  maximum output. Thinking counts against it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from forge_lsp.ai import models

Task = Literal["ask", "review", "explain"]
# Each task's room for its answer, thinking included (a review answers in short findings, an
# explanation is a hover and a page).
ROOM: dict[Task, int] = {"ask": 8192, "review": 8192, "explain": 2048}


@dataclass(frozen=True)
class Shape:
    """The model-dependent parts of one request."""

    max_tokens: int
    effort: str | None
    tools: tuple[dict[str, Any], ...] = ()
    tool_choice: dict[str, Any] | None = None
    output_format: dict[str, Any] | None = None


def shape(task: Task, model: str, max_tokens: int, effort: models.Effort) -> Shape:
    """The parts of a `task` request to `model` that depend on what the model accepts."""
    info = models.find(model)
    room = min(ROOM[task], max_tokens)
    if info is not None:
        room = min(room, info.max_output_tokens)
    level = info.effort_for(effort) if info is not None else None
    if task != "review":
        return Shape(room, level)
    from forge_lsp.ai.review import OUTPUT_FORMAT, REVIEW_TOOL, TOOL_CHOICE

    if info is not None and info.forced_tool_use:
        return Shape(room, level, (REVIEW_TOOL,), TOOL_CHOICE)
    return Shape(room, level, output_format=OUTPUT_FORMAT)
