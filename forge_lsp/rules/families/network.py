"""Shared by the outbound-network family (FG401 call-without-timeout, FG402
tls-verification-disabled).

Both rules look at one call or literal and at most the function around it (plus the file's
top-level imports), so a partial re-check of one function gives the same answer as a full check.
Lookups around a match run their own query cursor over the enclosing scope, never through
`ctx.matches`, which a partial re-check narrows to the edited function.
"""

from __future__ import annotations

from collections.abc import Iterator

import tree_sitter

from forge_lsp.core.languages import COMMENT_TYPES
from forge_lsp.rules.base import CheckContext, RuleOption, compile_query

FUNCTION_TYPES: dict[str, frozenset[str]] = {
    "python": frozenset({"function_definition"}),
    "go": frozenset({"function_declaration", "method_declaration", "func_literal"}),
    "java": frozenset({"method_declaration", "constructor_declaration", "lambda_expression"}),
    "rust": frozenset({"function_item", "closure_expression"}),
    "kotlin": frozenset({"function_declaration", "anonymous_function", "lambda_literal"}),
    "javascript": frozenset(
        {"function_declaration", "function_expression", "arrow_function", "method_definition"}
    ),
}
FUNCTION_TYPES["typescript"] = FUNCTION_TYPES["tsx"] = FUNCTION_TYPES["javascript"]

IGNORE_IN_TESTS = RuleOption(
    "ignoreInTests",
    bool,
    True,
    "Skip test files (`tests/`, `test_*.py`, `*_test.go`, `*.spec.ts`, `src/test/`): a test "
    "talking to a local stub server is not production traffic.",
)


def skipped(ctx: CheckContext) -> bool:
    """Whether the rule stays quiet on this file (a test file, unless the user opts in)."""
    return bool(ctx.options.get("ignoreInTests", True)) and ctx.in_test_file


def named(node: tree_sitter.Node) -> list[tree_sitter.Node]:
    """A node's named children without comments."""
    return [c for c in node.named_children if c.type not in COMMENT_TYPES]


def scope_of(ctx: CheckContext, node: tree_sitter.Node) -> tree_sitter.Node:
    """The outermost function around `node` (what a partial re-check re-runs), or the file."""
    kinds = FUNCTION_TYPES[ctx.language.name]
    scope = ctx.root
    parent = node.parent
    while parent is not None:
        if parent.type in kinds:
            scope = parent
        parent = parent.parent
    return scope


def innermost_function(ctx: CheckContext, node: tree_sitter.Node) -> tree_sitter.Node:
    """The nearest function around `node`, or the file."""
    kinds = FUNCTION_TYPES[ctx.language.name]
    parent = node.parent
    while parent is not None:
        if parent.type in kinds:
            return parent
        parent = parent.parent
    return ctx.root


def query_in(
    ctx: CheckContext, query_source: str, node: tree_sitter.Node
) -> list[tuple[int, dict[str, list[tree_sitter.Node]]]]:
    """Matches of a query inside `node` only, whatever range the check is narrowed to."""
    query = compile_query(ctx.language.name, ctx.language.grammar, query_source)
    return tree_sitter.QueryCursor(query).matches(node)


def top_level(ctx: CheckContext) -> Iterator[tree_sitter.Node]:
    """The file's top-level statements (imports, module-level assignments)."""
    yield from named(ctx.root)


# --- Python --------------------------------------------------------------------------------


def python_arguments(
    args: tree_sitter.Node,
) -> tuple[list[tree_sitter.Node], dict[str, tree_sitter.Node], bool]:
    """Positional arguments, keyword arguments by name, and whether `*args`/`**kw` is passed."""
    positional: list[tree_sitter.Node] = []
    keywords: dict[str, tree_sitter.Node] = {}
    splat = False
    for arg in named(args):
        if arg.type == "keyword_argument":
            name = arg.child_by_field_name("name")
            if name is not None and name.text is not None:
                keywords[name.text.decode()] = arg
        elif arg.type in ("list_splat", "dictionary_splat"):
            splat = True
        else:
            positional.append(arg)
    return positional, keywords, splat


def keyword_value(arg: tree_sitter.Node) -> str:
    value = arg.child_by_field_name("value")
    return value.text.decode() if value is not None and value.text is not None else ""


_PY_IMPORTS = """
(import_statement name: (dotted_name) @module)
(import_statement name: (aliased_import name: (dotted_name) @module alias: (identifier) @alias))
(import_from_statement module_name: (dotted_name) @from name: (dotted_name) @module)
(import_from_statement module_name: (dotted_name) @from
  name: (aliased_import name: (dotted_name) @module alias: (identifier) @alias))
"""


def python_imports(ctx: CheckContext) -> dict[str, str]:
    """Local name -> dotted origin for the file's top-level imports (`r` -> `requests`,
    `urlopen` -> `urllib.request.urlopen`). Only top-level: a function's imports are rare in
    service code and would make one function's findings depend on another's."""

    def compute() -> dict[str, str]:
        names: dict[str, str] = {}
        for statement in top_level(ctx):
            if statement.type not in ("import_statement", "import_from_statement"):
                continue
            for _, match in query_in(ctx, _PY_IMPORTS, statement):
                module = ctx.text(match["module"][0])
                origin = f"{ctx.text(match['from'][0])}.{module}" if "from" in match else module
                if "alias" in match:
                    names[ctx.text(match["alias"][0])] = origin
                elif "from" in match:
                    names[module] = origin
                else:
                    names[module.split(".")[0]] = module.split(".")[0]
                    names[module] = module
        return names

    return ctx.memo("network.python_imports", compute)


def python_origin(ctx: CheckContext, node: tree_sitter.Node) -> str:
    """The dotted origin of a name or attribute chain (`r.get` -> `requests.get`), or ""."""
    text = ctx.text(node)
    if node.type not in ("identifier", "attribute") or "(" in text:
        return ""
    imports = python_imports(ctx)
    parts = text.split(".")
    if parts[0] not in imports:
        return ""  # every imported name's first segment is itself a key (`os` for `os.path`)
    for cut in range(len(parts), 0, -1):
        head = ".".join(parts[:cut])
        if head in imports:
            return ".".join([imports[head], *parts[cut:]])
    return ""


# --- JavaScript / TypeScript ---------------------------------------------------------------


def object_keys(obj: tree_sitter.Node) -> tuple[dict[str, tree_sitter.Node], bool]:
    """An object literal's keys (plain, quoted and shorthand) and whether it spreads another."""
    keys: dict[str, tree_sitter.Node] = {}
    spread = False
    for child in named(obj):
        if child.type == "pair":
            key = child.child_by_field_name("key")
            if key is not None and key.text is not None:
                keys[key.text.decode().strip("'\"`")] = child
        elif child.type == "shorthand_property_identifier" and child.text is not None:
            keys[child.text.decode()] = child
        elif child.type in ("spread_element", "method_definition"):
            spread = True
    return keys, spread


def unwrap_ts(node: tree_sitter.Node) -> tree_sitter.Node:
    """`{...} as const`, `({...})`, `{...} satisfies T`: the expression inside."""
    while node.type in (
        "parenthesized_expression",
        "as_expression",
        "satisfies_expression",
        "non_null_expression",
    ):
        inner = named(node)
        if not inner:
            break
        node = inner[0]
    return node


NODE_BUILTINS = frozenset(
    {
        "http",
        "https",
        "http2",
        "net",
        "tls",
        "fs",
        "fs/promises",
        "child_process",
        "cluster",
        "worker_threads",
        "os",
        "dns",
        "zlib",
        "stream",
        "readline",
    }
)
SERVER_PACKAGES = frozenset(
    {
        "express",
        "fastify",
        "koa",
        "@koa/router",
        "@hapi/hapi",
        "restify",
        "hono",
        "next/server",
        "aws-lambda",
        "pg",
        "mysql2",
        "mysql2/promise",
        "mongoose",
        "ioredis",
        "redis",
        "knex",
        "sequelize",
        "typeorm",
        "@prisma/client",
        "bullmq",
        "kafkajs",
        "amqplib",
        "node-fetch",
        "undici",
    }
)
_SERVER_SCOPES = ("@nestjs/", "@aws-sdk/", "@fastify/", "@hono/", "@google-cloud/", "@azure/")

_JS_SOURCES = """
(import_statement source: (string (string_fragment) @source))
(call_expression function: (identifier) @require
  arguments: (arguments . (string (string_fragment) @source))
  (#eq? @require "require"))
"""


def is_server_module(ctx: CheckContext) -> bool:
    """Whether a JavaScript/TypeScript file runs on a server: a top-level import or `require`
    of a Node built-in (`node:*`, `http`, `fs`, ...) or a server package (`express`, `pg`,
    `@nestjs/*`, ...). Browser code (a React component) imports none of these."""

    def compute() -> bool:
        for statement in top_level(ctx):
            for _, match in query_in(ctx, _JS_SOURCES, statement):
                source = ctx.text(match["source"][0])
                if (
                    source.startswith("node:")
                    or source in NODE_BUILTINS
                    or source in SERVER_PACKAGES
                    or source.startswith(_SERVER_SCOPES)
                ):
                    return True
        return False

    return ctx.memo("network.js_server", compute)


# --- Java / Kotlin -------------------------------------------------------------------------


def chain_names(ctx: CheckContext, call: tree_sitter.Node) -> tuple[list[str], tree_sitter.Node]:
    """The method names of a Java call chain from the outermost call inwards, and its root
    receiver (`HttpClient.newBuilder().connectTimeout(d).build()` ->
    `["build", "connectTimeout", "newBuilder"]`, `HttpClient`)."""
    names: list[str] = []
    node = call
    while node.type == "method_invocation":
        name = node.child_by_field_name("name")
        names.append(ctx.text(name) if name is not None else "")
        receiver = node.child_by_field_name("object")
        if receiver is None:
            break
        node = receiver
    return names, node
