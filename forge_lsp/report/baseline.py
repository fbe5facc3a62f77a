"""Baselines: the findings a team has accepted for now, so that only new ones are reported.

``forge-lsp check --write-baseline FILE`` records the findings; ``--baseline FILE`` hides every
finding recorded there. A finding is recorded by its path, relative to the baseline file's
folder (so the file works from any current folder), and its fingerprint
(`engine.fingerprints`: rule, function name and normalised line, never a line number), so it
stays known when lines above it move.

Matching counts: an entry recorded with ``count`` 2 hides two findings of that fingerprint in
that file, and a third copy of the same bad line is new. Which copies count as the known ones
is decided in line order: the first ``count`` are known, the later ones new.

The file is JSON, one entry per fingerprint, sorted, with no line numbers or times, so writing
it twice over the same code gives the same bytes and a review of a change to it stays small.
It holds no code: the finding's text may be a credential (FG201), so an entry names the rule,
the function and the fingerprint only.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from forge_lsp.report import Reported

FORMAT_KEY = "forge-baseline"
FORMAT_VERSION = 1


class BaselineError(Exception):
    """A baseline file that cannot be read or written; the message says which and why."""


@dataclass(frozen=True, slots=True)
class Entry:
    """The findings of one fingerprint in one file."""

    path: str  # POSIX, relative to the baseline file's folder
    code: str
    function: str
    fingerprint: str
    count: int


@dataclass(frozen=True, slots=True)
class Split:
    """One file's findings, divided by a baseline."""

    new: tuple[Reported, ...]
    known: int


class Baseline:
    """A loaded baseline, answering which findings it already knows."""

    def __init__(self, folder: Path, counts: Counter[tuple[str, str]]) -> None:
        self._folder = folder
        self._counts = counts

    def split(self, findings: Sequence[Reported], cwd: Path) -> Split:
        """Which of `findings` (reported relative to `cwd`) are new; the rest are known.
        A finding without a fingerprint (Claude's) is always new."""
        seen: Counter[tuple[str, str]] = Counter()
        new = []
        for finding in sorted(findings, key=lambda f: f.sort_key()):
            key = (relative_path(finding.path, cwd, self._folder), finding.fingerprint)
            seen[key] += 1
            if not finding.fingerprint or seen[key] > self._counts.get(key, 0):
                new.append(finding)
        return Split(tuple(new), len(findings) - len(new))


def relative_path(display: str, cwd: Path, folder: Path) -> str:
    """A reported path (relative to `cwd`, or absolute) relative to `folder`, in POSIX form."""
    absolute = os.path.normpath(os.path.join(cwd, display))
    return Path(os.path.relpath(absolute, folder)).as_posix()


def entries(findings: Iterable[Reported], cwd: Path, folder: Path) -> list[Entry]:
    """The sorted baseline entries recording `findings` (those without a fingerprint left out)."""
    counts: Counter[tuple[str, str, str, str]] = Counter()
    for finding in findings:
        if finding.fingerprint:
            path = relative_path(finding.path, cwd, folder)
            counts[(path, finding.code, finding.function, finding.fingerprint)] += 1
    return [Entry(*key, count) for key, count in sorted(counts.items())]


def render(recorded: Sequence[Entry]) -> str:
    """The baseline file's text: JSON, entries sorted by path, code, function and fingerprint."""
    rows = [
        {
            "path": entry.path,
            "code": entry.code,
            "function": entry.function,
            "fingerprint": entry.fingerprint,
            "count": entry.count,
        }
        for entry in recorded
    ]
    document = {FORMAT_KEY: FORMAT_VERSION, "findings": rows}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def write(path: Path, findings: Iterable[Reported], cwd: Path) -> list[Entry]:
    """Record `findings` in the baseline file at `path` (replacing it); returns the entries."""
    recorded = entries(findings, cwd, path.parent)
    temporary = path.with_name(path.name + ".tmp")
    try:
        temporary.write_text(render(recorded), encoding="utf-8", newline="\n")
        os.replace(temporary, path)
    except OSError as problem:
        raise BaselineError(f"cannot write {path}: {problem.strerror or problem}") from None
    return recorded


def load(path: Path) -> Baseline:
    """The baseline file at `path`; BaselineError says what is wrong with it."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BaselineError(
            f"{path} does not exist; create it with --write-baseline {path}"
        ) from None
    except (OSError, UnicodeDecodeError) as problem:
        reason = getattr(problem, "strerror", None) or "not UTF-8 text"
        raise BaselineError(f"cannot read {path}: {reason}") from None
    try:
        document = json.loads(text)
    except ValueError:
        raise BaselineError(f"{path} is not JSON; write it again with --write-baseline") from None
    return Baseline(path.parent, _counts(document, path))


def _counts(document: object, path: Path) -> Counter[tuple[str, str]]:
    """The ``(path, fingerprint) -> count`` table of a parsed baseline document."""
    if not isinstance(document, dict) or document.get(FORMAT_KEY) != FORMAT_VERSION:
        raise BaselineError(
            f"{path} is not a Forge baseline (version {FORMAT_VERSION}); "
            "write it again with --write-baseline"
        )
    rows = document.get("findings")
    if not isinstance(rows, list):
        raise BaselineError(f"{path}: 'findings' must be a list")
    counts: Counter[tuple[str, str]] = Counter()
    for number, row in enumerate(rows, 1):
        if not (
            isinstance(row, dict)
            and isinstance(row.get("path"), str)
            and isinstance(row.get("fingerprint"), str)
            and isinstance(row.get("count", 1), int)
            and row.get("count", 1) >= 1
        ):
            raise BaselineError(
                f"{path}: entry {number} needs a 'path', a 'fingerprint' and a positive 'count'"
            )
        counts[(row["path"], row["fingerprint"])] += row.get("count", 1)
    return counts
