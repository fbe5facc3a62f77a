"""This checkout against an earlier revision, in one run: start-up, latency and `check`.

For a change that should not move the figures (a refactor, a move of modules), run
`python bench/revisions.py --base REV`. The earlier revision is checked out into a temporary
git worktree and each measurement alternates between the two (and a bare pygls server for
start-up), so both meet the same machine load. Each side runs with its own tree first on
`PYTHONPATH`, in this interpreter, with the same installed dependencies.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import latency
from codegen import EXTENSIONS, generate
from lsp_client import REPO_DIR, LspClient, bare_command, forge_command
from startup import time_to_initialize


@contextmanager
def checkout(revision: str) -> Iterator[Path]:
    """`revision` in a temporary worktree, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="forge-rev-") as parent:
        tree = Path(parent) / "tree"
        git = ["git", "-C", str(REPO_DIR)]
        subprocess.run([*git, "worktree", "add", "--detach", "-q", str(tree), revision], check=True)
        try:
            yield tree
        finally:
            subprocess.run([*git, "worktree", "remove", "--force", str(tree)], check=True)


def environment(tree: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(tree), "FORGE_LOG_LEVEL": "WARNING"}


def startup(sides: dict[str, Path], runs: int) -> dict[str, list[float]]:
    """Spawn to `initialize` result, interleaved: bare pygls, then each side, `runs` times."""
    times: dict[str, list[float]] = {"bare pygls": [], **{name: [] for name in sides}}
    for _ in range(runs):
        times["bare pygls"].append(asyncio.run(time_to_initialize(bare_command())))
        for name, tree in sides.items():
            times[name].append(asyncio.run(time_to_initialize(forge_command(), environment(tree))))
    return times


async def _latencies(tree: Path, folder: Path, sizes: Sequence[int], edits: int) -> list[float]:
    """Median latency of typing inside a function, per (language, size), in one server."""
    client = await LspClient.spawn(forge_command(), environment(tree))
    try:
        await client.initialize({"debounceMs": 0})
        await asyncio.sleep(latency.SETTLE_SECONDS)
        await latency.measure_file(client, folder, "python", 200, 2)  # warm-up
        results = [
            await latency.measure_file(client, folder, language, size, edits)
            for size in sizes
            for language in ("python", "go", "typescript")
        ]
    finally:
        await client.shutdown()
    return [r.median for r in results]


def latencies(
    sides: dict[str, Path], sizes: Sequence[int], edits: int, rounds: int
) -> dict[str, list[float]]:
    """Each side's per-file medians, alternating sides `rounds` times; then the median of each
    file's medians across rounds."""
    by_side: dict[str, list[list[float]]] = {name: [] for name in sides}
    with tempfile.TemporaryDirectory(prefix="forge-bench-") as name:
        for _ in range(rounds):
            for side, tree in sides.items():
                by_side[side].append(asyncio.run(_latencies(tree, Path(name), sizes, edits)))
    return {
        side: [statistics.median(col) for col in zip(*rows, strict=True)]
        for side, rows in by_side.items()
    }


def real_function_latencies(
    sides: dict[str, Path], edits: int, rounds: int
) -> tuple[list[str], dict[str, list[float]]]:
    """Typing inside a function of large real files (`latency.REAL_FUNCTION_EDITS`): each
    side's median per file, alternating sides `rounds` times; the median across rounds."""
    by_side: dict[str, list[list[float]]] = {name: [] for name in sides}
    labels: list[str] = []
    for _ in range(rounds):
        for side, tree in sides.items():
            results, _ = latency.measure_real_functions(edits, environment(tree))
            labels = [f"{r.label} ({r.lines:,} lines)" for r in results]
            by_side[side].append([r.median for r in results])
    return labels, {
        side: [statistics.median(col) for col in zip(*rows, strict=True)]
        for side, rows in by_side.items()
    }


def check_times(sides: dict[str, Path], target: Path, runs: int) -> dict[str, list[float]]:
    """Wall time of `forge-lsp check TARGET` (one job), interleaved between the sides."""
    times: dict[str, list[float]] = {name: [] for name in sides}
    for _ in range(runs):
        for name, tree in sides.items():
            command = [
                sys.executable,
                "-m",
                "forge_lsp",
                "check",
                "--quiet",
                "-j",
                "1",
                str(target),
            ]
            # An empty result cache each time (a revision before it ignores the variable): a
            # first run, not one answered from the previous round's results.
            with tempfile.TemporaryDirectory(prefix="forge-rev-cache-") as cache:
                env = {**environment(tree), "FORGE_CACHE_DIR": cache}
                start = time.perf_counter()
                done = subprocess.run(command, env=env, capture_output=True, cwd=target)
                times[name].append((time.perf_counter() - start) * 1000)
            if done.returncode not in (0, 1):
                raise RuntimeError(f"{name}: check exited {done.returncode}: {done.stderr[-500:]}")
    return times


def corpus(folder: Path, lines: int) -> Path:
    """Generated services in three languages, `lines` lines each."""
    for language in ("python", "go", "typescript"):
        (folder / f"service.{EXTENSIONS[language]}").write_text(generate(language, lines))
    return folder


def _print_real_functions(sides: dict[str, Path], rounds: int) -> None:
    labels, real = real_function_latencies(sides, 16, rounds)
    print(f"\n## Typing in a function of a real file (ms, median of 16, of {rounds} rounds)\n")
    print("| file | " + " | ".join(real) + " |\n|---|" + "---|" * len(real))
    for i, label in enumerate(labels):
        print(f"| {label} | " + " | ".join(f"{real[s][i]:.1f}" for s in real) + " |")


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="the earlier revision (a commit, a tag)")
    parser.add_argument("--runs", type=int, default=15, help="start-up and check runs per side")
    parser.add_argument(
        "--real-only", action="store_true", help="only typing in functions of real files"
    )
    args = parser.parse_args(argv)
    sizes, edits, rounds = (1_000, 5_000), 10, 3
    with checkout(args.base) as base, tempfile.TemporaryDirectory() as folder:
        sides = {f"base {args.base[:10]}": base, "this checkout": REPO_DIR}
        print(f"# This checkout against {args.base}, one run, alternating\n")
        if args.real_only:
            _print_real_functions(sides, rounds)
            return 0
        up = startup(sides, args.runs)
        print(f"## Start-up: spawn to `initialize` result, median of {args.runs} (ms)\n")
        print("| server | median | min |\n|---|---|---|")
        for name, values in up.items():
            print(f"| {name} | {statistics.median(values):.1f} | {min(values):.1f} |")
        files = [f"{language} {size:,}" for size in sizes for language in ("python", "go", "ts")]
        lat = latencies(sides, sizes, edits, rounds)
        print(
            f"\n## Latency: typing in a function to diagnostics (ms, median of {rounds} rounds)\n"
        )
        print("| file | " + " | ".join(lat) + " |\n|---|" + "---|" * len(lat))
        for i, file in enumerate(files):
            print(f"| {file} lines | " + " | ".join(f"{lat[s][i]:.1f}" for s in lat) + " |")
        _print_real_functions(sides, rounds)
        target = corpus(Path(folder), 10_000)
        checks = check_times(sides, target, args.runs)
        print(f"\n## `forge-lsp check` of 30,000 generated lines, one job (ms, {args.runs} runs)\n")
        print("| side | median | min |\n|---|---|---|")
        for name, values in checks.items():
            print(f"| {name} | {statistics.median(values):.0f} | {min(values):.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
