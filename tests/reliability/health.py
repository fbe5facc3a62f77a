"""Signs that the server went wrong without saying so in a response: it exited, it logged a
traceback or an error on stderr, or it told the user "Error in server" (pygls' message for an
exception in a notification handler)."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field

from pytest_lsp import LanguageClient

# Forge's log format: "2026-01-01 12:00:00,000 LEVEL logger: message".
_RECORD = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ (?P<level>[A-Z]+) (?P<name>\S+): ")
# pygls logs every error response with its traceback, deliberate ones included.
DELIBERATE = ("pygls.exceptions.JsonRpcInvalidParams",)


@dataclass
class ServerStderr:
    """Every line the server wrote to stderr (replacing pytest-lsp's forwarding of it)."""

    lines: list[str] = field(default_factory=list)
    _task: asyncio.Task[None] | None = None

    def capture(self, client: LanguageClient) -> None:
        forwarder = client._stderr_forwarder
        if forwarder is not None:
            forwarder.cancel()
        server = client._server
        assert server is not None and server.stderr is not None
        self._task = asyncio.ensure_future(self._read(server.stderr))

    async def _read(self, stream: asyncio.StreamReader) -> None:
        while line := await stream.readline():
            self.lines.append(line.decode("utf-8", "replace").rstrip("\n"))

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()


def problems_in(lines: list[str], allowed: tuple[str, ...] = DELIBERATE) -> list[str]:
    """The error records (and stray tracebacks) in stderr lines, except deliberate errors."""
    records: list[list[str]] = []
    for line in lines:
        if _RECORD.match(line) or not records:
            records.append([line])
        else:
            records[-1].append(line)
    found = []
    for record in records:
        head = _RECORD.match(record[0])
        level = head.group("level") if head else "STRAY"
        if level not in ("ERROR", "CRITICAL", "STRAY") and not any(
            line.startswith("Traceback") for line in record
        ):
            continue
        exception = next((line for line in reversed(record) if re.match(r"^[\w.]+: ", line)), "")
        if exception.startswith(allowed):
            continue
        if level == "STRAY" and not "".join(record).strip():
            continue
        found.append("\n".join(record[:40]))
    return found


def server_failures(
    client: LanguageClient,
    stderr: ServerStderr,
    since: int = 0,
    messages_since: int = 0,
    log_messages_since: int = 0,
) -> list[str]:
    """Everything wrong with the server's health: since stderr line `since`, message
    `messages_since` and log message `log_messages_since`."""
    failures = []
    server = client._server
    if server is None or server.returncode is not None:
        code = server.returncode if server else None
        failures.append(f"the server process exited (return code {code})")
    if client.error is not None:
        failures.append(f"the client saw a fatal error: {client.error}")
    failures += [f"the server logged:\n{p}" for p in problems_in(stderr.lines[since:])]
    failures += [
        f"the user was shown: {m.message}"
        for m in client.messages[messages_since:]
        if "Error in server" in m.message
    ]
    failures += [
        f"the server logged to the client: {m.message}"
        for m in client.log_messages[log_messages_since:]
        if m.type == 1 or "Traceback" in m.message
    ]
    return failures
