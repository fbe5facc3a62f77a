"""What the block guarded by an empty handler does, for FG301's severity.

A swallowed error matters as much as the operation that raised it. This module reads the calls
a `try` block makes for their effect (a call whose value is dropped: `bus.publish(e)`, `await
tx.commit()`, Kotlin's `writer.write(it)` inside a `forEach { }`) and sorts the block into:

- WRITES: it commits, flushes, writes, sends, saves, publishes or executes; or it closes
  something written to (an output stream, a writer, a file opened for writing, a transaction):
  a failed close there is lost data.
- EFFECTS: it calls something for an effect the rule cannot name (`repo.markSettled(id)`).
- TEARDOWN: it only closes, shuts down or releases something being discarded (a socket, a
  selector, a channel, a pool, an input stream, a connection): a failure there loses nothing.
- READS: it only computes values (assignments, returns, lookups, parses, local collections,
  validation probes, logging).

It also recognises the function around the `try` as teardown (`close`, `dispose`, `OnDestroy
{ }`) or as error handling already in flight (`handle_dbapi_exception`), and a `try` inside a
loop over a literal list of candidates (`for fts in ("FTS5", "FTS4")`): a probe.
"""

from __future__ import annotations

import re

import tree_sitter

from forge_lsp.rules.families import handler_context as hc

WRITES, EFFECTS, TEARDOWN, READS = "writes", "effects", "teardown", "reads"

_CALLS = frozenset({"call", "call_expression", "method_invocation"})
# A call directly under one of these is a statement: its value is dropped, it runs for effect.
_STATEMENT_PARENTS = frozenset(
    {"expression_statement", "block", "statements", "lambda_literal", "statement_block"}
)
_AWAITS = frozenset({"await", "await_expression"})
_MEMBERS = frozenset({"attribute", "member_expression", "navigation_expression", "field_access"})
# Nested definitions run later, not when the `try` runs (lambdas passed to `forEach` do run).
_DEFINITIONS = frozenset(
    {"function_definition", "function_declaration", "method_declaration", "class_definition",
     "class_declaration", "class_body", "method_definition"}
)  # fmt: skip

# Calls whose failure loses data or a decision.
MUST_KEEP = re.compile(
    r"(?i)^(commit\w*|flush\w*|write\w*|send\w*|save\w*|persist\w*|publish\w*|execute\w*|exec|"
    r"executemany|sync|fsync|store|upload\w*|insert\w*|update\w*|post|patch|put|ack|nack|"
    r"enqueue|transfer\w*|charge)$"
)
# Deleting a file or folder: a failure leaves it behind, it loses nothing written.
_DELETE = re.compile(
    r"^(unlink|unlinkSync|rmdir|rmdirSync|rmtree|removedirs|deleteIfExists|rmSync)$"
)
# Changing a file's permissions, owner, flags or times: a failure loses nothing written.
_ATTRIBUTES = re.compile(
    r"^(chmod|lchmod|fchmod|chown|lchown|fchown|chflags|lchflags|utime|utimes|setLastModified|"
    r"setReadable|setWritable|setExecutable|setPosixFilePermissions|setOwner)$"
)
_DELETE_ON = frozenset({"os", "shutil", "Files", "fs", "fsPromises", "path", "file", "f"})
_TEARDOWN = re.compile(
    r"(?i)^(close\w*|shutdown\w*|disconnect\w*|dispose\w*|destroy\w*|release\w*|cancel\w*|"
    r"abort|terminate\w*|stop\w*|unregister\w*|unsubscribe\w*|kill|wakeup|interrupt|quit|"
    r"detach\w*|join|remove\w*(Listener|Observer|Handler)|clearInterval|clearTimeout)$"
)
# Calls run for what they raise or print, not for a lasting effect.
_PROBES = re.compile(r"(?i)^(validate\w*|check\w*|verify\w*|ensure\w*|assert\w*|require\w*)$")
_ITERATION = frozenset({"forEach", "each", "map", "filter", "apply", "also", "let", "run", "use"})
_LOGGERS = re.compile(
    r"(^|\.)(log|_log|logger|_logger|logging|LOG|LOGGER|console|warnings)$|[a-z]Logger$"
)
_COLLECTION_OPS = frozenset(
    {"append", "extend", "add", "addAll", "insert", "pop", "remove", "discard", "clear", "set",
     "put", "putAll", "push", "unshift", "update", "setdefault", "delete", "removeAll"}
)  # fmt: skip
_COLLECTION_NAME = re.compile(
    r"(?i)(list|map|set|dict|array|items|values|names|keys|results?|versions|seen|acc)$"
)

# Receivers written to: closing them flushes what was written (a failure is lost data).
_WRITTEN_NAME = re.compile(
    r"(?i)^(out|output|fos|bos|w|fw|bw|pw|wfile|outfile|out_file|dest|sink|tx|txn|"
    r"transaction|batch|producer|publisher|uploader)$|(writer|output|outputstream|sink|"
    r"transaction|producer|publisher|uploader)$"
)
_WRITTEN_TYPE = re.compile(r"(Writer|OutputStream|Output|Sink|Transaction|Producer|Publisher)\b")
_DISCARDED_TYPE = re.compile(
    r"(InputStream|Reader|Socket|Selector|Channel|Pool|Connection|Client|Server|Executor|"
    r"Cursor|Statement|ResultSet|Watch\w*|Database|Session)\b"
)
_WRITE_MODE = re.compile(r"""open\([^)]*,\s*(mode\s*=\s*)?['"][^'"]*[wax+]""")

_TEARDOWN_FUNCTION = re.compile(
    r"(?i)^(_*close\w*|_*stop\w*|shutdown\w*|_*dispose\w*|destroy\w*|on_?destroy|on_?stop|"
    r"cleanup|clean_up|teardown|tear_down|release\w*|terminate\w*|finali[sz]e|__exit__|"
    r"__aexit__|__del__|disconnect\w*|unload\w*|detach\w*|quit)$"
)
_ERROR_FUNCTION = re.compile(
    r"(?i)^(_*handle_?\w*(error|exception|failure)|on_?(error|exception|failure)|"
    r"_*\w*_on_(error|exception))$"
)
_LITERAL_ITEMS = frozenset(
    {"string", "integer", "float", "string_literal", "decimal_integer_literal", "number",
     "tuple", "true", "false", "none", "null"}
)  # fmt: skip
_LITERAL_SEQUENCES = frozenset({"tuple", "list", "array", "set"})


def _text(node: tree_sitter.Node | None) -> str:
    return (node.text or b"").decode("utf-8", "replace") if node is not None else ""


def _callee(call: tree_sitter.Node) -> tuple[str, str]:
    """The called name and its receiver's text (`""` for a bare function call)."""
    if call.type == "method_invocation":
        method = call.child_by_field_name("name")
        return _text(method), _text(call.child_by_field_name("object"))
    function = call.child_by_field_name("function")
    if function is None and call.named_children:
        function = call.named_children[0]  # Kotlin
    if function is None:
        return "", ""
    if function.type in _MEMBERS and function.named_children:
        parts = function.named_children
        name = _text(parts[-1]).lstrip(".?")
        return name, _text(parts[0])
    return _text(function), ""


def _is_statement(call: tree_sitter.Node) -> bool:
    parent = call.parent
    if parent is not None and parent.type in _AWAITS:
        parent = parent.parent
    return parent is not None and parent.type in _STATEMENT_PARENTS


def effect_calls(block: tree_sitter.Node) -> list[tree_sitter.Node]:
    """The calls the block makes for their effect, lambdas passed along included."""
    found: list[tree_sitter.Node] = []
    stack = list(block.named_children)
    while stack:
        node = stack.pop()
        if node.type in _DEFINITIONS:
            continue
        if node.type in _CALLS and _is_statement(node):
            found.append(node)
        stack.extend(node.named_children)
    return found


def _local_collection(receiver: str, scope: str) -> bool:
    """`values` in `const values = new Map()`, `seen = set()`, `val out = mutableListOf()`."""
    if not re.fullmatch(r"[A-Za-z_$][\w$]*", receiver):
        return False
    if _COLLECTION_NAME.search(receiver):
        return True
    literal = (
        rf"\b{re.escape(receiver)}\s*(:[^=\n]*)?=\s*(\[|\{{|set\(|dict\(|list\(|"
        r"new\s+(Map|Set|Array|WeakMap|\w*List|\w*Map|\w*Set)\b|mutable\w*Of|arrayListOf|"
        r"\w*(List|Map|Set)\()"
    )
    return bool(re.search(literal, scope))


def written_to(receiver: str, scope: str, file_text: str) -> bool | None:
    """Is the closed receiver something written to (True), something being discarded (False),
    or can the rule not tell (None)? Its name, its declared type (`Writer out`, `val out:
    OutputStream`, a field of the file), writes to it in the function, `open(p, "w")`."""
    name = receiver.removeprefix("self.").removeprefix("this.")
    if not re.fullmatch(r"[A-Za-z_$][\w$]*", name):
        # `response.getOutputStream().close()`, `self.files.writer.close()`
        return True if re.search(r"(?i)writer|output|sink", name) else None
    if _WRITTEN_NAME.search(name):
        return True
    escaped = re.escape(name)
    writes = rf"\b{escaped}\s*\.\s*(write|print|flush|append|send|commit|insert|save)\w*\s*\("
    if re.search(writes, scope) or re.search(rf"\b{escaped}\s*=\s*{_WRITE_MODE.pattern}", scope):
        return True
    declared = re.search(
        rf"([A-Z][\w.]*)(<[^>\n]*>)?\s+{escaped}\s*[=;,)]|\b{escaped}\s*:\s*([A-Z][\w.]*)|"
        rf"\b{escaped}\s*=\s*(new\s+)?([A-Z][\w.]*)\s*\(",
        f"{scope}\n{file_text}",
    )
    if declared is not None:
        kind = declared.group(1) or declared.group(3) or declared.group(5) or ""
        if _WRITTEN_TYPE.search(kind):
            return True
        if _DISCARDED_TYPE.search(kind):
            return False
    return None


def _kind(call: tree_sitter.Node, scope: str, file_text: str) -> str | None:
    name, receiver = _callee(call)
    if not name or name in _ITERATION:
        return None
    if (receiver and _LOGGERS.search(receiver.split("(")[0])) or name in ("print", "println"):
        return None
    if _PROBES.match(name):
        return None
    if name in _COLLECTION_OPS and _local_collection(receiver, scope):
        return None
    if _DELETE.match(name) or (name in ("remove", "delete") and receiver in _DELETE_ON):
        return TEARDOWN
    if _ATTRIBUTES.match(name):
        return TEARDOWN  # an optional step: not being allowed is its usual failure
    if _TEARDOWN.match(name):
        if name.lower().startswith("close") and receiver:
            return WRITES if written_to(receiver, scope, file_text) else TEARDOWN
        return TEARDOWN
    if MUST_KEEP.match(name):
        return READS if _runs_a_read(call, name, scope) else WRITES
    return EFFECTS


# SQL that only reads: its failure loses no write (`SELECT ... FOR UPDATE` takes locks: not one).
_READ_SQL = re.compile(
    r"(?is)^\s*(?:select\b(?!.*\bfor\s+update\b)|show\b|explain\b|describe\b|desc\b"
    r"|pragma\s+[\w.]+\s*(?:[(;\"'`]|$))"
)
_STRING_START = re.compile(r"""^[A-Za-z]{0,2}(?:\"\"\"|'\'\'|"|'|`)""")


def _runs_a_read(call: tree_sitter.Node, name: str, scope: str) -> bool:
    """`cur.execute("SHOW STATUS")`, or of a name the function sets to such a literal (`query
    = 'SELECT ...'`, also `.format(...)`ed): a query that reads."""
    if not name.lower().startswith("execute"):
        return False
    arguments = call.child_by_field_name("arguments")
    first = arguments.named_children[0] if arguments and arguments.named_children else None
    if first is None:
        return False
    text = _text(first)
    if first.type in ("call", "call_expression", "method_invocation"):  # "...".format(...)
        function = first.child_by_field_name("function") or first.child_by_field_name("object")
        text = _text(function.named_children[0] if function and function.named_children else None)
    if re.fullmatch(r"[A-Za-z_]\w*", text):
        assigned = re.search(rf"(?m)^\s*{text}\s*(?::[^=\n]*)?=\s*(.+)$", scope)
        text = assigned.group(1) if assigned else ""
    start = _STRING_START.match(text)
    return start is not None and _READ_SQL.match(text[start.end() :]) is not None


def guarded_effect(try_node: tree_sitter.Node, file_text: str) -> str:
    """WRITES, EFFECTS, TEARDOWN or READS: the strongest thing the guarded block does."""
    block = hc.try_block(try_node)
    if block is None:
        return READS
    function = enclosing_function(try_node)
    scope = _text(function) if function is not None else _text(block)
    kinds = {_kind(call, scope, file_text) for call in effect_calls(block)}
    if WRITES in kinds:
        return WRITES
    if EFFECTS in kinds:
        return TEARDOWN if _TEARDOWN_FUNCTION.match(function_name(try_node)) else EFFECTS
    return TEARDOWN if TEARDOWN in kinds else READS


def enclosing_function(node: tree_sitter.Node) -> tree_sitter.Node | None:
    current = node.parent
    while current is not None and current.type not in hc.FUNCTIONS:
        current = current.parent
    return current


def function_name(node: tree_sitter.Node) -> str:
    """The name of the function around `node`; for a lambda, the call it is passed to
    (Kotlin's `OnDestroy { ... }`)."""
    current = enclosing_function(node)
    if current is None:
        return ""
    if current.type in ("lambda_literal", "arrow_function", "lambda", "function_expression"):
        call = current.parent
        while call is not None and call.type not in _CALLS and call.type not in hc.FUNCTIONS:
            call = call.parent
        if call is not None and call.type in _CALLS:
            return _callee(call)[0]
        return ""
    name = current.child_by_field_name("name") or next(
        (c for c in current.named_children if c.type in ("identifier", "simple_identifier")), None
    )
    return _text(name)


def error_in_flight(try_node: tree_sitter.Node) -> bool:
    """The function handles an error already (`handle_dbapi_exception`, `onError`), or the
    `try` is cleanup in a `finally`, which may run while another error propagates: a cleanup
    failure there is secondary, and raising it would hide the first."""
    return bool(_ERROR_FUNCTION.match(function_name(try_node))) or hc.inside(try_node, _FINALLY)


_FINALLY = frozenset({"finally_clause", "finally_block"})


def probes_candidates(try_node: tree_sitter.Node) -> bool:
    """`for fts in ("FTS5", "FTS4", "FTS3"): try: conn.execute(...)`: a loop over a literal
    list of candidates, each tried in turn; a failure means "not this one"."""
    current = try_node.parent
    while current is not None and current.type not in hc.FUNCTIONS:
        if current.type in ("for_statement", "for_in_statement", "enhanced_for_statement"):
            iterable = current.child_by_field_name("right") or current.child_by_field_name("value")
            if iterable is not None and iterable.type in _LITERAL_SEQUENCES:
                items = [c for c in iterable.named_children if "comment" not in c.type]
                return bool(items) and all(i.type in _LITERAL_ITEMS for i in items)
            return False
        current = current.parent
    return False


def tries_next(try_node: tree_sitter.Node) -> bool:
    """`try { return parse(s, FMT_A) } catch (e: Exception) {} / try { return parse(s, FMT_B)
    }`: one attempt whose success returns, followed by the next attempt."""
    if not hc.returns_answer(try_node):
        return False
    following = hc.statement_of(try_node).next_named_sibling
    while following is not None and "comment" in following.type:
        following = following.next_named_sibling
    return following is not None and following.type in ("try_statement", "try_expression")
