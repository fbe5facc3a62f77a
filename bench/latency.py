"""Diagnostics latency over the wire: `didChange` sent to `publishDiagnostics` received."""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import corpus
from codegen import (
    EXTENSIONS,
    comment_edit_point,
    function_edit_point,
    generate,
    toplevel_edit_point,
)
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
    comment_ms: list[float]  # typing inside a comment between functions
    toplevel_ms: list[float]  # typing in code outside any function (a full check)

    @property
    def median(self) -> float:
        return statistics.median(self.change_ms)

    @property
    def comment_median(self) -> float:
        return statistics.median(self.comment_ms)

    @property
    def toplevel_median(self) -> float:
        return statistics.median(self.toplevel_ms)


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
    series: list[list[float]] = []
    version = 2
    for line, column in (
        function_edit_point(text),
        comment_edit_point(text),
        toplevel_edit_point(text),
    ):
        series.append(
            [await _edit(client, uri, version + i, line, column + i) for i in range(edits)]
        )
        version += edits
    client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    return Latency(language, text.count("\n"), count, open_ms, *series)


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


# One real 2,000-6,000-line file per language: (package in corpus.LANGUAGES, path inside it).
REAL_FILES = {
    "python": ("SQLAlchemy", "lib/sqlalchemy/orm/mapper.py"),
    "go": ("golang-github-lib-pq-dev", "usr/share/gocode/src/github.com/lib/pq/conn.go"),
    "javascript": ("mongoose", "package/lib/model.js"),
    "typescript": ("zod", "package/src/v3/types.ts"),
    "java": ("openjdk-17-source", "java.base/java/util/Formatter.java"),
}


@dataclass(frozen=True)
class RealFileLatency:
    """Full-check latency on one real source file (an edit in code outside any function)."""

    language: str
    path: Path
    lines: int
    diagnostics: int
    open_ms: float
    toplevel_ms: list[float]


def toplevel_blank_line(path: Path, language: str) -> int:
    """A blank line after the middle of the file outside any function: typing there makes a
    new top-level statement (or class member), which needs a full check."""
    from forge_lsp.core import languages
    from forge_lsp.engine import checker, recheck

    source = path.read_bytes()
    tree = checker.parse(languages.LANGUAGES[language], source)
    kinds = recheck.FUNCTION_TYPES[language]
    lines = source.split(b"\n")
    offset = sum(len(line) + 1 for line in lines[: len(lines) // 2])
    for index in range(len(lines) // 2, len(lines)):
        node = tree.root_node.descendant_for_byte_range(offset, offset)
        inside = False
        while node is not None and not inside:
            inside, node = node.type in kinds, node.parent
        if not lines[index].strip() and not inside:
            return index
        offset += len(lines[index]) + 1
    raise ValueError(f"no blank line outside a function after the middle of {path}")


async def _measure_real(language: str, path: Path, edits: int) -> RealFileLatency:
    text = path.read_text(encoding="utf-8")
    client = await LspClient.spawn(forge_command())
    try:
        await client.initialize({"debounceMs": 0})
        await asyncio.sleep(SETTLE_SECONDS)
        uri = path.as_uri()
        count, open_ms = await _open(client, uri, language, text)
        line = toplevel_blank_line(path, language)
        times = [await _edit(client, uri, 2 + i, line, i) for i in range(edits)]
        return RealFileLatency(language, path, text.count("\n"), count, open_ms, times)
    finally:
        await client.shutdown()


def measure_real_files(edits: int) -> tuple[list[RealFileLatency], list[corpus.Skipped]]:
    """Full-check latency on a real 2,000-6,000-line file per language, from the corpus
    fetched into the user cache; the languages whose fetch failed, with the reason."""
    results, skipped = [], []
    for language, (package, relative) in REAL_FILES.items():
        reason = corpus.fetch(language)
        path = corpus.real_file(language, package, relative)
        if reason is None and not path.is_file():
            reason = corpus.Skipped(language, f"{relative} is not in {package}")
        if reason is not None:
            skipped.append(reason)
            continue
        results.append(asyncio.run(_measure_real(language, path, edits)))
    return results, skipped


# Typing inside one function of a large real file (the re-check of that function only):
# (label, language, package, path inside it, function name).
REAL_FUNCTION_EDITS = (
    (
        "sql/compiler.py visit_table",
        "python",
        "SQLAlchemy",
        "lib/sqlalchemy/sql/compiler.py",
        "visit_table",
    ),
    (
        "orm/mapper.py _configure_property",
        "python",
        "SQLAlchemy",
        "lib/sqlalchemy/orm/mapper.py",
        "_configure_property",
    ),
)


@dataclass(frozen=True)
class RealFunctionLatency:
    """Latency of one-character edits inside a named function of a real file."""

    label: str
    lines: int
    diagnostics: int
    change_ms: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.change_ms)


def function_body_point(path: Path, language: str, name: str) -> tuple[int, int]:
    """(line, column) just after the first character of the first identifier in function
    `name`'s body: typing there renames a variable, so the file stays valid and the edit stays
    inside the body (an edit at the body's first byte may reshape where the body starts)."""
    from forge_lsp.core import languages
    from forge_lsp.engine import checker

    spec = languages.LANGUAGES[language]
    tree = checker.parse(spec, path.read_bytes())
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        named = node.child_by_field_name("name")
        if node.type in spec.function_types and named is not None and named.text == name.encode():
            body = node.child_by_field_name("body")
            inside = [body] if body is not None else []
            while inside:
                candidate = inside.pop()
                if candidate.type == "identifier" and candidate.end_byte - candidate.start_byte > 1:
                    return candidate.start_point[0], candidate.start_point[1] + 1
                inside.extend(reversed(candidate.children))
        stack.extend(reversed(node.children))
    raise ValueError(f"no function {name} with an identifier in its body in {path}")


async def _measure_real_function(
    label: str, language: str, path: Path, name: str, edits: int, environment: dict[str, str] | None
) -> RealFunctionLatency:
    text = path.read_text(encoding="utf-8")
    client = await LspClient.spawn(forge_command(), environment)
    try:
        await client.initialize({"debounceMs": 0})
        await asyncio.sleep(SETTLE_SECONDS)
        uri = path.as_uri()
        count, _ = await _open(client, uri, language, text)
        line, column = function_body_point(path, language, name)
        times = [await _edit(client, uri, 2 + i, line, column + i) for i in range(edits)]
        return RealFunctionLatency(label, text.count("\n"), count, times)
    finally:
        await client.shutdown()


def measure_real_functions(
    edits: int, environment: dict[str, str] | None = None
) -> tuple[list[RealFunctionLatency], list[corpus.Skipped]]:
    """Typing inside a function of the large real files above, a fresh server each."""
    results, skipped = [], []
    for label, language, package, relative, name in REAL_FUNCTION_EDITS:
        reason = corpus.fetch(language)
        path = corpus.real_file(language, package, relative)
        if reason is None and not path.is_file():
            reason = corpus.Skipped(language, f"{relative} is not in {package}")
        if reason is not None:
            skipped.append(reason)
            continue
        results.append(
            asyncio.run(_measure_real_function(label, language, path, name, edits, environment))
        )
    return results, skipped
