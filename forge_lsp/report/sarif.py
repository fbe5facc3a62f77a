"""The `sarif` format: a SARIF 2.1.0 log (GitHub code scanning and other SARIF viewers read it).

One run, whose ``tool.driver.rules`` lists every rule; results point into it with ``ruleId``
and ``ruleIndex``. Regions are 1-based with exclusive end columns counted in UTF-16 code units
(SARIF's default ``columnKind``, stated explicitly). Paths under the current folder are
relative URIs against ``%SRCROOT%``, which ``originalUriBaseIds`` maps to that folder.

Claude's findings (``check --ai``) stay in the same run: their codes (``FGC...``) are rules of
the same driver, listed after the offline rules only when ``--ai`` ran, each described as a
model's review; their results carry ``properties.source = "forge (claude)"``. One run keeps
one tool per upload for code-scanning services, and the ``FGC`` prefix keeps the two apart.

Each result states the finding's confidence twice: as SARIF's ``rank`` (0 to 100, higher is
more likely real: high 90, medium 60, low 30, `SARIF_RANKS`), which viewers sort by, and as
``properties.confidence`` (``"high"``, ``"medium"`` or ``"low"``), Forge's own word.

A result of an offline rule carries ``partialFingerprints`` with ``forge/v1``, the finding's
fingerprint (`engine.fingerprints`: rule, function name and normalised line, no line number),
the same one baselines match on, so code-scanning services follow a finding when lines move.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from forge_lsp.report import SARIF_LEVELS, SARIF_RANKS, Position, Reported, ReportedFix, RuleInfo

SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "forge/v1"  # a new version if what the fingerprint hashes ever changes


def _first_paragraph(markdown: str, section: str) -> str | None:
    """The first paragraph of a ``## section`` of a rule doc, as one line."""
    match = re.search(
        rf"^## {re.escape(section)}\s*\n+(.+?)(?:\n\s*\n|\n#|\Z)", markdown, re.M | re.S
    )
    return " ".join(match.group(1).split()) if match else None


def rule_descriptor(rule: RuleInfo) -> dict[str, Any]:
    """A ``reportingDescriptor`` for one rule."""
    tags = ["security", f"CWE-{rule.cwe}", f"external/cwe/cwe-{rule.cwe}"] if rule.cwe else []
    full = _first_paragraph(rule.markdown, "What it does") or rule.summary
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": full},
        "help": {"text": rule.markdown, "markdown": rule.markdown},
        "defaultConfiguration": {"level": SARIF_LEVELS[rule.severity]},
        "properties": {
            "tags": tags,
            "languages": list(rule.languages),
            "fixable": rule.fixable,
        },
    }


def artifact_location(path: str) -> dict[str, str]:
    """A relative URI against ``%SRCROOT%`` for relative paths, a ``file://`` URI otherwise."""
    if Path(path).is_absolute():
        return {"uri": Path(path).as_uri()}
    return {"uri": quote(PurePosixPath(Path(path).as_posix()).as_posix()), "uriBaseId": SRCROOT}


def region(start: Position, end: Position) -> dict[str, int]:
    """A SARIF region: 1-based lines, columns in UTF-16 code units, exclusive end column."""
    return {
        "startLine": start.line,
        "startColumn": start.column_utf16,
        "endLine": end.line,
        "endColumn": end.column_utf16,
    }


def _fix(path: str, fix: ReportedFix) -> dict[str, Any]:
    replacements = [
        {"deletedRegion": region(edit.start, edit.end), "insertedContent": {"text": edit.new_text}}
        for edit in fix.edits
    ]
    return {
        "description": {"text": fix.title},
        "artifactChanges": [
            {"artifactLocation": artifact_location(path), "replacements": replacements}
        ],
    }


def result(finding: Reported, rule_index: dict[str, int]) -> dict[str, Any]:
    """A SARIF ``result`` for one finding."""
    location = {
        "physicalLocation": {
            "artifactLocation": artifact_location(finding.path),
            "region": region(finding.start, finding.end),
        }
    }
    entry: dict[str, Any] = {"ruleId": finding.code}
    if finding.code in rule_index:
        entry["ruleIndex"] = rule_index[finding.code]
    entry |= {
        "level": SARIF_LEVELS.get(finding.severity, "warning"),
        "rank": SARIF_RANKS.get(finding.confidence, SARIF_RANKS["high"]),
        "message": {"text": finding.message},
        "locations": [location],
    }
    if finding.fingerprint:
        entry["partialFingerprints"] = {FINGERPRINT_KEY: finding.fingerprint}
    if finding.fix is not None and finding.fix.edits:
        entry["fixes"] = [_fix(finding.path, finding.fix)]
    properties: dict[str, str] = {"confidence": finding.confidence}
    if finding.source != "forge":
        properties["source"] = finding.source
    entry["properties"] = properties
    return entry


def render(
    findings: Iterable[Reported], rules: Sequence[RuleInfo], *, version: str, cwd: Path
) -> str:
    """The whole SARIF log as JSON text."""
    rule_index = {rule.code: index for index, rule in enumerate(rules)}
    root_uri = cwd.resolve().as_uri().rstrip("/") + "/"
    log = {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "forge",
                        "version": version,
                        "semanticVersion": version,
                        "rules": [rule_descriptor(rule) for rule in rules],
                    }
                },
                "originalUriBaseIds": {SRCROOT: {"uri": root_uri}},
                "columnKind": "utf16CodeUnits",
                "results": [result(finding, rule_index) for finding in findings],
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
