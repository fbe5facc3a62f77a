"""FG301 and FG304 weigh a swallowed failure by what it loses: real tree-sitter checks of
small real-world shapes, each with the severity and confidence the rule doc promises."""

from __future__ import annotations

import pytest

from forge_lsp.core import languages
from forge_lsp.core.model import Confidence, Severity
from forge_lsp.engine import checker
from forge_lsp.rules.families import handler_effects as fx

WARN, INFO = Severity.WARNING, Severity.INFO
HIGH, MEDIUM, LOW = Confidence.HIGH, Confidence.MEDIUM, Confidence.LOW


def _found(language: str, source: str, code: str = "FG301", path: str = "app/mod"):
    spec = languages.LANGUAGES[language]
    selection = checker.RuleSelection()
    result = checker.check(source.encode(), spec, selection, path=path)
    return [(f.severity, f.confidence) for f in result.findings if f.code == code]


JAVA_OUTPUT_CLOSE = """
class Sink {
    private final java.io.OutputStream out;
    void finish() {
        try { out.close(); } catch (IOException e) {}
    }
}
"""
JAVA_SELECTOR_CLOSE = """
class Loop {
    private Selector selector;
    void stop() {
        try { selector.close(); } catch (Exception e) {}
    }
}
"""
JAVA_INPUT_CLOSE = """
class Body {
    void close() throws IOException {
        flush();
        LeftOverInputStream is = t.getOriginalInputStream();
        if (!is.isClosed()) {
            try {
                is.close();
            } catch (IOException e) {}
        }
    }
}
"""
JAVA_UNKNOWN_EFFECT = """
class Worker {
    void settle(Order order) {
        try {
            repository.markSettled(order.getId());
        } catch (Exception e) {
        }
    }
}
"""
JAVA_IGNORE_NAME = """
class Exchange {
    void fail(Throwable protoEx) {
        try {
            exchImpl.onProtocolError(protoEx);
        } catch (Throwable ignore) {
        }
    }
}
"""
PY_WRITE_FILE = """
def dump(path, rows):
    handle = open(path, "w")
    try:
        handle.close()
    except OSError:
        pass
"""
PY_DISPOSE = """
def dispose(self):
    for conn in self._all_conns:
        try:
            conn.close()
        except Exception:
            pass
"""
PY_PROBE_LOOP = """
def versions(conn):
    found = []
    for fts in ("FTS5", "FTS4", "FTS3"):
        try:
            conn.execute("CREATE VIRTUAL TABLE v USING %s (data)" % fts)
            found.append(fts)
        except sqlite3.OperationalError:
            continue
    return found
"""
PY_IN_FLIGHT = """
def handle_dbapi_exception(self, e):
    try:
        self.cursor.execute("SET IDENTITY_INSERT t OFF")
    except Exception:
        pass
"""
PY_COMMIT = """
def save(session):
    try:
        session.add(order)
        session.commit()
    except Exception:
        pass
"""
PY_READ_DEFAULT = """
def extensions(conn):
    found = {}
    try:
        result = conn.execute("select spatialite_version()")
        found["spatialite"] = result.fetchone()[0]
    except Exception:
        pass
    return found
"""
PY_SOCKET_EFFECTS = """
def reset(sock):
    try:
        sock.setsockopt(1, 2, 3)
        sock.settimeout(None)
    except OSError:
        pass
"""
PY_NARROW_EFFECTS = """
def refund(repo, order):
    try:
        repo.refund(order.id)
        repo.audit(order.id, "refunded")
    except IllegalState:
        pass
"""
KT_ON_DESTROY = """
class Module {
  fun definition() = ModuleDefinition {
    OnDestroy {
      try {
        removeAllCachedDatabases().forEach {
          closeDatabase(it)
        }
      } catch (_: Throwable) {}
    }
  }
}
"""
KT_WRITE_IN_LAMBDA = """
class Ledger(private val writer: java.io.Writer) {
    fun reset(ids: List<String>) {
        try {
            ids.forEach { writer.write(it) }
        } catch (e: IllegalStateException) {
        }
    }
}
"""
TS_LOCAL_MAP = """
export function decode(rows: Row[]) {
  const values = new Map<string, object>()
  for (const row of rows) {
    try {
      values.set(row.id, JSON.parse(row.value))
    } catch {
    }
  }
  return values
}
"""
JS_PUBLISH = """
async function publishAll(events) {
  try {
    await bus.publish("orders", events);
  } catch (err) {}
}
"""


@pytest.mark.parametrize(
    ("language", "source", "expected"),
    [
        ("java", JAVA_OUTPUT_CLOSE, [(WARN, HIGH)]),
        ("java", JAVA_SELECTOR_CLOSE, [(INFO, LOW)]),
        ("java", JAVA_INPUT_CLOSE, [(INFO, LOW)]),
        ("java", JAVA_UNKNOWN_EFFECT, [(WARN, MEDIUM)]),
        ("java", JAVA_IGNORE_NAME, [(INFO, LOW)]),
        ("python", PY_WRITE_FILE, [(WARN, HIGH)]),
        ("python", PY_DISPOSE, [(INFO, LOW)]),
        ("python", PY_PROBE_LOOP, [(INFO, LOW)]),
        ("python", PY_IN_FLIGHT, [(INFO, LOW)]),
        ("python", PY_COMMIT, [(WARN, HIGH)]),
        ("python", PY_READ_DEFAULT, [(INFO, LOW)]),
        ("python", PY_SOCKET_EFFECTS, [(WARN, MEDIUM)]),
        ("python", PY_NARROW_EFFECTS, [(INFO, LOW)]),
        ("kotlin", KT_ON_DESTROY, [(INFO, LOW)]),
        ("kotlin", KT_WRITE_IN_LAMBDA, [(WARN, MEDIUM)]),
        ("typescript", TS_LOCAL_MAP, [(INFO, LOW)]),
        ("javascript", JS_PUBLISH, [(WARN, HIGH)]),
    ],
    ids=lambda v: v if isinstance(v, str) and len(v) < 12 else None,
)
def test_severity_follows_what_the_failure_loses(language, source, expected) -> None:
    assert _found(language, source) == expected


CHAINED_ATTEMPTS = """
fun parseDate(raw: String): Date {
    try {
        return FORMAT_A.parse(raw) as Date
    } catch (e: Exception) {
    }
    try {
        return FORMAT_B.parse(raw) as Date
    } catch (e: ParseException) {
        throw IllegalArgumentException(raw, e)
    }
}
"""
WARNED_AFTER_RETURN = """
def charset(self, connection):
    try:
        value = self._fetch_setting(connection, "character_set_client")
        if value:
            return value
    except exc.DBAPIError:
        pass
    util.warn("Could not detect the connection character set.  Assuming latin1.")
    return "latin1"
"""
PROVISION = """
from ...testing.provision import create_db


@create_db.for_db("mysql")
def _mysql_create_db(cfg, eng, ident):
    try:
        _mysql_drop_db(cfg, eng, ident)
    except Exception:
        pass
"""


def test_no_finding_for_a_chain_a_warning_after_or_test_support() -> None:
    assert _found("kotlin", CHAINED_ATTEMPTS) == []
    assert _found("python", WARNED_AFTER_RETURN) == []
    assert _found("python", PROVISION) == []
    selection = checker.RuleSelection(options={"FG301": {"includeTests": True}})
    spec = languages.LANGUAGES["python"]
    result = checker.check(PROVISION.encode(), spec, selection, path="dialects/provision.py")
    assert [f.code for f in result.findings if f.code == "FG301"] == ["FG301"]


def test_written_to_reads_names_types_and_writes() -> None:
    assert fx.written_to("out", "", "") is True
    assert fx.written_to("ledger", "ledger.write(line)", "") is True
    assert fx.written_to("f", 'f = open(path, "wb")', "") is True
    assert fx.written_to("self.schan", "", "ServerSocketChannel schan;") is False
    assert fx.written_to("h2c", "void close(Http2Connection h2c) {", "") is False
    assert fx.written_to("ledger", "", "") is None


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('bus.publish("orders", e).catch(() => {});', [(WARN, HIGH)]),
        ("this.query({ sql }).catch(noop);", [(INFO, LOW)]),
        ("api.reserveStock(cartId).catch(() => {});", [(WARN, MEDIUM)]),
        ("metrics.flushAsync().catch(_.noop);", [(WARN, HIGH)]),
    ],
)
def test_fg304_weighs_the_promise_it_silences(line: str, expected) -> None:
    assert _found("javascript", f"function f() {{\n  {line}\n}}\n", "FG304") == expected


def test_fg304_reads_a_reason_above_a_one_line_if() -> None:
    source = (
        "async function deflate(writer, bytes) {\n"
        "  // A failed write errors the readable, so the reads report it\n"
        "  if (bytes.length > 0) writer.write(bytes).catch(() => {})\n"
        "  if (bytes.length > 0) writer.write(bytes).catch(() => {})\n"
        "}\n"
    )
    assert _found("javascript", source, "FG304") == [(WARN, HIGH)]  # only the second line


def test_module_functions_and_look_alike_names_are_not_misread() -> None:
    assert fx.written_to("os", "", "") is None  # `os.close(fd)`: a module, not an output
    assert fx.written_to("response.getOutputStream()", "", "") is True
    handler = "\n    except Exception:\n        pass\n"
    catalog = "def f(catalog):\n    try:\n        catalog.save()" + handler
    assert _found("python", catalog) == [(WARN, HIGH)]  # `catalog` is no logger
    logged = "def f(log):\n    try:\n        log.debug('x')" + handler
    assert _found("python", logged) == [(INFO, LOW)]
