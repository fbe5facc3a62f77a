"""Apply a finding's fix to source bytes: used by tests, the CLI and fix verification."""

from __future__ import annotations

from collections.abc import Iterable

from forge_lsp.core.model import Edit, Point


def line_starts(source: bytes) -> list[int]:
    """Byte offset of the start of every line."""
    starts = [0]
    index = source.find(b"\n")
    while index != -1:
        starts.append(index + 1)
        index = source.find(b"\n", index + 1)
    return starts


def offset(starts: list[int], point: Point) -> int:
    return starts[point.line] + point.column


def apply_edits(source: bytes, edits: Iterable[Edit]) -> bytes:
    """Apply non-overlapping edits (in any order) to `source`."""
    starts = line_starts(source)
    spans = sorted(
        ((offset(starts, e.start), offset(starts, e.end), e.new_text) for e in edits),
        reverse=True,
    )
    result = source
    previous_start = len(source) + 1
    for start, end, text in spans:
        if end > previous_start:
            raise ValueError("overlapping edits")
        result = result[:start] + text.encode() + result[end:]
        previous_start = start
    return result
