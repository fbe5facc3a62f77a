"""What a branch condition tells: its constant truth value, and the names it sanitizes.

Read on tree-sitter nodes of any language, with the language's `expression()` for the leaves:
`not`/`!`, `and`/`&&`, `or`/`||` and comparisons of literals are recognised by their operator
tokens, so a language needs no code here. Names in a condition are resolved only to
module-level constants (`DEBUG = False`), never through the function being solved.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from forge_lsp.dataflow import ir
from forge_lsp.dataflow.ir import Node
from forge_lsp.dataflow.solver import FALSY, Refinement

_NEGATIONS = frozenset({"!", "not"})
_AND = frozenset({"&&", "and"})
_OR = frozenset({"||", "or"})
_COMPARISONS = frozenset({"==", "!=", "===", "!==", "<", ">", "<=", ">="})
# Methods that test membership in their receiver (`ALLOWED.contains(x)`, `allowed.has(x)`).
_MEMBERSHIP = frozenset(
    {"contains", "has", "includes", "containsKey", "contains_key", "__contains__", "containsValue"}
)
# Functions of the form `f(collection, x)`.
_MEMBERSHIP_CALLS = frozenset({"slices.Contains", "Contains", "ArrayUtils.contains", "in_array"})
# Methods that hold only for digits or word characters (`x.isdigit()`).
_CHARACTER_TESTS = frozenset(
    {"isdigit", "isnumeric", "isdecimal", "isalnum", "isidentifier", "isalpha"}
)
_REGEX_TESTS = frozenset(
    {"fullmatch", "match", "test", "MatchString", "Match", "matches", "is_match", "search"}
)
# Names that read as a fixed set of accepted values.
_ALLOW_WORDS = re.compile(
    r"allow|valid|whitelist|permitted|supported|known|choices|columns|fields|options|safe",
    re.IGNORECASE,
)
# Methods that view a value without changing it (`sort.as_str()`, `name.to_owned()`).
_VIEWS = frozenset({"as_str", "as_ref", "as_deref", "to_string", "to_owned", "borrow", "clone"})
_ANCHORED = re.compile(r"^(\^|\\A).*(\$|\\z|\\Z)$", re.DOTALL)

Shape = Callable[[Node], ir.Expr]
ModuleLiteral = Callable[[str], ir.Expr | None]


def _strip(node: Node) -> Node:
    while node.type.startswith("parenthesized") and node.named_child_count == 1:
        inner = node.named_children[0]
        if inner is None:
            break
        node = inner
    return node


def _operator(node: Node) -> tuple[str, Node, Node] | None:
    """A binary node's operator token and operands, whatever the grammar calls the node."""
    operands = [c for c in node.named_children if c.type not in {"comment", "line_comment"}]
    if len(operands) != 2:
        return None
    tokens = [c for c in node.children if not c.is_named]
    if not tokens:
        return None
    op = " ".join(t.type for t in tokens)
    return op, operands[0], operands[1]


def _negated(node: Node) -> Node | None:
    if node.named_child_count != 1 or not node.children:
        return None
    first = node.children[0]
    if not first.is_named and first.type in _NEGATIONS:
        return node.named_children[0]
    return None


class Conditions:
    """Truth values and refinements of one file's conditions."""

    def __init__(self, shape: Shape, module_literal: ModuleLiteral, source: bytes) -> None:
        self.shape = shape
        self.module_literal = module_literal
        self.source = source

    # ------------------------------------------------------------------ truth

    def truth(self, node: Node, depth: int = 0) -> bool | None:
        if depth > 20:
            return None
        node = _strip(node)
        inner = _negated(node)
        if inner is not None:
            value = self.truth(inner, depth + 1)
            return None if value is None else not value
        parts = _operator(node)
        if parts is not None:
            op, left, right = parts
            if op in _AND or op in _OR:
                a, b = self.truth(left, depth + 1), self.truth(right, depth + 1)
                if op in _AND:
                    return False if a is False or b is False else (True if a and b else None)
                return (
                    True
                    if a is True or b is True
                    else (False if a is False and b is False else None)
                )
            if op in _COMPARISONS:
                return self._compare(op, left, right)
            return None
        literal = self._literal(node)
        if literal is not None and literal.kind == "bool":
            return literal.text.lower() == "true"
        return None

    def _literal(self, node: Node) -> ir.Literal | None:
        shape = self.shape(_strip(node))
        if isinstance(shape, ir.Name):
            found = self.module_literal(shape.name)
            shape = found if found is not None else shape
        return shape if isinstance(shape, ir.Literal) else None

    def _compare(self, op: str, left: Node, right: Node) -> bool | None:
        a, b = self._literal(left), self._literal(right)
        if a is None or b is None:
            return None
        x, y = _python_value(a), _python_value(b)
        if x is None or y is None or type(x) is not type(y):
            if op in {"==", "==="} and a.kind != b.kind:
                return None
            return None
        try:
            if op in {"==", "==="}:
                return x == y
            if op in {"!=", "!=="}:
                return x != y
            if op == "<":
                return x < y  # type: ignore[operator]
            if op == ">":
                return x > y  # type: ignore[operator]
            if op == "<=":
                return x <= y  # type: ignore[operator]
            if op == ">=":
                return x >= y  # type: ignore[operator]
        except TypeError:
            return None
        return None

    # ------------------------------------------------------------------ refinements

    def refine(self, node: Node, depth: int = 0) -> Refinement:
        if depth > 20:
            return Refinement()
        node = _strip(node)
        inner = _negated(node)
        if inner is not None:
            return _flip(self.refine(inner, depth + 1))
        if node.type in {"index_expression", "subscript_expression", "subscript"}:
            # `if !sortable[sort] { return }`: a lookup in a map of booleans.
            shape = self.shape(node)
            if isinstance(shape, ir.Index) and shape.key is not None:
                name = self._name(shape.key)
                return self._membership(name, shape.obj) if name else Refinement()
            return Refinement()
        parts = _operator(node)
        if parts is not None:
            op, left, right = parts
            if op in _AND:
                a, b = self.refine(left, depth + 1), self.refine(right, depth + 1)
                return Refinement(
                    a.when_true + b.when_true,
                    when_true_if_exit=a.when_true_if_exit + b.when_true_if_exit,
                )
            if op in _OR:
                a, b = self.refine(left, depth + 1), self.refine(right, depth + 1)
                return Refinement(
                    (),
                    a.when_false + b.when_false,
                    when_false_if_exit=a.when_false_if_exit + b.when_false_if_exit,
                )
            if op in {"in", "not in", "!in"}:  # Python, Kotlin
                name = self._name(left)
                if name:
                    found = self._membership(name, right)
                    return found if op == "in" else _flip(found)
            return Refinement()
        shape = self.shape(node)
        if isinstance(shape, ir.Call):
            return self._call(shape)
        if isinstance(shape, ir.Name):
            found = self._comma_ok(node, shape.name)
            if found.when_true or found.when_false:
                return found
            # `if x:` / `if (x)`: where it fails, `x` is None, empty, zero or false.
            return Refinement((), ((shape.name, FALSY),))
        return Refinement()

    def _membership(self, name: str, collection: Node) -> Refinement:
        """`name in collection` held: an allow-list when the collection reads as one (literals,
        an UPPER_CASE or `allowed_*` name); any other collection counts only when the arm where
        the test failed leaves (`if sort not in sortable_columns: raise ...`)."""
        found = ((name, "allow-list"),)
        if self._allow_list(collection):
            return Refinement(found)
        return Refinement(when_true_if_exit=found)

    def _comma_ok(self, node: Node, name: str) -> Refinement:
        """Go's `if _, ok := allowed[x]; ok {`: `x` is a key of the allow-list map."""
        statement = node.parent
        while statement is not None and statement.child_by_field_name("condition") is None:
            statement = statement.parent
        initializer = statement.child_by_field_name("initializer") if statement else None
        if initializer is None or initializer.type != "short_var_declaration":
            return Refinement()
        left, right = (
            initializer.child_by_field_name("left"),
            initializer.child_by_field_name("right"),
        )
        lefts = [c for c in (left.named_children if left else []) if c.type == "identifier"]
        rights = right.named_children if right else []
        if len(lefts) != 2 or len(rights) != 1 or rights[0].type != "index_expression":
            return Refinement()
        if self.source[lefts[1].start_byte : lefts[1].end_byte].decode() != name:
            return Refinement()
        operand = rights[0].child_by_field_name("operand")
        index = rights[0].child_by_field_name("index")
        key = self._name(index) if index is not None else ""
        if key and operand is not None and self._allow_list(operand):
            return Refinement(((key, "allow-list"),))
        return Refinement()

    def _call(self, call: ir.Call) -> Refinement:
        last = call.callee.rsplit(".", 1)[-1]
        if last in _MEMBERSHIP and call.receiver is not None and call.args:
            name = self._name(call.args[0])
            if name:
                return self._membership(name, call.receiver)
        if call.callee in _MEMBERSHIP_CALLS and len(call.args) == 2:
            name = self._name(call.args[1])
            if name:
                return self._membership(name, call.args[0])
        if last in _CHARACTER_TESTS and call.receiver is not None and not call.args:
            name = self._name(call.receiver)
            if name:
                return Refinement(((name, f"{last}()"),))
        if last in _REGEX_TESTS:
            return self._regex(call, last)
        return Refinement()

    def _regex(self, call: ir.Call, method: str) -> Refinement:
        subject: Node | None = None
        pattern_nodes: list[Node] = []
        if call.receiver is not None and len(call.args) == 1:
            # `PATTERN.fullmatch(x)`, `/^..$/.test(x)`, `re.MatchString(x)`, `x.matches("..")`
            if method == "matches":
                subject, pattern_nodes = call.receiver, [call.args[0]]
            else:
                subject, pattern_nodes = call.args[0], [call.receiver]
        elif len(call.args) >= 2:  # `re.fullmatch(p, x)`, `regexp.MatchString(p, x)`
            subject, pattern_nodes = call.args[1], [call.args[0]]
        name = self._name(subject) if subject is not None else ""
        if not name:
            return Refinement()
        full = method in {"fullmatch", "matches"}
        for pattern in pattern_nodes:
            text = self._pattern_text(pattern)
            if text is not None and (full or _ANCHORED.match(text.strip("/gimsuy"))):
                return Refinement(((name, "a full regex match"),))
        return Refinement()

    def _pattern_text(self, node: Node) -> str | None:
        shape = self.shape(_strip(node))
        if isinstance(shape, ir.Literal):
            return shape.text
        if isinstance(shape, ir.Name):
            found = self.module_literal(shape.name)
            if isinstance(found, ir.Literal):
                return found.text
            if isinstance(found, ir.Call) and found.args:
                return self._pattern_text(found.args[0])
        if isinstance(shape, ir.Call) and shape.args:  # `re.compile("^..$")`
            return self._pattern_text(shape.args[0])
        if isinstance(shape, ir.Opaque) and node.type == "regex":
            raw = self.source[node.start_byte : node.end_byte].decode("utf-8", "replace")
            return raw[1 : raw.rfind("/")] if raw.startswith("/") else None
        return None

    def _name(self, node: Node) -> str:
        """The local name a test is about, through borrows and views of it (`&sort.as_str()`,
        `name.to_string()`): the test holds for the name's value too."""
        for _ in range(4):
            shape = self.shape(_strip(node))
            if isinstance(shape, ir.Name):
                return shape.name
            if isinstance(shape, ir.Opaque) and len(shape.parts) == 1:
                node = shape.parts[0]
            elif (
                isinstance(shape, ir.Call)
                and shape.receiver is not None
                and not shape.args
                and shape.callee.rsplit(".", 1)[-1] in _VIEWS
            ):
                node = shape.receiver
            else:
                return ""
        return ""

    def _allow_list(self, node: Node) -> bool:
        node = _strip(node)
        shape = self.shape(node)
        if isinstance(shape, ir.Collection):
            return all(isinstance(self.shape(i), ir.Literal) for i in shape.items)
        name = ""
        if isinstance(shape, ir.Name):
            name = shape.name
            found = self.module_literal(name)
            if isinstance(found, ir.Collection) or (
                isinstance(found, ir.Call) and found.callee in {"set", "frozenset", "tuple", "list"}
            ):
                return True
        elif isinstance(shape, ir.Attribute):
            name = shape.name
        last = name.rsplit(".", 1)[-1]
        return bool(last) and (last.isupper() or bool(_ALLOW_WORDS.search(last)))


def _flip(refinement: Refinement) -> Refinement:
    """The refinement of the negated test."""
    return Refinement(
        refinement.when_false,
        refinement.when_true,
        refinement.when_false_if_exit,
        refinement.when_true_if_exit,
    )


def _python_value(literal: ir.Literal) -> object:
    if literal.kind == "number":
        raw = literal.text.replace("_", "").rstrip("lLfFdDuU")
        try:
            return int(raw, 0)
        except ValueError:
            try:
                return float(raw)
            except ValueError:
                return None
    if literal.kind == "bool":
        return literal.text.lower() == "true"
    if literal.kind == "string":
        return literal.text
    return None
