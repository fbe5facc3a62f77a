"""Forge with Claude over LSP: Ask Forge, Review selection, Explain, payload preview, usage.

Code actions offer the tasks on any range of a document in one of Forge's languages; each runs
as a command (`forge.ask`, `forge.review`, `forge.explain`) that any editor can also call with
`[uri, range]` (and, for `forge.ask`, a question). A task always ends visibly: an answer
document, diagnostics and a "Forge found N issues" message, or one message saying what went
wrong and what to do. Cancelling the request or its progress stops generation at the API.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams

from forge_lsp.lsp import workspace_scope
from forge_lsp.lsp.features.claude_target import Target, environ
from forge_lsp.lsp.forge_server import ForgeServer
from forge_lsp.lsp.lsp_convert import range_json

log = logging.getLogger(__name__)

ASK = "forge.ask"
REVIEW = "forge.review"
EXPLAIN = "forge.explain"
PREVIEW = "forge.previewPayload"
USAGE = "forge.showUsage"
ACTION_KIND = types.CodeActionKind.Refactor
# How often the progress report is updated while an answer streams.


def code_actions(uri: str, requested: types.Range, questions: tuple[str, ...]) -> list[Any]:
    """Claude's actions for a range (offered whether or not a key is set: without one, running
    an action explains how to set Claude up)."""
    location = [uri, range_json(requested)]
    actions = [
        _action("Ask Forge...", ASK, location),
        _action("Review selection with Forge", REVIEW, location),
        _action("Explain with Forge", EXPLAIN, location),
    ]
    actions += [_action(f"Ask Forge: {q}", ASK, [*location, q]) for q in questions]
    return actions


def _action(title: str, command: str, arguments: list[Any]) -> types.CodeAction:
    return types.CodeAction(
        title=title,
        kind=ACTION_KIND,
        command=types.Command(title=title, command=command, arguments=arguments),
    )


def parse_target(ls: ForgeServer, command: str, args: tuple[object, ...]) -> Target:
    """The document and range a command names. Only open documents of the workspace qualify
    (see `workspace_scope`): a command can never make Forge read (or send) a file the editor
    did not open, or one outside the project the editor opened."""
    if len(args) < 2 or not isinstance(args[0], str) or not isinstance(args[1], dict):
        raise JsonRpcInvalidParams(f"{command} takes [uri, range{', question' * (command == ASK)}]")
    uri, raw_range = args[0], args[1]
    document = ls.document(uri)
    if document is None:
        raise JsonRpcInvalidParams(f"{command}: {uri} is not a document open in the editor")
    refused = workspace_scope.refusal(uri, ls.workspace_roots())
    if refused is not None:
        raise JsonRpcInvalidParams(f"{command}: {refused}")
    try:
        start = _position(raw_range["start"])
        end = _position(raw_range["end"])
    except (KeyError, TypeError, ValueError):
        raise JsonRpcInvalidParams(f"{command}: the range is not an LSP Range") from None
    if (end.line, end.character) < (start.line, start.character):
        start, end = end, start
    snapshot = ls.snapshot(uri)
    assert snapshot is not None
    lines = snapshot.text.count("\n") + 1
    if start.line >= lines or end.line > lines or (end.line == lines and end.character > 0):
        raise JsonRpcInvalidParams(
            f"{command}: the range ends on line {end.line + 1}, past the end of the document "
            f"({lines} line{'s' * (lines != 1)})"
        )
    return Target(
        uri, document.version, snapshot.text, snapshot.language_id, snapshot.path, start, end
    )


def _position(raw: object) -> types.Position:
    if not isinstance(raw, dict):
        raise TypeError("position")
    line, character = raw["line"], raw["character"]
    for value in (line, character):
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ValueError("position")
    return types.Position(line, character)


# The SDK takes 1.5-2 s to import: when Claude is on, it loads in a worker thread this long
# after start-up (the first checks come first), so the first request does not wait for it.
PRELOAD_DELAY_SECONDS = 3.0


def preload_later(ls: ForgeServer) -> None:
    """Import the SDK off the event loop a few seconds after `initialized`, if Claude is on."""

    async def preload() -> None:
        await asyncio.sleep(PRELOAD_DELAY_SECONDS)
        settings = await asyncio.to_thread(ls.settings.for_path, None)
        if settings.claude.is_on(environ()):
            started = asyncio.get_running_loop().time()
            await asyncio.to_thread(importlib.import_module, "anthropic")
            elapsed = asyncio.get_running_loop().time() - started
            log.info("Claude SDK loaded in %.1f s", elapsed)

    task = asyncio.ensure_future(preload())
    ls.background_tasks.add(task)
    task.add_done_callback(ls.background_tasks.discard)


def register(server: ForgeServer) -> None:
    # The task machinery (prompts, payloads, the SDK client) loads with the first task.
    for name, command in (("ask", ASK), ("review", REVIEW), ("explain", EXPLAIN)):
        _register_task(server, command, name)

    @server.command(PREVIEW)
    async def preview(ls: ForgeServer, *args: object) -> dict[str, object]:
        from forge_lsp.lsp.features import claude_tasks

        task = args[2] if len(args) > 2 else "review"
        if task not in ("ask", "review", "explain"):
            raise JsonRpcInvalidParams(f"{PREVIEW}: the task is one of ask, review, explain")
        target = parse_target(ls, PREVIEW, args[:2])
        return await claude_tasks.preview(ls, target, str(task))

    @server.command(USAGE)
    async def usage(ls: ForgeServer, *args: object) -> dict[str, object]:
        from forge_lsp.lsp.features import claude_tasks

        return await claude_tasks.show_usage(ls)


def _register_task(server: ForgeServer, command: str, task: str) -> None:
    @server.command(command)
    async def run(ls: ForgeServer, *args: object) -> dict[str, object]:
        from forge_lsp.lsp.features import claude_tasks

        target = parse_target(ls, command, args)
        question = args[2] if task == "ask" and len(args) > 2 else None
        if question is not None and (not isinstance(question, str) or not question.strip()):
            raise JsonRpcInvalidParams(f"{ASK}: the question must be a non-empty string")
        return await claude_tasks.run(ls, task, target, question)
