"""Precision on real code, judged by reading: every warning- and error-level finding Forge
reports on the pinned projects (projects.py), joined with its verdict in verdicts.jsonl.

    python bench/precision/run.py                   # fetch once, check, print the figures
    python bench/precision/run.py --list-unjudged   # and each unjudged finding, with its code
    python bench/precision/run.py --write           # also write bench/precision/results.md

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
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from projects import PROJECTS, Project, fetch  # noqa: E402

VERDICTS = HERE / "verdicts.jsonl"
RESULTS = HERE / "results.md"
JUDGED = ("warning", "error")
VERDICT_NAMES = ("true", "false", "debatable")
CONTEXT = 5  # lines shown either side of an unjudged finding


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
        found.append(Found(key, line, str(finding["severity"]), str(finding["message"]), file))
    return found


def load_verdicts(path: Path = VERDICTS) -> dict[Key, dict[str, object]]:
    """verdicts.jsonl: one judged finding a line (blank lines and `#` lines are skipped)."""
    verdicts: dict[Key, dict[str, object]] = {}
    if not path.is_file():
        return verdicts
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        record = json.loads(raw)
        key = Key(
            record["project"],
            record["path"],
            record["rule"],
            normalise(record["text"]),
            int(record.get("n", 0)),
        )
        if record.get("verdict") not in VERDICT_NAMES or not str(record.get("reason", "")).strip():
            raise SystemExit(
                f"{path}:{number}: verdict must be one of {VERDICT_NAMES}, with a reason"
            )
        if key in verdicts:
            raise SystemExit(f"{path}:{number}: a second verdict for the same finding")
        verdicts[key] = record
    return verdicts


def record_of(found: Found, verdict: str = "?", reason: str = "") -> str:
    """The verdicts.jsonl line for a finding (a stub while `verdict` is "?")."""
    key = found.key
    record: dict[str, object] = {
        "project": key.project,
        "path": key.path,
        "rule": key.rule,
        "text": key.text,
    }
    if key.n:
        record["n"] = key.n
    record |= {"line": found.line, "verdict": verdict, "reason": reason}
    return json.dumps(record, ensure_ascii=False)


def context(found: Found) -> str:
    lines = found.file.read_text(encoding="utf-8", errors="replace").splitlines()
    low, high = max(1, found.line - CONTEXT), min(len(lines), found.line + CONTEXT)
    mark = {found.line: ">"}
    return "\n".join(f"{mark.get(i, ' ')}{i:6} {lines[i - 1]}" for i in range(low, high + 1))


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "-"


def report(
    found: list[Found], verdicts: dict[Key, dict[str, object]], skipped: list[str], seconds: float
) -> str:
    """The Markdown figures: per rule and overall, then what is gone and what is unjudged."""
    judged = [f for f in found if f.severity in JUDGED]
    info = Counter(f.key.rule for f in found if f.severity not in JUDGED)
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for finding in judged:
        verdict = verdicts.get(finding.key)
        counts[finding.key.rule][str(verdict["verdict"]) if verdict else "unjudged"] += 1
    current = {f.key for f in judged}
    gone = [key for key in verdicts if key not in current]
    for key in gone:
        counts[key.rule]["gone"] += 1
    rows = [_cells(HEADER), _cells(["---"] * len(HEADER))]
    total: Counter[str] = Counter()
    for rule in sorted(set(counts) | set(info)):
        c = counts[rule]
        rows.append(_row(rule, c, info[rule]))
        total += c
    rows.append(_row("**all**", total, sum(info.values())))
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
    ]
    if skipped:
        out += ["", "Skipped: " + "; ".join(skipped)]
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


def _row(rule: str, c: Counter[str], info: int) -> str:
    t, f, d = c["true"], c["false"], c["debatable"]
    judged = t + f + d
    share = (percent(t, judged), percent(d, judged))
    return _cells([rule, judged + c["unjudged"], t, f, d, *share, c["unjudged"], c["gone"], info])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--list-unjudged",
        action="store_true",
        help="print each unjudged finding with its code and a stub verdict line",
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
    text = report(found, verdicts, skipped, time.perf_counter() - start)
    print(text)
    if args.write:
        RESULTS.write_text(text, encoding="utf-8")
    if args.list_unjudged:
        for finding in found:
            if finding.severity in JUDGED and finding.key not in verdicts:
                where = f"{finding.key.project}/{finding.key.path}:{finding.line}"
                print(f"\n## {finding.key.rule} {finding.severity} {where}")
                print(finding.message)
                print(context(finding))
                print(record_of(finding))
    return 0


if __name__ == "__main__":
    sys.exit(main())
