"""Forge's benchmark: one command, a Markdown table of medians, Forge next to its peers.

    python bench/run.py [--quick]

Figures: server start-up (vs a bare pygls server), diagnostics latency after `didChange` (over
the wire, and in-process split by stage), `forge-lsp check` vs bandit, ruff and semgrep on real
code fetched from package registries (Python, Go, TypeScript, Java at three sizes), server
memory with many open documents, the Claude path against the fake Messages API (overhead,
progress, cache, tokens sent), and Forge against jedi-language-server, pylsp and `ruff server`
(start-up, memory, Python diagnostics).
Nothing here asserts a time: it measures and prints. Results also go to `bench/results.md`.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import batch
import claude
import codegen
import inprocess
import latency
import memory
import peers
import startup
from lsp_client import BENCH_DIR, forge_command

import forge_lsp


@dataclass(frozen=True)
class Plan:
    """How much to run: the full benchmark or `--quick`."""

    startup_runs: int
    sizes: tuple[int, ...]
    edits: int
    stage_runs: int
    batch_repeats: int
    memory_counts: tuple[int, ...]
    memory_repeats: int
    engine_floor: bool
    claude_runs: int
    claude_cold: int  # fresh server processes for the first task's figure (anthropic import)
    batch_sizes: tuple[int, ...] = batch.FULL_SIZES  # lines per language for the batch check


FULL = Plan(10, (1000, 5000, 20000), 20, 10, 3, (0, 50, 200, 1000), 3, True, 10, 3)
QUICK = Plan(
    5, (1000, 5000), 8, 3, 1, (0, 50, 200, 1000), 1, False, 4, 1, batch_sizes=batch.QUICK_SIZES
)


def table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def ms(value: float) -> str:
    return f"{value:.1f}"


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def machine_section(argv: Sequence[str]) -> str:
    """Where and how the figures were taken."""
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    rows = [
        ("Command", "`" + " ".join(["python", "bench/run.py", *argv]) + "`"),
        ("Date", datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")),
        ("CPU", f"{cpu_model()}, {os.cpu_count()} logical cores"),
        ("Python", f"{platform.python_version()} ({sys.executable})"),
        ("Forge", f"{forge_lsp.__version__}; server started as `{' '.join(forge_command())}`"),
        ("Load average at start (1/5/15 min)", load),
    ]
    return "## Machine\n\n" + table(("", ""), rows)


def startup_section(plan: Plan) -> str:
    """Figure 1: spawn to `initialize` result, and what the server imports."""
    result = startup.measure(plan.startup_runs)
    n = plan.startup_runs
    rows = [
        ("Forge", ms(result.forge), ms(min(result.forge_ms)), ms(max(result.forge_ms))),
        ("bare pygls 2", ms(result.bare), ms(min(result.bare_ms)), ms(max(result.bare_ms))),
        ("difference", ms(result.forge - result.bare), "", ""),
    ]
    heavy = ", ".join(result.heavy_loaded) or "none"
    return (
        "## 1. Start-up: spawn to `initialize` result\n\n"
        + table(("server", f"median ms (n={n})", "min", "max"), rows)
        + f"\n\nModules after `{result.probe}` in a fresh interpreter: "
        + f"{result.module_count} (bare pygls: {result.bare_module_count}), "
        + f"imported in {ms(result.import_ms)} ms (pygls alone: {ms(result.bare_import_ms)} ms). "
        + "Heavy modules loaded (anthropic, httpx, pydantic, grammar wheels, rule modules, "
        + f"report): **{heavy}**."
    )


def latency_section(plan: Plan) -> str:
    """Figure 2a: `didChange` to `publishDiagnostics` over stdio."""
    results = latency.measure(codegen.LANGUAGES, plan.sizes, plan.edits)
    rows = [
        (
            r.language,
            r.lines,
            r.diagnostics,
            ms(r.open_ms),
            ms(r.median),
            ms(min(r.change_ms)),
            ms(max(r.change_ms)),
            ms(r.comment_median),
            ms(r.toplevel_median),
        )
        for r in results
    ]
    header = (
        "language",
        "lines",
        "diagnostics",
        "didOpen→publish ms",
        f"in a function: didChange→publish median ms (n={plan.edits})",
        "min",
        "max",
        "in a comment between functions: median ms",
        "in top-level code (full check): median ms",
    )
    return (
        "## 2. Diagnostics latency after a one-character `didChange` (stdio, push, debounceMs 0)"
        "\n\nAn edit inside a function re-checks that function and carries the other findings "
        "over (a full check follows once typing pauses); so does an edit in a comment outside "
        "any function, for the statements on the comment's lines. An edit in other code outside "
        "any function (here inside a module- or class-level password literal) checks the whole "
        "file. The generated files are dense with findings: about one per 6.5 lines.\n\n"
        + table(header, rows)
    )


def real_files_section(plan: Plan) -> str:
    """Figure 2c: a full check after an edit, on real files from the corpus."""
    results, skipped = latency.measure_real_files(plan.edits)
    left_out = "".join(f"\n\nSkipped {s.language}: {s.reason}" for s in skipped)
    if not results:
        return "### 2c. Real files" + left_out
    rows = [
        (
            r.language,
            r.path.name,
            r.lines,
            r.diagnostics,
            ms(r.open_ms),
            ms(statistics.median(r.toplevel_ms)),
            ms(min(r.toplevel_ms)),
            ms(max(r.toplevel_ms)),
        )
        for r in results
    ]
    header = (
        "language",
        "file",
        "lines",
        "diagnostics",
        "didOpen→publish ms",
        f"top-level edit (full check): didChange→publish median ms (n={plan.edits})",
        "min",
        "max",
    )
    return (
        "### 2c. Full check after an edit on real files (corpus sources, a fresh server each)"
        "\n\nOne character typed on a blank line outside any function, so every edit checks "
        "the whole file.\n\n" + table(header, rows) + left_out
    )


def _stage_cells(times: inprocess.StageTimes) -> list[str]:
    return [ms(times.median(stage)) for stage in inprocess.STAGES]


def stages_section(plan: Plan) -> str:
    """Figure 2b: the same files checked in-process, split by stage, full vs incremental."""
    costs = []
    for size in plan.sizes:
        runs = plan.stage_runs if size <= 5000 else max(3, plan.stage_runs // 2)
        for language in codegen.LANGUAGES:
            text = codegen.generate(language, size)
            costs.append(
                inprocess.measure_file(language, text, codegen.toplevel_edit_point(text), runs)
            )
    rows = [
        (
            c.language,
            c.lines,
            c.findings,
            *_stage_cells(c.full),
            ms(statistics.median(c.check_full_ms)),
            ms(statistics.median(c.diff_ms)),
            *_stage_cells(c.edited),
            ms(statistics.median(c.check_edited_ms)),
            ms(statistics.median(c.analyzer_ms)),
        )
        for c in costs
    ]
    stages = inprocess.STAGES
    header = (
        "language",
        "lines",
        "findings",
        *(f"full {s}" for s in stages),
        "full engine.check",
        "edit diff",
        *(f"edited {s}" for s in stages),
        "edited engine.check",
        "server Analyzer (edited)",
    )
    return (
        "### 2b. Server-side cost in-process (median ms): full parse vs previous tree edited\n\n"
        "`parse`: tree-sitter; `suppress`: suppression comments; `rules`: every enabled rule; "
        "`convert`: Findings to LSP Diagnostics; `serialize`: cattrs + json.dumps of the "
        "publishDiagnostics params; `engine.check` = parse+suppress+rules; `Analyzer`: the "
        "server's own path (settings lookup, worker thread, engine, convert).\n\n"
        + table(header, rows)
        + "\n\n"
        + rules_table([c for c in costs if c.lines >= 4000 and c.lines < 6000])
    )


def rules_table(costs: list[inprocess.FileCost]) -> str:
    """Per-rule cost after an edit, on the ~5,000-line files."""
    codes = sorted({code for c in costs for code in c.edited.rules})
    rows = [
        (c.language, c.lines, *(ms(c.edited.rule_medians().get(code, 0.0)) for code in codes))
        for c in costs
    ]
    title = (
        "Per-rule cost on the 5,000-line files, after an edit, each rule run alone with its own"
        " query pass (median ms; the rules stage above shares one pass between all rules, so it"
        " costs less than their sum):\n\n"
    )
    return title + table(("language", "lines", *codes), rows)


def batch_section(plan: Plan) -> str:
    """Figure 3: `forge-lsp check` on real code vs bandit, ruff --select S and semgrep."""
    found = batch.run_section(plan.batch_sizes, plan.batch_repeats, engine_floor=plan.engine_floor)
    return batch.markdown(found, plan.batch_repeats)


def memory_section(plan: Plan) -> str:
    """Figure 4: server RSS with many open documents."""
    points = memory.measure(plan.memory_counts, plan.memory_repeats)
    rows = [
        (p.documents, f"{p.rss_mb:.0f}", f"{p.hwm_mb:.0f}", statistics.median(p.diagnostics))
        for p in points
    ]
    header = (
        "open documents",
        f"VmRSS MB (median of {plan.memory_repeats})",
        "VmHWM MB",
        "diagnostics received",
    )
    return (
        f"## 4. Server memory with open documents (~{memory.DOC_LINES} lines each, "
        "python/go/javascript/typescript/java in turn; diagnostics received for each)\n\n"
        + table(header, rows)
    )


def claude_section(plan: Plan) -> str:
    """Figure 5: the Claude path against the fake Messages API (issue 4's speed bar)."""
    return claude.section(plan.claude_runs, plan.claude_cold)


def peers_section(plan: Plan) -> str:
    """Figure 6: Forge against its LSP peers, start-up and Python diagnostics, in this run."""
    return peers.section(plan.startup_runs, plan.sizes, plan.edits)


def timed(title: str, section: Callable[[Plan], str], plan: Plan) -> str:
    """Run one section, reporting progress on stderr."""
    print(f"[bench] {title}...", file=sys.stderr, flush=True)
    start = time.perf_counter()
    text = section(plan)
    print(f"[bench] {title}: {time.perf_counter() - start:.0f} s", file=sys.stderr, flush=True)
    return text


def main(argv: Sequence[str]) -> int:
    """Run every figure and print the Markdown report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer sizes and repetitions")
    args = parser.parse_args(argv)
    plan = QUICK if args.quick else FULL
    started = time.perf_counter()
    sections = [
        "# Forge LSP benchmark",
        machine_section(argv),
        timed("start-up", startup_section, plan),
        timed("latency", latency_section, plan),
        timed("real files", real_files_section, plan),
        timed("in-process stages", stages_section, plan),
        timed("batch", batch_section, plan),
        timed("memory", memory_section, plan),
        timed("claude", claude_section, plan),
        timed("peers", peers_section, plan),
    ]
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    sections.append(
        f"Total benchmark time {time.perf_counter() - started:.0f} s; "
        f"load average at the end {load}."
    )
    report = "\n\n".join(sections) + "\n"
    print(report)
    (BENCH_DIR / "results.md").write_text(report)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
