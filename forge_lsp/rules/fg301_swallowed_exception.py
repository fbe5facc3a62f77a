"""FG301 swallowed-exception: an `except`/`catch` handler whose body does nothing."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import tree_sitter

from forge_lsp.core.model import Confidence, Finding, Severity
from forge_lsp.rules import base
from forge_lsp.rules.base import CheckContext, Rule, RuleOption, has_error
from forge_lsp.rules.families import caught_types as ct
from forge_lsp.rules.families import handler_context as hc
from forge_lsp.rules.families import handler_effects as fx
from forge_lsp.rules.families import swallowed as sw

PYTHON_QUERY = "(except_clause (block) @body) @clause"
BRACE_QUERY = sw.CATCH_QUERY
KOTLIN_QUERY = "(catch_block (block) @body) @clause"

PY_BROAD = frozenset({"Exception", "BaseException"})
JAVA_BROAD = frozenset({"Exception", "Throwable", "RuntimeException", "Error"})
# Catch parameter names that say "ignored on purpose" (IntelliJ's convention for Java).
JAVA_INTENT_NAME = re.compile(r"(?i)^(_|ignored?|expected|unused|cannot_?happen|impossible)\w*$")
# The author states that the interrupt cannot arrive (`ForkJoinPool.managedBlock` of a blocker
# that never throws): the one name that excuses an empty `InterruptedException` handler.
CANNOT_HAPPEN = re.compile(r"(?i)^(cannot_?happen|impossible)\w*$")
# ImportError/ModuleNotFoundError: the optional-dependency probe, whose fallback *is* the
# handling. KeyboardInterrupt: a CLI leaving quietly on Ctrl-C.
DEFAULT_IGNORED = ["ImportError", "ModuleNotFoundError", "KeyboardInterrupt"]
# Another linter's explicit waiver of the same check already records the decision.
WAIVER = re.compile(
    r"noqa(?!:)|noqa:.*\b(E722|BLE001|S110|S112|SIM105)\b|pylint:\s*disable=.*"
    r"(broad-except|bare-except|broad-exception-caught|W0702|W0703|W0718)|\bnosec\b|"
    r"eslint-disable.*\bno-empty\b|eslint\s+no-empty\s*:\s*(0|\"?off)"
)
HANDLER_TYPES = frozenset({"except_clause", "catch_clause", "catch_block"})
FUNCTION_TYPES = frozenset(
    {
        "function_definition",
        "lambda",
        "function_declaration",
        "function_expression",
        "arrow_function",
        "method_definition",
        "generator_function_declaration",
        "method_declaration",
        "constructor_declaration",
        "lambda_expression",
        "class_body",
        "lambda_literal",
        "anonymous_function",
    }
)
# Kotlin: a `try` of one expression that is not itself a compound statement.
KOTLIN_COMPOUND = frozenset(
    {"if_expression", "when_expression", "for_statement", "while_statement", "do_while_statement",
     "try_expression"}
)  # fmt: skip
# One of these alone in a `try` is the lookup-or-fallback idiom (EAFP): the only thing that
# can raise the narrow exception is right there.
SIMPLE_STATEMENTS = frozenset(
    {
        "expression_statement",
        "return_statement",
        "delete_statement",
        "raise_statement",
        "assert_statement",
        "import_statement",
        "import_from_statement",
        "local_variable_declaration",
        "throw_statement",
    }
)


class SwallowedException(Rule):
    code = "FG301"
    name = "swallowed-exception"
    summary = "An `except`/`catch` handler that only passes, continues or is empty."
    severity = Severity.WARNING
    cwe = 390
    languages = frozenset({"python", "javascript", "typescript", "tsx", "java", "kotlin"})
    options = (
        RuleOption(
            "allowNarrowWithComment",
            bool,
            True,
            "Accept an empty handler for a specific exception type when a comment says why "
            "(Java: also when the parameter is named `ignored`/`expected`).",
        ),
        RuleOption(
            "allowBroadWithComment",
            bool,
            False,
            "Accept a commented empty catch-all (`except Exception:`, Java `catch (Exception e)`).",
        ),
        RuleOption(
            "ignoredExceptions",
            list,
            DEFAULT_IGNORED,
            "Exception names that may be swallowed without a comment.",
        ),
        RuleOption(
            "includeTests",
            bool,
            False,
            "Also check test files (`test_*.py`, `*Test.java`, `*.spec.ts`, `tests/`...).",
        ),
    )
    doc = """
## What it does

Flags `except`/`catch` handlers whose body does nothing: `pass`, `continue`, `...`, `{}` or
only comments, in Python, Java, Kotlin and JavaScript/TypeScript (Go and Rust have no
exceptions: FG302, FG303 and FG305 cover their dropped errors). **The verdict depends on what
the handler catches, whether you could have caught less, and what the code around it does
with the failure.**

**Never a finding**, whatever the handler catches (except Java `InterruptedException`):

- **Trying candidates in a loop**: the `try` sits in a loop, and its block (or Python's
  `else:`, or a statement after it in the loop body) returns or breaks out on success, so a
  failure moves on to the next candidate and the code after the loop is the fallback:
  `for fmt in FORMATS: try: return datetime.strptime(s, fmt) / except ValueError: pass`,
  `for (String p : patterns) { try { return LocalDate.parse(raw, of(p)); } catch (Exception
  e) {} }`, `while True: key = new_key() / try: save(key) / except Taken: continue / return`.
  Polling is the same shape: a timeout (`socket.timeout`, `TimeoutError`,
  `SocketTimeoutException`...) caught in a loop is how the loop wakes up to check whether to
  stop (`while running: try: conn.drain_events(timeout=1) / except socket.timeout: pass`).
- **One attempt of a chain**: the `try` returns on success and the next statement is the next
  `try` (`try { return parse(s, FMT_A) } catch (e: Exception) {} / try { return parse(s,
  FMT_B) } ...`).
- **Test support**: a Python module built on a testing package (`from ...testing.provision
  import ...`, `import pytest`) is skipped like a test file.
- **The failure is reported right after**: the `try` returns what it found and the statement
  after it warns or raises (`if value: return value / except DBAPIError: pass /
  util.warn("Could not detect the charset")`); or the statement right after the `try` (or, when the
  `try` ends an `if` branch, the statement after that `if`) is an `if`
  whose condition reads a name the `try` block assigns (`x`, `self.x`, `this.x`), or one the
  `try`'s single call was given (`os.rename(tmp, path) ... if not os.path.exists(path):
  raise`: the effect itself is checked), and whose
  branch raises or throws, calls a logger (`log.error`, `logger.warning`, `console.error`,
  `warnings.warn`...), calls `abort(...)`, or returns an error value (a `return` naming an
  `...Error`/`...Exception`/`Invalid...`/`BadRequest`/`Failure`, `Err(...)`, or a 4xx/5xx
  status): `port = None / try: port = int(raw) ... / except ValueError: pass / if port is None:
  raise ConfigError(...)`. An `if` that only picks a default (`if x is None: x = 3`) is not a
  report.
- **The failure has its own path**: Python's `try` / `except E: pass` / `else: return`, where
  success leaves and falling through the handler leads to what the failure means (`yield
  "not a valid timestamp"`).
- **A signal, not an error**: every caught type is named as one (`...Done`, `...Finished`,
  `...Completed`, `...Skip`: Trac's `RequestDone` says a response was sent).
- **A test that expects the exception**: test files (`test_*.py`, `*Test.java`,
  `*.spec.ts`, `tests/`...) are skipped unless the `includeTests` option is set; in any file,
  a `try` holding only calls, assertions and declarations inside a test function (`def
  test_*`, a `@Test`/`@ParameterizedTest`/`@RepeatedTest` method, a callback of `it(...)` /
  `test(...)`, a benchmark case `suite.add("invalid input", () => ...)`) is an
  expected-exception test.
- **A function whose contract is not to fail**: its name says it swallows (`closeQuietly`,
  `cancelIgnoringExceptions`, `silent_remove`, `parse_date_safe`, `generic_repr`: `quiet`,
  `ignor`, `silent`, `safe`, `safely`, `repr`), or it must not raise (`__repr__`, `__str__`,
  `__del__`, `__eq__`, `__hash__`, `equals`, `hashCode`, `toString`, `finalize`).
- **Vendored third-party code**: files under `vendor/`, `vendored/`, `third_party/`,
  `node_modules/`, `bower_components/`, and `*.min.js`. No reviewer of the project changes
  them.
- Cleanup inside another handler: `except: rollback(); raise` / `catch (e) { try { await
  tx.rollback() } catch {} throw e }`. The original error is in flight; a secondary failure
  must not mask it.
- Another linter's explicit waiver on the handler (`# noqa: BLE001`, `# pylint:
  disable=broad-except`, `# nosec`, `// eslint-disable-line no-empty`).

**How sure, and how loud.** A swallowed error matters as much as what it loses, so the
severity follows what the guarded block does (its calls whose value is dropped, lambdas passed
to `forEach { }` included):

- **Writes**: the block writes, commits, flushes, sends, saves, publishes, executes, or
  closes something written to. Catch-all: warning, high. Specific type: warning, high for an
  I/O, SQL or network type, medium for any other.
- **Effects Forge cannot name** (`repo.markSettled(id)`, `x()`). Catch-all: warning, medium.
  Specific type: warning, medium for an I/O, SQL or network type (not `PermissionError`: not
  being allowed to `chown` is the expected failure of an optional step); else info, low.
- **Teardown or reads only** (below): info, low, whatever the type.

- **Written to** (a failed close is lost data): the receiver's name (`out`, `writer`, `sink`,
  `tx`, `transaction`, `producer`...), its declared type (`Writer`, `OutputStream`, `Sink`,
  `Transaction`...), a write to it in the function (`ledger.write(`), or Python's
  `open(p, "w")`. An `execute` of a query that only reads (a literal, or a name the function
  sets to one, starting `SELECT` without `FOR UPDATE`, `SHOW`, `EXPLAIN`, `DESCRIBE`, or a
  `PRAGMA` without a value) is a read. **Teardown** (a failure loses nothing): closing,
  shutting down or releasing a socket, selector, channel, pool, connection, client, server,
  input stream, reader or cursor (by declared type), a receiver Forge cannot place, deleting a
  file (`os.unlink`, `shutil.rmtree`), changing permissions, owner or times (`os.chmod`,
  `os.chown`), or any call inside a function that tears down (`close`, `dispose`, `__exit__`,
  Kotlin's `OnDestroy { }`).
- **Reads** are assignments, returns, lookups, parses, imports, logging, validation probes
  (`validate_sql(sql)`, `check...`, `verify...`) and edits of a local collection (`found =
  [] / found.append(x)`, `new Map()`).
- **Info, low, whatever the block**: a catch-all whose handler gives a reason (below) or whose
  Java/Kotlin parameter says so (`ignored`, `_`); a `try` inside a loop over a literal list
  of candidates (`for fts in ("FTS5", "FTS4"): try: conn.execute(...)`): a probe; a `try` in a
  function that handles another error (`handle_dbapi_exception`, `onError`) or inside a
  `finally` (cleanup that must not hide the error in flight); `except BrokenPipeError` (the
  reader went away: stopping the write is the answer).
- **No finding** in a module's own logger (`_debug(msg)`, `log(msg)`): logging must not raise.
- **Java `InterruptedException`** stays a warning, high (below).

Catch-alls are bare `except:`, `except Exception` / `BaseException` (also inside a tuple), Java
`catch (Exception | Throwable | RuntimeException | Error e)`, Kotlin `catch (e: Exception)` /
`Throwable`, and every JavaScript `catch` without a reason. A catch-all with a reason stays
visible at info: the comment explains the failure you expected, not the `TypeError` from the
bug you have not found yet (`allowBroadWithComment`, default `false`, accepts it).

**JavaScript/TypeScript `catch` cannot be narrowed**, so a comment that gives a reason, in the
block or after it on the same line, is the only statement of intent left and is accepted, as
ESLint's `no-empty` does. `try { return JSON.parse(s) } catch {}` with no reason is flagged:
the catch cannot say it expects the `SyntaxError` and nothing else.

**A specific exception type** is accepted when:

- **the failure is the answer**: the `try` holds one simple statement (or Python's `try` has an
  `else:` branch for the success path), and the exception is not a real failure (below): `try:
  return cache[key] / except KeyError: pass`, `Integer.parseInt(raw)` /
  `NumberFormatException`, `it.next()` / `NoSuchElementException`, `resolve(path)` /
  `Resolver404`, `import x` / `ImportError`, `os.remove(p)` / `FileNotFoundError`. A longer
  `try` that returns what it found is accepted for lookups and parses only: `KeyError`,
  `IndexError`, `LookupError`, `AttributeError`, `StopIteration`, `ImportError`,
  `FileNotFoundError`, `UnicodeDecodeError`, `JSONDecodeError`, `NumberFormatException`,
  `NoSuchElementException`, `DateTimeException`, `ClassNotFoundException`, `NoSuch...`,
  `...DoesNotExist`, `...AlreadyExists`, `...NotFound(Error|Exception)`, `NoResultFound`,
  `ValidationError`; and `ValueError`, `TypeError`, `OverflowError`, `IllegalArgumentException`
  when the block parses (`int(`, `float(`, `Decimal(`, `UUID(`, `json.loads(`, `strptime(`,
  `fromisoformat(`, `parse...(`, `valueOf(`, `fromString(`, `toInt()`...);
- **a short block does the lookup or the parse**: at most three statements with no loop,
  `with` or nested `try`, holding the operation the type comes from (`KeyError`, `IndexError`,
  `LookupError`: a subscript or `.pop(`; `AttributeError`: an attribute; `StopIteration`:
  `next(`; `FileNotFoundError`: `remove`/`unlink`/`open`/`stat`...), or, for `ValueError`/
  `TypeError`, a parse and no call but parses and string splitting (`srid = int(raw) / srs =
  "EPSG:%d" % srid`, not `n = int(raw) / limits.check(n)`);
- **a comment gives a reason** (see below), in the handler, on its line, or right above the
  `try` when it speaks of the failure (names the type, or says `error`, `exception`, `fail`,
  `ignore`, `raise`, `throw`, `exists`: a comment there that only says what the block does is
  not about the handler), or a Java or Kotlin parameter is named
  `ignored`/`expected`/`cannotHappen` (IntelliJ's convention, a waiver like `noqa`);
  `allowNarrowWithComment` (default `true`) turns these escapes off;
- it is listed in `ignoredExceptions` (default `ImportError`, `ModuleNotFoundError`: the
  optional-dependency probe, whose fallback *is* the handling; `KeyboardInterrupt`: a CLI
  leaving quietly on Ctrl-C).

**A real failure is never the answer**: around an I/O, SQL or network error type (`OSError`,
`IOError`, `PermissionError`, `ConnectionError`, `socket.error`, `DatabaseError`,
`OperationalError`, `IntegrityError`, `SQLAlchemyError`, `RequestException`, `HTTPError`,
`IOException`, `UncheckedIOException`, `SQLException`, `SocketException`, `EOFException`,
`DataAccessException`...), or any type that is not a plain lookup around a call that writes,
sends, flushes, commits or closes, the escapes above for a specific type do not apply; the
table decides how loud the finding is.

**What counts as a reason in a comment.** A comment for people (tool directives such as
`# type: ignore` or `// eslint-disable...` for other rules do not count) that is not only a
label. A label names the empty handler and says nothing else: every word is one of `ignore`,
`ignored`, `do nothing`, `noop`, `no-op`, `empty`, `pass`, `skip`, `swallow`, `silently`,
`intentionally`, `ok`, `fine`, `best effort`, `exception`, `error`... (`// ignore`, `/* do
nothing */`, `# pass`, `// empty`, `// best effort`), and a `TODO`/`FIXME` is never a reason.
Anything else with at least two words (`# Invalid header.`, `// shouldn't happen`) or with a
word that carries a reason (`because`, `since`, `already`, `expected`, `optional`, `missing`,
`unsupported`, `fallback`, `default`, `retry`, `next`, `never`, `cannot`, `may`, `happen`...)
is a reason.

**Kotlin** follows the Java policy. `runCatching { }` and Python's `contextlib.suppress(...)`
are not handlers at all and are out of scope (`suppress` names its exception types by
construction). **Java `InterruptedException` is always flagged**: an empty handler clears the
thread's interrupt status, and the executor shutting down waits for a thread that no longer
knows it was asked to stop. The one exception is a parameter named `cannotHappen` or
`impossible` (`ForkJoinPool.managedBlock` of a blocker that never throws): the author states
the interrupt cannot arrive; `ignored` does not say that.

What Forge cannot see: an exception handled by a caller the handler's function reports to,
a `finally` that records the failure, a result tested further down than the next statement,
and types: `except self.interface_errors` is judged by its name only.
There is no quick fix: Forge cannot know your logger or what the fallback should be.

## Why it matters in production

The exception that would have paged you is gone. The request returns 200 with half its work
done, the retry never happens because nothing failed, and three weeks later someone finds the
invoices that were never sent. A catch-all that passes also swallows the `KeyError` from a
renamed field, the `NullPointerException` from a missing config and the `TypeError` from a
refactor, so the bug ships and hides. Nobody reads the logs for an error that was never logged.

## Example

```python
try:
    charge(order)
except Exception:
    pass  # best effort
```

```javascript
try {
  await publish(event);
} catch (e) {}
```

```java
try {
    Thread.sleep(backoff);
} catch (InterruptedException e) {
}
```

```kotlin
try {
    client.send(order)
    repo.markSynced(order.id)
} catch (e: Exception) {}
```

## Use instead

Catch the one exception you expect, and log or re-raise everything else:

```python
try:
    os.remove(lock_path)
except FileNotFoundError:
    pass  # already released by the other worker

try:
    charge(order)
except PaymentDeclined as exc:
    log.warning("payment declined", extra={"order_id": order.id, "reason": exc.reason})
    order.mark_declined()
```

```typescript
try {
  await publish(event);
} catch (err) {
  logger.error({ err, eventId: event.id }, "publish failed; will retry");
  throw err;
}
```

```java
try {
    Thread.sleep(backoff);
} catch (InterruptedException e) {
    Thread.currentThread().interrupt();
    return;
}
```

```kotlin
try {
    client.send(order)
} catch (e: IOException) {
    log.warn("push failed for order {}", order.id, e)
    throw OrderSyncException(order.id, e)
}
```

If swallowing really is right, say why in the handler, or suppress the line with
`# forge: ignore[FG301]` and the reason.

## How to test it

Make the guarded call fail (a mock that raises, a fault-injecting fake, a closed connection)
and assert the observable outcome: the error is logged with context (`caplog`, a log spy),
re-raised as a domain error, or counted in a metric. For `InterruptedException`, interrupt the
worker thread in the test and assert `Thread.currentThread().isInterrupted()` afterwards.

## References

- [CWE-390: Detection of Error Condition Without Action](https://cwe.mitre.org/data/definitions/390.html)
- [OWASP Top 10 A09:2021 Security Logging and Monitoring Failures](https://owasp.org/Top10/A09_2021-Security_Logging_and_Monitoring_Failures/)
- [Python docs: Handling exceptions](https://docs.python.org/3/tutorial/errors.html#handling-exceptions)
- [Java Concurrency in Practice, 7.1.3: Responding to interruption](https://jcip.net/)
"""

    def check(self, ctx: CheckContext) -> Iterable[Finding]:
        if ctx.in_test_file and not ctx.options.get("includeTests", False):
            return  # a test swallows the exception it expects, and asserts on what follows
        if hc.vendored(ctx.path):
            return
        if ctx.in_test_support and not ctx.options.get("includeTests"):
            return  # a module built on a testing package (`from ...testing import`) is test code
        policy = _Policy(
            allow_narrow=bool(ctx.options.get("allowNarrowWithComment", True)),
            allow_broad=bool(ctx.options.get("allowBroadWithComment", False)),
            ignored=frozenset(ctx.options.get("ignoredExceptions", DEFAULT_IGNORED)),
        )
        python = ctx.language.name == "python"
        for _, match in _handlers(ctx, python):
            clause, body = match["clause"][0], match["body"][0]
            if has_error(clause) or (python and body.child_count == 0):
                # Python has no empty blocks: one is a handler still being typed.
                continue
            noop = sw.python_body_is_noop(body) if python else sw.brace_body_is_noop(body)
            if not noop or _inside_handler(clause):
                continue
            handler = _handler(ctx, clause, body)
            verdict = handler and policy.verdict(handler)
            if handler and verdict:
                yield self.finding(
                    clause,
                    verdict.message,
                    end_node=handler.header_end,
                    severity=verdict.severity,
                    confidence=verdict.confidence,
                )


def _handlers(
    ctx: CheckContext, python: bool
) -> list[tuple[int, dict[str, list[tree_sitter.Node]]]]:
    """The handler matches of the file; scripts share the pass with FG304's promise handlers."""
    if python:
        return ctx.matches(PYTHON_QUERY)
    if ctx.language.name == "kotlin":
        return ctx.matches(KOTLIN_QUERY)
    if ctx.language.name in sw.SCRIPT_LANGUAGES:
        return sw.script_error_pass(ctx)[0]
    return ctx.matches(BRACE_QUERY)


@dataclass(frozen=True, slots=True)
class _Handler:
    """What the policy looks at in one do-nothing handler."""

    header_end: tree_sitter.Node
    shown: str  # the header as the message quotes it
    kind: str  # CATCH_ALL, NARROW or INTERRUPT
    types: frozenset[str]
    explained: bool  # a comment or an intent-revealing parameter name says why
    waived: bool  # another linter's suppression of the same check
    context: _Context  # what the code around the handler does with the failure
    cannot_happen: bool = False  # Java/Kotlin parameter named `cannotHappen`/`impossible`


CATCH_ALL, NARROW, INTERRUPT = "catch-all", "narrow", "interrupt"


@dataclass(frozen=True, slots=True)
class _Context:
    """What the code around a do-nothing handler says about the failure."""

    answer: bool  # a lookup or parse whose failure is the answer (one statement, or it returns)
    one_statement: bool  # the `try` guards one simple statement
    candidates: bool  # one attempt in a loop that returns or breaks on success, or of a chain
    reported: bool  # the statement after the `try` tests the result and raises/logs/errs
    expected: bool  # a test function's `try` of calls: the exception is the expected outcome
    by_contract: bool = False  # the function says it swallows, or must not raise
    effect: str = fx.READS  # what the guarded block does: WRITES, EFFECTS, TEARDOWN or READS
    probe: bool = False  # one candidate of a literal list tried in a loop
    in_flight: bool = False  # the function handles another error (`handle_dbapi_exception`)


def _context(
    ctx: CheckContext, clause: tree_sitter.Node, types: frozenset[str], one_statement: bool
) -> _Context:
    try_node = clause.parent
    block = hc.try_block(try_node) if try_node is not None else None
    if try_node is None or block is None:
        return _Context(False, one_statement, False, False, False)
    guarded = ctx.text(block)
    if hc.has_else(try_node) and hc.else_exits(try_node):
        answer = bool(types)
    elif hc.lost_failure(types, guarded):
        answer = False
    elif one_statement or hc.has_else(try_node):
        answer = bool(types)
    elif hc.small_lookup(types, block):
        answer = True
    else:
        answer = hc.failure_is_answer(types, guarded) and hc.returns_answer(try_node)
    candidates = hc.tries_candidates(try_node) or hc.polls(try_node, types)
    return _Context(
        answer=answer,
        one_statement=one_statement,
        candidates=candidates or fx.tries_next(try_node),
        reported=hc.reported_after(try_node) or hc.reported_after_return(try_node),
        expected=hc.expects_exception(try_node),
        by_contract=hc.quiet_by_contract(try_node),
        effect=fx.guarded_effect(try_node, ctx.source.decode("utf-8", "replace")),
        probe=fx.probes_candidates(try_node),
        in_flight=fx.error_in_flight(try_node),
    )


@dataclass(frozen=True, slots=True)
class _Verdict:
    message: str
    severity: Severity
    confidence: Confidence


_WHY_INFO = {
    fx.TEARDOWN: "around a teardown or an optional step (a close of something being "
    "discarded, a change of permissions)",
    fx.READS: "around a read, a parse or a probe whose fallback is the default",
    fx.EFFECTS: "around calls whose effect Forge cannot name",
    fx.WRITES: "around a write",
}


@dataclass(frozen=True, slots=True)
class _Policy:
    allow_narrow: bool
    allow_broad: bool
    ignored: frozenset[str]

    def verdict(self, handler: _Handler) -> _Verdict | None:
        """The finding for a do-nothing handler, or None when the policy accepts it."""
        context = handler.context
        if handler.waived or context.expected:
            return None
        if handler.kind == INTERRUPT and not handler.cannot_happen:
            return _Verdict(
                f"`{handler.shown}` with an empty body clears the thread's interrupt status: "
                "call `Thread.currentThread().interrupt()` or let the exception propagate.",
                Severity.WARNING,
                Confidence.HIGH,
            )
        if context.candidates or context.reported or context.by_contract:
            return None
        if handler.kind == CATCH_ALL:
            return self._catch_all(handler)
        if self.allow_narrow and handler.explained:
            return None
        if context.answer or (handler.types and handler.types <= self.ignored):
            return None
        if handler.types and all(_SIGNAL.search(name) for name in handler.types):
            return None
        return self._narrow(handler)

    def _catch_all(self, handler: _Handler) -> _Verdict | None:
        context = handler.context
        if self.allow_broad and handler.explained:
            return None
        quiet = context.probe or context.in_flight or context.effect in (fx.TEARDOWN, fx.READS)
        if handler.explained or quiet:
            why = "with a reason given" if handler.explained else _WHY_INFO[context.effect]
            if context.probe or context.in_flight:
                why = "while probing candidates or handling another error"
            return _Verdict(
                f"`{handler.shown}` does nothing {why}: likely on purpose, but a catch-all also "
                "hides bugs; catch the exception you expect.",
                Severity.INFO,
                Confidence.LOW,
            )
        if context.effect == fx.WRITES:
            return _Verdict(
                f"`{handler.shown}` does nothing around a write, commit or send and swallows "
                "every error, the bugs included: a failure here is lost data; catch the "
                "exception you expect, and log or rethrow the rest.",
                Severity.WARNING,
                Confidence.HIGH,
            )
        return _Verdict(
            f"`{handler.shown}` does nothing and swallows every error, the bugs included: "
            "catch the exception you expect, and log or rethrow the rest.",
            Severity.WARNING,
            Confidence.MEDIUM,
        )

    def _narrow(self, handler: _Handler) -> _Verdict:
        context = handler.context
        real = bool(handler.types & hc.FAILURE_TYPES)
        quiet = context.probe or context.in_flight or context.effect in (fx.TEARDOWN, fx.READS)
        if handler.types and handler.types <= _READER_GONE:
            return _Verdict(
                f"`{handler.shown}` does nothing: the reader went away, and stopping the "
                "write is the usual answer; say so in a comment.",
                Severity.INFO,
                Confidence.LOW,
            )
        if not quiet and context.effect == fx.WRITES:
            return _Verdict(
                f"`{handler.shown}` does nothing around a write, commit, send or close of "
                "something written to (a failed close or flush can be lost data): log the "
                "error, or say in a comment why losing it is safe.",
                Severity.WARNING,
                Confidence.HIGH if real else Confidence.MEDIUM,
            )
        # Not being allowed to (`chown`, `chmod`) is the expected failure of an optional step.
        if not quiet and handler.types & hc.FAILURE_TYPES - {"PermissionError"}:
            return _Verdict(
                f"`{handler.shown}` does nothing around several statements that can fail for "
                "real (I/O, SQL, network): handle or log the error, or say in a comment why "
                "ignoring it is safe.",
                Severity.WARNING,
                Confidence.MEDIUM,
            )
        why = _WHY_INFO[context.effect]
        if context.probe or context.in_flight:
            why = "while probing candidates or handling another error"
        return _Verdict(
            f"`{handler.shown}` does nothing {why}: the failure may well be the answer, but "
            "say so in a comment.",
            Severity.INFO,
            Confidence.LOW,
        )


# Exceptions a framework raises to say something went right or is to be skipped (Trac's
# `RequestDone` after a response is sent): control flow, not a failure.
_SIGNAL = re.compile(r"(Done|Finished|Completed|Skip|Skipped)$")
# A write to a pipe or socket whose reader has gone: the end of the conversation, not lost data.
_READER_GONE = frozenset({"BrokenPipeError", "EPIPE", "ClosedChannelException"})


def _handler(
    ctx: CheckContext, clause: tree_sitter.Node, body: tree_sitter.Node
) -> _Handler | None:
    language = ctx.language.name
    if language == "python":
        return _python_handler(ctx, clause, body)
    header_end = sw.child_token(clause, ")", last=True) or sw.child_token(clause, "catch")
    if header_end is None:
        return None
    shown = _header_text(ctx, clause, header_end)
    comments = sw.comments_of(body) + sw.trailing_comments(body) + sw.leading_comments(clause)
    waived = any(WAIVER.search(ctx.text(c)) for c in comments)
    explained = any(_gives_reason(ctx, c) for c in comments)
    if language == "kotlin":
        types, name = ct.kotlin_caught_types(ctx, clause)
        kind = INTERRUPT if "InterruptedException" in types else NARROW
        kind = CATCH_ALL if JAVA_BROAD & types and not _unchecked_rethrown(ctx, clause) else kind
        explained = explained or bool(name and JAVA_INTENT_NAME.match(name))
        explained = explained or _explained_above(clause, types)
        context = _context(ctx, clause, types, _kotlin_eafp(clause))
        cannot = bool(name and CANNOT_HAPPEN.match(name))
        return _Handler(header_end, shown, kind, types, explained, waived, context, cannot)
    if language != "java":
        # JavaScript cannot narrow a catch: the comment is the only statement of intent left.
        explained = explained or _explained_above(clause, frozenset())
        kind = NARROW if explained else CATCH_ALL
        context = _context(ctx, clause, frozenset(), one_statement=False)
        return _Handler(header_end, shown, kind, frozenset(), explained, waived, context)
    types, name = ct.java_caught_types(ctx, clause)
    if "InterruptedException" in types:
        kind = INTERRUPT
    else:
        kind = CATCH_ALL if JAVA_BROAD & types else NARROW
    explained = explained or bool(name and JAVA_INTENT_NAME.match(name))
    explained = explained or _explained_above(clause, types)
    context = _context(ctx, clause, types, _eafp(clause))
    cannot = bool(name and CANNOT_HAPPEN.match(name))
    return _Handler(header_end, shown, kind, types, explained, waived, context, cannot)


def _python_handler(
    ctx: CheckContext, clause: tree_sitter.Node, body: tree_sitter.Node
) -> _Handler | None:
    header_end = sw.child_token(clause, ":")
    if header_end is None:
        return None
    types = ct.python_caught_types(ctx, clause)
    comments = _python_comments(clause, body)
    waived = any(WAIVER.search(ctx.text(c)) for c in comments)
    kind = CATCH_ALL if not types or PY_BROAD & types else NARROW
    shown = _header_text(ctx, clause, header_end)
    explained = any(_gives_reason(ctx, c) for c in comments) or _explained_above(clause, types)
    context = _context(ctx, clause, types, _eafp(clause))
    return _Handler(header_end, shown, kind, types, explained, waived, context)


def _explained_above(clause: tree_sitter.Node, types: frozenset[str]) -> bool:
    """A comment right above the `try` that says why its failure may be ignored."""
    return clause.parent is not None and hc.reason_above(clause.parent, types)


def _gives_reason(ctx: CheckContext, comment: tree_sitter.Node) -> bool:
    """A comment for people (not a tool directive) that says why, not only `// ignore`."""
    return sw.explains(comment) and hc.gives_reason(ctx.text(comment))


def _inside_handler(clause: tree_sitter.Node) -> bool:
    """A cleanup failure swallowed while another error is already being handled.

    `except: rollback(); raise` / `catch (e) { try { await rollback() } catch {} throw e }`:
    the original error is in flight, and a secondary failure must not mask it.
    """
    for ancestor in base.ancestors(clause):
        if ancestor.type in HANDLER_TYPES:
            return True
        if ancestor.type in FUNCTION_TYPES:
            return False
    return False


def _eafp(clause: tree_sitter.Node) -> bool:
    """True when the guarded `try` block is one simple statement."""
    try_statement = clause.parent
    body = try_statement.child_by_field_name("body") if try_statement else None
    if body is None:
        return False
    statements = [c for c in body.named_children if "comment" not in c.type]
    return len(statements) == 1 and statements[0].type in SIMPLE_STATEMENTS


def _python_comments(clause: tree_sitter.Node, body: tree_sitter.Node) -> list[tree_sitter.Node]:
    """Comments on the `except` line or indented inside the handler.

    A comment dedented to the `except` column or further belongs to what follows, even when
    tree-sitter parks it at the end of the block.
    """
    column = clause.start_point[1]
    return [
        node
        for node in (*clause.named_children, *body.named_children)
        if node.type == "comment"
        and (node.start_point[0] == clause.start_point[0] or node.start_point[1] > column)
    ]


def _unchecked_rethrown(ctx: CheckContext, clause: tree_sitter.Node) -> bool:
    """`catch (e: RuntimeException) { throw e } catch (e: Exception) {}` (okio's closeQuietly).

    An earlier handler of the same `try` rethrows unchecked exceptions, so `Exception` here
    only catches the checked ones: a narrow catch spelled broadly.
    """
    sibling = clause.prev_named_sibling
    while sibling is not None and sibling.type == "catch_block":
        types, _ = ct.kotlin_caught_types(ctx, sibling)
        body = sibling.named_children[-1] if sibling.named_children else None
        rethrows = body is not None and ctx.text(body).lstrip("{ \n\t").startswith("throw")
        if types & {"RuntimeException", "Throwable"} and rethrows:
            return True
        sibling = sibling.prev_named_sibling
    return False


def _kotlin_eafp(clause: tree_sitter.Node) -> bool:
    """A Kotlin `try` whose block is one simple expression (`try { cache.getValue(k) }`)."""
    try_expression = clause.parent
    body = try_expression.named_children[0] if try_expression is not None else None
    if body is None or body.type != "block":
        return False
    statements = [c for c in body.named_children if "comment" not in c.type]
    return len(statements) == 1 and statements[0].type not in KOTLIN_COMPOUND


def _header_text(ctx: CheckContext, clause: tree_sitter.Node, end: tree_sitter.Node) -> str:
    text = ctx.source[clause.start_byte : end.end_byte].decode("utf-8", "replace")
    text = " ".join(text.split())
    return text if len(text) <= 60 else text[:57] + "..."


RULE = SwallowedException()
