"""Batch checking on real code: `forge-lsp check` against bandit, `ruff --select S` and semgrep.

    python bench/batch.py [--quick] [LANGUAGE...]     # this figure alone

Each language's files come from the fetched corpus (`corpus.py`) at three sizes, each a
prefix of the next, so how cost grows is visible. Python is checked by Forge, bandit,
`ruff --select S` and semgrep; Go, TypeScript and Java by Forge and semgrep (bandit and ruff
read only Python). semgrep runs offline on the local rules in `bench/semgrep/`, one rule per
Forge rule family that applies to the language, with 2 jobs like Forge's pool on this machine.

Every measurement runs in a fresh `rusage_wrapper.py` process, so its peak memory is that of
the measured command's process tree only. Runs of the tools are interleaved per repeat, so
load from other work on the machine falls on all of them alike.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import corpus
from lsp_client import BENCH_DIR, REPO_DIR
from tools import tool_bin, tool_version

SEMGREP_RULES = BENCH_DIR / "semgrep"
SEMGREP_JOBS = 2
FULL_SIZES = (10_000, 50_000, 200_000)
QUICK_SIZES = (5_000, 20_000)
LANGUAGES = ("python", "go", "typescript", "java")
PYTHON_ONLY = ("bandit", "ruff --select S")
# Settings that keep semgrep off the network: no metrics, no version check (with --metrics=off
# and --disable-version-check on the command line too; the rules are a local file).
SEMGREP_ENV = {"SEMGREP_SEND_METRICS": "off", "SEMGREP_ENABLE_VERSION_CHECK": "0"}


@dataclass(frozen=True)
class Corpus:
    """Files to check: a label, and the files, passed to every tool on its command line."""

    language: str
    label: str
    files: tuple[Path, ...]

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(map(str, self.files))

    @property
    def lines(self) -> int:
        return sum(corpus.line_count(path) for path in self.files)


@dataclass
class Run:
    """Repeated runs of one command on one corpus."""

    tool: str
    corpus: Corpus
    wall_s: list[float] = field(default_factory=list)
    cpu_s: list[float] = field(default_factory=list)
    maxrss_kb: list[int] = field(default_factory=list)
    tree_peak_kb: list[int] = field(default_factory=list)
    findings: int | None = None
    files_checked: int | None = None  # where the tool says how many files it read
    note: str = ""

    @property
    def wall(self) -> float:
        return statistics.median(self.wall_s)

    @property
    def cpu(self) -> float:
        return statistics.median(self.cpu_s)

    @property
    def lines_per_second(self) -> float:
        return self.corpus.lines / self.wall

    @property
    def maxrss_mb(self) -> float:
        return statistics.median(self.maxrss_kb) / 1024

    @property
    def tree_peak_mb(self) -> float:
        return statistics.median(self.tree_peak_kb) / 1024


@dataclass(frozen=True)
class Tool:
    """How to run one tool on a corpus: its name, its command, how it counts its findings."""

    name: str
    command: Callable[[Corpus], list[str]]
    count: Callable[[bytes], tuple[int | None, int | None]]  # (findings, files checked)


def _json(output: bytes) -> object:
    try:
        return json.loads(output)
    except ValueError:
        return None


def _count_forge(output: bytes) -> tuple[int | None, int | None]:
    data = _json(output)
    return (len(data), None) if isinstance(data, list) else (None, None)


def _count_bandit(output: bytes) -> tuple[int | None, int | None]:
    data = _json(output)
    if not isinstance(data, dict):
        return None, None
    files = len([name for name in data.get("metrics", {}) if name != "_totals"])
    return len(data.get("results", [])), files


def _count_ruff(output: bytes) -> tuple[int | None, int | None]:
    return _count_forge(output)  # a JSON list of findings too


def _count_semgrep(output: bytes) -> tuple[int | None, int | None]:
    data = _json(output)
    if not isinstance(data, dict):
        return None, None
    return len(data.get("results", [])), len(data.get("paths", {}).get("scanned", []))


def _forge(c: Corpus) -> list[str]:
    # --no-cache, like ruff's run: every repeat checks every file (bench/repeat_run.py: warm runs).
    forge = [sys.executable, "-m", "forge_lsp", "check", "--exit-zero", "--format", "json"]
    return [*forge, "--no-cache", *c.paths]


def _bandit(c: Corpus) -> list[str]:
    return [str(tool_bin("bandit", "bandit")), "-q", "-f", "json", *c.paths]


def _ruff(c: Corpus) -> list[str]:
    ruff = str(tool_bin("ruff", "ruff"))
    options = ["--select", "S", "--no-cache", "--exit-zero", "--isolated", "--output-format=json"]
    return [ruff, "check", *options, *c.paths]


def semgrep_rules(language: str) -> Path:
    return SEMGREP_RULES / f"{language}.yml"


def semgrep_rule_count(language: str) -> int:
    """How many rules the local semgrep file holds (one per Forge rule family)."""
    text = semgrep_rules(language).read_text()
    return sum(1 for line in text.splitlines() if line.startswith("  - id: "))


def semgrep_command(language: str, paths: Sequence[str]) -> list[str]:
    """semgrep, offline, on local rules only; no per-file size or time limit, so it reads
    every file the others read."""
    return [
        str(tool_bin("semgrep", "semgrep")),
        "scan",
        "--config",
        str(semgrep_rules(language)),
        "--metrics=off",
        "--disable-version-check",
        "--json",
        "--quiet",
        f"--jobs={SEMGREP_JOBS}",
        "--max-target-bytes=0",
        "--timeout=0",
        *paths,
    ]


def _semgrep(c: Corpus) -> list[str]:
    return semgrep_command(c.language, c.paths)


def _engine_floor(c: Corpus) -> list[str]:
    return [sys.executable, str(BENCH_DIR / "forge_pool_check.py"), *c.paths]


def _count_floor(output: bytes) -> tuple[int | None, int | None]:
    data = _json(output)
    if not isinstance(data, dict):
        return None, None
    return int(data["findings"]), int(data["files"])


FORGE = Tool("forge-lsp check", _forge, _count_forge)
# Forge's engine over a process pool with no walk or report: what the CLI costs on top.
ENGINE_FLOOR = Tool("forge engine only (pool)", _engine_floor, _count_floor)
FLOOR = ENGINE_FLOOR.name
BANDIT = Tool("bandit", _bandit, _count_bandit)
RUFF = Tool("ruff --select S", _ruff, _count_ruff)
SEMGREP = Tool("semgrep", _semgrep, _count_semgrep)
TOOLS = {"python": (FORGE, BANDIT, RUFF, SEMGREP)} | {
    language: (FORGE, SEMGREP) for language in ("go", "typescript", "java")
}


def versions() -> dict[str, str]:
    """The peers' versions, as installed (a first call installs them)."""
    return {name: tool_version(name) for name in ("bandit", "ruff", "semgrep")}


def _short(package: corpus.Package) -> str:
    """A package's name in the table: a Go module's last path element for Debian's long names."""
    upstream = package.version.split("-")[0] if package.registry == "debian" else package.version
    if package.sources[0].startswith(corpus.GOCODE):
        return f"{Path(package.sources[0]).name} {upstream}"
    return f"{package.name} {upstream}"


def corpora(language: str, sizes: Sequence[int]) -> list[Corpus]:
    """The language's files at each size: prefixes of its corpus (fetched once)."""
    files = corpus.files(language)
    found = []
    for size in sizes:
        taken = corpus.subset(files, size)
        packages = [
            _short(p)
            for p in corpus.LANGUAGES[language].packages
            if any(corpus.package_dir(language, p) in path.parents for path in taken)
        ]
        label = ", ".join(packages)
        if len(packages) > 3:
            label = f"{packages[0]} ... {packages[-1]} ({len(packages)} packages)"
        found.append(Corpus(language, label, tuple(taken)))
    return found


def run_once(tool: Tool, target: Corpus, run: Run) -> None:
    """One measurement in a fresh wrapper process; records wall, memory and findings."""
    with tempfile.NamedTemporaryFile(prefix="forge-bench-", suffix=".out") as output:
        wrapper = [sys.executable, str(BENCH_DIR / "rusage_wrapper.py"), output.name, "--"]
        result = subprocess.run(
            wrapper + tool.command(target),
            capture_output=True,
            text=True,
            check=True,
            cwd=REPO_DIR,
            env={**os.environ, **SEMGREP_ENV, "PYTHONWARNINGS": "ignore"},
        )
        figures = json.loads(result.stdout)
        run.wall_s.append(figures["wall_s"])
        run.cpu_s.append(figures["cpu_s"])
        run.maxrss_kb.append(figures["maxrss_kb"])
        run.tree_peak_kb.append(figures["tree_peak_kb"])
        run.findings, run.files_checked = tool.count(Path(output.name).read_bytes())
        if run.findings is None:
            run.note = f"exit {figures['returncode']}, unreadable output"


def repeats_for(size: int, repeats: int) -> int:
    """Fewer repeats on the largest sets: semgrep takes minutes there, and one slow run
    moves a median of many small ones more than it moves one long one."""
    return repeats if size < 100_000 else min(repeats, 1)


def measure(
    language: str, sizes: Sequence[int], repeats: int, extra: Sequence[Tool] = ()
) -> list[Run]:
    """Every tool for the language (and `extra`) at every size, runs interleaved per repeat."""
    runs = []
    for target in corpora(language, sizes):
        tools = (*TOOLS[language], *extra)
        measured = [Run(tool.name, target) for tool in tools]
        for _ in range(repeats_for(target.lines, repeats)):
            for tool, run in zip(tools, measured, strict=True):
                run_once(tool, target, run)
        runs += measured
    return runs


@dataclass
class Section:
    """The figure's results: runs per language, and the languages left out, with why."""

    runs: dict[str, list[Run]]
    skipped: list[corpus.Skipped]
    on_examples: dict[str, tuple[set[str], set[str]]]  # language: families (semgrep, Forge)


EXTENSIONS = {"python": ".py", "go": ".go", "typescript": ".ts", "java": ".java"}


def _families(findings: object, language: str, code: Callable[[dict[str, str]], str]) -> set[str]:
    suffix = EXTENSIONS[language]
    items = findings if isinstance(findings, list) else []
    return {code(f) for f in items if isinstance(f, dict) and f["path"].endswith(suffix)}


def examples_check(languages: Sequence[str]) -> dict[str, tuple[set[str], set[str]]]:
    """The rule families semgrep's local rules and Forge each find in the bundled examples/,
    per language: proof that the semgrep rules are no no-op, and how far they cover Forge's."""
    examples = str(REPO_DIR / "examples")
    env = {**os.environ, **SEMGREP_ENV}
    forge = subprocess.run(
        _forge(Corpus("", "", (Path(examples),))), capture_output=True, cwd=REPO_DIR, env=env
    )
    found = {}
    for language in languages:
        result = subprocess.run(semgrep_command(language, [examples]), capture_output=True, env=env)
        data = _json(result.stdout)
        results = data.get("results", []) if isinstance(data, dict) else []
        semgrep = _families(results, language, lambda r: r["check_id"].rsplit(".", 1)[-1][:5])
        forge_codes = _families(_json(forge.stdout), language, lambda f: f["code"])
        found[language] = ({c.upper() for c in semgrep}, forge_codes)
    return found


def run_section(
    sizes: Sequence[int],
    repeats: int,
    languages: Sequence[str] = LANGUAGES,
    engine_floor: bool = False,
) -> Section:
    """Fetch the corpus where needed and measure every available language (with Forge's
    engine floor on Python if asked)."""
    runs: dict[str, list[Run]] = {}
    skipped = []
    for language in languages:
        reason = corpus.fetch(language)
        if reason is not None:
            skipped.append(reason)
            continue
        print(f"[bench] batch: {language}", file=sys.stderr, flush=True)
        extra = (ENGINE_FLOOR,) if engine_floor and language == "python" else ()
        runs[language] = measure(language, sizes, repeats, extra)
    return Section(runs, skipped, examples_check(list(runs)))


def _table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join(lines + ["| " + " | ".join(map(str, row)) + " |" for row in rows])


def _row(run: Run) -> tuple[object, ...]:
    files = len(run.corpus.files)
    checked = run.files_checked
    read = f" (read {checked})" if checked is not None and checked != files else ""
    return (
        run.corpus.language,
        run.corpus.label,
        f"{files}{read}",
        f"{run.corpus.lines:,}",
        run.tool,
        f"{run.wall:.2f}",
        f"{run.lines_per_second:,.0f}",
        f"{run.cpu:.2f}",
        f"{run.tree_peak_mb:.0f}",
        f"{run.maxrss_mb:.0f}",
        run.findings if run.findings is not None else f"? {run.note}",
        len(run.wall_s),
    )


def _versus(forge: Run, other: Run) -> str:
    """One peer's wall time next to Forge's, said as who is faster and by how much."""
    ratio = other.wall / forge.wall
    who = f"Forge {ratio:.1f}x faster" if ratio >= 1 else f"{other.tool} {1 / ratio:.1f}x faster"
    return f"{other.tool} {other.wall:.2f} s ({who})"


def summary(language: str, runs: Sequence[Run]) -> str:
    """Per size: Forge's wall time and each peer's against it; peak memory at the largest set."""
    sizes = sorted({run.corpus.lines for run in runs})
    parts = []
    for lines in sizes:
        at = [run for run in runs if run.corpus.lines == lines]
        forge = next(run for run in at if run.tool == FORGE.name)
        peers = [_versus(forge, run) for run in at if run.tool not in (FORGE.name, FLOOR)]
        parts.append(f"{lines:,} lines: Forge {forge.wall:.2f} s; " + ", ".join(peers))
    largest = [run for run in runs if run.corpus.lines == sizes[-1] and run.tool != FLOOR]
    memory = ", ".join(f"{run.tool} {run.tree_peak_mb:.0f} MB" for run in largest)
    return f"- **{language}**: " + "; ".join(parts) + f". Peak memory at {sizes[-1]:,}: {memory}."


def _runs_said(repeats: int) -> str:
    if repeats_for(FULL_SIZES[-1], repeats) == repeats:
        return f"Wall is the median of {repeats} runs" if repeats > 1 else "One run each"
    return f"Wall is the median of {repeats} runs (one run above 100,000 lines)"


def markdown(section: Section, repeats: int) -> str:
    """The figure: the table, who is faster at which size, and what was left out."""
    installed = versions()
    rules = ", ".join(
        f"{language} {len(semgrep)} (Forge {len(forge)}, both {len(semgrep & forge)})"
        for language, (semgrep, forge) in section.on_examples.items()
    )
    header = (
        "language",
        "set (packages)",
        "files",
        "lines",
        "tool",
        "wall s (median)",
        "lines/s",
        "CPU s",
        "peak RSS, process tree MB",
        "peak RSS, largest process MB",
        "findings",
        "runs",
    )
    rows = [_row(run) for runs in section.runs.values() for run in runs]
    text = [
        "## 3. Batch check on real code: `forge-lsp check` vs bandit, `ruff --select S` and "
        "semgrep",
        f"Sources fetched once by pinned name into `{corpus.corpus_dir()}` (`bench/corpus.py`: "
        "PyPI sdists, npm packs, Debian packages); each set is the first files, package by "
        "package in sorted path order, holding the line count, so each set contains the "
        f"smaller ones. {_runs_said(repeats)}, tools interleaved; lines are newline counts of "
        "the files checked; peak RSS sums every process of the tool's tree, sampled every 10 ms. "
        f"Peers: bandit {installed['bandit']}, ruff {installed['ruff']} (`--select S`, "
        f"`--isolated`), semgrep {installed['semgrep']} (offline, `--metrics=off`, "
        f"{SEMGREP_JOBS} jobs, no size or time limit) on local rules in `bench/semgrep/`, "
        "one rule per Forge rule family that applies to the language: "
        + ", ".join(f"{lang} {semgrep_rule_count(lang)}" for lang in LANGUAGES)
        + f" rules (rule families found in the bundled examples/ by semgrep: {rules}). "
        "Forge runs its default rule set (20 families) with its default worker count. "
        "bandit and ruff read only Python. Findings are not comparable between tools: "
        "each has its own rules.",
        _table(header, rows),
        "\n".join(summary(language, runs) for language, runs in section.runs.items()),
    ]
    if section.skipped:
        text.append("Skipped: " + "; ".join(f"{s.language} ({s.reason})" for s in section.skipped))
    return "\n\n".join(text)


def main(argv: Sequence[str]) -> int:
    """Print this figure alone, as run.py would (`--quick`: the smaller sizes, one run)."""
    parser = argparse.ArgumentParser(description="forge-lsp check vs bandit, ruff and semgrep")
    parser.add_argument("--quick", action="store_true", help="smaller sizes, one repeat")
    parser.add_argument("languages", nargs="*", default=list(LANGUAGES))
    args = parser.parse_args(argv)
    sizes, repeats = (QUICK_SIZES, 1) if args.quick else (FULL_SIZES, 3)
    print(markdown(run_section(sizes, repeats, args.languages), repeats))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
