"""A file's nodes of some types, in document order: from the engine's whole-file query when
the caller has one (one pass in C, carried across edits by a re-check of one function), else
from a walk of the tree."""

from __future__ import annotations

from collections.abc import Callable

import tree_sitter

# A whole-file query's matches: (pattern index, captures by name), as tree-sitter gives them.
FileMatches = Callable[[str], list[tuple[int, dict[str, list[tree_sitter.Node]]]]]


def nodes_of(
    root: tree_sitter.Node,
    kinds: frozenset[str],
    file_matches: FileMatches | None = None,
    grammar: tree_sitter.Language | None = None,
) -> list[tree_sitter.Node]:
    """The nodes under `root` whose type is one of `kinds`, parents before children."""
    if file_matches is not None and grammar is not None:
        known = sorted(kind for kind in kinds if grammar.id_for_node_kind(kind, True))
        query = "\n".join(f"({kind}) @node" for kind in known)
        try:
            return [captures["node"][0] for _, captures in file_matches(query)]
        except Exception:  # a query the grammar refuses: walk the tree instead
            pass
    found = []
    cursor = root.walk()
    visited = False
    while True:
        node = cursor.node
        if not visited and node is not None:
            if node.type in kinds:
                found.append(node)
            if cursor.goto_first_child():
                continue
        if cursor.goto_next_sibling():
            visited = False
            continue
        if not cursor.goto_parent():
            break
        visited = True
    return found
