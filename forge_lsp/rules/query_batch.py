"""Every whole-file query of a check answered by one pass over the tree.

A query pass costs several milliseconds on a 5,000-line file whatever it looks for: the cursor
visits every node. The catalogue runs about a dozen such passes per language, so a check joins
them into one query, runs it once, and splits the matches back by pattern index. Each query
sees exactly the matches, in the same order, it would have got alone (tests compare the two).

Which queries to join is learned per plan: a query a check asks for that is not in its plan's
joined pass runs alone that time and joins the pass from the next check on. Rules therefore
keep calling `ctx.matches(QUERY)` with their own query text and declare nothing. The engine
names a plan per kind of check (a full check; the edited range of a partial one; the whole
file for the file-scoped rules of a partial one), so a cheap kind never pays for the queries
of an expensive one.
"""

from __future__ import annotations

import threading
from bisect import bisect_right
from functools import cache

import tree_sitter

from forge_lsp.core.languages import LanguageSpec
from forge_lsp.rules import query_reuse
from forge_lsp.rules.query_reuse import KeptMatch, Reuse

Match = tuple[int, dict[str, list[tree_sitter.Node]]]

# (language, plan) -> the query sources checks of that plan asked for.
_learned: dict[tuple[str, str], frozenset[str]] = {}
_learned_lock = threading.Lock()


def learned_queries(language_name: str, plan: str) -> frozenset[str]:
    """The queries checks of this plan have asked for so far (what its joined pass runs)."""
    return _learned.get((language_name, plan), frozenset())


@cache
def compile_query(
    language_name: str, grammar: tree_sitter.Language, query_source: str
) -> tree_sitter.Query:
    # language_name keys the cache readably; the grammar object is what compiles it.
    return tree_sitter.Query(grammar, query_source)


@cache
def joined_layout(
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


def split_matches(
    matches: list[Match], starts: tuple[int, ...], parts: int
) -> tuple[list[Match], ...]:
    """Matches of a joined query, back per part, numbered as each part's own query would."""
    found: tuple[list[Match], ...] = tuple([] for _ in range(parts))
    for index, captures in matches:
        part = bisect_right(starts, index) - 1
        found[part].append((index - starts[part], captures))
    return found


class QueryBatch:
    """The whole-file queries of one check (over the file, or over one byte range of it)."""

    def __init__(
        self,
        language: LanguageSpec,
        root: tree_sitter.Node,
        byte_range: tuple[int, int] | None,
        plan: str,
        reuse: Reuse | None = None,
    ) -> None:
        self._language_name = language.name
        self._grammar = language.grammar
        self._root = root
        self._byte_range = byte_range
        self._key = (language.name, plan)
        self._results: dict[str, list[Match]] | None = None
        # A whole-file pass after an edit inside one function builds on the previous version's.
        self._reuse = reuse if byte_range is None else None

    def matches(self, query_source: str) -> list[Match]:
        if self._results is None:
            self._results = self._run_planned()
        found = self._results.get(query_source)
        if found is None:
            found = self._results[query_source] = self._run([query_source])[0]
            with _learned_lock:
                _learned[self._key] = _learned.get(self._key, frozenset()) | {query_source}
        return found

    def _run_planned(self) -> dict[str, list[Match]]:
        planned = tuple(sorted(learned_queries(*self._key)))
        if not planned:
            return {}
        return dict(zip(planned, self._run(planned), strict=True))

    def kept(self, queries: frozenset[str]) -> dict[str, list[KeptMatch]]:
        """The matches of those of `queries` this check ran, in a form that outlives the tree
        (for the next version's `Reuse`); a query with too many matches is left out."""
        kept = {}
        for query_source, found in (self._results or {}).items():
            if query_source in queries:
                carried = query_reuse.keep(found)
                if carried is not None:
                    kept[query_source] = carried
        return kept

    def _run(self, parts: tuple[str, ...] | list[str]) -> tuple[list[Match], ...]:
        parts = tuple(parts)
        if self._reuse is not None:
            return self._run_reusing(parts, self._reuse)
        return self._run_joined(parts)

    def _run_reusing(self, parts: tuple[str, ...], reuse: Reuse) -> tuple[list[Match], ...]:
        """Each part from the previous version's matches where it can be; the rest joined."""
        found: dict[str, list[Match]] = {}
        for part in parts:
            old = reuse.old_matches.get(part)
            if old is not None:
                query = compile_query(self._language_name, self._grammar, part)
                carried = query_reuse.matches_after_edit(query, self._root, reuse, old)
                if carried is not None:
                    found[part] = carried
        rest = tuple(part for part in parts if part not in found)
        if rest:
            found.update(zip(rest, self._run_joined(rest), strict=True))
        return tuple(found[part] for part in parts)

    def _run_joined(self, parts: tuple[str, ...]) -> tuple[list[Match], ...]:
        layout = joined_layout(self._language_name, self._grammar, parts)
        if layout is None:
            return tuple(self._cursor(part).matches(self._root) for part in parts)
        joined, starts = layout
        return split_matches(self._cursor(joined).matches(self._root), starts, len(parts))

    def _cursor(self, query_source: str) -> tree_sitter.QueryCursor:
        query = compile_query(self._language_name, self._grammar, query_source)
        cursor = tree_sitter.QueryCursor(query)
        if self._byte_range is not None:
            cursor.set_byte_range(*self._byte_range)
        return cursor
