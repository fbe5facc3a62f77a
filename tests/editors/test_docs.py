"""docs/editors.md: the snippets for editors the project cannot run here (Helix, Zed, Sublime
Text) at least parse, name the real server command and cover Forge's languages; the Neovim and
Emacs snippets are checked against the tests that run them (test_neovim.py, test_emacs.py)."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from forge_lsp.core import languages

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

DOC = (Path(__file__).resolve().parent.parent.parent / "docs" / "editors.md").read_text(
    encoding="utf-8"
)


# How each editor names the languages of Forge's registry (forge_lsp/core/languages.py): a
# language added there without a name here fails these tests, and then the snippets.
ZED_NAMES = {
    "python": "Python",
    "go": "Go",
    "javascript": "JavaScript",
    "typescript": "TypeScript",
    "tsx": "TypeScript",
    "java": "Java",
    "rust": "Rust",
    "kotlin": "Kotlin",
}
SUBLIME_SCOPES = {
    "python": "source.python",
    "go": "source.go",
    "javascript": "source.js",
    "typescript": "source.ts",
    "tsx": "source.tsx",
    "java": "source.java",
    "rust": "source.rust",
    "kotlin": "source.kotlin",
}
HELIX_NAMES = {
    "python": "python",
    "go": "go",
    "javascript": "javascript",
    "typescript": "typescript",
    "tsx": "tsx",
    "java": "java",
    "rust": "rust",
    "kotlin": "kotlin",
}
EMACS_MODES = {
    "python": "python-ts-mode",
    "go": "go-ts-mode",
    "javascript": "js-ts-mode",
    "typescript": "typescript-ts-mode",
    "tsx": "tsx-ts-mode",
    "java": "java-ts-mode",
    "rust": "rust-ts-mode",
    "kotlin": "kotlin-ts-mode",
}


def blocks(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```$", DOC, re.S | re.M)


def section(title: str) -> str:
    found = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", DOC, re.S | re.M)
    assert found, f"docs/editors.md has no section {title!r}"
    return found.group(1)


@pytest.mark.parametrize(
    "title",
    ["VS Code", "Neovim 0.11", "Emacs (eglot)", "Helix", "Zed", "Sublime Text (LSP package)"],
)
def test_every_editor_has_a_section_saying_how_to_set_the_key(title: str) -> None:
    text = section(title)
    assert "The key" in text, f"{title}: how to give Forge the key"
    assert "Claude's actions" in text, f"{title}: where Claude's actions appear"


def test_helix_snippet_parses_and_starts_forge() -> None:
    [snippet] = [b for b in blocks("toml") if "language-server.forge" in b]
    config = tomllib.loads(snippet)
    assert config["language-server"]["forge"]["command"] == "forge-lsp"
    assert all("forge" in language["language-servers"] for language in config["language"])


def test_zed_snippet_parses_and_names_forge() -> None:
    [snippet] = [json.loads(b) for b in blocks("json") if '"lsp"' in b]
    assert snippet["lsp"]["forge"]["binary"]["path"] == "forge-lsp"
    named = snippet["languages"]
    assert {ZED_NAMES[name] for name in languages.LANGUAGES} <= set(named)
    assert all("forge" in entry["language_servers"] for entry in named.values())


def test_sublime_snippet_parses_and_covers_forges_languages() -> None:
    [snippet] = [json.loads(b) for b in blocks("json") if '"clients"' in b]
    client = snippet["clients"]["forge"]
    assert client["command"] == ["forge-lsp"] and client["enabled"] is True
    scopes = client["selector"].split(" | ")
    for name in languages.LANGUAGES:
        assert SUBLIME_SCOPES[name] in scopes, name


def test_vscode_section_links_the_extension_readme() -> None:
    assert "](../editors/vscode/README.md)" in section("VS Code")
    assert "Forge: Set API Key" in section("VS Code")


def test_readme_links_the_guide() -> None:
    readme = (Path(__file__).resolve().parent.parent.parent / "README.md").read_text(
        encoding="utf-8"
    )
    editor_setup = readme.split("## Editor setup", 1)[1].split("\n## ", 1)[0]
    assert "[docs/editors.md](docs/editors.md)" in editor_setup


def test_neovim_snippet_covers_every_lsp_language_id() -> None:
    """Neovim's filetypes are the LSP language ids of Forge's registry."""
    [snippet] = [b for b in blocks("lua") if "vim.lsp.config('forge'" in b]
    filetypes = set(re.findall(r"'([a-z]+)'", snippet.split("filetypes", 1)[1].split("}", 1)[0]))
    assert filetypes == {i for spec in languages.LANGUAGES.values() for i in spec.lsp_ids}


def test_emacs_snippet_covers_every_language() -> None:
    [snippet] = [b for b in blocks("elisp") if "eglot-server-programs" in b]
    modes = set(re.findall(r"[a-z-]+-mode", snippet))
    assert {EMACS_MODES[name] for name in languages.LANGUAGES} <= modes


def test_helix_prose_names_every_language() -> None:
    text = section("Helix")
    for name in languages.LANGUAGES:
        if HELIX_NAMES[name] != "python":  # the example entry itself
            assert f"`{HELIX_NAMES[name]}`" in text, name
    assert "`jsx`" in text  # Helix's own name for JavaScript with JSX
