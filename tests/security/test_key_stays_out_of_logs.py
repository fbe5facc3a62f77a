"""The API key never appears in logs, messages, the trace, `doctor` or Forge's files.

A distinctive key goes through a whole session at DEBUG level: successful asks, reviews and
explanations, then every failure kind, with the fake Messages API echoing the key back in its
error bodies (a 401 that quotes the key it rejected, 4xx and 5xx bodies, an error event inside
a stream), a timeout, connections dropped and reset, the key in the userinfo of the base URL
and of the proxy URLs (a request through the proxy fails), and an invalid base URL that
carries it. Then nothing of it may show (no piece of 8 characters of its distinctive part) in:
the server's log (stderr), everything the server sent the client (window/showMessage,
window/logMessage, $/logTrace, responses: what a verbose trace shows), `forge-lsp doctor`'s
output, and every file Forge wrote (answer documents, the usage ledger, the result cache).
"""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from tests.security.support import KEY, files_text, key_leaks
from tests.security.wire import WireClient, base_env, whole_lines
from tests.support import fake_messages_api
from tests.support.fake_messages_api import FakeMessagesAPI, Reply

ECHO = f"invalid x-api-key {KEY} (request from {KEY[:20]}…)"
ANSWER = "The handler retries forever.\n\n---\n\n### Details\n\nIt never backs off.\n"
SERVICE = (
    "import requests\n"
    "\n"
    "def fetch(url):\n"
    "    for attempt in range(3):\n"
    "        response = requests.get(url, timeout=5)\n"
    "        if response.ok:\n"
    "            return response.json()\n"
    "    return None\n"
)
FAULTS: list[tuple[str, Reply]] = [
    ("401 echoing the key", Reply(status=401, error_message=ECHO)),
    ("403 echoing the key", Reply(status=403, error_message=ECHO)),
    ("400 echoing the key", Reply(status=400, error_message=ECHO)),
    ("404 echoing the key", Reply(status=404, error_message=ECHO)),
    ("429 echoing the key", Reply(status=429, error_message=ECHO, retry_after=1)),
    ("500 echoing the key", Reply(status=500, error_message=ECHO)),
    ("529 echoing the key", Reply(status=529, error_message=ECHO)),
    ("error event echoing the key", Reply(text=ANSWER, chunks=6, error_event="echo_error")),
    ("timeout", Reply(slow_headers=3.0)),
    ("connection reset", Reply(reset=True)),
    ("dropped mid-stream", Reply(text=ANSWER, chunks=6, drop_after=4)),
]


@pytest_asyncio.fixture
async def api(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeMessagesAPI]:
    # The fake's error event carries the message of its type: make that one echo the key too.
    monkeypatch.setitem(fake_messages_api.ERROR_MESSAGES, "echo_error", ECHO)
    async with FakeMessagesAPI(default=Reply(text=ANSWER, chunks=4)) as fake:
        yield fake


def _closed_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _assert_no_key(where: str, text: str) -> None:
    assert not key_leaks(text), f"the key shows in {where}: {key_leaks(text)[:3]}"


async def _ask(client: WireClient, uri: str, question: str) -> dict[str, Any]:
    result: dict[str, Any] = await client.execute("forge.ask", uri, whole_lines(2, 7), question)
    return result


async def _configure(client: WireClient, claude: dict[str, Any]) -> None:
    """New settings, as an editor sends them (pulled through workspace/configuration)."""
    client.settings = {"claude": claude}
    asked = len(client.server_requests)
    client.notify("workspace/didChangeConfiguration", {"settings": {"forge": client.settings}})
    await client.until(
        lambda: len(client.server_requests) > asked, "the server to pull the new settings"
    )


async def test_the_key_stays_out_of_logs_trace_and_files_through_every_failure(
    tmp_path: Path, api: FakeMessagesAPI, claude_model: str
) -> None:
    # Every proxy variable carries the key too; the fake on 127.0.0.1 is reached directly
    # (NO_PROXY), any other host through the proxy, where nothing listens.
    proxy = f"http://forge:{KEY}@127.0.0.1:{_closed_port()}"
    env = base_env(
        tmp_path,
        ANTHROPIC_API_KEY=KEY,
        FORGE_LOG_LEVEL="DEBUG",
        HTTPS_PROXY=proxy,
        HTTP_PROXY=proxy,
        ALL_PROXY=proxy,
    )
    claude = {
        "baseUrl": api.base_url,
        "maxRetries": 0,
        "stallSeconds": 2,
        "model": claude_model,
        "explainModel": claude_model,
    }
    async with WireClient(env, tmp_path / "server.log") as client:
        client.settings = {"claude": claude}
        await client.initialize(tmp_path, {"claude": claude})
        uri = client.open(tmp_path / "service.py", SERVICE, "python")
        await client.diagnostics(uri)

        assert (await _ask(client, uri, "Why?"))["status"] == "done"
        api.script(Reply(structured={"findings": []}))
        review = await client.execute("forge.review", uri, whole_lines(2, 7))
        assert review["status"] == "done"
        assert (await client.execute("forge.explain", uri, whole_lines(2, 7)))["status"] == "done"
        for index, (fault, reply) in enumerate(FAULTS):
            api.script(reply)
            result = await _ask(client, uri, f"Fault {index}?")
            assert result["status"] == "failed", (fault, result)
        sent = [r for r in api.message_requests if r.headers["authorization"] == f"Bearer {KEY}"]
        assert len(sent) == len(api.message_requests) == 3 + len(FAULTS)  # in its header only

        # The network fails with the key in the base URL's userinfo, or in an invalid one.
        closed = _closed_port()
        await _configure(client, {**claude, "baseUrl": f"http://forge:{KEY}@127.0.0.1:{closed}"})
        for attempt in range(20):  # until the new settings are in use (applied off the loop)
            failed = await _ask(client, uri, f"Unreachable {attempt}?")
            if failed["status"] == "failed":
                break
            await asyncio.sleep(0.2)
        assert failed["status"] == "failed" and failed["kind"] == "network", failed
        await _configure(client, {**claude, "baseUrl": "https://api.anthropic.invalid"})
        for attempt in range(20):  # through the proxy now
            failed = await _ask(client, uri, f"Through the proxy {attempt}?")
            if failed["status"] == "failed":
                break
            await asyncio.sleep(0.2)
        assert failed["status"] == "failed" and failed["kind"] == "network", failed
        await _configure(client, {**claude, "baseUrl": f"ftp://forge:{KEY}@127.0.0.1:{closed}"})
        await client.until(
            lambda: any("expected an http(s) URL" in m for m in client.messages()),
            "the invalid base URL to be reported",
        )
    log = client.log()
    assert "claude ask answer" in log and "request failed" in log  # the debug log is on
    _assert_no_key("the server's log", log)
    _assert_no_key("what the server sent the client (the trace)", client.trace)
    for method in ("window/logMessage", "$/logTrace", "window/showMessage"):
        _assert_no_key(method, str(client.notifications(method)))
    _assert_no_key("Forge's files (answers, ledger, cache)", files_text(tmp_path / "cache"))
    _assert_no_key("Forge's data files (the usage ledger)", files_text(tmp_path / "data"))
    answers = list((tmp_path / "cache" / "forge-lsp" / "answers").glob("*.md"))
    assert len(answers) >= 3  # the answers were written (and read above)


def _doctor(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "forge_lsp", "doctor"],
        env=base_env(tmp_path, ANTHROPIC_API_KEY=KEY, FORGE_LOG_LEVEL="DEBUG", **env),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )


async def test_doctor_never_prints_the_key(tmp_path: Path) -> None:
    """The key, a base URL and a proxy URL carrying it, and an API that rejects the key by
    quoting it: `doctor` names the key masked and the URLs without their credentials."""
    saved = dict(fake_messages_api.ERROR_MESSAGES)
    fake_messages_api.ERROR_MESSAGES["authentication_error"] = ECHO
    try:
        async with FakeMessagesAPI(api_key="another-key") as api:
            base = api.base_url.replace("http://", f"http://forge:{KEY}@")
            proxy = f"http://forge:{KEY}@127.0.0.1:{_closed_port()}"
            done = await asyncio.to_thread(
                _doctor, tmp_path, ANTHROPIC_BASE_URL=base, HTTPS_PROXY=proxy
            )
    finally:
        fake_messages_api.ERROR_MESSAGES.clear()
        fake_messages_api.ERROR_MESSAGES.update(saved)
    output = done.stdout + done.stderr
    assert "api key: set (sk-ant-…" in output  # the key is named, masked...
    assert "base url: http://***@127.0.0.1" in output
    assert "proxy: HTTPS_PROXY=http://***@127.0.0.1" in output
    assert "FAIL  connectivity: Claude rejected the API key (401)" in output, output
    assert api.requests, "doctor reached the fake"
    _assert_no_key("doctor's output", output)


def test_a_message_loses_every_piece_of_a_secret_it_quotes() -> None:
    from forge_lsp.ai.failures import ClaudeFailure, scrub, secrets_of
    from forge_lsp.config.claude import ClaudeSettings, parse

    assert scrub(f"rejected {KEY}, from {KEY[20:40]}", KEY) == (
        "rejected [secret removed], from [secret removed]"
    )
    assert scrub("the key was rejected: x", KEY) == "the key was rejected: x"
    settings = ClaudeSettings(
        base_url="https://gw:Gw7Passw0rd1@gw.internal",
        headers={"x-gateway-token": "Hdr9T0ken77x"},
    )
    environ = {"ANTHROPIC_API_KEY": KEY, "HTTPS_PROXY": "http://me:Px3S3cret99y@proxy:3128"}
    secrets = secrets_of(settings, environ)
    failure = ClaudeFailure("x", f"{KEY} Gw7Passw0rd1 Hdr9T0ken77x Px3S3cret99y")
    assert failure.without(secrets).message == " ".join(["[secret removed]"] * 4)
    invalid = parse({"baseUrl": f"ftp://forge:{KEY}@host"}, "forge.claude")
    assert invalid.errors and not key_leaks(" ".join(invalid.errors))
