"""Diagnostics reused from the previous version are the ones a fresh conversion gives."""

from __future__ import annotations

from forge_lsp.core.model import Confidence, Edit, Finding, Fix, Point, Severity
from forge_lsp.lsp import lsp_convert
from forge_lsp.lsp.diagnostic_cache import DiagnosticCache
from forge_lsp.rules import rule_docs


def _finding(line: int, start: int, end: int, **changes: object) -> Finding:
    fields: dict[str, object] = {
        "code": "FG101",
        "message": "m",
        "severity": Severity.WARNING,
        "start": Point(line, start),
        "end": Point(line, end),
    }
    fields.update(changes)
    return Finding(**fields)  # type: ignore[arg-type]


def _fresh(findings: list[Finding], lines: list[bytes], encoding: str) -> list[object]:
    return [lsp_convert.diagnostic(f, lines, encoding, rule_docs.doc_uri(f.code)) for f in findings]


def test_a_cached_diagnostic_follows_its_line() -> None:
    cache = DiagnosticCache()
    findings = [_finding(0, 6, 9), _finding(1, 0, 3)]
    lines = ["x = 'é' + a".encode(), b"abc"]
    first = cache.convert(findings, lines, "utf-16", 0)
    assert first == _fresh(findings, lines, "utf-16")
    # Same bytes before the finding, other characters: the same finding, other UTF-16 columns.
    lines = [b"x = 'ab' + a", b"abc"]
    again = cache.convert(findings, lines, "utf-16", 0)
    assert again == _fresh(findings, lines, "utf-16")
    assert again[0] != first[0]
    assert again[1] is first[1]  # its line did not change: reused


def test_encoding_settings_data_and_confidence_are_respected() -> None:
    cache = DiagnosticCache()
    lines = ["é = 1 + b".encode()]
    finding = _finding(0, 3, 6)
    utf16 = cache.convert([finding], lines, "utf-16", 0)
    assert cache.convert([finding], lines, "utf-8", 0) == _fresh([finding], lines, "utf-8")
    assert cache.convert([finding], lines, "utf-8", 1)[0] is not utf16[0]
    with_data = _finding(0, 3, 6, data={"k": 1})
    assert cache.convert([with_data], lines, "utf-8", 1) == _fresh([with_data], lines, "utf-8")
    low = _finding(0, 3, 6, data={"k": 1}, confidence=Confidence.LOW)
    assert cache.convert([low], lines, "utf-8", 1) == _fresh([low], lines, "utf-8")


def test_findings_with_fixes_or_past_the_end_are_converted_every_time() -> None:
    cache = DiagnosticCache()
    fix = Fix("t", (Edit(Point(1, 0), Point(1, 1), "y"),))
    findings = [_finding(0, 0, 1, fix=fix), _finding(5, 0, 1)]
    lines = [b"a", b"b"]
    first = cache.convert(findings, lines, "utf-16", 0)
    lines = [b"a", "é".encode()]
    again = cache.convert(findings, lines, "utf-16", 0)
    assert again == _fresh(findings, lines, "utf-16")
    assert again[0] != first[0]
