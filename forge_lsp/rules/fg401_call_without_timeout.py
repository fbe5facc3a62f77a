"""FG401 call-without-timeout: an outbound call or server with no timeout."""

from __future__ import annotations

import re
from collections.abc import Iterator

import tree_sitter

from forge_lsp.core.model import Confidence, Finding, Severity
from forge_lsp.rules.base import CheckContext, Rule, ancestors, has_error
from forge_lsp.rules.families import network as net

HTTP_VERBS = frozenset({"get", "post", "put", "delete", "patch", "head", "options", "request"})

PYTHON_QUERY = """
(call function: [(attribute) (identifier)] @fn arguments: (argument_list) @args) @call
"""
_PY_SESSIONS = """
(assignment left: (identifier) @name right: (call function: (_) @ctor))
(with_item
  value: (as_pattern (call function: (_) @ctor) alias: (as_pattern_target (identifier) @name)))
(call function: (attribute object: (identifier) @mounted attribute: (identifier) @mount)
  (#eq? @mount "mount"))
"""
SESSION_TYPES = frozenset({"requests.Session", "requests.session", "requests.sessions.Session"})
URLOPEN = frozenset({"urllib.request.urlopen", "urllib2.urlopen"})
HTTP_CONNECTIONS = frozenset({"http.client.HTTPConnection", "http.client.HTTPSConnection"})
HTTPX_CALLS = frozenset(
    {f"httpx.{verb}" for verb in HTTP_VERBS | {"stream", "Client", "AsyncClient"}}
)

GO_QUERY = """
(call_expression
  function: (selector_expression operand: (identifier) @pkg field: (field_identifier) @fn)
  (#eq? @pkg "http")) @call
(composite_literal
  type: (qualified_type package: (package_identifier) @pkg name: (type_identifier) @type)
  body: (literal_value) @body
  (#eq? @pkg "http")
  (#any-of? @type "Client" "Server")) @lit
"""
GO_DEFAULT_CLIENT = frozenset({"Get", "Post", "PostForm", "Head"})
GO_SERVE = frozenset({"ListenAndServe", "ListenAndServeTLS", "Serve", "ServeTLS"})

JS_QUERY = """
(call_expression function: (identifier) @fn arguments: (arguments) @args
  (#any-of? @fn "fetch" "axios")) @call
(call_expression
  function: (member_expression object: (identifier) @obj property: (property_identifier) @fn)
  arguments: (arguments) @args
  (#any-of? @obj "axios" "globalThis")) @call
(call_expression
  function: (await_expression
    (member_expression object: (identifier) @obj property: (property_identifier) @fn))
  arguments: (arguments) @args
  (#any-of? @obj "axios" "globalThis")) @call
"""
# The second form is how the TypeScript grammar parses `await axios.get<T>(url)`.
# Where each axios method takes its config object.
AXIOS_CONFIG_AT = {
    "get": 1,
    "delete": 1,
    "head": 1,
    "options": 1,
    "post": 2,
    "put": 2,
    "patch": 2,
    "postForm": 2,
    "putForm": 2,
    "patchForm": 2,
    "request": 0,
    "create": 0,
}

JAVA_QUERY = """
(method_invocation name: (identifier) @fn
  (#any-of? @fn "newHttpClient" "build" "openConnection")) @call
"""
_JAVA_TIMEOUT_SETTERS = """
(method_invocation name: (identifier) @setter
  (#any-of? @setter "setConnectTimeout" "setReadTimeout")) @call
(argument_list (identifier) @passed)
"""
HTTP_URL_CONNECTIONS = frozenset({"HttpURLConnection", "HttpsURLConnection"})

KOTLIN_QUERY = """
(as_expression
  left: (call_expression (navigation_expression (_) (identifier) @fn) (value_arguments))
  right: (user_type) @type
  (#eq? @fn "openConnection")) @cast
(call_expression (navigation_expression (identifier) @cls (identifier) @fn) (value_arguments)
  (#eq? @cls "HttpClient") (#eq? @fn "newHttpClient")) @call
"""
_KOTLIN_TIMEOUTS = """
((identifier) @id
  (#any-of? @id "connectTimeout" "readTimeout" "setConnectTimeout" "setReadTimeout"))
(value_argument (identifier) @passed)
"""

RUST_QUERY = """
(call_expression function: (scoped_identifier) @fn) @call
(call_expression
  function: (field_expression field: (field_identifier) @method)
  (#eq? @method "build")) @build
"""
_GO_MAIN = re.compile(rb"^package\s+main\b", re.MULTILINE)
_REQWEST_USE = re.compile(r"\breqwest::(\{[^}]*\bClient(Builder)?\b|Client(Builder)?\b)")

_HTTP_OPENERS = ("Client::builder", "ClientBuilder::new")


class CallWithoutTimeout(Rule):
    code = "FG401"
    name = "call-without-timeout"
    summary = (
        "An outbound HTTP call, client or server with no timeout, so one stalled peer hangs it."
    )
    severity = Severity.WARNING
    cwe = 400
    languages = frozenset(
        {"python", "go", "javascript", "typescript", "tsx", "java", "rust", "kotlin"}
    )
    options = (net.IGNORE_IN_TESTS,)
    doc = """
## What it does

Flags outbound HTTP calls and clients whose library default is **no timeout at all**, and Go
servers that never time out a slow client:

- **Python**: `requests.get/post/put/delete/patch/head/options/request(...)` and the same
  methods on a `requests.Session()` (bound in the same function or at module level) without
  `timeout=`; `urllib.request.urlopen(url)` and `http.client.HTTPConnection(host)` without a
  timeout; `timeout=None` passed to `httpx` (which otherwise defaults to 5 s) and
  `httpx.Timeout(None)`; `aiohttp.ClientTimeout()` with no limit set, which disables every
  timeout.
- **Go**: `http.Get/Post/PostForm/Head` (they use `http.DefaultClient`, which never times out),
  `http.Client{...}` literals without `Timeout`, `http.ListenAndServe`/`ListenAndServeTLS`/
  `Serve`/`ServeTLS` (no way to set a timeout) and `http.Server{...}` literals with neither
  `ReadHeaderTimeout` nor `ReadTimeout`.
- **JavaScript/TypeScript**: `axios.get/post/...`, `axios(...)`, `axios.request(...)` and
  `axios.create(...)` without `timeout` (axios defaults to 0, meaning none), unless the file sets
  `axios.defaults.timeout`; `fetch(url)` and `fetch(url, {...})` without `signal` **in server
  code only** (a file importing a Node built-in or a server package such as `express`, `pg`,
  `@nestjs/*`).
- **Java**: `HttpClient.newHttpClient()`, `HttpClient.newBuilder()...build()` without
  `.connectTimeout(...)`, `HttpRequest.newBuilder()...build()` without `.timeout(...)`, and
  `(HttpURLConnection) url.openConnection()` in a method that never calls `setConnectTimeout`
  and `setReadTimeout`.
- **Kotlin**: `url.openConnection() as HttpURLConnection` in a function that never sets
  `connectTimeout` and `readTimeout`; `HttpClient.newHttpClient()`.
- **Rust**: `reqwest::get(...)`, `reqwest::Client::new()` and `Client::builder()...build()`
  without `.timeout(...)` or `.read_timeout(...)`.

**Policy.** A default that is *bounded* is not a finding: OkHttp (10 s per phase),
`reqwest::blocking` (30 s), `httpx` (5 s) and `aiohttp.ClientSession()` (5 minutes total) stay
quiet; setting a tighter budget there is a tuning decision, not a bug. Node's `fetch` is flagged
although undici has 300 s header and body timeouts, because the body timeout is per chunk: an
upstream that trickles a byte every minute holds the request forever, and `fetch` has no
`timeout` option, only `signal`. Browser `fetch` is not flagged: a stuck tab holds no server
resources. A Go client built without `Timeout` is flagged even when requests carry a context:
Forge cannot see every caller's context, and `Timeout` is the backstop. A Go server needs
`ReadHeaderTimeout` (or `ReadTimeout`, which covers the headers too); `WriteTimeout` is
left to you, since streaming handlers legitimately run long. A Go `ListenAndServe`/`Serve`
outside `package main` is a helper (gin's `Engine.Run`): whether anything serves production
traffic through it is decided by callers elsewhere, so it is reported as information with low
confidence; in `package main`, and for an `http.Server` literal anywhere, it is a warning.

Test files are skipped (option `ignoreInTests`). A connection or session configured in
another function (a `self.session` built in `__init__`, a helper that sets the timeouts) is not
followed: Forge checks one function at a time. No quick fix: the right number comes from your
latency budget, and Forge cannot know it.

**Where values come from.** The rule is syntactic and uses no dataflow: it reads the call's
own arguments (a `timeout=` keyword, an options object literal, a builder chain, a struct
literal's keys) and, for a `requests.Session` or an `HttpURLConnection`, simple local names
bound in the same function or at module level. A timeout of any value counts (only httpx's
`timeout=None` is read); an options object held in a variable is assumed to carry one. Out
of reach: a timeout set in another file or function, a client's defaults from configuration
or the environment, a caller's context deadline, and a proxy or mesh timing out in front.

## Why it matters in production

A call without a timeout waits as long as the peer wants. When a dependency degrades (a full
connection backlog, a load balancer that accepts and never answers, a GC pause) every request
that touches it parks a worker thread, a goroutine or a connection-pool slot. Within minutes
the pool is exhausted, health checks time out, the orchestrator restarts healthy pods, and one
slow dependency has become a full outage of yours: the classic cascading failure. On the
server side, a Go `http.Server` without `ReadHeaderTimeout` lets a few hundred clients sending
one header byte a minute (Slowloris) hold every connection you have.

## Example

```python
resp = requests.get(f"{BILLING_URL}/invoices/{invoice_id}")
with urllib.request.urlopen(feed_url) as feed:
    data = feed.read()
```

```go
resp, err := http.Get(inventoryURL + "/stock/" + sku)
client := &http.Client{Transport: transport}
log.Fatal(http.ListenAndServe(":8080", router))
```

```typescript
const res = await fetch(`${PAYMENTS_URL}/charges`, { method: "POST", body });
const { data } = await axios.get(`${CATALOG_URL}/items/${id}`);
```

```java
HttpClient client = HttpClient.newHttpClient();
```

```rust
let body = reqwest::get(url).await?.text().await?;
```

## Use instead

Give every outbound call a budget that fits inside your own request's deadline, and give
servers header and idle timeouts:

```python
resp = requests.get(f"{BILLING_URL}/invoices/{invoice_id}", timeout=(3.05, 10))
with urllib.request.urlopen(feed_url, timeout=10) as feed:
    data = feed.read()
```

```go
client := &http.Client{Timeout: 10 * time.Second, Transport: transport}
srv := &http.Server{
	Addr:              ":8080",
	Handler:           router,
	ReadHeaderTimeout: 5 * time.Second,
	IdleTimeout:       120 * time.Second,
}
log.Fatal(srv.ListenAndServe())
```

```typescript
const res = await fetch(`${PAYMENTS_URL}/charges`, {
  method: "POST",
  body,
  signal: AbortSignal.timeout(10_000),
});
const catalog = axios.create({ baseURL: CATALOG_URL, timeout: 5_000 });
```

```java
HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build();
```

```rust
let client = reqwest::Client::builder().timeout(Duration::from_secs(10)).build()?;
```

## How to test it

Point the client at a server that accepts the connection and never answers (a `socket` that
`listen`s and never `accept`s, `toxiproxy` with a `timeout` toxic, an `httptest.Server` whose
handler blocks on a channel) and assert that the call fails within your budget with a timeout
error, and that the caller maps it to a 503/504 or a retry rather than hanging. For Go servers,
open a raw TCP connection, send half a request line, and assert the server closes it after
`ReadHeaderTimeout`.

## References

- [CWE-400: Uncontrolled Resource Consumption](https://cwe.mitre.org/data/definitions/400.html)
- [requests: Timeouts](https://requests.readthedocs.io/en/latest/user/advanced/#timeouts)
- [The complete guide to Go net/http timeouts (Cloudflare)](https://blog.cloudflare.com/the-complete-guide-to-golang-net-http-timeouts/)
- [MDN: AbortSignal.timeout()](https://developer.mozilla.org/en-US/docs/Web/API/AbortSignal/timeout_static)
- [OWASP Denial of Service Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Denial_of_Service_Cheat_Sheet.html)
"""

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        if net.skipped(ctx):
            return
        checker = {
            "python": self._python,
            "go": self._go,
            "java": self._java,
            "kotlin": self._kotlin,
            "rust": self._rust,
        }.get(ctx.language.name, self._script)
        yield from checker(ctx)

    # --- Python ----------------------------------------------------------------------------

    def _python(self, ctx: CheckContext) -> Iterator[Finding]:
        for _, match in ctx.matches(PYTHON_QUERY):
            call, fn, args = match["call"][0], match["fn"][0], match["args"][0]
            if has_error(call):
                continue
            positional, keywords, splat = net.python_arguments(args)
            origin = net.python_origin(ctx, fn)
            shown = ctx.text(fn)
            if origin in HTTPX_CALLS or origin == "httpx.Timeout":
                yield from self._httpx(ctx, call, origin, positional, keywords)
                continue
            if origin == "aiohttp.ClientTimeout":
                unset = all(net.keyword_value(k) == "None" for k in keywords.values())
                if not splat and not positional and unset:
                    yield self.finding(
                        call,
                        "`aiohttp.ClientTimeout()` with no limit disables every timeout (it "
                        "is not the 5-minute default): set `total=` and `sock_connect=`.",
                    )
                continue
            if splat or "timeout" in keywords:
                continue
            message = self._python_message(ctx, fn, origin, shown, positional)
            if message:
                yield self.finding(call, message)

    def _python_message(
        self,
        ctx: CheckContext,
        fn: tree_sitter.Node,
        origin: str,
        shown: str,
        positional: list[tree_sitter.Node],
    ) -> str | None:
        if origin.startswith("requests.") and origin.split(".", 1)[1] in HTTP_VERBS:
            return (
                f"`{shown}()` has no `timeout=`, so a stalled upstream holds this worker "
                "forever: pass `timeout=(connect, read)` sized to your latency budget."
            )
        if origin in URLOPEN and len(positional) < 3:
            return (
                f"`{shown}()` without `timeout` waits forever on a stalled server: pass "
                "`timeout=` in seconds."
            )
        if origin in HTTP_CONNECTIONS and len(positional) < 3:
            return (
                f"`{shown}()` without `timeout` blocks forever on a stalled server: pass "
                "`timeout=` in seconds."
            )
        if fn.type == "attribute" and self._is_session_call(ctx, fn):
            return (
                f"`{shown}()` on a `requests.Session` has no `timeout=` (sessions have no "
                "default timeout): pass `timeout=(connect, read)` on every call."
            )
        return None

    def _is_session_call(self, ctx: CheckContext, fn: tree_sitter.Node) -> bool:
        method = fn.child_by_field_name("attribute")
        receiver = fn.child_by_field_name("object")
        if method is None or receiver is None or ctx.text(method) not in HTTP_VERBS:
            return False
        if receiver.type == "call":
            ctor = receiver.child_by_field_name("function")
            return ctor is not None and net.python_origin(ctx, ctor) in SESSION_TYPES
        if receiver.type != "identifier":
            return False
        name = ctx.text(receiver)
        bound = False
        function = net.innermost_function(ctx, fn)
        scopes = [_session_bindings(ctx, function)]
        if function is not ctx.root:
            scopes.append(_module_session_bindings(ctx))
        for sessions, mounted in scopes:
            if name in mounted:
                return False  # a mounted adapter may carry a default timeout
            bound = sessions.get(name, bound)
        return bound

    def _httpx(
        self,
        ctx: CheckContext,
        call: tree_sitter.Node,
        origin: str,
        positional: list[tree_sitter.Node],
        keywords: dict[str, tree_sitter.Node],
    ) -> Iterator[Finding]:
        timeout = keywords.get("timeout")
        if origin == "httpx.Timeout":
            if positional and ctx.text(positional[0]) == "None" and not keywords:
                yield self.finding(
                    call,
                    "`httpx.Timeout(None)` disables every timeout: give it a finite number of "
                    "seconds.",
                )
        elif timeout is not None and net.keyword_value(timeout) == "None":
            yield self.finding(
                timeout,
                "`timeout=None` switches off httpx's 5-second default, so a stalled upstream "
                "hangs this call: pass a finite `httpx.Timeout(...)`.",
            )

    # --- Go --------------------------------------------------------------------------------

    def _go(self, ctx: CheckContext) -> Iterator[Finding]:
        if not _imports_net_http(ctx):
            return
        for _, match in ctx.matches(GO_QUERY):
            if "lit" in match:
                yield from self._go_literal(ctx, match["lit"][0], match["type"][0])
                continue
            call, fn = match["call"][0], ctx.text(match["fn"][0])
            if has_error(call):
                continue
            if fn in GO_DEFAULT_CLIENT:
                yield self.finding(
                    call,
                    f"`http.{fn}()` uses `http.DefaultClient`, which has no timeout: use an "
                    "`http.Client` with `Timeout` set, or a request with a context deadline.",
                )
            elif fn in GO_SERVE and _GO_MAIN.search(ctx.source):
                yield self.finding(
                    call,
                    f"`http.{fn}()` serves with no read or write timeouts, so slow clients "
                    "can hold every connection: use an `http.Server` with `ReadHeaderTimeout`.",
                )
            elif fn in GO_SERVE:
                # A helper outside `package main` (gin's `Run`): whether the application
                # serves production traffic through it is decided by callers in other files.
                yield self.finding(
                    call,
                    f"`http.{fn}()` serves with no read or write timeouts; this helper is "
                    "outside `package main`, so whoever serves through it gets no "
                    "`ReadHeaderTimeout`: build an `http.Server` with one, or let callers "
                    "pass their own.",
                    severity=Severity.INFO,
                    confidence=Confidence.LOW,
                )

    def _go_literal(
        self, ctx: CheckContext, literal: tree_sitter.Node, type_name: tree_sitter.Node
    ) -> Iterator[Finding]:
        body = literal.child_by_field_name("body")
        if body is None or has_error(literal):
            return
        elements = net.named(body)
        if any(e.type != "keyed_element" for e in elements):
            return  # positional fields: not worth guessing
        keys = {ctx.text(k) for e in elements if (k := e.child_by_field_name("key"))}
        start = literal.child_by_field_name("type") or type_name
        if ctx.text(type_name) == "Client" and "Timeout" not in keys:
            yield self.finding(
                start,
                "`http.Client` without `Timeout` waits forever on a stalled server: set "
                "`Timeout` to bound the whole exchange.",
            )
        elif ctx.text(type_name) == "Server" and not keys & {"ReadHeaderTimeout", "ReadTimeout"}:
            yield self.finding(
                start,
                "`http.Server` without `ReadHeaderTimeout` lets slow clients hold connections "
                "open forever (Slowloris): set `ReadHeaderTimeout` (and `IdleTimeout`).",
            )

    # --- JavaScript / TypeScript -----------------------------------------------------------

    def _script(self, ctx: CheckContext) -> Iterator[Finding]:
        for _, match in ctx.matches(JS_QUERY):
            call, fn, args = match["call"][0], ctx.text(match["fn"][0]), match["args"][0]
            if has_error(call):
                continue
            arguments = net.named(args)
            receiver = ctx.text(match["obj"][0]) if "obj" in match else None
            if fn == "fetch" and receiver in (None, "globalThis"):
                if _fetch_without_signal(arguments) and net.is_server_module(ctx):
                    yield self.finding(
                        call,
                        "`fetch()` without a `signal` has no overall timeout, so a slow "
                        "upstream holds this request: pass `signal: AbortSignal.timeout(ms)`.",
                    )
            elif (
                (receiver == "axios" or (receiver is None and fn == "axios"))
                and _axios_without_timeout(fn if receiver else None, arguments)
                and not _axios_defaults_timeout(ctx)
            ):
                shown = f"axios.{fn}" if receiver else "axios"
                yield self.finding(
                    call,
                    f"`{shown}()` without `timeout` waits forever (axios defaults to 0, "
                    "no timeout): set `timeout` in ms here or on the instance.",
                )

    # --- Java ------------------------------------------------------------------------------

    def _java(self, ctx: CheckContext) -> Iterator[Finding]:
        for _, match in ctx.matches(JAVA_QUERY):
            call, fn = match["call"][0], ctx.text(match["fn"][0])
            if has_error(call):
                continue
            if fn == "openConnection":
                message = self._java_connection(ctx, call)
            else:
                message = _java_builder(ctx, call, fn)
            if message:
                yield self.finding(call, message)

    def _java_connection(self, ctx: CheckContext, call: tree_sitter.Node) -> str | None:
        holder = _java_http_connection(ctx, call)
        if holder is None:
            return None
        name, statement = holder
        if statement.type == "return_statement":
            return None  # the caller configures it
        set_names: set[str] = set()
        for _, found in net.query_in(ctx, _JAVA_TIMEOUT_SETTERS, net.scope_of(ctx, call)):
            if "passed" in found:
                if name and ctx.text(found["passed"][0]) == name:
                    return None  # handed to a helper that may set the timeouts
            else:
                set_names.add(ctx.text(found["setter"][0]))
        missing = [s for s in ("setConnectTimeout", "setReadTimeout") if s not in set_names]
        if not missing:
            return None
        return (
            "`HttpURLConnection` defaults to no timeout and this method never calls "
            f"{' or '.join(f'`{m}()`' for m in missing)}: set both before connecting."
        )

    # --- Kotlin ----------------------------------------------------------------------------

    def _kotlin(self, ctx: CheckContext) -> Iterator[Finding]:
        for _, match in ctx.matches(KOTLIN_QUERY):
            if "call" in match:
                call = match["call"][0]
                if not has_error(call):
                    yield self.finding(
                        call,
                        "`HttpClient.newHttpClient()` has no connect timeout: use "
                        "`HttpClient.newBuilder().connectTimeout(...)` and a request `timeout`.",
                    )
                continue
            cast, type_text = match["cast"][0], ctx.text(match["type"][0])
            if has_error(cast) or type_text.rsplit(".", 1)[-1] not in HTTP_URL_CONNECTIONS:
                continue
            if cast.parent is None or cast.parent.type in ("return_expression", "function_body"):
                continue  # the caller configures it
            name = _kotlin_bound_name(ctx, cast)
            seen: set[str] = set()
            for _, found in net.query_in(ctx, _KOTLIN_TIMEOUTS, net.scope_of(ctx, cast)):
                if "passed" in found:
                    if name and ctx.text(found["passed"][0]) == name:
                        seen = {"connect", "read"}
                else:
                    seen.add("connect" if "onnect" in ctx.text(found["id"][0]) else "read")
            missing = [f"`{m}Timeout`" for m in ("connect", "read") if m not in seen]
            if missing:
                yield self.finding(
                    cast,
                    "`HttpURLConnection` defaults to no timeout and this function never sets "
                    f"{' or '.join(missing)}: set both before connecting.",
                )

    # --- Rust ------------------------------------------------------------------------------

    def _rust(self, ctx: CheckContext) -> Iterator[Finding]:
        for _, match in ctx.matches(RUST_QUERY):
            if "build" in match:
                yield from self._rust_builder(ctx, match["build"][0])
                continue
            call, path = match["call"][0], ctx.text(match["fn"][0])
            if has_error(call) or "blocking" in path:
                continue
            if path == "reqwest::get":
                yield self.finding(
                    call,
                    "`reqwest::get()` uses a client with no timeout: build a `reqwest::Client` "
                    "with `.timeout(...)` once and reuse it.",
                )
            elif path == "reqwest::Client::new" or (
                path == "Client::new" and _uses_async_reqwest(ctx)
            ):
                yield self.finding(
                    call,
                    "`Client::new()` has no request timeout: use "
                    "`Client::builder().timeout(...).build()`.",
                )

    def _rust_builder(self, ctx: CheckContext, build: tree_sitter.Node) -> Iterator[Finding]:
        if has_error(build):
            return
        names: list[str] = []
        node = build
        while node.type == "call_expression":
            function = node.child_by_field_name("function")
            if function is None or function.type != "field_expression":
                break
            field = function.child_by_field_name("field")
            names.append(ctx.text(field) if field is not None else "")
            value = function.child_by_field_name("value")
            if value is None:
                return
            node = value
        if node.type != "call_expression":
            return
        opener = node.child_by_field_name("function")
        path = ctx.text(opener) if opener is not None else ""
        if "blocking" in path or not path.endswith(_HTTP_OPENERS):
            return
        if not (path.startswith("reqwest::") or _uses_async_reqwest(ctx)):
            return
        if {"timeout", "read_timeout"} & set(names):
            return
        yield self.finding(
            node,
            f"`{path}()...build()` sets no `.timeout(...)`, so a stalled server hangs every "
            "request on this client: add `.timeout(Duration::from_secs(...))`.",
            end_node=build,
        )


def _imports_net_http(ctx: CheckContext) -> bool:
    def compute() -> bool:
        return any(
            s.type == "import_declaration" and '"net/http"' in ctx.text(s)
            for s in net.top_level(ctx)
        )

    return ctx.memo("network.go_net_http", compute)


def _fetch_without_signal(arguments: list[tree_sitter.Node]) -> bool:
    if len(arguments) == 1:
        return arguments[0].type != "spread_element"
    if len(arguments) != 2:
        return False
    init = net.unwrap_ts(arguments[1])
    if init.type != "object":
        return False  # a variable: it may carry a signal
    keys, spread = net.object_keys(init)
    return not spread and not {"signal", "timeout"} & keys.keys()


def _axios_without_timeout(method: str | None, arguments: list[tree_sitter.Node]) -> bool:
    if method is None:  # axios(config) or axios(url, config)
        position = 0 if arguments and net.unwrap_ts(arguments[0]).type == "object" else 1
    elif method in AXIOS_CONFIG_AT:
        position = AXIOS_CONFIG_AT[method]
    else:
        return False
    if any(a.type == "spread_element" for a in arguments):
        return False
    if method != "create" and position > 0 and not arguments:
        return False  # half-typed
    if len(arguments) <= position:
        return True
    config = net.unwrap_ts(arguments[position])
    if config.type != "object":
        return False
    keys, spread = net.object_keys(config)
    return not spread and "timeout" not in keys


def _axios_defaults_timeout(ctx: CheckContext) -> bool:
    """`axios.defaults.timeout = 5000` at the top of the file covers every call in it."""

    def compute() -> bool:
        return any(
            s.type == "expression_statement" and ".defaults.timeout" in ctx.text(s)
            for s in net.top_level(ctx)
        )

    return ctx.memo("network.axios_defaults", compute)


def _java_builder(ctx: CheckContext, call: tree_sitter.Node, fn: str) -> str | None:
    if fn == "newHttpClient":
        receiver = call.child_by_field_name("object")
        if receiver is not None and ctx.text(receiver).rsplit(".", 1)[-1] == "HttpClient":
            return (
                "`HttpClient.newHttpClient()` has no connect timeout: use "
                "`HttpClient.newBuilder().connectTimeout(...)` and a per-request `timeout(...)`."
            )
        return None
    names, root = net.chain_names(ctx, call)
    if not names or names[-1] != "newBuilder":
        return None
    owner = ctx.text(root).rsplit(".", 1)[-1]
    if owner == "HttpClient" and "connectTimeout" not in names:
        return (
            "`HttpClient.newBuilder()...build()` sets no `connectTimeout(...)`, so connecting "
            "to a dead host waits on the OS: add `.connectTimeout(Duration.ofSeconds(...))`."
        )
    if owner == "HttpRequest" and "timeout" not in names:
        opener = _innermost_call(call)
        arguments = opener.child_by_field_name("arguments")
        if arguments is not None and len(net.named(arguments)) > 1:
            return None  # newBuilder(request, filter) copies the original's timeout
        return (
            "`HttpRequest.newBuilder()...build()` sets no `timeout(...)`, so the response may "
            "never come: add `.timeout(Duration.ofSeconds(...))`."
        )
    return None


def _innermost_call(call: tree_sitter.Node) -> tree_sitter.Node:
    node = call
    while True:
        receiver = node.child_by_field_name("object")
        if receiver is None or receiver.type != "method_invocation":
            return node
        node = receiver


def _java_http_connection(
    ctx: CheckContext, call: tree_sitter.Node
) -> tuple[str, tree_sitter.Node] | None:
    """For `(HttpURLConnection) url.openConnection()` or `HttpURLConnection c = ...`: the
    variable's name ("" when not bound) and the statement around it; None for other URL
    connections (a `jar:` or `file:` URL has nothing to time out)."""
    node = call
    parent = node.parent
    while parent is not None and parent.type == "parenthesized_expression":
        node, parent = parent, parent.parent
    http = False
    if parent is not None and parent.type == "cast_expression":
        cast_type = parent.child_by_field_name("type")
        http = cast_type is not None and ctx.text(cast_type) in HTTP_URL_CONNECTIONS
        node, parent = parent, parent.parent
    name = ""
    if parent is not None and parent.type == "variable_declarator":
        name_node = parent.child_by_field_name("name")
        name = ctx.text(name_node) if name_node is not None else ""
        declaration = parent.parent
        declared = declaration.child_by_field_name("type") if declaration is not None else None
        http = http or (declared is not None and ctx.text(declared) in HTTP_URL_CONNECTIONS)
        parent = declaration
    elif parent is not None and parent.type == "assignment_expression":
        left = parent.child_by_field_name("left")
        name = ctx.text(left) if left is not None else ""
    if not http or parent is None:
        return None
    return name, parent


def _kotlin_bound_name(ctx: CheckContext, cast: tree_sitter.Node) -> str:
    parent = cast.parent
    if parent is not None and parent.type == "property_declaration":
        for child in net.named(parent):
            if child.type == "variable_declaration":
                return ctx.text(child).split(":")[0].strip()
    return ""


def _uses_async_reqwest(ctx: CheckContext) -> bool:
    """A top-level `use reqwest::Client` (not the blocking one, which defaults to 30 s)."""

    def compute() -> bool:
        uses = [ctx.text(s) for s in net.top_level(ctx) if s.type == "use_declaration"]
        if any("reqwest::blocking" in u for u in uses):
            return False
        return any(_REQWEST_USE.search(u) for u in uses)

    return ctx.memo("network.rust_reqwest", compute)


Bindings = tuple[dict[str, bool], set[str]]


def _session_bindings(ctx: CheckContext, scope: tree_sitter.Node) -> Bindings:
    """In one scope (a function, with the functions inside it, or the whole file): which names
    are bound to a `requests.Session` (the last binding wins) and which have an adapter
    mounted."""
    return _bindings_by_scope(ctx).get(scope.id, ({}, set()))


def _bindings_by_scope(ctx: CheckContext) -> dict[int, Bindings]:
    """`_session_bindings` of every scope of the file, by node id, from one pass over the file
    per check (its matches come in source order, so later bindings win in every scope)."""

    def compute() -> dict[int, Bindings]:
        scopes: dict[int, Bindings] = {}
        if b"ession" not in ctx.source and b"mount" not in ctx.source:
            return scopes  # no Session constructor, no adapter: nothing to bind
        kinds = net.FUNCTION_TYPES[ctx.language.name]
        for _, found in ctx.file_matches(_PY_SESSIONS):
            is_mount = "mounted" in found
            anchor = found["mounted" if is_mount else "name"][0]
            name = ctx.text(anchor)
            is_session = not is_mount and net.python_origin(ctx, found["ctor"][0]) in SESSION_TYPES
            for scope in (ctx.root, *(a for a in ancestors(anchor) if a.type in kinds)):
                sessions, mounted = scopes.setdefault(scope.id, ({}, set()))
                if is_mount:
                    mounted.add(name)
                else:
                    sessions[name] = is_session
        return scopes

    return ctx.memo("fg401.python-sessions", compute)


def _module_session_bindings(ctx: CheckContext) -> Bindings:
    """The bindings of the whole file, read from any function in it."""
    return _session_bindings(ctx, ctx.root)


RULE = CallWithoutTimeout()
