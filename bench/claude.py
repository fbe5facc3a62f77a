"""Claude path against the fake Messages API, zero model latency: issue 4's speed bar.

    python bench/claude.py [--quick]

The real server runs over stdio (`lsp_client`), with the real `anthropic` SDK pointed at the
project's fake Messages API (`tests/support/fake_messages_api.py`, in a thread of this
process, answering at once). What the fake spends on each request is known from its recorded
timestamps, so what remains of a command's wall time is Forge's own overhead: payload
building, redaction, progress, the SDK, the ledger, the result cache, the answer document,
placing findings. Measured per run and reported as medians:

- overhead: `forge.ask`/`forge.review` wall time (executeCommand sent -> response received)
  minus the fake's serving time (first request byte -> last answer byte);
- executeCommand -> first `$/progress` begin; -> first shown token (first `$/progress` report
  or `window/showDocument`, ask); -> `publishDiagnostics` carrying a `forge (claude)`
  diagnostic (review);
- a cached repeat (the same request again): response time, and that the fake saw nothing;
- prompt caching: cache creation on a session's first request, cache reads on the second
  (from the fake's answers and from Forge's ledger);
- what a review sends beyond its selection, counted on the request the fake received.

The first task of a server process imports `anthropic` (1.5-2 s): that cold figure is
reported on its own (fresh server processes); everything else is measured warm.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import secrets
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import codegen
from lsp_client import REPO_DIR, LspClient, forge_command

if str(REPO_DIR) not in sys.path:  # the fake lives in the test support package
    sys.path.insert(0, str(REPO_DIR))

from forge_lsp.config.claude import DEFAULT_MODEL
from tests.support.fake_messages_api import (
    MODELS,
    FakeMessagesAPI,
    RecordedRequest,
    Reply,
    asks_for_data,
    estimate_tokens,
    prompt_pieces,
)

SIZES = (10, 50, 200)
# Forge's default before the current models (it takes a forced tool call and does not think
# first): measured in the same run, for the cost of thinking blocks and JSON answers.
PREVIOUS_MODEL = "claude-sonnet-5"
HEADLINE = 50  # the selection size the speed bar is stated for
FILE_LINES = 600  # generated Python service code (40-line chunks), room for 200 + context
SELECTION_START = 11  # the first chunk's first line ("# Shard 0: ...")
TIMEOUT = 30
TARGETS = {"overhead": 20.0, "begin": 50.0, "cached": 10.0, "beyond": 1500}
QUESTION = "Is this safe under load, and what fails first?"
WINDOW = {"workDoneProgress": True, "showDocument": {"support": True}}
ANSWER = (
    "**Not under load: every charge holds a worker until the gateway answers, and it may never."
    "**\n\n### Why\n\n`requests.post` has no timeout, so a stalled payment gateway pins one "
    "worker per in-flight charge; the pool drains in seconds at peak. The SQL built from "
    "`customer_id` also lets a caller read other customers' orders.\n\n"
    "### Failure Modes\n\n- Gateway stalls: workers exhausted, health checks time out.\n"
    "- Crafted `customer_id`: arbitrary rows returned.\n- `delete` swallows every error: "
    "a failed commit looks like success.\n\n### Recommended Next Steps\n\n"
    "1. Pass `timeout=(3.05, 10)` to `requests.post`.\n2. Bind `customer_id` as a parameter.\n"
    "3. Log and re-raise in `delete`.\n\n```python\nresponse = requests.post(url, json=body, "
    "timeout=(3.05, 10))\n```\n"
)


@dataclass
class Run:
    """One command: its wall time, the fake's share and when the editor saw what."""

    task: str
    lines: int
    wall_ms: float
    fake_ms: float
    begin_ms: float | None
    report_ms: float | None
    shown_ms: float | None
    diagnostics_ms: float | None
    requests_sent: int
    result: dict[str, Any]
    sent: RecordedRequest | None

    @property
    def overhead_ms(self) -> float:
        return self.wall_ms - self.fake_ms

    @property
    def first_token_ms(self) -> float | None:
        seen = [t for t in (self.report_ms, self.shown_ms) if t is not None]
        return min(seen) if seen else None


@dataclass
class Results:
    """Everything the section prints."""

    runs: int
    cold: list[Run] = field(default_factory=list)
    warm: list[Run] = field(default_factory=list)
    cached: list[Run] = field(default_factory=list)
    nofix: list[Run] = field(default_factory=list)  # reviews proposing no fix (50 lines)
    nofix_cached: list[Run] = field(default_factory=list)
    previous: list[Run] = field(default_factory=list)  # the previous default, same run
    cache_rows: list[tuple[str, str, dict[str, Any], tuple[int, int] | None]] = field(
        default_factory=list
    )
    usage_message: str = ""
    selections: dict[int, str] = field(default_factory=dict)
    seconds: float = 0.0
    load_start: str = ""
    load_end: str = ""

    def of(self, task: str, lines: int) -> list[Run]:
        return [r for r in self.warm if r.task == task and r.lines == lines]

    def cached_of(self, task: str, lines: int) -> list[Run]:
        return [r for r in self.cached if r.task == task and r.lines == lines]


def _load() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def _range(start: int, lines: int) -> dict[str, Any]:
    return {
        "start": {"line": start, "character": 0},
        "end": {"line": start + lines, "character": 0},
    }


def _selected(text: str) -> str:
    """The selection as sent: between the prompt's `<selection>` tags."""
    inner = text.split("<selection>", 1)[1].split("</selection>", 1)[0]
    return inner.strip("\n")


def respond(request: RecordedRequest) -> Reply:
    """The fake's answer: a streamed Markdown answer, or a review's findings quoting lines of
    the selection it was sent (so Forge can place them and publish diagnostics). The first
    finding proposes a fix on a line inside a method (Forge verifies it), except for files
    named `nofix_*`."""
    body = request.body
    if not asks_for_data(request):
        return Reply(text=ANSWER, chunks=24)
    user = body["messages"][0]["content"]
    fix = "nofix_" not in user
    lines = _selected(user).split("\n")
    stripped = [line.strip() for line in lines]
    unique = [
        s for s in stripped if s and stripped.count(s) == 1 and "redacted" not in s and len(s) > 8
    ]
    # The fix goes on a line inside a method (where review fixes usually are: Forge then
    # re-checks that function only); the second finding quotes the middle of the selection.
    in_method = [s for s in unique if any(line == "        " + s for line in lines)]
    first = in_method[0] if in_method else unique[0] if unique else ""
    quotes = [first, unique[len(unique) // 2]] if len(unique) > 1 else [first]
    findings = [
        {
            "category": "correctness",
            "severity": "warning",
            "confidence": 0.9,
            "quote": quote,
            "title": f"Finding {index + 1} of the benchmark review",
            "explanation": "The benchmark's fake review flags this line.",
            "replacement": quote + "  # reviewed" if fix and not index else None,
        }
        for index, quote in enumerate(quotes)
    ]
    return Reply(structured={"findings": findings}, chunks=6)


class Session:
    """One server process, its own cache and data folders, and what it sent the editor."""

    def __init__(self, client: LspClient, api: FakeMessagesAPI, root: Path) -> None:
        self.client = client
        self.api = api
        self.root = root
        self.events: list[tuple[dict[str, Any], float]] = []
        client.listeners.append(lambda message, at: self.events.append((message, at)))
        client.answers["window/showDocument"] = {"success": True}
        self.texts: dict[str, str] = {}

    @classmethod
    async def start(
        cls, api: FakeMessagesAPI, folder: Path, key: str, model: str = DEFAULT_MODEL
    ) -> Session:
        root = folder / "project"
        root.mkdir(parents=True)
        env = dict(os.environ)
        env.update(
            XDG_CACHE_HOME=str(folder / "cache"),
            XDG_DATA_HOME=str(folder / "data"),
            NO_PROXY="127.0.0.1,localhost",
            no_proxy="127.0.0.1,localhost",
        )
        for name in ("ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", "ANTHROPIC_AUTH_TOKEN"):
            env.pop(name, None)
        client = await LspClient.spawn(forge_command(), env)
        claude = {
            "apiKey": key,
            "baseUrl": api.base_url,
            "maxRetries": 0,
            "stallSeconds": 20,
            "model": model,
        }
        await client.initialize({"debounceMs": 0, "claude": claude}, WINDOW, root)
        await asyncio.sleep(0.5)  # settings from `initialized` are applied in a worker thread
        return cls(client, api, root)

    @property
    def ledger_path(self) -> Path:
        return self.root.parent / "data" / "forge-lsp" / "usage.sqlite3"

    async def open(self, name: str) -> str:
        """Open a generated service file and wait for its offline diagnostics."""
        text = codegen.generate("python", FILE_LINES)
        path = self.root / name
        path.write_text(text, encoding="utf-8")
        uri = path.as_uri()
        self.texts[uri] = text
        waiter = self.client.expect(uri, 1)
        self.client.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}},
        )
        await self.client.drain()
        await asyncio.wait_for(waiter, TIMEOUT)
        return uri

    async def run(self, task: str, uri: str, lines: int) -> Run:
        """One `forge.ask` or `forge.review` of `lines` lines from SELECTION_START."""
        arguments: list[Any] = [uri, _range(SELECTION_START, lines)]
        if task == "ask":
            arguments.append(QUESTION)
        before = len(self.api.message_requests)
        result, sent, received = await asyncio.wait_for(
            self.client.timed_request(
                "workspace/executeCommand", {"command": f"forge.{task}", "arguments": arguments}
            ),
            TIMEOUT,
        )
        if not isinstance(result, dict) or result.get("status") != "done":
            raise RuntimeError(f"forge.{task} did not complete: {result}")
        new = self.api.message_requests[before:]
        fake_ms = sum([await _served(r) for r in new]) * 1000
        diagnostics = None
        if task == "review" and not result.get("cached"):
            diagnostics = await self._until(sent, lambda m: _claude_publish(m, uri))
        return Run(
            task,
            lines,
            (received - sent) * 1000,
            fake_ms,
            self._after(sent, lambda m: _progress(m, "begin")),
            self._after(sent, _shown_text),
            self._after(sent, lambda m: m.get("method") == "window/showDocument"),
            diagnostics,
            len(new),
            result,
            new[-1] if new else None,
        )

    def _after(self, since: float, match: Callable[[dict[str, Any]], bool]) -> float | None:
        """Milliseconds from `since` to the first matching server message after it."""
        for message, at in self.events:
            if at >= since and match(message):
                return (at - since) * 1000
        return None

    async def _until(self, since: float, match: Callable[[dict[str, Any]], bool]) -> float:
        deadline = time.perf_counter() + TIMEOUT
        while (found := self._after(since, match)) is None:
            if time.perf_counter() > deadline:
                raise TimeoutError("no forge (claude) diagnostics published")
            await asyncio.sleep(0.001)
        return found

    async def command(self, name: str) -> Any:
        return await self.client.request("workspace/executeCommand", {"command": name})

    def ledger(self) -> list[tuple[int, int]]:
        """(cache creation, cache read) of every request in the ledger, oldest first."""
        with sqlite3.connect(f"file:{self.ledger_path}?mode=ro", uri=True) as db:
            rows = db.execute(
                "SELECT cache_creation_input_tokens, cache_read_input_tokens FROM usage "
                "WHERE cached = 0 ORDER BY id"
            ).fetchall()
        return [(int(a), int(b)) for a, b in rows]


async def _served(request: RecordedRequest) -> float:
    """The fake's serving time; it stamps the end in its own thread, a moment after the
    client may have seen the last event."""
    for _ in range(1000):
        if request.serving_seconds is not None:
            return request.serving_seconds
        await asyncio.sleep(0.001)
    raise TimeoutError("the fake never finished a request")


def _progress(message: dict[str, Any], kind: str) -> bool:
    if message.get("method") != "$/progress":
        return False
    value = message.get("params", {}).get("value", {})
    return isinstance(value, dict) and value.get("kind") == kind


def _shown_text(message: dict[str, Any]) -> bool:
    """A progress report of text shown (not the "Forge is thinking…" before any)."""
    if not _progress(message, "report"):
        return False
    return "characters" in str(message["params"]["value"].get("message", ""))


def _claude_publish(message: dict[str, Any], uri: str) -> bool:
    if message.get("method") != "textDocument/publishDiagnostics":
        return False
    params = message["params"]
    return params["uri"] == uri and any(
        d.get("source") == "forge (claude)" for d in params["diagnostics"]
    )


async def _cold(api: FakeMessagesAPI, folder: Path, key: str) -> Run:
    """The first task of a fresh server process (it imports `anthropic`)."""
    session = await Session.start(api, folder, key)
    try:
        uri = await session.open("cold.py")
        return await session.run("ask", uri, HEADLINE)
    finally:
        await session.client.shutdown()


async def _measure(runs: int, cold_runs: int) -> Results:
    results = Results(runs, load_start=_load())
    started = time.perf_counter()
    key = "sk-ant-bench-" + secrets.token_hex(24)
    # Each model's own minimum cacheable prefix (the fake's table): 512 tokens for the default.
    with (
        FakeMessagesAPI(respond=respond) as api,
        tempfile.TemporaryDirectory(prefix="forge-bench-claude-") as name,
    ):
        folder = Path(name)
        for index in range(cold_runs - 1):
            results.cold.append(await _cold(api, folder / f"cold{index}", key))
        api.forget_cache()  # the main session starts with a cold prompt cache
        session = await Session.start(api, folder / "main", key)
        try:
            await _main_session(session, results, runs)
        finally:
            await session.client.shutdown()
        previous = await Session.start(api, folder / "previous", key, PREVIOUS_MODEL)
        try:
            for task in ("ask", "review"):
                await previous.run(task, await previous.open(f"warm_{task}.py"), HEADLINE)
                for index in range(runs):
                    uri = await previous.open(f"previous_{task}_{index}.py")
                    results.previous.append(await previous.run(task, uri, HEADLINE))
        finally:
            await previous.client.shutdown()
        results.selections = {
            n: "\n".join(
                codegen.generate("python", FILE_LINES).split("\n")[
                    SELECTION_START : SELECTION_START + n
                ]
            )
            for n in SIZES
        }
    results.seconds = time.perf_counter() - started
    results.load_end = _load()
    return results


async def _main_session(session: Session, results: Results, runs: int) -> None:
    # The session's first two requests are asks (same system prompt, so the second reads the
    # prompt cache), then the first two reviews (the same system prompt: read from the cache
    # too; a review's schema travels in `output_config`, outside the cached prompt).
    first = await session.run("ask", await session.open("first.py"), HEADLINE)
    results.cold.insert(0, first)
    second = await session.run("ask", await session.open("second.py"), HEADLINE)
    review1 = await session.run("review", await session.open("review1.py"), HEADLINE)
    review2 = await session.run("review", await session.open("review2.py"), HEADLINE)
    ledger = session.ledger()
    for label, run, row in zip(
        ("1st request (ask)", "2nd request (ask)", "1st review", "2nd review"),
        (first, second, review1, review2),
        ledger,
        strict=False,
    ):
        assert run.sent is not None and run.sent.usage is not None
        results.cache_rows.append((label, run.task, run.sent.usage, row))
    measured: list[tuple[str, int, str]] = []
    for lines in SIZES:
        for task in ("ask", "review"):
            for index in range(runs):
                uri = await session.open(f"{task}_{lines}_{index}.py")
                results.warm.append(await session.run(task, uri, lines))
                measured.append((task, lines, uri))
    for index in range(runs):  # the same review whose findings propose no fix to verify
        uri = await session.open(f"nofix_{HEADLINE}_{index}.py")
        run = await session.run("review", uri, HEADLINE)
        results.nofix.append(run)
        repeat = await session.run("review", uri, HEADLINE)
        if not repeat.result.get("cached") or repeat.requests_sent:
            raise AssertionError("a repeated review was not answered from Forge's cache")
        results.nofix_cached.append(repeat)
    before = len(session.api.message_requests)
    for task, lines, uri in measured:
        repeat = await session.run(task, uri, lines)
        if not repeat.result.get("cached") or repeat.requests_sent:
            raise AssertionError(f"a repeated {task} was not answered from Forge's cache")
        results.cached.append(repeat)
    if len(session.api.message_requests) != before:
        raise AssertionError("the fake received a request for a cached repeat")
    usage = await session.command("forge.showUsage")
    results.usage_message = str(usage.get("message", "")) if isinstance(usage, dict) else ""


def measure(runs: int, cold_runs: int) -> Results:
    return asyncio.run(_measure(runs, cold_runs))


# --- the report ------------------------------------------------------------------------------


def table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def _median(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def _spread(values: list[float]) -> str:
    if not values:
        return "—"
    return f"**{statistics.median(values):.1f}** ({min(values):.1f}-{max(values):.1f})"


def _verdict(value: float | None, target: float) -> str:
    if value is None:
        return "not measured"
    return "met" if value <= target else "**missed**"


def tokens_35(text: str) -> int:
    """A conservative count: 3.5 characters a token (code tokenizes denser than prose)."""
    return math.ceil(len(text) / 3.5)


def _counts(text: str) -> tuple[int, int, int]:
    return len(text), estimate_tokens(text), tokens_35(text)


@dataclass(frozen=True)
class Sent:
    """A request body split the way the budget is stated."""

    system: str
    schema: str  # a review's answer schema: a forced tool's, or the structured output's
    user: str
    selection: str

    @classmethod
    def of(cls, request: RecordedRequest) -> Sent:
        body = request.body
        pieces = [text for text, _ in prompt_pieces(body)]
        schema = "".join(pieces[: len(body.get("tools") or [])])
        output_format = (body.get("output_config") or {}).get("format")
        if output_format is not None:
            schema = json.dumps(output_format, sort_keys=True)
        system = body["system"][0]["text"]
        user = body["messages"][0]["content"]
        return cls(system, schema, user, _selected(user))

    @property
    def beyond(self) -> int:
        return estimate_tokens(self.user) - estimate_tokens(self.selection)

    @property
    def beyond_35(self) -> int:
        return tokens_35(self.user) - tokens_35(self.selection)


def report(results: Results) -> str:
    """The section's Markdown."""
    n = results.runs
    ask, review = results.of("ask", HEADLINE), results.of("review", HEADLINE)
    ask_c, review_c = results.cached_of("ask", HEADLINE), results.cached_of("review", HEADLINE)
    overhead = [_median(r.overhead_ms for r in runs) for runs in (ask, review)]
    begin = [_median(r.begin_ms for r in runs) for runs in (ask, review)]
    cached = [_median(r.wall_ms for r in runs) for runs in (ask_c, review_c)]
    first_token = _median(r.first_token_ms for r in ask)
    diagnostics = _median(r.diagnostics_ms for r in review)
    sent = Sent.of(_sent(review[0]))
    cold = [r.wall_ms for r in results.cold]
    cold_overhead = [r.overhead_ms for r in results.cold]
    worst = lambda pair: max((v for v in pair if v is not None), default=None)  # noqa: E731
    bar = [
        (
            "Server overhead beyond the API: wall - fake serving time (ms)",
            _ms(overhead[0]),
            _ms(overhead[1]),
            "< 20 ms",
            _verdict(worst(overhead), TARGETS["overhead"]),
        ),
        (
            "executeCommand → first `$/progress` begin (ms)",
            _ms(begin[0]),
            _ms(begin[1]),
            "≤ 50 ms",
            _verdict(worst(begin), TARGETS["begin"]),
        ),
        (
            "executeCommand → first shown token (first `$/progress` report or "
            "`window/showDocument`) (ms)",
            _ms(first_token),
            "—",
            "",
            "",
        ),
        (
            "executeCommand → `publishDiagnostics` with a `forge (claude)` diagnostic (ms)",
            "—",
            _ms(diagnostics),
            "",
            "",
        ),
        (
            "Cached repeat: executeCommand → response (ms); requests the fake received",
            f"{_ms(cached[0])}; {sum(r.requests_sent for r in ask_c)}",
            f"{_ms(cached[1])}; {sum(r.requests_sent for r in review_c)}",
            "≤ 10 ms; 0",
            _verdict(worst(cached), TARGETS["cached"]),
        ),
        (
            "Tokens sent beyond the selection and the cached system prompt (chars/4; chars/3.5)",
            "—",
            f"{sent.beyond:,}; {sent.beyond_35:,}",
            "≤ 1,500",
            _verdict(max(sent.beyond, sent.beyond_35), TARGETS["beyond"]),
        ),
    ]
    first, second = results.cache_rows[0][2], results.cache_rows[1][2]
    cache_ok = first["cache_creation_input_tokens"] > 0 and second["cache_read_input_tokens"] > 0
    bar.append(
        (
            "2nd request of a session: cache_read_input_tokens (1st: cache_creation)",
            f"{second['cache_read_input_tokens']:,} ({first['cache_creation_input_tokens']:,})",
            "",
            "> 0",
            "met" if cache_ok else "**missed**",
        )
    )
    parts = [
        "## 5. Claude path against the fake Messages API, zero model latency",
        f"Forge's default model, `{DEFAULT_MODEL}`, as the fake serves it: a thinking block "
        "first (adaptive thinking, on by default), then the answer; a review asks for its "
        "findings through structured outputs (this model refuses forced tool use). "
        "The real server over stdio, the real `anthropic` SDK, the project's fake Messages API "
        "(`tests/support/fake_messages_api.py`) in a thread of the benchmark answering at once "
        "(an ask: a 1,300-character Markdown answer in 24 text deltas; a review: two findings "
        "quoting lines of the selection, one with a replacement, as a streamed JSON text). "
        "Fresh cache and data folders per server, so the result cache and the ledger start "
        "empty. Each request is on a "
        f"freshly opened {FILE_LINES}-line generated Python file (so none is a cache hit), "
        f"selection from line {SELECTION_START + 1}, after its offline diagnostics arrived. "
        "The fake stamps each request (first byte read, last byte written): *overhead* is the "
        "command's wall time minus that. Medians of "
        f"n={n} per figure (warm server); load average at the start of this section "
        f"{results.load_start}, at its end {results.load_end}; section time "
        f"{results.seconds:.0f} s.",
        f"### 5a. Issue 4's speed bar ({HEADLINE}-line selection, warm server)",
        table(("figure", "ask", "review", "target", ""), bar),
        _fix_note(results),
        "Cold: the first task of a server process imports `anthropic` off the event loop "
        f"(fresh server processes, n={len(cold)}): executeCommand → response "
        f"{_spread(cold)} ms, of which Forge's overhead {_spread(cold_overhead)} ms.",
        "### 5b. By selection size (median ms; overhead with min-max)",
        _size_table(results),
        "### 5c. Prompt cache over a session (fake prompt cache: prefixes of "
        f"{MODELS[DEFAULT_MODEL].min_cache_tokens:,} tokens or more, the real minimum for "
        f"`{DEFAULT_MODEL}`)",
        _cache_table(results),
        "`forge.showUsage` at the end of the session: " + (results.usage_message or "—"),
        f"### 5d. What a review of a {HEADLINE}-line selection sends",
        _budget(results, sent),
        f"### 5e. The same tasks on the previous default, `{PREVIOUS_MODEL}`, in this run",
        _previous_table(results),
    ]
    return "\n\n".join(parts)


def _previous_table(results: Results) -> str:
    """The default against the previous default: thinking blocks and a review's JSON text
    against no thinking and a forced tool call, the same fake, server and machine."""
    rows = []
    for task in ("ask", "review"):
        for model, runs in (
            (DEFAULT_MODEL, results.of(task, HEADLINE)),
            (PREVIOUS_MODEL, [r for r in results.previous if r.task == task]),
        ):
            rows.append(
                (
                    task,
                    f"`{model}`",
                    _ms(_median(r.wall_ms for r in runs)),
                    _ms(_median(r.fake_ms for r in runs)),
                    _spread([r.overhead_ms for r in runs]),
                    _ms(_median(r.first_token_ms for r in runs)) if task == "ask" else "—",
                    _ms(_median(r.diagnostics_ms for r in runs)) if task == "review" else "—",
                    len(runs),
                )
            )
    header = (
        "task",
        "model",
        "wall",
        "fake serving",
        "overhead (wall - fake)",
        "→ first shown token",
        "→ claude diagnostics",
        "n",
    )
    return (
        table(header, rows)
        + f"\n\n{HEADLINE}-line selections, warm servers, medians in ms. The fake answers both "
        "at once; what differs is what Forge handles: a thinking block before the answer, and "
        "a review's findings as a JSON text (structured outputs) rather than a tool call."
    )


def _fix_note(results: Results) -> str:
    """Where a review's overhead goes: the same review with and without a fix to verify."""
    fixed = _median(r.overhead_ms for r in results.of("review", HEADLINE))
    plain = _median(r.overhead_ms for r in results.nofix)
    fixed_repeat = _median(r.wall_ms for r in results.cached_of("review", HEADLINE))
    plain_repeat = _median(r.wall_ms for r in results.nofix_cached)
    return (
        f"The review's findings here propose one fix. The same review proposing none: overhead "
        f"{_ms(plain)} ms (vs {_ms(fixed)}), cached repeat {_ms(plain_repeat)} ms (vs "
        f"{_ms(fixed_repeat)}): the difference is Forge verifying the fix (it re-parses the "
        f"{FILE_LINES}-line document with the fix applied and re-checks the function it edits). "
        "A cached repeat on unchanged text reuses the placed and verified findings."
    )


def _sent(run: Run) -> RecordedRequest:
    assert run.sent is not None
    return run.sent


def _size_table(results: Results) -> str:
    rows = []
    for task in ("ask", "review"):
        for lines in SIZES:
            runs, repeats = results.of(task, lines), results.cached_of(task, lines)
            sent = Sent.of(_sent(runs[0]))
            rows.append(
                (
                    task,
                    lines,
                    estimate_tokens(sent.selection),
                    sent.beyond,
                    _ms(_median(r.wall_ms for r in runs)),
                    _ms(_median(r.fake_ms for r in runs)),
                    _spread([r.overhead_ms for r in runs]),
                    _ms(_median(r.begin_ms for r in runs)),
                    _ms(_median(r.first_token_ms for r in runs)) if task == "ask" else "—",
                    _ms(_median(r.diagnostics_ms for r in runs)) if task == "review" else "—",
                    _ms(_median(r.wall_ms for r in repeats)),
                )
            )
    runs, repeats = results.nofix, results.nofix_cached
    rows.append(
        (
            "review, no fix proposed",
            HEADLINE,
            estimate_tokens(Sent.of(_sent(runs[0])).selection),
            Sent.of(_sent(runs[0])).beyond,
            _ms(_median(r.wall_ms for r in runs)),
            _ms(_median(r.fake_ms for r in runs)),
            _spread([r.overhead_ms for r in runs]),
            _ms(_median(r.begin_ms for r in runs)),
            "—",
            _ms(_median(r.diagnostics_ms for r in runs)),
            _ms(_median(r.wall_ms for r in repeats)),
        )
    )
    header = (
        "task",
        "lines",
        "selection tokens sent",
        "user-message tokens beyond the selection",
        "wall",
        "fake serving",
        "overhead (wall - fake)",
        "→ progress begin",
        "→ first shown token",
        "→ claude diagnostics",
        "cached repeat",
    )
    return (
        table(header, rows)
        + "\n\nTokens here: the fake's estimate, characters / 4. Reviews: the first finding "
        "proposes a replacement, which Forge verifies (it re-parses the fixed document and "
        "re-checks the function it edits) before offering it; the last row is the "
        "same review with no replacement proposed. The user message grows beyond the "
        "selection with its known offline findings (one line each) and the 20 context lines."
    )


def _cache_table(results: Results) -> str:
    rows = [
        (
            label,
            usage["input_tokens"],
            usage["cache_creation_input_tokens"],
            usage["cache_read_input_tokens"],
            "—" if ledger is None else f"{ledger[0]:,} / {ledger[1]:,}",
        )
        for label, _task, usage, ledger in results.cache_rows
    ]
    header = (
        "request",
        "input_tokens (uncached)",
        "cache_creation_input_tokens",
        "cache_read_input_tokens",
        "Forge's ledger: creation / read",
    )
    return table(header, rows)


def _budget(results: Results, sent: Sent) -> str:
    document = results.selections[HEADLINE]
    rows = [
        (f"the {HEADLINE} selected lines in the document", *_counts(document)),
        ("the selection as sent (secrets redacted)", *_counts(sent.selection)),
        ("the user message (template, path, context lines, known findings)", *_counts(sent.user)),
        (
            "**beyond the selection** (user message - selection as sent)",
            len(sent.user) - len(sent.selection),
            f"**{sent.beyond:,}**",
            f"**{sent.beyond_35:,}**",
        ),
        ("system prompt (cached)", *_counts(sent.system)),
        (
            "review answer schema (`output_config.format`, not in the cached prefix)",
            *_counts(sent.schema),
        ),
    ]
    header = ("part", "characters", "tokens, chars/4 (the fake's count)", "tokens, chars/3.5")
    return (
        table(header, rows)
        + "\n\nCounted on the request the fake received (no tokenizer is available offline): "
        "the fake's `estimate_tokens` (characters / 4, rounded up), and characters / 3.5 as a "
        "conservative alternative (code tokenizes denser than prose). *Beyond* is each count "
        "of the user message minus the same count of the selection between its `<selection>` "
        "tags; the system prompt comes before the cache breakpoint and is read from the prompt "
        "cache after a session's first request (5c)."
    )


def section(runs: int, cold_runs: int) -> str:
    """Measure and return the report section (run.py calls this)."""
    return report(measure(runs, cold_runs))


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args(argv)
    runs, cold_runs = (4, 1) if args.quick else (10, 3)
    print(section(runs, cold_runs))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
