"""Server memory: RSS after opening many documents, each with its diagnostics received."""

from __future__ import annotations

import asyncio
import statistics
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from codegen import EXTENSIONS, LANGUAGES, generate
from lsp_client import LspClient, forge_command, proc_status

DOC_LINES = 300
BATCH = 50
TIMEOUT = 120


@dataclass
class MemoryPoint:
    """RSS figures (kB) of the server after `documents` open documents, one entry per run."""

    documents: int
    rss_kb: list[int] = field(default_factory=list)
    hwm_kb: list[int] = field(default_factory=list)
    diagnostics: list[int] = field(default_factory=list)

    @property
    def rss_mb(self) -> float:
        return statistics.median(self.rss_kb) / 1024

    @property
    def hwm_mb(self) -> float:
        return statistics.median(self.hwm_kb) / 1024


async def _open_batch(client: LspClient, folder: Path, first: int, count: int) -> int:
    """Open documents `first`..`first + count - 1` and wait for all their diagnostics."""
    waiters = []
    for index in range(first, first + count):
        language = LANGUAGES[index % len(LANGUAGES)]
        uri = (folder / f"doc_{index}.{EXTENSIONS[language]}").as_uri()
        text = generate(language, DOC_LINES, seed=index)
        waiters.append(client.expect(uri, 1))
        client.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}},
        )
    await client.drain()
    published = await asyncio.wait_for(asyncio.gather(*waiters), TIMEOUT)
    return sum(p.count for p in published)


async def _one_run(points: list[MemoryPoint]) -> None:
    client = await LspClient.spawn(forge_command())
    try:
        await client.initialize({"debounceMs": 0})
        opened = diagnostics = 0
        with tempfile.TemporaryDirectory(prefix="forge-bench-") as name:
            for point in points:
                while opened < point.documents:
                    count = min(BATCH, point.documents - opened)
                    diagnostics += await _open_batch(client, Path(name), opened, count)
                    opened += count
                status = proc_status(client.pid)
                point.rss_kb.append(status["VmRSS"])
                point.hwm_kb.append(status["VmHWM"])
                point.diagnostics.append(diagnostics)
    finally:
        await client.shutdown()


def measure(counts: tuple[int, ...], repeats: int) -> list[MemoryPoint]:
    """Open `counts` documents cumulatively in one server; repeat with fresh servers."""
    points = [MemoryPoint(count) for count in counts]
    for _ in range(repeats):
        asyncio.run(_one_run(points))
    return points
