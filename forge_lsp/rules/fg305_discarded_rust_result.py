"""FG305 discarded-rust-result: a Rust `Result` thrown away with `let _ =` or `.ok();`."""

from __future__ import annotations

import re
from collections.abc import Iterable

import tree_sitter

from forge_lsp.core.model import Confidence, Finding, Severity
from forge_lsp.rules.base import CheckContext, Rule, RuleOption, ancestors, has_error
from forge_lsp.rules.families import credentials as cred
from forge_lsp.rules.families import error_results as er
from forge_lsp.rules.families import swallowed as sw

Node = tree_sitter.Node

QUERY = """
(let_declaration pattern: "_" value: (_) @value) @let
((expression_statement
   (call_expression
     function: (field_expression value: (_) @source field: (field_identifier) @ok)
     arguments: (arguments) @args)) @statement
 (#eq? @ok "ok"))
"""

# Methods that return a `Result` by convention, whatever the receiver: channel sends, writer
# flushes and writes, transaction commits, thread joins, statement execution.
FALLIBLE_METHODS = frozenset(
    {
        "send",
        "try_send",
        "flush",
        "write_all",
        "write_fmt",
        "sync_all",
        "sync_data",
        "commit",
        "execute",
        "execute_batch",
        "batch_execute",
        "set_permissions",
        "shutdown",
    }
)
# `handle.join()` returns a `Result`; `parts.join(",")` returns a `String`.
NO_ARGUMENT_FALLIBLE = frozenset({"join"})
FALLIBLE_MACROS = frozenset({"write", "writeln"})
# `fs::remove_file`, `std::fs::write`, `tokio::fs::create_dir_all`: every `fs` function fails.
FS_PATH = re.compile(r"(?:^|::)fs::\w+$")


class DiscardedRustResult(Rule):
    code = "FG305"
    name = "discarded-rust-result"
    summary = "A Rust `Result` discarded with `let _ =` or a statement-level `.ok();`."
    severity = Severity.WARNING
    cwe = 391
    languages = frozenset({"rust"})
    options = (
        RuleOption(
            "includeTests",
            bool,
            False,
            "Also check test code (`tests/`, `#[cfg(test)] mod tests`, `#[test]` functions), "
            "where `let _ = fs::remove_file(tmp)` is routine cleanup.",
        ),
    )
    doc = """
## What it does

Flags a `Result` thrown away without a look:

- **`expr.ok();` as a statement**: `.ok()` turns the `Result` into an `Option`, and the
  statement drops it. This form needs no type information: whatever `expr` is, its error
  is gone. (`.ok()` whose value is used, `if let Some(v) = x.ok()`, is not flagged.)
- **`let _ = expr;`** where `expr` is a call that returns a `Result` by convention. Without
  types Forge uses a list of known fallible calls: every `fs::*` function
  (`fs::remove_file`, `std::fs::write`, `tokio::fs::rename`), the `write!` / `writeln!`
  macros, and the methods `.send()`, `.try_send()` (channel sends: see below), `.flush()`,
  `.write_all()`,
  `.sync_all()`, `.commit()`, `.execute()`, `.batch_execute()`, `.shutdown()`, and
  `.join()` without arguments (a `JoinHandle`; `parts.join(",")` is a `String`). `.await`
  is looked through, and so is a trailing `.ok()` (`let _ = tx.send(e).ok();`). `.close()`
  is not in the list: `sqlx::Pool::close` and tokio's
  `Receiver::close` return `()`, and `let _ = pool.close().await` is harmless.
- **`let _ = f(...);` on a function or method of this file** that returns a `Result`: a return
  type named `Result` or ending in `Result` (`Result<T, E>`, `io::Result<T>`,
  `anyhow::Result<T>`, an alias such as `ParseResult<T>`; not `fmt::Result`, whose error
  carries nothing and never comes from a `String`), outermost
  (`Option<Result<..>>` is an `Option`), and not an either (`Result<u64, u64>`, the
  compare-and-swap shape, whose `Err` is a value). `load()` and `mod` functions match by
  name; `Self::load()` and `Store::load()` by the `impl` block; `self.save()` by the
  surrounding `impl`, `store.save()` by name when every same-named function and method of the
  file agrees (a name declared with and without a `Result` is unknown). An `async fn` counts
  under `.await` only. Functions of other modules and crates are not known. These findings
  have **medium** confidence: a helper's error may be informational.

**A channel send** (`let _ = tx.send(res);`, `let _ = tx.try_send(e);`, a `send` with one
argument, `.await` and `.ok()` looked through) is reported at **info, low confidence** only: its
one failure is a receiver that is gone (for `try_send`, also a full channel), and dropping it is
the documented idiom for "nobody is listening any more": the oneshot whose caller cancelled,
the event bus during shutdown. On real crates most `let _ =` sends are that idiom. It stays
visible because a lost message sometimes matters (a full bounded channel drops the event); say
so in a comment, or log it. A request builder's `.send()` takes no argument and fails on the
network: it stays a warning.

A bare statement `load();` is not flagged: rustc's `unused_must_use` warning already reports a
dropped `Result`, and `let _ =` is the form that silences it.

`let _x = expr;` binds the value and is not flagged; `let _ = expr;` is the explicit "I do
not care" form, so Forge accepts it when a comment on the line or the line above says why
(`// the receiver may already be gone on shutdown`; a `// TODO: handle this` admits the bug and
excuses nothing). Discards inside `Drop::drop` are skipped
(a destructor cannot propagate), and so is test code unless `includeTests` is set. The check
is function-local. There is no quick fix: the right handling depends on the call.

## Why it matters in production

`let _ = tx.commit();` is the line that makes the checkout "succeed" while the order never
reaches the database: the commit failed on a serialization conflict, the handler returned
201, and the customer gets a confirmation email for an order support cannot find.
`let _ = writeln!(file, ...)` on a full disk truncates the export you ship to the bank, and
`let _ = fs::rename(tmp, path)` leaves yesterday's config in place while the deploy log says
it was updated. `worker.join().ok();` hides the panic that killed the worker; the service
keeps answering health checks with half its pipeline dead.

## Example

```rust
let _ = tx.commit().await;                  // FG305
let _ = fs::remove_file(&lock_path);        // FG305
let _ = writeln!(out, "{},{}", id, total);  // FG305
worker.join().ok();                         // FG305
```

## Use instead

Propagate with `?`, or handle the error where failure is acceptable and say so in the log:

```rust
tx.commit().await?;
if let Err(e) = fs::remove_file(&lock_path) {
    tracing::warn!(error = %e, path = %lock_path.display(), "stale lock not removed");
}
writeln!(out, "{},{}", id, total)?;
worker.join().map_err(|_| anyhow!("export worker panicked"))?;
// Deliberate: the receiver is gone when the request was cancelled.
let _ = done_tx.send(result);
```

## How to test it

Make the call fail and assert the observable outcome: a read-only directory for `fs` calls, a
`Write` implementation whose `write` returns `Err`, a dropped receiver for `send`, a database
constraint that fails the commit (a testcontainers database, not a mock). The test must see
an `Err` returned or a log line; with `let _ =` it sees neither.

## References

- [CWE-391: Unchecked Error Condition](https://cwe.mitre.org/data/definitions/391.html)
- [The Rust Book: Recoverable Errors with Result](https://doc.rust-lang.org/book/ch09-02-recoverable-errors-with-result.html)
- [Clippy: let_underscore_must_use](https://rust-lang.github.io/rust-clippy/master/index.html#let_underscore_must_use)
- [std::result: Results must be used](https://doc.rust-lang.org/std/result/index.html#results-must-be-used)
"""

    def check(self, ctx: CheckContext) -> Iterable[Finding]:
        include_tests = bool(ctx.options.get("includeTests", False))
        if ctx.in_test_file and not include_tests:
            return
        for _, match in ctx.matches(QUERY):
            statements = match.get("let") or match.get("statement") or []
            statement = statements[0] if statements else None
            if statement is None or has_error(statement):
                continue
            confidence = Confidence.HIGH
            if "let" in match:
                call = _fallible(ctx, match["value"][0])
                if call is None and (call := _same_file(ctx, match["value"][0])):
                    confidence = Confidence.MEDIUM
                message = call and (
                    f"`let _ =` discards the `Result` of `{call}`: propagate it with `?`, or "
                    "handle the error and say why ignoring it is safe."
                )
            elif any("comment" not in c.type for c in match["args"][0].named_children):
                continue  # `.ok(x)` is not `Result::ok`
            else:
                call = _shown(ctx, match["source"][0])
                message = (
                    f"`.ok();` drops the `Result` of `{call}` unread: propagate it with `?`, or "
                    "log the error if failure is acceptable."
                )
            if not message or _excused(ctx, statement, include_tests):
                continue
            sent = match.get("value") or match.get("source") or []
            if sent and _channel_send(ctx, sent[0]):
                # The only failure is a receiver that is gone (or, for `try_send`, full): the
                # documented idiom for "nobody is listening any more". Shown, not warned.
                message = (
                    f"The `Result` of the channel send `{_shown(ctx, sent[0])}` is discarded: it "
                    "fails only when the receiver is gone (or, for `try_send`, the channel is "
                    "full), often expected; say so in a comment, or log it where a lost message "
                    "matters."
                )
                yield self.finding(
                    statement, message, severity=Severity.INFO, confidence=Confidence.LOW
                )
                continue
            yield self.finding(statement, message, confidence=confidence)


def _fallible(ctx: CheckContext, value: Node) -> str | None:
    """The call shown in the message when `value` is a known fallible call, else None."""
    while value.type in ("await_expression", "parenthesized_expression") and value.named_children:
        value = value.named_children[0]
    if value.type == "macro_invocation":
        macro = value.child_by_field_name("macro")
        name = ctx.text(macro) if macro is not None else ""
        return f"{name}!" if name in FALLIBLE_MACROS else None
    if value.type != "call_expression":
        return None
    function = value.child_by_field_name("function")
    arguments = value.child_by_field_name("arguments")
    if function is None or arguments is None:
        return None
    if function.type == "scoped_identifier":
        path = ctx.text(function)
        return f"{path}()" if FS_PATH.search(path) else None
    if function.type != "field_expression":
        return None
    field = function.child_by_field_name("field")
    method = ctx.text(field) if field is not None else ""
    no_arguments = not [c for c in arguments.named_children if "comment" not in c.type]
    if method in FALLIBLE_METHODS or (method in NO_ARGUMENT_FALLIBLE and no_arguments):
        return _shown(ctx, value)
    receiver = function.child_by_field_name("value")
    if method == "ok" and no_arguments and receiver is not None:  # `let _ = x.commit().ok();`
        return _fallible(ctx, receiver)
    return None


def _channel_send(ctx: CheckContext, value: Node) -> bool:
    """`tx.send(res)`, `tx.try_send(e).await`, `tx.send(e).ok()`: a channel send, one value in.
    A request builder's `.send()` takes none and fails on the network: not this."""
    while value.type in ("await_expression", "parenthesized_expression") and value.named_children:
        value = value.named_children[0]
    if value.type != "call_expression":
        return False
    function = value.child_by_field_name("function")
    arguments = value.child_by_field_name("arguments")
    if function is None or arguments is None or function.type != "field_expression":
        return False
    field, receiver = function.child_by_field_name("field"), function.child_by_field_name("value")
    method = ctx.text(field) if field is not None else ""
    passed = [c for c in arguments.named_children if "comment" not in c.type]
    if method == "ok" and not passed and receiver is not None:
        return _channel_send(ctx, receiver)
    return method in ("send", "try_send") and len(passed) == 1


def _same_file(ctx: CheckContext, value: Node) -> str | None:
    """The call shown when `value` runs a function of this file returning a `Result`."""
    while value.type in ("await_expression", "parenthesized_expression") and value.named_children:
        value = value.named_children[0]
    if value.type != "call_expression":
        return None
    if er.rust_same_file_result(ctx, value):
        return _shown(ctx, value)
    function = value.child_by_field_name("function")
    arguments = value.child_by_field_name("arguments")
    if function is None or function.type != "field_expression" or arguments is None:
        return None
    field, receiver = function.child_by_field_name("field"), function.child_by_field_name("value")
    no_arguments = not [c for c in arguments.named_children if "comment" not in c.type]
    if field is not None and ctx.text(field) == "ok" and no_arguments and receiver is not None:
        return _same_file(ctx, receiver)  # `let _ = load().ok();`
    return None


def _shown(ctx: CheckContext, node: Node) -> str:
    """`tx.commit()` for the message: the call's text, whitespace collapsed and shortened."""
    text = " ".join(ctx.text(node).split())
    return text if len(text) <= 40 else text[:37] + "..."


def _excused(ctx: CheckContext, statement: Node, include_tests: bool) -> bool:
    """A comment says why, a destructor cannot propagate, or this is test code."""
    comments = sw.trailing_comments(statement) + sw.leading_comments(statement)
    if any(er.excuses(c) for c in comments):
        return True
    for ancestor in ancestors(statement):
        if ancestor.type == "function_item":
            name = ancestor.child_by_field_name("name")
            if name is not None and ctx.text(name) == "drop" and _in_drop_impl(ctx, ancestor):
                return True
            break
    return not include_tests and cred.in_test_code(statement, ctx.source)


def _in_drop_impl(ctx: CheckContext, function: Node) -> bool:
    for ancestor in ancestors(function):
        if ancestor.type == "impl_item":
            trait = ancestor.child_by_field_name("trait")
            return trait is not None and ctx.text(trait).endswith("Drop")
    return False


RULE = DiscardedRustResult()
