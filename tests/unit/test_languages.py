"""The language registry (forge_lsp/core/languages.py): each entry is whole and consistent.

A new language is one `LanguageSpec`; these tests catch what a hand-written entry gets wrong
(a node type the grammar does not have, an extension claimed twice, a grammar wheel missing
from pyproject.toml) before a rule or the editor meets it.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from forge_lsp.core import languages

ROOT = Path(__file__).resolve().parents[2]
SPECS = list(languages.LANGUAGES.values())


def _node_types(spec: languages.LanguageSpec) -> set[str]:
    """Named and anonymous: the script languages' `function` is the keyword's token since
    tree-sitter-javascript renamed the node to `function_expression`."""
    grammar = spec.grammar
    return {grammar.node_kind_for_id(kind) for kind in range(grammar.node_kind_count)}


def test_every_extension_and_language_id_names_one_language() -> None:
    extensions = Counter(ext for spec in SPECS for ext in spec.extensions)
    lsp_ids = Counter(lsp_id for spec in SPECS for lsp_id in spec.lsp_ids)
    assert [ext for ext, count in extensions.items() if count > 1] == []
    assert [lsp_id for lsp_id, count in lsp_ids.items() if count > 1] == []
    for spec in SPECS:
        assert spec.extensions and spec.lsp_ids, spec.name
        assert all(re.fullmatch(r"\.[a-z0-9]+", ext) for ext in spec.extensions), spec.name
        assert languages.LANGUAGES[spec.name] is spec


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.name)
def test_function_types_are_node_types_of_the_grammar(spec: languages.LanguageSpec) -> None:
    node_types = _node_types(spec)
    assert spec.function_types, "partial re-checks and 'Ask Forge' need the function types"
    assert spec.function_types <= node_types, sorted(spec.function_types - node_types)
    assert spec.inline_function_types <= spec.function_types


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.name)
def test_comment_types_are_the_grammars_comments(spec: languages.LanguageSpec) -> None:
    """Code that skips comments (rules, Claude's fix checks, partial re-checks) reads them here."""
    assert spec.comment_types, "every language has comments"
    assert spec.comment_types <= _node_types(spec), sorted(spec.comment_types - _node_types(spec))
    assert all("comment" in kind for kind in spec.comment_types)
    assert spec.comment_types <= languages.COMMENT_TYPES


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.name)
def test_test_conventions_are_file_name_patterns_and_folder_names(
    spec: languages.LanguageSpec,
) -> None:
    for pattern in spec.test_files:
        re.compile(pattern)
        assert "/" not in pattern, "matched against the file name alone"
    for folder in spec.test_folders:
        assert re.fullmatch(r"[\w.-]+", folder), folder


def test_every_grammar_is_a_pinned_dependency() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    for module in {spec.module for spec in SPECS}:
        wheel = module.replace("_", "-")
        assert re.search(rf'"{wheel}==[\d.]+"', pyproject), f"{wheel} is not pinned"


def test_the_registry_loads_no_grammar() -> None:
    """The server answers `initialize` before any grammar wheel is imported."""
    code = (
        "import sys, forge_lsp.core.languages as l; l.for_path('a.py'); "
        "print(sorted(m for m in sys.modules if m.startswith('tree_sitter')))"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    assert output.strip() == "[]"


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.name)
def test_claudes_fixes_can_be_verified_in_every_language(spec: languages.LanguageSpec) -> None:
    """Verifying a fix Claude proposes reads the calls and imports it adds: the AI layer's
    tables need an entry per language (forge_lsp/ai/call_syntax.py, call_imports.py,
    fix_capabilities.py), or checking a fix in that language fails."""
    from forge_lsp.ai import call_imports, fix_capabilities
    from forge_lsp.ai.call_syntax import syntax_for

    syntax = syntax_for(spec)
    assert syntax.language in call_imports._READERS
    assert fix_capabilities._compiled(spec.name)


ARROW_IN_FUNCTION = "function load(ids) {\n  ids.map((id) => {\n    get(id);\n  });\n}\n"
EXPRESSION_IN_FUNCTION = "function View() {\n  const f = function () {\n    go();\n  };\n}\n"
JAVA_LAMBDA = "class A {\n  void run() {\n    xs.forEach(x -> {\n      use(x);\n    });\n  }\n}\n"
PYTHON_NESTED = "def outer():\n    def inner():\n        go()\n    return inner\n"


@pytest.mark.parametrize(
    ("language", "source", "cursor_line", "expected"),
    [
        # An inline function: the cursor in it asks about the named function holding it.
        ("javascript", ARROW_IN_FUNCTION, 2, (0, 4)),
        ("tsx", EXPRESSION_IN_FUNCTION, 2, (0, 4)),
        # A Java lambda is a function of its own (Java has no inline function types).
        ("java", JAVA_LAMBDA, 3, (2, 4)),
        ("python", PYTHON_NESTED, 2, (1, 2)),
    ],
)
def test_an_empty_selection_takes_the_function_around_it(
    language: str, source: str, cursor_line: int, expected: tuple[int, int]
) -> None:
    """'Ask Forge' with the cursor on a line: the function around it, or the named function
    holding an inline one."""
    from forge_lsp.ai.shared import widen_selection

    spec = languages.LANGUAGES[language]
    cursor = (cursor_line, 6)
    assert widen_selection(spec, source.encode(), cursor, cursor) == expected
