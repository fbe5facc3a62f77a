"""What the editor and the command line do alike around a Claude task.

Both widen a selection the same way (an empty or one-character selection means the enclosing
function, as Helix sends), refuse the same excluded files, place a review's findings the same
way and describe a request's usage in the same words; keeping that here means `forge-lsp ask`
and "Ask Forge" in an editor send the same payload for the same code.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from forge_lsp.ai.failures import ClaudeFailure

if TYPE_CHECKING:
    from forge_lsp.ai.review import ReviewOutcome
    from forge_lsp.ai.service import Answer
    from forge_lsp.config import Settings
    from forge_lsp.config.claude import ClaudeSettings
    from forge_lsp.core.languages import LanguageSpec
    from forge_lsp.core.model import Point


def widen_selection(
    spec: LanguageSpec, source: bytes, first: tuple[int, int], last: tuple[int, int]
) -> tuple[int, int]:
    """The selected whole lines (zero-based, inclusive) for a selection from `first` to `last`
    ((line, byte column) each); an empty or one-character selection means the enclosing
    function (or, outside any function, the line). Parses `source`: run off an event loop."""
    start_line, end_line = first[0], last[0]
    if last[0] > first[0] and last[1] == 0:
        end_line -= 1  # a selection ending at the start of a line does not include that line
    tiny = first[0] == last[0] and last[1] - first[1] <= 1
    if not tiny:
        return start_line, max(start_line, end_line)
    from forge_lsp.engine import checker

    tree = checker.parse(spec, source)
    node = tree.root_node.descendant_for_point_range(first, first)
    function = None
    while node is not None:
        if node.type in spec.function_types:
            function = node
            if node.type not in spec.inline_function_types:
                break  # the innermost named function; lambdas widen to what holds them
        node = node.parent
    if function is None:
        return start_line, start_line
    return function.start_point[0], function.end_point[0]


def excluded_from_claude(settings: Settings, path: Path, roots: Iterable[Path] = ()) -> bool:
    """Whether `path` matches `exclude` or `claude.exclude`, as a path relative to its project
    (the folder of its project file) or to any of `roots` holding it (editor workspace
    folders, the command line's current folder)."""
    from forge_lsp.config import excluded

    if settings.is_excluded(path):
        return True
    globs = (*settings.exclude, *settings.claude.exclude)
    if not globs:
        return False
    candidates = {settings.project_path(path)}
    resolved = path.resolve()
    for root in roots:
        base = root.resolve()
        if resolved.is_relative_to(base):
            candidates.add(resolved.relative_to(base).as_posix())
    return any(excluded(candidate, globs) for candidate in candidates)


def shown_path(settings: Settings, path: Path, roots: Iterable[Path] = ()) -> str:
    """The path Claude is told: relative to the project (its project file's folder), else to
    the workspace folder holding it, else just the file's name. Never an absolute path: it
    would carry the user's home folder and machine layout."""
    resolved = path.resolve()
    # A project file named from elsewhere (`check --config`) is no root of the file: its
    # project path would be the absolute one.
    if settings.root is not None and resolved.is_relative_to(settings.root.resolve()):
        return settings.project_path(path)
    for root in roots:
        base = root.resolve()
        if resolved.is_relative_to(base):
            return resolved.relative_to(base).as_posix()
    return path.name


def place_findings(
    text: str,
    start: Point,
    end: Point,
    language: str,
    settings: Settings,
    answer: object,
) -> tuple[ReviewOutcome, list[str]]:
    """Claude's proposed findings placed in `text` between `start` and `end` (the reviewed
    whole lines), filtered by the settings and each replacement verified, with a sentence per
    malformed finding. `answer` is the review's data (`Answer.structured`). Re-parses and
    re-checks fixes: run off an event loop."""
    from forge_lsp.ai import anchoring, review
    from forge_lsp.core import languages

    proposed, problems = review.parse_answer(answer)
    claude = settings.claude
    selection = anchoring.selection_offsets(text, start, end)
    outcome = review.review_findings(
        proposed,
        text,
        selection,
        claude.min_confidence,
        claude.max_findings,
        spec=languages.LANGUAGES.get(language),
        rules=settings.selection(),
    )
    return outcome, problems


def usage_line(answer: Answer) -> str:
    """What a request used and cost, in one line (a cached answer cost nothing)."""
    if answer.cached:
        return "From Forge's cache: no request was sent, nothing was charged."
    usage = answer.usage
    cost = "price unknown" if answer.cost_usd is None else f"about ${answer.cost_usd:.4f}"
    return (
        f"{answer.model} · {usage.input_tokens:,} input tokens "
        f"({usage.cache_read_input_tokens:,} read from cache) · {usage.output_tokens:,} output "
        f"tokens · {cost}"
    )


def unknown_model_note(settings: ClaudeSettings, task: str) -> str | None:
    """The one warning for a task's model that Forge's table does not know (and the user's
    prices do not name), or None."""
    from forge_lsp.ai.models import default_prices, unknown_model_warning

    model = settings.explain_model if task == "explain" else settings.model
    prices = dict(settings.prices) if settings.prices else default_prices()
    return unknown_model_warning(model, prices)


def stop_note(stop_reason: str | None, max_tokens: int) -> str | None:
    """What to tell the user about an answer that stopped before its natural end."""
    if stop_reason == "max_tokens":
        return (
            f"Forge's answer reached the {max_tokens:,}-token limit and stops there (thinking "
            "counts against it: a lower `forge.claude.effort` leaves more room for the answer)."
        )
    if stop_reason == "refusal":
        return "Claude declined to continue this answer; what it wrote before stopping is above."
    return None


def review_failure(answer: Answer, max_tokens: int) -> ClaudeFailure | None:
    """Why a finished review has no findings to read, if it has none."""
    if answer.stop_reason == "refusal":
        return ClaudeFailure(
            "refusal", "Claude declined to review this code, so there are no findings."
        )
    if answer.stop_reason == "max_tokens":
        return ClaudeFailure(
            "truncated",
            f"Claude's review reached the {max_tokens:,}-token limit before it finished, so its "
            "findings could not be read. Review less code, lower `forge.claude.effort`, or "
            "raise `forge.claude.maxTokens`.",
        )
    if answer.structured is None:
        return ClaudeFailure(
            "malformed", "Claude's review came back in a form Forge could not read. Try again."
        )
    return None
