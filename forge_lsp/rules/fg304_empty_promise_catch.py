"""FG304 empty-promise-catch: a promise rejection handler that does nothing."""

from __future__ import annotations

import re
from collections.abc import Iterable

import tree_sitter

from forge_lsp.core.model import Confidence, Finding, Severity
from forge_lsp.rules.base import CheckContext, Rule, has_error
from forge_lsp.rules.families import handler_context as hc
from forge_lsp.rules.families import handler_effects as fx
from forge_lsp.rules.families import swallowed as sw

QUERY = sw.PROMISE_QUERY
# `.catch(onRejected)` and `.then(onFulfilled, onRejected)`: argument count per method.
ARITY = {"catch": 1, "then": 2}
NOOP_NAMES = frozenset({"noop", "nop", "noOp", "NOOP", "_noop", "emptyFn", "emptyFunction"})
EMPTY_VALUES = frozenset({"undefined", "null"})
CLEANUP_METHODS = frozenset(
    {
        "close",
        "end",
        "destroy",
        "return",
        "release",
        "endSession",
        "rollback",
        "disconnect",
        "quit",
        "unlink",
        "rm",
        "abort",
        "cancel",
        "kill",
        "terminate",
        "unsubscribe",
        "dispose",
    }
)
_CLEANUP_PREFIX = re.compile(r"^(close|destroy|release|dispose|cleanup|disconnect)[A-Z_]")
_VOID = re.compile(r"^void\s+0$")


class EmptyPromiseCatch(Rule):
    code = "FG304"
    name = "empty-promise-catch"
    summary = "A promise rejection handler that does nothing: `.catch(() => {})`."
    severity = Severity.WARNING
    cwe = 390
    languages = frozenset({"javascript", "typescript", "tsx"})
    doc = """
## What it does

Flags promise rejection handlers that do nothing: `.catch(() => {})`,
`.catch(function () {})`, `.catch(_ => undefined)`, `.catch(() => null)`, `.catch(noop)`,
`.catch(_.noop)` and the second argument of `.then(onFulfilled, () => {})`.

A comment that gives a reason, inside the handler (`.catch(() => { /* best effort: cache
warm-up */ })`), on the same line or on the line right above, states the intent and is
accepted; a label that only names the empty handler (`/* ignore */`, `// noop`, `// empty`)
gives no reason and is not (FG301 says what counts as a reason), as for FG301's
JavaScript `catch` blocks: a promise rejection cannot be narrowed to one error type, so the
comment is the only statement of intent left. Handlers that return a fallback value
(`.catch(() => [])`, `.catch(() => false)`) are a decision, not silence, and stay quiet.

Two idioms stay quiet too. **A stored promise** (`this.ready.catch(() => {})`,
`pending.catch(noop)`): the promise keeps its rejection for whoever awaits it, and the empty
handler only stops the unhandled-rejection crash for this branch. **A cleanup call**
(`conn.close().catch(() => {})`, `session.endSession()`, `iterator.return()`, `rollback()`,
`release()`): its failure changes nothing the caller can act on, as with Go's
`defer f.Close()`. No quick fix: Forge cannot know your logger.

**How sure, and how loud** (as for FG301): the promise comes from a write, send, flush,
publish, commit, save, enqueue or update (`bus.publish(e)`, `metrics.flushAsync()`): warning,
high. A named no-op (`.catch(noop)`, `.catch(_.noop)`) around any other call says the author
meant to ignore it, as a Java parameter named `ignored` does: info, low (`this.query({ sql:
"delete from sqlite_sequence ..." }).catch(noop)`). Any other empty handler: warning, medium.

## Why it matters in production

`.catch(() => {})` is how a service loses writes without a trace: the audit event was never
published, the cache invalidation never ran, the webhook was never delivered, and nothing was
logged, counted or retried. It also hides the bug: a `TypeError` from a renamed field in the
`.then` chain is swallowed with the network error you meant to ignore. Node added the
unhandled-rejection crash precisely because silent rejections corrupt state; an empty catch
opts back into silence.

## Example

```javascript
audit.publish({ type: "order.paid", orderId }).catch(() => {});
cache.del(`user:${id}`).catch(noop);
```

```typescript
fetchQuota(accountId).then(applyQuota, () => {});
```

## Use instead

Log with context, count it, and decide explicitly whether the caller should fail:

```typescript
audit.publish({ type: "order.paid", orderId }).catch((err: unknown) => {
  logger.warn({ err, orderId }, "audit publish failed; queued for retry");
  metrics.increment("audit.publish.failed");
  retryQueue.push({ type: "order.paid", orderId });
});

try {
  applyQuota(await fetchQuota(accountId));
} catch (err) {
  logger.error({ err, accountId }, "quota fetch failed; using the default quota");
  applyQuota(DEFAULT_QUOTA);
}
```

## How to test it

Make the promise reject (a stubbed client that returns `Promise.reject(new Error("boom"))`,
`nock` replying 503) and assert the observable outcome: the logger spy was called with the
error and the context, the metric was incremented, the retry was queued, or the caller's
promise rejects. Keep `--unhandled-rejections=strict` (the Node default since 15) in tests so
an unhandled rejection fails the run.

## References

- [CWE-390: Detection of Error Condition Without Action](https://cwe.mitre.org/data/definitions/390.html)
- [MDN: Promise.prototype.catch()](https://developer.mozilla.org/en-US/docs/Web/JavaScript/Reference/Global_Objects/Promise/catch)
- [Node.js: unhandled rejections](https://nodejs.org/api/cli.html#--unhandled-rejectionsmode)
- [OWASP Top 10 A09:2021 Security Logging and Monitoring Failures](https://owasp.org/Top10/A09_2021-Security_Logging_and_Monitoring_Failures/)
"""

    def check(self, ctx: CheckContext) -> Iterable[Finding]:
        for _, match in sw.script_error_pass(ctx)[1]:
            call, method = match["call"][0], ctx.text(match["method"][0])
            args = [a for a in match["args"][0].named_children if "comment" not in a.type]
            if len(args) != ARITY[method]:
                continue
            handler = args[-1]
            if has_error(call) or not _does_nothing(ctx, handler):
                continue
            if _explained(handler, call) or _stored_or_cleanup(ctx, call):
                continue
            if _not_a_promise(ctx, call):
                continue
            shown = "`.catch()`" if method == "catch" else "The `.then()` rejection handler"
            severity, confidence = _weight(ctx, call, handler)
            message = (
                f"{shown} swallows the rejection without a trace: log it with context, count "
                "it, or let it propagate."
            )
            if severity is Severity.INFO:
                message = (
                    f"{shown} ignores the rejection on purpose (a named no-op) around a call "
                    "that writes nothing Forge can see: say why in a comment."
                )
            yield self.finding(
                handler,
                message,
                severity=severity,
                confidence=confidence,
            )


def _weight(
    ctx: CheckContext, call: tree_sitter.Node, handler: tree_sitter.Node
) -> tuple[Severity, Confidence]:
    """A write, send, publish or commit swallowed is a warning, sure; a named no-op
    (`.catch(noop)`) around anything else says the author meant it: information; the rest
    (an effect Forge cannot name) is a warning of medium confidence."""
    name = _producer(ctx, call)
    if fx.MUST_KEEP.match(name):
        return Severity.WARNING, Confidence.HIGH
    if handler.type in ("identifier", "member_expression"):
        return Severity.INFO, Confidence.LOW
    return Severity.WARNING, Confidence.MEDIUM


def _producer(ctx: CheckContext, call: tree_sitter.Node) -> str:
    """The name of the call that made the promise: `publish` in `bus.publish(e).catch(...)`."""
    function = call.child_by_field_name("function")
    receiver = function.child_by_field_name("object") if function is not None else None
    while receiver is not None and receiver.type == "call_expression":
        callee = receiver.child_by_field_name("function")
        if callee is None:
            return ""
        name = ctx.text(callee).rsplit(".", 1)[-1].lstrip("?")
        if name not in ("then", "catch", "finally"):
            return name
        receiver = callee.child_by_field_name("object")
    return ""


def _does_nothing(ctx: CheckContext, handler: tree_sitter.Node) -> bool:
    """An empty function, one returning undefined/null, or a well-known no-op."""
    if handler.type in ("arrow_function", "function_expression", "function"):
        body = handler.child_by_field_name("body")
        if body is None:
            return False
        if body.type == "statement_block":
            return not [c for c in body.named_children if "comment" not in c.type]
        return body.type in EMPTY_VALUES or (
            body.type == "unary_expression" and bool(_VOID.match(ctx.text(body)))
        )
    if handler.type == "identifier":
        return ctx.text(handler) in NOOP_NAMES
    if handler.type == "member_expression":
        text = ctx.text(handler)
        return text.rsplit(".", 1)[-1] == "noop" or text == "Function.prototype"
    return False


def _stored_or_cleanup(ctx: CheckContext, call: tree_sitter.Node) -> bool:
    """The two idioms an empty handler is right for.

    A stored promise (`this.ready.catch(() => {})`, `p.catch(noop)`) keeps its rejection for
    whoever awaits it: the empty handler only stops the unhandled-rejection crash for this
    branch. A cleanup call (`conn.close().catch(() => {})`) failing changes nothing the caller
    can act on, as in Go's `defer f.Close()`.
    """
    function = call.child_by_field_name("function")
    receiver = function.child_by_field_name("object") if function is not None else None
    if receiver is None:
        return False
    if receiver.type in ("identifier", "member_expression", "this"):
        return True
    if receiver.type != "call_expression":
        return False
    callee = receiver.child_by_field_name("function")
    if callee is None:
        return False
    name = ctx.text(callee).rsplit(".", 1)[-1].lstrip("?")
    return name in CLEANUP_METHODS or bool(_CLEANUP_PREFIX.match(name))


def _not_a_promise(ctx: CheckContext, call: tree_sitter.Node) -> bool:
    """`schema.catch(() => null).parse(x)`: a `.catch` whose result is used as something else."""
    parent = call.parent
    if parent is None or parent.type != "member_expression":
        return False
    prop = parent.child_by_field_name("property")
    return prop is not None and ctx.text(prop) not in ("then", "catch", "finally")


def _reason(comment: tree_sitter.Node) -> bool:
    """A comment for people that says why, not a directive or a label (`/* ignore */`)."""
    return sw.explains(comment) and hc.gives_reason(
        (comment.text or b"").decode("utf-8", "replace")
    )


def _explained(handler: tree_sitter.Node, call: tree_sitter.Node) -> bool:
    """A comment in the handler or on the line where the call ends says why."""
    body = handler.child_by_field_name("body")
    if body is not None and any(_reason(c) for c in sw.comments_of(body)):
        return True
    if any(_reason(c) for c in sw.trailing_comments(call)):
        return True
    # A comment on the line right above the statement: `// nothing else awaits this promise`,
    # also above an `if` whose one-line branch holds the call.
    statement = call.parent
    while (
        statement is not None
        and statement.parent is not None
        and statement.parent.type not in ("statement_block", "program")
        and statement.start_point[0] == call.start_point[0]
    ):
        statement = statement.parent
    above = statement.prev_sibling if statement is not None else None
    return (
        above is not None
        and statement is not None
        and "comment" in above.type
        and above.end_point[0] == statement.start_point[0] - 1
        and _reason(above)
    )


RULE = EmptyPromiseCatch()
