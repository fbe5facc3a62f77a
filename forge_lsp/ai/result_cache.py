"""Claude's answers, kept so that asking the same thing twice costs nothing and returns at once.

A result is keyed by what determines it: the task (ask, review, explain), the model, the prompt
version (a new prompt must not reuse old answers) and a hash of the exact payload sent (the
redacted code and question). The value is the answer's text (Markdown for ask and explain, the
review's JSON for review) with the usage of the request that produced it, so the ledger can
record a hit as a zero-cost request and show what it saved.

The cache lives in one SQLite file (the server puts it in the platformdirs user cache
directory), bounded by entry count and by bytes: the least recently used entries go first. It
is a cache: a corrupt file is deleted and started afresh with one warning, a file that cannot be
written makes it keep entries in memory, and no error ever reaches the request that asked.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from forge_lsp.ai import _sqlite

log = logging.getLogger(__name__)

DEFAULT_MAX_ENTRIES = 500
DEFAULT_MAX_BYTES = 20 * 1024 * 1024


def cache_key(task: str, model: str, prompt_version: str, payload: str) -> str:
    """The key of a result: sha256 over the task, model, prompt version and payload hash."""
    payload_hash = hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()
    material = json.dumps([task, model, prompt_version, payload_hash], separators=(",", ":"))
    return hashlib.sha256(material.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class CachedResult:
    """An answer as it was produced: the text (or review JSON) and the original usage."""

    task: str
    model: str
    text: str
    usage: Mapping[str, int] = field(default_factory=dict)
    created_at: datetime | None = None  # UTC; set by `put` when None


_MIGRATIONS = (
    (
        "001_results",
        """
        CREATE TABLE results (
            key TEXT PRIMARY KEY,
            task TEXT NOT NULL,
            model TEXT NOT NULL,
            text TEXT NOT NULL,
            usage TEXT NOT NULL,
            created_at TEXT NOT NULL,
            last_used INTEGER NOT NULL,
            size INTEGER NOT NULL
        );
        CREATE INDEX results_last_used ON results (last_used)
        """,
    ),
)


class ResultCache:
    """A bounded LRU cache of results in SQLite at `path` (None: memory). Thread-safe."""

    def __init__(
        self,
        path: str | Path | None,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        max_bytes: int = DEFAULT_MAX_BYTES,
    ) -> None:
        if max_entries < 1 or max_bytes < 1:
            raise ValueError("a result cache needs room for at least one entry and one byte")
        self.path = Path(path) if path is not None else None
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.problem: str | None = None  # why the cache is in memory, or was cleared
        self._lock = threading.Lock()
        self._connection = self._open()

    # --- opening, and recovering from a bad file ---------------------------------------------

    def _open(self) -> sqlite3.Connection:
        if self.path is None:
            return self._memory()
        try:
            return self._open_file()
        except (sqlite3.Error, OSError) as error:
            if not _corrupt(error):
                return self._in_memory(error)
            self._warn(f"Forge's result cache at {self.path} was unreadable ({error}); cleared it")
        try:
            self._delete_files()
            return self._open_file()
        except (sqlite3.Error, OSError) as error:
            return self._in_memory(error)

    def _in_memory(self, error: BaseException) -> sqlite3.Connection:
        self._warn(
            f"Forge cannot use its result cache at {self.path} ({error}); results are "
            "cached in memory until the editor restarts"
        )
        return self._memory()

    def _open_file(self) -> sqlite3.Connection:
        assert self.path is not None
        connection = _sqlite.connect(self.path)
        try:
            _sqlite.check(connection)
            _sqlite.migrate(connection, _MIGRATIONS)
        except BaseException:
            connection.close()
            raise
        return connection

    def _memory(self) -> sqlite3.Connection:
        connection = _sqlite.connect(_sqlite.MEMORY)
        _sqlite.migrate(connection, _MIGRATIONS)
        return connection

    def _delete_files(self) -> None:
        assert self.path is not None
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    def _warn(self, message: str) -> None:
        self.problem = message
        log.warning("%s", message)

    def _recover(self, error: BaseException) -> None:
        """A store that failed mid-session: a corrupt file is cleared, anything else (a disk
        that went read-only) moves the cache to memory; a lock held too long is only a miss."""
        if _busy(error):
            log.info("result cache busy: %s", error)
            return
        self._connection.close()
        if _corrupt(error) and self.path is not None:
            self._warn(f"Forge's result cache at {self.path} failed ({error}); cleared it")
            try:
                self._delete_files()
                self._connection = self._open_file()
                return
            except (sqlite3.Error, OSError) as again:
                error = again
        self._connection = self._in_memory(error)

    # --- the cache ---------------------------------------------------------------------------

    def get(self, key: str) -> CachedResult | None:
        """The result stored under `key`, now the most recently used; None on a miss."""
        with self._lock:
            try:
                row = self._connection.execute(
                    "SELECT task, model, text, usage, created_at FROM results WHERE key = ?",
                    (key,),
                ).fetchone()
                if row is None:
                    return None
                self._connection.execute(
                    "UPDATE results SET last_used = ? WHERE key = ?", (self._tick(), key)
                )
            except sqlite3.Error as error:
                self._recover(error)
                return None
        task, model, text, usage, created_at = row
        try:
            parsed_usage = {str(k): int(v) for k, v in json.loads(usage).items()}
            created = datetime.fromisoformat(created_at)
        except (ValueError, TypeError, AttributeError):
            return None  # a row some other writer mangled: a miss, not an error
        return CachedResult(task, model, text, parsed_usage, created)

    def put(self, key: str, result: CachedResult) -> None:
        """Store `result` under `key`, then evict least recently used entries over the bounds.

        A result bigger than the whole byte budget is not stored.
        """
        usage = json.dumps(dict(result.usage), sort_keys=True)
        created = result.created_at or datetime.now(timezone.utc)
        size = len(result.text.encode("utf-8", "surrogatepass")) + len(usage) + len(key)
        if size > self.max_bytes:
            return
        with self._lock:
            try:
                self._connection.execute("BEGIN IMMEDIATE")
                try:
                    self._connection.execute(
                        "INSERT OR REPLACE INTO results "
                        "(key, task, model, text, usage, created_at, last_used, size) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        (key, result.task, result.model, result.text, usage,
                         created.isoformat(), self._tick(), size),
                    )  # fmt: skip
                    self._evict()
                except BaseException:
                    self._connection.execute("ROLLBACK")
                    raise
                self._connection.execute("COMMIT")
            except sqlite3.Error as error:
                self._recover(error)

    def _tick(self) -> int:
        """A use counter shared by every process writing the file: later uses rank higher."""
        row = self._connection.execute("SELECT COALESCE(MAX(last_used), 0) + 1 FROM results")
        return int(row.fetchone()[0])

    def _evict(self) -> None:
        count, total = self._connection.execute(
            "SELECT COUNT(*), COALESCE(SUM(size), 0) FROM results"
        ).fetchone()
        while count > self.max_entries or total > self.max_bytes:
            oldest = self._connection.execute(
                "SELECT key, size FROM results ORDER BY last_used LIMIT 1"
            ).fetchone()
            if oldest is None:
                return
            self._connection.execute("DELETE FROM results WHERE key = ?", (oldest[0],))
            count, total = count - 1, total - oldest[1]

    def __len__(self) -> int:
        with self._lock:
            try:
                return int(self._connection.execute("SELECT COUNT(*) FROM results").fetchone()[0])
            except sqlite3.Error as error:
                self._recover(error)
                return 0

    def size_bytes(self) -> int:
        """Bytes of cached results (text, usage and key), the quantity `max_bytes` bounds."""
        with self._lock:
            try:
                row = self._connection.execute("SELECT COALESCE(SUM(size), 0) FROM results")
                return int(row.fetchone()[0])
            except sqlite3.Error as error:
                self._recover(error)
                return 0

    def clear(self) -> None:
        with self._lock:
            try:
                self._connection.execute("DELETE FROM results")
            except sqlite3.Error as error:
                self._recover(error)

    def close(self) -> None:
        with self._lock:
            self._connection.close()


_BUSY = ("locked", "busy")
_UNWRITABLE = ("readonly", "read-only", "unable to open", "disk i/o", "full", "permission")


def _busy(error: BaseException) -> bool:
    """Another process held the file past the busy timeout: a miss, nothing to repair."""
    return isinstance(error, sqlite3.OperationalError) and any(
        word in str(error).lower() for word in _BUSY
    )


def _corrupt(error: BaseException) -> bool:
    """A damaged file or one whose tables are not ours; locked or unwritable files are not."""
    if not isinstance(error, sqlite3.DatabaseError) or _busy(error):
        return False
    return not any(word in str(error).lower() for word in _UNWRITABLE)
