"""The `gitlab` format: GitLab's SAST security report, so merge requests and the vulnerability
report show Forge's findings.

A CI job writes it to ``gl-sast-report.json`` and declares it with ``artifacts: reports: sast``.
The report follows version 15.0.7 of GitLab's ``security-report-schemas``
(``dist/sast-report-format.json``; tests validate against a copy in ``tests/data/gitlab``).
GitLab validates a report against the schema version it declares. When it has no schema for
that exact patch, it uses the newest patch of the same MAJOR.MINOR that it has. Every GitLab
since 15.x ships the 15.0 schemas (the ``gitlab-security_report_schemas`` gem, ``min15.0.0``),
so a 15.0 report is accepted by the widest range of GitLab versions. 15.0.7 is the last 15.0
patch, and nothing Forge writes needs 15.1 or 15.2.

What each vulnerability holds, and why:

- ``id``: a UUID (the schema recommends one), derived from the path, the finding's fingerprint
  (rule, function and normalised line: `engine.fingerprints`, no line number) and which copy of
  that line in the file it is. So it is the same in every run and when lines above it move.
  Claude's findings have no fingerprint; theirs is made from their code, function and message.
- ``tracking``: one ``hash`` signature with the same identity. GitLab names a vulnerability
  from its primary identifier and its location (file and lines), unless it tracks by
  signatures. Where it does, a finding stays the same vulnerability when lines move.
- ``name``: the rule's name. ``message``: the finding's message. ``description``: the message,
  then the rule's summary. The 15.x schemas no longer list ``message`` or ``category`` (which
  earlier versions required), but they allow other properties. Older GitLab parsers take
  ``message`` as the vulnerability's title; newer ones take ``name``.
- ``severity``: error High, warning Medium, info Low, hint Info (`SEVERITIES`). Confidence does
  not lower it: ``--min-confidence`` leaves less sure findings out of every format, and
  ``--fail-on`` and the other formats use the same severity. The 15.x schemas dropped
  ``confidence``, so the finding's confidence is a row of ``details``, shown on the
  vulnerability's page.
- ``identifiers``: the rule first (GitLab's primary identifier, what it tracks a vulnerability
  by). Its type is ``forge_rule``, or ``forge_claude`` for Claude's findings (codes ``FGC...``),
  and its value is the code. A ``cwe`` identifier follows when the rule has a CWE.
- ``location``: the file (relative, ``/``-separated: run ``check`` from the repository root),
  first and last line, and the function as ``method``.
- ``solution``: the fix's title, when the finding has a fix.

Everything but ``scan.start_time`` and ``scan.end_time`` is the same for the same findings.
"""

from __future__ import annotations

import json
import os
import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from forge_lsp.report import Reported, RuleInfo

SCHEMA_VERSION = "15.0.7"
SCHEMA_URI = (
    "https://gitlab.com/gitlab-org/security-products/security-report-schemas/-/raw/"
    f"v{SCHEMA_VERSION}/dist/sast-report-format.json"
)
SEVERITIES = {"error": "High", "warning": "Medium", "info": "Low", "hint": "Info"}
RULE_IDENTIFIER = "forge_rule"
CLAUDE_IDENTIFIER = "forge_claude"
CLAUDE_SOURCE = "forge (claude)"
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S"  # the schema's pattern: UTC, no zone, whole seconds

# The schema's limits.
MAX_NAME = 255
MAX_DESCRIPTION = 1_048_576
MAX_SOLUTION = 7_000

# Every id is a UUID named in this namespace, so Forge's ids never collide with other tools'.
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "forge-lsp:gitlab-sast")


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _identity(finding: Reported) -> str:
    """Who the finding is, without its line: the fingerprint, or for a finding without one
    (Claude's) its code, function and message."""
    if finding.fingerprint:
        return finding.fingerprint
    return "\n".join((finding.code, finding.function, finding.message))


def vulnerability_ids(findings: Sequence[Reported]) -> list[str]:
    """A UUID for each finding, in order. Copies of one bad line in one file share a
    fingerprint, so each id also counts which copy (in the order given) it is."""
    copies: Counter[tuple[str, str]] = Counter()
    ids = []
    for finding in findings:
        key = (_path(finding.path), _identity(finding))
        ids.append(str(uuid.uuid5(_NAMESPACE, "\n".join((*key, str(copies[key]))))))
        copies[key] += 1
    return ids


def _path(path: str) -> str:
    return Path(path).as_posix()


def _end_line(finding: Reported) -> int:
    """The last line the finding covers: an end at the very start of a line (ends are
    exclusive) stops on the line before."""
    end = finding.end
    if end.column == 1 and end.line > finding.start.line:
        return end.line - 1
    return max(end.line, finding.start.line)


def _identifiers(finding: Reported, rule: RuleInfo | None) -> list[dict[str, str]]:
    claude = finding.source == CLAUDE_SOURCE
    label = f"{finding.code} {finding.name}" + (" (Claude's review)" if claude else "")
    identifiers = [
        {
            "type": CLAUDE_IDENTIFIER if claude else RULE_IDENTIFIER,
            "name": label,
            "value": finding.code,
        }
    ]
    if rule is not None and rule.cwe:
        identifiers.append(
            {
                "type": "cwe",
                "name": f"CWE-{rule.cwe}",
                "value": str(rule.cwe),
                "url": f"https://cwe.mitre.org/data/definitions/{rule.cwe}.html",
            }
        )
    return identifiers


def _details(finding: Reported) -> dict[str, dict[str, str]]:
    details = {"confidence": {"name": "Confidence", "type": "text", "value": finding.confidence}}
    if finding.source != "forge":
        details["source"] = {"name": "Source", "type": "text", "value": finding.source}
    return details


def vulnerability(
    finding: Reported, rule: RuleInfo | None, vulnerability_id: str
) -> dict[str, Any]:
    """One finding as a GitLab SAST vulnerability."""
    path = _path(finding.path)
    start, end = finding.start.line, _end_line(finding)
    description = finding.message + (f"\n\n{rule.summary}" if rule is not None else "")
    location: dict[str, Any] = {"file": path, "start_line": start, "end_line": end}
    if finding.function:
        location["method"] = finding.function
    entry: dict[str, Any] = {
        "id": vulnerability_id,
        "category": "sast",
        "name": _clip(finding.name or finding.code, MAX_NAME),
        "message": finding.message,
        "description": _clip(description, MAX_DESCRIPTION),
        "severity": SEVERITIES.get(finding.severity, "Unknown"),
        "identifiers": _identifiers(finding, rule),
        "location": location,
        "details": _details(finding),
        "tracking": {
            "type": "source",
            "items": [
                {
                    "file": path,
                    "start_line": start,
                    "end_line": end,
                    "signatures": [{"algorithm": "hash", "value": vulnerability_id}],
                }
            ],
        },
    }
    if finding.fix is not None and finding.fix.edits:
        entry["solution"] = _clip(finding.fix.title, MAX_SOLUTION)
    return entry


def process_start() -> datetime | None:
    """When this process started (Linux's /proc), or None where that cannot be read.

    A ``check`` process starts the scan, so this is the scan's start time without the command
    line having to time it."""
    try:
        with open("/proc/self/stat", encoding="ascii") as stat:
            # The fields after the command name, which is in parentheses and may hold spaces;
            # the 22nd field (20th after the name) is the start in clock ticks since boot.
            ticks = int(stat.read().rpartition(")")[2].split()[19])
        with open("/proc/stat", encoding="ascii") as system:
            boot = next(int(line.split()[1]) for line in system if line.startswith("btime "))
        return datetime.fromtimestamp(boot + ticks / os.sysconf("SC_CLK_TCK"), timezone.utc)
    except (OSError, ValueError, IndexError, StopIteration, AttributeError):
        return None


def _tool(version: str) -> dict[str, Any]:
    return {"id": "forge", "name": "Forge", "version": version, "vendor": {"name": "Forge"}}


def render(
    findings: Iterable[Reported],
    rules: Sequence[RuleInfo],
    *,
    version: str,
    started: datetime | None = None,
    finished: datetime | None = None,
) -> str:
    """The whole report as JSON text. `started` defaults to this process's start, `finished`
    to now; both are written in UTC."""
    finished = finished or datetime.now(timezone.utc)
    started = min(started or process_start() or finished, finished)
    by_code = {rule.code: rule for rule in rules}
    ordered = sorted(findings, key=lambda f: f.sort_key())
    ids = vulnerability_ids(ordered)
    report = {
        "version": SCHEMA_VERSION,
        "schema": SCHEMA_URI,
        "scan": {
            "analyzer": _tool(version),
            "scanner": _tool(version),
            "type": "sast",
            "start_time": started.astimezone(timezone.utc).strftime(TIME_FORMAT),
            "end_time": finished.astimezone(timezone.utc).strftime(TIME_FORMAT),
            "status": "success",
        },
        "vulnerabilities": [
            vulnerability(finding, by_code.get(finding.code), vulnerability_id)
            for finding, vulnerability_id in zip(ordered, ids, strict=True)
        ],
    }
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"
