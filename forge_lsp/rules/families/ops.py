"""Shared facts for the operations family (FG7xx): where a service entry point starts its
server, whether the file handles SIGTERM, and which HTTP routes it defines.

These rules are file-scoped: "is there a shutdown handler / a health route anywhere in this
file?" is a question about the whole file, so they re-run over all of it on every check. The
facts are computed once per check (`ctx.memo`) and shared by FG701 and FG703.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import tree_sitter

from forge_lsp.rules.base import CheckContext, ancestors, has_error

Node = tree_sitter.Node

SCRIPT = frozenset({"javascript", "typescript", "tsx"})
LANGUAGES = frozenset({"python", "go", "java", "kotlin", "rust"}) | SCRIPT


@dataclass(frozen=True, slots=True)
class Start:
    """One call that starts serving: `call` is the range, `what` names it in messages."""

    call: Node
    what: str
    handles_signals: bool  # the framework drains on SIGTERM by itself (uvicorn, aiohttp)
    # A wrapper that starts the server with its caller's arguments and returns it (Koa's
    # `Application#listen`): the caller, in another file, may own the shutdown.
    wrapper: bool = False


@dataclass(frozen=True, slots=True)
class Route:
    """One route registration; `path` is None when the path is not a literal (or the call
    mounts routes defined elsewhere), which makes the file's route list incomplete."""

    call: Node
    path: str | None


# One query per language: every method-style call, filtered in Python by name. The
# predicates keep the C side from returning the thousands of unrelated calls.
_PY_CALLS = """
(call function: (attribute object: (_) @obj attribute: (identifier) @method)
  arguments: (argument_list) @args
  (#any-of? @method "serve_forever" "run" "run_app" "route" "get" "post" "put" "delete"
    "patch" "api_route" "add_url_rule" "add_get" "add_post" "add_route" "websocket"
    "register_blueprint" "include_router" "mount" "add_routes")) @call
"""
_GO_CALLS = """
(call_expression function: (selector_expression operand: (_) @obj field: (field_identifier) @method)
  arguments: (argument_list) @args
  (#any-of? @method "ListenAndServe" "ListenAndServeTLS" "Serve" "ServeTLS" "Run" "RunTLS"
    "HandleFunc" "Handle" "GET" "POST" "PUT" "DELETE" "PATCH" "Any" "Get" "Post" "Put"
    "Delete" "Patch" "Mount" "Start")) @call
"""
_JS_CALLS = """
(call_expression
  function: (member_expression object: (_) @obj property: (property_identifier) @method)
  arguments: (arguments) @args
  (#any-of? @method "listen" "get" "post" "put" "delete" "patch" "all" "use" "route"
    "register")) @call
"""
_JAVA_CALLS = """
(method_invocation object: (_) @obj name: (identifier) @method arguments: (argument_list) @args
  (#any-of? @method "start" "createContext")) @call
"""
_KOTLIN_CALLS = """
(call_expression (navigation_expression (_) @obj (identifier) @method) (value_arguments) @args
  (#any-of? @method "start" "createContext")) @call
"""
_RUST_CALLS = """
(call_expression function: (field_expression value: (_) @obj field: (field_identifier) @method)
  arguments: (arguments) @args
  (#any-of? @method "serve" "route" "nest" "merge" "service" "configure" "nest_service"
    "fallback")) @call
(call_expression function: (scoped_identifier path: (_) @obj name: (identifier) @method)
  arguments: (arguments) @args (#eq? @method "serve")) @call
"""
_QUERIES = {
    "python": _PY_CALLS,
    "go": _GO_CALLS,
    "java": _JAVA_CALLS,
    "kotlin": _KOTLIN_CALLS,
    "rust": _RUST_CALLS,
}
for _name in SCRIPT:
    _QUERIES[_name] = _JS_CALLS

Call = tuple[Node, Node, str, Node]  # call, receiver, method name, arguments


def _calls(ctx: CheckContext) -> list[Call]:
    def compute() -> list[Call]:
        found = []
        for _, caps in ctx.matches(_QUERIES[ctx.language.name]):
            call = caps["call"][0]
            if not has_error(call):
                found.append((call, caps["obj"][0], ctx.text(caps["method"][0]), caps["args"][0]))
        return found

    return ctx.memo("ops.calls", compute)


def _positional(args: Node) -> list[Node]:
    found = []
    for arg in args.named_children:
        if arg.type == "value_argument":  # Kotlin wraps each argument; named ones are skipped
            if arg.named_child_count != 1:
                continue
            arg = arg.named_children[0]
        if arg.type not in ("comment", "line_comment", "block_comment", "keyword_argument"):
            found.append(arg)
    return found


def _string(ctx: CheckContext, node: Node | None) -> str | None:
    """The value of a plain string literal (no interpolation), else None."""
    if node is None:
        return None
    if node.type in (
        "string",
        "interpreted_string_literal",
        "raw_string_literal",
        "string_literal",
    ):
        nested = ("interpolation", "template_substitution", "interpolated_expression")
        if any(
            c.type in nested or c.type == "interpolated_identifier" for c in node.named_children
        ):
            return None
        text = ctx.text(node)
        return text.strip("\"'`").removeprefix('"').removesuffix('"')
    return None


# --- server starts ---------------------------------------------------------------------

_PY_MAIN = re.compile(r"""__name__\s*==\s*["']__main__["']""")
_PY_FLASK = re.compile(r"(\w+)\s*=\s*Flask\(")


def _python_starts(ctx: CheckContext) -> list[Start]:
    text = ctx.source.decode("utf-8", "replace")
    main_guard = _PY_MAIN.search(text) is not None
    flask_apps = set(_PY_FLASK.findall(text))
    starts = []
    for call, obj, method, _args in _calls(ctx):
        receiver = ctx.text(obj)
        # An entry point: the `__main__` guard, or a server started at module level. A
        # `serve_forever()` inside a library function (Django's `runserver`) is not one.
        at_top = not any(a.type == "function_definition" for a in ancestors(call))
        if not (main_guard or at_top):
            continue
        if method == "serve_forever":
            starts.append(Start(call, f"`{short(receiver)}.serve_forever()`", False))
        elif method == "run" and receiver == "uvicorn":
            starts.append(Start(call, "`uvicorn.run()`", True))
        elif method == "run_app" and receiver == "web":
            starts.append(Start(call, "`web.run_app()`", True))
        elif method == "run" and receiver in flask_apps:
            # Flask's dev server: not a production server at all, so FG701 leaves it to
            # the deploy (gunicorn drains on SIGTERM); FG703 still reads its routes.
            starts.append(Start(call, f"`{receiver}.run()`", True))
    return starts


_GIN_ENGINE = re.compile(r"(\w+)\s*:?=\s*gin\.(?:Default|New)\(")
_GO_MAIN = re.compile(r"^package\s+main\b", re.MULTILINE)


def _go_starts(ctx: CheckContext) -> list[Start]:
    text = ctx.source.decode("utf-8", "replace")
    if not _GO_MAIN.search(text):
        return []  # only `package main` is an entry point; libraries serve what they're given
    gin_engines = set(_GIN_ENGINE.findall(text))
    starts = []
    for call, obj, method, args in _calls(ctx):
        receiver = ctx.text(obj)
        serves = (
            method in ("ListenAndServe", "ListenAndServeTLS")
            or (method in ("Serve", "ServeTLS") and obj.type == "identifier" and _positional(args))
            or (method in ("Run", "RunTLS") and receiver in gin_engines)
        )
        if serves:
            starts.append(Start(call, f"`{short(receiver)}.{method}()`", False))
    return starts


_JS_SERVER = re.compile(
    r"(\w+)\s*=\s*(?:await\s+)?(?:new\s+)?(?:\w+\.)?"
    r"(?:express|fastify|Fastify|createServer|Koa|NestFactory\.create|createApp)\s*[(<]"
)
_JS_SERVER_CALL = re.compile(r"^(?:\w+\.)?(?:express|createServer|fastify|Fastify)\s*\(")
_JS_SERVER_NAMES = frozenset({"app", "server", "httpServer", "httpsServer", "srv"})


def _script_starts(ctx: CheckContext) -> list[Start]:
    listens = [(call, obj) for call, obj, method, _args in _calls(ctx) if method == "listen"]
    if not listens:
        return []
    text = ctx.source.decode("utf-8", "replace")
    servers = set(_JS_SERVER.findall(text)) | _JS_SERVER_NAMES
    starts = []
    for call, obj in listens:
        receiver = ctx.text(obj)
        if (obj.type == "identifier" and receiver in servers) or (
            obj.type == "call_expression" and _JS_SERVER_CALL.match(receiver)
        ):
            name = short(receiver)
            wrapper = _returned(call) and _forwards_parameters(ctx, call)
            starts.append(Start(call, f"`{name}.listen()`", False, wrapper))
    return starts


def _returned(call: Node) -> bool:
    """`return server.listen(...args)` or `() => app.listen(port)`: the listening server is
    handed to the caller."""
    node, parent = call, call.parent
    while parent is not None and parent.type in ("await_expression", "parenthesized_expression"):
        node, parent = parent, parent.parent
    if parent is None:
        return False
    if parent.type == "return_statement":
        return True
    return parent.type == "arrow_function" and parent.child_by_field_name("body") == node


_JS_FUNCTIONS = frozenset(
    {"function_declaration", "function_expression", "arrow_function", "method_definition"}
)


def _forwards_parameters(ctx: CheckContext, call: Node) -> bool:
    """`listen(...args)` or `listen(port)` where every argument is a parameter of the
    enclosing function: the port and host are the caller's, not this file's."""
    function = next((a for a in ancestors(call) if a.type in _JS_FUNCTIONS), None)
    arguments = call.child_by_field_name("arguments")
    if function is None or arguments is None:
        return False
    declared = function.child_by_field_name("parameters") or function.child_by_field_name(
        "parameter"
    )
    if declared is None:
        return False
    names = {ctx.text(n) for n in _identifiers(declared)}
    passed = [a for a in arguments.named_children if "comment" not in a.type]
    for argument in passed:
        if argument.type == "spread_element" and argument.named_children:
            argument = argument.named_children[0]
        if argument.type != "identifier" or ctx.text(argument) not in names:
            return False
    return bool(passed)


def _identifiers(node: Node) -> Iterator[Node]:
    if node.type in ("identifier", "shorthand_property_identifier_pattern"):
        yield node
    for child in node.named_children:
        yield from _identifiers(child)


_JAVA_SERVER_VAR = re.compile(
    r"\b(?:HttpsServer|HttpServer|var|val)\s+(\w+)\s*(?::\s*Https?Server\s*)?="
    r"\s*Https?Server\.create"
)
_JAVA_SERVER_FIELD = re.compile(
    r"\b(?:HttpsServer|HttpServer)\s+(\w+)\s*[;=]|\b(?:val|var)\s+(\w+)\s*:\s*Https?Server\b"
)


def _jvm_servers(text: str) -> set[str]:
    """Names of `HttpServer` variables and fields (Java and Kotlin declarations)."""
    names = set(_JAVA_SERVER_VAR.findall(text))
    for java_name, kotlin_name in _JAVA_SERVER_FIELD.findall(text):
        names.add(java_name or kotlin_name)
    return names - {""}


def _java_starts(ctx: CheckContext) -> list[Start]:
    text = ctx.source.decode("utf-8", "replace")
    if "HttpServer.create(" not in text and "HttpsServer.create(" not in text:
        return []
    servers = _jvm_servers(text)
    starts = []
    for call, obj, method, args in _calls(ctx):
        if method != "start" or _positional(args):
            continue
        receiver = ctx.text(obj)
        if receiver in servers or receiver.startswith(
            ("HttpServer.create(", "HttpsServer.create(")
        ):
            name = short(receiver)
            starts.append(Start(call, f"`{name}.start()`", False))
    return starts


_RUST_MAIN = re.compile(r"\bfn\s+main\s*\(")


def _rust_starts(ctx: CheckContext) -> list[Start]:
    text = ctx.source.decode("utf-8", "replace")
    if not _RUST_MAIN.search(text):
        return []  # a binary's `main` is the entry point; a library serves what it is given
    starts = []
    for call, obj, method, _args in _calls(ctx):
        if method != "serve":
            continue
        receiver = ctx.text(obj)
        function = call.child_by_field_name("function")
        if function is not None and function.type == "scoped_identifier":
            # `axum::serve(listener, app)`, `warp::serve(routes)`
            if receiver in ("axum", "warp"):
                starts.append(Start(call, f"`{receiver}::serve()`", False))
        elif "Server::bind(" in receiver or "Server::builder(" in receiver:
            starts.append(Start(call, "`Server::bind(...).serve()`", False))  # hyper 0.14
    return starts


def short(receiver: str) -> str:
    """A receiver as messages show it: `HttpServer.create(...)` rather than every argument."""
    head, paren, _ = receiver.partition("(")
    return " ".join(head.split()) + ("(...)" if paren else "")


# Every start call above needs one of these words in the file: a byte search (microseconds)
# spares the whole-file call query in the files, most of them, that start no server.
_START_WORDS: dict[str, tuple[bytes, ...]] = {
    "python": (b"serve_forever", b"uvicorn", b"run_app", b"Flask("),
    "go": (b"Serve", b"Run"),
    "java": (b"HttpServer.create(", b"HttpsServer.create("),
    "kotlin": (b"HttpServer.create(", b"HttpsServer.create("),
    "rust": (b"serve",),
}
_SCRIPT_START_WORDS = (b"listen",)


def _may_start_a_server(ctx: CheckContext) -> bool:
    words = _START_WORDS.get(ctx.language.name, _SCRIPT_START_WORDS)
    return any(word in ctx.source for word in words)


def starts(ctx: CheckContext) -> list[Start]:
    """The calls in this file that start a service's server, in source order (none in tests:
    a test's server listens on an ephemeral port and dies with the test run)."""
    if ctx.in_test_file or not _may_start_a_server(ctx):
        return []
    compute = {
        "python": _python_starts,
        "go": _go_starts,
        "java": _java_starts,
        "kotlin": _java_starts,
        "rust": _rust_starts,
    }.get(ctx.language.name, _script_starts)
    return ctx.memo("ops.starts", lambda: compute(ctx))


# --- graceful shutdown -----------------------------------------------------------------

_GRACEFUL = {
    "python": re.compile(r"signal\.signal\(|add_signal_handler\(|\bsignal\(\s*(?:signal\.)?SIG"),
    "go": re.compile(r"\.Shutdown\(|signal\.Notify(?:Context)?\(|\.GracefulStop\("),
    "java": re.compile(r"addShutdownHook\(|SpringApplication\.run\("),
    "kotlin": re.compile(r"addShutdownHook\(|runApplication<|SpringApplication\.run\("),
    # axum / hyper `with_graceful_shutdown`, warp `bind_with_graceful_shutdown`, or a
    # `tokio::signal` future the server is raced against.
    "rust": re.compile(r"with_graceful_shutdown\(|signal::ctrl_c\(|SignalKind::terminate\("),
    "script": re.compile(
        r"process\.(?:on|once|addListener|prependListener)\(\s*['\"`]SIG(?:TERM|INT)['\"`]"
        r"|['\"](?:http-terminator|stoppable|@godaddy/terminus|lightship|close-with-grace)['\"]"
        r"|enableShutdownHooks\(|createTerminus\("
    ),
}


# An imported module whose path names a drain: Go `github.com/x/graceful`, `.../httpshutdown`,
# npm `graceful-shutdown`, `@x/terminator`.
_GRACEFUL_IMPORT = re.compile(
    r"""["'][^"'\s]*(?:graceful|shutdown|terminat)[^"'\s]*["']""", re.IGNORECASE
)


def handles_shutdown(ctx: CheckContext) -> bool:
    """Whether anything in the file drains the server on SIGTERM."""
    key = "script" if ctx.language.name in SCRIPT else ctx.language.name
    text = ctx.source.decode("utf-8", "replace")
    if _GRACEFUL[key].search(text):
        return True
    if key in ("go", "script") and _GRACEFUL_IMPORT.search(text):
        return True  # a helper package (`httpshutdown`, `graceful`) owns the signal handling
    if ctx.language.name in ("java", "kotlin"):
        # `server.stop(...)` anywhere (a shutdown hook, a lifecycle `close()`) is a drain.
        names = _jvm_servers(text)
        return any(re.search(rf"\b{re.escape(n)}\.stop\(", text) for n in names)
    return False


# --- routes ----------------------------------------------------------------------------

_PY_ROUTE = frozenset(
    {"route", "get", "post", "put", "delete", "patch", "api_route", "websocket", "add_url_rule"}
)
_PY_AIOHTTP = frozenset({"add_get", "add_post", "add_route"})
_PY_MOUNTS = frozenset({"register_blueprint", "include_router", "mount", "add_routes"})
_GO_ROUTE = frozenset(
    {"HandleFunc", "Handle", "GET", "POST", "PUT", "DELETE", "PATCH", "Any"}
    | {"Get", "Post", "Put", "Delete", "Patch"}
)
_JS_ROUTE = frozenset({"get", "post", "put", "delete", "patch", "all"})


_PY_REGISTRATIONS = frozenset({"add_url_rule"}) | _PY_AIOHTTP


def _is_decorator(call: Node) -> bool:
    return call.parent is not None and call.parent.type == "decorator"


def _python_routes(ctx: CheckContext) -> list[Route]:
    routes = []
    for call, _obj, method, args in _calls(ctx):
        first = next(iter(_positional(args)), None)
        if method in _PY_MOUNTS:
            routes.append(Route(call, None))
        elif (_is_decorator(call) and method in _PY_ROUTE) or method in _PY_REGISTRATIONS:
            routes.append(Route(call, _string(ctx, first)))
    return routes


def _go_routes(ctx: CheckContext) -> list[Route]:
    routes = []
    for call, _obj, method, args in _calls(ctx):
        positional = _positional(args)
        if method == "Mount":
            routes.append(Route(call, None))
            continue
        if method not in _GO_ROUTE or len(positional) < 2:
            continue
        path = _string(ctx, positional[0])
        if path is None:
            # `Get(ctx, key)` is a cache; only the net/http names take a computed pattern.
            if method in ("HandleFunc", "Handle"):
                routes.append(Route(call, None))
            continue
        pattern = path.rsplit(" ", 1)[-1]  # Go 1.22 "GET /orders/{id}"
        if not pattern.startswith("/"):
            continue
        # `Handle("/", router)` / `Handle("/api/", sub)` mount a subtree served elsewhere.
        mounted = method == "Handle" and pattern.endswith("/")
        routes.append(Route(call, None if mounted else pattern))
    return routes


def _script_routes(ctx: CheckContext) -> list[Route]:
    routes = []
    for call, obj, method, args in _calls(ctx):
        positional = _positional(args)
        if obj.type != "identifier" or not positional:
            continue
        path = _string(ctx, positional[0])
        if method in ("use", "register", "route"):
            # A mounted router or plugin (`app.use("/api", orders)`, fastify `register`)
            # carries routes this file does not show.
            if method == "use" and path is None:
                continue  # plain middleware: `app.use(express.json())`
            if method != "route" or path is None:
                routes.append(Route(call, None))
            continue
        if (
            method in _JS_ROUTE
            and path is not None
            and path.startswith("/")
            and len(positional) > 1
        ):
            routes.append(Route(call, path))
    return routes


def _java_routes(ctx: CheckContext) -> list[Route]:
    routes = []
    for call, _obj, method, args in _calls(ctx):
        if method == "createContext":
            routes.append(Route(call, _string(ctx, next(iter(_positional(args)), None))))
    return routes


_RUST_MOUNTS = frozenset({"nest", "merge", "service", "configure", "nest_service", "fallback"})


def _rust_routes(ctx: CheckContext) -> list[Route]:
    routes = []
    for call, _obj, method, args in _calls(ctx):
        if method in _RUST_MOUNTS:
            routes.append(Route(call, None))  # routes (or a catch-all) defined elsewhere
        elif method == "route":
            routes.append(Route(call, _string(ctx, next(iter(_positional(args)), None))))
    return routes


def routes(ctx: CheckContext) -> list[Route]:
    """The HTTP routes this file registers (and mounts of routes defined elsewhere)."""
    compute = {
        "python": _python_routes,
        "go": _go_routes,
        "java": _java_routes,
        "kotlin": _java_routes,
        "rust": _rust_routes,
    }.get(ctx.language.name, _script_routes)
    return ctx.memo("ops.routes", lambda: compute(ctx))
