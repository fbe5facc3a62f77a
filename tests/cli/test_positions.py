"""Column conversions between UTF-8 bytes, code points and UTF-16 units."""

from __future__ import annotations

import pytest

from forge_lsp.core.positions import (
    byte_to_codepoints,
    byte_to_column,
    byte_to_utf16,
    codepoints_to_byte,
    column_to_byte,
    line_bytes_at,
    utf16_to_byte,
)
from forge_lsp.engine.fixes import line_starts

EMOJI = "a😀b".encode()  # 😀 is 4 bytes, 1 code point, 2 UTF-16 units
CJK = "中文x".encode()  # 3 bytes each, 1 code point, 1 unit
COMBINING = "e\u0301x".encode()  # e + COMBINING ACUTE (2 bytes): 2 code points


@pytest.mark.parametrize(
    ("line", "byte_col", "codepoints", "utf16"),
    [
        (b"hello", 0, 0, 0),
        (b"hello", 3, 3, 3),
        (EMOJI, 1, 1, 1),
        (EMOJI, 5, 2, 3),
        (EMOJI, 6, 3, 4),
        (CJK, 3, 1, 1),
        (CJK, 6, 2, 2),
        (CJK, 7, 3, 3),
        (COMBINING, 1, 1, 1),
        (COMBINING, 3, 2, 2),
        (COMBINING, 4, 3, 3),
    ],
)
def test_byte_columns_convert_both_ways(line, byte_col, codepoints, utf16):
    assert byte_to_codepoints(line, byte_col) == codepoints
    assert byte_to_utf16(line, byte_col) == utf16
    assert codepoints_to_byte(line, codepoints) == byte_col
    assert utf16_to_byte(line, utf16) == byte_col


@pytest.mark.parametrize("line", [b"abc", EMOJI, CJK, COMBINING, b""])
def test_columns_past_the_end_clamp(line):
    text = line.decode()
    units = len(text.encode("utf-16-le")) // 2
    assert byte_to_codepoints(line, 100) == len(text)
    assert byte_to_utf16(line, 100) == units
    assert codepoints_to_byte(line, 100) == len(line)
    assert utf16_to_byte(line, 100) == len(line)


@pytest.mark.parametrize("line", [b"abc", EMOJI])
def test_negative_columns_clamp_to_zero(line):
    assert byte_to_codepoints(line, -3) == 0
    assert byte_to_utf16(line, -3) == 0
    assert codepoints_to_byte(line, -1) == 0
    assert utf16_to_byte(line, -1) == 0


def test_a_byte_column_inside_a_character_rounds_down():
    assert byte_to_codepoints(EMOJI, 2) == 1  # inside 😀
    assert byte_to_utf16(EMOJI, 4) == 1
    assert byte_to_codepoints(CJK, 4) == 1


def test_a_utf16_column_between_surrogates_rounds_down():
    assert utf16_to_byte(EMOJI, 2) == 1  # between the halves of 😀


def test_invalid_utf8_counts_one_per_byte_and_round_trips():
    line = b"a\xff\xfeb\xe4\xb8c"  # two stray bytes, then a truncated 3-byte sequence
    for byte_col in range(len(line) + 1):
        assert codepoints_to_byte(line, byte_to_codepoints(line, byte_col)) == byte_col
        assert utf16_to_byte(line, byte_to_utf16(line, byte_col)) == byte_col
    assert byte_to_codepoints(line, len(line)) == len(line)


def test_mixed_line_against_python_reference():
    text = "x = '😀中é' + f(ñ)  # 🎉"
    line = text.encode()
    for index in range(len(text) + 1):
        byte_col = len(text[:index].encode())
        assert byte_to_codepoints(line, byte_col) == index
        assert byte_to_utf16(line, byte_col) == len(text[:index].encode("utf-16-le")) // 2


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-32"])
def test_encoding_dispatch_round_trips(encoding):
    for byte_col in (0, 1, 5, 6, 99):
        column = byte_to_column(EMOJI, byte_col, encoding)
        assert column_to_byte(EMOJI, column, encoding) == min(byte_col, len(EMOJI))


def test_encoding_dispatch_rejects_unknown_names():
    with pytest.raises(ValueError):
        byte_to_column(b"x", 0, "latin-1")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        column_to_byte(b"x", 0, "utf-7")  # type: ignore[arg-type]


def test_line_bytes_at_strips_terminators():
    source = b"one\r\ntwo\nthree"
    starts = line_starts(source)
    assert line_bytes_at(source, starts, 0) == b"one"
    assert line_bytes_at(source, starts, 1) == b"two"
    assert line_bytes_at(source, starts, 2) == b"three"
    assert line_bytes_at(source, starts, 3) == b""
    assert line_bytes_at(source, starts, -1) == b""
