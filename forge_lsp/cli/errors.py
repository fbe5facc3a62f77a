"""The command line's exit codes and its one error for a mistake on the command line.

Every command returns one of these codes; `UsageError` is raised wherever a command finds a
bad value, a missing path or an unknown code, and `forge_lsp.cli.main` turns it into one
message and exit code 2.
"""

from __future__ import annotations

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
EXIT_CLAUDE_FAILED = 3


class UsageError(Exception):
    """A mistake on the command line (bad value, missing path, unknown code): exit code 2."""
