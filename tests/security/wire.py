"""A bare LSP client over the server's stdio that keeps every byte the server wrote.

The security tests need what pytest-lsp hides: the raw stream from the server (what a client's
verbose trace shows), the server's stderr (its log) in a file, the server started through a
launcher of the test's choosing (an audit hook), and a record of every request the server made
of the client (an unasked `workspace/applyEdit` must show). So this client is small and
literal: JSON-RPC frames in, JSON-RPC frames out, a default answer for each server request.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from pygls.protocol import default_converter

from tests.e2e.session import capabilities

TIMEOUT = 30.0
SERVER = [sys.executable, "-m", "forge_lsp"]


class RpcError(Exception):
    """A JSON-RPC error response."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


def profile_capabilities(profile: str = "visual-studio-code") -> dict[str, Any]:
    """A real editor's capabilities as JSON, with `workspace/applyEdit` advertised (so that an
    unasked edit would be sent, and seen)."""
    caps = default_converter().unstructure(capabilities(profile))
    caps.setdefault("workspace", {})["applyEdit"] = True
    return caps


class WireClient:
    """One server process and everything that crossed its stdio."""

    def __init__(
        self,
        env: Mapping[str, str],
        log_path: Path,
        command: list[str] | None = None,
        cwd: Path | None = None,
    ) -> None:
        self.command = command or SERVER
        self.env = dict(env)
        self.log_path = log_path
        self.cwd = cwd
        self.raw = bytearray()  # every byte the server wrote to stdout
        self.received: list[dict[str, Any]] = []
        self.server_requests: list[dict[str, Any]] = []
        self.settings: dict[str, Any] = {}  # answered to workspace/configuration
        self.handlers: dict[str, Callable[[Any], Any]] = {
            "workspace/configuration": lambda params: [
                self.settings for _ in params.get("items", [])
            ],
            "window/showDocument": lambda params: {"success": True},
            "workspace/applyEdit": lambda params: {"applied": False},
            "window/showMessageRequest": lambda params: None,
        }
        self.initialize_result: dict[str, Any] = {}
        self._ids = itertools.count(1)
        self._pending: dict[int, asyncio.Future[Any]] = {}
        self._process: asyncio.subprocess.Process | None = None
        self._reader: asyncio.Task[None] | None = None
        self._log: Any = None

    # --- life cycle ----------------------------------------------------------------------

    async def start(self) -> WireClient:
        self._log = self.log_path.open("wb")
        self._process = await asyncio.create_subprocess_exec(
            *self.command,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=self._log,
            env=self.env,
            cwd=self.cwd,
        )
        self._reader = asyncio.ensure_future(self._read())
        return self

    async def initialize(
        self,
        root: Path | None,
        options: Mapping[str, Any] | None = None,
        folders: list[Path] | None = None,
        caps: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """`initialize` + `initialized`, with `root` as rootUri and the workspace folders
        (`folders` defaults to `[root]`; `root=None` declares no workspace at all)."""
        folders = ([root] if root else []) if folders is None else folders
        params: dict[str, Any] = {
            "processId": os.getpid(),
            "rootUri": root.as_uri() if root else None,
            "capabilities": caps if caps is not None else profile_capabilities(),
            "initializationOptions": {"debounceMs": 0, **(options or {})},
            "trace": "verbose",
        }
        if folders:
            params["workspaceFolders"] = [{"uri": f.as_uri(), "name": f.name} for f in folders]
        self.initialize_result = await self.request("initialize", params)
        self.notify("initialized", {})
        self.notify("$/setTrace", {"value": "verbose"})
        return self.initialize_result

    async def stop(self) -> int:
        """`shutdown` and `exit`; the server's exit code."""
        assert self._process is not None
        if self._process.returncode is None:
            with contextlib.suppress(Exception):
                await self.request("shutdown", None, timeout=10)
                self.notify("exit", None)
            try:
                await asyncio.wait_for(self._process.wait(), 10)
            except asyncio.TimeoutError:
                self._process.kill()
                await self._process.wait()
        if self._reader is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._reader, 5)
        if self._log is not None:
            self._log.close()
        return self._process.returncode or 0

    async def __aenter__(self) -> WireClient:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # --- messages ------------------------------------------------------------------------

    def _write(self, message: dict[str, Any]) -> None:
        assert self._process is not None and self._process.stdin is not None
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        self._process.stdin.write(f"Content-Length: {len(body)}\r\n\r\n".encode() + body)

    def notify(self, method: str, params: Any) -> None:
        self._write({"method": method, "params": params})

    async def request(self, method: str, params: Any, timeout: float = TIMEOUT) -> Any:
        request_id = next(self._ids)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[request_id] = future
        self._write({"id": request_id, "method": method, "params": params})
        return await asyncio.wait_for(future, timeout)

    async def execute(self, command: str, *arguments: Any, timeout: float = TIMEOUT) -> Any:
        return await self.request(
            "workspace/executeCommand",
            {"command": command, "arguments": list(arguments)},
            timeout,
        )

    async def _read(self) -> None:
        assert self._process is not None and self._process.stdout is not None
        stream = self._process.stdout
        while True:
            length = 0
            while True:
                line = await stream.readline()
                if not line:
                    return
                self.raw += line
                if line in (b"\r\n", b"\n"):
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            body = await stream.readexactly(length)
            self.raw += body
            self._dispatch(json.loads(body))

    def _dispatch(self, message: dict[str, Any]) -> None:
        self.received.append(message)
        if "method" in message and "id" in message:  # a request of the server's
            self.server_requests.append(message)
            handler = self.handlers.get(message["method"], lambda params: None)
            self._write({"id": message["id"], "result": handler(message.get("params"))})
        elif "id" in message:
            future = self._pending.pop(message["id"], None)
            if future is None or future.done():
                return
            if "error" in message:
                error = message["error"]
                future.set_exception(RpcError(error.get("code", 0), error.get("message", "")))
            else:
                future.set_result(message.get("result"))

    # --- documents and what came back ----------------------------------------------------

    def open(self, path: Path, text: str, language_id: str, uri: str | None = None) -> str:
        uri = uri or path.as_uri()
        self.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": language_id, "version": 1, "text": text}},
        )
        return uri

    def notifications(self, method: str) -> list[Any]:
        return [m.get("params") for m in self.received if m.get("method") == method]

    def messages(self) -> list[str]:
        return [p["message"] for p in self.notifications("window/showMessage")]

    async def until(self, condition: Callable[[], Any], what: str, timeout: float = 15) -> Any:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not (value := condition()):
            if loop.time() > deadline:
                raise AssertionError(f"timed out waiting for {what}")
            await asyncio.sleep(0.01)
        return value

    async def diagnostics(self, uri: str) -> list[dict[str, Any]]:
        """The first diagnostics pushed for `uri` (the documents here are opened once)."""

        def published() -> list[Any]:
            return [p for p in self.notifications("textDocument/publishDiagnostics")
                    if p["uri"] == uri]  # fmt: skip

        found = await self.until(published, f"diagnostics of {uri}")
        return list(found[-1]["diagnostics"])

    @property
    def trace(self) -> str:
        """Everything the server sent the client, as text (what a verbose trace shows)."""
        return self.raw.decode("utf-8", "replace")

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def whole_lines(first: int, last: int) -> dict[str, Any]:
    """An LSP range over lines `first` to `last` (zero-based, inclusive)."""
    return {"start": {"line": first, "character": 0}, "end": {"line": last + 1, "character": 0}}


def at(line: int, character: int = 0) -> dict[str, Any]:
    return {"line": line, "character": character}


def base_env(tmp: Path, **extra: str) -> dict[str, str]:
    """The server's environment: the test's own cache and data folders, no key from the
    machine, the fake server on 127.0.0.1 never behind a proxy."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("ANTHROPIC_", "FORGE_"))
        and key.lower() not in ("https_proxy", "http_proxy", "all_proxy", "no_proxy")
    }
    env.update(
        XDG_CACHE_HOME=str(tmp / "cache"),
        XDG_DATA_HOME=str(tmp / "data"),
        NO_PROXY="127.0.0.1,localhost",
        no_proxy="127.0.0.1,localhost",
    )
    env.update(extra)
    return env


def request_strings(value: Any) -> list[str]:
    """Every string in a parsed JSON body (keys too), unescaped."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (k, *request_strings(v))]
    if isinstance(value, list):
        return [s for item in value for s in request_strings(item)]
    return []
