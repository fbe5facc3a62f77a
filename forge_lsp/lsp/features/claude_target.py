"""A Claude task's subject and its progress in the editor: the `Target` (a range of an open
document at the version the task started from), LSP positions as byte points, cancellable
work-done progress, and the names tasks go by. Shared by `claude` (the commands) and
`claude_tasks` (running them).
"""

from __future__ import annotations

import asyncio
import logging
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import TYPE_CHECKING

from lsprotocol import types

from forge_lsp.core.positions import column_to_byte

if TYPE_CHECKING:
    from forge_lsp.lsp.forge_server import ForgeServer

log = logging.getLogger(__name__)

TITLES = {"ask": "Ask Forge", "review": "Forge's review", "explain": "Forge explains"}

PROGRESS_INTERVAL_SECONDS = 0.25


@dataclass(frozen=True)
class Target:
    """A task's subject: a range of an open document at the version the task started from."""

    uri: str
    version: int | None
    text: str
    language_id: str | None
    path: Path | None
    start: types.Position
    end: types.Position


def byte_point(lines: list[bytes], position: types.Position, encoding: str) -> tuple[int, int]:
    """An LSP position as (line, byte column), clamped to the document."""
    if not lines:
        return 0, 0
    line = min(position.line, len(lines) - 1)
    if position.line > line:
        return line, len(lines[line])
    return line, column_to_byte(lines[line], position.character, encoding)  # type: ignore[arg-type]


class TaskProgress:
    """Work-done progress for one task: cancellable, reported at most every 250 ms."""

    def __init__(self, ls: ForgeServer, title: str, on_cancel: Callable[[], None]) -> None:
        self._ls = ls
        self._title = title
        self._on_cancel = on_cancel
        self._token: str | None = None
        self._last_report = 0.0

    async def begin(self, message: str) -> None:
        window = self._ls.client_capabilities.window
        if not (window and window.work_done_progress):
            return
        token = f"forge-{uuid.uuid4()}"
        try:
            await self._ls.work_done_progress.create_async(token)
        except Exception:  # a client may refuse progress: the task runs anyway
            log.info("client refused work-done progress")
            return
        self._token = token
        future = self._ls.work_done_progress.tokens.get(token)
        if future is not None:
            future.add_done_callback(lambda f: self._on_cancel() if f.cancelled() else None)
        self._ls.work_done_progress.begin(
            token,
            types.WorkDoneProgressBegin(title=self._title, message=message, cancellable=True),
        )

    def report(self, message: str, force: bool = False) -> None:
        if self._token is None:
            return
        now = asyncio.get_running_loop().time()
        if not force and now - self._last_report < PROGRESS_INTERVAL_SECONDS:
            return
        self._last_report = now
        self._ls.work_done_progress.report(
            self._token, types.WorkDoneProgressReport(message=message)
        )

    def thinking(self) -> None:
        """The model opened a thinking block: say so (its text is not shown)."""
        self.report("Forge is thinking…", force=True)

    def end(self, message: str) -> None:
        if self._token is None:
            return
        self._ls.work_done_progress.end(self._token, types.WorkDoneProgressEnd(message=message))
        self._ls.work_done_progress.tokens.pop(self._token, None)
        self._token = None


def document_name(target: Target) -> str:
    return PurePath(target.path).name if target.path else PurePath(target.uri).name


def environ() -> dict[str, str]:
    return dict(os.environ)
