"""The `forge-lsp` command line: `main` (the entry point, its parser and the commands serve,
check, rules, rule, ask, doctor), `errors` (exit codes and `UsageError`), `settings` (each
folder's settings with the command line's on top), `files` and `walk` (what to check: folders,
.gitignore, `exclude`), `runner` (tasks and the worker pool), and the Claude commands `ask`,
`check_review` and `doctor`.

The top layer: it may import every other package. Nothing imports it but `forge_lsp.__main__`.
"""
