"""The language server: `server` creates it and registers the features, `forge_server` holds the
state every feature reads (documents, settings, analyses), `protocol` and `editor_document`
fix what clients send, `analysis` checks open documents off the event loop, `settings_store`
and `workspace_scope` decide the settings and the roots, `lsp_convert` turns findings into
LSP types, and `features/` holds one module per LSP surface.

May import `core`, `dataflow`, `rules`, `config`, `engine` and `ai`; never the command line.
"""
