"""Forge against its LSP peers, measured in the same run by the same client: start-up, memory
after `initialize`, and Python diagnostics latency, next to bare pygls, jedi-language-server,
python-lsp-server (pylsp) and `ruff server`.

    python bench/peers.py [--quick]

Every server is spawned by `lsp_client.py` (a push-diagnostics client: it does not advertise
pull diagnostics), started in the workspace root and told about it (rootUri and
workspaceFolders), as an editor would. The peers come from `tools.py` (pinned, each in an
environment of its own). A server that fails or times out is reported as failed and the run
goes on; a figure a server did not produce shows as "—" with the reason under the table.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.metadata
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import codegen
import tools
from lsp_client import LspClient, bare_command, forge_command, proc_status

import forge_lsp
from forge_lsp.config import DEFAULT_DEBOUNCE_MS
from forge_lsp.engine.checker import RuleSelection

WORKSPACE_FILES = (0, 100, 1000)  # Python files in the workspace root at start-up
WORKSPACE_FILE_LINES = 200
FILES_PER_PACKAGE = 100
WARM_UP_LINES = 200
START_TIMEOUT = 30.0  # spawn to `initialize` result
PUBLISH_TIMEOUT = 60.0  # one `publishDiagnostics`
SETTLE_SECONDS = 0.5  # after `initialized`: servers apply their settings

# Forge's settings for this comparison: the same as the latency section (not its default).
FORGE_OPTIONS = {"debounceMs": 0}
# pylsp's own defaults, made explicit (Config merges initializationOptions["pylsp"] into its
# plugin settings). mccabe is on by default too but not installed by the pin, so never loads.
PYLSP_OPTIONS = {
    "pylsp": {"plugins": {"pyflakes": {"enabled": True}, "pycodestyle": {"enabled": True}}}
}


@dataclass(frozen=True)
class Server:
    """One language server in the comparison and how it is started."""

    name: str
    command: Callable[[], list[str]]  # resolved when the run starts: a peer installs on first use
    version: Callable[[], str]
    options: dict[str, Any] | None  # initializationOptions
    publishes: bool  # whether it publishes Python diagnostics (the latency table)


def _tool(name: str, executable: str, *args: str) -> Callable[[], list[str]]:
    return lambda: [str(tools.tool_bin(name, executable)), *args]


def _tool_version(name: str) -> Callable[[], str]:
    return lambda: tools.tool_version(name)


SERVERS = (
    Server("Forge", forge_command, lambda: forge_lsp.__version__, FORGE_OPTIONS, True),
    Server("bare pygls", bare_command, lambda: importlib.metadata.version("pygls"), None, False),
    Server(
        "jedi-language-server",
        _tool("jedi-language-server", "jedi-language-server"),
        _tool_version("jedi-language-server"),
        None,
        True,
    ),
    Server(
        "pylsp",
        _tool("python-lsp-server", "pylsp"),
        _tool_version("python-lsp-server"),
        PYLSP_OPTIONS,
        True,
    ),
    Server("ruff server", _tool("ruff", "ruff", "server"), _tool_version("ruff"), None, True),
)


def _failure(error: BaseException) -> str:
    """A short reason for the report."""
    if isinstance(error, asyncio.TimeoutError):
        return "timed out"
    return f"{type(error).__name__}: {error}".strip().rstrip(":")[:160]


# --- the peers' own code: what they check and how long they wait --------------------------


def _site_packages(tool: str) -> Path | None:
    found = sorted((tools.tools_dir() / tool / "lib").glob("python*/site-packages"))
    return found[0] if found else None


def _number_in_source(tool: str, relative: str, pattern: str) -> float | None:
    """A constant read from a peer's installed source, or None when it is not found there."""
    site = _site_packages(tool)
    path = site / relative if site is not None else None
    if path is None or not path.is_file():
        return None
    match = re.search(pattern, path.read_text(encoding="utf-8"))
    return float(match.group(1)) if match else None


def debounce_ms() -> dict[str, float | None]:
    """The fixed delay each server waits after a change before it checks, from its code: pylsp
    debounces every lint by LINT_DEBOUNCE_S, jedi-language-server its diagnostics by the
    seconds given to `@debounce` on `_publish_diagnostics`. Neither is a setting."""
    pylsp = _number_in_source(
        "python-lsp-server", "pylsp/python_lsp.py", r"LINT_DEBOUNCE_S\s*=\s*([\d.]+)"
    )
    jedi = _number_in_source(
        "jedi-language-server",
        "jedi_language_server/server.py",
        r"@jedi_utils\.debounce\(\s*([\d.]+)[^)]*\)\s*def _publish_diagnostics",
    )
    return {
        "Forge": float(FORGE_OPTIONS["debounceMs"]),
        "ruff server": 0.0,
        "pylsp": pylsp * 1000 if pylsp is not None else None,
        "jedi-language-server": jedi * 1000 if jedi is not None else None,
    }


def ruff_rules(root: Path) -> list[str]:
    """The rule codes ruff enables for a file in `root` (no config there: its defaults)."""
    probe = root / "probe.py"
    probe.write_text("")
    command = [*_tool("ruff", "ruff")(), "check", "--show-settings", str(probe)]
    output = subprocess.run(command, capture_output=True, text=True, cwd=root).stdout
    probe.unlink()
    return enabled_rules(output)


def enabled_rules(show_settings: str) -> list[str]:
    """The codes in the `linter.rules.enabled` list of `ruff check --show-settings` output."""
    if "linter.rules.enabled = [" not in show_settings:
        return []
    block = show_settings.split("linter.rules.enabled = [", 1)[1].split("]\n", 1)[0]
    return re.findall(r"\(([A-Z]+[0-9]+)\)", block)


def rule_families(codes: Sequence[str], shown: int = 8) -> str:
    """'40 F, 42 UP, ...': how many rules of each prefix, largest first."""
    counts: dict[str, int] = {}
    for code in codes:
        prefix = re.sub(r"\d+$", "", code)
        counts[prefix] = counts.get(prefix, 0) + 1
    ranked = sorted(counts.items(), key=lambda item: -item[1])
    words = [f"{count} {prefix}" for prefix, count in ranked[:shown]]
    return ", ".join(words) + (", …" if len(ranked) > shown else "")


# --- start-up -----------------------------------------------------------------------------


@dataclass
class StartupCell:
    """One server at one workspace size: a figure per repeat, or why it failed."""

    ms: list[float] = field(default_factory=list)
    rss_kb: list[int] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def write_workspace(root: Path, files: int) -> None:
    """`files` generated Python modules under `root`, a hundred per package."""
    for index in range(files):
        package = root / f"pkg_{index // FILES_PER_PACKAGE}"
        if not package.is_dir():
            package.mkdir()
            (package / "__init__.py").write_text("")
        text = codegen.generate("python", WORKSPACE_FILE_LINES, seed=index)
        (package / f"service_{index}.py").write_text(text)


async def start_once(
    command: Sequence[str], options: dict[str, Any] | None, root: Path
) -> tuple[float, int]:
    """Spawn to `initialize` result in milliseconds, and the server's VmRSS (kB) right then."""
    start = time.perf_counter()
    client = await LspClient.spawn(command, cwd=root)
    try:
        await asyncio.wait_for(client.initialize(options, root=root), START_TIMEOUT)
        elapsed = (time.perf_counter() - start) * 1000
        return elapsed, proc_status(client.pid)["VmRSS"]
    finally:
        await client.shutdown()


def measure_startup(
    commands: dict[str, list[str]], runs: int, folder: Path
) -> dict[tuple[str, int], StartupCell]:
    """Each server `runs` times per workspace size, after one unrecorded start each (the first
    spawn of a run pays for cold file caches). Every repeat starts every server at every size,
    the servers in reversed order on odd repeats, so drift in the machine's load hits every
    server and size alike."""
    servers = [server for server in SERVERS if server.name in commands]
    cells = {(s.name, files): StartupCell() for s in servers for files in WORKSPACE_FILES}
    roots = {files: folder / f"workspace_{files}" for files in WORKSPACE_FILES}
    for files, root in roots.items():
        root.mkdir()
        write_workspace(root, files)
    for server in servers:
        cell = StartupCell()  # warm-up, not reported (a failing server fails again below)
        _start_into(cell, commands[server.name], server.options, roots[WORKSPACE_FILES[0]])
    for repeat in range(runs):
        for files, root in roots.items():
            for server in servers if repeat % 2 == 0 else servers[::-1]:
                cell = cells[(server.name, files)]
                _start_into(cell, commands[server.name], server.options, root)
    return cells


def _start_into(
    cell: StartupCell, command: list[str], options: dict[str, Any] | None, root: Path
) -> None:
    """One start, recorded in `cell` as a figure or as a failure (the run goes on)."""
    try:
        ms, rss = asyncio.run(start_once(command, options, root))
    except Exception as error:
        cell.failures.append(_failure(error))
    else:
        cell.ms.append(ms)
        cell.rss_kb.append(rss)


# --- diagnostics latency ------------------------------------------------------------------


@dataclass
class DiagnosticsRun:
    """One server on one file: didOpen and `edits` one-character didChanges, each to its
    publishDiagnostics; `failure` says why figures are missing."""

    server: str
    edit: str
    lines: int
    open_count: int | None = None
    open_ms: float | None = None
    change_ms: list[float] = field(default_factory=list)
    last_count: int | None = None
    failure: str | None = None


async def _publish_after(
    client: LspClient, uri: str, version: int, method: str, params: Any
) -> tuple[int, float]:
    """Send `method` and wait for the publishDiagnostics of `version`: (count, milliseconds)."""
    waiter = client.expect(uri, version)
    start = time.perf_counter()
    client.notify(method, params)
    await client.drain()
    published = await asyncio.wait_for(waiter, PUBLISH_TIMEOUT)
    return published.count, (published.at - start) * 1000


async def open_document(client: LspClient, uri: str, text: str) -> tuple[int, float]:
    """didOpen (version 1) to its publishDiagnostics: (diagnostics, milliseconds)."""
    document = {"uri": uri, "languageId": "python", "version": 1, "text": text}
    return await _publish_after(client, uri, 1, "textDocument/didOpen", {"textDocument": document})


async def type_character(
    client: LspClient, uri: str, version: int, line: int, column: int
) -> tuple[int, float]:
    """One 'x' typed at (line, column) to the publishDiagnostics of that version."""
    position = {"line": line, "character": column}
    params = {
        "textDocument": {"uri": uri, "version": version},
        "contentChanges": [{"range": {"start": position, "end": position}, "text": "x"}],
    }
    return await _publish_after(client, uri, version, "textDocument/didChange", params)


async def warm_up(client: LspClient, root: Path) -> None:
    """Open, edit and close a small file, so lazy imports and caches are not in the figures."""
    text = codegen.generate("python", WARM_UP_LINES, seed=7)
    path = root / "warm_up.py"
    path.write_text(text)
    await open_document(client, path.as_uri(), text)
    await type_character(client, path.as_uri(), 2, *codegen.string_in_function_edit_point(text))
    client.notify("textDocument/didClose", {"textDocument": {"uri": path.as_uri()}})


async def measure_file(
    server: Server, command: list[str], root: Path, path: Path, edits: int
) -> list[DiagnosticsRun]:
    """A fresh server process for one file: warm up, open the file, then type `edits`
    characters in a function (and, for Forge, as many in top-level code: its full check)."""
    text = path.read_text()
    lines = text.count("\n")
    points = [("in a function", codegen.string_in_function_edit_point(text))]
    if server.name == "Forge":
        points.append(("top level (full check)", codegen.toplevel_edit_point(text)))
    runs = [DiagnosticsRun(server.name, edit, lines) for edit, _ in points]
    client = await LspClient.spawn(command, cwd=root)
    try:
        await asyncio.wait_for(client.initialize(server.options, root=root), START_TIMEOUT)
        await asyncio.sleep(SETTLE_SECONDS)
        await warm_up(client, root)
        count, open_ms = await open_document(client, path.as_uri(), text)
        for run in runs:
            run.open_count, run.open_ms = count, open_ms
        version = 2
        for run, (_, (line, column)) in zip(runs, points, strict=True):
            for i in range(edits):
                run.last_count, ms = await type_character(
                    client, path.as_uri(), version, line, column + i
                )
                run.change_ms.append(ms)
                version += 1
    except Exception as error:  # reported in the table; the next server still runs
        for run in runs:
            if len(run.change_ms) < edits:
                run.failure = _failure(error)
    finally:
        await client.shutdown()
    return runs


def measure_diagnostics(
    commands: dict[str, list[str]], sizes: Sequence[int], edits: int, root: Path
) -> list[DiagnosticsRun]:
    """Every server that publishes diagnostics, on each generated file size."""
    runs: list[DiagnosticsRun] = []
    for size in sizes:
        path = root / f"service_{size}.py"
        path.write_text(codegen.generate("python", size))
        for server in SERVERS:
            if server.publishes and server.name in commands:
                runs += asyncio.run(measure_file(server, commands[server.name], root, path, edits))
    return runs


# --- the report ---------------------------------------------------------------------------


@dataclass
class Results:
    """Everything one run measured, and what the report says about the servers."""

    runs: int
    sizes: tuple[int, ...]
    edits: int
    versions: dict[str, str]
    unavailable: dict[str, str]
    startup: dict[tuple[str, int], StartupCell]
    diagnostics: list[DiagnosticsRun]
    debounce: dict[str, float | None]
    ruff_rules: list[str]
    forge_rules: list[str]


def ms(value: float) -> str:
    return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def times(factor: float) -> str:
    return f"{factor:.1f}x" if factor < 10 else f"{factor:.0f}x"


def compare(a: str, a_ms: float, b: str, b_ms: float) -> str:
    """'Forge 2.1x faster than pylsp' or 'ruff server 40x faster than Forge'."""
    if a_ms <= b_ms:
        return f"{a} {times(b_ms / a_ms)} faster than {b}"
    return f"{b} {times(a_ms / b_ms)} faster than {a}"


def measure(runs: int, sizes: Sequence[int], edits: int) -> Results:
    """Resolve the servers (installing peers on first use), then run both measurements."""
    commands: dict[str, list[str]] = {}
    versions: dict[str, str] = {}
    unavailable: dict[str, str] = {}
    for server in SERVERS:
        try:
            commands[server.name] = server.command()
            versions[server.name] = server.version()
        except Exception as error:  # e.g. no registry to install a peer from
            unavailable[server.name] = _failure(error)
            commands.pop(server.name, None)
    with tempfile.TemporaryDirectory(prefix="forge-bench-peers-") as name:
        folder = Path(name)
        startup = measure_startup(commands, runs, folder)
        files = folder / "diagnostics"
        files.mkdir()
        diagnostics = measure_diagnostics(commands, sizes, edits, files)
        rules = ruff_rules(files) if "ruff server" in commands else []
    forge_rules = [rule.code for rule in RuleSelection().rules_for("python")]
    return Results(
        runs,
        tuple(sizes),
        edits,
        versions,
        unavailable,
        startup,
        diagnostics,
        debounce_ms(),
        rules,
        forge_rules,
    )


def startup_table(results: Results) -> tuple[str, list[str]]:
    """The start-up table and notes on any failures."""
    header = [
        "server",
        "version",
        *(f"{files:,} files: median ms (min-max), n={results.runs}" for files in WORKSPACE_FILES),
        "VmRSS MB after `initialize` (" + " / ".join(f"{f:,}" for f in WORKSPACE_FILES) + ")",
    ]
    rows, notes = [], []
    for server in SERVERS:
        if server.name in results.unavailable:
            notes.append(f"{server.name}: not available ({results.unavailable[server.name]}).")
            continue
        cells, memory = [], []
        for files in WORKSPACE_FILES:
            cell = results.startup[(server.name, files)]
            if cell.ms:
                median = statistics.median(cell.ms)
                cells.append(f"**{ms(median)}** ({ms(min(cell.ms))}-{ms(max(cell.ms))})")
                memory.append(f"{statistics.median(cell.rss_kb) / 1024:.0f}")
            else:
                cells.append("—")
                memory.append("—")
            if cell.failures:
                notes.append(
                    f"{server.name} with {files:,} files: {len(cell.failures)} of "
                    f"{results.runs} starts failed ({cell.failures[0]})."
                )
        rows.append([server.name, results.versions[server.name], *cells, " / ".join(memory)])
    return table(header, rows), notes


def diagnostics_table(results: Results) -> tuple[str, list[str]]:
    """The diagnostics table and notes on any server that published nothing."""
    header = [
        "server",
        "edit",
        "lines",
        "diagnostics on open",
        "didOpen→publish ms",
        f"didChange→publish median ms (n={results.edits})",
        "min",
        "max",
        "of which fixed debounce ms",
        "median minus debounce",
    ]
    rows, notes = [], []
    for run in results.diagnostics:
        debounce = results.debounce.get(run.server)
        cells: list[object] = [run.server, run.edit, f"{run.lines:,}"]
        cells.append(f"{run.open_count:,}" if run.open_count is not None else "—")
        cells.append(ms(run.open_ms) if run.open_ms is not None else "—")
        if run.change_ms and run.failure is None:
            median = statistics.median(run.change_ms)
            cells += [f"**{ms(median)}**", ms(min(run.change_ms)), ms(max(run.change_ms))]
            cells.append(ms(debounce) if debounce is not None else "?")
            cells.append(ms(median - debounce) if debounce is not None else "?")
        else:
            cells += ["—"] * 5
        if run.failure is not None:
            notes.append(
                f"{run.server} on {run.lines:,} lines ({run.edit}): {run.failure} after "
                f"{len(run.change_ms)} of {results.edits} edits; no figure shown."
            )
        rows.append(cells)
    return table(header, rows), notes


def what_each_checks(results: Results) -> str:
    """What each server checks on these files, and the settings used: the comparison is only
    honest read with this."""
    debounce = results.debounce
    ruff = (
        f"{len(results.ruff_rules)} rules ({rule_families(results.ruff_rules)})"
        if results.ruff_rules
        else "its default rule set"
    )
    pylsp_wait = debounce.get("pylsp")
    jedi_wait = debounce.get("jedi-language-server")
    return "\n".join(
        [
            f"- **Forge**: its {len(results.forge_rules)} Python rules "
            f"({', '.join(results.forge_rules)}); initializationOptions "
            f'`{{"debounceMs": 0}}` (as in section 2; its default is {DEFAULT_DEBOUNCE_MS} ms).',
            f"- **ruff server**: no settings and no config file in the workspace, so its default "
            f"rule set: {ruff}. The client does not advertise pull diagnostics, so ruff pushes "
            "`publishDiagnostics`, re-linting on every open and change (astral-sh/ruff#11092).",
            "- **pylsp**: pyflakes and pycodestyle (its defaults, set explicitly: "
            "`pylsp.plugins.pyflakes/pycodestyle.enabled`; pycodestyle's 79-column limit makes "
            "most of its findings here E501). Every lint, on open and on change, waits "
            f"`LINT_DEBOUNCE_S` = {ms(pylsp_wait) if pylsp_wait is not None else '?'} ms "
            "(pylsp/python_lsp.py; not a setting). mccabe is on by default but not installed "
            "by the pin, so it does not load. pylsp imports its `preload` module list before it "
            "answers `initialize`.",
            "- **jedi-language-server**: default initializationOptions (`diagnostics.enable`, "
            "`didOpen`, `didChange`, `didSave` all true). It publishes on open and on change, "
            f"each after a fixed {ms(jedi_wait) if jedi_wait is not None else '?'} ms debounce "
            "(the `@debounce` on `_publish_diagnostics` in server.py), and its only check is "
            "`compile()`: one syntax error or nothing. These files are valid Python, so it "
            "publishes empty lists.",
        ]
    )


def _median_of(results: Results, server: str, lines: int, edit: str) -> float | None:
    for run in results.diagnostics:
        if (run.server, run.lines, run.edit) == (server, lines, edit) and run.failure is None:
            return statistics.median(run.change_ms) if run.change_ms else None
    return None


def startup_summary(results: Results) -> list[str]:
    """Who starts fastest with the largest workspace, and whether its size matters."""
    largest = WORKSPACE_FILES[-1]
    cells = {name: results.startup[(name, largest)] for name, _ in results.startup}
    start = {name: statistics.median(cell.ms) for name, cell in cells.items() if cell.ms}
    if "Forge" not in start:
        return []
    ranked = sorted(start, key=start.__getitem__)
    peers = [name for name in ranked if name not in ("Forge", "bare pygls")]
    sentences = [
        f"Start-up with {largest:,} files in the workspace, fastest first: "
        + ", ".join(f"{name} {ms(start[name])} ms" for name in ranked)
        + ": "
        + "; ".join(compare("Forge", start["Forge"], name, start[name]) for name in peers)
        + "."
    ]
    if "bare pygls" in start:
        over_bare = start["Forge"] - start["bare pygls"]
        sentences.append(
            f"Bare pygls, which answers `initialize` with no features at all, takes "
            f"{ms(start['bare pygls'])} ms: the floor for a pygls 2 server (Forge and "
            "jedi-language-server are both built on pygls 2, pylsp on python-lsp-jsonrpc, and "
            f"ruff is a native binary); Forge against it: {over_bare:+.0f} ms."
        )
    growth = []
    for name in ranked:
        empty = results.startup[(name, WORKSPACE_FILES[0])].ms
        if empty:
            growth.append(f"{name} {start[name] - statistics.median(empty):+.0f} ms")
    spread = max(max(cell.ms) - min(cell.ms) for cell in results.startup.values() if cell.ms)
    sentences.append(
        f"From an empty workspace to {largest:,} files: " + ", ".join(growth) + " (starts of "
        f"one server at one size spread over up to {ms(spread)} ms in this run, so only a "
        "larger change would mean a server reads the workspace before it answers)."
    )
    memory = {
        name: statistics.median(cell.rss_kb) / 1024 for name, cell in cells.items() if cell.rss_kb
    }
    sentences.append(
        "Resident memory right after `initialize`: "
        + ", ".join(f"{name} {memory[name]:.0f} MB" for name in sorted(memory, key=memory.get))
        + "."
    )
    return sentences


def diagnostics_summary(results: Results) -> list[str]:
    """Forge's latency after an edit against each peer's, size by size."""
    sentences = []
    for lines in sorted({run.lines for run in results.diagnostics}):
        forge = _median_of(results, "Forge", lines, "in a function")
        if forge is None:
            continue
        parts = []
        for name in ("ruff server", "pylsp", "jedi-language-server"):
            other = _median_of(results, name, lines, "in a function")
            if other is None:
                continue
            text = f"{name} {ms(other)} ms ({compare('Forge', forge, name, other)}"
            wait = results.debounce.get(name)
            if wait and other - wait > 0:
                work = other - wait
                text += f"; its own work without the debounce {ms(work)} ms: "
                text += compare("Forge", forge, name, work)
            parts.append(text + ")")
        full = _median_of(results, "Forge", lines, "top level (full check)")
        full_text = f"; Forge's full check (top-level edit) {ms(full)} ms" if full else ""
        sentences.append(
            f"{lines:,} lines, edit in a function: Forge {ms(forge)} ms, "
            + ", ".join(parts)
            + full_text
            + "."
        )
    sentences.append(
        "pylsp and jedi-language-server wait a fixed debounce before every check, so their "
        "latency never drops below it; the 'minus debounce' column is their own work. ruff is a "
        "native binary and runs far more rules than the others; pylsp and jedi re-check the "
        "whole file on each change, Forge re-checks the edited function (and checks the whole "
        "file when the edit is outside any function)."
    )
    return sentences


def summary(results: Results) -> str:
    """What the figures mean, said from this run's own numbers."""
    return " ".join(startup_summary(results) + diagnostics_summary(results))


def report(results: Results) -> str:
    """The report section: both tables, what each server checks, and what it all means."""
    startup, startup_notes = startup_table(results)
    diagnostics, diagnostics_notes = diagnostics_table(results)
    notes = startup_notes + diagnostics_notes
    return (
        "## 6. Forge against its LSP peers (same run, same client)\n\n"
        "### 6a. Start-up: spawn to the `initialize` result, workspace root holding generated "
        f"Python files ({WORKSPACE_FILE_LINES} lines each)\n\n"
        "Each repeat starts every server once, in reversed order on odd repeats. The server "
        "runs in the workspace root, which is its rootUri and only workspace folder.\n\n"
        + startup
        + "\n\n### 6b. Python diagnostics: didOpen and a one-character didChange to "
        "`publishDiagnostics` (push), a fresh server per file, warmed up on a small file\n\n"
        'The character is typed inside a string in a function (`print("charging order", '
        "...)`), so the file stays valid Python. Forge also types in top-level code, which "
        "makes it check the whole file. What each server checks and the settings used:\n\n"
        + what_each_checks(results)
        + "\n\n"
        + diagnostics
        + ("\n\n" + "\n".join(f"- {note}" for note in notes) if notes else "")
        + "\n\n**What this shows.** "
        + summary(results)
    )


def section(runs: int, sizes: Sequence[int], edits: int) -> str:
    """Measure and return the report section (run.py calls this)."""
    return report(measure(runs, sizes, edits))


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer sizes and repetitions")
    args = parser.parse_args(argv)
    import run  # the same plans as the whole benchmark

    plan = run.QUICK if args.quick else run.FULL
    print(section(plan.startup_runs, plan.sizes, plan.edits))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
