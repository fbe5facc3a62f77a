"""Commands: `forge.showRuleDoc CODE` opens a rule's documentation."""

from __future__ import annotations

import asyncio

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams

from forge_lsp.lsp.forge_server import ForgeServer

SHOW_RULE_DOC = "forge.showRuleDoc"


def register(server: ForgeServer) -> None:
    @server.command(SHOW_RULE_DOC)
    async def show_rule_doc(ls: ForgeServer, *args: object) -> bool:
        code = args[0] if len(args) == 1 else None
        if not isinstance(code, str):
            raise JsonRpcInvalidParams(f"{SHOW_RULE_DOC} takes one argument: a rule code")
        from forge_lsp.rules import rule_docs

        uri = await asyncio.to_thread(rule_docs.doc_uri, code)
        if uri is None:
            raise JsonRpcInvalidParams(f"no Forge rule has the code {code!r}")
        if ls.supports_show_document:
            result = await ls.window_show_document_async(
                types.ShowDocumentParams(uri=uri, take_focus=True)
            )
            return bool(result and result.success)
        ls.window_show_message(
            types.ShowMessageParams(
                type=types.MessageType.Info, message=f"Forge {code} documentation: {uri}"
            )
        )
        return True
