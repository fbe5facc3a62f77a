"""Open documents whose lines end where the editor's do.

pygls splits a document with `str.splitlines`, which also breaks at U+2028, U+2029, U+0085,
form feeds and a few control characters; LSP and editors break at \n, \r\n and \r only. An
edit below such a character (a JavaScript string, a Python docstring) landed on the wrong line,
and Forge's copy of the document silently drifted from the editor's (found by the fuzzer,
tests/reliability).
"""

from __future__ import annotations

import re

from pygls.workspace import TextDocument, Workspace

# The line breaks `str.splitlines` knows and LSP does not.
_OTHER_BREAKS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_LSP_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


class EditorTextDocument(TextDocument):
    """A pygls document whose lines end where the editor's do (\n, \r\n or \r)."""

    @property
    def lines(self) -> tuple[str, ...]:
        source = self.source
        if _OTHER_BREAKS.search(source) is None:
            return tuple(source.splitlines(True))  # the same lines, faster
        return tuple(_LSP_LINE.findall(source))


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
