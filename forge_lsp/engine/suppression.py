"""Suppression comments: ``# forge: ignore[FG101]`` (or ``// ...``) silences a finding on its line.

A bare ``forge: ignore`` silences every rule on the line. Only text inside a real comment node
counts, so a string that happens to contain the marker silences nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import tree_sitter

MARKER = b"forge:"
_PATTERN = re.compile(rb"forge:\s*ignore(?:\[(?P<codes>[A-Za-z0-9_,\s]*)\])?")
ALL = "*"


@dataclass(frozen=True, slots=True)
class Suppression:
    """One suppression comment: its zero-based line, byte columns and the codes it names."""

    line: int
    start_column: int
    end_column: int
    codes: frozenset[str]

    def covers(self, code: str) -> bool:
        return ALL in self.codes or code in self.codes


def find_suppressions(source: bytes, root: tree_sitter.Node) -> dict[int, Suppression]:
    """The suppression comments of a file, keyed by line."""
    if MARKER not in source:
        return {}
    found: dict[int, Suppression] = {}
    for match in _PATTERN.finditer(source):
        node = root.descendant_for_byte_range(match.start(), match.end())
        if node is None or "comment" not in node.type:
            continue
        line_start = source.rfind(b"\n", 0, match.start()) + 1
        line = source.count(b"\n", 0, match.start())
        raw_codes = match.group("codes")
        if raw_codes is None:
            codes = frozenset({ALL})
        else:
            codes = frozenset(
                code.strip().upper() for code in raw_codes.decode().split(",") if code.strip()
            )
        found[line] = Suppression(line, match.start() - line_start, match.end() - line_start, codes)
    return found


def comment_text(line_comment: str, codes: list[str]) -> str:
    """The suppression comment for these codes in a language's line-comment syntax."""
    return f"{line_comment} forge: ignore[{', '.join(codes)}]"


def merge_codes(existing: Suppression, code: str) -> list[str]:
    """The codes a suppression names once `code` is added to it."""
    return sorted(existing.codes | {code})
