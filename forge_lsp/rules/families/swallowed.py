"""Shared helpers of the swallowed-errors family (FG301-FG304).

Two halves: handler bodies that do nothing (Python, JavaScript/TypeScript, Java), and Go calls
whose error result is dropped. Go has no type information here, so the Go half infers what a
name holds from how the file binds it (`buf := new(bytes.Buffer)`, `f, err := os.Create(p)`,
`w http.ResponseWriter`), per top-level function (struct fields file-wide), which is good
enough to silence the writers that never fail and to find the files opened for writing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import tree_sitter

from forge_lsp.dataflow import signatures as sig
from forge_lsp.rules.base import CheckContext, RuleOption
from forge_lsp.rules.query_batch import Match

# ---------------------------------------------------------------------------------------------
# Handlers that do nothing
# ---------------------------------------------------------------------------------------------

# Statements that do nothing with the error they sit beside.
_PY_NOOP_STATEMENTS = frozenset({"pass_statement", "continue_statement", "comment"})
_BRACE_NOOP = frozenset({"comment", "line_comment", "block_comment", "empty_statement"})


def python_body_is_noop(block: tree_sitter.Node) -> bool:
    """True when a Python block only passes, continues, says `...` or holds comments."""
    for child in block.named_children:
        if child.type in _PY_NOOP_STATEMENTS:
            continue
        if child.type == "expression_statement" and _is_ellipsis(child):
            continue
        return False
    return True


def _is_ellipsis(statement: tree_sitter.Node) -> bool:
    named = statement.named_children
    return len(named) == 1 and named[0].type == "ellipsis"


def brace_body_is_noop(block: tree_sitter.Node) -> bool:
    """True when a `{ ... }` block (JS/TS/Java) holds nothing but comments and `;`."""
    return all(child.type in _BRACE_NOOP for child in block.named_children)


# Tool directives are not explanations: noqa and pylint markers, eslint-disable lines, type
# ignores, forge suppressions, a test's `expect:` marker.
_DIRECTIVE = re.compile(
    rb"^(#|//|/\*)\s*(expect:|noqa|type:\s*ignore|pragma|pylint:|forge:|eslint|fmt:|nosec|"
    rb"NOSONAR|@ts-|prettier-ignore|istanbul|c8 )"
)


def explains(comment: tree_sitter.Node) -> bool:
    """True for a comment written for people, not a directive for a tool."""
    return not _DIRECTIVE.match(comment.text or b"")


def comments_of(node: tree_sitter.Node) -> list[tree_sitter.Node]:
    """The comments directly inside `node`."""
    return [child for child in node.named_children if "comment" in child.type]


def trailing_comments(node: tree_sitter.Node) -> list[tree_sitter.Node]:
    """A comment right after `node` on the line where it ends: `catch (E e) {} // why`."""
    current: tree_sitter.Node | None = node
    while current is not None:
        sibling = current.next_sibling
        if sibling is not None:
            same_line = sibling.start_point[0] == node.end_point[0]
            return [sibling] if "comment" in sibling.type and same_line else []
        current = current.parent
        if current is not None and current.end_point[0] != node.end_point[0]:
            return []
    return []


def leading_comments(node: tree_sitter.Node) -> list[tree_sitter.Node]:
    """Comments just before `node`, including those closing the preceding block.

    `try { ... /* clients may hang up first */ } catch (IOException e) {}` explains the catch.
    """
    found: list[tree_sitter.Node] = []
    sibling = node.prev_sibling
    if sibling is not None and sibling.type in ("block", "statement_block"):
        children = sibling.named_children
        while children and "comment" in children[-1].type:
            found.append(children.pop())
        return found
    while sibling is not None and "comment" in sibling.type:
        found.append(sibling)
        sibling = sibling.prev_sibling
    return found


def child_token(
    node: tree_sitter.Node, token: str, *, last: bool = False
) -> tree_sitter.Node | None:
    """The first (or last) anonymous child token of `node` spelled `token`."""
    found = None
    for child in node.children:
        if not child.is_named and child.type == token:
            if not last:
                return child
            found = child
    return found


def last_name(text: str) -> str:
    """`socket.timeout` -> `timeout`; `java.lang.Exception` -> `Exception`."""
    return text.rsplit(".", 1)[-1].strip()


# ---------------------------------------------------------------------------------------------
# Go: what a call is, and what the file says a name holds
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GoCall:
    """A Go call split into the parts the heuristics look at."""

    node: tree_sitter.Node
    qualifier: str  # `os` in `os.Remove`, `f` in `f.Close`, `b.buf` in `b.buf.Write`; "" if none
    name: str  # `Remove`, `Close`; the identifier for a plain call
    args: list[tree_sitter.Node]

    @property
    def receiver_name(self) -> str:
        """The last identifier of the qualifier: `buf` for `b.buf.Write`."""
        return self.qualifier.rsplit(".", 1)[-1]

    @property
    def qualified(self) -> str:
        return f"{self.qualifier}.{self.name}" if self.qualifier else self.name


def go_call(ctx: CheckContext, node: tree_sitter.Node) -> GoCall | None:
    """Split a `call_expression` (parentheses unwrapped); None for anything else."""
    while node.type == "parenthesized_expression" and node.named_child_count == 1:
        node = node.named_children[0]
    if node.type != "call_expression":
        return None
    function = node.child_by_field_name("function")
    arguments = node.child_by_field_name("arguments")
    if function is None or arguments is None:
        return None
    args = [a for a in arguments.named_children if a.type != "comment"]
    if function.type == "identifier":
        return GoCall(node, "", ctx.text(function), args)
    if function.type == "selector_expression":
        operand = function.child_by_field_name("operand")
        field = function.child_by_field_name("field")
        if operand is None or field is None:
            return None
        return GoCall(node, ctx.text(operand), ctx.text(field), args)
    return None


# What a constructor or a declared type tells us about the value a name holds.
BUFFER = "buffer"  # in-memory writers whose Write never fails
BUFIO = "bufio"  # sticky-error writers: Write errors resurface at Flush
STREAM = "stream"  # writers whose Close/Flush writes the tail (gzip footer, zip directory)
WFILE = "wfile"  # *os.File opened for writing
RESPONSE = "response"  # http.ResponseWriter: a failed write means the client left
COMMAND = "command"  # *exec.Cmd

_KIND_BY_CONSTRUCTOR: dict[str, str] = {
    **dict.fromkeys(
        (
            "bytes.Buffer",
            "bytes.NewBuffer",
            "bytes.NewBufferString",
            "strings.Builder",
            "sha1.New",
            "sha256.New",
            "sha256.New224",
            "sha512.New",
            "sha512.New384",
            "md5.New",
            "fnv.New32",
            "fnv.New32a",
            "fnv.New64",
            "fnv.New64a",
            "fnv.New128",
            "fnv.New128a",
            "hmac.New",
            "crc32.New",
            "crc32.NewIEEE",
            "crc64.New",
            "adler32.New",
            "hash.Hash",
            "hash.Hash32",
            "hash.Hash64",
            "xxhash.New",
            "maphash.Hash",
            "base64.NewEncoder",
            "base32.NewEncoder",
            "hex.NewEncoder",
            "hex.Dumper",
        ),
        BUFFER,
    ),
    **dict.fromkeys(
        (
            "bufio.NewWriter",
            "bufio.NewWriterSize",
            "bufio.NewReadWriter",
            "bufio.Writer",
            "bufio.ReadWriter",
        ),
        BUFIO,
    ),
    **dict.fromkeys(
        (
            "gzip.NewWriter",
            "gzip.NewWriterLevel",
            "zlib.NewWriter",
            "zlib.NewWriterLevel",
            "flate.NewWriter",
            "zip.NewWriter",
            "tar.NewWriter",
            "multipart.NewWriter",
            "tabwriter.NewWriter",
            "gzip.Writer",
            "zip.Writer",
            "tar.Writer",
        ),
        STREAM,
    ),
    **dict.fromkeys(("os.Create", "os.CreateTemp", "ioutil.TempFile"), WFILE),
    "http.ResponseWriter": RESPONSE,
    **dict.fromkeys(("exec.Command", "exec.CommandContext", "exec.Cmd"), COMMAND),
}
_WRITE_FLAGS = re.compile(r"\bO_(WRONLY|RDWR|APPEND|CREATE|TRUNC)\b")

# Every way a Go file binds a name to a value or a type we care about. The receiver of the
# value is captured as @name and the package-qualified constructor or type as @pkg/@fn.
_QUALIFIED = "(qualified_type package: (package_identifier) @pkg name: (type_identifier) @fn)"
_SELECTOR_CALL = (
    "(call_expression function: (selector_expression operand: (identifier) @pkg"
    " field: (field_identifier) @fn) arguments: (argument_list) @args)"
)
_VALUE = (
    f"[{_SELECTOR_CALL}"
    f" (unary_expression operand: (composite_literal type: {_QUALIFIED}))"
    f" (composite_literal type: {_QUALIFIED})"
    f" (call_expression function: (identifier) @new arguments: (argument_list {_QUALIFIED}))]"
)
_TYPE = f"[{_QUALIFIED} (pointer_type {_QUALIFIED})]"
GO_BINDINGS_QUERY = f"""
(short_var_declaration left: (expression_list . (identifier) @name)
  right: (expression_list . {_VALUE}))
(assignment_statement left: (expression_list . [(identifier) (selector_expression)] @name)
  right: (expression_list . {_VALUE}))
(var_spec name: (identifier) @name type: {_TYPE})
(var_spec name: (identifier) @name value: (expression_list . {_VALUE}))
(parameter_declaration name: (identifier) @name type: {_TYPE})
(field_declaration name: (field_identifier) @name type: {_TYPE})
"""


_FUNCTIONS = frozenset({"function_declaration", "method_declaration"})


def _function_of(node: tree_sitter.Node) -> int:
    """The id of the top-level function or method holding `node`; 0 at file level."""
    current: tree_sitter.Node | None = node
    while current is not None:
        if current.type in _FUNCTIONS:
            return current.id
        current = current.parent
    return 0


class GoBindings:
    """What names hold, per top-level function, with file-level names (fields, package
    variables) visible everywhere. Closures share their enclosing function's names."""

    def __init__(self) -> None:
        self._by_scope: dict[int, dict[str, str]] = {}

    def bind(self, scope: int, name: str, kind: str) -> None:
        self._by_scope.setdefault(scope, {})[name] = kind

    def at(self, node: tree_sitter.Node) -> dict[str, str]:
        """The names visible at `node`: its function's bindings over the file's."""
        return {**self._by_scope.get(0, {}), **self._by_scope.get(_function_of(node), {})}


def go_bindings(ctx: CheckContext) -> GoBindings:
    """Names bound to a kind of writer, file or command, per top-level function.

    Computed once per check: FG302 and FG303 both read it (callers must not change it).
    """
    return ctx.memo("go-bindings", lambda: _go_bindings(ctx))


def _go_bindings(ctx: CheckContext) -> GoBindings:
    """A compressing writer over an in-memory buffer (`gzip.NewWriter(&buf)`) never fails, so
    it counts as a buffer."""
    bindings = GoBindings()
    streams: list[tuple[int, str, str]] = []  # (scope, stream name, wrapped writer name)
    for _, match in go_error_pass(ctx).bindings:
        pkg, fn = match.get("pkg"), match.get("fn")
        if not pkg or not fn or "name" not in match:
            continue
        key = f"{ctx.text(pkg[0])}.{ctx.text(fn[0])}"
        kind = _KIND_BY_CONSTRUCTOR.get(key)
        args = ctx.text(match["args"][0]) if "args" in match else ""
        if key == "os.OpenFile" and _WRITE_FLAGS.search(args):
            kind = WFILE
        if kind is None:
            continue
        for name_node in match["name"]:
            name = last_name(ctx.text(name_node))
            scope = _function_of(name_node)
            bindings.bind(scope, name, kind)
            if kind == STREAM and args:
                wrapped = args.strip("()").split(",")[0].strip().lstrip("&")
                streams.append((scope, name, last_name(wrapped)))
    for scope, name, wrapped in streams:
        scope_kinds = bindings._by_scope.get(scope, {})
        if scope_kinds.get(wrapped, bindings._by_scope.get(0, {}).get(wrapped)) == BUFFER:
            bindings.bind(scope, name, BUFFER)
    return bindings


def statement_in_error_branch(node: tree_sitter.Node) -> bool:
    """True inside `if err != nil { ... }`: cleanup on a path that already failed."""
    parent = node.parent
    while parent is not None and parent.type not in (
        "function_declaration",
        "func_literal",
        "method_declaration",
    ):
        if parent.type == "if_statement":
            condition = parent.child_by_field_name("condition")
            consequence = parent.child_by_field_name("consequence")
            if (
                condition is not None
                and consequence is not None
                and consequence.start_byte <= node.start_byte < consequence.end_byte
                and _ERR_NOT_NIL.search(condition.text or b"")
            ):
                return True
        parent = parent.parent
    return False


_ERR_NOT_NIL = re.compile(rb"\b[eE]rr\w*\s*!=\s*nil\b|\bnil\s*!=\s*[eE]rr")


# Calls whose last result is not an error, though they return two or more values: the `_`
# there drops an `ok`, a size, a cancel func or a second value. Keys are `pkg.Func` for
# package functions and `.Method` for methods on any receiver.
GO_NON_ERROR_LAST = frozenset(
    {
        # (value, ok bool)
        "os.LookupEnv",
        "syscall.Getenv",
        "runtime.ThreadCreateProfile",
        "runtime.GoroutineProfile",
        "runtime.BlockProfile",
        "runtime.MutexProfile",
        "runtime.MemProfile",
        "strings.Cut",
        "strings.CutPrefix",
        "strings.CutSuffix",
        "bytes.Cut",
        "bytes.CutPrefix",
        "bytes.CutSuffix",
        "runtime.Caller",
        "debug.ReadBuildInfo",
        "slices.BinarySearch",
        "slices.BinarySearchFunc",
        "sort.Find",
        ".Load",
        ".LoadOrStore",
        ".LoadAndDelete",
        ".Swap",
        ".Deadline",
        ".BasicAuth",
        ".Password",
        ".FieldByName",
        ".MethodByName",
        ".Lookup",
        ".LookupEnv",
        ".SetString",
        ".TryRecv",
        ".LiteralPrefix",
        ".GetQuery",
        ".GetPostForm",
        ".GetQueryArray",
        ".GetPostFormArray",
        ".GetQueryMap",
        ".GetPostFormMap",
        ".Cut",
        # grpc's (metadata, ok); protobuf's generated Descriptor() ([]byte, []int)
        "metadata.FromIncomingContext",
        "metadata.FromOutgoingContext",
        ".Descriptor",
        # (value, size int) and other arithmetic pairs
        "utf8.DecodeRune",
        "utf8.DecodeRuneInString",
        "utf8.DecodeLastRune",
        "utf8.DecodeLastRuneInString",
        "math.Modf",
        "math.Frexp",
        "math.Lgamma",
        "math.Sincos",
        "bits.Add",
        "bits.Add32",
        "bits.Add64",
        "bits.Sub",
        "bits.Sub32",
        "bits.Sub64",
        "bits.Mul",
        "bits.Mul32",
        "bits.Mul64",
        "bits.Div",
        "bits.Div32",
        "bits.Div64",
        "filepath.Split",
        "path.Split",
        ".Zone",
        ".ISOWeek",
        ".Date",
        ".Clock",
        # (value, cancel) and pairs of values
        "context.WithCancel",
        "context.WithTimeout",
        "context.WithDeadline",
        "context.WithCancelCause",
        "context.WithTimeoutCause",
        "context.WithDeadlineCause",
        "signal.NotifyContext",
        "errgroup.WithContext",
        "net.Pipe",
        "io.Pipe",
        "gin.CreateTestContext",
        "CreateTestContext",
        "pem.Decode",
        "recover",
    }
)

# Package functions that share a name with a (value, ok) method but return an error.
GO_ERROR_LAST = frozenset({"user.Lookup", "user.LookupId", "user.LookupGroup", "plugin.Lookup"})


def go_last_result_is_error(call: GoCall, local: dict[str, bool]) -> bool:
    """Best guess without types: does the call's last result have type `error`?

    Go convention says yes for almost every multi-value call; the exceptions are the known
    (value, ok) / (value, size) / (ctx, cancel) calls, functions this file declares, and calls
    the file elsewhere assigns to `ok`/`found` (`r, ok = s.Next()`).
    """
    if call.qualified in GO_ERROR_LAST:
        return True
    if call.qualified in GO_NON_ERROR_LAST or call.name in GO_NON_ERROR_LAST:
        return False
    if call.qualifier and f".{call.name}" in GO_NON_ERROR_LAST:
        return False
    return local.get(call.name, True)


# Any multi-value assignment from a call: what the file names its last result tells its type.
GO_LAST_TARGET_QUERY = """
(assignment_statement
  left: (expression_list (_) (identifier) @last .)
  right: (expression_list . (call_expression function: (_) @function) .))
(short_var_declaration
  left: (expression_list (_) (identifier) @last .)
  right: (expression_list . (call_expression function: (_) @function) .))
"""
_BOOL_NAME = re.compile(r"^(ok|found|exists|present|has\w*|is\w+|loaded|more)$")


def go_local_results(ctx: CheckContext) -> dict[str, bool]:
    """Does a callee's last result have type `error`, as far as this file shows?

    Declarations decide first (`func network(o values) (string, string)`); otherwise a call
    assigned elsewhere as `v, ok := x.Next()` ends in a bool and `v, err := x.Next()` in an
    error. Computed once per check (callers must not change it).
    """
    return ctx.memo("go-local-results", lambda: _go_local_results(ctx))


def _go_local_results(ctx: CheckContext) -> dict[str, bool]:
    returns_error = _declared_results(ctx)
    evidence: dict[str, bool] = {}
    for _, match in go_error_pass(ctx).last_targets:
        name = ctx.text(match["function"][0]).rsplit(".", 1)[-1]
        last = ctx.text(match["last"][0])
        if last == "_" or name in returns_error:
            continue
        is_error = not _BOOL_NAME.match(last)
        evidence[name] = evidence.get(name, False) or is_error
    return {**evidence, **returns_error}


# Single-error calls whose explicit `_ =` discard loses data or a failure that matters.
# Close counts only for writers (see WRITER_KINDS); Rollback, Remove and Kill are cleanup.
GO_MUST_CHECK_METHODS = frozenset(
    {
        "Commit",
        "Flush",
        "Sync",
        "Unmarshal",
        "UnmarshalJSON",
        "Decode",
        "Encode",
        "Execute",
        "ExecuteTemplate",
        "Shutdown",
        "ListenAndServe",
        "ListenAndServeTLS",
        "Serve",
        "Scan",
        "Ping",
        "PingContext",
        "Err",
        "Validate",
        "SetTrustedProxies",
    }
)
GO_MUST_CHECK_FUNCS = frozenset(
    {
        "os.WriteFile",
        "ioutil.WriteFile",
        "os.Mkdir",
        "os.MkdirAll",
        "os.Rename",
        "os.Chmod",
        "os.Chown",
        "os.Symlink",
        "os.Link",
        "os.Truncate",
        "os.Chtimes",
        "os.Setenv",
        "os.Unsetenv",
        "os.Chdir",
        "http.ListenAndServe",
        "http.ListenAndServeTLS",
        "http.Serve",
        "json.Unmarshal",
        "xml.Unmarshal",
        "yaml.Unmarshal",
        "toml.Unmarshal",
        "proto.Unmarshal",
        "binary.Write",
        "binary.Read",
        "io.Copy",
        "io.CopyN",
        "io.CopyBuffer",
        "io.WriteString",
        "io.ReadFull",
    }
)
WRITE_METHODS = frozenset({"Write", "WriteString", "WriteByte", "WriteRune", "WriteTo", "ReadFrom"})
DB_METHODS = frozenset(
    {"Exec", "ExecContext", "Query", "QueryContext", "NamedExec", "NamedExecContext", "MustBegin"}
)
COMMAND_METHODS = frozenset({"Run", "Start", "Wait", "Output", "CombinedOutput"})
WRITER_KINDS = frozenset({WFILE, STREAM})
# Receivers whose Write never fails or whose failure nobody can act on.
_QUIET_WRITER_NAME = re.compile(
    r"^(buf|b|bb|sb|builder|h|hash|hasher|digest|mac|sum|crc|sha|md5)\d*$|(Buffer|buffer|Buf|buf|"
    r"Builder|builder|Hash|hash|Hasher|Digest)$"
)
_QUIET_WRITERS = frozenset({"os.Stdout", "os.Stderr", "io.Discard", "ioutil.Discard"})
_LITERALS = frozenset(
    {
        "interpreted_string_literal",
        "raw_string_literal",
        "int_literal",
        "float_literal",
        "rune_literal",
        "nil",
        "true",
        "false",
        "imaginary_literal",
    }
)


PGX_FILE = re.compile(rb"^package pgx\b|\"github\.com/jackc/pgx", re.MULTILINE)


def quiet_writer(call: GoCall, kinds: dict[str, str]) -> bool:
    """A receiver that never fails (buffers, hashes) or whose failure means the client left.

    `replacer.WriteString(&buf, s)` writes to its first argument, not to its receiver.
    """
    if call.qualifier in _QUIET_WRITERS:
        return True
    if len(call.args) == 2 and call.name == "WriteString":
        target = (call.args[0].text or b"").decode("utf-8", "replace")
        return target.startswith("&") or kinds.get(last_name(target)) in (BUFFER, RESPONSE)
    kind = kinds.get(call.receiver_name)
    if kind in (BUFFER, BUFIO, RESPONSE):
        return True
    return bool(_QUIET_WRITER_NAME.search(call.receiver_name))


# Packages whose functions compute from their arguments and touch no I/O.
_PURE_PACKAGES = frozenset(
    {
        "strconv",
        "url",
        "regexp",
        "time",
        "http",
        "httptest",
        "json",
        "xml",
        "mail",
        "mime",
        "netip",
        "big",
        "hex",
        "base64",
        "template",
        "filepath",
        "path",
        "semver",
        "uuid",
    }
)


def constant_arguments(call: GoCall) -> bool:
    """A pure package function on literal arguments: it fails on every run or on none.

    `http.NewRequest("GET", "/health", nil)` cannot fail at run time, and a test catches the
    typo that makes it fail every time. `os.Create("out.txt")` is I/O and can fail any day.
    """
    if not call.args or call.qualifier not in _PURE_PACKAGES:
        return False
    return all(constant_node(arg) for arg in call.args)


def constant_node(node: tree_sitter.Node) -> bool:
    """A literal, or an exported name of an imported package (`http.MethodGet`)."""
    if node.type in _LITERALS:
        return True
    if node.type == "selector_expression":
        operand, field = node.child_by_field_name("operand"), node.child_by_field_name("field")
        # `http.MethodGet`, `time.RFC3339`: an exported name of an imported package.
        return (
            operand is not None
            and field is not None
            and operand.type == "identifier"
            and (operand.text or b"x")[:1].islower()
            and (field.text or b"x")[:1].isupper()
        )
    return False


def file_signatures(ctx: CheckContext) -> sig.Signatures:
    """The functions and methods the file declares (`dataflow.signatures`), once per check."""
    return ctx.memo("signatures", lambda: sig.index(ctx.root, ctx.language.name))


def _declared_results(ctx: CheckContext) -> dict[str, bool]:
    """Functions and methods declared in this file: does the last result have type `error`?

    Names declared with disagreeing results (`Next() (rune, bool)` on a scanner and
    `Next(dest) error` on rows) are left out: the call sites decide.
    """
    declared = file_signatures(ctx)
    found = {}
    for name in declared.functions.keys() | declared.methods.keys():
        signature = declared.method(name)
        if signature is not None:
            found[name] = signature.returns_error
    return found


def closed_before_remove(statement: tree_sitter.Node, call: GoCall) -> bool:
    """`f.Close()` right before `os.Remove(path)`: the file is being thrown away."""
    if call.name != "Close":
        return False
    following = statement.next_named_sibling
    return following is not None and b"Remove" in (following.text or b"")[:200]


_IMPORTS_TESTING = re.compile(rb'^\s*(?:import\s+)?(?:\w+\s+)?"testing"\s*$', re.MULTILINE)
_TEST_HELPER_FOLDERS = frozenset({"testutil", "testutils", "testdata", "testhelpers"})
# Test helper packages (`package testutil`, grpc's `package test`) serve tests without
# importing `testing` themselves.
_TEST_PACKAGE = re.compile(
    rb"^package\s+(?:tests?|testdata|testhelpers?|\w*testutils?|\w+_test)\s*$", re.MULTILINE
)
INCLUDE_TESTS_OPTION = RuleOption(
    "includeTests",
    bool,
    False,
    "Also check Go files that import `testing` (tests and test helpers).",
)


def skip_go_tests(ctx: CheckContext) -> bool:
    """True for a Go test file (`_test.go`, a test folder, an import of `testing`) or a test
    helper (`package testutil`, a `testutils/` folder) unless the user asked for tests too.

    A test that drops an error fails on its assertion instead; findings there are noise.
    """
    if ctx.options.get("includeTests", False):
        return False
    if ctx.in_test_file or _TEST_HELPER_FOLDERS & set(
        (ctx.path or "").replace("\\", "/").split("/")
    ):
        return True
    # Two regex passes over the file: once per check, whichever of FG302/303/305 asks first.
    return ctx.memo(
        "swallowed.go_test_code",
        lambda: bool(_IMPORTS_TESTING.search(ctx.source) or _TEST_PACKAGE.search(ctx.source)),
    )


# FG302: the blank identifier as the last target of an assignment whose right side is one call.
DISCARD_QUERY = """
(assignment_statement
  left: (expression_list (identifier) @blank .)
  right: (expression_list . (_) @value .)
  (#eq? @blank "_")) @statement
(short_var_declaration
  left: (expression_list (identifier) @blank .)
  right: (expression_list . (_) @value .)
  (#eq? @blank "_")) @statement
"""
# FG303: calls whose results are not assigned at all.
CALLS_QUERY = """
(expression_statement (call_expression) @call) @statement
(defer_statement (call_expression) @call) @defer
(go_statement (call_expression) @call) @go
"""
# FG303: an error variable as the last target of an assignment from a call.
ASSIGN_QUERY = """
(assignment_statement
  left: (expression_list (identifier) @err .)
  right: (expression_list (call_expression))
  (#match? @err "^(err|[A-Za-z_]\\\\w*Err)$")) @assign
(short_var_declaration
  left: (expression_list (identifier) @err .)
  right: (expression_list (call_expression))
  (#match? @err "^(err|[A-Za-z_]\\\\w*Err)$")) @assign
"""


@dataclass(frozen=True, slots=True)
class GoErrorPass:
    """The matches of every query FG302 and FG303 run over a Go file, per query."""

    discards: list[Match]
    calls: list[Match]
    assigns: list[Match]
    bindings: list[Match]
    last_targets: list[Match]


_GO_ERROR_QUERIES = (
    DISCARD_QUERY,
    CALLS_QUERY,
    ASSIGN_QUERY,
    GO_BINDINGS_QUERY,
    GO_LAST_TARGET_QUERY,
)


def go_error_pass(ctx: CheckContext) -> GoErrorPass:
    """The matches FG302 and FG303 both read (from the check's shared query pass)."""
    return GoErrorPass(*(ctx.matches(query) for query in _GO_ERROR_QUERIES))


# ---------------------------------------------------------------------------------------------
# JavaScript / TypeScript: FG301's catch clauses and FG304's promise handlers in one pass
# ---------------------------------------------------------------------------------------------

CATCH_QUERY = "(catch_clause body: (_) @body) @clause"
PROMISE_QUERY = """
(call_expression
  function: (member_expression property: (property_identifier) @method)
  arguments: (arguments) @args
  (#any-of? @method "catch" "then")) @call
"""
SCRIPT_LANGUAGES = frozenset({"javascript", "typescript", "tsx"})


def script_error_pass(ctx: CheckContext) -> tuple[list[Match], list[Match]]:
    """The catch clauses (FG301) and `.catch`/`.then` calls (FG304) of a script, found in one
    query pass per check shared by both rules."""
    return ctx.matches(CATCH_QUERY), ctx.matches(PROMISE_QUERY)
