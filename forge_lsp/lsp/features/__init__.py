"""One module per LSP surface (diagnostics, code actions, hover, commands, configuration,
Claude's tasks, status); each exposes `register(server)`, called by `forge_lsp.lsp.server`.

Features import `forge_lsp.lsp.forge_server` for the server's state, never `server` itself.
"""
