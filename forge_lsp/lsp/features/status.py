"""`forge.serverStatus`: what the running server holds, for users chasing a slow or heavy server.

Returns JSON (and logs nothing): the process id, the asyncio tasks running besides the one
answering, the Claude tasks (Ask, Review, Explain) not finished yet, the work-done progress
tokens and JSON-RPC requests (either way) still open, the documents held, the sizes of Forge's
caches, and the sockets the process has open (Linux only, from `/proc/self/fd`). A server at
rest should hold no Claude task, no progress token, no open request but this one, and sockets
only for the event loop's own wake-up pair and at most one kept-alive connection per Claude
endpoint. The reliability tests count leaks with it (tests/reliability/).
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from forge_lsp.lsp.forge_server import ForgeServer

SERVER_STATUS = "forge.serverStatus"


def open_sockets(fd_folder: Path = Path("/proc/self/fd")) -> int | None:
    """Sockets this process has open (links to `socket:[inode]`); None where /proc is absent."""
    try:
        entries = list(fd_folder.iterdir())
    except OSError:
        return None
    count = 0
    for entry in entries:
        try:
            if os.readlink(entry).startswith("socket:"):
                count += 1
        except OSError:
            continue  # closed between listing and reading
    return count


def status(ls: ForgeServer) -> dict[str, object]:
    """The counts described in the module's docstring."""
    current = asyncio.current_task()
    tasks = [t for t in asyncio.all_tasks() if t is not current and not t.done()]
    service = ls.claude_service
    caches: dict[str, int] = {
        "analyses": ls.analyzer.documents_held,
        "claudeAnnotations": len(ls.annotations),
    }
    if service is not None:
        caches["placedReviews"] = len(service.placements)
        caches["claudeClients"] = service.client_count
    return {
        "pid": os.getpid(),
        "asyncioTasks": len(tasks),
        "claudeTasksInFlight": ls.claude_tasks_in_flight,
        "progressTokens": len(ls.work_done_progress.tokens),
        "openRequests": _open_requests(ls, current),
        "documents": len(ls.workspace.text_documents),
        "caches": caches,
        "openSockets": open_sockets(),
    }


def _open_requests(ls: ForgeServer, current: asyncio.Task[object] | None) -> int:
    """JSON-RPC requests either way not answered yet (pygls keeps both in one table), but the
    one asking: its own entry and its handler's task."""
    own_id = ls.protocol._ctx_msg_id.get(None)
    table = list(ls.protocol._request_futures.items())
    return sum(1 for key, future in table if key != own_id and future is not current)


def register(server: ForgeServer) -> None:
    @server.command(SERVER_STATUS)
    async def server_status(ls: ForgeServer, *args: object) -> dict[str, object]:
        return status(ls)
