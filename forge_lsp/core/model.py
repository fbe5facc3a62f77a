"""The vocabulary every producer of findings shares: severities, spans, fixes and findings.

Positions are tree-sitter points: a zero-based line and a zero-based *byte* column in the
UTF-8 encoding of that line. They are converted to the client's position encoding only at the
LSP boundary (see `forge_lsp.core.positions`), so rules never think about encodings.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

# `Finding.source` of Claude's review findings (the rules' findings say "forge").
CLAUDE_SOURCE = "forge (claude)"


class Severity(enum.IntEnum):
    """Severities, numbered as LSP numbers them."""

    ERROR = 1
    WARNING = 2
    INFO = 3
    HINT = 4

    @classmethod
    def parse(cls, name: str) -> Severity:
        """Parse a severity name such as ``"warning"`` (case-insensitive); ValueError otherwise."""
        aliases = {"information": "info", "warn": "warning"}
        key = name.strip().lower()
        try:
            return cls[aliases.get(key, key).upper()]
        except KeyError:
            raise ValueError(f"unknown severity {name!r}") from None

    @property
    def label(self) -> str:
        return self.name.lower()


class Confidence(enum.IntEnum):
    """How sure a rule is that a finding is real, best first (SARIF's `rank` is derived from it).

    High: the rule saw the whole story (untrusted input reaching SQL, a literal reaching a
    credential sink). Medium: one link is unknown (a function parameter of unknown origin).
    Low: the rule matched the shape but could not tell where a value comes from.
    """

    HIGH = 1
    MEDIUM = 2
    LOW = 3

    @classmethod
    def parse(cls, name: str) -> Confidence:
        """Parse ``"high"``, ``"medium"`` or ``"low"`` (case-insensitive); ValueError otherwise."""
        try:
            return cls[name.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown confidence {name!r}") from None

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, slots=True, order=True)
class Point:
    """A zero-based line and a zero-based byte column within that line's UTF-8 bytes."""

    line: int
    column: int


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace the bytes between two points of the checked source with ``new_text``."""

    start: Point
    end: Point
    new_text: str


@dataclass(frozen=True, slots=True)
class Fix:
    """A safe, mechanical fix: a title for the code action and the edits it makes."""

    title: str
    edits: tuple[Edit, ...]


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem Forge found, at a span of the checked source."""

    code: str
    message: str
    severity: Severity
    start: Point
    end: Point
    fix: Fix | None = None
    source: str = "forge"
    data: dict[str, object] = field(default_factory=dict, compare=False, hash=False)
    confidence: Confidence = Confidence.HIGH
