"""Whole-file matches carried over an edit inside a function equal a fresh query's, in order."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import tree_sitter

from forge_lsp.core import languages
from forge_lsp.engine import checker, incremental, recheck
from forge_lsp.rules import query_batch, query_reuse

FIXTURES = Path(__file__).parent.parent / "fixtures" / "rules"
EDITS = [b"", b"x", b" ", b"\n", b"(", b'"', "😀".encode(), b"import os\n", b"}", b"#"]
PLANS = ("full:file", "full:range", "partial:file", "partial:range")


def _fixtures(spec: languages.LanguageSpec) -> list[Path]:
    return sorted(p for p in FIXTURES.rglob("*.*") if languages.for_path(p) is spec)


def _every_query(spec: languages.LanguageSpec, paths: list[Path]) -> list[str]:
    """Every query the rules ask about this language's files, in any kind of check."""
    for path in paths:
        checker.check(path.read_bytes(), spec, checker.RuleSelection())
    return sorted(set().union(*(query_batch.learned_queries(spec.name, p) for p in PLANS)))


def _matches(spec: languages.LanguageSpec, text: str, tree: tree_sitter.Tree) -> list:  # type: ignore[type-arg]
    query = query_batch.compile_query(spec.name, spec.grammar, text)
    return tree_sitter.QueryCursor(query).matches(tree.root_node)


def _changed_only_within(
    old: tree_sitter.Tree, new: tree_sitter.Tree, node: tree_sitter.Node
) -> bool:
    return all(
        node.start_byte <= r.start_byte and r.end_byte <= node.end_byte
        for r in old.changed_ranges(new)
    )


@pytest.mark.parametrize("language", sorted(languages.LANGUAGES))
def test_carried_matches_equal_a_fresh_query(language: str) -> None:
    """Every query any rule asks, after random edits in every fixture of the language: where
    the previous matches can be carried, they are the fresh query's, node for node, in order."""
    spec = languages.LANGUAGES[language]
    paths = _fixtures(spec)
    queries = _every_query(spec, paths)
    rng = random.Random(language)
    carried = 0
    for path in paths:
        source = path.read_bytes()
        tree = checker.parse(spec, source)
        for _ in range(8):
            start = rng.randrange(len(source) + 1)
            new = source[:start] + rng.choice(EDITS) + source[start + rng.randrange(3) :]
            edit = incremental.diff(source, new)
            if edit is None:
                continue
            before = tree.copy()
            old = {text: query_reuse.keep(_matches(spec, text, before)) for text in queries}
            incremental.edit_tree(tree, edit)
            try:
                new_tree = checker.parse(spec, new, tree)
            except checker.ParseTooSlow:
                tree = before  # a text the grammar gives up on: carry on from the last one
                continue
            kept = {text: found for text, found in old.items() if found is not None}
            reuse = recheck._reuse(new_tree, spec, edit, before, kept)
            if reuse is not None and _changed_only_within(tree, new_tree, reuse.function):
                for text, found in kept.items():
                    query = query_batch.compile_query(spec.name, spec.grammar, text)
                    got = query_reuse.matches_after_edit(query, new_tree.root_node, reuse, found)
                    if got is not None:
                        assert got == _matches(spec, text, new_tree), f"{text}\nat byte {start}"
                        carried += 1
            source, tree = new, new_tree
    assert carried > 0  # the test exercised carrying, not only the fall-backs


def test_a_query_with_too_many_matches_is_not_kept() -> None:
    spec = languages.LANGUAGES["python"]
    source = b"".join(b"import m%d\n" % i for i in range(query_reuse.MAX_CARRIED + 1))
    tree = checker.parse(spec, source)
    text = "(import_statement) @i"
    assert query_reuse.keep(_matches(spec, text, tree)) is None
    assert query_reuse.keep(_matches(spec, text, tree)[:-1]) is not None


CLASS_SOURCE = b"""import a
class A:
    x = 1
    def f(self):
        import b
        return 1
import c
class B:
    pass
"""


def _after_edit_in_f(text: str) -> tuple[list | None, list]:  # type: ignore[type-arg]
    """(carried, fresh) matches of `text` after typing inside method `f` of CLASS_SOURCE."""
    spec = languages.LANGUAGES["python"]
    tree = checker.parse(spec, CLASS_SOURCE)
    at = CLASS_SOURCE.index(b"return 1")
    new = CLASS_SOURCE[:at] + b"x" + CLASS_SOURCE[at:]
    edit = incremental.diff(CLASS_SOURCE, new)
    assert edit is not None
    before = tree.copy()
    kept = query_reuse.keep(_matches(spec, text, before))
    assert kept is not None
    incremental.edit_tree(tree, edit)
    new_tree = checker.parse(spec, new, tree)
    reuse = recheck._reuse(new_tree, spec, edit, before, {text: kept})
    assert reuse is not None
    query = query_batch.compile_query(spec.name, spec.grammar, text)
    carried = query_reuse.matches_after_edit(query, new_tree.root_node, reuse, kept)
    return carried, _matches(spec, text, new_tree)


def test_imports_around_an_edited_method_are_carried() -> None:
    carried, fresh = _after_edit_in_f("(import_statement name: (dotted_name) @module)")
    assert carried is not None
    assert carried == fresh
    assert [m["module"][0].text for _, m in carried] == [b"a", b"b", b"c"]


def test_a_match_rooted_above_the_edited_function_runs_the_whole_query() -> None:
    # The class's match ends at its name, before `x = 1`: carried matches cannot say so.
    text = "(class_definition name: (identifier) @name)\n(assignment) @assignment"
    carried, fresh = _after_edit_in_f(text)
    assert carried is None
    assert [next(iter(m.values()))[0].text for _, m in fresh] == [b"A", b"x = 1", b"B"]
