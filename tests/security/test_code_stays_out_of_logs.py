"""Code never reaches the server's logs, even at the most verbose level."""

from __future__ import annotations

from pathlib import Path

from tests.security.wire import WireClient, base_env
from tests.support.fake_messages_api import FakeMessagesAPI, Reply

MARKER = "forge_marker_7f3a9c"


async def test_document_text_and_settings_stay_out_of_debug_logs(tmp_path: Path) -> None:
    env = base_env(tmp_path, FORGE_LOG_LEVEL="DEBUG")
    text = f"try:\n    {MARKER}()\nexcept Exception:\n    pass\n"
    client = await WireClient(env, tmp_path / "server.log").start()
    try:
        await client.initialize(tmp_path, {"rules": {"FG201": {"extraNames": [MARKER]}}})
        uri = client.open(tmp_path / "app.py", text, "python")
        assert [d["code"] for d in await client.diagnostics(uri)] == ["FG301"]
    finally:
        assert await client.stop() == 0
    logs = client.log()
    assert "checked" in logs  # the debug log is on...
    assert MARKER not in logs  # ...and holds neither the code nor the settings


async def test_claude_requests_log_sizes_never_code_or_keys(tmp_path: Path) -> None:
    key = "sk-ant-api03-" + "k3y" * 20
    async with FakeMessagesAPI(default=Reply(text=f"About {MARKER}: fine.")) as api:
        env = base_env(
            tmp_path,
            FORGE_LOG_LEVEL="DEBUG",
            ANTHROPIC_API_KEY=key,
            ANTHROPIC_BASE_URL=api.base_url,
        )
        client = await WireClient(env, tmp_path / "server.log").start()
        try:
            await client.initialize(tmp_path)
            uri = client.open(tmp_path / "app.py", f"def f():\n    return {MARKER}()\n", "python")
            whole = {"start": {"line": 0, "character": 0}, "end": {"line": 2, "character": 0}}
            answered = await client.execute("forge.ask", uri, whole, f"Is {MARKER} safe?")
            assert answered["status"] == "done", answered
            assert api.saw(MARKER)  # the code did go to Claude...
        finally:
            assert await client.stop() == 0
    logs = client.log()
    assert "claude ask answer" in logs  # the debug log is on...
    assert MARKER not in logs and key not in logs and key[-12:] not in logs  # ...but not code
