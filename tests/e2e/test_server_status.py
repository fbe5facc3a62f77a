"""`forge.serverStatus`: what the running server holds, as JSON, from any editor."""

from __future__ import annotations

import asyncio
import os

from lsprotocol import types

from tests.e2e.session import HANDLER, TIMEOUT, Session


async def _status(session: Session) -> dict[str, object]:
    result = await session.client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="forge.serverStatus", arguments=[])
    )
    assert isinstance(result, dict)
    return result


async def test_the_status_counts_documents_and_comes_back_to_rest(session: Session) -> None:
    first = session.open("a.py", HANDLER, "python")
    second = session.open("b.py", HANDLER, "python")
    await session.diagnostics(first)
    await session.diagnostics(second)
    status = await _status(session)
    assert status["documents"] == 2
    assert status["claudeTasksInFlight"] == 0 and status["progressTokens"] == 0
    caches = status["caches"]
    assert isinstance(caches, dict) and caches["analyses"] == 2
    assert isinstance(status["pid"], int) and status["pid"] != os.getpid()
    if os.path.isdir("/proc/self/fd"):
        assert isinstance(status["openSockets"], int)  # the event loop's wake-up pair at least
    session.close(first)
    session.close(second)
    after = await _status(session)
    assert after["documents"] == 0 and after["caches"] == {"analyses": 0, "claudeAnnotations": 0}


async def test_commands_and_edits_leave_no_request_open(session: Session) -> None:
    """pygls 2.1 kept an entry per command and per notification it handles itself for good."""
    uri = session.open("a.py", HANDLER, "python")
    for _ in range(5):
        session.change(uri, HANDLER)
    for _ in range(3):
        await _status(session)
    # The server's own start-up requests (settings, watched files) may still be in flight on a
    # busy machine; a kept entry never leaves, so wait for the count to settle, within a bound.
    deadline = asyncio.get_running_loop().time() + TIMEOUT
    status = await _status(session)
    while status["openRequests"] and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.05)
        status = await _status(session)
    assert status["openRequests"] == 0
