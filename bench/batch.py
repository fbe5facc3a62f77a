"""Batch checking: `forge-lsp check` against bandit and ruff, and Forge alone on other corpora.

Every measurement runs in a fresh `rusage_wrapper.py` process, so its peak memory is that of
the measured command's process tree only.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from lsp_client import BENCH_DIR, REPO_DIR, cli_exists

CORPUS = Path("/work/corpus")
SQLALCHEMY = CORPUS / "python/sqlalchemy-2.0.36/lib"
VENV_BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class Corpus:
    """Files to check: a label, the paths to pass on the command line, the files they hold."""

    label: str
    paths: tuple[str, ...]
    files: tuple[Path, ...]

    @property
    def lines(self) -> int:
        return sum(path.read_bytes().count(b"\n") for path in self.files)


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


def _files(root: Path, keep: Callable[[Path], bool]) -> tuple[Path, ...]:
    return tuple(sorted(p for p in root.rglob("*") if p.is_file() and keep(p)))


def corpora() -> dict[str, Corpus]:
    """SQLAlchemy's lib/ for the comparison; Go, TypeScript and Java for Forge alone."""
    python = _files(SQLALCHEMY, lambda p: p.suffix == ".py")
    go = _files(CORPUS / "go/x", lambda p: p.suffix == ".go")
    typescript = _files(
        CORPUS / "npm", lambda p: p.suffix == ".ts" and not p.name.endswith(".d.ts")
    )
    java = _files(CORPUS / "java/jdk", lambda p: p.suffix == ".java")
    return {
        "python": Corpus("SQLAlchemy 2.0.36 lib/ (.py)", (str(SQLALCHEMY),), python),
        "go": Corpus("Go: gin, pgx, sqlx, minio-go, ... (go/x)", (str(CORPUS / "go/x"),), go),
        "typescript": Corpus(
            "TypeScript: .ts (not .d.ts) of the npm packs", tuple(map(str, typescript)), typescript
        ),
        "java": Corpus(
            "Java: OpenJDK 17 java.sql, java.net, ... (java/jdk)", (str(CORPUS / "java/jdk"),), java
        ),
    }


def forge_command(paths: Sequence[str]) -> tuple[str, list[str]]:
    """The real CLI when it exists, else the in-process engine over a process pool."""
    if cli_exists():
        return "forge-lsp check", [
            sys.executable,
            "-m",
            "forge_lsp",
            "check",
            "--exit-zero",
            "--format",
            "json",
            *paths,
        ]
    return "forge engine (pool)", [sys.executable, str(BENCH_DIR / "forge_pool_check.py"), *paths]


def engine_floor_command(paths: Sequence[str]) -> tuple[str, list[str]]:
    """Forge's engine over a process pool with no walk or report: what the CLI costs on top."""
    return "forge engine only (pool)", [
        sys.executable,
        str(BENCH_DIR / "forge_pool_check.py"),
        *paths,
    ]


def bandit_command(paths: Sequence[str]) -> tuple[str, list[str]]:
    return "bandit", [str(VENV_BIN / "bandit"), "-r", "-q", "-f", "json", *paths]


def ruff_command(paths: Sequence[str]) -> tuple[str, list[str]]:
    return "ruff --select S", [
        str(VENV_BIN / "ruff"),
        "check",
        "--select",
        "S",
        "--no-cache",
        "--exit-zero",
        "--output-format",
        "json",
        *paths,
    ]


def count_findings(tool: str, output: bytes) -> int | None:
    """How many findings a tool reported, from its JSON output (None if unreadable)."""
    try:
        data = json.loads(output)
    except ValueError:
        return None
    if isinstance(data, dict) and "results" in data:  # bandit
        return len(data["results"])
    if isinstance(data, dict) and "findings" in data:  # our pool stand-in
        return int(data["findings"])
    return len(data) if isinstance(data, list) else None


def run_once(command: list[str], run: Run) -> None:
    """One measurement in a fresh wrapper process; records wall, memory and findings."""
    with tempfile.NamedTemporaryFile(prefix="forge-bench-", suffix=".out") as output:
        wrapper = [sys.executable, str(BENCH_DIR / "rusage_wrapper.py"), output.name, "--"]
        result = subprocess.run(
            wrapper + command,
            capture_output=True,
            text=True,
            check=True,
            cwd=REPO_DIR,
            env={**os.environ, "PYTHONWARNINGS": "ignore"},
        )
        figures = json.loads(result.stdout)
        run.wall_s.append(figures["wall_s"])
        run.cpu_s.append(figures["cpu_s"])
        run.maxrss_kb.append(figures["maxrss_kb"])
        run.tree_peak_kb.append(figures["tree_peak_kb"])
        run.findings = count_findings(run.tool, Path(output.name).read_bytes())


def measure(
    build: Callable[[Sequence[str]], tuple[str, list[str]]], corpus: Corpus, repeats: int
) -> Run:
    """Run one tool on one corpus `repeats` times."""
    tool, command = build(corpus.paths)
    run = Run(tool, corpus)
    for _ in range(repeats):
        run_once(command, run)
    return run


def compare(repeats: int, with_floor: bool) -> list[Run]:
    """Forge, its engine floor, bandit and ruff on SQLAlchemy, runs interleaved per repeat."""
    corpus = corpora()["python"]
    builders: tuple[Callable[[Sequence[str]], tuple[str, list[str]]], ...] = (
        forge_command,
        bandit_command,
        ruff_command,
    )
    if cli_exists() and with_floor:
        builders = (forge_command, engine_floor_command, bandit_command, ruff_command)
    runs = [Run(build(corpus.paths)[0], corpus) for build in builders]
    for _ in range(repeats):
        for build, run in zip(builders, runs, strict=True):
            run_once(build(corpus.paths)[1], run)
    return runs


def forge_alone(repeats: int) -> list[Run]:
    """Forge on the Go, TypeScript and Java corpora."""
    found = corpora()
    return [measure(forge_command, found[name], repeats) for name in ("go", "typescript", "java")]
