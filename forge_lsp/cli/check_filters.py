"""What `check` leaves out of a report after the rules ran, and what fails the run.

- ``--baseline FILE``: findings recorded in the baseline are known (`report.baseline`);
- ``--new-since REF``: findings on lines not added or changed since git revision REF are old
  (`core.git_changes`);
- ``--fail-on LEVEL``: only findings at least that severe set exit code 1.

Hidden findings are counted, and the counts told on stderr, so nobody wonders where they went.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from forge_lsp.report import FileResult, Reported
from forge_lsp.report.baseline import split as baseline_split

if TYPE_CHECKING:
    from forge_lsp.core.git_changes import ChangedLines
    from forge_lsp.engine.baselines import Baseline

# Most severe first; `--fail-on info` fails on info and above, hints never fail a run.
SEVERITIES = ("error", "warning", "info", "hint")


def fails(findings: Iterable[Reported], fail_on: str | None) -> bool:
    """Whether `findings` fail the run: any finding, or with `fail_on` one at least that severe."""
    if fail_on is None:
        return any(True for _ in findings)
    worst = SEVERITIES.index(fail_on)
    return any(SEVERITIES.index(f.severity) <= worst for f in findings if f.severity in SEVERITIES)


@dataclass
class FindingFilter:
    """The baseline and the changed lines, applied to each file's findings as they arrive."""

    cwd: Path
    baseline: Baseline | None = None
    baseline_name: str = ""
    changes: ChangedLines | None = None
    new_since: str = ""
    known: int = 0  # hidden by the baseline
    unchanged: int = 0  # hidden because their lines did not change since `new_since`

    def apply(self, result: FileResult) -> FileResult:
        """`result` with the known and unchanged findings left out (and counted)."""
        if (self.baseline is None and self.changes is None) or not result.findings:
            return result
        findings: tuple[Reported, ...] = result.findings
        if self.changes is not None:
            path = Path(self.cwd, result.path)
            changed = tuple(
                f for f in findings if self.changes.covers(path, f.start.line, _last_line(f))
            )
            self.unchanged += len(findings) - len(changed)
            findings = changed
        if self.baseline is not None:
            split = baseline_split(self.baseline, findings, self.cwd)
            self.known += split.known
            findings = split.new
        return replace(result, findings=findings)

    def notes(self) -> list[str]:
        """What was hidden, for stderr."""
        told = []
        if self.baseline is not None:
            told.append(f"{_findings(self.known)} recorded in {self.baseline_name} not shown")
        if self.changes is not None:
            told.append(
                f"{_findings(self.unchanged)} on lines unchanged since {self.new_since} not shown"
            )
        return told


def _last_line(finding: Reported) -> int:
    """The last line a finding covers (its end is exclusive: column 1 ends the line before)."""
    end = finding.end
    return end.line - 1 if end.column == 1 and end.line > finding.start.line else end.line


def _findings(count: int) -> str:
    return f"{count} finding{'' if count == 1 else 's'}"
