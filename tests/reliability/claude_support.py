"""One Forge server and one fake Messages API shared by a test module, and the means to count
what the server holds: for the fault, cancel and concurrency tests of the Claude path.

Why one server per module: every fault must be tried for each of Ask, Review and Explain, and
a fresh server per case would spend most of the suite's time starting up and importing the
SDK. Sharing one is also the stronger test: a fault that leaked a task, a socket, a progress
token or a pending request would show up in the counts of every later case, and a fault that
broke the server would fail the next request.

Leaks are counted two ways: the server's own view (`forge.serverStatus`: asyncio tasks, Claude
tasks in flight, progress tokens, open JSON-RPC requests, documents, cache sizes) and the
operating system's (sockets among `/proc/<pid>/fd`). At rest the server holds the sockets it
held before its first Claude request (the event loop's wake-up pair) plus the connections the
SDK keeps alive in its pool, which the fake counts from its side (`open_connections`).

The SDK's pool policy (anthropic 2.14 on httpx2): up to 100 idle keep-alive connections, each
closed once idle for 5 s, but only when the pool is next used (expiry is checked lazily). So
after requests one at a time the pool holds one connection; after N at once it holds up to N
until the next request after 5 s idle, which closes the expired ones. The counts assert exactly
that: every server socket but the loop's pair is a connection the fake still sees open, and
there are at most as many as the test allows (`at_rest(max_pooled=...)`, one by default).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import sys
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES

from forge_lsp.lsp.features.claude import PRELOAD_DELAY_SECONDS
from tests.e2e.session import Session, start
from tests.editors.support import CLAUDE_FINDING, CLAUDE_SOURCE
from tests.support.fake_messages_api import FakeMessagesAPI, RecordedRequest, Reply, asks_for_data
from tests.support.models import DEFAULT, UNDER_TEST

# Every model under test in VS Code's profile, and Emacs' (no window/showDocument: answers are
# named in a message) with the default model.
MODEL_CASES = [("visual-studio-code", model) for model in UNDER_TEST] + [("emacs", DEFAULT)]

SERVER_COMMAND = [sys.executable, "-m", "forge_lsp"]
KEY = "sk-ant-api03-forge-reliability-key-0123456789abcdefghijklmnopqrstuvwxyz"
SERVICE = CLAUDE_SOURCE
FETCH = {"start": {"line": 3, "character": 0}, "end": {"line": 7, "character": 0}}  # fetch()
FETCH_LINES = "4-7"
ANSWER = "Forge's answer: `fetch` has no error handling for a non-JSON page.\n" * 12
EXPLANATION = "Fetches a URL and decodes the JSON.\n\n---\n\n### How it works\n\nIt calls.\n"
FINDING = {**CLAUDE_FINDING, "replacement": None}  # the editors' finding, no fix proposed
STALL_SECONDS = 1.0  # the smallest `forge.claude.stallSeconds` Forge accepts
COMMANDS = {"ask": "forge.ask", "review": "forge.review", "explain": "forge.explain"}
AT_REST_TIMEOUT = 10.0
KEEPALIVE_EXPIRY_SECONDS = 5.0  # httpx2's default, which the SDK keeps


def task_of(request: RecordedRequest) -> str:
    """Which task a request is: a review asks for data (a forced tool or structured
    outputs), an Ask carries a question, an explanation neither."""
    if asks_for_data(request):
        return "review"
    return "ask" if "<question>" in request.text else "explain"


def success_reply(request: RecordedRequest) -> Reply:
    """What the fake answers when nothing is scripted: a whole answer of the request's kind."""
    task = task_of(request)
    if task == "review":
        return Reply(structured={"findings": [FINDING]}, chunks=4)
    if task == "explain":
        return Reply(text=EXPLANATION, chunks=4)
    return Reply(text=ANSWER, chunks=6)


@dataclass(frozen=True)
class Counts:
    """What the server holds at one moment."""

    asyncio_tasks: int
    claude_tasks_in_flight: int
    progress_tokens: int
    open_requests: int
    documents: int
    sockets: int
    pooled_connections: int  # the fake's count of connections from the server still open

    @property
    def busy(self) -> bool:
        return bool(self.claude_tasks_in_flight or self.progress_tokens or self.open_requests)


@dataclass
class Harness:
    """The shared session: the client, the fake, and counting helpers."""

    session: Session
    api: FakeMessagesAPI
    pid: int
    sockets_before_claude: int
    started_at: float = 0.0  # event loop time when the server was initialized
    baseline: Counts | None = None
    _cases: int = 0
    # Client-side hooks for cancel tests: hold the answer to `window/workDoneProgress/create`
    # (the server waits, before it sends anything), and act when a progress begins.
    hold_progress_create: asyncio.Event | None = None
    progress_create_seen: asyncio.Event = dataclasses.field(default_factory=asyncio.Event)
    on_progress_begin: Callable[[str], None] | None = None

    def install_hooks(self) -> None:
        features = self.client.protocol.fm.features
        for method in (types.WINDOW_WORK_DONE_PROGRESS_CREATE, types.PROGRESS):
            features.pop(method, None)
        record_create = DEFAULT_CLIENT_FEATURES[types.WINDOW_WORK_DONE_PROGRESS_CREATE]
        record_progress = DEFAULT_CLIENT_FEATURES[types.PROGRESS]

        @self.client.feature(types.WINDOW_WORK_DONE_PROGRESS_CREATE)
        async def on_create(client: LanguageClient, params: types.WorkDoneProgressCreateParams):
            record_create(client, params)
            self.progress_create_seen.set()
            if self.hold_progress_create is not None:
                await self.hold_progress_create.wait()

        @self.client.feature(types.PROGRESS)
        def on_progress(client: LanguageClient, params: types.ProgressParams) -> None:
            record_progress(client, params)
            value = params.value if isinstance(params.value, dict) else {}
            if value.get("kind") == "begin" and self.on_progress_begin is not None:
                self.on_progress_begin(str(params.token))

    @property
    def client(self) -> LanguageClient:
        return self.session.client

    # --- documents and commands ----------------------------------------------------------

    def open_case(self, label: str, text: str = SERVICE) -> str:
        """A document of its own for one case: its path is in the payload, so no answer from
        the result cache can stand in for a request to the fake."""
        self._cases += 1
        name = "".join(c if c.isalnum() else "_" for c in label)
        return self.session.open(f"case{self._cases:03d}_{name}.py", text, "python")

    def send(self, command: str, *arguments: Any) -> tuple[str, asyncio.Future[Any]]:
        """Send `workspace/executeCommand` with an id of our own (to cancel it by)."""
        msg_id = f"cmd-{uuid.uuid4()}"
        sending = self.client.protocol.send_request_async(  # pytest-lsp's is a coroutine
            types.WORKSPACE_EXECUTE_COMMAND,
            types.ExecuteCommandParams(command=command, arguments=list(arguments)),
            msg_id=msg_id,
        )
        return msg_id, asyncio.ensure_future(sending)

    async def run(self, command: str, *arguments: Any) -> Any:
        _, future = self.send(command, *arguments)
        return await asyncio.wait_for(future, 30)

    def cancel_request(self, msg_id: str) -> None:
        self.client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id=msg_id))

    def cancel_progress(self, token: str) -> None:
        self.client.window_work_done_progress_cancel(types.WorkDoneProgressCancelParams(token))

    def new_progress_tokens(self, before: set[Any]) -> list[str]:
        return [str(t) for t in self.client.progress_reports if t not in before]

    def progress_of(self, token: str) -> list[Any]:
        return list(self.client.progress_reports.get(token, []))

    def messages_since(self, mark: int) -> list[types.ShowMessageParams]:
        return list(self.session.messages[mark:])

    # --- counting ------------------------------------------------------------------------

    async def status(self) -> dict[str, Any]:
        result = await self.run("forge.serverStatus")
        assert isinstance(result, dict)
        return result

    def sockets(self) -> int:
        return count_sockets(self.pid)

    async def counts(self) -> Counts:
        status = await self.status()
        return Counts(
            asyncio_tasks=status["asyncioTasks"],
            claude_tasks_in_flight=status["claudeTasksInFlight"],
            progress_tokens=status["progressTokens"],
            open_requests=status["openRequests"],
            documents=status["documents"],
            sockets=self.sockets(),
            pooled_connections=self.api.open_connections,
        )

    async def at_rest(self, max_pooled: int = 1) -> Counts:
        """Wait until the server is back to its baseline (no Claude task, progress token or
        open request; no more asyncio tasks than at the baseline; sockets = those from before
        Claude + the connections the fake still sees open, at most one) and return the counts;
        fail with the last counts otherwise."""
        assert self.baseline is not None, "take the baseline first"
        loop = asyncio.get_running_loop()
        deadline = loop.time() + AT_REST_TIMEOUT
        while True:
            now = await self.counts()
            if self._rests(now, max_pooled):
                if now.asyncio_tasks < self.baseline.asyncio_tasks:
                    # The baseline caught a start-up task still running (the SDK's preload is
                    # slow on a loaded machine): rest is lower, and later checks use it.
                    self.baseline = dataclasses.replace(
                        self.baseline, asyncio_tasks=now.asyncio_tasks
                    )
                return now
            if loop.time() > deadline:
                raise AssertionError(
                    f"the server did not return to rest: {now} (baseline "
                    f"{self.baseline}, sockets before Claude "
                    f"{self.sockets_before_claude})"
                )
            await asyncio.sleep(0.05)

    def _rests(self, now: Counts, max_pooled: int) -> bool:
        assert self.baseline is not None
        return (
            not now.busy
            and now.asyncio_tasks <= self.baseline.asyncio_tasks
            and now.pooled_connections <= max_pooled
            and now.sockets == self.sockets_before_claude + now.pooled_connections
        )

    async def take_baseline(self) -> Counts:
        """The counts at rest after one whole request of each kind (the SDK loaded, its
        connection pool in use, the start-up's background work done)."""
        loop = asyncio.get_running_loop()
        # The SDK's preload (a background task) starts this long after `initialized`.
        await asyncio.sleep(max(0.0, self.started_at + PRELOAD_DELAY_SECONDS - loop.time()))
        deadline = loop.time() + AT_REST_TIMEOUT
        previous: Counts | None = None
        while True:  # steady: two equal readings in a row with nothing in flight
            now = await self.counts()
            steady = previous is not None and now == previous and not now.busy
            if steady and now.sockets == self.sockets_before_claude + now.pooled_connections:
                self.baseline = now
                return now
            if loop.time() > deadline:
                raise AssertionError(f"no steady baseline: {previous} then {now}")
            previous = now
            await asyncio.sleep(0.2)


def count_sockets(pid: int) -> int:
    """Sockets the process has open: its file descriptors that link to `socket:[...]`."""
    count = 0
    folder = Path(f"/proc/{pid}/fd")
    for entry in folder.iterdir():
        try:
            if os.readlink(entry).startswith("socket:"):
                count += 1
        except OSError:
            continue
    return count


def server_env(base: Path) -> dict[str, str]:
    """The environment for the server: the test's own, with user folders of its own, no key
    from outside and no proxy for 127.0.0.1."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANTHROPIC_")}
    for name in ("XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME"):
        folder = base / name.lower()
        folder.mkdir(parents=True, exist_ok=True)
        env[name] = str(folder)
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    return env


@dataclass
class SessionOptions:
    """What a module's harness differs in: the editor profile, the model every task uses, and
    extra `claude` settings."""

    profile: str = "visual-studio-code"
    model: str = DEFAULT
    claude: dict[str, Any] | None = None


async def open_harness(base: Path, options: SessionOptions) -> AsyncIterator[Harness]:
    """Start the fake and the server, warm Claude up (one request of each kind) and take the
    baseline; stop both afterwards."""
    if sys.platform != "linux":
        pytest.skip("counts sockets through /proc")
    async with FakeMessagesAPI() as api:
        # Scripted replies (faults) first, in order; else a whole answer of the request's kind.
        api.respond = lambda request: None if api.replies else success_reply(request)
        config = ClientServerConfig(server_command=SERVER_COMMAND, server_env=server_env(base))
        client = await config.start()
        stopped = False
        try:
            root = base / "workspace"
            root.mkdir()
            claude = {
                "apiKey": KEY,
                "baseUrl": api.base_url,
                "maxRetries": 0,
                "stallSeconds": STALL_SECONDS,
                "model": options.model,
                "explainModel": options.model,
                **(options.claude or {}),
            }
            session = await start(client, options.profile, root, {"claude": claude})
            started_at = asyncio.get_running_loop().time()
            status = await _status(client)
            pid = int(status["pid"])
            harness = Harness(session, api, pid, count_sockets(pid), started_at)
            harness.install_hooks()
            await _warm_up(harness)
            await harness.take_baseline()
            yield harness
            await client.shutdown_session()
            stopped = True
        finally:
            if not stopped:  # a failed set-up: the server would wait for `exit` forever
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(client.shutdown_session(), 5)
            await client.stop()


async def _status(client: LanguageClient) -> dict[str, Any]:
    result = await asyncio.wait_for(
        client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="forge.serverStatus", arguments=[])
        ),
        30,
    )
    assert isinstance(result, dict)
    return result


async def _warm_up(harness: Harness) -> None:
    uri = harness.open_case("warm_up")
    for task, command in COMMANDS.items():
        result = await harness.run(command, uri, FETCH)
        assert result["status"] == "done", (task, result)
    harness.session.close(uri)


def harness_fixture(
    options: SessionOptions | None = None, cases: list[tuple[str, str]] | None = None
) -> Any:
    """A module-scoped `harness` fixture (event loop of the module's own); with `cases`, one
    server per (editor profile, model), each serving all the module's tests that use it."""

    ids = [f"{profile}-{model}" for profile, model in cases] if cases else None

    @pytest_asyncio.fixture(scope="module", loop_scope="module", params=cases, ids=ids)
    async def harness(
        tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
    ) -> AsyncIterator[Harness]:
        chosen = options or SessionOptions()
        if cases:
            profile, model = request.param
            chosen = dataclasses.replace(chosen, profile=profile, model=model)
        base = tmp_path_factory.mktemp("reliability")
        async for value in open_harness(base, chosen):
            yield value

    return harness
