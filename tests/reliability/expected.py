"""What a fresh check of a document says: the oracle for the server's incremental state.

The server re-parses incrementally and re-checks only the edited function; `forge-lsp check`
parses and checks the whole file from scratch. Both use the same engine, so after any sequence
of edits the server's diagnostics for a text must equal a fresh run's on that text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lsprotocol import types
from lsprotocol.converters import get_converter

from forge_lsp import engine, languages, lsp_convert
from forge_lsp.analysis import encode
from forge_lsp.config import Settings

_converter = get_converter()


def comparable(diagnostics: list[types.Diagnostic]) -> list[dict[str, Any]]:
    """Diagnostics as plain JSON, without the rule doc's link (a file in the user cache)."""
    plain = [_converter.unstructure(d) for d in diagnostics]
    for item in plain:
        item.pop("codeDescription", None)
    return plain


def fresh_diagnostics(
    text: str, language_id: str, path: Path, settings: Settings, encoding: str
) -> list[dict[str, Any]] | None:
    """A from-scratch check's diagnostics for `text`, or None for a language Forge does not
    check (the server publishes nothing for those)."""
    spec = languages.for_document(language_id, str(path))
    if spec is None:
        return None
    source = encode(text)
    if settings.is_excluded(path) or len(source) > settings.max_file_size:
        return []
    result = engine.check(source, spec, settings.selection(), path=settings.project_path(path))
    lines = source.split(b"\n")
    return comparable([lsp_convert.diagnostic(f, lines, encoding, None) for f in result.findings])
