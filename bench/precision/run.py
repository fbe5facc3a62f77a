"""Precision on real code, judged by reading: every warning- and error-level finding Forge
reports on the pinned projects (projects.py), joined with its verdict in verdicts.jsonl.

    python bench/precision/run.py                   # fetch once, check, print the figures
    python bench/precision/run.py --list-unjudged   # and each unjudged finding, with its code
    python bench/precision/run.py --write           # also write bench/precision/results.md
    python bench/precision/run.py --add-stubs       # a stub line per unjudged finding, to fill in
    python bench/precision/run.py --min-confidence medium   # only findings at medium or high

Precision is true / (true + false + debatable); debatable is also shown on its own. A verdict
is keyed by project, path inside the project, rule and the finding's line text with its
whitespace collapsed (plus `n`, the ordinal among identical keys in the file), never by line
number alone, so verdicts survive unrelated edits and line moves in the checked code. A judged
finding that Forge no longer reports is "gone" (a rule change fixed or lost it: not an error);
a finding with no verdict is "unjudged" and is listed. Info-level findings are counted, not
judged. The check runs through the current checkout: `sys.executable -m forge_lsp check`.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import astuple, dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from projects import PROJECTS, Project, fetch  # noqa: E402

VERDICTS = HERE / "verdicts.jsonl"
RESULTS = HERE / "results.md"
JUDGED = ("warning", "error")
VERDICT_NAMES = ("true", "false", "debatable")
STUB = "?"  # a verdict to fill in: written by --add-stubs, counted as unjudged
CONTEXT = 5  # lines shown either side of an unjudged finding
CONFIDENCES = ("low", "medium", "high")


@dataclass(frozen=True)
class Key:
    """What a verdict is about: stable under edits elsewhere in the file."""

    project: str
    path: str  # the checked folder's name, then the path inside it: "dialects/mysql/base.py"
    rule: str
    text: str  # the finding's first line, whitespace collapsed
    n: int = 0  # ordinal among findings with the same four fields, in line order


@dataclass(frozen=True)
class Found:
    """One finding of this run, with its key."""

    key: Key
    line: int
    severity: str
    message: str
    file: Path
    confidence: str = ""  # "high", "medium" or "low" where the JSON report carries it


def normalise(text: str) -> str:
    return " ".join(text.split())


def check(projects: Iterable[Project]) -> list[dict[str, object]]:
    """`forge-lsp check --format json` on every project's checked folders, from this checkout."""
    paths = [str(path) for project in projects for path in project.paths()]
    root = HERE.parent.parent
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")])),
    }
    command = [sys.executable, "-m", "forge_lsp", "check", "--format", "json", "--exit-zero", "-q"]
    result = subprocess.run([*command, *paths], capture_output=True, text=True, env=env, cwd=root)
    if result.returncode != 0:
        raise SystemExit(f"forge-lsp check failed ({result.returncode}): {result.stderr.strip()}")
    findings: list[dict[str, object]] = json.loads(result.stdout)
    return findings


def keyed(projects: list[Project], findings: list[dict[str, object]]) -> list[Found]:
    """Each finding with its project and key (ordinals count identical keys in line order)."""
    roots = [
        (project, (project.root() / part).resolve(), Path(part).name)
        for project in projects
        for part in project.checked
    ]
    lines_of: dict[Path, list[str]] = {}
    found: list[Found] = []
    seen: Counter[Key] = Counter()
    for finding in sorted(
        findings, key=lambda f: (str(f["path"]), int(str(f["line"])), str(f["code"]))
    ):
        file = Path(str(finding["path"])).resolve()
        project, root, name = next(entry for entry in roots if file.is_relative_to(entry[1]))
        if file not in lines_of:
            lines_of[file] = file.read_text(encoding="utf-8", errors="replace").splitlines()
        line = int(str(finding["line"]))
        text = normalise(lines_of[file][line - 1]) if line <= len(lines_of[file]) else ""
        inside = name if file == root else f"{name}/{file.relative_to(root).as_posix()}"
        base = Key(project.name, inside, str(finding["code"]), text)
        key = Key(base.project, base.path, base.rule, base.text, seen[base])
        seen[base] += 1
        severity, message = str(finding["severity"]), str(finding["message"])
        confidence = str(finding.get("confidence") or "")
        found.append(Found(key, line, severity, message, file, confidence))
    return found


def key_of(record: dict[str, Any]) -> Key:
    return Key(
        record["project"],
        record["path"],
        record["rule"],
        normalise(record["text"]),
        int(record.get("n", 0)),
    )


def read_records(path: Path = VERDICTS) -> list[dict[str, Any]]:
    """Every line of verdicts.jsonl, stubs included (blank lines and `#` lines are skipped)."""
    if not path.is_file():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(raw) for raw in lines if raw.strip() and not raw.lstrip().startswith("#")]


def write_records(records: Iterable[dict[str, Any]], path: Path = VERDICTS) -> None:
    """verdicts.jsonl in a stable order (project, path, rule, line) so diffs stay small."""
    ordered = sorted(records, key=lambda r: (*astuple(key_of(r))[:3], int(r.get("line", 0))))
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in ordered), "utf-8")


def load_verdicts(path: Path = VERDICTS) -> dict[Key, dict[str, Any]]:
    """The judged findings of verdicts.jsonl by key; a stub (verdict "?") counts as unjudged."""
    verdicts: dict[Key, dict[str, Any]] = {}
    for number, record in enumerate(read_records(path), 1):
        key = key_of(record)
        if record.get("verdict") == STUB:
            continue
        if record.get("verdict") not in VERDICT_NAMES or not str(record.get("reason", "")).strip():
            raise SystemExit(
                f"{path}: record {number}: verdict must be one of {VERDICT_NAMES}, with a reason"
            )
        if key in verdicts:
            raise SystemExit(f"{path}: record {number}: a second verdict for the same finding")
        verdicts[key] = record
    return verdicts


def record_of(found: Found, verdict: str = STUB, reason: str = "") -> dict[str, Any]:
    """The verdicts.jsonl record for a finding (a stub while `verdict` is "?")."""
    key = found.key
    record: dict[str, Any] = {
        "project": key.project,
        "path": key.path,
        "rule": key.rule,
        "text": key.text,
    }
    if key.n:
        record["n"] = key.n
    record |= {"line": found.line, "verdict": verdict, "reason": reason}
    return record


def context(found: Found) -> str:
    lines = found.file.read_text(encoding="utf-8", errors="replace").splitlines()
    low, high = max(1, found.line - CONTEXT), min(len(lines), found.line + CONTEXT)
    mark = {found.line: ">"}
    return "\n".join(f"{mark.get(i, ' ')}{i:6} {lines[i - 1]}" for i in range(low, high + 1))


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "-"


def report(
    found: list[Found],
    verdicts: dict[Key, dict[str, Any]],
    skipped: list[str],
    seconds: float,
    below: Iterable[Found] = (),
) -> str:
    """The Markdown figures: per rule and overall, then what is gone and what is unjudged."""
    judged = [f for f in found if f.severity in JUDGED]
    info = Counter(f.key.rule for f in found if f.severity not in JUDGED)
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for finding in judged:
        verdict = verdicts.get(finding.key)
        counts[finding.key.rule][str(verdict["verdict"]) if verdict else "unjudged"] += 1
    current = {f.key for f in judged}
    left_out = {f.key for f in below}
    gone = [key for key in verdicts if key not in current and key not in left_out]
    for key in gone:
        counts[key.rule]["gone"] += 1
    rows = [_cells(HEADER), _cells(["---"] * len(HEADER))]
    total: Counter[str] = Counter()
    for rule in sorted(set(counts) | set(info)):
        c = counts[rule]
        rows.append(_row(rule, c, info[rule]))
        total += c
    rows.append(_row("**all**", total, sum(info.values())))
    by_project: dict[str, Counter[str]] = defaultdict(Counter)
    for finding in judged:
        verdict = verdicts.get(finding.key)
        by_project[finding.key.project][str(verdict["verdict"]) if verdict else "unjudged"] += 1
    for key in gone:
        by_project[key.project]["gone"] += 1
    projects = [_cells(["project", *HEADER[1:-1]]), _cells(["---"] * (len(HEADER) - 1))]
    for project in PROJECTS:
        if project.name in by_project:
            projects.append(
                _row(project.name, by_project[project.name], 0).rsplit(" | ", 1)[0] + " |"
            )
    names = ", ".join(f"{p.name} ({p.language})" for p in PROJECTS)
    out = [
        "# Precision on real code, judged by reading",
        "",
        "Command: `python bench/precision/run.py`. Precision = true / (true + false +"
        " debatable) over the warning- and error-level findings; a finding with no verdict"
        " is unjudged and left out of the ratio.",
        "",
        f"Projects: {names}. Check time: {seconds:.1f} s.",
        "",
        *rows,
        "",
        "Per project (projects with no warning- or error-level finding are left out):",
        "",
        *projects,
    ]
    if skipped:
        out += ["", "Skipped: " + "; ".join(skipped)]
    if left_out:
        out += ["", f"Left out below the minimum confidence: {len(left_out)} findings."]
    if gone:
        out += ["", f"Gone ({len(gone)}: judged, no longer reported):", ""]
        out += [
            f"- {k.rule} {k.project}/{k.path}: `{k.text}` (was {verdicts[k]['verdict']})"
            for k in gone
        ]
    unjudged = [f for f in judged if f.key not in verdicts]
    if unjudged:
        out += ["", f"Unjudged ({len(unjudged)}):", ""]
        out += [
            f"- {f.key.rule} {f.key.project}/{f.key.path}:{f.line}: `{f.key.text}`"
            for f in unjudged
        ]
    return "\n".join(out) + "\n"


HEADER = (
    "rule",
    "findings",
    "true",
    "false",
    "debatable",
    "precision",
    "debatable share",
    "unjudged",
    "gone",
    "info (not judged)",
)


def _cells(cells: Iterable[object]) -> str:
    return "| " + " | ".join(str(cell) for cell in cells) + " |"


def _row(rule: str, c: Counter[str], info: int | None = None) -> str:
    """A table row; with `info`, the info-level count as the last cell."""
    t, f, d = c["true"], c["false"], c["debatable"]
    judged = t + f + d
    share = (percent(t, judged), percent(d, judged))
    cells: list[object] = [rule, judged + c["unjudged"], t, f, d, *share, c["unjudged"], c["gone"]]
    return _cells(cells if info is None else [*cells, info])


def confident(finding: Found, minimum: str | None) -> bool:
    """Whether a finding is at `minimum` confidence or above (one with none always is)."""
    if not minimum or finding.confidence not in CONFIDENCES:
        return True
    return CONFIDENCES.index(finding.confidence) >= CONFIDENCES.index(minimum)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--list-unjudged",
        action="store_true",
        help="print each unjudged finding with its code and a stub verdict line",
    )
    parser.add_argument(
        "--add-stubs",
        action="store_true",
        help='add a stub (verdict "?") to verdicts.jsonl for each unjudged finding, to fill in',
    )
    parser.add_argument(
        "--prune-gone",
        action="store_true",
        help="drop the verdicts of findings no longer reported (all projects only)",
    )
    parser.add_argument(
        "--min-confidence",
        choices=CONFIDENCES,
        help="judge only findings at this confidence or above (findings without one stay)",
    )
    parser.add_argument("--project", action="append", help="only this project (repeatable)")
    parser.add_argument(
        "--write", action="store_true", help=f"also write {RESULTS.relative_to(HERE.parent.parent)}"
    )
    args = parser.parse_args(argv)
    projects = [p for p in PROJECTS if not args.project or p.name in args.project]
    skipped, ready = [], []
    for project in projects:
        reason = fetch(project)
        if reason:
            skipped.append(f"{project.name}: {reason}")
        else:
            ready.append(project)
    verdicts = load_verdicts()
    if args.project:
        verdicts = {k: v for k, v in verdicts.items() if k.project in args.project}
    start = time.perf_counter()
    found = keyed(ready, check(ready)) if ready else []
    seconds = time.perf_counter() - start
    below = [f for f in found if not confident(f, args.min_confidence)]
    found = [f for f in found if confident(f, args.min_confidence)]
    text = report(found, verdicts, skipped, seconds, below)
    print(text)
    if args.write:
        RESULTS.write_text(text, encoding="utf-8")
    unjudged = [f for f in found if f.severity in JUDGED and f.key not in verdicts]
    if args.add_stubs or args.prune_gone:
        records = read_records()
        if args.prune_gone and not args.project:
            current = {f.key for f in [*found, *below] if f.severity in JUDGED}
            records = [r for r in records if key_of(r) in current]
        stubbed = {key_of(r) for r in records}
        if args.add_stubs:
            records += [record_of(f) for f in unjudged if f.key not in stubbed]
        write_records(records)
    if args.list_unjudged:
        for finding in unjudged:
            where = f"{finding.key.project}/{finding.key.path}:{finding.line}"
            level = f" ({finding.confidence} confidence)" if finding.confidence else ""
            print(f"\n## {finding.key.rule} {finding.severity}{level} {where}")
            print(finding.message)
            print(context(finding))
            print(json.dumps(record_of(finding), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
