"""With Claude off, Forge opens no socket at all: not the server, not `forge-lsp check`.

The server and the command line run under `audit_launcher`, which installs a Python audit hook
before Forge is imported and records every `socket.*` event (creation, connect, name lookups)
of the process and its forked workers. A whole editing session (open, change, hover, code
actions, every command, save, close) and the offline CLI commands must leave no network event.
The control cases turn Claude on (in the same server process, and for `forge-lsp ask`) and
must record the connection to the fake Messages API, so the hook demonstrably sees what it is
there to see.
"""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from tests.security.support import AUDIT_LAUNCHER, KEY, audit_events, network_events
from tests.security.wire import WireClient, at, base_env, whole_lines
from tests.support.fake_messages_api import FakeMessagesAPI, Reply

SERVICE = (
    "import requests\n"
    "\n"
    "def fetch(url, table):\n"
    "    try:\n"
    '        rows = db.execute("SELECT * FROM " + table)\n'
    "        return requests.get(url).json(), rows\n"
    "    except Exception:\n"
    "        pass\n"
    "\n"
    "def other():\n"
    "    return 1\n"
)


@pytest_asyncio.fixture
async def api() -> AsyncIterator[FakeMessagesAPI]:
    async with FakeMessagesAPI(default=Reply(text="Fine.\n\n---\n\nDetails.")) as fake:
        yield fake


async def _drive(client: WireClient, folder: Path) -> dict[str, Any]:
    """Everything an editor does in a session, and every command Forge offers."""
    uri = client.open(folder / "service.py", SERVICE, "python")
    diagnostics = await client.diagnostics(uri)
    assert diagnostics, "the offline rules ran"
    client.notify(
        "textDocument/didChange",
        {
            "textDocument": {"uri": uri, "version": 2},
            "contentChanges": [{"range": {"start": at(10), "end": at(10)}, "text": "    # é\n"}],
        },
    )
    finding = diagnostics[0]
    for position in (finding["range"]["start"], at(10, 8), at(0, 3)):
        await client.request(
            "textDocument/hover", {"textDocument": {"uri": uri}, "position": position}
        )
    actions = await client.request(
        "textDocument/codeAction",
        {
            "textDocument": {"uri": uri},
            "range": whole_lines(0, 10),
            "context": {"diagnostics": diagnostics},
        },
    )
    commands = client.initialize_result["capabilities"]["executeCommandProvider"]["commands"]
    results: dict[str, Any] = {}
    for command in commands:
        arguments: list[Any] = {
            "forge.showRuleDoc": [finding["code"]],
            "forge.showUsage": [],
            "forge.reviewChanges": [{}],
            "forge.ask": [uri, whole_lines(2, 7), "What fails first?"],
        }.get(command, [uri, whole_lines(2, 7)])
        results[command] = await client.execute(command, *arguments)
    for action in actions:  # and every command the code actions carry
        command = action.get("command")
        if isinstance(command, dict):
            await client.execute(command["command"], *command.get("arguments", []))
    client.notify("textDocument/didSave", {"textDocument": {"uri": uri}})
    client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    await client.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": at(0)})
    return results


@pytest.mark.parametrize("off", ["no key", "turned off with a key set"])
async def test_with_claude_off_the_server_opens_no_socket(
    tmp_path: Path, api: FakeMessagesAPI, off: str
) -> None:
    audit = tmp_path / "audit.jsonl"
    extra = {"ANTHROPIC_API_KEY": KEY} if off != "no key" else {}
    env = base_env(tmp_path, FORGE_AUDIT_LOG=str(audit), FORGE_LOG_LEVEL="DEBUG", **extra)
    claude: dict[str, Any] = {"explainOnHover": True, "baseUrl": api.base_url, "maxRetries": 0}
    if off != "no key":
        claude["enabled"] = False
    async with WireClient(env, tmp_path / "server.log", command=AUDIT_LAUNCHER) as client:
        client.settings = {"claude": claude}
        await client.initialize(tmp_path, {"claude": claude})
        results = await _drive(client, tmp_path)
        assert results["forge.ask"]["status"] == "off"
        assert results["forge.showUsage"]["status"] == "done"
        assert audit_events(audit), "the audit hook recorded nothing: it is not installed"
        assert network_events(audit) == []
        assert api.requests == []

        # The control, in the same process: Claude turned on (a key in the editor's settings,
        # or `enabled` back to true) must show as a connection to the fake.
        on = {**claude, "enabled": True} if off != "no key" else {**claude, "apiKey": KEY}
        client.settings = {"claude": on}
        client.notify("workspace/didChangeConfiguration", {"settings": {"forge": {}}})
        uri = client.open(tmp_path / "control.py", SERVICE, "python")
        for attempt in range(50):  # until the new settings are in use (applied off the loop)
            asked = await client.execute("forge.ask", uri, whole_lines(2, 7), f"Why {attempt}?")
            if asked["status"] != "off":
                break
            await asyncio.sleep(0.1)
    assert asked["status"] == "done", asked
    connects = [e for e in network_events(audit) if e["event"] == "socket.connect"]
    assert ["127.0.0.1", api.port] in [e["args"][1] for e in connects]


def _cli(tmp_path: Path, audit: Path, *arguments: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*AUDIT_LAUNCHER, *arguments],
        env=base_env(tmp_path, FORGE_AUDIT_LOG=str(audit), **env),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_offline_command_line_opens_no_socket(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "service.py").write_text(SERVICE, encoding="utf-8")
    (project / "more.py").write_text(SERVICE.replace("fetch", "load"), encoding="utf-8")
    audit = tmp_path / "audit.jsonl"
    checked = _cli(tmp_path, audit, "check", "--jobs", "2", "project", ANTHROPIC_API_KEY=KEY)
    assert checked.returncode == 1 and "FG101" in checked.stdout, checked.stderr
    no_key = _cli(tmp_path, audit, "check", "--ai", "project")  # Claude off: refused at once
    assert no_key.returncode == 2 and "no key" in no_key.stderr
    preview = _cli(tmp_path, audit, "ask", "project/service.py:3-8", "Why?", "--preview")
    assert preview.returncode == 0 and "def fetch" in preview.stdout
    doctor = _cli(tmp_path, audit, "doctor", "--offline", ANTHROPIC_API_KEY=KEY)
    assert "connectivity: skipped (--offline)" in doctor.stdout
    assert {e["pid"] for e in audit_events(audit)}, "the audit hook recorded nothing"
    assert network_events(audit) == []


async def test_control_the_command_line_with_claude_on_is_recorded(
    tmp_path: Path, api: FakeMessagesAPI
) -> None:
    (tmp_path / "service.py").write_text(SERVICE, encoding="utf-8")
    audit = tmp_path / "audit.jsonl"
    env = {"ANTHROPIC_API_KEY": KEY, "ANTHROPIC_BASE_URL": api.base_url}
    asked = await asyncio.to_thread(_cli, tmp_path, audit, "ask", "service.py:3-8", "Why?", **env)
    assert asked.returncode == 0, asked.stderr
    connects = [e for e in network_events(audit) if e["event"] == "socket.connect"]
    assert ["127.0.0.1", api.port] in [e["args"][1] for e in connects]
