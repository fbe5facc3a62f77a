"""Column conversions between UTF-8 byte offsets and the other ways of counting a line.

Findings carry tree-sitter points: a zero-based line and a zero-based *byte* column in the
line's UTF-8 bytes. Consumers count differently:

- LSP clients count UTF-16 code units by default, or UTF-8 bytes / UTF-32 code points when the
  ``positionEncoding`` they negotiated says so;
- SARIF counts UTF-16 code units (its default ``columnKind``);
- people (and the ``check`` text output) count characters, i.e. code points.

Every function here is pure and takes the bytes of one line *without* its line terminator.
Columns are clamped: a negative column is 0 and a column past the end of the line is the end
of the line. A byte column inside a multi-byte character (and a UTF-16 column between the two
halves of a surrogate pair) is rounded down to the start of that character.

Bytes that are not valid UTF-8 count as one code point (and one UTF-16 unit) each, so that
the conversions stay exact and reversible on any input: a checked file may hold invalid bytes.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

Encoding = Literal["utf-8", "utf-16", "utf-32"]
ENCODINGS: tuple[Encoding, ...] = ("utf-8", "utf-16", "utf-32")

# Python's "surrogateescape" decodes each invalid byte to one lone surrogate in this range.
_ESCAPED_LOW, _ESCAPED_HIGH = 0xDC80, 0xDCFF


def _utf8_width(char: str) -> int:
    """How many bytes of the original line one decoded character stands for."""
    code = ord(char)
    if code < 0x80 or _ESCAPED_LOW <= code <= _ESCAPED_HIGH:
        return 1
    if code < 0x800:
        return 2
    if code < 0x10000:
        return 3
    return 4


def _utf16_width(char: str) -> int:
    """How many UTF-16 code units one decoded character takes (escaped bytes count one)."""
    return 2 if ord(char) > 0xFFFF else 1


def _characters(line_bytes: bytes) -> Iterator[tuple[int, int]]:
    """(UTF-8 width, UTF-16 width) of every character of the line, in order."""
    for char in line_bytes.decode("utf-8", "surrogateescape"):
        yield _utf8_width(char), _utf16_width(char)


def byte_to_codepoints(line_bytes: bytes, col: int) -> int:
    """The code point column of byte column `col` of a line."""
    if col <= 0:
        return 0
    if line_bytes.isascii():
        return min(col, len(line_bytes))
    count = offset = 0
    for width, _ in _characters(line_bytes):
        offset += width
        if offset > col:
            break
        count += 1
    return count


def byte_to_utf16(line_bytes: bytes, col: int) -> int:
    """The UTF-16 code unit column of byte column `col` of a line."""
    if col <= 0:
        return 0
    if line_bytes.isascii():
        return min(col, len(line_bytes))
    units = offset = 0
    for width, units_of_char in _characters(line_bytes):
        offset += width
        if offset > col:
            break
        units += units_of_char
    return units


def codepoints_to_byte(line_bytes: bytes, col: int) -> int:
    """The byte column of code point column `col` of a line."""
    if col <= 0:
        return 0
    if line_bytes.isascii():
        return min(col, len(line_bytes))
    offset = 0
    for index, (width, _) in enumerate(_characters(line_bytes)):
        if index >= col:
            break
        offset += width
    return offset


def utf16_to_byte(line_bytes: bytes, col: int) -> int:
    """The byte column of UTF-16 code unit column `col` of a line."""
    if col <= 0:
        return 0
    if line_bytes.isascii():
        return min(col, len(line_bytes))
    units = offset = 0
    for width, units_of_char in _characters(line_bytes):
        units += units_of_char
        if units > col:
            break
        offset += width
    return offset


def byte_to_column(line_bytes: bytes, col: int, encoding: Encoding) -> int:
    """Byte column `col` counted in `encoding` (the names of LSP's ``PositionEncodingKind``)."""
    if encoding == "utf-8":
        return max(0, min(col, len(line_bytes)))
    if encoding == "utf-16":
        return byte_to_utf16(line_bytes, col)
    if encoding == "utf-32":
        return byte_to_codepoints(line_bytes, col)
    raise ValueError(f"unknown position encoding {encoding!r}")


def column_to_byte(line_bytes: bytes, col: int, encoding: Encoding) -> int:
    """A column counted in `encoding` as a byte column (the reverse of `byte_to_column`)."""
    if encoding == "utf-8":
        return max(0, min(col, len(line_bytes)))
    if encoding == "utf-16":
        return utf16_to_byte(line_bytes, col)
    if encoding == "utf-32":
        return codepoints_to_byte(line_bytes, col)
    raise ValueError(f"unknown position encoding {encoding!r}")


def line_bytes_at(source: bytes, line_starts: list[int], line: int) -> bytes:
    """The bytes of zero-based `line` of `source` without ``\\n`` or ``\\r\\n``.

    `line_starts` is `forge_lsp.engine.fixes.line_starts(source)`. Lines are counted as tree-sitter
    counts rows: split on ``\\n`` only. A line past the end of the source is empty.
    """
    if line < 0 or line >= len(line_starts):
        return b""
    start = line_starts[line]
    end = line_starts[line + 1] - 1 if line + 1 < len(line_starts) else len(source)
    content = source[start:end]
    return content[:-1] if content.endswith(b"\r") else content
