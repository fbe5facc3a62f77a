"""Shared by the retry family (FG702 retry-without-backoff, FG704 retry-without-idempotency-key).

Both rules look at hand-written retry loops: a loop whose body makes an attempt inside an error
check (`try`/`except`, `if err != nil`, `try`/`catch`), leaves the loop on success (a `break` or
`return` on the success path) and goes round again on failure. Everything is decided inside the
loop and the function around it, so the rules are function-local.

Polling and worker loops are not retries: they have no exit on the success path (`job =
queue.get(); handle(job)` goes round again whether or not it worked), and an exit that is only
reached under a condition (`if job is None: break`) counts only in counted loops
(`for attempt in range(3)`), where the loop is a retry by construction.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import tree_sitter

from forge_lsp.core.languages import COMMENT_TYPES
from forge_lsp.rules.base import CheckContext, has_error
from forge_lsp.rules.families import caught_types as ct
from forge_lsp.rules.families.network import FUNCTION_TYPES, named

Node = tree_sitter.Node

LANGUAGES = frozenset({"python", "go", "javascript", "typescript", "tsx", "java", "kotlin"})

LOOP_QUERY = {
    "python": "(while_statement) @loop (for_statement) @loop",
    "go": "(for_statement) @loop",
    "javascript": "(while_statement) @loop (for_statement) @loop (do_statement) @loop",
    "java": "(while_statement) @loop (for_statement) @loop (do_statement) @loop",
}
LOOP_QUERY["typescript"] = LOOP_QUERY["tsx"] = LOOP_QUERY["javascript"]
LOOP_QUERY["kotlin"] = "(while_statement) @loop (for_statement) @loop (do_while_statement) @loop"

# An unlabeled `break` inside one of these leaves it, not the retry loop around it.
_BREAK_SCOPES = {
    "python": frozenset({"while_statement", "for_statement"}),
    "go": frozenset(
        {
            "for_statement",
            "select_statement",
            "expression_switch_statement",
            "type_switch_statement",
        }
    ),
    "javascript": frozenset(
        {"while_statement", "for_statement", "for_in_statement", "do_statement", "switch_statement"}
    ),
    "java": frozenset(
        {
            "while_statement",
            "for_statement",
            "enhanced_for_statement",
            "do_statement",
            "switch_expression",
            "switch_statement",
        }
    ),
}
_BREAK_SCOPES["typescript"] = _BREAK_SCOPES["tsx"] = _BREAK_SCOPES["javascript"]
# Kotlin: `break` inside `when` leaves the loop around it.
_BREAK_SCOPES["kotlin"] = frozenset({"while_statement", "for_statement", "do_while_statement"})

_RAISE = frozenset({"raise_statement", "throw_statement", "goto_statement", "throw_expression"})
_GO_FATAL = frozenset({"panic", "log.Fatal", "log.Fatalf", "log.Fatalln", "os.Exit", "t.Fatal"})

# Assignments whose target changes between attempts (a delay that grows, an attempt counter).
_ASSIGN_TYPES = frozenset(
    {
        "assignment",
        "augmented_assignment",
        "assignment_statement",
        "short_var_declaration",
        "inc_statement",
        "dec_statement",
        "assignment_expression",
        "augmented_assignment_expression",
        "update_expression",
        "variable_declarator",
        "property_declaration",
    }
)
# Calls allowed inside a constant delay: unit conversions, not computations.
_CONSTANT_CALLS = frozenset(
    {
        "Duration",
        "ofSeconds",
        "ofMillis",
        "toMillis",
        "toSeconds",
        "total_seconds",
        "float",
        "int",
        "timedelta",
        "Number",
    }
)
_IDENT_TYPES = frozenset(
    {
        "identifier",
        "attribute",
        "selector_expression",
        "member_expression",
        "field_access",
        "navigation_expression",
    }
)
_CALL_TYPES = frozenset({"call", "call_expression", "method_invocation"})


@dataclass(frozen=True, slots=True)
class Retry:
    """One retry loop: the attempt (success path) and what runs when it fails."""

    loop: Node
    header: Node  # the end of the loop header, for ranges
    attempt: tuple[Node, ...]  # the success path: the guarded call and the exit after it
    retry: tuple[Node, ...]  # the failure path: handlers and what follows them in the loop
    infinite: bool  # `while True`, `for {}`, `for (;;)`
    counted: bool  # `for attempt in range(n)`, `for i := 0; i < n; i++`
    bounded: bool  # an exit on the failure path (give up after N, raise on the last attempt)
    sleeps: tuple[tuple[Node, Node | None], ...]  # (sleep call, its delay argument)
    growing: bool  # some sleep's delay changes between attempts (backoff, jitter)
    progresses: bool  # the failure path changes what the next attempt uses


def retries(ctx: CheckContext) -> list[Retry]:
    """Every retry loop of the file (or of the re-checked function), computed once per check."""
    key = f"retries:{ctx.byte_range}"
    return ctx.memo(key, lambda: list(_find(ctx)))


def _find(ctx: CheckContext) -> Iterator[Retry]:
    lang = ctx.language.name
    if lang not in LANGUAGES:
        return
    for _, caps in ctx.matches(LOOP_QUERY[lang]):
        for loop in caps.get("loop", []):
            if has_error(loop):
                continue
            found = _analyse(ctx, loop)
            if found is not None:
                yield found


def _analyse(ctx: CheckContext, loop: Node) -> Retry | None:
    lang = ctx.language.name
    shape = _header(ctx, loop)
    if shape is None:
        return None
    header, infinite, counted, loop_vars = shape
    body = _body(loop)
    if body is None:
        return None
    statements = _statements(body)
    for index, stmt in enumerate(statements):
        split = _split(ctx, statements, index, stmt)
        if split is None:
            continue
        attempt, handlers, shared, strict = split
        if not _exits_on_success(lang, loop, attempt, strict and not counted):
            continue
        retrying = [h for h in handlers if not _ends_in_exit(lang, loop, h)]
        if not handlers and shared and not _is_exit(lang, loop, shared[-1], include_raise=True):
            retrying = list(shared[:1])  # Go `if err == nil { break }`: the rest retries
        if not retrying or all(_not_ready(ctx, h) for h in retrying):
            continue  # `except SSL.WantReadError`: waiting for data to arrive, not a retry
        retry = tuple(retrying) + tuple(shared) + tuple(statements[:index])
        progresses = _progresses(
            ctx, tuple(retrying) + tuple(shared), (*statements[:index], *attempt)
        )
        bounded = not infinite or any(_exits(lang, loop, n, include_raise=True) for n in retry)
        sleeps = tuple(s for n in retry for s in _sleeps(ctx, n))
        changing = loop_vars | _assigned(ctx, body)
        growing = any(arg is not None and not _constant(ctx, arg, changing) for _, arg in sleeps)
        return Retry(
            loop, header, attempt, retry, infinite, counted, bounded, sleeps, growing, progresses
        )
    return None


# Signals that an operation is not ready yet (non-blocking I/O, an interrupted call): looping
# on them waits for the same attempt to become possible; nothing failed.
_NOT_READY = frozenset(
    {"WantReadError", "WantWriteError", "SSLWantReadError", "SSLWantWriteError",
     "BlockingIOError", "InterruptedError"}
)  # fmt: skip


def _not_ready(ctx: CheckContext, handler: Node) -> bool:
    """A handler that catches only not-ready signals (`except SSL.WantReadError:`)."""
    clause = handler if handler.type in ("except_clause", "catch_clause") else handler.parent
    if clause is None:
        return False
    if clause.type == "except_clause":
        names = ct.python_caught_types(ctx, clause)
    elif clause.type == "catch_clause":
        names, _ = ct.java_caught_types(ctx, clause)
    else:
        return False
    return bool(names) and names <= _NOT_READY


def _body(loop: Node) -> Node | None:
    """A loop's body (Kotlin's has no field name: the loop's block)."""
    body = loop.child_by_field_name("body")
    if body is None:
        blocks = [c for c in loop.named_children if c.type == "block"]
        body = blocks[0] if blocks else None
    return body


def _statements(block: Node) -> list[Node]:
    """A block's statements (Go wraps them in a statement_list), without comments."""
    children = named(block)
    if len(children) == 1 and children[0].type == "statement_list":
        children = named(children[0])
    return children


# --- loop headers ---------------------------------------------------------------------


def _header(ctx: CheckContext, loop: Node) -> tuple[Node, bool, bool, set[str]] | None:
    """(header end node, infinite, counted, loop variables), or None for loops that are not
    retry-shaped (iterating over a collection tries each item once)."""
    lang = ctx.language.name
    cond = loop.child_by_field_name("condition")
    if lang == "python":
        if loop.type == "while_statement":
            assert cond is not None
            return cond, ctx.text(cond) in {"True", "1"}, False, set()
        right = loop.child_by_field_name("right")
        left = loop.child_by_field_name("left")
        if right is None or left is None or right.type != "call":
            return None
        if ctx.text(right.child_by_field_name("function") or right) != "range":
            return None
        return right, False, True, {ctx.text(left)}
    if lang == "go":
        return _go_header(ctx, loop)
    if lang == "kotlin":
        return _kotlin_header(ctx, loop, cond)
    if loop.type == "for_statement":
        init = loop.child_by_field_name("initializer") or loop.child_by_field_name("init")
        names = _declared(ctx, init) if init is not None else set()
        if cond is None or cond.type == "empty_statement" or ctx.text(cond).strip(";") == "":
            return loop.children[0], True, False, names
        return cond, False, _counts(ctx, cond, names), names
    if cond is None:
        return None
    infinite = ctx.text(cond).strip("() ") == "true"
    return (loop.children[0] if loop.type == "do_statement" else cond), infinite, False, set()


_COUNT_NAME = re.compile(r"(?i)(retr|attempt|tries|max|count|times|^n$)")


_KOTLIN_RANGE = re.compile(r"^[\w.]+\s*(\.\.<?|until|downTo)\s*[\w.()]+$")


def _kotlin_header(
    ctx: CheckContext, loop: Node, cond: Node | None
) -> tuple[Node, bool, bool, set[str]] | None:
    if loop.type == "for_statement":
        var = next((c for c in loop.named_children if c.type == "variable_declaration"), None)
        ranged = next(
            (c for c in loop.named_children if c.type in {"range_expression", "infix_expression"}),
            None,
        )
        if var is None or ranged is None or not _KOTLIN_RANGE.match(ctx.text(ranged)):
            return None  # iterating over a collection: not a retry
        return ranged, False, True, {ctx.text(var).split(":")[0].strip()}
    if cond is None:
        return None
    infinite = ctx.text(cond).strip("() ") == "true"
    return (loop.children[0] if loop.type == "do_while_statement" else cond), infinite, False, set()


def _counts(ctx: CheckContext, cond: Node, names: set[str]) -> bool:
    """`i < n`, `attempt <= MAX_RETRIES`: a counter compared with a bound, not an iterator."""
    if cond.type == "expression_statement" and cond.named_child_count == 1:
        cond = cond.named_children[0]
    if cond.type != "binary_expression":
        return False
    op = cond.child_by_field_name("operator")
    left = cond.child_by_field_name("left")
    return (
        op is not None
        and ctx.text(op) in {"<", "<=", ">", ">="}
        and left is not None
        and ctx.text(left) in names
    )


def _go_header(ctx: CheckContext, loop: Node) -> tuple[Node, bool, bool, set[str]] | None:
    for child in named(loop):
        if child.type == "for_clause":
            init = child.child_by_field_name("initializer")
            names = _declared(ctx, init) if init is not None else set()
            cond = child.child_by_field_name("condition")
            if cond is None:
                return child, True, False, names
            return child, False, _counts(ctx, cond, names), names
        if child.type == "range_clause":
            right = child.child_by_field_name("right")
            if right is None or not (
                right.type == "int_literal"
                or (right.type == "identifier" and _COUNT_NAME.search(ctx.text(right)))
            ):
                return None  # ranging over a slice or channel: not a retry
            left = child.child_by_field_name("left")
            return child, False, True, _declared(ctx, left) if left is not None else set()
        if child.type != "block":
            return child, False, False, set()
    return loop.children[0], True, False, set()


def _declared(ctx: CheckContext, node: Node) -> set[str]:
    """Identifiers a loop initializer declares (`i := 0`, `let i = 0`, `int i = 0`)."""
    names: set[str] = set()
    for child in _walk(node, into_functions=False):
        if child.type == "identifier" and _is_target(child):
            names.add(ctx.text(child))
    return names


def _is_target(ident: Node) -> bool:
    parent = ident.parent
    while parent is not None and parent.type in {"expression_list", "pattern_list"}:
        ident, parent = parent, parent.parent
    if parent is None:
        return False
    if parent.type in {"variable_declarator"}:
        return parent.child_by_field_name("name") == ident
    if parent.type in {"update_expression", "inc_statement", "dec_statement"}:
        return True
    return parent.child_by_field_name("left") == ident


# --- attempts: the error check inside the loop ----------------------------------------


def _split(
    ctx: CheckContext, statements: list[Node], index: int, stmt: Node
) -> tuple[tuple[Node, ...], list[Node], list[Node], bool] | None:
    """(success path, failure handlers, statements shared by both after the check, strict)
    when `stmt` is an error check around a call; strict means the success exit must be
    unconditional."""
    lang = ctx.language.name
    following = statements[index + 1 :]
    if lang == "go":
        return _go_split(ctx, statements, index, stmt)
    if stmt.type not in {"try_statement", "try_with_resources_statement", "try_expression"}:
        return None
    body = stmt.child_by_field_name("body")
    if body is None and stmt.type == "try_expression":
        body = next((c for c in stmt.named_children if c.type == "block"), None)
    if body is None:
        return None
    handlers: list[Node] = []
    attempt = [body]
    for clause in named(stmt):
        if clause.type in {"except_clause", "except_group_clause", "catch_clause", "catch_block"}:
            block = clause.child_by_field_name("body") or named(clause)[-1]
            if not _local_only(ctx, clause, block):
                handlers.append(block)
        elif clause.type == "else_clause":
            attempt.append(clause)
    if not handlers:
        return None
    if all(_ends_in_continue(h) for h in handlers):
        return tuple(attempt + following), handlers, [], True
    return tuple(attempt), handlers, following, True


# Failures that are about local state, not a dependency: waiting on them is polling a queue,
# spinning on a lock file or walking an iterator, not retrying a call.
_LOCAL_ERRORS = frozenset(
    {
        "Empty",
        "QueueEmpty",
        "Full",
        "QueueFull",
        "BlockingIOError",
        "FileExistsError",
        "FileNotFoundError",
        "PermissionError",
        "KeyError",
        "IndexError",
        "StopIteration",
        "StopAsyncIteration",
        "InterruptedException",
        "NoSuchElementException",
        "OverlappingFileLockException",
        "FileAlreadyExistsException",
        "NoSuchFileException",
        "ConcurrentModificationException",
    }
)


def _local_only(ctx: CheckContext, clause: Node, block: Node) -> bool:
    """Whether a handler catches only local-state failures (`queue.Empty`, `KeyError`)."""
    names = [
        ctx.text(n).rsplit(".", 1)[-1]
        for n in _walk(clause, into_functions=False)
        if n.start_byte < block.start_byte
        and n.type in {"identifier", "type_identifier", "attribute", "scoped_type_identifier"}
        and (n.parent is None or n.parent.type not in {"attribute", "scoped_type_identifier"})
    ]
    types = [n for n in names if n[:1].isupper()]
    return bool(types) and all(n in _LOCAL_ERRORS for n in types)


def _go_split(
    ctx: CheckContext, statements: list[Node], index: int, stmt: Node
) -> tuple[tuple[Node, ...], list[Node], list[Node], bool] | None:
    if stmt.type != "if_statement":
        return None
    cond = stmt.child_by_field_name("condition")
    then = stmt.child_by_field_name("consequence")
    if cond is None or then is None or cond.type != "binary_expression":
        return None
    left, right = cond.child_by_field_name("left"), cond.child_by_field_name("right")
    op = cond.child_by_field_name("operator")
    if left is None or right is None or op is None or right.type != "nil":
        return None
    err = ctx.text(left)
    if left.type != "identifier" or "err" not in err.lower():
        return None
    source = _go_err_from_call(ctx, statements, index, stmt, err)
    if source is None:
        return None
    following = statements[index + 1 :]
    other = stmt.child_by_field_name("alternative")
    if ctx.text(op) == "==":  # if err == nil { break }: the rest of the loop is the retry
        return (source, then), [other] if other is not None else [], following, True
    last = _last(then)
    if other is not None:
        return (source, other), [then], following, True
    if last is not None and last.type == "continue_statement":
        return (source, *following), [then], [], True
    return None


def _go_err_from_call(
    ctx: CheckContext, statements: list[Node], index: int, stmt: Node, err: str
) -> Node | None:
    """The statement that just set `err` from a call: `if err := f(); ...` or the one before."""
    sources = [stmt.child_by_field_name("initializer")]
    if index > 0:
        sources.append(statements[index - 1])
    for source in sources:
        if source is None or source.type not in {"short_var_declaration", "assignment_statement"}:
            continue
        lhs, rhs = source.child_by_field_name("left"), source.child_by_field_name("right")
        if lhs is None or rhs is None:
            continue
        if err in {ctx.text(n) for n in named(lhs)} and _has_call(rhs):
            return source
    return None


def _has_call(node: Node) -> bool:
    return any(n.type in _CALL_TYPES for n in _walk(node, into_functions=False))


def _ends_in_continue(block: Node) -> bool:
    last = _last(block)
    return last is not None and _is_jump(last, "continue")


def _is_jump(node: Node, keyword: str) -> bool:
    """`break` / `continue`; Kotlin's grammar parses a bare jump as an identifier."""
    if node.type == f"{keyword}_statement":
        return True
    return node.type == "identifier" and node.text == keyword.encode() and _in_block(node)


def _in_block(node: Node) -> bool:
    return node.parent is not None and node.parent.type in {"block", "statements"}


def _last(block: Node) -> Node | None:
    statements = _statements(block)
    return statements[-1] if statements else None


# --- exits ---------------------------------------------------------------------------


def _exits_on_success(lang: str, loop: Node, attempt: tuple[Node, ...], strict: bool) -> bool:
    """Whether the success path leaves the loop; strict: at its top level, not under an `if`."""
    if not strict:
        return any(_exits(lang, loop, n, include_raise=False) for n in attempt)
    for node in attempt:
        top = _statements(node) if node.type not in _EXIT_TYPES else [node]
        if node.type == "else_clause":
            inner = node.child_by_field_name("body")
            top = _statements(inner) if inner is not None else []
        if any(_is_exit(lang, loop, s, include_raise=False) for s in top):
            return True
    return False


_EXIT_TYPES = frozenset({"return_statement", "break_statement", "return_expression"})


def _ends_in_exit(lang: str, loop: Node, handler: Node) -> bool:
    last = _last(handler)
    return last is not None and _is_exit(lang, loop, last, include_raise=True)


def _exits(lang: str, loop: Node, node: Node, *, include_raise: bool) -> bool:
    return any(
        _is_exit(lang, loop, n, include_raise=include_raise)
        for n in _walk(node, into_functions=False)
    )


def _is_exit(lang: str, loop: Node, node: Node, *, include_raise: bool) -> bool:
    if node.type == "expression_statement" and node.named_child_count == 1:
        node = node.named_children[0]
    if node.type in {"return_statement", "return_expression"}:
        return True
    if _is_jump(node, "break"):
        return _breaks_out(lang, loop, node)
    if include_raise and node.type in _RAISE:
        return True
    if include_raise and lang == "go" and node.type == "call_expression":
        function = node.child_by_field_name("function")
        return (
            function is not None
            and function.text is not None
            and (function.text.decode() in _GO_FATAL)
        )
    return False


def _breaks_out(lang: str, loop: Node, brk: Node) -> bool:
    if any(c.type in {"label_name", "identifier", "statement_identifier"} for c in brk.children):
        return True  # a labelled break leaves something at least as wide as this loop
    parent = brk.parent
    scopes = _BREAK_SCOPES[lang]
    while parent is not None and parent != loop:
        if parent.type in scopes:
            return False
        parent = parent.parent
    return parent == loop


# --- sleeps --------------------------------------------------------------------------

# Any call whose name says it sleeps: `time.sleep`, `anyio.sleep`, Twisted's `asyncSleep`.
_PY_SLEEP = re.compile(r"^(sleep|\w+_sleep|\w*Sleep)$")
_JS_SLEEP = re.compile(r"^(sleep\w*|\w*Sleep|delay|wait|pause|timeout|setTimeout)$")
_JAVA_SLEEPS = frozenset({"Thread.sleep"})
_GO_SLEEPS = frozenset({"time.Sleep", "time.After", "time.NewTimer"})


def _sleeps(ctx: CheckContext, node: Node) -> Iterator[tuple[Node, Node | None]]:
    """Sleep calls on the failure path and their delay argument."""
    lang = ctx.language.name
    for call in _walk(node, into_functions=True):
        if call.type not in _CALL_TYPES:
            continue
        found = _sleep_arg(ctx, lang, call)
        if found is not None:
            yield call, found[0]


def _sleep_arg(ctx: CheckContext, lang: str, call: Node) -> tuple[Node | None] | None:
    if lang == "kotlin":
        return _kotlin_sleep_arg(ctx, call)
    args = call.child_by_field_name("arguments")
    values = [a for a in named(args) if a.type != "keyword_argument"] if args else []
    first = values[0] if values else None
    if lang == "java":
        obj, name = call.child_by_field_name("object"), call.child_by_field_name("name")
        text = f"{ctx.text(obj)}.{ctx.text(name)}" if obj is not None and name else ""
        if text in _JAVA_SLEEPS or (
            name is not None
            and ctx.text(name) == "sleep"
            and obj
            and ("TimeUnit" in ctx.text(obj) or ctx.text(obj).isupper())
        ):
            return (first,)
        return None
    function = call.child_by_field_name("function")
    if function is None:
        return None
    callee = ctx.text(function)
    if lang == "python":
        return (first,) if _PY_SLEEP.match(callee.rsplit(".", 1)[-1]) else None
    if lang == "go":
        return (first,) if callee in _GO_SLEEPS else None
    leaf = callee.rsplit(".", 1)[-1]
    if not _JS_SLEEP.match(leaf):
        return None
    if leaf == "setTimeout" and len(values) >= 2:
        return (values[1],)
    if leaf != "setTimeout" and call.parent is not None and call.parent.type != "await_expression":
        return None  # sleep() that nobody awaits does not wait
    return (first,)


_KOTLIN_SLEEPS = re.compile(r"^(delay|Thread\.sleep|(TimeUnit\.)?[A-Z]+\.sleep)$")


def _kotlin_sleep_arg(ctx: CheckContext, call: Node) -> tuple[Node | None] | None:
    callee = kotlin_callee(call)
    if callee is None or not _KOTLIN_SLEEPS.match(ctx.text(callee)):
        return None
    args = next((c for c in call.named_children if c.type == "value_arguments"), None)
    values = [a for a in named(args)] if args is not None else []
    if not values:
        return (None,)
    first = values[0]
    return (first.named_children[-1] if first.named_children else first,)


def kotlin_callee(call: Node) -> Node | None:
    """A Kotlin call's callee: `delay`, `Thread.sleep`, `client.newCall(req).execute`."""
    return call.named_children[0] if call.named_children else None


def _assigned(ctx: CheckContext, body: Node) -> set[str]:
    """Names (and `self.x` / `this.x` fields) written inside the loop body."""
    names: set[str] = set()
    for node in _walk(body, into_functions=False):
        if node.type == "unary_expression" and ("++" in ctx.text(node) or "--" in ctx.text(node)):
            pass  # Kotlin's `attempt++`
        elif node.type not in _ASSIGN_TYPES:
            continue
        target = (
            node.child_by_field_name("left")
            or node.child_by_field_name("name")
            or node.child_by_field_name("argument")
            or (node.named_children[0] if node.named_children else None)
        )
        if target is None:
            continue
        names.add(ctx.text(target))
        names.update(
            ctx.text(n)
            for n in _walk(target, False)
            if n.type == "identifier" and (n.parent is None or n.parent.type not in _IDENT_TYPES)
        )
    return names


def _progresses(ctx: CheckContext, retry: tuple[Node, ...], before: tuple[Node, ...]) -> bool:
    """Whether the failure path changes what the next attempt uses (`path = path[e.end:]`,
    `e = referral`, `name = next_name()`): that is iterating towards an answer (or failing
    over), not retrying the same call."""
    assigned: set[str] = set()
    for node in retry:
        assigned |= _assigned(ctx, node)
    assigned -= {"self", "this"}
    if not assigned:
        return False
    return any(
        n.type in _IDENT_TYPES and ctx.text(n) in assigned
        for node in before
        for n in _walk(node, into_functions=False)
    )


def _constant(ctx: CheckContext, arg: Node, changing: set[str]) -> bool:
    """Whether a delay is the same on every attempt: literals, constants and parameters, no
    attempt counter, no variable the loop changes, no call (jitter, a backoff helper)."""
    for node in _walk(arg, into_functions=False):
        if node.type in _CALL_TYPES:
            callee = (
                node.child_by_field_name("function")
                or node.child_by_field_name("name")
                or node.named_children[0]
            )
            if ctx.text(callee).rsplit(".", 1)[-1] not in _CONSTANT_CALLS:
                return False
        if node.type in _IDENT_TYPES and ctx.text(node) in changing:
            return False
    return True


def _walk(node: Node, into_functions: bool) -> Iterator[Node]:
    """The node and its descendants, not entering nested functions unless asked."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        for child in reversed(current.children):
            if child.type in COMMENT_TYPES:
                continue
            if not into_functions and child.type in _ALL_FUNCTIONS:
                continue
            stack.append(child)


_ALL_FUNCTIONS = frozenset(t for kinds in FUNCTION_TYPES.values() for t in kinds)


def walk_calls(node: Node) -> Iterable[Node]:
    """Calls inside `node`, not inside nested functions."""
    return (n for n in _walk(node, into_functions=False) if n.type in _CALL_TYPES)
