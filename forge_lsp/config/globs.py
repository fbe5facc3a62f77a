"""The `exclude` globs: which paths they leave out (gitignore-like, `**` across folders)."""

from __future__ import annotations

import re
from functools import lru_cache


def _translate_segment(glob: str) -> str:
    """A glob without `**` as a regex in which `*` and `?` never cross a `/`."""
    out = []
    for char in glob:
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        else:
            out.append(re.escape(char))
    return "".join(out)


@lru_cache(maxsize=512)
def _glob_regex(pattern: str) -> re.Pattern[str]:
    pattern = pattern.strip().removeprefix("./").rstrip("/")
    if "/" not in pattern:
        pattern = "**/" + pattern  # a bare name matches at any depth, like .gitignore
    parts = []
    for piece in re.split(r"(\*\*/|/\*\*$)", pattern):
        if piece == "**/":
            parts.append("(?:.*/)?")
        elif piece == "/**":
            parts.append("(?:/.*)?")
        elif piece:
            parts.append(_translate_segment(piece))
    return re.compile("".join(parts) + r"\Z")


def excluded(relative_path: str, patterns: tuple[str, ...]) -> bool:
    """True when the path or one of its parent folders matches one of the globs."""
    pieces = relative_path.strip("/").split("/")
    candidates = ["/".join(pieces[: i + 1]) for i in range(len(pieces))]
    return any(_glob_regex(p).match(c) for p in patterns for c in candidates)
