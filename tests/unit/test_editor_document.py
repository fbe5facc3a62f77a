"""Incremental changes applied by slicing give the text pygls' own line-by-line loop gives."""

from __future__ import annotations

import random

import pytest
from lsprotocol import types
from pygls.workspace import PositionCodec, TextDocument

from forge_lsp.lsp.editor_document import EditorTextDocument

TEXTS = [
    "def f():\n    return 1\n",
    "a = 1\r\nb = 'é😋'\r\n\r\nc = 3",
    "x = '\u2028'\ny = 2\rz = 3\n",
    "",
    "one line, no break",
    "s = '😋😋'\n\n\n    t = 'ü'\n",
]


class _PyglsLoop(EditorTextDocument):
    """The same document, applying changes with pygls' own implementation."""

    def _apply_incremental_change(self, change: types.TextDocumentContentChangePartial) -> None:
        TextDocument._apply_incremental_change(self, change)


def _documents(text: str, encoding: types.PositionEncodingKind) -> tuple[TextDocument, ...]:
    codec = PositionCodec(encoding)
    kind = types.TextDocumentSyncKind.Incremental
    return tuple(
        cls("file:///t.py", text, sync_kind=kind, position_codec=codec)
        for cls in (EditorTextDocument, _PyglsLoop)
    )


def _position(rng: random.Random, text: str) -> types.Position:
    lines = text.split("\n")
    line = rng.randrange(len(lines) + 2)
    return types.Position(line, rng.randrange(12))


@pytest.mark.parametrize("encoding", list(types.PositionEncodingKind))
@pytest.mark.parametrize("seed", range(40))
def test_slicing_matches_pygls(seed: int, encoding: types.PositionEncodingKind) -> None:
    rng = random.Random(seed)
    text = rng.choice(TEXTS)
    fast, loop = _documents(text, encoding)
    for _ in range(20):
        a, b = _position(rng, fast.source), _position(rng, fast.source)
        if rng.random() < 0.8 and (b.line, b.character) < (a.line, a.character):
            a, b = b, a  # mostly well-ordered ranges, sometimes reversed ones
        inserted = rng.choice(["", "x", "\n", "😋", "\r\n", "ab\ncd", "\u2028"])
        change = types.TextDocumentContentChangePartial(types.Range(a, b), inserted)
        fast.apply_change(change)
        loop.apply_change(change)
        assert fast.source == loop.source


def test_an_edit_in_the_middle_of_a_long_file() -> None:
    text = "".join(f"line_{i} = {i}\n" for i in range(5000))
    fast, loop = _documents(text, types.PositionEncodingKind.Utf16)
    change = types.TextDocumentContentChangePartial(
        types.Range(types.Position(2500, 3), types.Position(2501, 4)), "XY"
    )
    fast.apply_change(change)
    loop.apply_change(change)
    assert fast.source == loop.source
    assert "linXY_2501" in fast.source


@pytest.mark.parametrize(
    "char", ["\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]
)
@pytest.mark.parametrize("ascii_rest", [True, False])
def test_lines_break_at_lsp_line_ends_only(char: str, ascii_rest: bool) -> None:
    rest = "b = 2\n" if ascii_rest else "b = 'é'\n"  # ASCII text takes a faster path
    document, _ = _documents(f"a = '{char}'\r\n{rest}c = 3", types.PositionEncodingKind.Utf16)
    assert document.lines == (f"a = '{char}'\r\n", rest, "c = 3")
