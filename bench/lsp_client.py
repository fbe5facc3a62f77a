"""A minimal LSP client over stdio: asyncio, JSON-RPC with `Content-Length` framing.

It answers every server-to-client request with `null` (or a result set per method in
`answers`), records when each message arrived, lets callers wait for the `publishDiagnostics`
of a given document version, and hands every server message with its arrival time to
`listeners` (the Claude benchmark watches progress and shown documents that way).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
STREAM_LIMIT = 64 * 1024 * 1024  # publishDiagnostics of a 20k-line file can be large


def forge_command() -> list[str]:
    """How to start the Forge server over stdio: the real entry point, as editors do."""
    return [sys.executable, "-m", "forge_lsp"]


def bare_command() -> list[str]:
    """How to start the bare pygls baseline server."""
    return [sys.executable, str(BENCH_DIR / "bare_server.py")]


@dataclass
class Published:
    """One `publishDiagnostics` notification and when it arrived (perf_counter seconds)."""

    uri: str
    version: int | None
    count: int
    at: float


@dataclass
class LspClient:
    """A running server process and the client side of its JSON-RPC connection."""

    process: asyncio.subprocess.Process
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _pending: dict[int, asyncio.Future[tuple[Any, float]]] = field(default_factory=dict)
    _waiters: dict[tuple[str, int | None], asyncio.Future[Published]] = field(default_factory=dict)
    published: dict[str, Published] = field(default_factory=dict)
    answers: dict[str, Any] = field(default_factory=dict)  # server request method -> result
    listeners: list[Callable[[dict[str, Any], float], None]] = field(default_factory=list)
    _reader: asyncio.Task[None] | None = None

    @classmethod
    async def spawn(
        cls, command: Sequence[str], env: Mapping[str, str] | None = None, cwd: Path = REPO_DIR
    ) -> LspClient:
        """Start `command` with pipes (and `env`, default: this process's) and begin reading.
        `cwd` is where an editor would start it: the project, for servers that read its config."""
        process = await asyncio.create_subprocess_exec(
            *command,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
            cwd=cwd,
            limit=STREAM_LIMIT,
            env=dict(env) if env is not None else None,
        )
        client = cls(process)
        client._reader = asyncio.create_task(client._read_loop())
        return client

    @property
    def pid(self) -> int:
        return self.process.pid

    # --- sending -------------------------------------------------------------------------

    def _write(self, message: dict[str, Any]) -> None:
        body = json.dumps(message, separators=(",", ":")).encode()
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    async def request(self, method: str, params: Any) -> Any:
        """Send a request and wait for its result."""
        result, _, _ = await self.timed_request(method, params)
        return result

    async def timed_request(self, method: str, params: Any) -> tuple[Any, float, float]:
        """Send a request and wait for its result: (result, sent, received) where `sent` is
        just before the write and `received` when the response's last byte arrived."""
        request_id = next(self._ids)
        future: asyncio.Future[tuple[Any, float]] = asyncio.get_running_loop().create_future()
        self._pending[request_id] = future
        sent = time.perf_counter()
        self._write({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params})
        result, received = await future
        return result, sent, received

    def notify(self, method: str, params: Any) -> None:
        """Send a notification (written to the pipe at once; no drain needed for small ones)."""
        self._write({"jsonrpc": "2.0", "method": method, "params": params})

    async def drain(self) -> None:
        assert self.process.stdin is not None
        await self.process.stdin.drain()

    # --- receiving -----------------------------------------------------------------------

    def expect(self, uri: str, version: int | None) -> asyncio.Future[Published]:
        """A future for the diagnostics of `uri` at `version`; register it before sending."""
        future: asyncio.Future[Published] = asyncio.get_running_loop().create_future()
        self._waiters[(uri, version)] = future
        return future

    async def _read_message(self) -> tuple[dict[str, Any], float] | None:
        """The next message and when its last byte arrived (before decoding the JSON)."""
        stdout = self.process.stdout
        assert stdout is not None
        length = 0
        while True:
            line = await stdout.readline()
            if not line:
                return None
            if line in (b"\r\n", b"\n"):
                break
            name, _, value = line.decode("ascii").partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        body = await stdout.readexactly(length)
        return json.loads(body), time.perf_counter()

    async def _read_loop(self) -> None:
        while True:
            received = await self._read_message()
            if received is None:
                break
            self._dispatch(*received)
        for future in [*self._pending.values(), *self._waiters.values()]:
            if not future.done():
                future.set_exception(ConnectionError("the server closed its output"))

    def _dispatch(self, message: dict[str, Any], at: float) -> None:
        for listener in self.listeners:
            listener(message, at)
        if "method" not in message:
            future = self._pending.pop(message.get("id", -1), None)
            if future is not None and not future.done():
                if "error" in message:
                    future.set_exception(RuntimeError(str(message["error"])))
                else:
                    future.set_result((message.get("result"), at))
            return
        if "id" in message:  # a server-to-client request: accept it
            result = self.answers.get(message["method"])
            self._write({"jsonrpc": "2.0", "id": message["id"], "result": result})
        if message["method"] == "textDocument/publishDiagnostics":
            self._on_publish(message["params"], at)

    def _on_publish(self, params: dict[str, Any], at: float) -> None:
        published = Published(params["uri"], params.get("version"), len(params["diagnostics"]), at)
        self.published[published.uri] = published
        future = self._waiters.pop((published.uri, published.version), None)
        if future is not None and not future.done():
            future.set_result(published)

    # --- life cycle ----------------------------------------------------------------------

    async def initialize(
        self,
        initialization_options: dict[str, Any] | None = None,
        window: dict[str, Any] | None = None,
        root: Path | None = None,
    ) -> Any:
        """`initialize` as a push-diagnostics client (no pull capability), then `initialized`;
        `window` adds window capabilities (progress, showDocument), `root` a workspace folder."""
        capabilities: dict[str, Any] = {
            "textDocument": {
                "synchronization": {"didSave": True},
                "publishDiagnostics": {"versionSupport": True},
            },
            "general": {"positionEncodings": ["utf-16"]},
        }
        if window is not None:
            capabilities["window"] = window
        params: dict[str, Any] = {
            "processId": os.getpid(),
            "rootUri": None,
            "capabilities": capabilities,
            "initializationOptions": initialization_options,
        }
        if root is not None:
            params["rootUri"] = root.as_uri()
            params["workspaceFolders"] = [{"uri": root.as_uri(), "name": root.name}]
        result = await self.request("initialize", params)
        self.notify("initialized", {})
        return result

    async def shutdown(self) -> None:
        """Ask the server to exit; kill it if it does not within a few seconds."""
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.request("shutdown", None), 5)
            self.notify("exit", None)
            await self.drain()
        try:
            await asyncio.wait_for(self.process.wait(), 5)
        except asyncio.TimeoutError:
            self.process.kill()
            await self.process.wait()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader


def proc_status(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of a process, in kB, from /proc/PID/status."""
    values: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            values[name] = int(rest.split()[0])
    return values
