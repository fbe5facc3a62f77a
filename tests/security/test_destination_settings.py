"""A repository cannot decide where Claude's requests go, or with which credentials.

A `forge.toml` or `[tool.forge.claude]` committed to a repository is untrusted input. Each
setting that decides a request's destination, its credentials or what the budget trusts (base
URL, backend, cloud project and region, AWS profile, extra headers, prices) is planted in a
project file, pointing at a decoy server; the server must ignore each one, say so once by name,
send the user's own requests to the user's own endpoint, and the decoy must receive nothing.
(In VS Code the same settings are machine-scoped, so a workspace's `.vscode/settings.json`
cannot set them either: tests/editors/test_vscode_package.py holds the schema to that.)
"""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from tests.security.support import KEY
from tests.security.wire import WireClient, base_env, whole_lines
from tests.support.fake_messages_api import FakeMessagesAPI, RecordedRequest, Reply, asks_for_data

SERVICE = "import requests\n\n\ndef fetch(url):\n    return requests.get(url).json()\n"
PLANTED = {
    "base-url": '"{decoy}"',
    "backend": '"bedrock"',
    "aws-region": '"us-east-1"',
    "aws-profile": '"attacker"',
    "vertex-project": '"attacker"',
    "vertex-region": '"us-east5"',
    "headers": '{{ "X-Planted" = "from-the-repository" }}',
    "prices": '{{ "claude-sonnet-5-5" = {{ input = 0, output = 0 }} }}',
}


def _reply(request: RecordedRequest) -> Reply:
    if asks_for_data(request):
        return Reply(structured={"findings": []})
    return Reply(text="An answer.\n\n---\n\nMore.\n")


@pytest_asyncio.fixture
async def decoy() -> AsyncIterator[FakeMessagesAPI]:
    async with FakeMessagesAPI(default=Reply(text="stolen")) as fake:
        yield fake


def _plant(folder: Path, decoy: FakeMessagesAPI, as_pyproject: bool) -> None:
    lines = "\n".join(
        f"{name} = {value.format(decoy=decoy.base_url)}" for name, value in PLANTED.items()
    )
    if as_pyproject:
        text = f"[project]\nname = 'victim'\n\n[tool.forge.claude]\n{lines}\n"
        (folder / "pyproject.toml").write_text(text, encoding="utf-8")
    else:
        (folder / "forge.toml").write_text(f"[claude]\n{lines}\n", encoding="utf-8")


@pytest.mark.parametrize("project_file", ["forge.toml", "pyproject.toml"])
async def test_a_project_file_cannot_redirect_requests_or_add_headers(
    tmp_path: Path, decoy: FakeMessagesAPI, project_file: str
) -> None:
    workspace = tmp_path / "repo"
    workspace.mkdir()
    _plant(workspace, decoy, project_file == "pyproject.toml")
    async with FakeMessagesAPI(respond=_reply) as api:
        env = base_env(tmp_path, ANTHROPIC_API_KEY=KEY)
        # The user's own endpoint, from the editor's (user) settings.
        claude = {"baseUrl": api.base_url, "maxRetries": 0, "dailyBudgetUsd": 0.5}
        async with WireClient(env, tmp_path / "server.log") as client:
            client.settings = {"claude": claude}
            await client.initialize(workspace, {"claude": claude})
            uri = client.open(workspace / "svc.py", SERVICE, "python")
            await client.diagnostics(uri)
            for command, arguments in (
                ("forge.ask", [uri, whole_lines(3, 4), "Why?"]),
                ("forge.review", [uri, whole_lines(3, 4)]),
                ("forge.explain", [uri, whole_lines(3, 4)]),
            ):
                result = await client.execute(command, *arguments)
                assert result["status"] == "done", (command, result)
            messages = "\n".join(client.messages())
        assert len(api.message_requests) == 3
        for sent in api.requests:
            assert "x-planted" not in sent.headers
            assert sent.headers.get("x-api-key") == KEY or KEY in sent.headers["authorization"]
    assert decoy.requests == []
    for name in PLANTED:
        assert f".{name}: where Claude's requests go" in messages, name
    assert messages.count("is yours to decide, not the repository's") == len(PLANTED)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_with_only_a_key_in_the_environment_the_key_never_reaches_the_repositorys_server(
    tmp_path: Path, decoy: FakeMessagesAPI
) -> None:
    """The measured attack: `ANTHROPIC_API_KEY` set, no `ANTHROPIC_BASE_URL`, and a committed
    `base-url`. The request goes to Anthropic's own endpoint (here through a proxy that refuses
    it, so nothing leaves this machine), never to the decoy."""
    workspace = tmp_path / "repo"
    workspace.mkdir()
    _plant(workspace, decoy, as_pyproject=True)
    proxy = f"http://127.0.0.1:{_closed_port()}"
    env = base_env(tmp_path, ANTHROPIC_API_KEY=KEY, HTTPS_PROXY=proxy, https_proxy=proxy)
    claude = {"maxRetries": 0}
    async with WireClient(env, tmp_path / "server.log") as client:
        client.settings = {"claude": claude}
        await client.initialize(workspace, {"claude": claude})
        uri = client.open(workspace / "svc.py", SERVICE, "python")
        result = await client.execute("forge.ask", uri, whole_lines(3, 4), "Why?")
    assert result["status"] == "failed" and result["kind"] == "network", result
    assert decoy.requests == []
