"""Re-check only the function an edit touched, and carry the other findings over.

Most of Forge's rules look at one function at a time (a query builds its picture from the
function around a match), so after a keystroke inside a function only that function's findings
can change. The engine re-runs those rules over that function's byte range and shifts every
other finding by the edit; rules marked `file_scoped` re-run over the whole file. An edit in a
comment outside any function re-checks the statements (or class members) on the comment's
lines. Other edits outside any function (imports, module-level code, class fields) get a full
check. A few rules also read file-wide facts (a Go function's declared results): the server
follows each partial result with a full check once typing pauses.

The queries rules ask over the whole file during such a re-check (imports, module-level
bindings) build on the previous version's matches, given the previous tree as it was
(`query_reuse`): the re-check of a function costs in proportion to the function.
"""

from __future__ import annotations

import tree_sitter

from forge_lsp.core.languages import COMMENT_TYPES, LanguageSpec
from forge_lsp.core.model import Finding, Point
from forge_lsp.engine import checker
from forge_lsp.engine.incremental import ByteEdit, shifted
from forge_lsp.rules.query_reuse import KeptMatch, Reuse


def edited_function(
    tree: tree_sitter.Tree, spec: LanguageSpec, edit: ByteEdit
) -> tree_sitter.Node | None:
    """The outermost function around the edited bytes of the new tree, or None."""
    return _outermost_function(tree, spec, edit.start_byte, edit.new_end_byte)


def _edited_node(tree: tree_sitter.Tree, edit: ByteEdit) -> tree_sitter.Node | None:
    return tree.root_node.descendant_for_byte_range(
        edit.start_byte, max(edit.start_byte, edit.new_end_byte)
    )


Region = tuple[int, int, Point, Point]  # start and end byte, start and end point


def edited_region(
    tree: tree_sitter.Tree,
    spec: LanguageSpec,
    edit: ByteEdit,
    old_tree: tree_sitter.Tree | None = None,
) -> Region | None:
    """The part of the file to re-check after `edit`, or None for the whole file.

    That is the function around the edit (the whole file for an edit in its signature, which
    callers elsewhere read); or, for an edit inside a comment outside any function (a comment
    before and after it: `old_tree` is the previous tree, edited), the statements or class
    members on the comment's lines and the line below. A comment changes no code, so only
    findings in it (a key pasted into it), findings its suppression marker covers and the
    statement it explains (FG305's `// why` above `let _ =`) can change.
    """
    function = edited_function(tree, spec, edit)
    if function is not None:
        body = function.child_by_field_name("body")
        if body is not None and edit.start_byte < body.start_byte:
            return None
        return _span(function, function)
    comment = None if old_tree is None else _edited_comment(old_tree, tree, edit)
    container = None if comment is None else comment.parent
    if comment is None or container is None:
        return None
    if container.parent is not None and container.type not in _MEMBER_LISTS:
        return None  # a comment inside an expression: which statement it ends is unclear
    # A comment also explains the statement on the line below it (`// why` above `let _ =`).
    first, last = comment.start_point[0], comment.end_point[0] + 1
    on_its_lines = [
        child
        for child in container.children
        if child.start_point[0] <= last and child.end_point[0] >= first
    ]
    return _span(on_its_lines[0], on_its_lines[-1])


# What holds a class's members, beside the file itself (a Python class body is a `block`;
# function bodies never get here: an edit inside a function re-checks the function).
_MEMBER_LISTS = frozenset({"class_body", "block", "declaration_list", "enum_body"})


def _edited_comment(
    old_tree: tree_sitter.Tree, tree: tree_sitter.Tree, edit: ByteEdit
) -> tree_sitter.Node | None:
    """The comment holding the edited bytes, when they were in that same comment before."""
    now = _edited_node(tree, edit)
    before = old_tree.root_node.descendant_for_byte_range(edit.start_byte, edit.start_byte)
    if now is None or before is None or now.type not in COMMENT_TYPES:
        return None
    if before.type != now.type or before.start_byte != now.start_byte:
        return None
    return now


def _span(first: tree_sitter.Node, last: tree_sitter.Node) -> Region:
    return first.start_byte, last.end_byte, Point(*first.start_point), Point(*last.end_point)


def check_after_edit(
    source: bytes,
    spec: LanguageSpec,
    selection: checker.RuleSelection,
    edited_tree: tree_sitter.Tree,
    edit: ByteEdit,
    previous: list[Finding],
    path: str | None = None,
    *,
    old_tree: tree_sitter.Tree | None = None,
    old_matches: dict[str, list[KeptMatch]] | None = None,
) -> checker.CheckResult:
    """Check `source` after `edit`, given the previous version's findings and edited tree;
    and, when the caller kept them, its tree before the edit and its `file_matches`."""
    tree = checker.parse(spec, source, edited_tree)
    region = edited_region(tree, spec, edit, edited_tree)
    if region is None or not _structure_changed_only_within(edited_tree, tree, region):
        found = checker.rules_pass(source, tree, spec, selection, path=path)
        return checker.finish(
            source, tree, selection, found.findings, file_matches=found.file_matches
        )
    start_byte, end_byte, start, end = region
    whole_file = checker.file_scoped_codes(selection, spec.name)
    reuse = None
    if old_tree is not None and old_matches:
        reuse = _reuse(tree, spec, edit, old_tree, old_matches)
    found = checker.rules_pass(source, tree, spec, selection, (start_byte, end_byte), path, reuse)
    fresh = [
        finding
        for finding in found.findings
        if finding.code in whole_file or start <= finding.start < end
    ]
    carried = []
    for finding in previous:
        moved = None if finding.code in whole_file else shifted(finding, edit)
        if moved is not None and not start <= moved.start < end:
            carried.append(moved)
    return checker.finish(
        source, tree, selection, carried + fresh, partial=True, file_matches=found.file_matches
    )


def _reuse(
    tree: tree_sitter.Tree,
    spec: LanguageSpec,
    edit: ByteEdit,
    old_tree: tree_sitter.Tree,
    old_matches: dict[str, list[KeptMatch]],
) -> Reuse | None:
    """What the whole-file queries may take from the previous version: when the edit is inside
    one function, that function the same kind of node at the same start before and after."""
    function = edited_function(tree, spec, edit)
    before = _outermost_function(old_tree, spec, edit.start_byte, edit.old_end_byte)
    if function is None or before is None:
        return None
    moved = before.end_byte + edit.new_end_byte - edit.old_end_byte
    if (
        before.type != function.type
        or before.start_byte != function.start_byte
        or moved != function.end_byte
        or not before.start_byte <= edit.start_byte <= edit.old_end_byte <= before.end_byte
    ):
        return None
    return Reuse(old_tree.root_node, old_matches, (before.start_byte, before.end_byte), function)


def _outermost_function(
    tree: tree_sitter.Tree, spec: LanguageSpec, start: int, end: int
) -> tree_sitter.Node | None:
    if not spec.function_types:
        return None
    node: tree_sitter.Node | None = tree.root_node.descendant_for_byte_range(start, max(start, end))
    outermost = None
    while node is not None:
        if node.type in spec.function_types:
            outermost = node
        node = node.parent
    return outermost


def _structure_changed_only_within(
    old: tree_sitter.Tree, new: tree_sitter.Tree, region: Region
) -> bool:
    """False when the edit reshaped the tree outside the region (an unclosed string or
    brace swallowing what follows): then the rest of the file must be checked again too."""
    return all(
        region[0] <= changed.start_byte and changed.end_byte <= region[1]
        for changed in old.changed_ranges(new)
    )
