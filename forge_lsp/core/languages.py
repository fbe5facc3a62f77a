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
    """A language Forge checks, and every fact about it that is not one rule's business.

    Adding a language means one entry in `LANGUAGES` (plus its grammar wheel in
    pyproject.toml, and each rule's own tables and fixtures): the file walker, the LSP
    document selector, partial re-checks, test-file detection, "Ask Forge" and the VS Code
    extension's language list (scripts/gen_vscode_languages.py) all read it from here.
    """

    name: str
    module: str  # the grammar wheel's module, imported on first use
    function: str  # the module's function returning the grammar (`language`, `language_tsx`)
    line_comment: str  # what opens a line comment: suppressions are written with it
    extensions: tuple[str, ...]  # lower case, with the dot; the first names fixture files
    lsp_ids: tuple[str, ...]  # LSP (and VS Code) language ids of documents in this language
    # Node types of comments: skipped where rules and Claude's fix checks read code, and an
    # edit inside one between two functions re-checks only its lines.
    comment_types: frozenset[str]
    # Node types of functions, methods and lambdas: an edit inside one re-checks only it
    # (forge_lsp/engine/recheck.py), and "Ask Forge" on an empty selection takes it.
    function_types: frozenset[str]
    # The function types written inline (an arrow function passed as an argument): "Ask Forge"
    # on an empty selection widens past them to the named function holding them.
    inline_function_types: frozenset[str] = frozenset()
    # Regular expressions searched in a file's name (not its folders) that mark a test file.
    test_files: tuple[str, ...] = ()
    # Folder names that hold tests by this language's habits. Any file under one of any
    # language's test folders counts as a test: projects mix languages (a `tests/` of Python
    # scripts beside a Go service).
    test_folders: tuple[str, ...] = ()

    @property
    def grammar(self) -> tree_sitter.Language:
        return _grammar(self.module, self.function)


_SCRIPT_FUNCTIONS = frozenset(
    {
        "function_declaration",
        "generator_function_declaration",
        "function_expression",
        "function",
        "arrow_function",
        "method_definition",
    }
)
_SCRIPT_INLINE_FUNCTIONS = frozenset({"arrow_function", "function_expression"})
_SCRIPT_TEST_FOLDERS = ("__tests__", "test", "spec", "specs")

LANGUAGES: dict[str, LanguageSpec] = {
    spec.name: spec
    for spec in (
        LanguageSpec(
            name="python",
            module="tree_sitter_python",
            function="language",
            line_comment="#",
            extensions=(".py", ".pyi"),
            lsp_ids=("python",),
            comment_types=frozenset({"comment"}),
            function_types=frozenset({"function_definition"}),
            test_files=(r"^test_.*\.py$", r"_test\.py$", r"^conftest\.py$"),
            test_folders=("tests", "testing"),
        ),
        LanguageSpec(
            name="go",
            module="tree_sitter_go",
            function="language",
            line_comment="//",
            extensions=(".go",),
            lsp_ids=("go",),
            comment_types=frozenset({"comment"}),
            function_types=frozenset(
                {"function_declaration", "method_declaration", "func_literal"}
            ),
            test_files=(r"_test\.go$",),
        ),
        LanguageSpec(
            name="javascript",
            module="tree_sitter_javascript",
            function="language",
            line_comment="//",
            extensions=(".js", ".mjs", ".cjs", ".jsx"),
            lsp_ids=("javascript", "javascriptreact"),
            comment_types=frozenset({"comment"}),
            function_types=_SCRIPT_FUNCTIONS,
            inline_function_types=_SCRIPT_INLINE_FUNCTIONS,
            test_files=(r"\.(test|spec)\.[cm]?jsx?$",),
            test_folders=_SCRIPT_TEST_FOLDERS,
        ),
        LanguageSpec(
            name="typescript",
            module="tree_sitter_typescript",
            function="language_typescript",
            line_comment="//",
            extensions=(".ts", ".mts", ".cts"),
            lsp_ids=("typescript",),
            comment_types=frozenset({"comment"}),
            function_types=_SCRIPT_FUNCTIONS,
            inline_function_types=_SCRIPT_INLINE_FUNCTIONS,
            test_files=(r"\.(test|spec)\.[cm]?ts$",),
            test_folders=_SCRIPT_TEST_FOLDERS,
        ),
        LanguageSpec(
            name="tsx",
            module="tree_sitter_typescript",
            function="language_tsx",
            line_comment="//",
            extensions=(".tsx",),
            lsp_ids=("typescriptreact",),
            comment_types=frozenset({"comment"}),
            function_types=_SCRIPT_FUNCTIONS,
            inline_function_types=_SCRIPT_INLINE_FUNCTIONS,
            test_files=(r"\.(test|spec)\.[cm]?tsx$",),
            test_folders=_SCRIPT_TEST_FOLDERS,
        ),
        LanguageSpec(
            name="java",
            module="tree_sitter_java",
            function="language",
            line_comment="//",
            extensions=(".java",),
            lsp_ids=("java",),
            comment_types=frozenset({"line_comment", "block_comment"}),
            function_types=frozenset(
                {"method_declaration", "constructor_declaration", "lambda_expression"}
            ),
            test_files=(r"Tests?\.java$",),
            test_folders=("test",),  # Maven and Gradle: src/test/java
        ),
        LanguageSpec(
            name="rust",
            module="tree_sitter_rust",
            function="language",
            line_comment="//",
            extensions=(".rs",),
            lsp_ids=("rust",),
            comment_types=frozenset({"line_comment", "block_comment"}),
            function_types=frozenset({"function_item", "closure_expression"}),
            test_folders=("tests",),  # Cargo's integration tests
        ),
        LanguageSpec(
            name="kotlin",
            module="tree_sitter_kotlin",
            function="language",
            line_comment="//",
            extensions=(".kt", ".kts"),
            lsp_ids=("kotlin",),
            comment_types=frozenset({"line_comment", "block_comment"}),
            function_types=frozenset(
                {"function_declaration", "anonymous_function", "lambda_literal"}
            ),
            test_folders=("test",),  # Gradle: src/test/kotlin
        ),
    )
}

# Every grammar's comment node types, for code that walks trees of any language.
COMMENT_TYPES = frozenset(kind for spec in LANGUAGES.values() for kind in spec.comment_types)

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
