"""Where untrusted values come from, and what makes a value safe: tables per language.

Each language's module (`python`, `javascript`, `go`, `java`, `kotlin`, `rust`) exposes
`TABLE`, a `SourceTable` whose entries are data: add a framework by adding its rows. The rule
docs list them (FG101's "Where values come from"). Names are matched on the dotted callee or
attribute as written, by suffix on whole segments (`request.args.get` matches
`flask.request.args.get`), so an import alias of the module does not hide a source.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field

# Language name (as in `core.languages`) -> the module holding its `TABLE`.
MODULES: dict[str, str] = {
    "python": "python",
    "javascript": "javascript",
    "typescript": "javascript",
    "tsx": "javascript",
    "go": "go",
    "java": "java",
    "kotlin": "kotlin",
    "rust": "rust",
}


@dataclass(frozen=True)
class SourceTable:
    """One language's sources and sanitizers. Every value is the label a message shows
    (`request.args`, `query string`, `stdin`), or the sanitizer's name."""

    # Calls whose result is untrusted: `request.args.get`, `input`, `os.Stdin.Read`,
    # `getParameter` (a bare method name matches any receiver; use it only for names no
    # other API uses).
    calls: Mapping[str, str] = field(default_factory=dict)
    # Attribute chains whose value is untrusted: `request.args`, `req.query`, `ctx.request.body`.
    # The first segment names the request object; `request_names` and `request_types` say which
    # parameters are one.
    attributes: Mapping[str, str] = field(default_factory=dict)
    # Methods that read input from a request object of a known type, by that type as written
    # in the parameter (`*gin.Context` -> `Query`, `Param`, `PostForm`...).
    typed_methods: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    # Parameter names that hold the request in handlers (`request`, `req`, `ctx`, `r`).
    request_names: frozenset[str] = frozenset()
    # Parameter annotations or default calls that make the parameter itself untrusted
    # (`@RequestParam`, `@PathVariable`, `Query(`, `Body(`), with their label.
    parameter_markers: Mapping[str, str] = field(default_factory=dict)
    # Parameter types whose value is untrusted (`Query<`, `Json<`, `web::Path<`), with label.
    parameter_types: Mapping[str, str] = field(default_factory=dict)
    # Decorators or annotations of a route handler (`route`, `GetMapping`, `get`): its plain
    # parameters are path variables (Flask's `<id>`, rocket's `<name>`).
    route_decorators: frozenset[str] = frozenset()
    # Calls whose result is safe to splice (numeric parses, quoting functions), with label.
    sanitizers: Mapping[str, str] = field(default_factory=dict)
    # Calls that register a callback whose parameter receives untrusted data, by the callee
    # as written: (position of that parameter in the callback, label). pika's
    # `basic_consume(queue, on_message_callback=handle)` -> `handle(ch, method, props, body)`.
    callbacks: Mapping[str, tuple[int, str]] = field(default_factory=dict)
    # Declared types whose values cannot carry text (numbers, booleans, UUIDs, dates), as
    # written bare (`Long`, `int`, `u32`), with the label of what made them safe: a handler's
    # `@PathVariable Long id` or axum's `Path<u32>` (its one type argument) is bound by the
    # framework's conversion, so it is SANITIZED, not UNTRUSTED.
    safe_types: Mapping[str, str] = field(default_factory=dict)
    # Text in a parameter (as written) that makes it not user input even in a route handler:
    # FastAPI's `Depends(`, a `Session` type.
    trusted_markers: frozenset[str] = frozenset()
    # Methods of a class-based view, named by the HTTP verb (Django's `def get(self, request,
    # pk)`): their plain parameters after the request are path variables.
    view_methods: frozenset[str] = frozenset()


def table(language: str) -> SourceTable | None:
    """The source table of a language, or None for one without."""
    module = MODULES.get(language)
    if module is None:
        return None
    loaded = importlib.import_module(f"{__name__}.{module}")
    result: SourceTable = loaded.TABLE
    return result


def matches_suffix(dotted: str, key: str) -> bool:
    """`flask.request.args.get` ends with `request.args.get` on whole segments."""
    return dotted == key or dotted.endswith("." + key)
