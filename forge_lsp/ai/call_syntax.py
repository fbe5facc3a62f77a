"""How each of Forge's grammars writes names: the reading half of `call_paths`.

A `Syntax` says, per grammar, which nodes are names, member accesses (``a.b``, ``a::b``,
``a?.b``), calls (``f(x)``, ``new X(...)``, Java's ``object.name(...)``, Rust macros), wrappers
to look through (``await``, ``?``, ``(...)``, ``&``, ``!!``), and declarations that bind a name
(`binder`). A `Reader` turns an expression into its written *path*: ``a.b().c`` is
``("a", "b()", "c")``, ``new URL(s)`` is ``("URL()",)`` as a value (an instance of URL),
``__import__("os")`` and ``require("fs")`` are the module they load, ``getattr(os, "system")``
is ``os.system``; anything without a name is ``?``.

Reading recurses through the callee of a callee; it stops at `MAX_NESTING` levels with
`Unreadable` rather than guess, and it remembers every node it read, so a chain of a thousand
calls read from its innermost call out costs a thousand steps, not a million.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache

import tree_sitter

from forge_lsp.core.languages import COMMENT_TYPES, LanguageSpec

Path = tuple[str, ...]
UNKNOWN = "?"
MAX_NESTING = 100  # member accesses and calls read through, one inside the other


class Unreadable(Exception):
    """An expression nested deeper than `MAX_NESTING`: its names are not read, not guessed."""


def called(path: Path, is_call: bool = True) -> Path:
    """`path` as what a call of it returns: `a.b` -> `a.b()`."""
    if not is_call or not path:
        return path
    return (*path[:-1], path[-1] + "()")


def named(node: tree_sitter.Node | None) -> list[tree_sitter.Node]:
    """A node's named children without comments."""
    if node is None:
        return []
    return [c for c in node.named_children if c.type not in COMMENT_TYPES]


def text(node: tree_sitter.Node) -> str:
    return (node.text or b"").decode("utf-8", "replace")


_STRING_PARTS = frozenset(
    {"string_content", "string_fragment", "interpreted_string_literal_content"}
)


def string_value(node: tree_sitter.Node | None, syntax: Syntax) -> str | None:
    """The text of a string literal without interpolation, else None."""
    if node is None or node.type not in syntax.strings:
        return None
    parts: list[str] = []
    for child in node.named_children:
        if child.type in _STRING_PARTS:
            parts.append(text(child))
        elif child.type not in ("string_start", "string_end", "escape_sequence"):
            return None  # an interpolation: not a fixed name
    return "".join(parts)


def arguments(call: tree_sitter.Node) -> list[tree_sitter.Node]:
    """A call's arguments, in order."""
    args = call.child_by_field_name("arguments")
    if args is None:
        args = next(
            (c for c in call.named_children if c.type in ("value_arguments", "argument_list")),
            None,
        )
    found = []
    for arg in named(args):
        # Kotlin wraps each argument; the value is inside.
        found.append(named(arg)[-1] if arg.type == "value_argument" and named(arg) else arg)
    return found


def js_module(module: str) -> str:
    """A JavaScript module specifier as Forge compares it: `node:fs` is `fs`."""
    return module.removeprefix("node:")


Binder = Callable[[tree_sitter.Node, "Reader"], Iterator["Binding"]]


@dataclass(frozen=True)
class Syntax:
    """How one grammar writes names, member accesses, calls and declarations."""

    language: str
    query: str  # captures @call, @bind and @import nodes
    names: frozenset[str]  # node types whose text is a name
    # node type -> (object field, name field); None: the first / last named child
    members: dict[str, tuple[str | None, str | None]]
    calls: dict[str, str | None]  # call node type -> the callee's field (None: first child)
    constructors: dict[str, str]  # `new X(...)`: node type -> the field holding X
    literals: dict[str, str]  # Go's `http.Client{...}`: an X, built without a call
    transparent: frozenset[str]  # wrappers whose path is their first named child's
    strings: frozenset[str]  # string literal node types
    separator: str | None  # between a module and what it contains; None: modules are atoms
    binder: Binder
    functions: frozenset[str]  # function-like node types (a method, a closure)
    # Calls whose value is the module named by their first argument (`__import__("os")`).
    loaders: frozenset[Path] = frozenset()

    @property
    def is_javascript(self) -> bool:
        return self.language in ("javascript", "typescript", "tsx")


@dataclass(slots=True)
class Reader:
    """Reads the written paths of one tree's expressions, each node once."""

    syntax: Syntax
    _memo: dict[int, Path] = field(default_factory=dict)
    _depth: int = 0

    def path(self, node: tree_sitter.Node | None) -> Path:
        """The written (unresolved) path of an expression or a type, as a value."""
        if node is None:
            return (UNKNOWN,)
        found = self._memo.get(node.id)
        if found is not None:
            return found
        if self._depth >= MAX_NESTING:
            raise Unreadable(node.type)
        self._depth += 1
        try:
            found = self._read(node)
        finally:
            self._depth -= 1
        self._memo[node.id] = found
        return found

    def _read(self, node: tree_sitter.Node) -> Path:
        syntax, kind = self.syntax, node.type
        if kind in syntax.names:
            return (text(node),)
        if kind in syntax.transparent:
            inner = named(node)
            return self.path(inner[0]) if inner else (UNKNOWN,)
        if kind in syntax.members:
            return self._member(node)
        if kind in syntax.literals:
            return called(self.path(node.child_by_field_name(syntax.literals[kind])))
        if kind in syntax.calls or kind in syntax.constructors or kind == "method_invocation":
            return self._value_of_call(node)
        if kind == "macro_invocation":
            return called(self.macro(node))
        if kind in ("qualified_identifier", "user_type"):  # Kotlin
            parts = tuple(text(c) for c in node.named_children if c.type == "identifier")
            return parts or (UNKNOWN,)
        if kind == "subscript_expression":  # JavaScript's `cp["exec"]`
            key = string_value(node.child_by_field_name("index"), syntax)
            if key is not None:
                return (*self.path(node.child_by_field_name("object")), key)
        return (UNKNOWN,)

    def _member(self, node: tree_sitter.Node) -> Path:
        object_field, name_field = self.syntax.members[node.type]
        children = named(node)
        target = node.child_by_field_name(object_field) if object_field else None
        name = node.child_by_field_name(name_field) if name_field else None
        if object_field is None and children:
            target = children[0] if len(children) > 1 else None
        if name_field is None and children:
            name = children[-1]
        head = self.path(target) if target is not None else ()
        return (*head, text(name) if name is not None else UNKNOWN)

    def callee(self, node: tree_sitter.Node) -> tuple[Path, int, int] | None:
        """The written path of what the call `node` calls, and the callee's byte span."""
        kind = node.type
        if kind == "method_invocation":  # Java: `object.name(...)` in one node
            name = node.child_by_field_name("name")
            target = node.child_by_field_name("object")
            if name is None:
                return None
            head = self.path(target) if target is not None else ()
            start = target.start_byte if target is not None else name.start_byte
            return (*head, text(name)), start, name.end_byte
        if kind in self.syntax.constructors:
            target = node.child_by_field_name(self.syntax.constructors[kind])
            if target is None:
                return None
            return self.path(target), node.start_byte, target.end_byte
        if kind == "macro_invocation":
            target = node.child_by_field_name("macro")
            if target is None:
                return None
            return self.macro(node), target.start_byte, target.end_byte
        callee_field = self.syntax.calls.get(kind)
        target = node.child_by_field_name(callee_field) if callee_field else None
        if target is None:
            children = named(node)
            target = children[0] if children else None
        if target is None:
            return None
        return self.path(target), target.start_byte, target.end_byte

    def bound(self, binding: Binding) -> list[Path]:
        """The paths a declaration gives its name: its value's, and an instance of its type."""
        found = []
        if binding.value is not None:
            path = self.path(binding.value)
            if path != (UNKNOWN,):
                found.append(path if binding.member is None else (*path, binding.member))
        if binding.typed is not None:
            path = self.path(binding.typed)
            if UNKNOWN not in path and path not in (("var",), ("val",), ("auto",)):
                found.append(called(path))
        return found

    def macro(self, node: tree_sitter.Node) -> Path:
        """A Rust macro's path, its name ending in `!`."""
        path = self.path(node.child_by_field_name("macro"))
        return (*path[:-1], path[-1] + "!")

    def _value_of_call(self, node: tree_sitter.Node) -> Path:
        """What a call returns, as a path: `__import__("os")` is `os`, `getattr(os, "system")`
        is `os.system`, `requests.Session()` is `requests.Session()`."""
        callee = self.callee(node)
        if callee is None:
            return (UNKNOWN,)
        path, syntax = callee[0], self.syntax
        args = arguments(node)
        if path in syntax.loaders and args:
            module = string_value(args[0], syntax)
            if module is not None:
                if syntax.language == "python":
                    return tuple(module.split("."))
                return (js_module(module),)
        if path == ("getattr",) and syntax.language == "python" and len(args) >= 2:
            name = string_value(args[1], syntax)
            if name is not None:
                return (*self.path(args[0]), name)
        return called(path)


# --- declarations ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Binding:
    """A declaration of `key` (``x``, ``self.session``, ``this.client``): the value it is
    given and the type it is declared with, read only when a call goes through the name."""

    key: str
    value: tree_sitter.Node | None = None
    typed: tree_sitter.Node | None = None
    member: str | None = None  # `const { exec } = require("child_process")`: a member of it


def _key(node: tree_sitter.Node | None, read: Reader) -> str | None:
    """A declaration's target as a key: `x`, `self.session`, `this.client`; None otherwise."""
    if node is None:
        return None
    path = read.path(node)
    if UNKNOWN in path or any(segment.endswith("()") for segment in path):
        return None
    return ".".join(path)


def _binding(
    key: str | None,
    value: tree_sitter.Node | None,
    typed: tree_sitter.Node | None = None,
    *,
    field: bool = False,
) -> Iterator[Binding]:
    """The binding of `key`, if it has a key and something to bind; a field is reachable
    through `this.` as well."""
    if key is None or (value is None and typed is None):
        return
    yield Binding(key, value, typed)
    if field:
        yield Binding(f"this.{key}", value, typed)


def _bind_python(node: tree_sitter.Node, read: Reader) -> Iterator[Binding]:
    kind = node.type
    if kind == "assignment":
        yield from _binding(
            _key(node.child_by_field_name("left"), read),
            node.child_by_field_name("right"),
            node.child_by_field_name("type"),
        )
    elif kind == "named_expression":
        yield from _binding(
            _key(node.child_by_field_name("name"), read), node.child_by_field_name("value")
        )
    elif kind == "with_item":
        pattern = node.child_by_field_name("value")
        if pattern is not None and pattern.type == "as_pattern":
            target = named(pattern.child_by_field_name("alias"))
            parts = named(pattern)
            yield from _binding(
                _key(target[0] if target else None, read), parts[0] if parts else None
            )
    elif kind in ("typed_parameter", "typed_default_parameter"):
        name = node.child_by_field_name("name")
        if name is None:
            name = next((c for c in node.named_children if c.type == "identifier"), None)
        yield from _binding(
            _key(name, read), node.child_by_field_name("value"), node.child_by_field_name("type")
        )


def _bind_go(node: tree_sitter.Node, read: Reader) -> Iterator[Binding]:
    kind = node.type
    if kind in ("short_var_declaration", "assignment_statement"):
        left = named(node.child_by_field_name("left"))
        right = named(node.child_by_field_name("right"))
        if len(right) == 1 and left:
            # `resp, err := http.Get(u)`: the first name holds the call's main result.
            yield from _binding(_key(left[0], read), right[0])
        elif len(left) == len(right):
            for target, value in zip(left, right, strict=True):
                yield from _binding(_key(target, read), value)
    elif kind in ("var_spec", "parameter_declaration"):
        typed = node.child_by_field_name("type")
        targets = [c for c in node.named_children if c.type == "identifier"]
        values = named(node.child_by_field_name("value"))
        for position, target in enumerate(targets):
            given = values[position] if len(values) == len(targets) else None
            yield from _binding(_key(target, read), given, typed)


def _bind_javascript(node: tree_sitter.Node, read: Reader) -> Iterator[Binding]:
    kind = node.type
    if kind == "variable_declarator":
        target = node.child_by_field_name("name")
        value = node.child_by_field_name("value")
        if target is not None and target.type == "object_pattern":
            yield from _destructured(target, value)
        else:
            typed = _annotation(node.child_by_field_name("type"))
            yield from _binding(_key(target, read), value, typed)
    elif kind == "assignment_expression":
        yield from _binding(
            _key(node.child_by_field_name("left"), read), node.child_by_field_name("right")
        )
    elif kind in ("required_parameter", "optional_parameter"):
        yield from _binding(
            _key(node.child_by_field_name("pattern"), read),
            node.child_by_field_name("value"),
            _annotation(node.child_by_field_name("type")),
        )
    elif kind in ("field_definition", "public_field_definition"):
        name = node.child_by_field_name("property") or node.child_by_field_name("name")
        key = _key(name, read)
        yield from _binding(
            None if key is None else f"this.{key}",
            node.child_by_field_name("value"),
            _annotation(node.child_by_field_name("type")),
        )


def _annotation(node: tree_sitter.Node | None) -> tree_sitter.Node | None:
    if node is not None and node.type == "type_annotation":
        inner = named(node)
        return inner[0] if inner else None
    return node


def _destructured(pattern: tree_sitter.Node, value: tree_sitter.Node | None) -> Iterator[Binding]:
    """`const { exec, spawn: run } = require("child_process")`: each name is a member."""
    if value is None:
        return
    for part in named(pattern):
        if part.type == "shorthand_property_identifier_pattern":
            yield Binding(text(part), value, member=text(part))
        elif part.type == "pair_pattern":
            key = part.child_by_field_name("key")
            target = part.child_by_field_name("value")
            if key is not None and target is not None and target.type == "identifier":
                yield Binding(text(target), value, member=text(key))


def _bind_java(node: tree_sitter.Node, read: Reader) -> Iterator[Binding]:
    typed = node.child_by_field_name("type")
    if node.type in ("formal_parameter", "resource", "catch_formal_parameter"):
        yield from _binding(
            _key(node.child_by_field_name("name"), read), node.child_by_field_name("value"), typed
        )
        return
    for declarator in node.children_by_field_name("declarator"):
        yield from _binding(
            _key(declarator.child_by_field_name("name"), read),
            declarator.child_by_field_name("value"),
            typed,
            field=node.type == "field_declaration",
        )


def _bind_kotlin(node: tree_sitter.Node, read: Reader) -> Iterator[Binding]:
    if node.type in ("parameter", "class_parameter"):
        name = next((c for c in node.named_children if c.type == "identifier"), None)
        typed = next((c for c in node.named_children if c.type.endswith("_type")), None)
        yield from _binding(_key(name, read), None, typed)
        return
    # property_declaration: `val name[: Type] = value`
    declaration = next((c for c in node.named_children if c.type == "variable_declaration"), None)
    if declaration is None:
        return
    name = next((c for c in declaration.named_children if c.type == "identifier"), None)
    typed = next((c for c in declaration.named_children if c.type.endswith("_type")), None)
    value = None
    after_equals = False
    for child in node.children:
        if child.type == "=":
            after_equals = True
        elif after_equals and child.is_named:
            value = child
            break
    yield from _binding(_key(name, read), value, typed, field=True)


def _bind_rust(node: tree_sitter.Node, read: Reader) -> Iterator[Binding]:
    target = node.child_by_field_name("pattern") or node.child_by_field_name("name")
    if target is not None and target.type != "identifier":
        return
    yield from _binding(
        _key(target, read), node.child_by_field_name("value"), node.child_by_field_name("type")
    )


# --- the grammars -----------------------------------------------------------------------------

_JS_QUERY = """
(call_expression) @call
(new_expression) @call
(variable_declarator) @bind
(assignment_expression) @bind
(import_statement) @import
"""
_TS_QUERY = """
(required_parameter) @bind
(optional_parameter) @bind
(public_field_definition) @bind
"""


def _javascript_syntax(language: str) -> Syntax:
    typescript = language != "javascript"
    return Syntax(
        language=language,
        query=_JS_QUERY + (_TS_QUERY if typescript else "(field_definition) @bind"),
        names=frozenset(
            {
                "identifier",
                "property_identifier",
                "type_identifier",
                "shorthand_property_identifier_pattern",
                "this",
                "private_property_identifier",
            }
        ),
        members={
            "member_expression": ("object", "property"),
            "nested_type_identifier": ("module", "name"),
            "nested_identifier": ("object", "property"),
        },
        calls={"call_expression": "function"},
        constructors={"new_expression": "constructor"},
        literals={},
        transparent=frozenset(
            {
                "parenthesized_expression",
                "await_expression",
                "non_null_expression",
                "as_expression",
                "satisfies_expression",
                "type_assertion",
                "generic_type",
            }
        ),
        strings=frozenset({"string"}),
        separator="/",
        binder=_bind_javascript,
        functions=frozenset(
            {"function_declaration", "function_expression", "arrow_function", "method_definition"}
        ),
        loaders=frozenset({("require",)}),
    )


_SYNTAXES: dict[str, Syntax] = {
    "python": Syntax(
        language="python",
        query="""
        (call) @call
        (assignment) @bind
        (named_expression) @bind
        (with_item) @bind
        (typed_parameter) @bind
        (typed_default_parameter) @bind
        (import_statement) @import
        (import_from_statement) @import
        """,
        names=frozenset({"identifier"}),
        members={"attribute": ("object", "attribute")},
        calls={"call": "function"},
        constructors={},
        literals={},
        transparent=frozenset({"parenthesized_expression", "await", "type"}),
        strings=frozenset({"string"}),
        separator=".",
        binder=_bind_python,
        functions=frozenset({"function_definition", "lambda"}),
        loaders=frozenset({("__import__",), ("importlib", "import_module"), ("import_module",)}),
    ),
    "go": Syntax(
        language="go",
        query="""
        (call_expression) @call
        (short_var_declaration) @bind
        (assignment_statement) @bind
        (var_spec) @bind
        (parameter_declaration) @bind
        (import_spec) @import
        """,
        names=frozenset(
            {"identifier", "package_identifier", "type_identifier", "field_identifier"}
        ),
        members={
            "selector_expression": ("operand", "field"),
            "qualified_type": ("package", "name"),
        },
        calls={"call_expression": "function"},
        constructors={},
        literals={"composite_literal": "type"},
        transparent=frozenset({"parenthesized_expression", "unary_expression", "pointer_type"}),
        strings=frozenset({"interpreted_string_literal", "raw_string_literal"}),
        separator=None,  # `os` and `os/exec` are unrelated packages
        binder=_bind_go,
        functions=frozenset({"function_declaration", "method_declaration", "func_literal"}),
    ),
    "java": Syntax(
        language="java",
        query="""
        (method_invocation) @call
        (object_creation_expression) @call
        (local_variable_declaration) @bind
        (field_declaration) @bind
        (formal_parameter) @bind
        (resource) @bind
        (import_declaration) @import
        """,
        names=frozenset({"identifier", "type_identifier", "this"}),
        members={
            "field_access": ("object", "field"),
            "scoped_identifier": ("scope", "name"),
            "scoped_type_identifier": (None, None),
        },
        calls={},
        constructors={"object_creation_expression": "type"},
        literals={},
        transparent=frozenset({"parenthesized_expression", "generic_type"}),
        strings=frozenset({"string_literal"}),
        separator=".",
        binder=_bind_java,
        functions=frozenset({"method_declaration", "constructor_declaration", "lambda_expression"}),
    ),
    "kotlin": Syntax(
        language="kotlin",
        query="""
        (call_expression) @call
        (property_declaration) @bind
        (parameter) @bind
        (class_parameter) @bind
        (import) @import
        """,
        names=frozenset({"identifier", "this_expression"}),
        members={"navigation_expression": (None, None)},
        calls={"call_expression": None},
        constructors={},
        literals={},
        transparent=frozenset({"parenthesized_expression", "nullable_type"}),
        strings=frozenset({"string_literal"}),
        separator=".",
        binder=_bind_kotlin,
        functions=frozenset({"function_declaration", "anonymous_function", "lambda_literal"}),
    ),
    "rust": Syntax(
        language="rust",
        query="""
        (call_expression) @call
        (macro_invocation) @call
        (let_declaration) @bind
        (parameter) @bind
        (static_item) @bind
        (const_item) @bind
        (use_declaration) @import
        (extern_crate_declaration) @import
        """,
        names=frozenset(
            {"identifier", "type_identifier", "field_identifier", "self", "crate", "super"}
        ),
        members={
            "field_expression": ("value", "field"),
            "scoped_identifier": ("path", "name"),
            "scoped_type_identifier": ("path", "name"),
        },
        calls={"call_expression": "function"},
        constructors={},
        literals={},
        transparent=frozenset(
            {
                "try_expression",
                "await_expression",
                "parenthesized_expression",
                "reference_expression",
                "reference_type",
                "generic_function",
                "generic_type",
                "unsafe_block",
                "block",
            }
        ),
        strings=frozenset({"string_literal"}),
        separator="::",
        binder=_bind_rust,
        functions=frozenset({"function_item", "closure_expression"}),
    ),
}


@cache
def syntax_for(spec: LanguageSpec) -> Syntax:
    """The syntax of one of Forge's languages."""
    name = spec.name
    if name in ("javascript", "typescript", "tsx"):
        return _javascript_syntax(name)
    return _SYNTAXES[name]
