"""What Claude said about ranges of open documents, kept in place while the user edits.

A review leaves findings (published as diagnostics with source `forge (claude)` beside the
rule diagnostics) and an explanation leaves a short text for the hover of the explained range.
Each is anchored to the exact text it was placed in; when the document changes, every
annotation moves with the edit, and one whose own text the edit touched is dropped: what
Claude said about code no longer holds once that code changed.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace

from forge_lsp.core.model import Edit, Finding, Fix, Point
from forge_lsp.engine import incremental
from forge_lsp.engine.incremental import ByteEdit, shift_point, shifted


@dataclass(frozen=True)
class Explanation:
    """A short explanation for the hover of [start, end), and where the long form is."""

    start: Point
    end: Point
    markdown: str
    document_uri: str | None = None


@dataclass
class _Document:
    source: bytes
    findings: list[Finding]
    explanations: list[Explanation]


class Annotations:
    """Claude's findings and explanations per document URI (thread-safe)."""

    def __init__(self) -> None:
        self._documents: dict[str, _Document] = {}
        self._lock = threading.Lock()
        self.generation = 0  # bumped on every change, for pull diagnostics' result ids

    def __len__(self) -> int:
        """Documents holding findings or explanations (a closed document's are cleared)."""
        with self._lock:
            return len(self._documents)

    def put_findings(
        self, uri: str, source: bytes, findings: list[Finding], reviewed: tuple[Point, Point]
    ) -> None:
        """Findings of a review of `reviewed` in `source`: they replace the earlier Claude
        findings inside that range (a second review of the same code is the newer opinion)."""
        with self._lock:
            document = self._moved_locked(uri, source)
            start, end = reviewed
            kept = [f for f in document.findings if not (start <= f.start and f.end <= end)]
            document.findings = sorted(kept + findings, key=lambda f: (f.start, f.code))
            self.generation += 1

    def put_explanation(self, uri: str, source: bytes, explanation: Explanation) -> None:
        with self._lock:
            document = self._moved_locked(uri, source)
            document.explanations = [
                e
                for e in document.explanations
                if (e.start, e.end) != (explanation.start, explanation.end)
            ] + [explanation]
            self.generation += 1

    def findings(self, uri: str, source: bytes) -> list[Finding]:
        """Claude's findings for the document whose text is now `source`."""
        with self._lock:
            document = self._documents.get(uri)
            if document is None:
                return []
            return list(self._moved_locked(uri, source).findings)

    def explanations(self, uri: str, source: bytes) -> list[Explanation]:
        with self._lock:
            document = self._documents.get(uri)
            if document is None:
                return []
            return list(self._moved_locked(uri, source).explanations)

    def clear(self, uri: str) -> None:
        with self._lock:
            if self._documents.pop(uri, None) is not None:
                self.generation += 1

    def _moved_locked(self, uri: str, source: bytes) -> _Document:
        document = self._documents.get(uri)
        if document is None:
            document = self._documents[uri] = _Document(source, [], [])
            return document
        if document.source == source:
            return document
        edit = incremental.diff(document.source, source)
        if edit is not None:
            before = (len(document.findings), len(document.explanations))
            findings = (_moved_finding(f, edit) for f in document.findings)
            document.findings = [f for f in findings if f is not None]
            explanations = (_moved_explanation(e, edit) for e in document.explanations)
            document.explanations = [e for e in explanations if e is not None]
            if before != (len(document.findings), len(document.explanations)):
                self.generation += 1
        document.source = source
        return document


def _lines_inserted_above(start: Point, edit: ByteEdit) -> int:
    """How many whole lines the edit inserted right above `start` (at its column 0)."""
    edit_start, edit_end = Point(*edit.start_point), Point(*edit.old_end_point)
    if edit_start == edit_end == start and start.column == 0 and edit.new_end_point[1] == 0:
        return edit.new_end_point[0] - edit_start.line
    return 0


def _touches(start: Point, end: Point, edit: ByteEdit) -> bool:
    """Whether the edit changed text inside [start, end] (an insertion at either end too)."""
    return Point(*edit.start_point) <= end and start <= Point(*edit.old_end_point)


def _moved_finding(finding: Finding, edit: ByteEdit) -> Finding | None:
    lines = _lines_inserted_above(finding.start, edit)
    if lines:
        return _down(finding, lines)
    return None if _touches(finding.start, finding.end, edit) else shifted(finding, edit)


def _down(finding: Finding, lines: int) -> Finding:
    fix = finding.fix
    if fix is not None:
        edits = tuple(
            Edit(
                Point(e.start.line + lines, e.start.column),
                Point(e.end.line + lines, e.end.column),
                e.new_text,
            )
            for e in fix.edits
        )
        fix = Fix(fix.title, edits)
    return replace(
        finding,
        start=Point(finding.start.line + lines, finding.start.column),
        end=Point(finding.end.line + lines, finding.end.column),
        fix=fix,
    )


def _moved_explanation(explanation: Explanation, edit: ByteEdit) -> Explanation | None:
    start, end = explanation.start, explanation.end
    lines = _lines_inserted_above(start, edit)
    if lines:
        return replace(
            explanation, start=Point(start.line + lines, 0), end=Point(end.line + lines, end.column)
        )
    if _touches(start, end, edit):
        return None
    moved_start, moved_end = shift_point(start, edit), shift_point(end, edit)
    if moved_start is None or moved_end is None:
        return None
    return replace(explanation, start=moved_start, end=moved_end)
