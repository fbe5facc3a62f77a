"""Open documents whose lines end where the editor's do.

pygls splits a document with `str.splitlines`, which also breaks at U+2028, U+2029, U+0085,
form feeds and a few control characters; LSP and editors break at \n, \r\n and \r only. An
edit below such a character (a JavaScript string, a Python docstring) landed on the wrong line,
and Forge's copy of the document silently drifted from the editor's (found by the fuzzer,
tests/reliability).

An incremental change is applied by slicing the text at the change's offsets; pygls writes every
line of the document into a new buffer, a Python loop that cost milliseconds per keystroke in
an 8,000-line file.
"""

from __future__ import annotations

import re
from itertools import islice

from lsprotocol import types
from pygls.workspace import TextDocument, Workspace

# The line breaks `str.splitlines` knows and LSP does not.
_OTHER_BREAKS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_ASCII_OTHER_BREAKS = "\x0b\x0c\x1c\x1d\x1e"
_LSP_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def _has_other_breaks(source: str) -> bool:
    # In ASCII text five single-character finds (memchr speed) beat a regex scan of the text.
    if source.isascii():
        return any(char in source for char in _ASCII_OTHER_BREAKS)
    return _OTHER_BREAKS.search(source) is not None


class EditorTextDocument(TextDocument):
    """A pygls document whose lines end where the editor's do (\n, \r\n or \r)."""

    @property
    def lines(self) -> tuple[str, ...]:
        source = self.source
        if not _has_other_breaks(source):
            return tuple(source.splitlines(True))  # the same lines, faster
        return tuple(_LSP_LINE.findall(source))

    def _apply_incremental_change(self, change: types.TextDocumentContentChangePartial) -> None:
        """Replace the change's range by its text, as pygls does, by slicing at offsets."""
        lines = self.lines
        server = self.position_codec.range_from_client_units(lines, change.range)
        start, end = server.start, server.end
        if start.line == len(lines) or start.line > end.line or end.line >= len(lines):
            super()._apply_incremental_change(change)  # the edge cases, pygls' way
            return
        # The lines join back into the source: a line's offset is the length of those above.
        line_start = sum(map(len, islice(lines, start.line)))
        first = line_start + min(start.character, len(lines[start.line]))
        end_line_start = line_start + sum(map(len, islice(lines, start.line, end.line)))
        last = end_line_start + min(end.character, len(lines[end.line]))
        source = self.source
        self._source = source[:first] + change.text + source[last:]


class EditorWorkspace(Workspace):
    """pygls' workspace, holding `EditorTextDocument`s."""

    def _create_text_document(
        self,
        doc_uri: str,
        source: str | None = None,
        version: int | None = None,
        language_id: str | None = None,
    ) -> TextDocument:
        return EditorTextDocument(
            doc_uri,
            source=source,
            version=version,
            language_id=language_id,
            sync_kind=self._sync_kind,
            position_codec=self._position_codec,
        )
