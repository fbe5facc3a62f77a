"""The `forge-lsp` command line: `main` (the entry point, its parser and the commands serve,
check, rules, rule, ask, doctor), `errors` (exit codes and `UsageError`), `runner` (files to
check, the worker pool), `walk` (folders and .gitignore), and the Claude commands `ask`,
`check_review` and `doctor`.

The top layer: it may import every other package. Nothing imports it but `forge_lsp.__main__`.
"""
