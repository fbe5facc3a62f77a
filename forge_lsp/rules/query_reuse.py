"""A whole-file query after an edit inside one function, from the previous version's matches.

Re-checking one function still runs the queries rules ask over the whole file (`file_matches`:
a file's imports, module-level bindings). A query pass visits every node, so in an 8,000-line
file that pass cost more than the rest of the re-check. Outside the edited function nothing
changed (the re-check runs only when the tree changed inside it), so the previous version's
matches there still hold, moved by the edit; only the matches touching the function are found
again, by queries over its bytes in the old tree and in the new one. That costs in proportion
to the function and to the number of matches kept.

A match belongs to where its pattern's root node is. With every pattern rooted (one root node,
not a repeating sequence), a match whose root lies outside the function involves no node of it;
a query over the function's bytes returns exactly the matches rooted in it or above it (a class
around a method). Those above it are found again in the new tree too, but where they come in
the file's order is not known: when there is one, the whole-file query runs as before. So does
a query with an unrooted pattern, a match with no captures or an empty capture on the
function's edge, and a query with more matches than are worth carrying (`MAX_CARRIED`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cache

import tree_sitter

Match = tuple[int, dict[str, list[tree_sitter.Node]]]
# A captured node by where it is: start byte, end byte, type, named, and how many ancestors
# with the same bytes and type it has (a node can wrap one child of the same type).
Captured = tuple[int, int, str, bool, int]
# A match without its tree: (pattern index, ((capture name, captured nodes), ...)).
KeptMatch = tuple[int, tuple[tuple[str, tuple[Captured, ...]], ...]]

# Carrying a match costs a few microseconds per node (finding it again in the new tree); past
# this many matches the whole-file pass is as cheap.
MAX_CARRIED = 400


@dataclass(frozen=True, slots=True)
class Reuse:
    """The previous version, for a whole-file query pass after an edit inside one function."""

    old_root: tree_sitter.Node  # the previous version's tree, as it was (not edited)
    old_matches: dict[str, list[KeptMatch]]  # its whole-file matches, per query
    old_span: tuple[int, int]  # the edited function's bytes in the previous version
    function: tree_sitter.Node  # the edited function in the new tree

    @property
    def delta(self) -> int:
        """How far the bytes after the function moved."""
        return self.function.end_byte - self.old_span[1]


def keep(matches: list[Match]) -> list[KeptMatch] | None:
    """Matches in a form that outlives their tree; None when there are too many to carry."""
    if len(matches) > MAX_CARRIED:
        return None
    return [_kept(match) for match in matches]


def _kept(match: Match) -> KeptMatch:
    index, captures = match
    return index, tuple(
        (name, tuple(_captured(node) for node in nodes)) for name, nodes in captures.items()
    )


def _captured(node: tree_sitter.Node) -> Captured:
    same = 0
    parent = node.parent
    while parent is not None and _same_place(parent, node):
        same += parent.type == node.type
        parent = parent.parent
    return node.start_byte, node.end_byte, node.type, node.is_named, same


def _same_place(a: tree_sitter.Node, b: tree_sitter.Node) -> bool:
    return a.start_byte == b.start_byte and a.end_byte == b.end_byte


@cache
def all_rooted(query: tree_sitter.Query) -> bool:
    """Whether every pattern of the query has one root node (no repeating sibling sequence)."""
    return all(
        query.is_pattern_rooted(i) and not query.is_pattern_non_local(i)
        for i in range(query.pattern_count)
    )


def matches_after_edit(
    query: tree_sitter.Query, new_root: tree_sitter.Node, reuse: Reuse, old: list[KeptMatch]
) -> list[Match] | None:
    """The query's whole-file matches in the new tree, in tree-sitter's order, from `old` (its
    matches in the previous version); None when they cannot be had that way."""
    if not all_rooted(query):
        return None
    function = reuse.function
    depth = _depth(function)
    if depth == 0 or _around(query, new_root, _span(function), depth - 1):
        return None  # a match rooted above the function: its place in the order is unknown
    start, end = reuse.old_span
    found_again = Counter(_kept(m) for m in _around(query, reuse.old_root, (start, end)))
    before: list[KeptMatch] = []
    after: list[KeptMatch] = []
    for match in old:
        if found_again[match] > 0:
            found_again[match] -= 1  # it touched the function: the new tree's query has it
            continue
        spans = [(node[0], node[1]) for _, nodes in match[1] for node in nodes]
        if spans and all(b <= start and a < start for a, b in spans):
            before.append(match)
        elif spans and all(a >= end and b > end for a, b in spans):
            after.append(match)
        else:
            return None  # no captures, or an empty node on the function's edge
    if any(found_again.values()):
        return None  # `old` is not what the previous tree holds
    carried_before = _in_tree(before, new_root, 0)
    carried_after = _in_tree(after, new_root, reuse.delta)
    if carried_before is None or carried_after is None:
        return None
    return carried_before + _around(query, new_root, _span(function)) + carried_after


def _span(node: tree_sitter.Node) -> tuple[int, int]:
    return node.start_byte, node.end_byte


def _depth(node: tree_sitter.Node) -> int:
    depth = 0
    parent = node.parent
    while parent is not None:
        depth, parent = depth + 1, parent.parent
    return depth


def _around(
    query: tree_sitter.Query,
    root: tree_sitter.Node,
    span: tuple[int, int],
    max_start_depth: int | None = None,
) -> list[Match]:
    """Matches rooted in or above the nodes of `span` (or only above, up to a depth)."""
    cursor = tree_sitter.QueryCursor(query)
    cursor.set_byte_range(*span)
    if max_start_depth is not None:
        cursor.set_max_start_depth(max_start_depth)
    return cursor.matches(root)


def _in_tree(kept: list[KeptMatch], root: tree_sitter.Node, shift: int) -> list[Match] | None:
    """The kept matches with their nodes found in the new tree, moved by `shift` bytes."""
    found: list[Match] = []
    for index, captures in kept:
        nodes: dict[str, list[tree_sitter.Node]] = {}
        for name, captured in captures:
            listed = []
            for place in captured:
                node = _node_at(root, place, shift)
                if node is None:
                    return None
                listed.append(node)
            nodes[name] = listed
        found.append((index, nodes))
    return found


def _node_at(root: tree_sitter.Node, place: Captured, shift: int) -> tree_sitter.Node | None:
    start, end, kind, named, same_above = place
    start, end = start + shift, end + shift
    node = root.descendant_for_byte_range(start, end)
    chain = []
    while node is not None and node.start_byte == start and node.end_byte == end:
        if node.type == kind and node.is_named == named:
            chain.append(node)
        node = node.parent
    if len(chain) <= same_above:
        return None
    return chain[len(chain) - 1 - same_above]
