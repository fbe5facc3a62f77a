"""Place a finding Claude reported by finding its quoted code in the current document.

Claude reports *what* code it means (a quote), never *where*: line numbers from a model drift
and cannot be trusted. The quote is searched only inside the reviewed selection, so a quote
that also (or only) appears elsewhere in the file can never pull a finding, or an edit, out of
the code the user asked about. A quote that cannot be placed is dropped, never guessed.

Offsets here are indices into the document as a Python ``str`` (code points). Positions
handed to the rest of Forge are `Point`s: a zero-based line (lines end at ``\\n``, as for
tree-sitter) and a zero-based UTF-8 byte column, see `forge_lsp.core.model`.

The search, in order:

1. the quote exactly as given;
2. the quote with whitespace differences ignored: runs of spaces, tabs and newlines (and so
   indentation and line wrapping) may differ, but two identifier characters separated by
   whitespace in one text must be separated in the other (``return x`` never matches
   ``returnx``). The match then covers the code from its first to its last non-blank
   character: the quote's own leading and trailing whitespace did not match the document's,
   so it is not trusted to say where lines start.

In both steps a match must not cut an identifier in two (``x = 1`` is not found in
``max = 10``), and when the quote occurs more than once the *first* occurrence inside the
selection wins: the model saw the selection top-down, and a stable choice keeps repeated
reviews from jumping between duplicates.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from forge_lsp.core.model import Point


@dataclass(frozen=True, slots=True)
class Match:
    """Where a quote was found, as ``str`` offsets, and whether it matched character for
    character (False: only with whitespace differences ignored)."""

    start: int
    end: int
    exact: bool


class Quoted(Protocol):
    """Anything carrying the code it is about: a `ProposedFinding` from a review."""

    @property
    def quote(self) -> str: ...


# The server encodes documents this way (see `forge_lsp.lsp.analysis.encode`): a lone
# surrogate from a client counts as three bytes there, so it must here too.
_ENCODING, _ERRORS = "utf-8", "surrogatepass"


def locate(quote: str, text: str, selection: tuple[int, int]) -> Match | None:
    """Where `quote` is in `text` within the `selection` offsets ``[start, end)``, or None."""
    sel_start, sel_end = _clamp_selection(text, selection)
    if not quote.strip() or sel_start >= sel_end:
        return None
    exact = _find_exact(quote, text, sel_start, sel_end)
    if exact is not None:
        return exact
    return _find_ignoring_whitespace(quote, text, sel_start, sel_end)


def anchor(finding: Quoted, text: str, selection: tuple[int, int]) -> tuple[Point, Point] | None:
    """The range of the finding's quote in `text` within `selection` (str offsets), or None."""
    found = locate(finding.quote, text, selection)
    if found is None:
        return None
    return point_at(text, found.start), point_at(text, found.end)


def point_at(text: str, offset: int) -> Point:
    """The Point (line, UTF-8 byte column) of a str offset of `text`."""
    offset = max(0, min(offset, len(text)))
    line = text.count("\n", 0, offset)
    line_start = text.rfind("\n", 0, offset) + 1
    return Point(line, len(text[line_start:offset].encode(_ENCODING, _ERRORS)))


def offset_of(text: str, point: Point) -> int:
    """The str offset of a Point of `text`; clamped to the line, rounded down within a char."""
    line_start = 0
    for _ in range(max(point.line, 0)):
        newline = text.find("\n", line_start)
        if newline == -1:
            return len(text)
        line_start = newline + 1
    line_end = text.find("\n", line_start)
    if line_end == -1:
        line_end = len(text)
    consumed = 0
    for index in range(line_start, line_end):
        consumed += len(text[index].encode(_ENCODING, _ERRORS))
        if consumed > point.column:
            return index
    return line_end


def selection_offsets(text: str, start: Point, end: Point) -> tuple[int, int]:
    """The str offsets of a selection given as Points (what the LSP layer converts to)."""
    return offset_of(text, start), offset_of(text, end)


def _clamp_selection(text: str, selection: tuple[int, int]) -> tuple[int, int]:
    start, end = selection
    return max(0, min(start, len(text))), max(0, min(end, len(text)))


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def _cuts_identifier(text: str, start: int, end: int) -> bool:
    """Whether the match `[start, end)` begins or ends inside an identifier of the document."""
    if start > 0 and _is_word(text[start]) and _is_word(text[start - 1]):
        return True
    return end < len(text) and _is_word(text[end - 1]) and _is_word(text[end])


def _find_exact(quote: str, text: str, sel_start: int, sel_end: int) -> Match | None:
    index = text.find(quote, sel_start, sel_end)
    while index != -1:
        end = index + len(quote)
        if not _cuts_identifier(text, index, end):
            return Match(index, end, exact=True)
        index = text.find(quote, index + 1, sel_end)
    return None


def _canonical(text: str, start: int, end: int) -> tuple[str, list[int]]:
    """`text[start:end]` without whitespace, except one space between identifier characters.

    Returns the canonical string and, for each of its characters, the offset in `text` it
    came from (the start of the whitespace run, for an inserted space).
    """
    chars: list[str] = []
    origins: list[int] = []
    run_start: int | None = None
    for index in range(start, end):
        char = text[index]
        if char.isspace():
            if run_start is None:
                run_start = index
            continue
        if run_start is not None and chars and _is_word(chars[-1]) and _is_word(char):
            chars.append(" ")
            origins.append(run_start)
        run_start = None
        chars.append(char)
        origins.append(index)
    return "".join(chars), origins


def _find_ignoring_whitespace(quote: str, text: str, sel_start: int, sel_end: int) -> Match | None:
    wanted, _ = _canonical(quote, 0, len(quote))
    haystack, origins = _canonical(text, sel_start, sel_end)
    position = haystack.find(wanted)
    while position != -1:
        start = origins[position]
        end = origins[position + len(wanted) - 1] + 1
        if not _cuts_identifier(text, start, end):
            return Match(start, end, exact=False)
        position = haystack.find(wanted, position + 1)
    return None
