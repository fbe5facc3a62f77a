"""Command arguments that point outside the workspace are refused, and nothing is read or sent.

Every Forge command that takes a document (`forge.ask`, `forge.review`, `forge.explain`,
`forge.previewPayload`) is called with documents outside the workspace folders (opened in the
editor or not), `..` traversal, a symlink out of the workspace, `/etc/passwd`, non-file schemes
and ranges outside the document. Each call gets a JSON-RPC error (as malformed arguments do,
see tests/e2e/test_actions.py) saying what to do, the fake Messages API receives nothing, no
document is shown, and the server, run under an audit hook, never opens the refused files.
The offline features keep working on the file outside the workspace.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from tests.security.support import AUDIT_LAUNCHER, FORGE_COMMANDS, KEY, opened_paths
from tests.security.wire import RpcError, WireClient, at, base_env, whole_lines
from tests.support.fake_messages_api import FakeMessagesAPI

INVALID_PARAMS = -32602
DOCUMENT_COMMANDS = ["forge.ask", "forge.review", "forge.explain", "forge.previewPayload"]
# One FG301 finding on line 3 (a quick fix: "Disable FG301 for this line").
CODE = (
    "def load(path):\n"
    "    try:\n"
    "        return open(path).read()\n"
    "    except Exception:\n"
    "        pass\n"
)


@pytest_asyncio.fixture
async def api() -> AsyncIterator[FakeMessagesAPI]:
    async with FakeMessagesAPI() as fake:
        yield fake


def _layout(tmp_path: Path) -> dict[str, Path]:
    workspace = tmp_path / "workspace"
    outside = tmp_path / "outside"
    for folder in (workspace, outside):
        folder.mkdir()
    paths = {
        "inside": workspace / "app.py",
        "outside": outside / "secret_service.py",
        "closed": workspace / "closed.py",
    }
    for path in paths.values():
        path.write_text(CODE, encoding="utf-8")
    (workspace / "escape.py").symlink_to(paths["outside"])
    (workspace / "linked").symlink_to(outside, target_is_directory=True)
    paths["workspace"] = workspace
    return paths


async def _client(tmp_path: Path, api: FakeMessagesAPI, audit: Path) -> WireClient:
    env = base_env(tmp_path, ANTHROPIC_API_KEY=KEY, FORGE_AUDIT_LOG=str(audit))
    return await WireClient(env, tmp_path / "server.log", command=AUDIT_LAUNCHER).start()


async def _refused(client: WireClient, command: str, uri: str, range_: dict[str, Any]) -> str:
    arguments: list[Any] = [uri, range_]
    if command == "forge.ask":
        arguments.append("What does this do?")
    with pytest.raises(RpcError) as refused:
        await client.execute(command, *arguments)
    assert refused.value.code == INVALID_PARAMS, refused.value
    return refused.value.message


async def test_documents_outside_the_workspace_are_refused_and_nothing_is_read_or_sent(
    tmp_path: Path, api: FakeMessagesAPI
) -> None:
    paths = _layout(tmp_path)
    workspace = paths["workspace"]
    audit = tmp_path / "audit.jsonl"
    client = await _client(tmp_path, api, audit)
    try:
        result = await client.initialize(workspace, {"claude": {"baseUrl": api.base_url}})
        advertised = set(result["capabilities"]["executeCommandProvider"]["commands"])
        assert advertised == FORGE_COMMANDS  # every command is covered here or takes no uri
        inside = client.open(paths["inside"], CODE, "python")
        outside = client.open(paths["outside"], CODE, "python")
        traversal = workspace.as_uri() + "/../outside/secret_service.py"
        client.open(paths["outside"], CODE, "python", uri=traversal)
        escape = client.open(workspace / "escape.py", CODE, "python")
        linked = client.open(workspace / "linked" / "secret_service.py", CODE, "python")
        passwd = client.open(Path("/etc/passwd"), "root:x:0:0:root:/root:/bin/bash\n", "python")
        web = client.open(Path("x"), CODE, "python", uri="http://attacker.example/app.py")
        await client.diagnostics(inside)

        open_but_outside = {
            "outside the workspace": outside,
            "`..` traversal": traversal,
            "a symlink out of the workspace": escape,
            "a symlinked folder": linked,
            "/etc/passwd opened in the editor": passwd,
        }
        not_open = {
            "a file of the workspace the editor did not open": paths["closed"].as_uri(),
            "/etc/hosts": "file:///etc/hosts",
            "`..` traversal to /etc/hosts": workspace.as_uri() + "/../../../../etc/hosts",
            "a URL": "https://attacker.example/app.py",
        }
        whole = whole_lines(0, 4)
        for command in DOCUMENT_COMMANDS:
            for case, uri in open_but_outside.items():
                message = await _refused(client, command, uri, whole)
                assert "outside the workspace" in message, (case, message)
                assert "Open the file's folder as the workspace" in message, (case, message)
            for case, uri in not_open.items():
                message = await _refused(client, command, uri, whole)
                assert "not a document open in the editor" in message, (case, message)
            message = await _refused(client, command, web, whole)
            assert "is not a file" in message
            beyond = {"start": at(40), "end": at(41)}
            message = await _refused(client, command, inside, beyond)
            assert "past the end of the document" in message
            reversed_beyond = {"start": at(900, 3), "end": at(2)}
            assert "past the end" in await _refused(client, command, inside, reversed_beyond)
            negative = {"start": {"line": -1, "character": 0}, "end": at(2)}
            assert "not an LSP Range" in await _refused(client, command, inside, negative)

        # The one command that takes a name, not a document, takes no path either.
        for code in ("../../../../etc/passwd", "/etc/passwd", "FG301/../../../etc/passwd"):
            with pytest.raises(RpcError) as refused:
                await client.execute("forge.showRuleDoc", code)
            assert refused.value.code == INVALID_PARAMS and "no Forge rule" in str(refused.value)

        # Nothing was sent, shown or written, and the refused files were never opened.
        assert api.requests == []
        assert not [r for r in client.server_requests if r["method"] == "window/showDocument"]
        assert not list((tmp_path / "cache" / "forge-lsp").glob("answers/*"))
        opened = {os.path.realpath(p) for p in opened_paths(audit)}
        assert str(paths["outside"].resolve()) not in opened
        assert not opened & {"/etc/passwd", "/etc/hosts"}

        # The same commands work inside the workspace (the refusals above are not blanket).
        preview = await client.execute("forge.previewPayload", inside, whole, "review")
        assert preview["status"] == "done"
        assert api.requests == []  # a preview sends nothing either
    finally:
        await client.stop()


async def test_offline_features_keep_working_outside_the_workspace(
    tmp_path: Path, api: FakeMessagesAPI
) -> None:
    paths = _layout(tmp_path)
    client = await _client(tmp_path, api, tmp_path / "audit.jsonl")
    try:
        claude = {"baseUrl": api.base_url, "explainOnHover": True}
        await client.initialize(paths["workspace"], {"claude": claude})
        outside = client.open(paths["outside"], CODE, "python")
        [finding] = await client.diagnostics(outside)
        plain = await client.request(  # off the finding: Claude would explain, if allowed
            "textDocument/hover", {"textDocument": {"uri": outside}, "position": at(2, 10)}
        )
        assert plain is None
        assert finding["code"] == "FG301"
        hover = await client.request(
            "textDocument/hover",
            {"textDocument": {"uri": outside}, "position": finding["range"]["start"]},
        )
        assert "FG301" in hover["contents"]["value"]
        actions = await client.request(
            "textDocument/codeAction",
            {
                "textDocument": {"uri": outside},
                "range": finding["range"],
                "context": {"diagnostics": [finding]},
            },
        )
        titles = [action["title"] for action in actions]
        assert "Disable FG301 for this line" in titles
        rule_doc = await client.execute("forge.showRuleDoc", "FG301")
        assert rule_doc is True
        assert api.requests == []
    finally:
        await client.stop()


@pytest.mark.parametrize("workspace", ["folders", "root only", "none"])
async def test_which_documents_a_command_accepts_follows_the_declared_workspace(
    tmp_path: Path, api: FakeMessagesAPI, workspace: str
) -> None:
    """With workspace folders or only a rootUri, a file outside is refused; with no
    workspace at all every open document is accepted. An unsaved buffer is always accepted."""
    paths = _layout(tmp_path)
    client = await _client(tmp_path, api, tmp_path / "audit.jsonl")
    try:
        root = None if workspace == "none" else paths["workspace"]
        folders = [] if workspace != "folders" else None
        await client.initialize(root, {"claude": {"baseUrl": api.base_url}}, folders=folders)
        outside = client.open(paths["outside"], CODE, "python")
        untitled = client.open(Path("x"), CODE, "python", uri="untitled:Untitled-1")
        await client.diagnostics(untitled)
        whole = whole_lines(0, 4)
        accepted = await client.execute("forge.previewPayload", untitled, whole, "ask")
        assert accepted["status"] == "done"
        if workspace == "none":
            result = await client.execute("forge.previewPayload", outside, whole, "ask")
            assert result["status"] == "done"
        else:
            message = await _refused(client, "forge.previewPayload", outside, whole)
            assert "outside the workspace" in message
        assert api.requests == []
    finally:
        await client.stop()
