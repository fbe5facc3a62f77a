"""From findings to report records: positions converted to 1-based lines and both column units
(code points and UTF-16), fixes with them, and every rule's metadata for the formats.
Runs in the `check` command's workers, so the main process formats without the source.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from forge_lsp.core.model import Finding, Fix, Point
from forge_lsp.core.positions import byte_to_codepoints, byte_to_utf16, line_bytes_at
from forge_lsp.engine.fixes import line_starts
from forge_lsp.report import Position, Reported, ReportedEdit, ReportedFix, RuleInfo
from forge_lsp.rules import registry


def report_findings(
    display: str,
    source: bytes,
    findings: Sequence[Finding],
    identities: Sequence[tuple[str, str]] = (),
) -> Iterator[Reported]:
    """`findings` of `source` as report records (positions converted; a Claude finding is
    named by its category), with each one's ``(fingerprint, function)`` from `identities` when
    given (`engine.fingerprints.fingerprints`)."""
    if not findings:
        return
    starts = line_starts(source)
    position = _position_converter(source, starts)
    for index, finding in enumerate(findings):
        rule = registry.get(finding.code)
        fingerprint, function = identities[index] if index < len(identities) else ("", "")
        yield Reported(
            display,
            finding.code,
            rule.name if rule else str(finding.data.get("category", "")),
            finding.severity.label,
            finding.message,
            position(finding.start),
            position(finding.end),
            _fix(finding.fix, position),
            finding.source,
            finding.confidence.label,
            fingerprint,
            function,
        )


def _position_converter(source: bytes, starts: list[int]) -> Callable[[Point], Position]:
    def position(point: Point) -> Position:
        line = min(max(point.line, 0), len(starts) - 1)
        text = line_bytes_at(source, starts, line)
        return Position(
            line + 1,
            byte_to_codepoints(text, point.column) + 1,
            byte_to_utf16(text, point.column) + 1,
        )

    return position


def _fix(fix: Fix | None, position: Callable[[Point], Position]) -> ReportedFix | None:
    if fix is None:
        return None
    edits = tuple(ReportedEdit(position(e.start), position(e.end), e.new_text) for e in fix.edits)
    return ReportedFix(fix.title, edits)


def rule_infos() -> list[RuleInfo]:
    """Every rule's metadata, ordered by code."""
    return [
        RuleInfo(
            rule.code,
            rule.name,
            rule.summary,
            rule.severity.label,
            rule.cwe,
            tuple(sorted(rule.languages)),
            rule.fixable,
            rule.markdown(),
        )
        for rule in registry.all_rules()
    ]
