"""Helpers shared by the rules of one family: one module per family (SQL building, credentials
and secret formats, crypto calls, deprecated APIs, log calls, network calls, operations,
retries, swallowed errors). A helper used by a single rule lives in that rule's module.

May import `core` and `forge_lsp.rules.base`/`query_batch`, like the rules themselves.
"""
