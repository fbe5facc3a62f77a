"""SQLite set-up shared by the usage ledger and the result cache.

Both stores may be written by several Forge processes at once (one language server per editor
window, plus the CLI), so every connection uses WAL (readers never block the writer) and a short
busy timeout (a writer waits briefly for another instead of failing at once, and never hangs
an editor request for long). Schemas evolve through named migrations, recorded in a table, so a
newer Forge can upgrade a file an older one wrote.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path

BUSY_TIMEOUT_SECONDS = 2.0
MEMORY = ":memory:"


def connect(path: str | Path) -> sqlite3.Connection:
    """A connection ready for concurrent use; raises sqlite3.Error or OSError when it cannot."""
    if str(path) != MEMORY:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(
        str(path), timeout=BUSY_TIMEOUT_SECONDS, check_same_thread=False, isolation_level=None
    )
    try:
        connection.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
        if str(path) != MEMORY:
            connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = NORMAL")
    except sqlite3.Error:
        connection.close()
        raise
    return connection


def migrate(connection: sqlite3.Connection, migrations: Sequence[tuple[str, str]]) -> None:
    """Apply the (name, SQL script) migrations not applied yet, in order, each in a transaction."""
    connection.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY)")
    done = {row[0] for row in connection.execute("SELECT name FROM _migrations")}
    for name, script in migrations:
        if name in done:
            continue
        connection.execute("BEGIN IMMEDIATE")
        try:
            for statement in filter(None, (s.strip() for s in script.split(";"))):
                connection.execute(statement)
            connection.execute("INSERT OR IGNORE INTO _migrations (name) VALUES (?)", (name,))
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")


def check(connection: sqlite3.Connection) -> None:
    """Raise sqlite3.DatabaseError when the file is not a usable database (corrupt, truncated)."""
    row = connection.execute("PRAGMA quick_check").fetchone()
    if row is None or row[0] != "ok":
        raise sqlite3.DatabaseError(f"integrity check failed: {row[0] if row else 'no answer'}")
