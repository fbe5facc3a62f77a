"""Diagnostics latency over the wire: `didChange` sent to `publishDiagnostics` received."""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from codegen import EXTENSIONS, edit_point, function_edit_point, generate
from lsp_client import LspClient, forge_command

SETTLE_SECONDS = 0.5  # settings from `initialized` are applied in a worker thread
TIMEOUT = 60


@dataclass
class Latency:
    """Per-edit latencies of one generated file."""

    language: str
    lines: int
    diagnostics: int
    open_ms: float
    change_ms: list[float]  # typing inside a function body
    comment_ms: list[float]  # typing inside a comment or docstring between functions

    @property
    def median(self) -> float:
        return statistics.median(self.change_ms)

    @property
    def comment_median(self) -> float:
        return statistics.median(self.comment_ms)


async def _open(client: LspClient, uri: str, language: str, text: str) -> tuple[int, float]:
    """Open a document and wait for its first diagnostics: (count, milliseconds)."""
    waiter = client.expect(uri, 1)
    start = time.perf_counter()
    client.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}},
    )
    await client.drain()
    published = await asyncio.wait_for(waiter, TIMEOUT)
    return published.count, (published.at - start) * 1000


async def _edit(client: LspClient, uri: str, version: int, line: int, column: int) -> float:
    """Type one character at (line, column) and wait for that version's diagnostics."""
    waiter = client.expect(uri, version)
    position = {"line": line, "character": column}
    start = time.perf_counter()
    client.notify(
        "textDocument/didChange",
        {
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{"range": {"start": position, "end": position}, "text": "x"}],
        },
    )
    await client.drain()
    published = await asyncio.wait_for(waiter, TIMEOUT)
    return (published.at - start) * 1000


async def measure_file(
    client: LspClient, folder: Path, language: str, lines: int, edits: int
) -> Latency:
    """Open one generated file in a running server and time `edits` one-character edits."""
    text = generate(language, lines)
    path = folder / f"service_{lines}.{EXTENSIONS[language]}"
    path.write_text(text)
    uri = path.as_uri()
    count, open_ms = await _open(client, uri, language, text)
    line, column = function_edit_point(text)
    times = [await _edit(client, uri, 2 + i, line, column + i) for i in range(edits)]
    line, column = edit_point(text)
    version = 2 + edits
    comments = [await _edit(client, uri, version + i, line, column + i) for i in range(edits)]
    client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    return Latency(language, text.count("\n"), count, open_ms, times, comments)


async def _measure_all(
    languages: tuple[str, ...], sizes: tuple[int, ...], edits: int
) -> list[Latency]:
    client = await LspClient.spawn(forge_command())
    try:
        await client.initialize({"debounceMs": 0})
        await asyncio.sleep(SETTLE_SECONDS)
        with tempfile.TemporaryDirectory(prefix="forge-bench-") as name:
            folder = Path(name)
            await measure_file(client, folder, "python", 200, 2)  # warm-up: grammars, rules
            return [
                await measure_file(client, folder, language, size, edits)
                for size in sizes
                for language in languages
            ]
    finally:
        await client.shutdown()


def measure(languages: tuple[str, ...], sizes: tuple[int, ...], edits: int) -> list[Latency]:
    """Latencies for every language and size, in one server process."""
    return asyncio.run(_measure_all(languages, sizes, edits))
