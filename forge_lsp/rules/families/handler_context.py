"""What surrounds an empty `except`/`catch` handler, for FG301 (and FG304's comments).

An empty handler is only swallowed when nothing around it deals with the failure. This module
reads the surroundings, in Python, Java, Kotlin and JavaScript/TypeScript trees:

- the comment: does it give a reason, or only label the empty block (`// ignore`)?
- the exception and the guarded statement: is the failure the answer (a lookup, a parse, an
  optional import, a delete of something already gone), or a real failure (I/O, SQL, network)?
- the loop: is the `try` one attempt among candidates, whose success returns or breaks?
- the statement after the `try`: does it test what the body assigned and raise, log or
  return an error?
- the function: is it a test that expects the exception?
"""

from __future__ import annotations

import re

import tree_sitter

# ---------------------------------------------------------------------------------------------
# Comments: a reason, or a label
# ---------------------------------------------------------------------------------------------

_MARKERS = re.compile(r"^\s*(#+|//+|/\*+|\*+/|\*)\s*|\s*\*+/\s*$")
# A comment whose words are all of these names the empty block without saying why it is right.
_LABEL_WORDS = frozenset(
    [
        "ignore", "ignored", "ignoring", "ignores", "do", "does", "nothing", "noop", "no-op", "nop",
        "no", "op", "empty", "pass", "passes", "skip", "skipped", "swallow", "swallowed",
        "swallowing", "suppress", "suppressed", "silence", "silenced", "silent", "silently",
        "intentional", "intentionally", "deliberately", "on", "purpose", "ok", "okay", "fine", "it",
        "this", "that", "the", "an", "a", "exception", "exceptions", "error", "errors", "e", "ex",
        "here", "just", "catch", "caught", "handle", "handled", "todo", "fixme", "xxx", "hack",
        "best", "effort"
    ]
)  # fmt: skip
_REASON_WORD = re.compile(
    r"(?i)\b(because|since|as|already|optional|missing|absent|gone|unsupported|not\s+"
    r"(installed|available|supported|present|found)|fall\s*back|fallback|default|retr(y|ied)|"
    r"next|instead|later|never|cannot|can't|may|might|means?|so|if|when|until|unless|"
    r"happens?|impossible|unreachable|expected)\b"
)
_TODO = re.compile(r"(?i)^(todo|fixme|xxx)\b")


def comment_words(text: str) -> list[str]:
    """The words of a comment, without its markers and punctuation."""
    lines = [_MARKERS.sub("", line) for line in text.splitlines()]
    return re.findall(r"[A-Za-z][\w'-]*", " ".join(lines))


def gives_reason(text: str) -> bool:
    """True when a comment says why doing nothing is right, not only that nothing is done.

    A label (`// ignore`, `/* do nothing */`, `# pass`, `// empty`, `// best effort`) and a
    TODO give no reason. A reason is a comment with a word that carries one (`because`,
    `already`, `optional`, `fallback`, `never`, `may`, `happen`...) or at least two words
    that are not all labels (`# Invalid header.`).
    """
    body = " ".join(_MARKERS.sub("", line) for line in text.splitlines()).strip()
    if not body or _TODO.match(body):
        return False
    words = comment_words(body)
    if all(word.lower() in _LABEL_WORDS for word in words):
        return False
    return bool(_REASON_WORD.search(body)) or len(words) >= 2


_FAILURE_WORD = re.compile(
    r"(?i)\b(errors?|exceptions?|fail\w*|ignor\w*|catch\w*|rais\w*|throw\w*|no-op|exists?|"
    r"(if|when|where)\s+(possible|available|supported))\b"
)


def comments_above(try_node: tree_sitter.Node) -> list[tree_sitter.Node]:
    """The comment lines right above the statement holding the `try`, nearest last."""
    found: list[tree_sitter.Node] = []
    current = statement_of(try_node)
    sibling = current.prev_named_sibling
    if sibling is None and current.parent is not None and current.parent.type == "block":
        # tree-sitter-python parks a first statement's comment before the block
        sibling = current.parent.prev_named_sibling
    line = current.start_point[0]
    while sibling is not None and "comment" in sibling.type and sibling.end_point[0] == line - 1:
        found.insert(0, sibling)
        line = sibling.start_point[0]
        sibling = sibling.prev_named_sibling
    return found


def reason_above(try_node: tree_sitter.Node, types: frozenset[str]) -> bool:
    """A comment above the `try` that gives a reason *about the failure*, not about what the
    block does: it names the error (`errors`, `fails`, `ignore`, a caught type)."""
    text = "\n".join((c.text or b"").decode("utf-8", "replace") for c in comments_above(try_node))
    if not text or not gives_reason(text):
        return False
    return bool(_FAILURE_WORD.search(text)) or any(t in text for t in types)


# ---------------------------------------------------------------------------------------------
# The exception: is failure the answer?
# ---------------------------------------------------------------------------------------------

# A lookup, an optional import or a parse whose failure *is* the answer, around any statement.
LOOKUP_TYPES = frozenset(
    {
        "KeyError",
        "IndexError",
        "LookupError",
        "AttributeError",
        "StopIteration",
        "StopAsyncIteration",
        "ImportError",
        "ModuleNotFoundError",
        "FileNotFoundError",
        "ProcessLookupError",
        "NotADirectoryError",
        "JSONDecodeError",
        "UnicodeDecodeError",
        "UnicodeEncodeError",
        "UnicodeError",
        "InvalidOperation",
        "NumberFormatException",
        "NoSuchElementException",
        "DateTimeParseException",
        "DateTimeException",
        "ParseException",
        "IndexOutOfBoundsException",
        "ArrayIndexOutOfBoundsException",
        "StringIndexOutOfBoundsException",
        "ClassNotFoundException",
        "NoSuchMethodException",
        "NoSuchFieldException",
        "NoSuchFileException",
        "MissingResourceException",
        "ObjectDoesNotExist",
        "DoesNotExist",
        "FieldDoesNotExist",
        "NoResultFound",
        "NoResultException",
        "EmptyResultDataAccessException",
        "ValidationError",
        "ValidationException",
    }
)
# These mean "not a valid value" only around a parse or a conversion: `int(x)`, `float(x)`,
# `json.loads(s)`, `datetime.strptime(s, fmt)`, `uuid.UUID(s)`, `UUID.fromString(s)`,
# `Enum.valueOf(s)`; around anything else they can be a bug.
PARSE_TYPES = frozenset({"ValueError", "TypeError", "OverflowError", "IllegalArgumentException"})
_PARSE_CALL = re.compile(
    r"\b(int|float|complex|Decimal|Fraction|UUID|ip_address|ip_network|ip_interface|"
    r"IPv4Address|IPv6Address|literal_eval|fromisoformat|strptime|loads|load|parse\w*|"
    r"valueOf|fromString|forName|decode|b64decode|b32decode|urlsafe_b64decode|unhexlify|"
    r"fromhex|unquote|index|remove|to(Int|Long|Double|Float|Short|Byte|BigDecimal|BigInteger)"
    r"|getattr|import_module|import_string)\s*\("
)
# `FileExistsError` means "already there" around a create: `os.mkdir`, `os.makedirs`.
_CREATE_CALL = re.compile(r"\b(mkdir|makedirs|symlink|link|createDirectory)\s*\(")


# A real failure: I/O, SQL, network. Swallowed, it can be a lost write or a lost commit.
FAILURE_TYPES = frozenset(
    {
        "OSError",
        "IOError",
        "EnvironmentError",
        "PermissionError",
        "BrokenPipeError",
        "ConnectionError",
        "ConnectionResetError",
        "ConnectionAbortedError",
        "ConnectionRefusedError",
        "error",  # socket.error, select.error
        "DatabaseError",
        "OperationalError",
        "IntegrityError",
        "InterfaceError",
        "ProgrammingError",
        "DBAPIError",
        "SQLAlchemyError",
        "RequestException",
        "HTTPError",
        "URLError",
        "SMTPException",
        "IOException",
        "UncheckedIOException",
        "SQLException",
        "SocketException",
        "EOFException",
        "ClosedChannelException",
        "DataAccessException",
        "MessagingException",
        "JMSException",
    }
)
# Calls whose failure loses data or a decision: a failed close can be a lost commit.
_MUST_KEEP_CALL = re.compile(
    r"\.\s*(close|commit|flush|send|sendall|write|writelines|sync|fsync|save|store|publish|"
    r"rollback|shutdown|execute|executemany|executeUpdate|put)\s*\("
)


def lost_failure(types: frozenset[str], guarded: str) -> bool:
    """True when the caught failure is real (I/O, SQL, network), or the guarded statement
    writes, sends, flushes, commits or closes and the types are not plain lookups."""
    if types & FAILURE_TYPES:
        return True
    plain_lookups = all(_plain_lookup(t) for t in types)
    return bool(types) and not plain_lookups and bool(_MUST_KEEP_CALL.search(guarded))


def _plain_lookup(name: str) -> bool:
    """A type whose name says "no such value" or "already there"."""
    suffixes = ("DoesNotExist", "AlreadyExists", "NotFound", "NotFoundError", "NotFoundException")
    return name in LOOKUP_TYPES or name.endswith(suffixes)


def failure_is_answer(types: frozenset[str], guarded: str) -> bool:
    """True when every caught type means "no such value" for the statement `guarded`."""
    if not types:
        return False
    for name in types:
        if _plain_lookup(name):
            continue
        if name in PARSE_TYPES and _PARSE_CALL.search(guarded):
            continue
        if name == "FileExistsError" and _CREATE_CALL.search(guarded):
            continue
        return False
    return True


# ---------------------------------------------------------------------------------------------
# The tree around the `try`
# ---------------------------------------------------------------------------------------------

_FUNCTIONS = frozenset(
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
        "lambda_literal",
        "anonymous_function",
        "class_body",
        "class_definition",
    }
)
FUNCTIONS = _FUNCTIONS
_LOOPS = frozenset(
    {
        "for_statement",
        "for_in_statement",
        "enhanced_for_statement",
        "while_statement",
        "do_statement",
        "do_while_statement",
    }
)
_BLOCKS = frozenset({"block", "statement_block", "statements", "module", "program"})


def try_block(try_node: tree_sitter.Node) -> tree_sitter.Node | None:
    """The guarded block of a `try` (Kotlin's has no field name: it is the first block)."""
    body = try_node.child_by_field_name("body")
    if body is not None:
        return body
    return next((c for c in try_node.named_children if c.type == "block"), None)


def block_statements(block: tree_sitter.Node) -> list[tree_sitter.Node]:
    """The statements of a block, comments left out."""
    return [c for c in block.named_children if "comment" not in c.type]


def _walk(node: tree_sitter.Node) -> list[tree_sitter.Node]:
    """`node`'s descendants, not entering nested functions or loops."""
    found: list[tree_sitter.Node] = []
    stack = list(node.named_children)
    while stack:
        current = stack.pop()
        found.append(current)
        if current.type not in _FUNCTIONS and current.type not in _LOOPS:
            stack.extend(current.named_children)
    return found


def _exits(node: tree_sitter.Node) -> bool:
    """A `return` or `break` leaving the `try` with the answer."""
    if node.type in ("return_statement", "break_statement", "return_expression"):
        return True
    if node.type in ("jump_expression", "identifier"):  # Kotlin `break`, `break@outer`
        text = node.text or b""
        return text == b"break" or text.startswith((b"break@", b"return"))
    return False


# The operation a lookup type comes from; other lookup types name their operation themselves.
_LOOKUP_OPERATION = {
    "KeyError": re.compile(r"\w\s*\[|\.pop\("),
    "IndexError": re.compile(r"\w\s*\[|\.pop\("),
    "LookupError": re.compile(r"\w\s*\[|\.pop\(|\blookup\("),
    "AttributeError": re.compile(r"\w\.\w|\bgetattr\("),
    "StopIteration": re.compile(r"\bnext\(|__next__"),
    "FileNotFoundError": re.compile(
        r"\b(remove|unlink|rmdir|rmtree|delete\w*|open|stat|lstat|getsize|getmtime|listdir|scandir)\("
    ),
}
_COMPOUND = frozenset(
    {
        *_LOOPS,
        "with_statement",
        "try_statement",
        "try_expression",
        "function_definition",
        "class_definition",
        "match_statement",
        "switch_statement",
        "synchronized_statement",
        "try_with_resources_statement",
    }
)


def small_lookup(types: frozenset[str], block: tree_sitter.Node) -> bool:
    """A lookup or a parse guarded by a short block (at most three statements, no loop, `with`
    or nested `try`) that holds the operation the type comes from: `try: suffix =
    suffixes[i] / if suffix: col += suffix / except IndexError: pass`."""
    statements = block_statements(block)
    if not types or not statements or len(statements) > 3:
        return False
    if any(s.type in _COMPOUND for s in statements):
        return False
    if any(n.type in _COMPOUND for s in statements for n in _walk(s)):
        return False
    text = (block.text or b"").decode("utf-8", "replace")
    for name in types:
        operation = _LOOKUP_OPERATION.get(name)
        if operation is not None:
            if not operation.search(text):
                return False
        elif name not in PARSE_TYPES or not _only_parses(text):
            return False
    return True


_CALLEE = re.compile(r"([A-Za-z_]\w*)\s*\(")
_STRING_METHODS = frozenset(
    {"split", "rsplit", "strip", "lstrip", "rstrip", "partition", "rpartition", "lower", "upper"}
)


def _only_parses(text: str) -> bool:
    """The block parses and calls nothing else that could raise the same `ValueError`:
    `srid = int(raw) / srs = "EPSG:%d" % srid`, not `n = int(raw) / limits.check(n)`."""
    callees = _CALLEE.findall(text)
    if not callees:
        return False
    return any(_PARSE_CALL.search(f"{c}(") for c in callees) and all(
        _PARSE_CALL.search(f"{c}(") or c in _STRING_METHODS for c in callees
    )


def has_else(try_node: tree_sitter.Node) -> bool:
    """Python's `try: ... except E: pass / else: ...`: two explicit branches."""
    return any(c.type == "else_clause" for c in try_node.named_children)


def else_exits(try_node: tree_sitter.Node) -> bool:
    """Python's `try: check(x) / except E: pass / else: return`: success leaves, so the handler
    falling through is the failure's own path (`yield "not a valid timestamp"` after it)."""
    for clause in try_node.named_children:
        if clause.type == "else_clause":
            body = clause.child_by_field_name("body") or clause
            statements = [c for c in body.named_children if c.type != "comment"]
            return bool(statements) and statements[-1].type in _EXIT_STATEMENTS
    return False


_EXIT_STATEMENTS = frozenset(
    {"return_statement", "break_statement", "continue_statement", "raise_statement"}
)


def returns_answer(try_node: tree_sitter.Node) -> bool:
    """The `try` block (or Python's `else:`) returns or breaks out with what it found."""
    parts = [try_block(try_node)]
    parts += [c for c in try_node.named_children if c.type == "else_clause"]
    return any(_exits(n) for part in parts if part is not None for n in _walk(part))


def in_loop(node: tree_sitter.Node) -> bool:
    """True when `node` sits in a loop's body within its own function."""
    return inside(node, _LOOPS)


def inside(node: tree_sitter.Node, kinds: frozenset[str]) -> bool:
    """True when an ancestor of `node` within its own function is of one of `kinds`."""
    current = node.parent
    while current is not None and current.type not in _FUNCTIONS:
        if current.type in kinds:
            return True
        current = current.parent
    return False


TIMEOUT_TYPES = frozenset(
    {"timeout", "TimeoutError", "Timeout", "SocketTimeoutException", "TimeoutException"}
)


def polls(try_node: tree_sitter.Node, types: frozenset[str]) -> bool:
    """`while running: try: conn.drain_events(timeout=1) / except socket.timeout: pass`: in a
    loop, a timeout is how the loop wakes up to check whether it should stop."""
    return bool(types) and types <= TIMEOUT_TYPES and in_loop(try_node)


def tries_candidates(try_node: tree_sitter.Node) -> bool:
    """`for k in keys: try: return d[k] / except KeyError: pass`: one attempt of several.

    The `try` is inside a loop and its block (or a statement after it in the loop body)
    returns or breaks out on success, so a failure moves on to the next candidate (or the
    next attempt) and the code after the loop is the fallback.
    """
    if not in_loop(try_node):
        return False
    if returns_answer(try_node):
        return True
    # `while True: key = new_key() / try: save(key) / except Taken: continue / return`
    following = statement_of(try_node).next_named_sibling
    while following is not None:
        if _exits(following):
            return True
        following = following.next_named_sibling
    return False


def statement_of(try_node: tree_sitter.Node) -> tree_sitter.Node:
    """The statement holding the `try`: Kotlin's `val x = try { ... }` is a declaration."""
    current = try_node
    while current.parent is not None and current.parent.type not in _BLOCKS:
        if current.parent.type in _FUNCTIONS:
            break
        current = current.parent
    return current


_ASSIGNMENTS = frozenset({"assignment", "assignment_expression", "augmented_assignment"})
_NAME = re.compile(r"^(?:(?:self|this)\.)?([A-Za-z_$][\w$]*)$")


def assigned_names(block: tree_sitter.Node) -> set[str]:
    """Plain names (and `self.x` / `this.x`) the block assigns."""
    names: set[str] = set()
    for node in _walk(block):
        if node.type not in _ASSIGNMENTS or not node.named_children:
            continue
        left = node.child_by_field_name("left") or node.named_children[0]
        targets = left.named_children if left.type in ("pattern_list", "tuple_pattern") else [left]
        for target in targets:
            match = _NAME.match((target.text or b"").decode("utf-8", "replace"))
            if match:
                names.add(match.group(1))
    return names


_IFS = frozenset({"if_statement", "if_expression"})
# What reports or converts the failure in the `if` right after the `try`.
_REPORTS = re.compile(
    r"\b(raise|throw)\b|\babort\s*\(|\bwarnings\.warn\s*\(|"
    r"\b\w*(log|Log|LOG)\w*\s*\.\s*(error|warn|warning|exception|critical|fatal|severe|info|"
    r"e|w|log)\s*\(|\bconsole\s*\.\s*(error|warn)\s*\(|"
    r"\breturn\b[^\n;]*(\w*(Error|error|Exception|Invalid|invalid|BadRequest|Failure|failure)"
    r"\w*|\bErr\s*\(|\b[45]\d\d\b)"
)


def _next_statement(statement: tree_sitter.Node) -> tree_sitter.Node | None:
    """The statement after `statement`, comments skipped; for the last statement of an `if`
    branch (`if x is None: try: ...`), the statement after that `if`."""
    current: tree_sitter.Node | None = statement
    while current is not None:
        following = current.next_named_sibling
        while following is not None and "comment" in following.type:
            following = following.next_named_sibling
        if following is not None:
            return following
        block = current.parent
        branch = block.parent if block is not None and block.type in _BLOCKS else None
        if branch is None or branch.type not in _IFS:
            return None
        current = branch
    return None


def reported_after(try_node: tree_sitter.Node) -> bool:
    """The statement right after the `try` tests a name the `try` block assigns, and its
    branch raises, logs or returns an error: the failure is reported there, not lost.

    `x = None / try: x = parse(s) / except ValueError: pass / if x is None: raise BadRequest`.
    """
    block = try_block(try_node)
    if block is None:
        return False
    names = assigned_names(block) or _call_arguments(block)
    following = _next_statement(statement_of(try_node))
    if not names or following is None or following.type not in _IFS:
        return False
    parts = following.named_children
    condition = following.child_by_field_name("condition") or (parts[0] if parts else None)
    consequence = following.child_by_field_name("consequence")
    if consequence is None and len(parts) > 1:
        consequence = parts[1]
    if condition is None or consequence is None:
        return False
    tested = (condition.text or b"").decode("utf-8", "replace")
    patterns = [rf"(?<![\w$.]){re.escape(n)}\b|\b(self|this)\.{re.escape(n)}\b" for n in names]
    if not any(re.search(pattern, tested) for pattern in patterns):
        return False
    return bool(_REPORTS.search((consequence.text or b"").decode("utf-8", "replace")))


_WARNS = re.compile(
    r"\b(raise|throw)\b|\.\s*(warn|warning|error|exception|critical|fatal|severe)\s*\(|"
    r"\bwarnings\.warn\s*\("
)


def _call_arguments(block: tree_sitter.Node) -> set[str]:
    """The plain names passed to the one call a one-statement block makes: `os.rename(tmp,
    path)` followed by `if not os.path.exists(path): raise ...` checks the effect itself."""
    statements = [c for c in block.named_children if c.type != "comment"]
    if len(statements) != 1 or statements[0].type != "expression_statement":
        return set()
    call = statements[0].named_children[0] if statements[0].named_children else None
    arguments = call.child_by_field_name("arguments") if call is not None else None
    if arguments is None:
        return set()
    return {
        (a.text or b"").decode("utf-8", "replace")
        for a in arguments.named_children
        if a.type == "identifier"
    }


def reported_after_return(try_node: tree_sitter.Node) -> bool:
    """The `try` returns what it found, and the statement after it warns or raises: reaching
    it means the attempt failed, and the failure is reported there.

    `try: value = fetch(conn) / if value: return value / except DBAPIError: pass /
    util.warn("Could not detect the charset")`.
    """
    if not returns_answer(try_node):
        return False
    following = _next_statement(statement_of(try_node))
    if following is None or following.type not in (
        "expression_statement",
        "raise_statement",
        "throw_statement",
    ):
        return False
    return bool(_WARNS.search((following.text or b"").decode("utf-8", "replace")))


# ---------------------------------------------------------------------------------------------
# Tests that expect the exception
# ---------------------------------------------------------------------------------------------

_TEST_ANNOTATION = re.compile(r"@([\w.]*\.)?(Test|ParameterizedTest|RepeatedTest)\b")
_TEST_CALL = re.compile(r"^(it|test|specify|bench)(\.\w+)*$")
# A benchmark case, `suite.add("invalid input", () => ...)` (Benchmark.js, tinybench).
_BENCH_CASE = re.compile(r"^\w*([Ss]uite|[Bb]ench)")
_SIMPLE = frozenset(
    {
        "expression_statement",
        "local_variable_declaration",
        "lexical_declaration",
        "variable_declaration",
        "assert_statement",
        "property_declaration",
        "call_expression",
        "assignment",
        "await_expression",
    }
)


def _is_test_function(node: tree_sitter.Node) -> bool:
    name = node.child_by_field_name("name")
    if node.type == "function_definition" and name is not None:
        return (name.text or b"").startswith(b"test")
    if node.type in ("method_declaration", "function_declaration"):
        modifiers = next((c for c in node.named_children if c.type == "modifiers"), None)
        text = (modifiers.text or b"").decode("utf-8", "replace") if modifiers else ""
        return bool(_TEST_ANNOTATION.search(text))
    if node.type in ("arrow_function", "function_expression", "function"):
        arguments = node.parent
        call = arguments.parent if arguments is not None else None
        callee = call.child_by_field_name("function") if call is not None else None
        if callee is None or call is None or call.type != "call_expression":
            return False
        if _TEST_CALL.match((callee.text or b"").decode("utf-8", "replace")):
            return True
        return _benchmark_case(callee, arguments)
    return False


def _benchmark_case(callee: tree_sitter.Node, arguments: tree_sitter.Node | None) -> bool:
    """`suite.add("name", fn)` / `bench.add(...)`, chained or not, with a string first."""
    method = callee.child_by_field_name("property")
    receiver = callee.child_by_field_name("object")
    first = arguments.named_children[0] if arguments and arguments.named_children else None
    if method is None or receiver is None or first is None or method.text != b"add":
        return False
    root = (receiver.text or b"").decode("utf-8", "replace").lstrip()  # the chain's start
    return first.type in ("string", "template_string") and bool(_BENCH_CASE.match(root))


def expects_exception(try_node: tree_sitter.Node) -> bool:
    """A test (`def test_*`, `@Test`, `it(...)`/`test(...)`, a benchmark case
    `suite.add("invalid", () => ...)`) whose `try` holds only calls:
    `try: parse("bad") / except ValueError: pass` checks that the call raises."""
    block = try_block(try_node)
    if block is None:
        return False
    statements = block_statements(block)
    if not statements or any(s.type not in _SIMPLE for s in statements):
        return False
    current = try_node.parent
    while current is not None:
        if current.type in _FUNCTIONS or current.type == "function":
            if _is_test_function(current):
                return True
            if current.type not in ("arrow_function", "function_expression", "lambda_literal"):
                return False
        current = current.parent
    return False


# ---------------------------------------------------------------------------------------------
# Functions whose contract is not to fail
# ---------------------------------------------------------------------------------------------

_QUIET_NAME = re.compile(
    r"(?i)quiet|ignor|silent|(^|_)safe(_|$)|safely|_?repr$"
    r"|^_*(debug|trace|log|warn)(_[a-z]+)?$"  # a logger of its own: logging must not raise
)
# Methods that must not raise: a representation, a hash, a destructor.
_MUST_NOT_RAISE = frozenset(
    {"__repr__", "__str__", "__del__", "__eq__", "__hash__", "hashCode", "equals", "toString",
     "finalize"}
)  # fmt: skip
_NAMED_FUNCTIONS = frozenset(
    {
        "function_definition",
        "function_declaration",
        "method_declaration",
        "method_definition",
        "generator_function_declaration",
    }
)


def quiet_by_contract(try_node: tree_sitter.Node) -> bool:
    """The enclosing function says it swallows (`closeQuietly`, `cancelIgnoringExceptions`,
    `silent_remove`) or must not raise (`__repr__`, `__del__`, `hashCode`, `toString`, a
    module's own `_debug(msg)` or `log(msg)`)."""
    current = try_node.parent
    while current is not None and current.type not in _NAMED_FUNCTIONS:
        if current.type in _FUNCTIONS and current.type not in ("lambda", "arrow_function"):
            return False
        current = current.parent
    if current is None:
        return False
    name = current.child_by_field_name("name") or next(
        (c for c in current.named_children if c.type in ("identifier", "simple_identifier")), None
    )
    text = (name.text or b"").decode("utf-8", "replace") if name is not None else ""
    return bool(text) and (text in _MUST_NOT_RAISE or bool(_QUIET_NAME.search(text)))


_VENDORED = re.compile(
    r"(^|/)(vendor|vendored|third_party|node_modules|bower_components)/|\.min\.js$"
)


def vendored(path: str | None) -> bool:
    """Third-party code copied into the project (`static/js/vendor/`, `*.min.js`): its
    maintainers are elsewhere, and no reviewer of this project changes it."""
    return path is not None and bool(_VENDORED.search(path.replace("\\", "/")))
