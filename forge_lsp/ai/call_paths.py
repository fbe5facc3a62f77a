"""What the calls in a piece of code call, by name: what `fix_capabilities` counts.

For each of Forge's languages, a call (``f(x)``, ``new X(...)``, a Java method invocation, a
Rust macro and the calls inside its tokens) becomes a *path*: the callee's name, segment by
segment, after the file's imports and the variables in sight are resolved. So ``sp.run`` under
``import subprocess as sp`` is ``subprocess.run``; ``session.get`` after
``session = requests.Session()`` is ``requests.Session().get``; ``client.send`` with
``HttpClient client`` and ``import java.net.http.HttpClient`` is
``java.net.http.HttpClient().send``; ``__import__("os").system`` is ``os.system``. A segment
that ends in ``()`` is what a call returned (for a constructor, an instance of the class);
``?`` is an expression without a name (`call_syntax` reads the written paths, `call_imports`
the imports).

This is name resolution by reading, not type inference, and it is meant to be cheap: a variable
is bound by its nearest declaration before the use (else the first one after it), whatever the
scope, and an attribute set on ``self`` / ``this`` is a variable too. Only the declarations of
one region (the top-level definition being edited) and of the file's top level are read.
Imports are read at the top level and in the region; `Index.imported` reads the whole file only
when asked about a module it has not seen.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache

import tree_sitter

from forge_lsp.ai.call_imports import read_import
from forge_lsp.ai.call_syntax import (
    UNKNOWN,
    Binding,
    Path,
    Reader,
    Syntax,
    arguments,
    called,
    js_module,
    string_value,
    syntax_for,
    text,
)
from forge_lsp.core.languages import LanguageSpec

__all__ = ["UNKNOWN", "Call", "Import", "Index", "Path", "index"]

_MAX_DEPTH = 6  # bindings followed per resolution: `a = b.c(); b = d()` ... ends somewhere
_MAX_CANDIDATES = 8
_SHALLOW_DEPTH = 3  # module > if/try > block > import: what "the file's top level" reaches


@dataclass(frozen=True, slots=True)
class Call:
    """One call in the code: the callee's possible resolved paths and where it is written."""

    paths: tuple[Path, ...]
    text: str  # the callee as written (without the arguments), for a sentence
    start: int  # the callee's bytes: what decides whether the call is in the edited code
    end: int
    # A call whose shape says what it does whatever its name resolves to ("eval" for
    # `require(name)` or `import(...)`), else None.
    kind: str | None = None


@dataclass(frozen=True, slots=True)
class Import:
    """One module an import statement (or a `require("...")`) brings in."""

    module: str  # as the language writes it: `os.path`, `os/exec`, `fs`, `std::process`
    start: int
    end: int


@dataclass(slots=True)
class Index:
    """The calls and imports of one region of a file, and the modules the file imports."""

    calls: list[Call]
    imports: list[Import]
    modules: set[str]  # every module the file imports, as far as read
    _root: tree_sitter.Node
    _syntax: Syntax
    _whole_file_read: bool = False

    def imported(self, module: str) -> bool:
        """Whether the file imports `module`, a module it contains or a module inside it.

        The first answer comes from the top level and the region; a module not found there is
        looked for in the whole file once (an import inside another function).
        """
        if _known(module, self.modules, self._syntax.separator):
            return True
        if not self._whole_file_read:
            self._whole_file_read = True
            for node in _captures(self._syntax, self._root, None, None).get("import", []):
                self.modules.update(read_import(node, self._syntax)[0])
        return _known(module, self.modules, self._syntax.separator)


def index(root: tree_sitter.Node, spec: LanguageSpec, span: tuple[int, int]) -> Index:
    """The calls and imports around `span` in the file whose tree is `root`.

    The calls are those of the outermost function holding `span` (else of the top-level
    statements it touches); names resolve through the declarations of the top-level
    definition holding it (a class's fields, a method's locals) and of the file's top level.
    Raises `call_syntax.Unreadable` for code nested too deeply to read.
    """
    syntax = syntax_for(spec)
    read = Reader(syntax)
    scope = _top_level(root, span)
    region = _function(root, span, syntax.functions) or scope
    shallow = _captures(syntax, root, None, _SHALLOW_DEPTH)
    around = _captures(syntax, root, scope, None)
    # Innermost calls first: each one's path is then remembered when the call around it
    # (`a.b()` inside `a.b().c()`) is read, so a long chain is read in one pass.
    calls = sorted(
        (n for n in around.get("call", []) if _inside(n, region)),
        key=lambda n: (n.end_byte, -n.start_byte),
    )
    for node in calls:
        read.path(node)
    names = _Names(read)
    imports: list[Import] = []
    modules: set[str] = set()
    for node in _unique(shallow.get("import", []) + around.get("import", [])):
        found, bound, globs = read_import(node, syntax)
        modules.update(found)
        if _inside(node, region):
            imports.extend(Import(module, node.start_byte, node.end_byte) for module in found)
        for name, path in bound:
            names.aliases.setdefault(name, path)
        names.globs.extend(globs)
    for node in _unique(shallow.get("bind", []) + around.get("bind", [])):
        for binding in syntax.binder(node, read):
            names.bind(node.start_byte, binding)
    names.freeze()
    found_calls: list[Call] = []
    source = root.text or b""
    for node in calls:
        for call, module in _calls_of(node, read, names, source):
            if module is not None:
                imports.append(module)
            if call is not None:
                found_calls.append(call)
    found_calls.sort(key=lambda c: (c.start, c.end))
    imports.sort(key=lambda i: (i.start, i.end))
    return Index(found_calls, imports, modules, root, syntax)


def _inside(node: tree_sitter.Node, region: tuple[int, int]) -> bool:
    return region[0] <= node.start_byte and node.end_byte <= region[1]


def _top_level(root: tree_sitter.Node, span: tuple[int, int]) -> tuple[int, int]:
    """The top-level definitions or statements `span` touches (for an empty span, the one
    holding it), or the span itself between them."""
    start, end = span
    touched = [
        child
        for child in root.children
        if (child.start_byte < end and child.end_byte > start)
        or (start == end and child.start_byte <= start <= child.end_byte)
    ]
    if not touched:
        return span
    return min(start, touched[0].start_byte), max(end, touched[-1].end_byte)


def _function(
    root: tree_sitter.Node, span: tuple[int, int], kinds: frozenset[str]
) -> tuple[int, int] | None:
    """The outermost function holding all of `span` (a closure's rebinding reaches the
    function around it), or None."""
    node: tree_sitter.Node | None = root.descendant_for_byte_range(*span)
    outermost = None
    while node is not None:
        if node.type in kinds and node.start_byte <= span[0] and span[1] <= node.end_byte:
            outermost = node
        node = node.parent
    return None if outermost is None else (outermost.start_byte, outermost.end_byte)


def _unique(nodes: list[tree_sitter.Node]) -> Iterator[tree_sitter.Node]:
    seen: set[int] = set()
    for node in nodes:
        if node.id not in seen:
            seen.add(node.id)
            yield node


def _known(module: str, modules: set[str], separator: str | None) -> bool:
    if module in modules:
        return True
    if separator is None:
        return False
    return any(
        module.startswith(known + separator) or known.startswith(module + separator)
        for known in modules
    )


# --- names in sight ---------------------------------------------------------------------------


@dataclass(slots=True)
class _Names:
    """Variables (by position) and import aliases (absolute), and `import x.*` prefixes."""

    read: Reader
    variables: dict[str, list[tuple[int, Binding]]] = field(default_factory=dict)
    aliases: dict[str, Path] = field(default_factory=dict)
    globs: list[Path] = field(default_factory=list)
    _positions: dict[str, list[int]] = field(default_factory=dict)
    _longest: int = 0

    def bind(self, position: int, binding: Binding) -> None:
        self.variables.setdefault(binding.key, []).append((position, binding))

    def freeze(self) -> None:
        for bindings in self.variables.values():
            bindings.sort(key=lambda pair: pair[0])
        self._positions = {k: [p for p, _ in v] for k, v in self.variables.items()}
        keys = [*self.variables, *self.aliases]
        self._longest = max((key.count(".") + 1 for key in keys), default=0)

    def resolve(self, path: Path, at: int, depth: int = 0) -> list[Path]:
        """Every path `path` (written at byte `at`) may stand for, most likely first."""
        if not path or depth > _MAX_DEPTH:
            return [path]
        # A key is a plain dotted name: the longest prefix worth looking up ends at the first
        # call in the path (`a.b().c` -> `a.b`), and is no longer than the longest key (plus
        # `self.` or `this.`, which the lookup may drop).
        longest = min(len(path), self._longest + (path[0] in ("self", "this")))
        for position, segment in enumerate(path[:longest]):
            if segment.endswith("()") or segment == UNKNOWN:
                longest = position + 1
                break
        for size in range(longest, 0, -1):
            head, rest = path[:size], path[size:]
            is_call = head[-1].endswith("()")
            key = (*head[:-1], head[-1].removesuffix("()"))
            found = self._lookup(".".join(key), at, depth)
            if found is None and key[0] in ("self", "this") and size > 1:
                # A field declared as a constructor parameter (`constructor(private http: X)`,
                # Kotlin's `class C(val http: X)`) is a plain name where it is declared.
                found = self._lookup(".".join(key[1:]), at, depth)
            if found is not None:
                return [called(p, is_call) + rest for p in found][:_MAX_CANDIDATES]
        candidates = [path]
        if path[0] not in ("self", "this", UNKNOWN):
            candidates += [glob + path for glob in self.globs]
        return candidates[:_MAX_CANDIDATES]

    def _lookup(self, key: str, at: int, depth: int) -> list[Path] | None:
        """What a variable (else an import alias) named `key` holds at byte `at`."""
        bindings = self.variables.get(key)
        if bindings:
            index = bisect.bisect_left(self._positions[key], at) - 1
            if index < 0 and depth == 0:
                # A use may look ahead (a module-level name assigned below the function that
                # uses it); a binding never resolves through a later one, or `x = x.y` loops.
                index = 0
            if index >= 0:
                position, binding = bindings[index]
                return [
                    resolved
                    for bound in self.read.bound(binding)
                    for resolved in self.resolve(bound, position, depth + 1)
                ][:_MAX_CANDIDATES]
        alias = self.aliases.get(key)
        return None if alias is None else [alias]


# --- calls -----------------------------------------------------------------------------------


def _calls_of(
    node: tree_sitter.Node, read: Reader, names: _Names, source: bytes
) -> Iterator[tuple[Call | None, Import | None]]:
    """The call `node` is (with, for a `require("m")`, the module it imports), and for a Rust
    macro the calls written inside its tokens, which the grammar does not parse."""
    if node.type == "macro_invocation":
        for tree in node.named_children:
            if tree.type == "token_tree":
                yield from ((c, None) for c in _token_calls(tree, names, source))
    callee = read.callee(node)
    if callee is None:
        return
    written, start, end = callee
    shown = _shown(source, start, end)
    kind = None
    module = None
    args = arguments(node)
    if read.syntax.is_javascript:
        target = node.child_by_field_name("function")
        if target is not None and target.type == "import":
            kind, shown = "eval", "import()"
        elif written == ("require",):
            name = string_value(args[0], read.syntax) if args else None
            if name is None:
                kind = "eval"
            else:
                module = Import(js_module(name), node.start_byte, node.end_byte)
        elif written in (("setTimeout",), ("setInterval",)) and args and _is_text(args[0]):
            kind = "eval"  # a string of code, evaluated when the timer fires
    resolved = tuple(names.resolve(written, start))
    if read.syntax.is_javascript and written != ("require",) and ("require",) in resolved:
        kind = "eval"  # `const load = require; load(name)`: a loader under another name
    yield Call(resolved, shown, start, end, kind), module


def _is_text(node: tree_sitter.Node) -> bool:
    return node.type in ("string", "template_string")


def _shown(source: bytes, start: int, end: int) -> str:
    """The callee as written, on one line and cut short (the sentence needs no more)."""
    written = source[start : min(end, start + 240)].decode("utf-8", "replace")
    return " ".join(written.split())


def _token_calls(tree: tree_sitter.Node, names: _Names, source: bytes) -> Iterator[Call]:
    """Calls written in a Rust macro's token trees: a path of identifiers joined by `::` or `.`
    and followed by a parenthesised group (`std::process::Command::new("sh")`), or a nested
    macro. The grammar leaves these as tokens, so a call hidden in `format!` is found here.
    Nested groups wait on a stack, however deep they go."""
    pending = [tree]
    while pending:
        group = pending.pop()
        path: list[str] = []
        start = end = 0
        joined = False
        for child in group.children:
            kind = child.type
            if kind in ("identifier", "self", "crate", "super") or kind.endswith("_identifier"):
                if not (joined and path):
                    path, start = [], child.start_byte
                path.append(text(child))
                end, joined = child.end_byte, False
            elif kind in ("::", "."):
                joined = True
            elif kind == "!" and path:
                path[-1] += "!"
                end = child.end_byte
            elif kind == "token_tree":
                if path and not joined and text(child).startswith("("):
                    shown = _shown(source, start, end)
                    yield Call(tuple(names.resolve(tuple(path), start)), shown, start, end)
                    path[-1] += "()"
                    end = child.end_byte
                else:
                    path = []
                pending.append(child)
            else:
                path, joined = [], False


# --- the query pass ---------------------------------------------------------------------------


@cache
def _query(language: str, grammar: tree_sitter.Language, source: str) -> tree_sitter.Query:
    return tree_sitter.Query(grammar, source)


def _captures(
    syntax: Syntax,
    root: tree_sitter.Node,
    region: tuple[int, int] | None,
    max_depth: int | None,
) -> dict[str, list[tree_sitter.Node]]:
    """The @call, @bind and @import nodes of the file, of one region of it (the nodes inside
    the region) or of its top `max_depth` levels."""
    from forge_lsp.core.languages import LANGUAGES

    grammar = LANGUAGES[syntax.language].grammar
    cursor = tree_sitter.QueryCursor(_query(syntax.language, grammar, syntax.query))
    if region is not None:
        cursor.set_byte_range(*region)
    if max_depth is not None:
        cursor.set_max_start_depth(max_depth)
    captured = cursor.captures(root)
    if region is None:
        return captured
    # A byte range selects nodes that overlap it; the region's own nodes are those inside.
    return {
        name: [n for n in nodes if region[0] <= n.start_byte and n.end_byte <= region[1]]
        for name, nodes in captured.items()
    }
