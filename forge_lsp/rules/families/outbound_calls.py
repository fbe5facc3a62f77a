"""Outbound calls a retry loop makes, for the retry family (FG702, FG704): HTTP client calls
and their method, whether a function sends a POST and an idempotency key, and connects."""

from __future__ import annotations

import re

import tree_sitter

from forge_lsp.rules.base import CheckContext
from forge_lsp.rules.families.network import named
from forge_lsp.rules.families.retries import kotlin_callee

Node = tree_sitter.Node

# --- outbound HTTP calls -------------------------------------------------------------

_VERBS = frozenset({"get", "post", "put", "patch", "delete", "head", "request", "urlopen"})
_HTTPISH = re.compile(r"(?i)(requests|httpx|session|client|http|api|axios|urllib|conn)")
_POST_IN_FUNCTION = {
    "go": re.compile(r'http\.MethodPost|"POST"'),
    "java": re.compile(r'\.POST\(|"POST"|HttpMethod\.POST|\.post\('),
    "kotlin": re.compile(r'\.POST\(|"POST"|HttpMethod\.Post|\.post\('),
}
_JS_POST_OPTION = re.compile(r"""(?i)method\s*:\s*['"`]post['"`]""")
_IDEMPOTENCY = re.compile(r"(?i)idempot")
_GO_SENDS = frozenset({"Do", "Post", "PostForm", "Get", "Head"})
_JAVA_SENDS = frozenset(
    {"send", "sendAsync", "execute", "exchange", "postForObject", "postForEntity", "retrieve"}
)


def http_call(ctx: CheckContext, call: Node) -> str | None:
    """The HTTP method an outbound call sends ("POST", "GET"...), "?" when the request was
    built elsewhere in the function, or None when the call is not an HTTP request."""
    lang = ctx.language.name
    if lang == "java":
        name = call.child_by_field_name("name")
        if name is None or ctx.text(name) not in _JAVA_SENDS:
            return None
        return "POST" if ctx.text(name).startswith("post") else "?"
    if lang == "kotlin":
        return _kotlin_http(ctx, call)
    function = call.child_by_field_name("function")
    if function is None:
        return None
    text = ctx.text(function)
    receiver, _, leaf = text.rpartition(".")
    if lang == "python":
        if leaf == "urlopen":
            return "?"
        if leaf in _VERBS and _HTTPISH.search(receiver):
            return _py_method(ctx, call, leaf)
        return None
    if lang == "go":
        if leaf not in _GO_SENDS or not receiver:
            return None
        if leaf in {"Post", "PostForm"}:
            return "POST"
        return "?" if leaf == "Do" else "GET"
    if text == "fetch" or text.endswith(".fetch"):
        return "POST" if _JS_POST_OPTION.search(ctx.text(call)) else "?"
    if text == "axios" or (leaf in _VERBS and _HTTPISH.search(receiver)):
        return "POST" if leaf == "post" or _JS_POST_OPTION.search(ctx.text(call)) else "GET"
    return None


def _kotlin_http(ctx: CheckContext, call: Node) -> str | None:
    """OkHttp `newCall(request).execute()`, `HttpClient.send`, Ktor `client.post(url)`."""
    callee = kotlin_callee(call)
    if callee is None or callee.type != "navigation_expression":
        return None
    receiver, _, leaf = ctx.text(callee).rpartition(".")
    if leaf in {"execute", "send", "sendAsync", "enqueue"} and receiver:
        return "?"
    if leaf in _VERBS and _HTTPISH.search(receiver):
        return leaf.upper()
    return None


def _py_method(ctx: CheckContext, call: Node, leaf: str) -> str:
    if leaf != "request":
        return leaf.upper()
    args = call.child_by_field_name("arguments")
    first = named(args)[0] if args is not None and named(args) else None
    return ctx.text(first).strip("'\"").upper() if first is not None else "?"


def posts_in_function(ctx: CheckContext, function: Node, method: str) -> bool:
    """Whether a request whose method is decided elsewhere ("?") is a POST: the function
    builds one (`http.NewRequest(http.MethodPost, ...)`, `HttpRequest...POST(...)`)."""
    if method == "POST":
        return True
    lang = ctx.language.name
    text = ctx.text(function)
    if lang in _POST_IN_FUNCTION:
        return _POST_IN_FUNCTION[lang].search(text) is not None
    if lang in {"javascript", "typescript", "tsx"}:
        return _JS_POST_OPTION.search(text) is not None
    return False


def has_idempotency_key(ctx: CheckContext, function: Node) -> bool:
    """An `Idempotency-Key` header or `idempotency_key=` anywhere in the function."""
    return _IDEMPOTENCY.search(ctx.text(function)) is not None


_CONNECTS = re.compile(
    r"^(connect|getConnection|Dial\w*|dial|Ping\w*|ping|create_connection|open_connection)$"
)


def connects(ctx: CheckContext, call: Node) -> bool:
    """A call that opens a connection or probes one (`connect()`, `net.Dial`, `db.PingContext`)."""
    if ctx.language.name == "kotlin":
        callee = kotlin_callee(call)
    elif ctx.language.name == "java":
        callee = call.child_by_field_name("name")
    else:
        callee = call.child_by_field_name("function")
    if callee is None:
        return False
    return _CONNECTS.match(ctx.text(callee).rsplit(".", 1)[-1]) is not None
