"""Baselines for `check`: report records recorded into a baseline file, and divided by one.

The file's format and its matching are `engine.baselines` (the editor reads the same file);
this module adds what the command line needs: paths as reported (relative to the current
folder) turned into paths relative to the baseline's folder.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from forge_lsp.engine.baselines import Baseline, Entry
from forge_lsp.engine.baselines import write as write_file
from forge_lsp.report import Reported


@dataclass(frozen=True, slots=True)
class Split:
    """One file's findings, divided by a baseline."""

    new: tuple[Reported, ...]
    known: int


def split(baseline: Baseline, findings: Sequence[Reported], cwd: Path) -> Split:
    """Which of `findings` (of one file, reported relative to `cwd`) are new; the rest are
    known. A finding without a fingerprint (Claude's) is always new."""
    ordered = sorted(findings, key=lambda f: f.sort_key())
    new: list[Reported] = []
    by_path: dict[str, list[Reported]] = {}
    for finding in ordered:
        by_path.setdefault(finding.path, []).append(finding)
    for path, group in by_path.items():
        relative = baseline.relative(_absolute(path, cwd))
        known = baseline.known(relative, [f.fingerprint for f in group])
        new.extend(f for f, is_known in zip(group, known, strict=True) if not is_known)
    new.sort(key=lambda f: f.sort_key())
    return Split(tuple(new), len(findings) - len(new))


def entries(findings: Iterable[Reported], cwd: Path, folder: Path) -> list[Entry]:
    """The baseline entries recording `findings` (those without a fingerprint left out)."""
    counts: Counter[tuple[str, str, str, str]] = Counter()
    for finding in findings:
        if finding.fingerprint:
            path = Path(os.path.relpath(_absolute(finding.path, cwd), folder)).as_posix()
            counts[(path, finding.code, finding.function, finding.fingerprint)] += 1
    return [Entry(*key, count) for key, count in sorted(counts.items())]


def write(path: Path, findings: Iterable[Reported], cwd: Path) -> list[Entry]:
    """Record `findings` in the baseline file at `path` (replacing it); returns the entries."""
    recorded = entries(findings, cwd, path.parent)
    write_file(path, recorded)
    return recorded


def _absolute(display: str, cwd: Path) -> Path:
    """A reported path (relative to `cwd`, or absolute) as an absolute, normalised path."""
    return Path(os.path.normpath(os.path.join(cwd, display)))
