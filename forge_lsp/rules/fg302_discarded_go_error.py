"""FG302 discarded-go-error: an error result assigned to the blank identifier."""

from __future__ import annotations

import re
from collections.abc import Iterable

import tree_sitter

from forge_lsp.core.model import Confidence, Finding, Severity
from forge_lsp.rules.base import CheckContext, Rule, RuleOption, has_error
from forge_lsp.rules.families import error_results as er
from forge_lsp.rules.families import swallowed as sw


class DiscardedGoError(Rule):
    code = "FG302"
    name = "discarded-go-error"
    summary = "A Go error result assigned to the blank identifier `_`."
    severity = Severity.WARNING
    cwe = 391
    languages = frozenset({"go"})
    options = (
        RuleOption(
            "flagAllSingleCalls",
            bool,
            False,
            "Flag `_ = call()` for every call, not only the well-known error-returning ones.",
        ),
        sw.INCLUDE_TESTS_OPTION,
    )
    doc = """
## What it does

Flags an error thrown away with the blank identifier.

**`v, _ := call(...)`**, `_, _ = db.Exec(q, id)`: the **last** target of a multi-value
assignment from a call is `_`. How much that matters depends on what Forge knows of the call:

- **warning, high**: I/O (`os.Open`, `io.ReadAll`, `f.Stat()`, `r.ReadString`,
  `cmd.Output()`), SQL (`db.QueryContext`, `tx.Exec`, `db.Begin`), network (`http.Get`,
  `client.Do`, `net.Dial`); a parse or decode (`strconv.Atoi`, `url.Parse`, `time.Parse`,
  `hex.DecodeString`, `x509.ParseCertificate`, `version.NewConstraint`) of request input.
- **warning, medium**: the same parses of the environment or the command line
  (`os.Getenv("PORT")`, `os.Args[1]`) or of a parameter of an exported function (callers
  outside the package may pass anything); the host (`os.Hostname`, `os.UserHomeDir`,
  `user.Current`, `time.LoadLocation` but for `"UTC"` and `"Local"`); a function or method
  **this file declares** with an `error` last result (matched as FG303 says; one that does some
  work and returns `nil` for the error on every path cannot fail: no finding).
- **info, low**: a parse of a parameter of an unexported function (it holds what the package's
  own callers pass, often validated already: `versionLess(a, b)` comparing versions checked at
  upload) or of a value Forge cannot trace (a field, another call's result);
  `json.Marshal`/`xml.Marshal`/`yaml.Marshal` of a value whose type is not read;
  `res.RowsAffected()` and `res.LastInsertId()` (they fail only where the driver lacks the
  feature, on every call); any other call: not in Forge's tables, or declared in another file
  or package.

A call Forge does not know is reported at **info** only: Go convention makes its last result an
error more often than not, but Forge does not claim it is one (the AWS SDK's
`req, out := svc.GetObjectRequest(&s3.GetObjectInput{...})` returns no error at all).

No finding when the call **cannot fail on its inputs**: a parse, decode or encode whose input
is constant on every path (`regexp.MatchString("[^a-z]", name)`: only the pattern can be bad;
`time.ParseDuration(DefaultTimeSlew)` with a `const`), `json.Marshal` of a value whose type
always encodes (strings, booleans, integers, and slices and string-keyed maps of those:
`map[string]string`, built with `make` or a literal), a URL's own text parsed again
(`url.Parse(req.URL.String())`). Other functions of pure packages (`strconv`, `url`, `regexp`,
`http`, ...) on literal arguments are skipped too (`http.NewRequest("GET", "/health", nil)`):
they fail on every run or on none, and a test catches the first case.

A **nil check** right after gives a failure a meaning: `if n, _ := trie.HasPrefix(k); n != nil {`
or `u, _ := user.Get(name)` then `if u == nil {` reads any failure as "absent", which is the
design more often than not; such a finding drops to **info, low** (check the error where a
storage failure must not look like absence).

Never an error, never flagged: calls known to end in something else: `(value, ok)`
(`os.LookupEnv`, `sync.Map.Load`, `strings.Cut`, `ctx.Deadline`, `r.BasicAuth`, gin's
`c.GetQuery`), `(value, size)` (`utf8.DecodeRune`, `math.Frexp`, `bits.Add64`), `(ctx, cancel)`
(`context.WithTimeout`), pairs (`filepath.Split`, `net.Pipe`), functions this file declares with
a non-`error` last result, and `fmt.Print*` (standard output). Map lookups, type assertions,
channel receives and `range` are never calls and never flagged.

- **Documented defaults** are accepted: the `_` of a parse whose zero value the code means.
  `on, _ := strconv.ParseBool(s)` always (the result is `false` on error, the same as an unset
  option: "anything but a valid true means off"; when `false` is the unsafe side, such as a
  `verifyTLS` switch, check the error). `strconv.Atoi`, `ParseInt`, `ParseUint`, `ParseFloat`
  and `time.ParseDuration` (0 on error) only when the `if` right after the parse, or the `if`
  whose initializer it is, compares the parsed value with a number (`n, _ := strconv.Atoi(s)`
  then `if n <= 0 { n = 20 }`, or `if d, _ := time.ParseDuration(s); d > 0 {`): the code gives
  the zero value a meaning, so bad input gets the default. A parse used directly
  (`port, _ := strconv.ParseInt(os.Getenv("PORT"), 10, 32)` then `return int(port)`) is still
  flagged: `PORT=80a` listens on a random port.
**`_ = call()`** is flagged only for calls that must be checked: `Commit`, `Flush`, `Sync`,
  `Unmarshal`, `Decode`, `Encode`, `Execute`, `Shutdown`, `Serve`, `Scan`, `Err`,
  `os.WriteFile`, `os.Rename`, `os.MkdirAll`, `io.Copy`..., and `Close` on a file opened for
  writing (`os.Create`, `os.OpenFile` with write flags) or a gzip/zip/tar/multipart writer,
  where `Close` writes the tail. `_ = tx.Rollback()`, `_ = os.Remove(tmp)` and `_ = f.Close()`
  on a file opened for reading are deliberate cleanup and stay quiet (`flagAllSingleCalls`
  flags every `_ = call()`).
- **Functions of this file** count like library ones: `_ = migrate(db)` and `_ = s.publish(o)`
  are flagged when the file declares `func migrate(...) error` or a `publish` method whose
  last result is `error` (see FG303 for how a method call is matched to its declaration),
  except functions named for cleanup (`cancel`, `close...`, `cleanup...`, `rollback...`,
  `stop...`, `kill`, `release`, `abort`, `discard`, `teardown`, `unlock`), which are treated as
  `Rollback` and `Remove` are. These have **medium** confidence: a helper's error may be
  informational. (`v, _ := s.save(o)`: see the table above.)
- Writes to `bytes.Buffer`, `strings.Builder`, hashes and `http.ResponseWriter` are skipped:
  they never fail, or the only cause is a client that already hung up. So are reads from a
  buffer (`n, _ := m.buffer.Read(p)`): their only error is `io.EOF`, "nothing left".
- Discards inside `if err != nil { ... }` are cleanup on a path that already failed.
- A comment on the line or just above that says why (`// user.Current fails when
  cross-compiling: go on without a home directory`) excuses the discard; tool directives
  (`// expect:`, `// noqa`) are not reasons, and neither is a `TODO`/`FIXME` (`// TODO: deal
  with possible errors` admits the bug).
- Test code is skipped unless `includeTests` is set: `_test.go` files, test folders, files that
  import `testing`, and test helpers (`package testutil`, a `testutils/` folder).

The heuristics read one file without types, and know nothing across files: a function of
the same package declared in another file is as unknown as an unlisted library's (info, low).
What a name holds (`os.Create`, `bufio.NewWriter`, `w http.ResponseWriter`) is learnt per
top-level function, struct fields file-wide. There is no quick fix: the right handling
depends on the call.

## Why it matters in production

`n, _ := strconv.Atoi(r.FormValue("limit"))` turns `limit=abc` into `limit=0` and the
endpoint returns nothing, with a 200. `_ = json.Unmarshal(body, &cfg)` starts the service on
zero-valued config: timeouts of 0, an empty allow-list, a pool of size 0. `_ = w.Flush()`
on a `bufio.Writer` loses the last 4 KiB of the export and nobody notices until the
customer's reconciliation fails. The `_` says "I thought about this": most of the time it
means nobody did.

## Example

```go
limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
rows, _ := db.QueryContext(ctx, "SELECT id FROM orders WHERE user_id = $1", userID)
_ = json.Unmarshal(payload, &event)
```

## Use instead

```go
limit, err := strconv.Atoi(r.URL.Query().Get("limit"))
if err != nil {
	http.Error(w, "limit must be an integer", http.StatusBadRequest)
	return
}

rows, err := db.QueryContext(ctx, "SELECT id FROM orders WHERE user_id = $1", userID)
if err != nil {
	return fmt.Errorf("list orders for %d: %w", userID, err)
}
defer rows.Close()

if err := json.Unmarshal(payload, &event); err != nil {
	return fmt.Errorf("decode event %s: %w", msgID, err)
}
```

When discarding really is right, say why on the line and suppress it:
`_ = conn.SetDeadline(t) // forge: ignore[FG302] closed conn fails the next read anyway`.

## How to test it

Feed the invalid input (`limit=abc`, a truncated JSON payload) or inject the failure with a
fake (`iotest.ErrReader`, a `sqlmock` expectation returning an error, a writer that fails
on the Nth write) and assert the caller sees the error: a 400, a wrapped error with
`errors.Is`, a counter incremented. Run `errcheck -blank ./...` in CI for type-aware coverage.

## References

- [CWE-391: Unchecked Error Condition](https://cwe.mitre.org/data/definitions/391.html)
- [Effective Go: Errors](https://go.dev/doc/effective_go#errors)
- [Go blog: Error handling and Go](https://go.dev/blog/error-handling-and-go)
- [errcheck](https://github.com/kisielk/errcheck)
- [OWASP Top 10 A09:2021 Security Logging and Monitoring Failures](https://owasp.org/Top10/A09_2021-Security_Logging_and_Monitoring_Failures/)
"""

    def check(self, ctx: CheckContext) -> Iterable[Finding]:
        matches = sw.go_error_pass(ctx).discards
        if not matches or sw.skip_go_tests(ctx):
            return
        bindings = sw.go_bindings(ctx)
        local = sw.go_local_results(ctx)
        flag_all = bool(ctx.options.get("flagAllSingleCalls", False))
        # pgx reports a failed Query again from rows.Err(): `rows, _ := conn.Query(...)` is
        # the idiom its docs show.
        pgx = bool(sw.PGX_FILE.search(ctx.source))
        for _, match in matches:
            statement, blank = match["statement"][0], match["blank"][0]
            if has_error(statement):
                continue
            call = sw.go_call(ctx, match["value"][0])
            if call is None or sw.statement_in_error_branch(statement):
                continue
            if any(er.excuses(c) for c in sw.trailing_comments(statement) + _above(statement)):
                continue  # `body, _ := io.ReadAll(r) // only for the error message`
            kinds = bindings.at(statement)
            left = statement.child_by_field_name("left")
            targets = left.named_child_count if left is not None else 0
            if targets > 1:
                if (
                    not sw.go_last_result_is_error(call, local)
                    or _quiet_write(call, kinds)
                    or (pgx and call.name == "Query")
                    or er.documented_default(ctx, statement, call)
                    or _request_output_pair(ctx, call)
                ):
                    continue
                weight = er.weigh(ctx, statement, call)
                if weight is not None:
                    yield self.finding(
                        blank,
                        weight.message,
                        severity=weight.severity,
                        confidence=weight.confidence,
                    )
                continue
            confidence = Confidence.HIGH
            flagged = flag_all or (
                _must_check(call, kinds) and not sw.closed_before_remove(statement, call)
            )
            if not flagged and er.go_same_file_error(ctx, call):
                flagged, confidence = True, Confidence.MEDIUM
            if flagged:
                yield self.finding(blank, _message(call), confidence=confidence)


def _above(statement: tree_sitter.Node) -> list[tree_sitter.Node]:
    """The comments just above `statement` (or above the `if` it initializes)."""
    if statement.parent is not None and statement.parent.type == "if_statement":
        statement = statement.parent
    if statement.prev_sibling is None and statement.parent is not None:
        statement = statement.parent  # the block's first statement: the comment opens the block
    return sw.leading_comments(statement)


def _request_output_pair(ctx: CheckContext, call: sw.GoCall) -> bool:
    """The AWS SDK's `req, out := svc.GetObjectRequest(&s3.GetObjectInput{...})`: a request and
    its output, no error."""
    if not call.name.endswith("Request") or len(call.args) != 1:
        return False
    return bool(re.fullmatch(r"&\s*\w+\.\w+Input\s*\{.*", ctx.text(call.args[0]), re.DOTALL))


# A read from an in-memory buffer fails only with io.EOF, "nothing left": not a failure.
BUFFER_READS = frozenset({"Read", "ReadByte", "ReadRune", "ReadString", "ReadBytes"})


def _quiet_write(call: sw.GoCall, kinds: dict[str, str]) -> bool:
    if call.qualified in ("fmt.Print", "fmt.Printf", "fmt.Println"):
        return True  # standard output, as FG303 treats it
    if call.name in BUFFER_READS and call.qualifier:
        return kinds.get(call.receiver_name) == sw.BUFFER or bool(
            re.search(r"(?:^|\.)(?:buf|buffer|\w+Buffer)$", call.qualifier)
        )
    if call.name in sw.WRITE_METHODS and call.qualifier:
        return sw.quiet_writer(call, kinds)
    if call.qualified.startswith("fmt.Fprint") and call.args:
        # fmt.Fprintf(&buf, ...) / fmt.Fprintln(w, ...) on a buffer or a response.
        first = call.args[0].text or b""
        name = first.decode("utf-8", "replace").lstrip("&").rsplit(".", 1)[-1]
        return kinds.get(name) in (sw.BUFFER, sw.BUFIO, sw.RESPONSE) or first.decode(
            "utf-8", "replace"
        ) in ("os.Stdout", "os.Stderr")
    return False


def _must_check(call: sw.GoCall, kinds: dict[str, str]) -> bool:
    """`_ = call()` that loses a failure that matters (see the doc for the list)."""
    if call.qualified in sw.GO_MUST_CHECK_FUNCS:
        return True
    if not call.qualifier:
        return False
    if call.name == "Close":
        return kinds.get(call.receiver_name) in sw.WRITER_KINDS
    if call.name == "Flush":
        return kinds.get(call.receiver_name) in (sw.BUFIO, sw.STREAM)
    if call.name == "Scan":
        return bool(call.args)
    if call.name == "Encode" and len(call.args) != 1:
        return False  # base64/hex Encode(dst, src) returns nothing or a length
    return call.name in sw.GO_MUST_CHECK_METHODS


def _message(call: sw.GoCall) -> str:
    shown = f"{call.qualified}()"
    return (
        f"`_ = {shown}` throws its error away: check it, or the failure it reports is lost "
        "without a trace."
    )


RULE = DiscardedGoError()
