"""Several queries answered by one pass over the tree.

A query pass over a whole file costs several milliseconds at 5,000 lines whatever it looks
for: the cursor visits every node. Rules (or helpers) that run several queries over the same
file join them into one query, run it once per check (`CheckContext.memo`, so it is shared by
every rule of the family) and split the matches back by pattern index. Each part sees exactly
the matches, in the same order, its own query would have returned alone.
"""

from __future__ import annotations

from bisect import bisect_right
from functools import cache

import tree_sitter

from forge_lsp.rules.base import CheckContext, compile_query

Match = tuple[int, dict[str, list[tree_sitter.Node]]]


@cache
def _layout(
    language_name: str, grammar: tree_sitter.Language, parts: tuple[str, ...]
) -> tuple[str, tuple[int, ...]] | None:
    """The joined query source and the first pattern index of each part; None when joining
    would not keep the parts apart (pattern counts that do not add up)."""
    starts: list[int] = []
    total = 0
    for part in parts:
        starts.append(total)
        total += compile_query(language_name, grammar, part).pattern_count
    joined = "\n".join(parts)
    if compile_query(language_name, grammar, joined).pattern_count != total:
        return None
    return joined, tuple(starts)


def _split(ctx: CheckContext, parts: tuple[str, ...]) -> tuple[list[Match], ...]:
    layout = _layout(ctx.language.name, ctx.language.grammar, parts)
    if layout is None:
        return tuple(ctx.matches(part) for part in parts)
    joined, starts = layout
    found: tuple[list[Match], ...] = tuple([] for _ in parts)
    for index, captures in ctx.matches(joined):
        part = bisect_right(starts, index) - 1
        # Pattern indices as the part's own query would number them.
        found[part].append((index - starts[part], captures))
    return found


def shared_matches(ctx: CheckContext, key: str, parts: tuple[str, ...]) -> tuple[list[Match], ...]:
    """The matches of each query in `parts` (honouring `ctx.byte_range`), from one pass run
    once per check under `key`. Every caller of one key must pass the same `parts`."""
    return ctx.memo(f"passes:{key}", lambda: _split(ctx, parts))
