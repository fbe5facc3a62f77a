"""Turn an old and a new version of a file into the single tree-sitter edit between them.

The server receives any number of content changes per `didChange`; rather than replaying each,
it compares the bytes it parsed last with the bytes it holds now. The common prefix and suffix
are found by binary search over slice comparisons (memcmp speed), so a one-character edit in a
5,000-line file costs microseconds.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from forge_lsp.core.model import Edit, Finding, Fix, Point

if TYPE_CHECKING:
    import tree_sitter


@dataclass(frozen=True, slots=True)
class ByteEdit:
    start_byte: int
    old_end_byte: int
    new_end_byte: int
    start_point: tuple[int, int]
    old_end_point: tuple[int, int]
    new_end_point: tuple[int, int]


def _common_prefix(a: bytes, b: bytes) -> int:
    low, high = 0, min(len(a), len(b))
    while low < high:
        mid = (low + high + 1) // 2
        if a[:mid] == b[:mid]:
            low = mid
        else:
            high = mid - 1
    return low


def _common_suffix(a: bytes, b: bytes, limit: int) -> int:
    low, high = 0, limit
    while low < high:
        mid = (low + high + 1) // 2
        if a[len(a) - mid :] == b[len(b) - mid :]:
            low = mid
        else:
            high = mid - 1
    return low


def _point(source: bytes, offset: int) -> tuple[int, int]:
    line = source.count(b"\n", 0, offset)
    line_start = source.rfind(b"\n", 0, offset) + 1
    return (line, offset - line_start)


def diff(old: bytes, new: bytes) -> ByteEdit | None:
    """The one edit turning `old` into `new`, or None when they are equal."""
    if old == new:
        return None
    prefix = _common_prefix(old, new)
    suffix = _common_suffix(old, new, min(len(old), len(new)) - prefix)
    old_end = len(old) - suffix
    new_end = len(new) - suffix
    return ByteEdit(
        start_byte=prefix,
        old_end_byte=old_end,
        new_end_byte=new_end,
        start_point=_point(old, prefix),
        old_end_point=_point(old, old_end),
        new_end_point=_point(new, new_end),
    )


def edit_tree(tree: tree_sitter.Tree, edit: ByteEdit) -> None:
    """Tell `tree` about `edit`, so the next parse can reuse everything it did not touch."""
    tree.edit(
        start_byte=edit.start_byte,
        old_end_byte=edit.old_end_byte,
        new_end_byte=edit.new_end_byte,
        start_point=edit.start_point,
        old_end_point=edit.old_end_point,
        new_end_point=edit.new_end_point,
    )


def shift_point(point: Point, edit: ByteEdit) -> Point | None:
    """Where an old point lands after the edit; None inside the replaced bytes. A point the
    edit does not move is returned as it is."""
    line, column = point.line, point.column
    start, old_end, new_end = edit.start_point, edit.old_end_point, edit.new_end_point
    if (line, column) <= start:
        return point
    if (line, column) < old_end:
        return None
    if line == old_end[0]:
        return Point(new_end[0], new_end[1] + column - old_end[1])
    lines = new_end[0] - old_end[0]
    return point if lines == 0 else Point(line + lines, column)


def shifted(finding: Finding, edit: ByteEdit) -> Finding | None:
    """The finding (and its fix) moved by the edit; None when the edit replaced part of it.
    A finding the edit does not move is returned as it is."""
    start, end = shift_point(finding.start, edit), shift_point(finding.end, edit)
    if start is None or end is None:
        return None  # it overlapped the replaced bytes
    fix = finding.fix
    if fix is not None:
        edits = []
        for change in fix.edits:
            a, b = shift_point(change.start, edit), shift_point(change.end, edit)
            if a is None or b is None:
                return None
            edits.append(Edit(a, b, change.new_text))
        fix = Fix(fix.title, tuple(edits))
    if start is finding.start and end is finding.end and fix == finding.fix:
        return finding
    return replace(finding, start=start, end=end, fix=fix)
