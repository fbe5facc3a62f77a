"""Forge's hard rules: the offline checks, one module per rule (`fgNNN_name.py`, with its doc),
found by `registry`. `base` is what a rule sees (`CheckContext`, `Rule`), `query_batch` runs
many rules' tree-sitter queries in one pass, `families/` holds helpers that several rules of
one family share (SQL, credentials, network calls, retries...), and `rule_docs` serves the
rules' documentation.

May import `core` and `dataflow` only: a rule knows nothing of settings files, the editor,
Claude or the command line. See CONTRIBUTING.md, "Add a rule".
"""
