"""FG303 unchecked-go-error: an error result never looked at (dropped call, overwritten err)."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator

import tree_sitter

from forge_lsp.core.model import Confidence, Finding, Severity
from forge_lsp.rules.base import CheckContext, Rule, has_error, lines_below
from forge_lsp.rules.families import error_results as er
from forge_lsp.rules.families import swallowed as sw

SERVE_METHODS = frozenset({"ListenAndServe", "ListenAndServeTLS", "Serve", "ServeTLS", "RunTLS"})
HTTP_CLIENT_FUNCS = frozenset({"http.Get", "http.Post", "http.Head", "http.PostForm"})
DRAIN_TARGETS = frozenset({"io.Discard", "ioutil.Discard"})


class UncheckedGoError(Rule):
    code = "FG303"
    name = "unchecked-go-error"
    summary = "A Go error never checked: the call's result is dropped, or `err` is overwritten."
    severity = Severity.WARNING
    cwe = 252
    languages = frozenset({"go"})
    options = (sw.INCLUDE_TESTS_OPTION,)
    doc = """
## What it does

Flags Go errors that nobody ever looks at, in two shapes.

**A call used as a statement whose error result is dropped.** Only calls that are known to
return an error *and* whose failure matters:

- database: `db.Exec(...)`, `tx.ExecContext(...)`, `db.Query(...)` (also leaks the rows),
  `rows.Scan(&v)`, `tx.Commit()`, `db.Ping()`;
- I/O: `w.Write(b)`, `w.WriteString(s)`, `io.Copy(dst, src)`, `os.WriteFile`, `os.Rename`,
  `os.MkdirAll`, `os.Remove`, `f.Sync()`, `json.NewEncoder(w).Encode(v)`,
  `json.Unmarshal`, `dec.Decode(&v)`, `tmpl.Execute(w, data)`, `cmd.Execute()`;
- processes and servers: `exec.Command(...).Run()`, `srv.Shutdown(ctx)`,
  `http.ListenAndServe(...)` (also in a `go` statement, where the bind error dies silently);
- `Close` only on a file opened for writing (`os.Create`, `os.OpenFile` with write flags) or
  a gzip/zip/tar/multipart writer, and `Flush` only on a `bufio.Writer` or such a writer:
  there the last write's error surfaces only at `Close`/`Flush`.

**Functions of this file** count like library ones: `reindex(db)` or `l.append(ctx, e)` as a
statement is flagged when the file declares `func reindex(...) error` or an `append` method
whose last result is `error`. A plain call matches the file's function of that name. A method
call `x.m()` matches by `x`'s type when the enclosing function declares it (the method's
receiver, a parameter `st *Store`): that type's `m`, and nothing when the type is one the file
declares no method on (`db *sql.DB`). Otherwise it matches by name alone, only when every
function and method of the file called `m` agrees on returning an error (a name declared both
with and without one is unknown). Not matched: a method on a field or a call's result
(`h.db.Save()`, `newStore().Save()`: their type is not read), a method on a local bound from
another package (`ds := datastore.New()` then `ds.Delete(k, name)`), a call whose argument
count fits no declaration of that name, a function whose every `return` gives `nil` for the
error after doing some work (it keeps the result for an interface; a body that is only `return
nil` is a stub and still counts), a call on an imported package, the names the library policy
below already judges whoever declares them (`Close`, `Flush`, `Rollback`, `Remove`, `Write*`,
`WriteHeader`, `Set*Deadline`, `Kill`), and functions named for cleanup (`cancel`, `close...`,
`cleanup...`, `stop...`, `release`, `unlock`...). `defer` and `go` of a same-file function stay
quiet, as they are for library calls, and so does a call with a comment on its line or the line
above saying why (`// best effort: the next read reports a dead stream`; a `TODO`/`FIXME`
admits the bug and excuses nothing). These findings have **medium** confidence: the library
tables list calls whose failure matters, while a helper's error may be informational (it
already logged or answered the client). Functions declared in another file of the package are
not known.

The library tables judge library calls only: a function of an imported package is not a
method of the same name (`serfin.Query(q, errch)` is not `db.Query`), and a method on a value
of this package's own type (`qq := &Tokenizer{...}` then `qq.Execute()`, the type declared in
another file) is unknown, not `tmpl.Execute`. A **`go` statement** is flagged only for a
server (`go srv.ListenAndServe()`): a goroutine's result goes nowhere, so its errors travel by
channel or log (`go serfin.Query(q, errch)`).

Not flagged: `fmt.Print*`; writes to `bytes.Buffer`, `strings.Builder`, hashes,
`os.Stdout`/`os.Stderr` and `http.ResponseWriter` (they never fail, or the client already
left); `io.Copy(io.Discard, body)` (draining); `Close` on anything not known to be a writer
(read-only files, response bodies, rows, connections). **`defer` is an idiom**: `defer
f.Close()`, `defer tx.Rollback()`, `defer os.Remove(tmp)`, `defer json.NewEncoder(w)...` are
quiet, except `defer` of `Commit`, and `Close`/`Flush` on a writer (above). Calls inside
`if err != nil { ... }` are cleanup on a path that already failed and stay quiet.

**An `err` overwritten before it is read**, within one block: `err = a(); err = b(); if err
!= nil` drops `a`'s failure. Any mention of the variable between the two assignments
(a check, a closure, a `return err`) counts as a read.

Test code is skipped unless `includeTests` is set: `_test.go` files, test folders, files that
import `testing`, and test helpers (`package testutil`, a `testutils/` folder). The heuristics read
one file without types: what a name holds (`os.Create`, `bufio.NewWriter`,
`w http.ResponseWriter`) is learnt per top-level function, struct fields file-wide. No
quick fix: the handling depends on the call.

## Why it matters in production

`db.ExecContext(ctx, "UPDATE accounts SET balance = balance - $1 WHERE id = $2", amt, id)`
as a bare statement: the deadlock, the constraint violation and the context timeout all
vanish, the handler returns 200 and the ledger is off by one transfer. `f.Close()` on a file
you just wrote hides the `ENOSPC` or NFS error that only `close(2)` reports, so the export is
truncated and the job reports success. `go srv.ListenAndServe()` with the error dropped
leaves a process that is up, healthy to the orchestrator and listening on nothing.
`err = a(); err = b()` is the same bug wearing a disguise: the code looks checked.

## Example

```go
db.ExecContext(ctx, "UPDATE orders SET status = 'paid' WHERE id = $1", id)

f, err := os.Create(path)
if err != nil {
	return err
}
defer f.Close()
w := bufio.NewWriter(f)
w.WriteString(report)
w.Flush()

err = tx.Commit()
err = publish(ctx, event)
if err != nil {
	return err
}
```

## Use instead

```go
const markPaid = "UPDATE orders SET status = 'paid' WHERE id = $1"
if _, err := db.ExecContext(ctx, markPaid, id); err != nil {
	return fmt.Errorf("mark order %d paid: %w", id, err)
}

func writeReport(path, report string) (err error) {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}()
	w := bufio.NewWriter(f)
	if _, err := w.WriteString(report); err != nil {
		return err
	}
	return w.Flush()
}

if err := tx.Commit(); err != nil {
	return fmt.Errorf("commit: %w", err)
}
if err := publish(ctx, event); err != nil {
	return fmt.Errorf("publish %s: %w", event.ID, err)
}
```

## How to test it

Inject the failure and assert it comes out: a `sqlmock` expectation that returns an error
from `Exec`, a writer that fails on the Nth write or on `Close` (`iotest.ErrReader`, a fake
`io.WriteCloser`), a full temp filesystem in an integration test. Assert the function
returns an error wrapping it (`errors.Is`) and that the handler answers 5xx. Add
`errcheck ./...` (or `golangci-lint` with `errcheck`) in CI for the type-aware version.

## References

- [CWE-252: Unchecked Return Value](https://cwe.mitre.org/data/definitions/252.html)
- [Effective Go: Errors](https://go.dev/doc/effective_go#errors)
- [errcheck](https://github.com/kisielk/errcheck)
- [Go wiki: CodeReviewComments, Handle errors](https://go.dev/wiki/CodeReviewComments#handle-errors)
- [OWASP Top 10 A09:2021 Security Logging and Monitoring Failures](https://owasp.org/Top10/A09_2021-Security_Logging_and_Monitoring_Failures/)
"""

    def check(self, ctx: CheckContext) -> Iterable[Finding]:
        if sw.skip_go_tests(ctx):
            return
        yield from self._dropped_calls(ctx)
        yield from self._overwritten(ctx)

    def _dropped_calls(self, ctx: CheckContext) -> Iterator[Finding]:
        bindings: sw.GoBindings | None = None
        # pgx reports a failed Query or Scan again from rows.Err(), as its docs show.
        pgx = bool(sw.PGX_FILE.search(ctx.source))
        for _, match in sw.go_error_pass(ctx).calls:
            call = sw.go_call(ctx, match["call"][0])
            if call is None or has_error(call.node):
                continue
            if pgx and call.name in ("Query", "Scan"):
                continue
            where = "defer" if "defer" in match else "go" if "go" in match else "statement"
            if bindings is None:
                bindings = sw.go_bindings(ctx)  # only for files with calls worth a look
            library = _drops_error_that_matters(call, bindings.at(call.node), where)
            if library and where == "go":
                # A goroutine's result goes nowhere: its errors travel by channel or log, as
                # `go serfin.Query(q, errch)` does. Only a server that fails to bind is lost.
                library = call.name in SERVE_METHODS
            if library and call.qualifier and call.qualified not in sw.GO_MUST_CHECK_FUNCS:
                library = not _not_a_library_method(ctx, call)
            same_file = not library and where == "statement" and er.go_same_file_error(ctx, call)
            if not library and not same_file:
                continue
            if sw.statement_in_error_branch(call.node) or sw.closed_before_remove(
                call.node.parent or call.node, call
            ):
                continue
            if same_file and _explained(match["statement"][0]):
                continue
            confidence = Confidence.MEDIUM if same_file else Confidence.HIGH
            yield self.finding(call.node, _call_message(call, where), confidence=confidence)

    def _overwritten(self, ctx: CheckContext) -> Iterator[Finding]:
        by_block: dict[int, list[tuple[tree_sitter.Node, str]]] = {}
        for _, match in sw.go_error_pass(ctx).assigns:
            assign = match["assign"][0]
            if assign.parent is None or has_error(assign):
                continue
            by_block.setdefault(assign.parent.id, []).append((assign, ctx.text(match["err"][0])))
        for assignments in by_block.values():
            if len(assignments) < 2:
                continue
            assignments.sort(key=lambda pair: pair[0].start_byte)
            for (first, name), (second, other) in itertools.pairwise(assignments):
                if name == other and not _read_between(ctx, first, second, name):
                    yield self.finding(first, _overwrite_message(ctx, first, second, name))


def _not_a_library_method(ctx: CheckContext, call: sw.GoCall) -> bool:
    """A call the method tables must not judge: a function of an imported package
    (`serfin.Query(q, errch)` is not `db.Query`), or a method on a value of this package's own
    type (`qq := &Tokenizer{...}` then `qq.Execute()`), declared where this file cannot see."""
    if call.qualifier in sw.file_signatures(ctx).packages:
        return call.qualified not in HTTP_CLIENT_FUNCS and not call.qualified.startswith(
            ("os.", "io.", "fmt.", "exec.", "json.")
        )
    return er.receiver_type(ctx, call) == er.PACKAGE


def _explained(statement: tree_sitter.Node) -> bool:
    """A comment on the line or just above says why the call's error is not wanted."""
    above: tree_sitter.Node = statement
    if above.prev_sibling is None and above.parent is not None:
        above = above.parent  # the first statement: a comment opening the block precedes the list
    comments = sw.trailing_comments(statement) + sw.leading_comments(above)
    return any(er.excuses(c) for c in comments)


def _drops_error_that_matters(call: sw.GoCall, kinds: dict[str, str], where: str) -> bool:
    """The call-statement policy documented in the rule doc."""
    kind = kinds.get(call.receiver_name)
    if where == "defer":
        return (
            call.name == "Commit"
            or (call.name == "Close" and kind in sw.WRITER_KINDS)
            or (call.name == "Flush" and kind in (sw.BUFIO, sw.STREAM))
        )
    qualified = call.qualified
    if qualified.startswith("fmt.Fprint"):
        return bool(call.args) and kinds.get(_arg_name(call.args[0])) == sw.WFILE
    if qualified in ("io.Copy", "io.CopyN", "io.CopyBuffer", "io.WriteString") and call.args:
        destination = call.args[0].text or b""
        dst_kind = kinds.get(_arg_name(call.args[0]))
        return destination.decode() not in DRAIN_TARGETS and dst_kind not in (
            sw.BUFFER,
            sw.RESPONSE,
            sw.BUFIO,
        )
    if qualified in sw.GO_MUST_CHECK_FUNCS or qualified in HTTP_CLIENT_FUNCS:
        return True
    if qualified in ("os.Remove", "os.RemoveAll"):
        return True
    return bool(call.qualifier) and _method_drops_error(call, kinds)


def _method_drops_error(call: sw.GoCall, kinds: dict[str, str]) -> bool:
    name = call.name
    kind = kinds.get(call.receiver_name)
    if name == "Close":
        return kind in sw.WRITER_KINDS
    if name == "Flush":
        return kind in (sw.BUFIO, sw.STREAM) or call.qualifier.startswith("bufio.NewWriter")
    if name in sw.WRITE_METHODS:
        return not sw.quiet_writer(call, kinds)
    if name in sw.DB_METHODS or name == "Scan":
        return bool(call.args)
    if name in sw.COMMAND_METHODS:
        return kind == sw.COMMAND or call.qualifier.startswith("exec.Command")
    if name == "Encode" and len(call.args) != 1:
        return False  # base64/hex Encode(dst, src) returns nothing or a length
    return name in sw.GO_MUST_CHECK_METHODS or name in SERVE_METHODS


def _arg_name(node: tree_sitter.Node) -> str:
    text = (node.text or b"").decode("utf-8", "replace")
    return text.lstrip("&").rsplit(".", 1)[-1]


def _read_between(
    ctx: CheckContext, first: tree_sitter.Node, second: tree_sitter.Node, name: str
) -> bool:
    """Is `name` mentioned after `first` and before `second` stores into it again?"""
    mention = re.compile(rb"\b" + re.escape(name.encode()) + rb"\b")
    if mention.search(ctx.source, first.end_byte, second.start_byte):
        return True
    right = second.child_by_field_name("right")
    left = second.child_by_field_name("left")
    if right is not None and mention.search(ctx.source, right.start_byte, right.end_byte):
        return True
    # `x, err := f(err)` aside, `err` elsewhere on the left (`err, n = ...`) is a store too.
    return left is None


def _call_message(call: sw.GoCall, where: str) -> str:
    shown = f"{call.qualified}()"
    if where == "defer":
        return (
            f"`defer {shown}` drops the error that reports whether the data made it: close or "
            "commit explicitly and return its error (or merge it into a named result)."
        )
    if where == "go":
        return (
            f"`go {shown}` drops its error: the server can fail to bind and the process stays "
            "up listening on nothing; log it and stop the process."
        )
    return (
        f"The error from `{shown}` is dropped: check it, or the failure is lost and the "
        "caller sees success."
    )


def _overwrite_message(
    ctx: CheckContext, first: tree_sitter.Node, second: tree_sitter.Node, name: str
) -> str:
    return (
        f"`{name}` set here is overwritten {lines_below(second, first)} before anyone reads "
        "it: check it right after the call."
    )


RULE = UncheckedGoError()
