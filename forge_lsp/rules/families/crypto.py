"""Shared machinery of the crypto family (FG501-FG503): calls by name, literals, names.

Each language gets one query shape that captures a call, its final callee name, its receiver
(when there is one) and its argument list; rules add the names they care about with an
`#any-of?` predicate, so matching stays in C. `Call` then gives the rule the positional
arguments and (Python, Kotlin) the keyword arguments without per-grammar code in the rule.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import tree_sitter

from forge_lsp.rules.base import CheckContext, ancestors, compile_query, has_error

Node = tree_sitter.Node

_CALL_QUERIES = {
    "python": """
(call function: (attribute object: (_) @receiver attribute: (identifier) @name)
  arguments: (argument_list) @args {pred}) @call
(call function: (identifier) @name arguments: (argument_list) @args {pred}) @call
""",
    "go": """
(call_expression
  function: (selector_expression operand: (_) @receiver field: (field_identifier) @name)
  arguments: (argument_list) @args {pred}) @call
(call_expression function: (identifier) @name arguments: (argument_list) @args {pred}) @call
""",
    "javascript": """
(call_expression
  function: (member_expression object: (_) @receiver property: (property_identifier) @name)
  arguments: (arguments) @args {pred}) @call
(call_expression function: (identifier) @name arguments: (arguments) @args {pred}) @call
""",
    "java": """
(method_invocation object: (_) @receiver name: (identifier) @name
  arguments: (argument_list) @args {pred}) @call
(method_invocation !object name: (identifier) @name arguments: (argument_list) @args {pred}) @call
(object_creation_expression type: (type_identifier) @name
  arguments: (argument_list) @args {pred}) @call
""",
    # Kotlin's grammar has no field names; a trailing-lambda call has no value_arguments.
    "kotlin": """
(call_expression (navigation_expression (_) @receiver (identifier) @name) {pred}) @call
(call_expression . (identifier) @name {pred}) @call
""",
    "rust": """
(call_expression function: (scoped_identifier path: (_) @receiver name: (identifier) @name)
  arguments: (arguments) @args {pred}) @call
(call_expression function: (field_expression value: (_) @receiver field: (field_identifier) @name)
  arguments: (arguments) @args {pred}) @call
(call_expression function: (identifier) @name arguments: (arguments) @args {pred}) @call
(call_expression function: (generic_function function: (identifier) @name)
  arguments: (arguments) @args {pred}) @call
(call_expression
  function: (generic_function
    function: (scoped_identifier path: (_) @receiver name: (identifier) @name))
  arguments: (arguments) @args {pred}) @call
""",
}
_CALL_QUERIES["typescript"] = _CALL_QUERIES["javascript"]
_CALL_QUERIES["tsx"] = _CALL_QUERIES["javascript"]

_FUNCTIONS = frozenset(
    {
        "function_definition",  # python
        "function_declaration",  # go, js, kotlin
        "method_declaration",  # go, java
        "func_literal",
        "function_expression",
        "arrow_function",
        "method_definition",
        "generator_function_declaration",
        "constructor_declaration",
        "function_item",  # rust
        "closure_expression",
        "anonymous_function",  # kotlin
    }
)
_STRING_TYPES = frozenset(
    {
        "string",
        "template_string",
        "interpreted_string_literal",
        "raw_string_literal",
        "string_literal",
    }
)
_INTERPOLATION = frozenset(
    {"interpolation", "template_substitution", "interpolated_expression", "interpolated_identifier"}
)
_NAME_TYPES = frozenset(
    {
        "identifier",
        "property_identifier",
        "field_identifier",
        "shorthand_property_identifier",
        "simple_identifier",
        "type_identifier",
    }
)


@dataclass(slots=True)
class Call:
    """One call: the call node, its final name, receiver and arguments."""

    node: Node
    name: str
    receiver: Node | None
    name_node: Node | None = None  # the callee's final name
    args: list[Node] = field(default_factory=list)  # positional argument expressions
    keywords: dict[str, Node] = field(default_factory=dict)  # name -> value expression
    splat: bool = False  # `*args` / `**kwargs` / `...rest`: arguments Forge cannot see


def any_of(names: frozenset[str] | set[str]) -> str:
    """An `#any-of?` predicate on the `@name` capture."""
    return "(#any-of? @name " + " ".join(f'"{n}"' for n in sorted(names)) + ")"


def calls(ctx: CheckContext, names: frozenset[str]) -> Iterator[Call]:
    """The calls (in the checked range) whose final callee name is one of `names`."""
    template = _CALL_QUERIES.get(ctx.language.name)
    if template is None:
        return
    for _, caps in ctx.matches(template.replace("{pred}", any_of(names))):
        node = caps["call"][0]
        if has_error(node):
            continue
        receiver = caps.get("receiver", [None])[0]
        call = build_call(ctx, node, ctx.text(caps["name"][0]), receiver)
        call.name_node = caps["name"][0]
        yield call


def calls_in(ctx: CheckContext, scope: Node, names: frozenset[str]) -> Iterator[Call]:
    """Like `calls`, but inside one node (a function body), whatever range is being checked."""
    template = _CALL_QUERIES.get(ctx.language.name)
    if template is None:
        return
    query = compile_query(
        ctx.language.name, ctx.language.grammar, template.replace("{pred}", any_of(names))
    )
    for _, caps in tree_sitter.QueryCursor(query).matches(scope):
        node = caps["call"][0]
        if not has_error(node):
            receiver = caps.get("receiver", [None])[0]
            yield build_call(ctx, node, ctx.text(caps["name"][0]), receiver)


def build_call(ctx: CheckContext, node: Node, name: str, receiver: Node | None) -> Call:
    call = Call(node, name, receiver)
    arglist = _argument_list(node)
    for arg in _named(arglist):
        if arg.type in {"keyword_argument"}:
            key, value = arg.child_by_field_name("name"), arg.child_by_field_name("value")
            if key is not None and value is not None:
                call.keywords[ctx.text(key)] = value
        elif arg.type in {"list_splat", "dictionary_splat", "spread_element"}:
            call.splat = True
        elif arg.type == "value_argument":
            _kotlin_argument(ctx, arg, call)
        else:
            call.args.append(arg)
    return call


def _kotlin_argument(ctx: CheckContext, arg: Node, call: Call) -> None:
    parts = _named(arg)
    has_equals = any(child.type == "=" for child in arg.children)
    if has_equals and len(parts) == 2 and parts[0].type == "identifier":
        call.keywords[ctx.text(parts[0])] = parts[1]
    elif any(child.type == "*" for child in arg.children):
        call.splat = True
    elif parts:
        call.args.append(parts[-1])


def _argument_list(node: Node) -> Node | None:
    args = node.child_by_field_name("arguments")
    if args is not None:
        return args
    for child in node.named_children:
        if child.type == "value_arguments":
            return child
    return None


def _named(node: Node | None) -> list[Node]:
    if node is None:
        return []
    return [c for c in node.named_children if c.type not in {"comment", "line_comment"}]


def literal(ctx: CheckContext, node: Node | None) -> str | None:
    """The value of a plain string literal (no interpolation), or None for anything else."""
    if node is None or node.type not in _STRING_TYPES or has_error(node):
        return None
    if any(child.type in _INTERPOLATION for child in node.children):
        return None
    text = ctx.text(node)
    if node.type == "string" and ctx.language.name == "python":
        if "f" in text[: text.find(text[-1])].lower():
            return None
        text = text.lstrip("bBrRuU")
    if ctx.language.name == "kotlin" and re.search(r"\$[{\w]", text):
        return None
    if node.type == "raw_string_literal" and ctx.language.name == "rust":
        text = text.lstrip("r#").rstrip("#")
    return text.lstrip("b").strip("\"'`")


def words(name: str) -> list[str]:
    """The lower-case words of an identifier: `userPassword`, `user_password` -> user, password."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    spaced = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", spaced)
    return [w.lower() for w in re.split(r"[\s_\-.$]+", spaced) if w]


def names_in(node: Node) -> Iterator[Node]:
    """Every identifier-like node inside `node` (string contents excluded)."""
    if node.type in _NAME_TYPES:
        yield node
        return
    if node.type in _STRING_TYPES:
        return
    for child in node.named_children:
        yield from names_in(child)


def enclosing_function(node: Node) -> Node | None:
    """The nearest function, method, lambda or closure around `node`."""
    for parent in ancestors(node):
        if parent.type in _FUNCTIONS:
            return parent
    return None


def function_name(ctx: CheckContext, function: Node | None) -> str:
    """The declared name of a function node ('' for lambdas and closures)."""
    if function is None:
        return ""
    name = function.child_by_field_name("name")
    if name is None and function.type == "function_declaration":
        name = next((c for c in function.named_children if c.type == "identifier"), None)
    return ctx.text(name) if name is not None else ""


def last_name(ctx: CheckContext, node: Node | None) -> str:
    """The last identifier of a dotted expression: `self.cache_key` -> cache_key."""
    if node is None:
        return ""
    if node.type in _NAME_TYPES or node.type == "this":
        return ctx.text(node)
    for field_name in ("attribute", "property", "field", "name"):
        child = node.child_by_field_name(field_name)
        if child is not None:
            return ctx.text(child)
    if node.type == "navigation_expression" and node.named_children:
        return last_name(ctx, node.named_children[-1])
    names = list(names_in(node))
    return ctx.text(names[-1]) if names else ""
