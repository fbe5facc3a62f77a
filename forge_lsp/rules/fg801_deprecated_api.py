"""FG801 deprecated-api: deprecated APIs with a known replacement, fixed where the swap is exact.

The tables below are the rule: adding a deprecated API with a known replacement is a new row,
not new code. Each language's check only resolves what a name is bound to (an import, a
`require`, `self` in a test case) before looking the call up.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator

import tree_sitter

from forge_lsp.core.model import Confidence, Edit, Finding, Fix, Severity
from forge_lsp.rules.base import CheckContext, Rule, compile_query, has_error, replace_node
from forge_lsp.rules.families import deprecated as dp
from forge_lsp.rules.families.deprecated import Deprecated

# ---------------------------------------------------------------------------------------------
# The tables
# ---------------------------------------------------------------------------------------------

_REMOVED_312 = "Python 3.2 and removed in 3.12"

# unittest's old aliases: the same methods under old names, gone in Python 3.12.
UNITTEST_ALIASES: dict[str, Deprecated] = {
    old: Deprecated(f"self.{old}", f"self.{new}", since, True)
    for old, new, since in (
        ("assertEquals", "assertEqual", _REMOVED_312),
        ("assertNotEquals", "assertNotEqual", _REMOVED_312),
        ("assertAlmostEquals", "assertAlmostEqual", _REMOVED_312),
        ("assertNotAlmostEquals", "assertNotAlmostEqual", _REMOVED_312),
        ("assertRegexpMatches", "assertRegex", _REMOVED_312),
        ("assertNotRegexpMatches", "assertNotRegex", "Python 3.5 and removed in 3.12"),
        ("assertRaisesRegexp", "assertRaisesRegex", _REMOVED_312),
        ("assert_", "assertTrue", _REMOVED_312),
        ("failUnless", "assertTrue", "Python 3.1 and removed in 3.12"),
        ("failIf", "assertFalse", "Python 3.1 and removed in 3.12"),
        ("failUnlessEqual", "assertEqual", "Python 3.1 and removed in 3.12"),
        ("failIfEqual", "assertNotEqual", "Python 3.1 and removed in 3.12"),
        ("failUnlessAlmostEqual", "assertAlmostEqual", "Python 3.1 and removed in 3.12"),
        ("failIfAlmostEqual", "assertNotAlmostEqual", "Python 3.1 and removed in 3.12"),
        ("failUnlessRaises", "assertRaises", "Python 3.1 and removed in 3.12"),
    )
}

_NAIVE = (
    "it returns an aware datetime, and comparing aware with naive ones raises `TypeError`: "
    "switch deliberately, or keep the naive value with `.replace(tzinfo=None)`"
)

# (what the receiver is bound to, attribute) -> entry; "{}" stands for the receiver as written.
PYTHON_CALLS: dict[tuple[str, str], Deprecated] = {
    ("logging", "warn"): Deprecated(
        "logging.warn", "logging.warning", "Python 3.3", True, works=True
    ),
    ("logger", "warn"): Deprecated("{}.warn", "{}.warning", "Python 3.3", True, works=True),
    ("asyncio", "get_event_loop"): Deprecated(
        "asyncio.get_event_loop()",
        "asyncio.get_running_loop()",
        "Python 3.12 where no loop runs (in a coroutine it returns the running loop)",
        True,
        works=True,
    ),
    ("datetime.datetime", "utcnow"): Deprecated(
        "{}.utcnow()", "`{}.now(timezone.utc)`", "Python 3.12", False, _NAIVE, works=True
    ),
    ("datetime.datetime", "utcfromtimestamp"): Deprecated(
        "{}.utcfromtimestamp()",
        "`{}.fromtimestamp(ts, timezone.utc)`",
        "Python 3.12",
        False,
        _NAIVE,
        works=True,
    ),
    ("ssl", "wrap_socket"): Deprecated(
        "ssl.wrap_socket()",
        "`ssl.create_default_context().wrap_socket(sock, server_hostname=host)`",
        "Python 3.7 and removed in 3.12",
        False,
        "the context verifies certificates and host names, which the old call never did",
    ),
}

PYTHON_MODULES: dict[str, Deprecated] = {
    "imp": Deprecated(
        "imp",
        "`importlib`",
        "Python 3.4 and removed in 3.12",
        False,
        "`imp.load_source` becomes `importlib.util.spec_from_file_location` and `module_from_spec`",
    ),
    "distutils": Deprecated(
        "distutils",
        "`setuptools`, `packaging.version`, `shutil.which` or `sysconfig`",
        "Python 3.10 and removed in 3.12",
        False,
        "each helper has a different successor",
    ),
}

_SETUPTOOLS_IMPORT = re.compile(rb"(?m)^[ \t]*(?:from|import)[ \t]+setuptools\b")

# io/ioutil: since Go 1.16 each function is a one-line wrapper of its io or os replacement,
# and Go's compatibility promise keeps the package working: a cleanup, not a risk.
GO_IOUTIL: dict[str, Deprecated] = {
    name: Deprecated(f"ioutil.{name}", new, "Go 1.16", True, works=True)
    for name, new in (
        ("ReadAll", "io.ReadAll"),
        ("ReadFile", "os.ReadFile"),
        ("WriteFile", "os.WriteFile"),
        ("TempDir", "os.MkdirTemp"),
        ("TempFile", "os.CreateTemp"),
        ("NopCloser", "io.NopCloser"),
        ("Discard", "io.Discard"),
    )
}
GO_IOUTIL["ReadDir"] = Deprecated(
    "ioutil.ReadDir",
    "`os.ReadDir`",
    "Go 1.16",
    False,
    "it returns `[]os.DirEntry`, not `[]fs.FileInfo`: call `entry.Info()` where you read "
    "sizes or modification times",
    works=True,
)

_BUFFER = "Node.js 6 (DEP0005)"
SCRIPT_BUFFER: dict[str, Deprecated] = {
    "from": Deprecated("{}", "Buffer.from()", _BUFFER, True),
    "alloc": Deprecated("{}", "Buffer.alloc()", _BUFFER, True),
    "unknown": Deprecated(
        "{}",
        "`Buffer.from()` or `Buffer.alloc()`",
        _BUFFER,
        False,
        "`Buffer.from` for a string, array or buffer, `Buffer.alloc` for a size: the "
        "argument's type decides, and a number passed to `Buffer.from` throws",
    ),
}

# (module the receiver is required from, method) -> entry
SCRIPT_CALLS: dict[tuple[str, str], Deprecated] = {
    ("url", "parse"): Deprecated(
        "url.parse()",
        "`new URL(input, base)`",
        "Node.js 19.9 (DEP0169)",
        False,
        "the WHATWG parser rejects inputs `url.parse` accepts and splits hosts differently, "
        "so check each caller",
    ),
    ("fs", "exists"): Deprecated(
        "fs.exists()",
        "`fs.access()`, `fs.promises.access()` or `fs.existsSync()`",
        "Node.js 1.0 (DEP0034)",
        False,
        "its callback takes no error argument, and the check races the open that follows",
    ),
}

_BOXING_SINCE = "Java 9"
JAVA_BOXES: dict[str, Deprecated] = {
    box: Deprecated(f"new {box}()", f"{box}.valueOf", _BOXING_SINCE, True)
    for box in ("Integer", "Long", "Short", "Byte", "Double", "Float", "Boolean", "Character")
}
JAVA_FLOAT_DOUBLE = Deprecated(
    "new Float()",
    "`Float.valueOf((float) x)`",
    _BOXING_SINCE,
    False,
    "`Float.valueOf` takes no `double`, so a cast is yours to decide",
)
JAVA_CALLS: dict[tuple[str, str], Deprecated] = {
    (cls, method): Deprecated(
        f"{cls}.{method}(s)",
        f"`{cls}.{method}(s, StandardCharsets.UTF_8)`",
        "Java 1.4",
        False,
        "the one-argument form uses the platform charset, so naming UTF-8 changes the bytes "
        "wherever that was something else",
    )
    for cls, method in (("URLEncoder", "encode"), ("URLDecoder", "decode"))
}

# ---------------------------------------------------------------------------------------------
# Queries
# ---------------------------------------------------------------------------------------------


def _any_of(names: Iterable[str]) -> str:
    return " ".join(f'"{name}"' for name in sorted(set(names)))


_PY_NAMES = [name for _, name in PYTHON_CALLS] + list(UNITTEST_ALIASES)
PY_CALL_QUERY = f"""
(call
  function: (attribute object: (_) @object attribute: (identifier) @name)
  arguments: (argument_list) @args
  (#any-of? @name {_any_of(_PY_NAMES)})) @call
"""
PY_IMPORT_QUERY = f"""
(import_statement name: [(dotted_name . (identifier) @top) @module
                         (aliased_import name: (dotted_name . (identifier) @top) @module)]
  (#any-of? @top {_any_of(PYTHON_MODULES)}))
(import_from_statement module_name: (dotted_name . (identifier) @top) @module
  (#any-of? @top {_any_of(PYTHON_MODULES)}))
"""
PY_DEFINES = "(function_definition name: (identifier) @name)"

GO_QUERY = f"""
(selector_expression operand: (identifier) @package field: (field_identifier) @name
  (#any-of? @name {_any_of(GO_IOUTIL)})) @selector
"""
GO_ALL_USES = "(selector_expression operand: (identifier) @package) @selector"
GO_LOCALS = """
(parameter_declaration name: (identifier) @name)
(short_var_declaration left: (expression_list (identifier) @name))
(var_spec name: (identifier) @name)
(range_clause left: (expression_list (identifier) @name))
"""

SCRIPT_BUFFER_QUERY = """
(new_expression constructor: (identifier) @ctor arguments: (arguments) @args
  (#eq? @ctor "Buffer")) @call
(call_expression function: (identifier) @ctor arguments: (arguments) @args
  (#eq? @ctor "Buffer")) @call
"""
SCRIPT_CALL_QUERY = f"""
(call_expression
  function: (member_expression object: (identifier) @object property: (property_identifier) @name)
  arguments: (arguments) @args
  (#any-of? @name {_any_of(name for _, name in SCRIPT_CALLS)})) @call
"""

JAVA_NEW_QUERY = f"""
(object_creation_expression
  type: (type_identifier) @type arguments: (argument_list) @args
  (#any-of? @type {_any_of(JAVA_BOXES)})) @new
"""
JAVA_CALL_QUERY = f"""
(method_invocation object: (identifier) @object name: (identifier) @name
  arguments: (argument_list . (_) .) @args
  (#any-of? @object {_any_of(cls for cls, _ in JAVA_CALLS)})
  (#any-of? @name {_any_of(name for _, name in JAVA_CALLS)})) @call
"""

_SCRIPTS = frozenset({"javascript", "typescript", "tsx"})


class DeprecatedApi(Rule):
    code = "FG801"
    name = "deprecated-api"
    summary = "Deprecated APIs with a known replacement, fixed where the replacement is exact."
    severity = Severity.WARNING
    cwe = 477
    languages = frozenset({"python", "go", "javascript", "typescript", "tsx", "java"})
    fixable = True
    doc = """
## What it does

Flags calls to deprecated APIs that have a known successor, names the successor in the
message, and offers a quick fix only where the swap is exact: the old name is an alias of the
new one, or the new one is the documented drop-in.

- **Python**: `logging.warn` and `logger.warn` (use `.warning`, since 3.3, fixed);
  `self.assertEquals`, `assertNotEquals`, `assertRegexpMatches`, `assertRaisesRegexp`,
  `assert_`, `failUnless`, `failIf`, `failUnlessEqual`, `failUnlessRaises`... (use
  `assertEqual`, `assertTrue`, ..., removed in 3.12, fixed); `asyncio.get_event_loop()` inside
  `async def` (use `asyncio.get_running_loop()`, fixed); `datetime.utcnow()` and
  `datetime.utcfromtimestamp()` (use `datetime.now(timezone.utc)`, deprecated in 3.12, no
  fix); `ssl.wrap_socket()`, `import imp`, `import distutils` (removed in 3.12, no fix).
- **Go**: `ioutil.ReadAll`, `ReadFile`, `WriteFile`, `TempDir`, `TempFile`, `NopCloser`,
  `Discard` (use `io.ReadAll`, `os.ReadFile`, `os.WriteFile`, `os.MkdirTemp`,
  `os.CreateTemp`, `io.NopCloser`, `io.Discard`, since Go 1.16, fixed); `ioutil.ReadDir`
  (use `os.ReadDir`, no fix).
- **JavaScript/TypeScript**: `new Buffer(x)` and `Buffer(x)` (use `Buffer.from(x)` or
  `Buffer.alloc(n)`, since Node 6, fixed when the argument is visibly a string, array or
  size); `url.parse()` (use `new URL()`, no fix); `fs.exists()` (use `fs.access()`, no fix).
- **Java**: `new Integer(x)`, `new Long(x)`, `new Boolean(x)` and the other box constructors
  (use `Integer.valueOf(x)`..., since Java 9, fixed); one-argument `URLEncoder.encode(s)` and
  `URLDecoder.decode(s)` (name the charset, no fix).

Names are resolved before anything is flagged: `logging` must be the imported module,
`ioutil` the `"io/ioutil"` import, `url`/`fs` a `require`/`import` of Node's module, `self`
a `TestCase` that does not define its own `assertEquals`, `Buffer` and `Integer` not classes
the file declares. A logger is a receiver named `log`, `logger`, `LOG`... (or
`getLogger(...)`) in a file that does not use structlog, Twisted or logbook, whose `warn` is
not deprecated. Java code under `@SuppressWarnings("deprecation")` was already decided on
(the JDK keeps `new Byte(kind)` where `valueOf` would initialise the cache too early).

**Where there is no fix, and why.** `datetime.now(timezone.utc)` is aware where `utcnow()`
was naive: comparisons with stored naive values raise `TypeError` and `isoformat()` grows a
`+00:00`. `os.ReadDir` returns `DirEntry`s, not `FileInfo`s. `new Buffer(x)` with an
argument of unknown type could be a size or a string. `url.parse` and the WHATWG `URL`
disagree on real inputs. The one-argument `URLEncoder.encode` uses the platform charset.

**Severity.** APIs that are removed in a release (Python 3.12's unittest aliases, `imp`,
`distutils`, `ssl.wrap_socket`), scheduled for removal (Java's box constructors) or unsafe as
they stand (`new Buffer`, `url.parse`, `fs.exists`, the platform-charset `URLEncoder`) are
warnings. APIs that are deprecated but keep working, with no removal scheduled, are
information with low confidence (so is `distutils` in a file that imports `setuptools`, whose
own copy of `distutils` stands in on 3.12): Go's `ioutil` (kept forever by the Go 1 compatibility
promise), `logger.warn`, `datetime.utcnow()`, and `asyncio.get_event_loop()` inside a
coroutine (where it returns the running loop). Switching them is a cleanup whose timing
depends on the oldest version the project supports, which the rule cannot see.

**Where values come from.** The rule resolves names, not values: what `ioutil`, `logging`,
`url` or `self` is bound to comes from this file's imports, `require`s and class
declarations, and `new Buffer(x)` is fixed only when `x` is visibly content or a size (a
literal, a `.length`, `JSON.stringify(...)`). Out of reach: the project's target versions
(`go.mod`, `requires-python`, `engines`, the JDK release), which decide whether the successor
is available; names re-exported from other modules; the type of an argument from elsewhere.

**Go imports.** Each Go fix edits the imports so that the file compiles after that fix
alone: it adds `"io"` or `"os"` when missing and drops `"io/ioutil"` with its last use. Apply
the fixes one at a time (each re-check recomputes the next), or let `goimports` tidy up.

## Why it matters in production

Deprecated is the polite word for "scheduled to break". Python 3.12 deleted `assertEquals`,
`imp`, `distutils` and `ssl.wrap_socket`: the image rebuild that bumps the base Python turns a
green suite into `AttributeError` at import time, on the day you are trying to ship a CVE
patch. `new Buffer(n)` handed out uninitialised memory before Node 8, and one `new
Buffer(req.body.size)` leaked other requests' bytes to the caller. `ioutil` still works, but
every new Go engineer on the team copies it, and linters in CI (`staticcheck` SA1019) fail
builds on it. Fix them while the change is a rename, not during an incident.

## Example

```python
logger.warn("retrying order %s", order_id)
self.assertEquals(response.status_code, 200)
loop = asyncio.get_event_loop()  # inside async def
```

```go
body, err := ioutil.ReadAll(resp.Body)
```

```javascript
const payload = new Buffer(JSON.stringify(event));
```

```java
Integer retries = new Integer(3);
```

## Use instead

```python
logger.warning("retrying order %s", order_id)
self.assertEqual(response.status_code, 200)
loop = asyncio.get_running_loop()
created_at = datetime.now(timezone.utc)  # aware: migrate the comparisons with it
```

```go
body, err := io.ReadAll(resp.Body)
```

```javascript
const payload = Buffer.from(JSON.stringify(event));
const scratch = Buffer.alloc(1024);
```

```java
Integer retries = Integer.valueOf(3);
String q = URLEncoder.encode(term, StandardCharsets.UTF_8);
```

## How to test it

Run the suite with deprecation warnings as errors: `python -W error::DeprecationWarning -m
pytest`, `node --throw-deprecation`, `javac -Xlint:deprecation -Werror`, `staticcheck
./...` (SA1019). For the `datetime` change, add a test that compares a freshly created value
with one loaded from the database: that is where naive and aware collide. For URL parsing,
feed the inputs your service really receives (relative paths, IPv6 hosts, odd ports) through
both parsers before switching.

## References

- [CWE-477: Use of Obsolete Function](https://cwe.mitre.org/data/definitions/477.html)
- [Python 3.12: removed modules and APIs](https://docs.python.org/3/whatsnew/3.12.html#removed)
- [Python: datetime.utcnow deprecation](https://docs.python.org/3/library/datetime.html#datetime.datetime.utcnow)
- [Go: package io/ioutil](https://pkg.go.dev/io/ioutil)
- [Node.js deprecations DEP0005, DEP0034, DEP0169](https://nodejs.org/api/deprecations.html)
- [JEP 390: Warnings for Value-Based Classes](https://openjdk.org/jeps/390)
- [OWASP Top 10 A06:2021 Vulnerable and Outdated Components](https://owasp.org/Top10/A06_2021-Vulnerable_and_Outdated_Components/)
"""

    def check(self, ctx: CheckContext) -> Iterable[Finding]:
        name = ctx.language.name
        if name == "python":
            yield from self._python(ctx)
        elif name == "go":
            yield from self._go(ctx)
        elif name in _SCRIPTS:
            yield from self._script(ctx)
        elif name == "java":
            yield from self._java(ctx)

    def _report(
        self, node: tree_sitter.Node, entry: Deprecated, receiver: str, edits: list[Edit] | None
    ) -> Finding:
        shown = Deprecated(
            entry.api.format(receiver),
            entry.replacement.format(receiver),
            entry.since,
            entry.fixable and edits is not None,
            entry.why,
            entry.works,
        )
        fix = Fix(dp.title(shown), tuple(edits)) if shown.fixable and edits else None
        if entry.works:
            # Still works and nothing removes it: whether the project's oldest supported
            # version has the successor (go.mod, requires-python) is out of the rule's reach.
            return self.finding(
                node,
                dp.message(shown),
                fix=fix,
                severity=Severity.INFO,
                confidence=Confidence.LOW,
            )
        return self.finding(node, dp.message(shown), fix=fix)

    # -- Python ---------------------------------------------------------------------------

    def _python(self, ctx: CheckContext) -> Iterator[Finding]:
        bindings = dp.python_bindings(ctx)
        for _, match in ctx.matches(PY_CALL_QUERY):
            call, obj, attr = match["call"][0], match["object"][0], match["name"][0]
            if has_error(call):
                continue
            found = _python_entry(ctx, bindings, obj, attr)
            if found is None:
                continue
            entry, receiver = found
            new_name = entry.replacement.rsplit(".", 1)[-1].rstrip("()")
            edits = [replace_node(attr, new_name)] if entry.fixable else None
            yield self._report(call, entry, receiver, edits)
        for _, match in ctx.matches(PY_IMPORT_QUERY):
            module = match["module"][0]
            if has_error(module) or _guarded_import(module):
                continue
            top = ctx.text(match["top"][0])
            entry = PYTHON_MODULES[top]
            if top == "distutils" and _SETUPTOOLS_IMPORT.search(ctx.source):
                entry = dataclasses.replace(entry, works=True)
            yield self._report(module, entry, "", None)

    # -- Go -------------------------------------------------------------------------------

    def _go(self, ctx: CheckContext) -> Iterator[Finding]:
        matches = ctx.matches(GO_QUERY)
        if not matches:
            return
        imports = dp.go_imports(ctx)
        ioutil = next((i for i in imports if i.path == "io/ioutil"), None)
        if ioutil is None or ioutil.name in ("_", "."):
            return
        for _, match in matches:
            selector, package = match["selector"][0], match["package"][0]
            if has_error(selector) or ctx.text(package) != ioutil.name:
                continue
            if ioutil.name in _go_locals(ctx, selector):
                continue  # a local shadows the package
            entry = GO_IOUTIL[ctx.text(match["name"][0])]
            edits = _go_fix(ctx, selector, entry, imports, ioutil) if entry.fixable else None
            yield self._report(selector, entry, "", edits)

    # -- JavaScript / TypeScript ----------------------------------------------------------

    def _script(self, ctx: CheckContext) -> Iterator[Finding]:
        if not _USER_BUFFER.search(ctx.source):
            for _, match in ctx.matches(SCRIPT_BUFFER_QUERY):
                call, args = match["call"][0], match["args"][0]
                values = [a for a in args.named_children if a.type != "comment"]
                if has_error(call) or not values:
                    continue
                kind = _buffer_kind(values)
                entry = SCRIPT_BUFFER[kind]
                head = ctx.text(call)[: args.start_byte - call.start_byte]
                edits = None
                if entry.fixable:
                    edits = [
                        Edit(
                            dp.point(call.start_point), dp.point(args.start_point), f"Buffer.{kind}"
                        )
                    ]
                yield self._report(call, entry, f"{head}()", edits)
        for _, match in ctx.matches(SCRIPT_CALL_QUERY):
            call, obj = match["call"][0], match["object"][0]
            if has_error(call):
                continue
            for (module, method), entry in SCRIPT_CALLS.items():
                if method == ctx.text(match["name"][0]) and ctx.text(obj) in _required(ctx, module):
                    yield self._report(call, entry, "", None)

    # -- Java -----------------------------------------------------------------------------

    def _java(self, ctx: CheckContext) -> Iterator[Finding]:
        declared = set(_JAVA_DECLARED.findall(ctx.source))
        for _, match in ctx.matches(JAVA_NEW_QUERY):
            new, box, args = match["new"][0], match["type"][0], match["args"][0]
            name = ctx.text(box)
            if has_error(new) or name.encode() in declared or args.named_child_count != 1:
                continue
            if _java_suppressed(new):
                continue
            if any(child.type == "class_body" for child in new.named_children):
                continue
            entry = JAVA_BOXES[name]
            if name == "Float" and not _float_argument(args.named_children[0]):
                entry = JAVA_FLOAT_DOUBLE
            edits = None
            if entry.fixable:
                edits = [
                    Edit(dp.point(new.start_point), dp.point(box.end_point), f"{name}.valueOf")
                ]
            yield self._report(new, entry, "", edits)
        if not _JAVA_NET_IMPORT.search(ctx.source):
            return
        for _, match in ctx.matches(JAVA_CALL_QUERY):
            call = match["call"][0]
            key = (ctx.text(match["object"][0]), ctx.text(match["name"][0]))
            if not has_error(call) and key in JAVA_CALLS and not _java_suppressed(call):
                yield self._report(call, JAVA_CALLS[key], "", None)


# ---------------------------------------------------------------------------------------------
# Python helpers
# ---------------------------------------------------------------------------------------------

_LOGGER_NAME = re.compile(r"^_*(log|logger|LOG|LOGGER|Log|Logger|\w+_(log|logger|LOG|LOGGER))$")
# Libraries whose loggers have a `warn` that is not deprecated.
_OTHER_LOGGING = ("structlog", "twisted", "logbook", "loguru", "eliot")


def _python_entry(
    ctx: CheckContext, bindings: dict[str, str], obj: tree_sitter.Node, attr: tree_sitter.Node
) -> tuple[Deprecated, str] | None:
    """The entry a call matches once its receiver is resolved, and the receiver as written."""
    name, receiver = ctx.text(attr), ctx.text(obj)
    if name in UNITTEST_ALIASES:
        if receiver == "self" and name not in _python_defined(ctx) and _in_test_case(ctx, obj):
            return UNITTEST_ALIASES[name], receiver
        return None
    bound = bindings.get(receiver) if obj.type == "identifier" else None
    if name == "warn":
        if bound == "logging":
            return PYTHON_CALLS["logging", "warn"], receiver
        if _is_logger(ctx, obj) and not any(
            target.split(".")[0] in _OTHER_LOGGING for target in bindings.values()
        ):
            return PYTHON_CALLS["logger", "warn"], receiver
        return None
    if name == "get_event_loop":
        if bound == "asyncio" and _in_coroutine(obj):
            return PYTHON_CALLS["asyncio", "get_event_loop"], receiver
        return None
    if name in ("utcnow", "utcfromtimestamp"):
        if bound == "datetime.datetime" or _datetime_class(ctx, bindings, obj):
            return PYTHON_CALLS["datetime.datetime", name], receiver
        return None
    if name == "wrap_socket" and bound == "ssl":
        return PYTHON_CALLS["ssl", name], receiver
    return None


def _is_logger(ctx: CheckContext, obj: tree_sitter.Node) -> bool:
    if obj.type == "call":
        function = obj.child_by_field_name("function")
        return function is not None and ctx.text(function).endswith("getLogger")
    if obj.type == "attribute":
        last = obj.child_by_field_name("attribute")
        return last is not None and bool(_LOGGER_NAME.match(ctx.text(last)))
    return obj.type == "identifier" and bool(_LOGGER_NAME.match(ctx.text(obj)))


def _datetime_class(ctx: CheckContext, bindings: dict[str, str], obj: tree_sitter.Node) -> bool:
    """`datetime.datetime` (or `dt.datetime`) where the first name is the datetime module."""
    if obj.type != "attribute":
        return False
    module, attr = obj.child_by_field_name("object"), obj.child_by_field_name("attribute")
    return (
        module is not None
        and attr is not None
        and module.type == "identifier"
        and bindings.get(ctx.text(module)) == "datetime"
        and ctx.text(attr) == "datetime"
    )


def _in_coroutine(node: tree_sitter.Node) -> bool:
    """True when the nearest enclosing function is an `async def` (not a nested def or lambda)."""
    parent = node.parent
    while parent is not None:
        if parent.type == "lambda":
            return False
        if parent.type == "function_definition":
            return any(child.type == "async" for child in parent.children)
        parent = parent.parent
    return False


def _python_defined(ctx: CheckContext) -> set[str]:
    """Names the file defines with `def`: a test base class may define its own `assertEquals`."""

    def compute() -> set[str]:
        return {ctx.text(m["name"][0]) for _, m in ctx.file_matches(PY_DEFINES)}

    return ctx.memo("python_defined_functions", compute)


PY_CLASSES = "(class_definition name: (identifier) @name superclasses: (argument_list) @bases)"


def _in_test_case(ctx: CheckContext, node: tree_sitter.Node) -> bool:
    """Inside a class deriving from a `...TestCase` (directly or through a class of this file):
    other test bases (pytest classes, SQLAlchemy's `TestBase`) define their own `assert_`."""
    bases = ctx.memo(
        "python_class_bases",
        lambda: {
            ctx.text(m["name"][0]): ctx.text(m["bases"][0]) for _, m in ctx.file_matches(PY_CLASSES)
        },
    )
    cls = next((p for p in _parents(node) if p.type == "class_definition"), None)
    name = cls.child_by_field_name("name") if cls is not None else None
    seen: set[str] = set()
    current = ctx.text(name) if name is not None else None
    while current is not None and current not in seen:
        seen.add(current)
        text = bases.get(current, "")
        if "TestCase" in text:
            return True
        current = next((b for b in re.findall(r"\w+", text) if b in bases), None)
    return False


def _guarded_import(module: tree_sitter.Node) -> bool:
    """An import inside `try:` with an `except ImportError` fallback is deliberate compat code."""
    for parent in _parents(module):
        if parent.type == "try_statement":
            return any(
                child.type == "except_clause" and b"ImportError" in (child.text or b"")
                for child in parent.named_children
            )
    return False


def _parents(node: tree_sitter.Node) -> Iterator[tree_sitter.Node]:
    parent = node.parent
    while parent is not None:
        yield parent
        parent = parent.parent


# ---------------------------------------------------------------------------------------------
# Go helpers
# ---------------------------------------------------------------------------------------------

_GO_FUNCTIONS = frozenset({"function_declaration", "method_declaration", "func_literal"})


def _go_locals(ctx: CheckContext, node: tree_sitter.Node) -> set[str]:
    """Names declared in the top-level function around `node` (parameters, `:=`, `var`)."""
    function = None
    for parent in _parents(node):
        if parent.type in _GO_FUNCTIONS:
            function = parent
    if function is None:
        return set()
    query = compile_query(ctx.language.name, ctx.language.grammar, GO_LOCALS)
    found = tree_sitter.QueryCursor(query).captures(function)
    return {ctx.text(n) for n in found.get("name", [])}


def _go_fix(
    ctx: CheckContext,
    selector: tree_sitter.Node,
    entry: Deprecated,
    imports: list[dp.GoImport],
    ioutil: dp.GoImport,
) -> list[Edit] | None:
    package, function = entry.replacement.split(".")
    have = next((i for i in imports if i.path == package), None)
    if have is not None and have.name in ("_", "."):
        return None
    name = have.name if have is not None else package
    if any(i.name == name and i.path != package for i in imports):
        return None  # another import already binds the name
    if name in _go_locals(ctx, selector):
        return None  # `os := ...` in this function: the renamed call would miss the package
    last_use = _go_uses(ctx, ioutil.name) == 1
    import_edits = dp.go_import_edits(ctx, ioutil, package, have, last_use)
    if import_edits is None:
        return None
    return [replace_node(selector, f"{name}.{function}"), *import_edits]


def _go_uses(ctx: CheckContext, package: str) -> int:
    def compute() -> int:
        return sum(
            1 for _, m in ctx.file_matches(GO_ALL_USES) if ctx.text(m["package"][0]) == package
        )

    return ctx.memo(f"go_uses_{package}", compute)


# ---------------------------------------------------------------------------------------------
# JavaScript / TypeScript helpers
# ---------------------------------------------------------------------------------------------

# A file that declares its own Buffer (a class, a function, a variable not from "buffer").
_USER_BUFFER = re.compile(
    rb"\b(class|function|interface|enum)\s+Buffer\b"
    rb"|\b(const|let|var)\s+Buffer\s*=\s*(?!require\(\s*['\"](node:)?buffer['\"])"
    rb"|\bimport\s+(\{[^}]*\bBuffer\b[^}]*\}|Buffer)\s+from\s+['\"](?!(node:)?buffer['\"])"
)
_SIZE_TYPES = frozenset({"number"})
_CONTENT_TYPES = frozenset({"string", "template_string", "array"})


def _buffer_kind(args: list[tree_sitter.Node]) -> str:
    """Which factory replaces the constructor: `from` for content (a string, an array),
    `alloc` for a size, `unknown` when the argument's type is not visible."""
    first = args[0]
    if first.type in _CONTENT_TYPES:
        return "from"
    if len(args) == 2 and args[1].type == "string":
        return "from"  # (string, encoding): the only form whose second argument is a string
    if first.type in _SIZE_TYPES or _is_length(first):
        return "alloc" if len(args) == 1 else "unknown"
    if first.type == "call_expression":
        function = first.child_by_field_name("function")
        text = (function.text or b"") if function is not None else b""
        if text == b"JSON.stringify" or text.endswith(b".toString"):
            return "from"
    return "unknown"


def _is_length(node: tree_sitter.Node) -> bool:
    prop = node.child_by_field_name("property") if node.type == "member_expression" else None
    return prop is not None and prop.text == b"length"


def _required(ctx: CheckContext, module: str) -> set[str]:
    """Names bound to Node's `module` by `require` or `import` (not a same-named npm package)."""

    def compute() -> set[str]:
        quoted = rb"['\"](?:node:)?" + module.encode() + rb"['\"]"
        patterns = (
            rb"\b(?:const|let|var)\s+(\w+)\s*=\s*require\(\s*" + quoted + rb"\s*\)\s*[;,\n]",
            rb"\bimport\s+(?:\*\s+as\s+)?(\w+)\s+from\s+" + quoted,
            rb"\bimport\s+(\w+)\s*=\s*require\(\s*" + quoted,
        )
        return {name.decode() for pattern in patterns for name in re.findall(pattern, ctx.source)}

    return ctx.memo(f"script_required_{module}", compute)


# ---------------------------------------------------------------------------------------------
# Java helpers
# ---------------------------------------------------------------------------------------------

_JAVA_DECLARED = re.compile(rb"\b(?:class|interface|enum|record)\s+(\w+)")
_JAVA_NET_IMPORT = re.compile(rb"\bimport\s+java\.net\.(?:\*|URLEncoder|URLDecoder)\s*;")
_FLOAT_LITERAL = re.compile(r"^[0-9_.eE+-]+[fF]$")


_SUPPRESSES = re.compile(rb'@SuppressWarnings\s*\([^)]*"(deprecation|removal|all)"')


def _java_suppressed(node: tree_sitter.Node) -> bool:
    """Inside a declaration annotated `@SuppressWarnings("deprecation")`: the author already
    decided (the JDK keeps `new Byte(...)` where `valueOf` would initialise a cache too early)."""
    for parent in _parents(node):
        for child in parent.children:
            if child.type == "modifiers" and _SUPPRESSES.search(child.text or b""):
                return True
    return False


def _float_argument(node: tree_sitter.Node) -> bool:
    """True when `Float.valueOf` accepts the argument as is: a string, an int or float literal,
    or a `(float)` cast. `new Float(1.5)` takes a double, which `valueOf` does not."""
    text = (node.text or b"").decode("utf-8", "replace")
    if node.type in ("string_literal", "decimal_integer_literal"):
        return True
    if node.type == "decimal_floating_point_literal":
        return bool(_FLOAT_LITERAL.match(text))
    if node.type == "cast_expression":
        cast_type = node.child_by_field_name("type")
        return cast_type is not None and cast_type.text == b"float"
    return False


RULE = DeprecatedApi()
