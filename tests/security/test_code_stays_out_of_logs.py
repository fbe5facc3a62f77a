"""Code never reaches the server's logs, even at the most verbose level."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import IO, Any

from tests.security.wire import SERVER as SERVER_COMMAND
from tests.security.wire import base_env

MARKER = "forge_marker_7f3a9c"


def _send(stream: IO[bytes], message: dict[str, Any]) -> None:
    body = json.dumps(message).encode()
    stream.write(f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
    stream.flush()


def _read(stream: IO[bytes]) -> dict[str, Any]:
    length = 0
    while (line := stream.readline().strip()) != b"":
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    return json.loads(stream.read(length))


def _until(stream: IO[bytes], method: str) -> dict[str, Any]:
    while True:
        message = _read(stream)
        if message.get("method") == method or (method == "result" and "result" in message):
            return message


def test_document_text_and_settings_stay_out_of_debug_logs(tmp_path: Path) -> None:
    env = base_env(tmp_path, FORGE_LOG_LEVEL="DEBUG")
    server = subprocess.Popen(
        SERVER_COMMAND,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert server.stdin and server.stdout and server.stderr
    uri = (tmp_path / "app.py").as_uri()
    text = f"try:\n    {MARKER}()\nexcept Exception:\n    pass\n"
    options = {"rules": {"FG201": {"extraNames": [MARKER]}}}
    _send(
        server.stdin,
        {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "initialize",
            "params": {
                "processId": None,
                "rootUri": tmp_path.as_uri(),
                "capabilities": {},
                "initializationOptions": options,
            },
        },
    )
    _until(server.stdout, "result")
    _send(server.stdin, {"jsonrpc": "2.0", "method": "initialized", "params": {}})
    _send(
        server.stdin,
        {
            "jsonrpc": "2.0",
            "method": "textDocument/didOpen",
            "params": {
                "textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}
            },
        },
    )
    published = _until(server.stdout, "textDocument/publishDiagnostics")
    assert [d["code"] for d in published["params"]["diagnostics"]] == ["FG301"]
    _send(server.stdin, {"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
    _until(server.stdout, "result")
    _send(server.stdin, {"jsonrpc": "2.0", "method": "exit"})
    server.stdin.close()
    logs = server.stderr.read().decode()
    assert server.wait(timeout=10) == 0
    assert "checked" in logs  # the debug log is on...
    assert MARKER not in logs  # ...and holds neither the code nor the settings


def test_claude_requests_log_sizes_never_code_or_keys(tmp_path: Path) -> None:
    from tests.support.fake_messages_api import FakeMessagesAPI, Reply

    key = "sk-ant-api03-" + "k3y" * 20
    with FakeMessagesAPI(default=Reply(text=f"About {MARKER}: fine.")) as api:
        env = base_env(
            tmp_path,
            FORGE_LOG_LEVEL="DEBUG",
            ANTHROPIC_API_KEY=key,
            ANTHROPIC_BASE_URL=api.base_url,
        )
        server = subprocess.Popen(
            SERVER_COMMAND,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        assert server.stdin and server.stdout and server.stderr
        uri = (tmp_path / "app.py").as_uri()
        text = f"def f():\n    return {MARKER}()\n"
        params = {"processId": None, "rootUri": tmp_path.as_uri(), "capabilities": {}}
        _send(server.stdin, {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": params})
        _until(server.stdout, "result")
        _send(server.stdin, {"jsonrpc": "2.0", "method": "initialized", "params": {}})
        document = {"uri": uri, "languageId": "python", "version": 1, "text": text}
        _send(
            server.stdin,
            {
                "jsonrpc": "2.0",
                "method": "textDocument/didOpen",
                "params": {"textDocument": document},
            },
        )
        whole = {"start": {"line": 0, "character": 0}, "end": {"line": 2, "character": 0}}
        command = {"command": "forge.ask", "arguments": [uri, whole, f"Is {MARKER} safe?"]}
        _send(
            server.stdin,
            {"jsonrpc": "2.0", "id": 2, "method": "workspace/executeCommand", "params": command},
        )
        answered = _until(server.stdout, "result")
        assert answered["result"]["status"] == "done", answered
        assert api.saw(MARKER)  # the code did go to Claude...
        _send(server.stdin, {"jsonrpc": "2.0", "id": 3, "method": "shutdown"})
        _until(server.stdout, "result")
        _send(server.stdin, {"jsonrpc": "2.0", "method": "exit"})
        server.stdin.close()
        logs = server.stderr.read().decode()
        assert server.wait(timeout=10) == 0
    assert "claude ask answer" in logs  # the debug log is on...
    assert MARKER not in logs and key not in logs and key[-12:] not in logs  # ...but not code
