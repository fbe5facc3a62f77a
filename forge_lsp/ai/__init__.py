"""The Claude side of Forge: privacy (redaction, what may be sent), prompts and payloads, the
model table, the client and its failure messages, review parsing with anchoring and fix
verification, usage, budget and caching.

May import `core`, `dataflow`, `rules`, `config` and `engine`; never the LSP server or the
command line, which both call it. Nothing here loads until a Claude feature is used.
"""
