"""Where the crypto family's values come from (FG501, FG502), through the dataflow layer.

- `python_imports`: what a Python name is bound to by the file's imports (`from hashlib import
  md5`, `import pickle as pkl`, `from pickle import loads as l`), so a bare `md5(x)` or
  `pkl.loads(b)` is read as `hashlib.md5` / `pickle.loads`.
- `constant_text`: the text of a literal, or of the constant a name holds on every path
  (`hashlib.new(ALG)` with `ALG = "md5"`, Java `static final`, Kotlin `const val`), from the
  CONSTANT facts of `ctx.flow.value`.
- `assigned`: the expressions a local name was last assigned, from `ctx.flow.reaching`.
- `file_source`: the call that opened a local file an expression is read from (`open(path,
  "rb")`, `new FileInputStream(f)`, `os.Open`, `fs.readFileSync`), looking through reads,
  wrappers and local assignments.
"""

from __future__ import annotations

import tree_sitter

from forge_lsp.dataflow import facts, ir
from forge_lsp.rules.base import CheckContext
from forge_lsp.rules.families import crypto

Node = tree_sitter.Node

_IMPORTS = """
(import_statement) @import
(import_from_statement) @import
"""


def python_imports(ctx: CheckContext) -> dict[str, str]:
    """Local name -> the dotted name it is bound to: `import pickle as pkl` gives `pkl ->
    pickle`, `from hashlib import sha1 as s` gives `s -> hashlib.sha1`. Plain `import x` is
    left out (the name is already `x`). Anywhere in the file, functions included."""
    return ctx.memo("crypto.python-imports", lambda: _python_imports(ctx))


def _python_imports(ctx: CheckContext) -> dict[str, str]:
    bound: dict[str, str] = {}
    for _, caps in ctx.file_matches(_IMPORTS):
        statement = caps["import"][0]
        module = statement.child_by_field_name("module_name")
        if module is not None and module.type == "relative_import":
            continue
        prefix = ""
        if statement.type == "import_from_statement" and module is not None:
            prefix = ctx.text(module) + "."
        for child in statement.children_by_field_name("name"):
            if child.type == "aliased_import":
                name, alias = child.child_by_field_name("name"), child.child_by_field_name("alias")
                if name is not None and alias is not None:
                    bound[ctx.text(alias)] = prefix + ctx.text(name)
            elif child.type == "dotted_name" and prefix:
                bound[ctx.text(child).rsplit(".", 1)[-1]] = prefix + ctx.text(child)
    return bound


def constant_texts(ctx: CheckContext, node: Node | None) -> list[str]:
    """The texts `node` may hold when it is a constant on every path (a literal, or a name
    whose every reaching definition is one), else []."""
    if node is None:
        return []
    text = crypto.literal(ctx, node)
    if text is not None:
        return [text]
    if node.type not in {"identifier", "simple_identifier", "field_access", "attribute"} | {
        "navigation_expression",
        "member_expression",
        "selector_expression",
    }:
        return []
    value = ctx.flow.value(node)
    if not facts.is_constant(value):
        return []
    return sorted(t.strip("\"'`") for t in facts.constant_texts(value))


def assigned(ctx: CheckContext, ident: Node) -> list[Node]:
    """The right-hand sides of the local assignments of `ident` that reach it."""
    if ident.type not in {"identifier", "simple_identifier"}:
        return []
    out: list[Node] = []
    for definition in ctx.flow.reaching(ident):
        if isinstance(definition, ir.Assign) and definition.value is not None:
            out.append(definition.value)
    return out


# Calls that open or read a local file, by their final name (and, for short common names, the
# receiver they must have). `open` is Python's builtin (or `io.open`, `gzip.open`...).
_FILE_CALLS = frozenset(
    {
        "open",
        "read_bytes",
        "read_text",
        "FileInputStream",
        "FileReader",
        "newInputStream",
        "readAllBytes",
        "readFileSync",
        "readFile",
        "createReadStream",
        "ReadFile",
        "Open",
        "OpenFile",
        "inputStream",
        "readBytes",
        "readText",
    }
)
# Reads named on a path or file object (`Path(p).read_bytes()`, Kotlin `File(p).readBytes()`):
# the receiver's text must say file or path (`socket.getInputStream().readBytes()` is no file).
_PATH_READS = frozenset({"read_bytes", "read_text", "inputStream", "readBytes", "readText"})
# Receivers `open` / `Open` / `readFile` must have to mean a file (bare `open(...)` is Python's).
_FILE_RECEIVERS = {
    "open": frozenset({"", "io", "gzip", "bz2", "lzma", "codecs", "builtins"}),
    "Open": frozenset({"os"}),
    "OpenFile": frozenset({"os"}),
    "ReadFile": frozenset({"os", "ioutil"}),
    "readFile": frozenset({"fs", "fsPromises", "promises"}),
    "readAllBytes": frozenset({"Files"}),
    "newInputStream": frozenset({"Files"}),
}
_CALL_TYPES = frozenset(
    {"call", "call_expression", "method_invocation", "object_creation_expression"}
)
_WRAPPERS = frozenset(
    {
        "parenthesized_expression",
        "await_expression",
        "argument_list",
        "arguments",
        "value_arguments",
        "value_argument",
        "expression_list",
        "as_pattern",
        "with_item",
    }
)


def file_source(ctx: CheckContext, node: Node, depth: int = 0) -> Node | None:
    """The call that opened the local file `node` is read from, or None. Looks through
    `.read()`-style calls on it, wrapper constructors (`new BufferedInputStream(x)`,
    `bufio.NewReader(x)`), its arguments, and the local assignments of a name."""
    if depth > 6:
        return None
    if node.type in _WRAPPERS:
        for child in node.named_children:
            found = file_source(ctx, child, depth + 1)
            if found is not None:
                return found
        return None
    if node.type in {"identifier", "simple_identifier"}:
        for value in assigned(ctx, node):
            found = file_source(ctx, value, depth + 1)
            if found is not None:
                return found
        return None
    if node.type not in _CALL_TYPES:
        return None
    name, receiver = _callee(ctx, node)
    receivers = _FILE_RECEIVERS.get(name)
    if name in _PATH_READS:
        if any(word in receiver.lower() for word in ("file", "path")):
            return node
    elif name in _FILE_CALLS and (receivers is None or receiver in receivers):
        return node
    # A read on a file object (`fh.read()`, `f.readAllBytes()`), or a wrapper around one.
    function = node.child_by_field_name("function")
    parts = [node.child_by_field_name("object")]
    if function is not None and function.type in {"attribute", "member_expression"}:
        parts.append(function.child_by_field_name("object"))
    elif function is not None and function.type == "selector_expression":
        parts.append(function.child_by_field_name("operand"))
    elif function is None and node.type == "call_expression" and node.named_children:
        callee = node.named_children[0]  # kotlin `File(p).inputStream()`
        if callee.type == "navigation_expression" and callee.named_children:
            parts.append(callee.named_children[0])
    arguments = node.child_by_field_name("arguments")
    if arguments is None:
        arguments = next((c for c in node.named_children if c.type == "value_arguments"), None)
    parts.append(arguments)
    for part in parts:
        if part is None:
            continue
        found = file_source(ctx, part, depth + 1)
        if found is not None:
            return found
    return None


def _callee(ctx: CheckContext, call: Node) -> tuple[str, str]:
    """(final name, receiver text or '') of a call node in any of the languages."""
    if call.type == "object_creation_expression":
        kind = call.child_by_field_name("type")
        return (ctx.text(kind) if kind is not None else "", "")
    if call.type == "method_invocation":
        name, receiver = call.child_by_field_name("name"), call.child_by_field_name("object")
        return (
            ctx.text(name) if name is not None else "",
            ctx.text(receiver) if receiver is not None else "",
        )
    function = call.child_by_field_name("function")
    if function is None and call.named_children:
        function = call.named_children[0]  # kotlin
    if function is None:
        return ("", "")
    if function.type in {"identifier", "simple_identifier"}:
        return (ctx.text(function), "")
    first = function.named_children[0] if function.named_children else None
    return (crypto.last_name(ctx, function), ctx.text(first) if first is not None else "")
