"""A bounded soak: at least 10,000 keystrokes and two minutes of typing into the bundled
examples over one server's life, with hovers, code actions and short-lived documents between
them. Memory and latency must stay flat.

`FORGE_SOAK_MINUTES=30 pytest tests/soak -s` types for longer (at least 10,000 keystrokes
whatever the time; `FORGE_SOAK_KEYSTROKES` changes that floor). `FORGE_SOAK_TRACE=1` prints
memory and latency every 50 bursts; the summary line prints with `-s`.

"Flat" compares the server with itself, later against earlier in the same run (no absolute
speed is asserted: bench/ reports speed): after a warm-up, the median resident memory of the
last quarter may exceed the first quarter's by at most `RSS_GROWTH_MB`, and the median latency
(last keystroke of a burst -> its diagnostics) of the last quarter may be at most
`LATENCY_GROWTH` times the first quarter's plus `LATENCY_SLACK_MS` (scheduling noise on a
shared machine). Typing always deletes what it typed, so the text and its findings end where
they began: the last diagnostics must equal the first.

This test found pygls keeping every notification's handler future (forge_lsp/lsp/protocol.py):
65 -> 80 MB over 10,000 keystrokes before the fix, 59 -> 60 MB after.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.e2e.session import TIMEOUT, Session, start

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "orders-service"
FILES = {  # the bundled examples Forge checks, one per language
    "python/orders.py": ("python", " # soak"),
    "go/orders.go": ("go", " // soak"),
    "node/server.js": ("javascript", " // soak"),
    "node/refunds.ts": ("typescript", " // soak"),
    "java/src/main/java/com/example/orders/OrderRepository.java": ("java", " // soak"),
}
KEYSTROKES = int(os.environ.get("FORGE_SOAK_KEYSTROKES", "10000"))
MINUTES = float(os.environ.get("FORGE_SOAK_MINUTES", "2"))
WARM_UP = 0.1  # of the bursts: imports, grammars, caches and the allocator settle
RSS_GROWTH_MB = 8.0
LATENCY_GROWTH = 1.5
LATENCY_SLACK_MS = 5.0
SCRATCH = "def f():\n    try:\n        g()\n    except Exception:\n        pass\n"  # one FG301


@dataclass
class Document:
    """One open example and the lines typing may append a comment to."""

    uri: str
    comment: str
    lines: list[str]
    targets: list[int]
    first_diagnostics: list[types.Diagnostic] = field(default_factory=list)


@dataclass
class Sample:
    """After one burst: when, how long its last keystroke took to be checked, and the RSS."""

    keystrokes: int
    latency_ms: float
    rss_kb: int


def typing_targets(lines: list[str]) -> list[int]:
    """Indented statement lines (inside a function or class), where a trailing comment is
    typed and deleted again; never a continued line."""
    return [
        number
        for number, line in enumerate(lines)
        if line[:1] in (" ", "\t") and line.strip() and not line.rstrip().endswith("\\")
    ]


def rss_kb(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("VmRSS:")).split()[1])


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "forge_lsp"]))
async def lsp(lsp_client: LanguageClient):
    yield
    await lsp_client.shutdown_session()  # pytest-lsp's teardown waits for the server to exit


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    shutil.copytree(EXAMPLES, tmp_path / "orders-service")
    return tmp_path / "orders-service"


async def open_examples(session: Session) -> list[Document]:
    documents = []
    for relative, (language, comment) in FILES.items():
        text = (session.root / relative).read_text(encoding="utf-8")
        uri = session.open(relative, text, language)
        lines = text.split("\n")
        document = Document(uri, comment, lines, typing_targets(lines))
        document.first_diagnostics = await session.diagnostics(uri, 1)
        assert document.targets, relative
        documents.append(document)
    return documents


async def type_and_delete(session: Session, document: Document, line: int) -> tuple[int, float]:
    """Type the comment at the end of `line` one character at a time, then delete it one
    character at a time; returns the keystrokes and the last one's latency (ms)."""
    end = utf16_length(document.lines[line])
    comment = document.comment
    for index, char in enumerate(comment):
        at = types.Position(line, end + index)
        session.change(document.uri, char, types.Range(at, at))
    for index in reversed(range(len(comment))):
        at = types.Position(line, end + index)
        version = session.change(
            document.uri, "", types.Range(at, types.Position(line, end + index + 1))
        )
    started = time.perf_counter()
    await session.diagnostics(document.uri, version)
    return 2 * len(comment), (time.perf_counter() - started) * 1000


async def interleave(session: Session, document: Document, burst: int) -> None:
    """What else an editor does while its user types: hover, ask for code actions, open and
    close a document that lives briefly."""
    found = document.first_diagnostics[burst % len(document.first_diagnostics)]
    start = found.range.start
    await asyncio.wait_for(session.hover(document.uri, start.line, start.character), TIMEOUT)
    await asyncio.wait_for(session.code_actions(document.uri, found.range, [found]), TIMEOUT)
    name = f"scratch/burst_{burst}.py"
    uri = session.open(
        name, "def f():\n    try:\n        g()\n    except Exception:\n        pass\n", "python"
    )
    await session.diagnostics(uri, 1)
    session.close(uri)


async def test_memory_and_latency_stay_flat_over_ten_thousand_keystrokes(
    lsp: LanguageClient, workspace: Path
) -> None:
    session = await start(lsp, "visual-studio-code", workspace, {})
    assert lsp._server is not None  # pygls keeps the spawned server process here
    pid = lsp._server.pid
    documents = await open_examples(session)

    samples: list[Sample] = []
    keystrokes, burst = 0, 0
    deadline = time.monotonic() + MINUTES * 60
    while keystrokes < KEYSTROKES or time.monotonic() < deadline:
        document = documents[burst % len(documents)]
        line = document.targets[(burst * 7) % len(document.targets)]
        typed, latency_ms = await type_and_delete(session, document, line)
        keystrokes += typed
        if burst % 25 == 0:
            await interleave(session, document, burst)
        samples.append(Sample(keystrokes, latency_ms, rss_kb(pid)))
        burst += 1
        if burst % 200 == 0:
            session.published.clear()  # the client's record, not the server's: keep it small

    for document in documents:
        session.change(document.uri, "\n".join(document.lines))
        final = await session.diagnostics(document.uri)
        assert [(d.code, d.range) for d in final] == [
            (d.code, d.range) for d in document.first_diagnostics
        ]

    report = flatness(samples)
    print(report.summary())
    if os.environ.get("FORGE_SOAK_TRACE"):
        for sample in samples[::50]:
            print(f"{sample.keystrokes} {sample.rss_kb / 1024:.1f} MB {sample.latency_ms:.1f} ms")
    assert lsp._server.returncode is None
    assert report.rss_growth_mb <= RSS_GROWTH_MB, report.summary()
    assert report.late_latency_ms <= (
        LATENCY_GROWTH * report.early_latency_ms + LATENCY_SLACK_MS
    ), report.summary()


@dataclass(frozen=True)
class Flatness:
    keystrokes: int
    bursts: int
    early_rss_mb: float
    late_rss_mb: float
    peak_rss_mb: float
    early_latency_ms: float
    late_latency_ms: float

    @property
    def rss_growth_mb(self) -> float:
        return self.late_rss_mb - self.early_rss_mb

    def summary(self) -> str:
        return (
            f"soak: {self.keystrokes} keystrokes in {self.bursts} bursts; RSS (median) first "
            f"quarter {self.early_rss_mb:.1f} MB, last quarter {self.late_rss_mb:.1f} MB, peak "
            f"{self.peak_rss_mb:.1f} MB; latency (median) first quarter "
            f"{self.early_latency_ms:.1f} ms, last quarter {self.late_latency_ms:.1f} ms"
        )


def flatness(samples: list[Sample]) -> Flatness:
    """The first and last quarters of the run after its warm-up, by median."""
    settled = samples[int(len(samples) * WARM_UP) :]
    quarter = max(1, len(settled) // 4)
    early, late = settled[:quarter], settled[-quarter:]
    return Flatness(
        keystrokes=samples[-1].keystrokes,
        bursts=len(samples),
        early_rss_mb=statistics.median(s.rss_kb for s in early) / 1024,
        late_rss_mb=statistics.median(s.rss_kb for s in late) / 1024,
        peak_rss_mb=max(s.rss_kb for s in samples) / 1024,
        early_latency_ms=statistics.median(s.latency_ms for s in early),
        late_latency_ms=statistics.median(s.latency_ms for s in late),
    )
