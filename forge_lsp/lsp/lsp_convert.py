"""Findings to LSP types, in the position encoding the client negotiated.

Findings carry byte columns of UTF-8 lines; LSP clients count UTF-16 code units (VS Code),
UTF-8 bytes (Neovim 0.11 negotiates this) or code points (UTF-32).
"""

from __future__ import annotations

from collections.abc import Sequence

from lsprotocol import types

from forge_lsp.core import positions
from forge_lsp.core.model import Edit, Finding, Fix, Point


def encoding_name(encoding: object) -> str:
    """`workspace.position_encoding` may be an enum, a string or None (meaning UTF-16)."""
    value = getattr(encoding, "value", encoding)
    return str(value).lower() if value else "utf-16"


def client_column(line: bytes, byte_column: int, encoding: str) -> int:
    """A byte column of a UTF-8 line in the client's units."""
    if encoding == "utf-8":
        return min(byte_column, len(line))
    if encoding == "utf-32":
        return positions.byte_to_codepoints(line, byte_column)
    return positions.byte_to_utf16(line, byte_column)


def client_position(lines: Sequence[bytes], point: Point, encoding: str) -> types.Position:
    if point.line >= len(lines):
        last = len(lines) - 1
        return types.Position(last, client_column(lines[last], len(lines[last]), encoding))
    return types.Position(point.line, client_column(lines[point.line], point.column, encoding))


def client_range(lines: Sequence[bytes], start: Point, end: Point, encoding: str) -> types.Range:
    return types.Range(
        client_position(lines, start, encoding), client_position(lines, end, encoding)
    )


def text_edit(lines: Sequence[bytes], edit: Edit, encoding: str) -> types.TextEdit:
    return types.TextEdit(client_range(lines, edit.start, edit.end, encoding), edit.new_text)


def fix_data(lines: Sequence[bytes], fix: Fix, encoding: str) -> dict[str, object]:
    """A fix as plain JSON for a diagnostic's `data`."""
    return {
        "title": fix.title,
        "edits": [
            {
                "range": range_json(client_range(lines, e.start, e.end, encoding)),
                "newText": e.new_text,
            }
            for e in fix.edits
        ],
    }


def range_json(r: types.Range) -> dict[str, dict[str, int]]:
    """A Range as plain JSON (for `data` fields and command arguments)."""
    return {
        "start": {"line": r.start.line, "character": r.start.character},
        "end": {"line": r.end.line, "character": r.end.character},
    }


def diagnostic(
    finding: Finding, lines: Sequence[bytes], encoding: str, doc_uri: str | None
) -> types.Diagnostic:
    # `confidence` is Forge's word for every diagnostic ("high", "medium", "low"); it is written
    # last so that Claude's review score in its own `data` never gives the key a second type.
    data: dict[str, object] = {
        "code": finding.code,
        **finding.data,
        "confidence": finding.confidence.label,
    }
    if finding.fix is not None:
        data["fix"] = fix_data(lines, finding.fix, encoding)
    return types.Diagnostic(
        range=client_range(lines, finding.start, finding.end, encoding),
        message=finding.message,
        severity=types.DiagnosticSeverity(int(finding.severity)),
        code=finding.code,
        code_description=types.CodeDescription(href=doc_uri) if doc_uri else None,
        source=finding.source,
        data=data,
    )


def contains(outer: types.Range, position: types.Position) -> bool:
    start = (outer.start.line, outer.start.character)
    end = (outer.end.line, outer.end.character)
    return start <= (position.line, position.character) <= end


def overlaps(a: types.Range, b: types.Range) -> bool:
    a_start, a_end = (a.start.line, a.start.character), (a.end.line, a.end.character)
    b_start, b_end = (b.start.line, b.start.character), (b.end.line, b.end.character)
    return a_start <= b_end and b_start <= a_end
