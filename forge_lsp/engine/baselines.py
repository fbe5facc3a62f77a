"""The baseline file: the findings a team has accepted for now, by file and fingerprint.

``forge-lsp check --write-baseline FILE`` writes it (`report.baseline`); ``check --baseline``
and the editor's ``baseline`` setting read it, here. A finding is recorded by its path,
relative to the baseline file's folder (so the file works from any current folder), and its
fingerprint (`engine.fingerprints`: rule, function name and normalised line, never a line
number), so it stays known when lines above it move.

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
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

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


class Baseline:
    """A loaded baseline, answering which findings it already knows."""

    def __init__(self, folder: Path, counts: Counter[tuple[str, str]]) -> None:
        self.folder = folder
        self._counts = counts

    def known(self, path: str, fingerprints: Sequence[str]) -> list[bool]:
        """For the fingerprints of one file's findings, in line order, whether each is
        recorded (`path` relative to the baseline's folder, POSIX). An empty fingerprint
        (a Claude finding) is never known."""
        seen: Counter[str] = Counter()
        verdicts = []
        for fingerprint in fingerprints:
            seen[fingerprint] += 1
            recorded = self._counts.get((path, fingerprint), 0)
            verdicts.append(bool(fingerprint) and seen[fingerprint] <= recorded)
        return verdicts

    def relative(self, path: Path) -> str:
        """`path` (absolute) relative to the baseline's folder, in POSIX form."""
        return Path(os.path.relpath(path, self.folder)).as_posix()


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
        for entry in sorted(recorded, key=lambda e: (e.path, e.code, e.function, e.fingerprint))
    ]
    document = {FORMAT_KEY: FORMAT_VERSION, "findings": rows}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def write(path: Path, recorded: Sequence[Entry]) -> None:
    """Write the baseline file at `path`, replacing it whole (never half written)."""
    temporary = path.with_name(path.name + ".tmp")
    try:
        temporary.write_text(render(recorded), encoding="utf-8", newline="\n")
        os.replace(temporary, path)
    except OSError as problem:
        raise BaselineError(f"cannot write {path}: {problem.strerror or problem}") from None


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
        count = row.get("count", 1) if isinstance(row, dict) else None
        if not (
            isinstance(row, dict)
            and isinstance(row.get("path"), str)
            and isinstance(row.get("fingerprint"), str)
            and isinstance(count, int)
            and not isinstance(count, bool)
            and count >= 1
        ):
            raise BaselineError(
                f"{path}: entry {number} needs a 'path', a 'fingerprint' and a positive 'count'"
            )
        counts[(row["path"], row["fingerprint"])] += count
    return counts
