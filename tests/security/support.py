"""What the security tests share: the key, the launcher, audit logs, the fake Messages API."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

# A key nobody else uses, so that any piece of it in a log is ours. The well-known prefix is
# not distinctive (setup hints mention `sk-ant-`): `KEY_BODY` is what must never show.
KEY_BODY = "Zq7vXw3kLp9RtY2mNb8cDf4gHj6sKa1eUo5iWn0xQz7yTr3VbMpLk2JhGf9Ds8AqWe4RtYu6IoPa1Sd"
KEY = f"sk-ant-api03-{KEY_BODY}AA"
WINDOW = 8

# By path, not `-m tests...`: the command-line tests run in a scratch folder, off sys.path.
AUDIT_LAUNCHER = [sys.executable, str(Path(__file__).with_name("audit_launcher.py"))]

# Forge's own commands: the only ones a code action, hover or answer may carry.
FORGE_COMMANDS = {
    "forge.showRuleDoc",
    "forge.ask",
    "forge.review",
    "forge.explain",
    "forge.previewPayload",
    "forge.showUsage",
    "forge.serverStatus",
    "forge.reviewChanges",  # no uri: the workspace's git change (e2e/test_review_changes.py)
}


def key_pieces(key_body: str = KEY_BODY) -> list[str]:
    """Every 8-character piece of the key's distinctive part."""
    return [key_body[i : i + WINDOW] for i in range(len(key_body) - WINDOW + 1)]


def key_leaks(text: str, key_body: str = KEY_BODY) -> list[str]:
    """The pieces of the key found in `text` (empty when none)."""
    return [piece for piece in key_pieces(key_body) if piece in text]


def audit_events(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def network_events(path: Path) -> list[dict[str, Any]]:
    """The socket events of an audit log that could reach a network.

    Allowed, and the only thing allowed: creating AF_UNIX sockets, which is how asyncio's
    event loop builds its own wake-up pair (`socket.socketpair()`) in every process that runs
    one. Any other family, and any connect, bind, name lookup or send, counts."""
    events = []
    for event in audit_events(path):
        name = event["event"]
        if not name.startswith("socket."):
            continue
        if name == "socket.__new__" and event["args"][1:2] == [1]:  # AF_UNIX
            continue
        events.append(event)
    return events


def opened_paths(path: Path) -> list[str]:
    return [
        str(event["args"][0])
        for event in audit_events(path)
        if event["event"] == "open" and isinstance(event["args"][0], str)
    ]


def files_text(folder: Path) -> str:
    """Every file under `folder` (answer documents, ledger, cache), as text."""
    if not folder.exists():
        return ""
    return "\n".join(
        path.read_bytes().decode("utf-8", "replace")
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    )
