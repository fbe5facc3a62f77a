"""A repeat run of `forge-lsp check` with the result cache, against ruff, on SQLAlchemy's `lib/`.

    python bench/repeat_run.py [--rounds 3]

Forge three ways: cold (an empty cache folder: every file checked and stored), warm (the same
command again: every file answered from the cache) and `--no-cache`; ruff 0.17.6 (pinned in
`tools.py`, `--isolated`) with its default rules (407 in this version) and with `--select ALL`
(813), each with `--no-cache` and warm (its cache filled by a run just before). ruff prints
`--output-format concise`, one line per finding like Forge's text format: its default format
draws a code frame under each of the 10,000 findings, which costs more than the linting here.
Every command runs once untimed, then the rounds alternate between the commands so that load
from other work falls on all alike; the table gives each one's median wall time. The issue's
target: Forge warm within 2x of ruff's uncached run (default rules). Figures, no assertions.

The code is SQLAlchemy 2.0.36's `lib/` (255 files, 232k lines), fetched once by pinned name
with `corpus.py` into `~/.cache/forge-lsp/bench-corpus/`. Forge is this checkout
(`sys.executable -m forge_lsp`, default jobs: all cores); its cache and ruff's go to temporary
folders, never the user's.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import corpus
from lsp_client import REPO_DIR
from tools import tool_bin, tool_version

SQLALCHEMY = next(p for p in corpus.LANGUAGES["python"].packages if p.name == "SQLAlchemy")


@dataclass(frozen=True)
class Command:
    """One measured command: its name, its argument list, and what runs before it (untimed)."""

    name: str
    argv: list[str]
    env: dict[str, str]
    before: Callable[[], None] = lambda: None


def forge_commands(target: Path, cache: Path) -> list[Command]:
    env = {**os.environ, "PYTHONPATH": str(REPO_DIR), "FORGE_CACHE_DIR": str(cache)}
    check = [sys.executable, "-m", "forge_lsp", "check", "--exit-zero", "--quiet", str(target)]

    return [
        Command(
            "forge-lsp check, cold (empty cache)", check, env, partial(shutil.rmtree, cache, True)
        ),
        Command("forge-lsp check, warm", check, env, partial(_quietly, check, env)),
        Command("forge-lsp check --no-cache", [*check, "--no-cache"], env),
    ]


def ruff_commands(target: Path, cache: Path) -> list[Command]:
    ruff = str(tool_bin("ruff", "ruff"))
    commands = []
    for label, rules in (("default rules", []), ("--select ALL", ["--select", "ALL"])):
        options = ["--isolated", "--exit-zero", "--quiet", "--output-format", "concise"]
        check = [ruff, "check", *options, *rules, str(target)]
        warm = [*check, "--cache-dir", str(cache / label.replace(" ", "-"))]
        commands += [
            Command(f"ruff check --no-cache, {label}", [*check, "--no-cache"], dict(os.environ)),
            Command(f"ruff check, warm, {label}", warm, dict(os.environ), partial(_quietly, warm)),
        ]
    return commands


def _quietly(argv: list[str], env: dict[str, str] | None = None) -> None:
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, check=True)


def wall(command: Command) -> float:
    """Seconds from spawn to exit, after the command's untimed preparation."""
    command.before()
    start = time.perf_counter()
    subprocess.run(command.argv, env=command.env, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def report(target: Path, cache: Path) -> str:
    """Forge's text report on `target` with the cache as it is."""
    env = {**os.environ, "PYTHONPATH": str(REPO_DIR), "FORGE_CACHE_DIR": str(cache)}
    argv = [sys.executable, "-m", "forge_lsp", "check", "--exit-zero", str(target)]
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=True)
    return done.stdout + done.stderr


def load() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    root = corpus.fetch_package("python", SQLALCHEMY)
    target = root / "lib"
    files = [path for path in corpus.walk(target) if path.suffix == ".py"]
    lines = sum(corpus.line_count(path) for path in files)
    name = f"SQLAlchemy {SQLALCHEMY.version} lib/"
    print(f"# Repeat runs on {name}: {len(files)} files, {lines:,} lines")
    print(f"\nruff {tool_version('ruff')}; {os.cpu_count()} CPUs; load at start {load()}")
    with tempfile.TemporaryDirectory(prefix="forge-repeat-") as folder:
        forge_cache, ruff_cache = Path(folder, "forge"), Path(folder, "ruff")
        commands = [*forge_commands(target, forge_cache), *ruff_commands(target, ruff_cache)]
        for command in commands:  # untimed: pyc files, the page cache, ruff's and Forge's caches
            wall(command)
        times: dict[str, list[float]] = {command.name: [] for command in commands}
        for _ in range(args.rounds):
            for command in commands:
                times[command.name].append(wall(command))
        shutil.rmtree(forge_cache, ignore_errors=True)
        cold = report(target, forge_cache)
        same = report(target, forge_cache) == cold
    medians = {name: statistics.median(values) for name, values in times.items()}
    print(f"load at end {load()}\n")
    print(f"| command | median of {args.rounds} (s) | runs (s) |")
    print("|---|---:|---|")
    for name, values in times.items():
        runs = ", ".join(f"{value:.3f}" for value in values)
        print(f"| {name} | {medians[name]:.3f} | {runs} |")
    warm = medians["forge-lsp check, warm"]
    ruff = medians["ruff check --no-cache, default rules"]
    print(
        f"\nForge warm / ruff uncached (default rules): {warm / ruff:.2f}x (target: 2x or less); "
        f"Forge cold / warm: {medians['forge-lsp check, cold (empty cache)'] / warm:.1f}x; "
        f"warm report identical to cold: {'yes' if same else 'NO'}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
