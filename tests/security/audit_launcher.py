"""Run `forge_lsp` (server or command line) with a Python audit hook installed first.

    python tests/security/audit_launcher.py [forge-lsp arguments...]

Every `socket.*` audit event (socket creation, connect, getaddrinfo, DNS lookups, bind...) and
every `open` event is appended to the file named by `FORGE_AUDIT_LOG`, one JSON object a line,
from this process and from the worker processes it forks. The hook is installed before any of
Forge is imported, so nothing Forge (or a library it loads) does can slip past it: this is how
the security tests prove that with Claude off no socket is opened at all, and that a refused
command read nothing.
"""

from __future__ import annotations

import json
import os
import runpy
import sys

_LOG = os.open(os.environ["FORGE_AUDIT_LOG"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
_busy = False


def _text(value: object) -> object:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, (str, int, float)) or value is None:
        return value
    if isinstance(value, tuple):
        return [_text(item) for item in value]
    return type(value).__name__  # never repr() a socket: it would make calls of its own


def _hook(event: str, args: tuple[object, ...]) -> None:
    global _busy
    if _busy or not (event.startswith("socket.") or event == "open"):
        return
    _busy = True
    try:
        shown = [_text(arg) for arg in args]
        line = json.dumps({"pid": os.getpid(), "event": event, "args": shown}) + "\n"
        os.write(_LOG, line.encode("utf-8", "replace"))
    finally:
        _busy = False


sys.addaudithook(_hook)
sys.argv = ["forge-lsp", *sys.argv[1:]]
runpy.run_module("forge_lsp", run_name="__main__", alter_sys=True)
