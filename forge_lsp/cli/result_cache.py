"""The result cache of `forge-lsp check`: a file checked before, with the same bytes, the same
settings and the same Forge, is answered from disk instead of being parsed and checked again
(as ruff does). A repeat run over an unchanged tree then costs reading and hashing the files.

**The key** of a file's result is a hash of everything the result depends on:

- the file's bytes (BLAKE2b of what was read: hashing is cheap next to parsing);
- the task's settings: the rule selection (codes, severities, rule options, minimum
  confidence), `max_file_size`, the path the rules see (`project_path`), whether generated
  files are skipped, and the file's language;
- Forge itself: `forge_lsp.__version__` and `code_fingerprint()`, a hash of the contents of the
  package's own `.py` files (any edit to a rule, the engine or the report records changes it)
  and of the sizes and times of the tree-sitter bindings' and grammar wheels' files (a grammar
  upgrade changes the trees the rules read): about 6 ms, once per run.

The displayed path is not in the key: findings are stored without it and get the task's path
back when read, so a run from another folder still hits.

**What is stored**: checked files' findings and "generated" skips. Not stored: unreadable files
(errors), files too large or in no language (cheap to decide again), and files the parser gave up
on (`ParseTooSlow`: a matter of time, not of content).

**Where**: one SQLite database, `results-<SCHEMA>.sqlite3`, in `platformdirs.user_cache_dir(
"forge-lsp")/check` or in `FORGE_CACHE_DIR`. SQLite in WAL mode rather than a file per entry:
on 2,000 entries reading costs about the same (14 ms against 17 ms), writing in one transaction
is four times cheaper (10 ms against 35-45 ms for write-and-rename), an entry takes its size
instead of a 4 KB block, and eviction is one query. Only the main process touches the
database: it looks the files up before any worker starts (so a warm run starts no pool) and
writes the fresh results in one transaction at the end of the run. Concurrent runs are safe:
WAL readers never block, writers queue behind the busy timeout, and a run that still cannot
write keeps its results to itself.

**Bound**: at most `MAX_ENTRIES` entries and `MAX_BYTES` of stored results; past either, the
least recently used entries go first (a hit refreshes its entry's time when that time is more
than `REFRESH_SECONDS` old, so repeat runs seconds apart write nothing).

**Failure is a miss, never an error**: an unreadable folder or database makes every lookup miss
and every store a no-op; an entry that does not decode is a miss (and is overwritten); a
database SQLite reports as damaged is deleted and started afresh.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import importlib.util
import json
import os
import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import forge_lsp
from forge_lsp.core import languages
from forge_lsp.report import FileResult, Position, Reported, ReportedEdit, ReportedFix

if TYPE_CHECKING:
    from forge_lsp.cli.runner import Task

FOLDER_VARIABLE = "FORGE_CACHE_DIR"
SCHEMA = 1  # the table's layout; a new layout starts a new database file
MAX_ENTRIES = 50_000  # several large repositories, under a few settings each
MAX_BYTES = 64 * 1024 * 1024  # an entry is about 100 bytes, plus about 400 per finding
REFRESH_SECONDS = 3600.0
BUSY_SECONDS = 10.0  # how long a write waits for another run's transaction (rare: at the end)
_LOOKUP_BATCH = 500  # keys per SELECT (SQLite's variable limit is 999 on old builds)


def default_folder() -> Path:
    """`FORGE_CACHE_DIR`, else the user cache folder's `check/`."""
    override = os.environ.get(FOLDER_VARIABLE)
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_cache_dir("forge-lsp")) / "check"


def content_digest(source: bytes) -> str:
    """The hash of a file's bytes, as the key uses it."""
    return hashlib.blake2b(source, digest_size=16).hexdigest()


@functools.cache
def code_fingerprint() -> str:
    """A hash of the Forge that computes results: its own source (contents) and the bindings
    and grammars it parses with (names, sizes and modification times of their files). Computed
    once per process, in the main one: workers only hash the files they check."""
    digest = hashlib.blake2b(digest_size=16)
    package = Path(forge_lsp.__file__).parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    modules = ["tree_sitter", *sorted({spec.module for spec in languages.LANGUAGES.values()})]
    for module in modules:
        spec = importlib.util.find_spec(module)
        if spec is None or not spec.submodule_search_locations:
            digest.update(f"{module}: absent\n".encode())
            continue
        for folder in spec.submodule_search_locations:
            for path in sorted(Path(folder).rglob("*")):
                if "__pycache__" not in path.parts and path.is_file():
                    stat = path.stat()
                    digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _plain(value: object) -> object:
    """What `json.dumps` cannot write itself, in a form that is the same in every process:
    enums by name, mappings as dicts (sorted by the dump), sets sorted, anything else by its
    repr."""
    if isinstance(value, Enum):
        return value.name
    if hasattr(value, "items"):
        return dict(value.items())
    if isinstance(value, (set, frozenset)):
        return sorted(repr(item) for item in value)
    return repr(value)


def settings_key(task: Task) -> str:
    """A hash of everything besides the bytes that decides the task's result."""
    spec = languages.for_path(task.path)
    selection = {
        f.name: getattr(task.selection, f.name) for f in dataclasses.fields(task.selection)
    }
    parts = [
        forge_lsp.__version__,
        code_fingerprint(),
        spec.name if spec else None,
        selection,
        task.max_file_size,
        task.project_path,
        task.skip_generated,
    ]
    text = json.dumps(parts, sort_keys=True, default=_plain)
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def entry_key(settings: str, digest: str) -> str:
    """The key of one result: the settings key and the content digest together."""
    return f"{settings}:{digest}"


def cacheable(result: FileResult) -> bool:
    """Checked files and generated skips depend only on what the key holds; errors, and the
    parser giving up (`ParseTooSlow`), do not."""
    return result.error is None and (result.checked or result.generated)


# --- entries ---------------------------------------------------------------------------------


def encode(result: FileResult) -> bytes:
    """A result as JSON (not pickle: nothing in the cache folder can run code), without its
    displayed path."""
    findings = []
    for finding in result.findings:
        fields = dataclasses.asdict(finding)
        del fields["path"]
        findings.append(fields)
    data = {"findings": findings, "skipped": result.skipped, "generated": result.generated}
    return json.dumps(data, separators=(",", ":")).encode()


def decode(blob: bytes, display: str) -> FileResult:
    """The result `encode` wrote, shown at `display`; ValueError when the entry is damaged."""
    try:
        data = json.loads(blob)
        findings = tuple(_reported(fields, display) for fields in data["findings"])
        return FileResult(
            display, findings, skipped=data["skipped"], generated=bool(data["generated"])
        )
    except (KeyError, TypeError, AttributeError, ValueError) as problem:
        raise ValueError(f"damaged cache entry: {problem}") from None


def _reported(fields: dict[str, Any], display: str) -> Reported:
    fix = fields["fix"]
    if fix is not None:
        edits = tuple(
            ReportedEdit(Position(**e["start"]), Position(**e["end"]), e["new_text"])
            for e in fix["edits"]
        )
        fix = ReportedFix(fix["title"], edits)
    start, end = Position(**fields["start"]), Position(**fields["end"])
    return Reported(**{**fields, "path": display, "start": start, "end": end, "fix": fix})


# --- the database ----------------------------------------------------------------------------


@dataclass
class CacheStats:
    """What one run did with the cache (tests read it; no timing involved)."""

    served: int = 0  # tasks answered from the cache
    checked: int = 0  # tasks checked by the engine
    stored: int = 0  # entries written
    evicted: int = 0  # entries deleted to keep the bound


@dataclass(frozen=True)
class Lookup:
    """One task's lookup: its settings key (None: the task does not use the cache) and the
    result the cache served, if any."""

    settings: str | None
    result: FileResult | None


class _Damaged(Exception):
    """SQLite reports the database file as not a database, or malformed."""


@dataclass
class ResultCache:
    """The cache in one folder. Use: `lookup` the tasks, `record` each fresh result, `save`."""

    folder: Path
    max_entries: int = MAX_ENTRIES
    max_bytes: int = MAX_BYTES
    stats: CacheStats = field(default_factory=CacheStats)
    _fresh: dict[str, bytes] = field(default_factory=dict)
    _refresh: set[str] = field(default_factory=set)  # hits whose use time is old

    @property
    def path(self) -> Path:
        return self.folder / f"results-{SCHEMA}.sqlite3"

    def lookup(self, tasks: Sequence[Task]) -> list[Lookup]:
        """Each task's settings key and cached result; reads (and hashes) each file whose
        language is known and size allowed. Never raises for the cache's sake."""
        plans: list[tuple[str | None, str | None]] = []  # (settings key, entry key)
        for task in tasks:
            if not task.use_cache:
                plans.append((None, None))
                continue
            own = settings_key(task)
            plans.append((own, _current_key(task, own)))
        blobs = self._read([key for _, key in plans if key is not None])
        found: list[Lookup] = []
        for task, (settings, key) in zip(tasks, plans, strict=True):
            result = None
            if key is not None and key in blobs:
                try:
                    result = decode(blobs[key], task.display)
                except ValueError:
                    result = None  # rewritten once checked
            found.append(Lookup(settings, result))
        self.stats.served += sum(1 for hit in found if hit.result is not None)
        return found

    def record(self, settings: str, digest: str, result: FileResult) -> None:
        """Keep a fresh result for `save`, when it may be cached."""
        if cacheable(result):
            self._fresh[entry_key(settings, digest)] = encode(result)

    def save(self) -> None:
        """Write the fresh results and refresh the hits' use times in one transaction, then
        evict past the bound. A cache that cannot be written is left as it is."""
        if not self._fresh and not self._refresh:
            return
        try:
            self._write()
        except _Damaged:
            self._delete()  # and start afresh
            with contextlib.suppress(_Damaged, sqlite3.Error, OSError):
                self._write()
        except sqlite3.OperationalError:
            # Busy past the timeout, or two runs creating the file at once (switching a new
            # database to WAL takes a lock the busy handler does not wait for): once more.
            with contextlib.suppress(_Damaged, sqlite3.Error, OSError):
                self._write()
        except (sqlite3.Error, OSError):
            pass  # read-only, full: the next run tries again
        self._fresh.clear()
        self._refresh.clear()

    # --- internals ---------------------------------------------------------------------------

    def _read(self, keys: list[str]) -> dict[str, bytes]:
        if not keys or not self.path.is_file():
            return {}
        found: dict[str, bytes] = {}
        stale = time.time() - REFRESH_SECONDS
        try:
            with _connection(self.path) as db:
                if db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA:
                    return {}
                for start in range(0, len(keys), _LOOKUP_BATCH):
                    batch = keys[start : start + _LOOKUP_BATCH]
                    marks = ",".join("?" * len(batch))
                    query = f"SELECT key, value, used FROM results WHERE key IN ({marks})"
                    for key, value, used in db.execute(query, batch):
                        found[key] = value
                        if used < stale:
                            self._refresh.add(key)
        except _Damaged:
            self._delete()
            return {}
        except sqlite3.Error:
            return {}
        return found

    def _write(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        now = time.time()
        with _connection(self.path) as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("BEGIN IMMEDIATE")
            try:
                self._create(db)
                db.executemany(
                    "INSERT OR REPLACE INTO results (key, value, size, used) VALUES (?, ?, ?, ?)",
                    ((key, value, len(value), now) for key, value in self._fresh.items()),
                )
                refresh = [(now, key) for key in self._refresh if key not in self._fresh]
                db.executemany("UPDATE results SET used = ? WHERE key = ?", refresh)
                self.stats.stored += len(self._fresh)
                self.stats.evicted += self._evict(db)
                db.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(sqlite3.Error):  # SQLite may have rolled back itself
                    db.execute("ROLLBACK")
                raise

    @staticmethod
    def _create(db: sqlite3.Connection) -> None:
        db.execute(
            "CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, value BLOB NOT NULL, "
            "size INTEGER NOT NULL, used REAL NOT NULL) WITHOUT ROWID"
        )
        db.execute("CREATE INDEX IF NOT EXISTS results_used ON results (used)")
        db.execute(f"PRAGMA user_version = {SCHEMA}")

    def _evict(self, db: sqlite3.Connection) -> int:
        """Delete the least recently used entries until both bounds hold; how many went."""
        count, total = db.execute("SELECT count(*), total(size) FROM results").fetchone()
        if count <= self.max_entries and total <= self.max_bytes:
            return 0
        doomed: list[tuple[str]] = []
        for key, size in db.execute("SELECT key, size FROM results ORDER BY used, key"):
            if count <= self.max_entries and total <= self.max_bytes:
                break
            doomed.append((key,))
            count -= 1
            total -= size
        db.executemany("DELETE FROM results WHERE key = ?", doomed)
        return len(doomed)

    def _delete(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                os.unlink(f"{self.path}{suffix}")


def _current_key(task: Task, settings: str) -> str | None:
    """The entry key of the task's file as it is now; None when it is not worth a lookup (no
    language, too large: cheap to decide again) or cannot be read (the check will say why)."""
    if languages.for_path(task.path) is None:
        return None
    try:
        if os.stat(task.path).st_size > task.max_file_size:
            return None
        with open(task.path, "rb") as handle:
            return entry_key(settings, content_digest(handle.read()))
    except OSError:
        return None


class _connection:
    """A connection closed on exit (sqlite3's own context manager only commits); SQLite's
    "not a database" and "malformed" errors become `_Damaged`."""

    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(path, timeout=BUSY_SECONDS, isolation_level=None)

    def __enter__(self) -> sqlite3.Connection:
        return self._db

    def __exit__(self, kind: type[BaseException] | None, error: object, _trace: object) -> None:
        self._db.close()
        if kind is None or not issubclass(kind, sqlite3.DatabaseError):
            return
        if not issubclass(kind, sqlite3.OperationalError):  # locked, busy, read-only: not damage
            raise _Damaged(str(error)) from None


def stored_keys(folder: Path) -> list[str]:
    """Every key in the cache of `folder`, least recently used first (for tests, and for a
    look at what the cache holds)."""
    path = ResultCache(folder).path
    if not path.is_file():
        return []
    with _connection(path) as db:
        return [key for (key,) in db.execute("SELECT key FROM results ORDER BY used, key")]
