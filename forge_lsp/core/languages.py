"""The languages Forge parses: how a file or an LSP language id maps to a tree-sitter grammar.

Grammars are imported on first use, never at start-up: the server answers `initialize` before
any grammar wheel is loaded.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import PurePath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import tree_sitter


@dataclass(frozen=True, slots=True)
class LanguageSpec:
    """A language Forge checks: its name, grammar entry point and comment syntax."""

    name: str
    module: str
    function: str
    line_comment: str
    extensions: tuple[str, ...]
    lsp_ids: tuple[str, ...]

    @property
    def grammar(self) -> tree_sitter.Language:
        return _grammar(self.module, self.function)


LANGUAGES: dict[str, LanguageSpec] = {
    spec.name: spec
    for spec in (
        LanguageSpec("python", "tree_sitter_python", "language", "#", (".py", ".pyi"), ("python",)),
        LanguageSpec("go", "tree_sitter_go", "language", "//", (".go",), ("go",)),
        LanguageSpec(
            "javascript",
            "tree_sitter_javascript",
            "language",
            "//",
            (".js", ".mjs", ".cjs", ".jsx"),
            ("javascript", "javascriptreact"),
        ),
        LanguageSpec(
            "typescript",
            "tree_sitter_typescript",
            "language_typescript",
            "//",
            (".ts", ".mts", ".cts"),
            ("typescript",),
        ),
        LanguageSpec(
            "tsx", "tree_sitter_typescript", "language_tsx", "//", (".tsx",), ("typescriptreact",)
        ),
        LanguageSpec("java", "tree_sitter_java", "language", "//", (".java",), ("java",)),
        LanguageSpec("rust", "tree_sitter_rust", "language", "//", (".rs",), ("rust",)),
        LanguageSpec(
            "kotlin", "tree_sitter_kotlin", "language", "//", (".kt", ".kts"), ("kotlin",)
        ),
    )
}

_BY_EXTENSION = {ext: spec for spec in LANGUAGES.values() for ext in spec.extensions}
_BY_LSP_ID = {lsp_id: spec for spec in LANGUAGES.values() for lsp_id in spec.lsp_ids}
_lock = threading.Lock()


@cache
def _grammar(module: str, function: str) -> tree_sitter.Language:
    import tree_sitter

    with _lock:
        entry: Callable[[], object] = getattr(importlib.import_module(module), function)
        return tree_sitter.Language(entry())


def for_path(path: str | PurePath) -> LanguageSpec | None:
    """The language of a file by its extension, or None for files Forge does not check."""
    return _BY_EXTENSION.get(PurePath(path).suffix.lower())


def for_document(language_id: str | None, path: str) -> LanguageSpec | None:
    """The language of an open document: the client's language id first, then the extension."""
    if language_id and language_id in _BY_LSP_ID:
        spec = _BY_LSP_ID[language_id]
        # A .tsx file opened as "typescript" by a client that does not distinguish them.
        by_path = for_path(path)
        if by_path is not None and by_path.name == "tsx" and spec.name == "typescript":
            return by_path
        return spec
    return for_path(path)
