"""The Forge language server: creation, feature registration and start-up. The server's state
is `forge_lsp.lsp.forge_server.ForgeServer`; features live in `features/`.

Start-up stays light: only pygls, lsprotocol and Forge's own small modules are imported before
`initialize` is answered. Grammars and rules load on the first check; the Claude client never
loads here.
"""

from __future__ import annotations

import logging
import os

from forge_lsp.core import gc_tuning
from forge_lsp.lsp.forge_server import ForgeServer


def create_server() -> ForgeServer:
    """A server with every feature registered."""
    from forge_lsp.lsp.features import (
        claude,
        code_actions,
        commands,
        configuration,
        diagnostics,
        hover,
        review_changes,
        status,
    )

    server = ForgeServer()
    features = (configuration, diagnostics, hover, code_actions, commands, claude, review_changes)
    for feature in (*features, status):
        feature.register(server)
    return server


def serve(tcp: tuple[str, int] | None = None) -> int:
    """Run the server over stdio, or over TCP when `tcp` is given. Returns the exit code."""
    logging.basicConfig(
        level=os.environ.get("FORGE_LOG_LEVEL", "WARNING").upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # pygls logs whole messages below WARNING (document text, initializationOptions): code and
    # settings must never reach the logs, whatever level Forge's own logging is at.
    # The same holds for the Anthropic SDK and its HTTP stack, which log whole requests
    # (code, headers) at DEBUG.
    for name in ("pygls", "anthropic", "httpx", "httpx2", "httpcore", "httpcore2"):
        logging.getLogger(name).setLevel(logging.WARNING)
    server = create_server()
    gc_tuning.relax()
    if tcp is None:
        server.start_io()
    else:
        server.start_tcp(*tcp)
    return 0
