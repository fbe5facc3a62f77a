"""Decide whether Claude's replacement may become a one-click fix.

A replacement is untrusted model output: the reviewed code may carry prompt-injection comments,
and whatever Claude wrote, a quick fix must never edit outside the code the user asked about,
never break the parse, and never bring back what Forge's own rules forbid. So the replacement
is applied to a copy of the document and the copy is checked; only a replacement that passes
every check becomes a `Fix`. Any other replacement is shown in the explanation only, with the
reason, for the user to read and judge.

The checks, in order:

1. *Reviewed document*: the caller says the source is the reviewed document at the reviewed
   version (`selection_ok`), and the edit lies inside the reviewed selection.
2. *No new syntax errors*: tree-sitter's ERROR and MISSING nodes over the whole file, before
   and after.
3. *Stays in its place*: the replacement's code must sit inside the syntax node that enclosed
   the quoted code (say, the function's body), and that node must still end where it did,
   shifted by the edit. A replacement that closes the function and adds code after it (at
   module level, where it would run on import) fails here even though it parses; so does one
   that replaces whole top-level definitions and adds statements beside them. A pure
   deletion adds no code and skips this check.
4. *No new suppression comment*: a fix that silences Forge (``forge: ignore``, or another
   tool's waiver Forge honours, such as ``# nosec B608``: `engine.waivers`) is no fix.
5. *No new hard-rule finding*: Forge's rules run on the copy with suppressions ignored. Over
   the whole file, no (code, message) pair may occur more often than before (positions shift
   with the edit, so they are not compared); and every finding that lies inside the new text
   must flag code text that a finding of the same code flagged inside the old text (so a fix
   that trades one SQL concatenation for another is caught even when the messages match,
   while a line the replacement merely keeps does not count against it). Forge's own rule:
   it never generates code with SQL injection or hardcoded credentials.
6. *No new capability*: compared with the code it replaces, the replacement adds no process
   execution, network call, dynamic code evaluation or loading, file or directory deletion,
   and no import of a module the original does not import (`fix_capabilities`, which lists
   the calls per language). A fix that keeps the code's one HTTP call and adds a timeout
   passes; one that adds ``os.system(...)`` to the quoted line does not.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace

import tree_sitter

from forge_lsp.ai import fix_capabilities
from forge_lsp.core.languages import LanguageSpec
from forge_lsp.core.model import Edit, Finding, Fix, Point
from forge_lsp.engine import checker, incremental
from forge_lsp.engine.fixes import line_starts
from forge_lsp.engine.suppression import find_suppressions
from forge_lsp.engine.waivers import find_waivers

DEFAULT_TITLE = "Apply Forge's fix"


@dataclass(frozen=True, slots=True)
class VerifiedFix:
    """A replacement that passed every check, as the fix a code action offers."""

    fix: Fix


@dataclass(frozen=True, slots=True)
class Rejection:
    """Why a replacement is not offered as a fix; a sentence for the explanation."""

    reason: str


@dataclass(frozen=True, slots=True)
class Baseline:
    """What the original document looks like to the checks: computed once per review."""

    source: bytes
    tree: tree_sitter.Tree
    syntax_errors: int
    suppressions: int
    findings: tuple[Finding, ...]


def baseline(
    source: bytes, spec: LanguageSpec, rules: checker.RuleSelection | None = None
) -> Baseline:
    """Parse the original once, so that several replacements share the work (the rules run
    per replacement, over the function it edits: see `_checked_region`)."""
    tree = checker.parse(spec, source)
    return Baseline(
        source,
        tree,
        count_syntax_errors(tree.root_node),
        _silencing_comments(source, tree),
        (),
    )


def _silencing_comments(source: bytes, tree: tree_sitter.Tree) -> int:
    """The lines where a comment silences some of Forge's rules (its own or a waiver)."""
    text = checker.utf8_safe(source)
    return len(find_suppressions(text, tree.root_node)) + len(find_waivers(text, tree.root_node))


def verify_replacement(
    source: bytes,
    spec: LanguageSpec,
    finding_range: tuple[Point, Point],
    replacement: str,
    selection_range: tuple[Point, Point],
    selection_ok: bool,
    *,
    title: str = DEFAULT_TITLE,
    rules: checker.RuleSelection | None = None,
    base: Baseline | None = None,
) -> VerifiedFix | Rejection:
    """Check one replacement of the code at `finding_range` against a copy of `source`.

    `selection_ok` is the caller's word that `source` is the reviewed document at the version
    that was reviewed; when it is False nothing is offered. `base` (from `baseline`) saves
    re-checking the original for every finding of one review.
    """
    if not selection_ok:
        return Rejection("the document is not the one Forge reviewed, or it changed since")
    start, end = finding_range
    if start > end or start < selection_range[0] or end > selection_range[1]:
        return Rejection("the edit would reach outside the reviewed selection")
    starts = line_starts(source)
    edit_start, edit_end = _byte_offset(source, starts, start), _byte_offset(source, starts, end)
    if edit_start is None or edit_end is None:
        return Rejection("the edit's range is not a valid range of the document")
    new_bytes = replacement.encode("utf-8", "surrogatepass")
    if new_bytes == source[edit_start:edit_end]:
        return Rejection("the replacement is the same as the code it replaces")

    selection = rules or checker.RuleSelection()
    before = base if base is not None and base.source == source else None
    before = before or baseline(source, spec, selection)
    copy = source[:edit_start] + new_bytes + source[edit_end:]
    after, changed = _applied(before, copy, spec)
    new_end = edit_start + len(new_bytes)
    before, after = _checked_region(before, after, changed, spec, selection)

    if after.syntax_errors > before.syntax_errors:
        return Rejection("applied to a copy, the replacement does not parse")
    if not _stays_in_place(before, after, edit_start, edit_end, new_end):
        return Rejection("the replacement reaches outside the code it replaces")
    if after.suppressions > before.suppressions:
        return Rejection("the replacement adds a comment that silences Forge's rules")
    introduced = _introduced_codes(before, after, (edit_start, edit_end), (edit_start, new_end))
    if introduced:
        return Rejection(
            "applied to a copy, the replacement breaks Forge's hard rules: "
            + ", ".join(sorted(introduced))
        )
    added = fix_capabilities.added_capability(
        before.tree, after.tree, (edit_start, edit_end), (edit_start, new_end), spec
    )
    if added is not None:
        return Rejection(added)
    return VerifiedFix(Fix(title, (Edit(start, end, replacement),)))


def _applied(
    before: Baseline, copy: bytes, spec: LanguageSpec
) -> tuple[Baseline, tuple[incremental.ByteEdit, list[tree_sitter.Range]] | None]:
    """The copy, parsed incrementally from the original's tree (a fraction of a full parse),
    with the edit between them and where the syntax tree changed."""
    edit = incremental.diff(before.source, copy)
    old_tree = before.tree.copy()
    if edit is not None:
        incremental.edit_tree(old_tree, edit)
    tree = checker.parse(spec, copy, old_tree)
    silencing = _silencing_comments(copy, tree)
    after = Baseline(copy, tree, count_syntax_errors(tree.root_node), silencing, ())
    return after, None if edit is None else (edit, old_tree.changed_ranges(tree))


def _checked_region(
    before: Baseline,
    after: Baseline,
    changed: tuple[incremental.ByteEdit, list[tree_sitter.Range]] | None,
    spec: LanguageSpec,
    selection: checker.RuleSelection,
) -> tuple[Baseline, Baseline]:
    """Both sides with the rules' findings over what the replacement can affect: the function
    holding it when the tree changed nowhere else (the partial re-check the server does after
    a keystroke, which a property test holds equal to a full check), else the whole file."""
    from forge_lsp.engine import recheck

    region_before = region_after = None
    if changed is not None:
        edit, ranges = changed
        function = recheck.edited_function(after.tree, spec, edit)
        if function is not None:
            start, end = function.start_byte, function.end_byte
            if all(start <= r.start_byte and r.end_byte <= end for r in ranges):
                grown = edit.new_end_byte - edit.old_end_byte
                region_after, region_before = (start, end), (start, end - grown)

    def findings(side: Baseline, region: tuple[int, int] | None) -> tuple[Finding, ...]:
        found = checker.run_rules(side.source, side.tree, spec, selection, region)
        if region is None:
            return tuple(found)
        scoped = checker.file_scoped_codes(selection, spec.name)
        starts = line_starts(side.source)
        return tuple(
            f for f in found if f.code in scoped or _within(side.source, starts, f, region)
        )

    return (
        replace(before, findings=findings(before, region_before)),
        replace(after, findings=findings(after, region_after)),
    )


def _within(source: bytes, starts: list[int], finding: Finding, region: tuple[int, int]) -> bool:
    offset = _byte_offset(source, starts, finding.start)
    return offset is not None and region[0] <= offset < region[1]


def count_syntax_errors(root: tree_sitter.Node) -> int:
    """ERROR and MISSING nodes of a tree; subtrees without errors are skipped."""
    count = 0
    stack = [root]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            count += 1
        stack.extend(child for child in node.children if child.has_error or child.is_missing)
    return count


def _byte_offset(source: bytes, starts: list[int], point: Point) -> int | None:
    """The byte offset of a point, or None when it is not a character boundary of a line."""
    if point.line < 0 or point.line >= len(starts) or point.column < 0:
        return None
    line_end = starts[point.line + 1] - 1 if point.line + 1 < len(starts) else len(source)
    offset = starts[point.line] + point.column
    if offset > line_end:
        return None
    # A UTF-8 continuation byte: the point would cut a character in two.
    if offset < len(source) and source[offset] & 0xC0 == 0x80:
        return None
    return offset


def _trimmed(source: bytes, start: int, end: int) -> tuple[int, int]:
    """The span without its leading and trailing whitespace (empty spans stay put)."""
    text = source[start:end]
    stripped = text.strip()
    if not stripped:
        return start, start
    lead = len(text) - len(text.lstrip())
    return start + lead, start + lead + len(stripped)


def _enclosing(root: tree_sitter.Node, start: int, end: int) -> tree_sitter.Node:
    """The smallest node that contains `[start, end)` and is larger than it."""
    node = root.descendant_for_byte_range(start, end) or root
    while node.parent is not None and node.start_byte == start and node.end_byte == end:
        node = node.parent
    return node


def _stays_in_place(
    before: Baseline, after: Baseline, edit_start: int, edit_end: int, new_end: int
) -> bool:
    """Whether the new code sits in the node that held the old code, which ends as it did."""
    old_start, old_end = _trimmed(before.source, edit_start, edit_end)
    new_start, new_stop = _trimmed(after.source, edit_start, new_end)
    if old_start == old_end or new_start == new_stop:
        # Nothing was quoted or nothing is added: no new code can land anywhere. What a
        # deletion breaks, the syntax and rule checks see.
        return True
    home = _enclosing(before.tree.root_node, old_start, old_end)
    if home.parent is None and _top_level(after.tree.root_node, new_start, new_stop) > _top_level(
        before.tree.root_node, old_start, old_end
    ):
        # Quoted whole definitions whose replacement adds statements beside them: new code at
        # the top of the file, where it runs on import.
        return False
    edit = (edit_start, edit_end)
    start_after = _moved(home.start_byte, edit, (old_start, new_start), new_end)
    end_after = _moved(home.end_byte, edit, (old_end, new_stop), new_end)
    node = after.tree.root_node.descendant_for_byte_range(new_start, new_stop)
    while node is not None:
        if node.type == home.type and start_after in (None, node.start_byte):
            return end_after is None or node.end_byte == end_after
        node = node.parent
    return False


def _top_level(root: tree_sitter.Node, start: int, end: int) -> int:
    """How many top-level statements or definitions (not comments) overlap `[start, end)`."""
    return sum(
        1
        for child in root.named_children
        if child.start_byte < end and child.end_byte > start and "comment" not in child.type
    )


def _moved(
    position: int, edit: tuple[int, int], trimmed: tuple[int, int], new_end: int
) -> int | None:
    """Where an old byte position is after the edit; None when it has no single answer.

    `trimmed` pairs the old and new boundary of the edited code itself (its first or its last
    non-blank byte): a node that started or ended with the edited code now starts or ends with
    the new code.
    """
    edit_start, edit_end = edit
    old_boundary, new_boundary = trimmed
    if position == old_boundary:
        return new_boundary
    if position <= edit_start:
        return position
    if position >= edit_end:
        return position + new_end - edit_end
    return None


def _byte_span(starts: list[int], finding: Finding) -> tuple[int, int]:
    def at(point: Point) -> int:
        line = min(point.line, len(starts) - 1)
        return starts[line] + point.column

    return at(finding.start), at(finding.end)


def _findings_within(base: Baseline, span: tuple[int, int]) -> Counter[tuple[str, bytes]]:
    """(code, flagged code text) of the findings that lie entirely inside `span`."""
    starts = line_starts(base.source)
    found: Counter[tuple[str, bytes]] = Counter()
    for finding in base.findings:
        start, end = _byte_span(starts, finding)
        if span[0] <= start and end <= span[1]:
            found[finding.code, base.source[start:end]] += 1
    return found


def _introduced_codes(
    before: Baseline, after: Baseline, old_span: tuple[int, int], new_span: tuple[int, int]
) -> set[str]:
    """Codes of the hard-rule findings the copy has and the original has not."""
    whole = Counter((f.code, f.message) for f in after.findings)
    whole.subtract(Counter((f.code, f.message) for f in before.findings))
    introduced = {code for (code, _), count in whole.items() if count > 0}
    # Inside the edit, a finding is new unless the very code it flags was there before:
    # trading an f-string for a concatenation keeps FG101's count and message, not its text.
    inside = _findings_within(after, new_span)
    inside.subtract(_findings_within(before, old_span))
    introduced.update(code for (code, _), count in inside.items() if count > 0)
    return introduced
