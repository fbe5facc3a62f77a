"""Rule docs as files a client can open: the target of every diagnostic's `codeDescription`.

Docs are written once per version into the user cache folder, so the link works offline in
every editor and always matches the running server's rules.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import platformdirs

from forge_lsp import __version__
from forge_lsp.rules import registry


def docs_folder() -> Path:
    return Path(platformdirs.user_cache_dir("forge-lsp")) / "rules" / __version__


@cache
def doc_path(code: str) -> Path | None:
    """The Markdown file of a rule's doc (written on first use), or None for unknown codes."""
    rule = registry.get(code)
    if rule is None:
        return None
    path = docs_folder() / f"{rule.code}.md"
    text = rule.markdown()
    try:
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    except OSError:
        return None  # a read-only cache: diagnostics go out without the link
    return path


def doc_uri(code: str) -> str | None:
    path = doc_path(code)
    return path.as_uri() if path else None
