"""What the error rules (FG302, FG303, FG305) know beyond their library tables.

Two things: functions this file declares that return an error (a Go `error`, a Rust `Result`),
from `forge_lsp.dataflow.signatures`, built once per check; and Go's documented defaults, the
`_` of a parse whose zero value the code means (`on, _ := strconv.ParseBool(tag)`).
"""

from __future__ import annotations

import re

import tree_sitter

from forge_lsp.dataflow import signatures as sig
from forge_lsp.rules.base import CheckContext
from forge_lsp.rules.families.swallowed import GoCall, file_signatures

Node = tree_sitter.Node


# Method names whose dropped error the rules' library policy already judges, whoever declares
# them: `Close` matters only on a writer, `Rollback` and `Remove` are cleanup, a write to a
# response or a buffer has nobody to tell, and a deadline on a closed connection fails the
# next read anyway. A type of this file with `Close() error` does not change that.
LIBRARY_POLICY = frozenset(
    {
        "Close",
        "Flush",
        "Rollback",
        "Remove",
        "RemoveAll",
        "Kill",
        "Write",
        "WriteString",
        "WriteByte",
        "WriteRune",
        "WriteTo",
        "ReadFrom",
        "WriteHeader",
        "SetDeadline",
        "SetReadDeadline",
        "SetWriteDeadline",
    }
)

# A same-file function named for cleanup is cleanup, as `Close`, `Rollback` and `Remove` are:
# `_ = cn.cancel(ctx)`, `s.cleanupTemp()`, `stopWorkers()` run on a path with nothing left to do.
CLEANUP_NAME = re.compile(
    r"^(?i:cancel|close|cleanup|clean|rollback|stop|kill|release|abort|discard|teardown|unlock)"
    r"(?:$|[A-Z_])"
)


def go_same_file_error(ctx: CheckContext, call: GoCall) -> bool:
    """Does `call` run a function or method this file declares with an `error` last result?

    `save()` resolves to the file's function; `s.save()` to the method of `s`'s type when the
    enclosing function declares it (receiver or parameter), else by name when every same-named
    declaration of the file returns an error. `pkg.Save()` on an imported package is not ours,
    nor is a method on a field (`h.db.Save()`: the field's type is not read) or on a call's
    result, nor a method whose drop the library policy decides (`LIBRARY_POLICY`).
    """
    signatures = file_signatures(ctx)
    if not call.qualifier:
        found = signatures.function(call.name)
    elif call.name in LIBRARY_POLICY or call.qualifier in signatures.packages:
        return False
    elif "." in call.qualifier or "(" in call.qualifier:
        return False  # `h.db.Save()`, `newStore().Save()`: the receiver's type is not read
    else:
        owner = sig.go_owner_of(call.node, call.qualifier)
        found = signatures.method(call.name, owner)
    return found is not None and found.returns_error and not CLEANUP_NAME.match(call.name)


def rust_same_file_result(ctx: CheckContext, call: Node) -> bool:
    """Does the Rust `call_expression` run a function or method of this file returning a
    `Result`? `load()`, `Self::load()`, `Store::load()`, `self.save()`, `store.save()`. An
    `async fn` counts only under `.await` (`call` is then the awaited call): without it the
    statement drops a future, which rustc reports."""
    function = call.child_by_field_name("function")
    if function is None:
        return False
    signatures = file_signatures(ctx)
    found: sig.Signature | None = None
    if function.type == "identifier":
        found = signatures.function(ctx.text(function))
    elif function.type == "scoped_identifier":
        path, name = function.child_by_field_name("path"), function.child_by_field_name("name")
        if path is None or name is None:
            return False
        owner = ctx.text(path)
        if owner == "Self":
            owner = sig.rust_owner_of(call) or ""
        typed = [s for s in signatures.methods.get(ctx.text(name), []) if s.owner == owner]
        found = typed[0] if typed and len({s.returns_error for s in typed}) == 1 else None
    elif function.type == "field_expression":
        receiver = function.child_by_field_name("value")
        field = function.child_by_field_name("field")
        if receiver is None or field is None:
            return False
        self_type = sig.rust_owner_of(call) if ctx.text(receiver) == "self" else None
        found = signatures.method(ctx.text(field), self_type)
    if found is None or not found.returns_error:
        return False
    awaited = call.parent is not None and call.parent.type == "await_expression"
    return awaited or not found.is_async


# ------------------------------------------------------------------------ documented defaults

# `strconv.ParseBool` returns false with its error: the same value as an unset option.
BOOL_PARSES = frozenset({"strconv.ParseBool"})
# Numeric parses return 0 with their error (ParseInt/ParseUint the clamped value on a range
# error): a default only when the code gives the zero value a meaning right away.
NUMBER_PARSES = frozenset(
    {
        "strconv.Atoi",
        "strconv.ParseInt",
        "strconv.ParseUint",
        "strconv.ParseFloat",
        "time.ParseDuration",
    }
)
_NUMBER = r"-?\d+(?:\.\d+)?"


def documented_default(ctx: CheckContext, statement: Node, call: GoCall) -> bool:
    """`v, _ := strconv.ParseBool(s)`, or a numeric parse whose value is compared with a number
    by the `if` right after it (`n, _ := strconv.Atoi(s); if n <= 0 { n = 20 }`): the code
    handles the zero value the parse returns on failure, so nothing is lost with the `_`."""
    if call.qualified in BOOL_PARSES:
        return True
    if call.qualified not in NUMBER_PARSES:
        return False
    left = statement.child_by_field_name("left")
    first = left.named_children[0] if left is not None and left.named_children else None
    if first is None or first.type != "identifier" or ctx.text(first) == "_":
        return False
    condition = _condition_after(statement)
    if condition is None:
        return False
    name = re.escape(ctx.text(first))
    compared = re.compile(
        rf"\b{name}\s*(?:[<>]=?|[!=]=)\s*{_NUMBER}\b|\b{_NUMBER}\s*(?:[<>]=?|[!=]=)\s*{name}\b"
    )
    return bool(compared.search(ctx.text(condition)))


def _condition_after(statement: Node) -> Node | None:
    """The condition of `if v, _ := f(); cond {` or of the `if` statement right after."""
    parent = statement.parent
    if parent is not None and parent.type == "if_statement":
        initializer = parent.child_by_field_name("initializer")
        if initializer is not None and initializer.id == statement.id:
            return parent.child_by_field_name("condition")
    following = statement.next_named_sibling
    while following is not None and following.type == "comment":
        following = following.next_named_sibling
    if following is None or following.type != "if_statement":
        return None
    if following.child_by_field_name("initializer") is not None:
        return None
    return following.child_by_field_name("condition")
