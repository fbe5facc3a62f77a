"""The `text` format: one ``path:line:col CODE [severity] message`` line per finding, and a
summary.

The brackets hold the severity (``error``, ``warning``, ``info`` or ``hint``), and the
confidence after it when it is not high (``FG101 [warning, medium] ...``); high confidence, the
usual case, adds nothing, so the common line stays short."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from forge_lsp.report import Reported, RuleInfo


def format_finding(finding: Reported) -> str:
    """``path:line:col CODE [severity] message``: 1-based line and column (counted in
    characters); ``[warning, medium]`` or ``[warning, low]`` when the finding is not of high
    confidence."""
    message = " ".join(finding.message.splitlines())
    label = finding.severity
    if finding.confidence != "high":
        label += f", {finding.confidence}"
    position = f"{finding.path}:{finding.start.line}:{finding.start.column}"
    return f"{position} {finding.code} [{label}] {message}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary(findings: Iterable[Reported], files_checked: int) -> str:
    """``Found 3 findings (2 FG101, 1 FG301) in 40 files`` or ``No findings in 40 files``."""
    counts = Counter(finding.code for finding in findings)
    files = _plural(files_checked, "file")
    if not counts:
        return f"No findings in {files}"
    total = sum(counts.values())
    by_code = ", ".join(f"{counts[code]} {code}" for code in sorted(counts))
    return f"Found {_plural(total, 'finding')} ({by_code}) in {files}"


def statistics(findings: Iterable[Reported], rules: dict[str, RuleInfo]) -> str:
    """A table of finding counts per rule, most frequent first."""
    counts = Counter(finding.code for finding in findings)
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    width = max((len(str(count)) for count in counts.values()), default=1)
    lines = []
    for code, count in ordered:
        rule = rules.get(code)
        name = rule.name if rule else ""
        fixable = "  [fixable]" if rule and rule.fixable else ""
        lines.append(f"{count:>{width}}  {code}  {name}{fixable}".rstrip())
    return "\n".join(lines) + ("\n" if lines else "")


def rules_table(rules: Iterable[RuleInfo]) -> str:
    """The `rules` command's table: code, name, severity, languages and summary."""
    header = ("CODE", "NAME", "SEVERITY", "LANGUAGES", "SUMMARY")
    rows = [header] + [
        (r.code, r.name, r.severity, ",".join(r.languages), r.summary) for r in rules
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header) - 1)]
    lines = []
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    return "\n".join(lines) + "\n"
