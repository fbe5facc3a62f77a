"""What the `check` command reports, independent of the output format.

Worker processes turn each `Finding` (zero-based line, UTF-8 byte column) into a `Reported`
record whose positions are already converted, so that the main process needs neither the
source nor the engine to format them. Positions here are 1-based, and every end is exclusive
(the column just after the last character), as in SARIF and in ruff's JSON output.

`text`, `json`, `sarif` and `gitlab` format them. May import `core`, `dataflow`, `rules`,
`config` and `engine`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Position:
    """A 1-based line, with its 1-based column counted in code points and in UTF-16 units."""

    line: int
    column: int
    column_utf16: int


@dataclass(frozen=True, slots=True)
class ReportedEdit:
    """One edit of a fix: replace the text between two positions with `new_text`."""

    start: Position
    end: Position
    new_text: str


@dataclass(frozen=True, slots=True)
class ReportedFix:
    """A fix: its title and edits."""

    title: str
    edits: tuple[ReportedEdit, ...]


@dataclass(frozen=True, slots=True)
class Reported:
    """One finding of one file, ready to print."""

    path: str  # as shown to the user: relative to the current folder when under it
    code: str
    name: str
    severity: str  # "error", "warning", "info" or "hint"
    message: str
    start: Position
    end: Position
    fix: ReportedFix | None
    source: str = "forge"  # "forge (claude)" for Claude's findings (codes FGC...)
    confidence: str = "high"  # "high", "medium" or "low" (`core.model.Confidence.label`)
    # Who the finding is, whatever line it moved to (`engine.fingerprints`); baselines and
    # SARIF's `partialFingerprints` use it. Empty when it was not computed.
    fingerprint: str = ""
    function: str = ""  # the named function it sits in, dotted; "" at module level

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.start.line, self.start.column, self.code)


@dataclass(frozen=True, slots=True)
class FileResult:
    """The outcome of checking one file: its findings, or why it was not checked."""

    path: str
    findings: tuple[Reported, ...] = ()
    skipped: str | None = None  # a note (too big, no language): the file was left out
    error: str | None = None  # the file could not be read
    generated: bool = False  # skipped because it is marked generated (told once, as a count)

    @property
    def checked(self) -> bool:
        return self.skipped is None and self.error is None


@dataclass(frozen=True, slots=True)
class RuleInfo:
    """The metadata of a rule that the reports show (copied out of the registry)."""

    code: str
    name: str
    summary: str
    severity: str
    cwe: int | None
    languages: tuple[str, ...]
    fixable: bool
    markdown: str


SARIF_LEVELS = {"error": "error", "warning": "warning", "info": "note", "hint": "note"}

# SARIF 2.1.0 `result.rank` (0.0 to 100.0, higher means more likely a real problem) for each
# confidence; README.md ("The command line") states the mapping.
SARIF_RANKS = {"high": 90.0, "medium": 60.0, "low": 30.0}
