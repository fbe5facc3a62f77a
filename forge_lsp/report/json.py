"""The `json` format: a list of findings, in the shape editors and scripts consume easily.

Each object has ``path``, ``line``, ``column``, ``endLine``, ``endColumn`` (1-based, columns in
code points, the end exclusive), ``code``, ``name``, ``severity``, ``message`` and ``fix``
(``{"title", "edits": [{"line", "column", "endLine", "endColumn", "newText"}]}`` or null),
``source`` (``"forge"`` for the rules, ``"forge (claude)"`` for Claude's review, codes ``FGC...``)
``confidence`` (``"high"``, ``"medium"`` or ``"low"``: how sure the rule is) and
``fingerprint`` (who the finding is, whatever line it moved to: what baselines match on; null
for Claude's findings).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from forge_lsp.report import Reported, ReportedFix, RuleInfo


def _fix(fix: ReportedFix | None) -> dict[str, Any] | None:
    if fix is None:
        return None
    edits = [
        {
            "line": edit.start.line,
            "column": edit.start.column,
            "endLine": edit.end.line,
            "endColumn": edit.end.column,
            "newText": edit.new_text,
        }
        for edit in fix.edits
    ]
    return {"title": fix.title, "edits": edits}


def finding_object(finding: Reported) -> dict[str, Any]:
    """One finding as a JSON object."""
    return {
        "path": finding.path,
        "line": finding.start.line,
        "column": finding.start.column,
        "endLine": finding.end.line,
        "endColumn": finding.end.column,
        "code": finding.code,
        "name": finding.name,
        "severity": finding.severity,
        "message": finding.message,
        "fix": _fix(finding.fix),
        "source": finding.source,
        "confidence": finding.confidence,
        "fingerprint": finding.fingerprint or None,
    }


def render(findings: Iterable[Reported]) -> str:
    """The findings as a JSON array (with a trailing newline)."""
    return json.dumps([finding_object(f) for f in findings], indent=2, ensure_ascii=False) + "\n"


def render_statistics(counts: dict[str, int], rules: dict[str, RuleInfo]) -> str:
    """Finding counts per rule as a JSON array, most frequent first."""
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    rows = [
        {
            "code": code,
            "name": rules[code].name if code in rules else "",
            "count": count,
            "fixable": bool(rules[code].fixable) if code in rules else False,
        }
        for code, count in ordered
    ]
    return json.dumps(rows, indent=2) + "\n"


def render_rules(rules: Iterable[RuleInfo]) -> str:
    """The `rules --format json` listing."""
    rows = [
        {
            "code": r.code,
            "name": r.name,
            "severity": r.severity,
            "cwe": r.cwe,
            "languages": list(r.languages),
            "fixable": r.fixable,
            "summary": r.summary,
        }
        for r in rules
    ]
    return json.dumps(rows, indent=2) + "\n"
