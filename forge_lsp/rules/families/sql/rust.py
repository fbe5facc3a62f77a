"""How Rust builds strings, for the SQL family: `format!`, `+` and `push_str`."""

from __future__ import annotations

import re

from forge_lsp.rules.families.sql.evaluator import (
    _PLACEHOLDER_CHAR,
    _PLACEHOLDER_LITERAL,
    CONSTANT,
    UNKNOWN,
    Built,
    Evaluator,
    Node,
    _arguments,
    _descendants,
    _inner,
    _literal,
    call_name,
)
from forge_lsp.rules.families.sql.text import is_constant_name

_RUST_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{(?P<arg>[^{}:]*)(?::[^{}]*)?\}")
_RUST_PASS_THROUGH = frozenset(
    {"to_string", "to_owned", "as_str", "into", "clone", "trim", "as_ref", "borrow"}
)


class RustEvaluator(Evaluator):
    """Rust: `format!`, `+` on `String`, `push_str` and the usual string conversions."""

    scope_types = frozenset({"function_item", "closure_expression"})
    block_types = frozenset({"block", "source_file"})
    string_types = frozenset({"string_literal", "raw_string_literal"})
    definitions_query = """
    (let_declaration pattern: (identifier) @name value: (_) @value) @def
    (assignment_expression left: (identifier) @name right: (_) @value) @def
    (compound_assignment_expr left: (identifier) @name operator: "+=" right: (_) @value) @aug
    ((call_expression
       function: (field_expression value: (identifier) @name field: (field_identifier) @push)
       arguments: (arguments . (_) @value .)) @aug
     (#eq? @push "push_str"))
    """
    _LITERALS = frozenset(
        {"string_literal", "raw_string_literal", "char_literal", "integer_literal",
         "float_literal", "boolean_literal"}
    )  # fmt: skip
    _NUMERIC_METHODS = frozenset({"len", "count", "abs"})

    def _placeholders_only(self, call: Node) -> bool:
        """`(1..=n).map(|i| format!("${}", i)).join(", ")`: `{}` of a counter is a number."""
        literals = [n for n in _descendants(call) if n.type in self.string_types]
        texts = [self.ctx.text(n).replace("{}", "") for n in literals]
        return (
            bool(texts)
            and all(_PLACEHOLDER_LITERAL.match(t) for t in texts)
            and any(_PLACEHOLDER_CHAR.search(t) for t in texts)
        )

    def expression(self, node: Node, depth: int) -> Built | None:
        kind = node.type
        if kind in self._LITERALS:
            return _literal(self.ctx, node)
        if kind in {"reference_expression", "parenthesized_expression"}:
            inner = node.child_by_field_name("value") or _inner(node)
            return None if inner is None else self.evaluate(inner, depth)
        if kind == "binary_expression":
            operator = node.child_by_field_name("operator")
            return self.plus(node, depth, operator, how="`+` concatenation", numeric=False)
        if kind == "scoped_identifier":
            name = node.child_by_field_name("name")
            return CONSTANT if name is not None and is_constant_name(self.ctx.text(name)) else None
        if kind == "macro_invocation":
            return self._macro(node, depth)
        if kind == "call_expression":
            return self._call(node, depth)
        return None

    def _call(self, node: Node, depth: int) -> Built | None:
        function = node.child_by_field_name("function")
        args = _arguments(node.child_by_field_name("arguments"))
        name = call_name(function)
        if function is not None and function.type == "field_expression":
            receiver = function.child_by_field_name("value")
            if name in _RUST_PASS_THROUGH and receiver is not None and not args:
                return self.evaluate(receiver, depth)
            if name in self._NUMERIC_METHODS or self.safe_call(name, node):
                return Built("0")
            return None
        if function is not None and self.ctx.text(function) in {"String::from", "str::to_string"}:
            return self.evaluate(args[0], depth) if len(args) == 1 else None
        return Built("0") if self.safe_call(name, node) else None

    def _macro(self, node: Node, depth: int) -> Built | None:
        """`format!("... {} ...", x)` / `format!("... {x} ...")`: each placeholder is a part."""
        macro = node.child_by_field_name("macro")
        if macro is None or self.ctx.text(macro) != "format":
            return None
        tree = next((c for c in node.named_children if c.type == "token_tree"), None)
        tokens = _arguments(tree)
        if not tokens or tokens[0].type not in self.string_types:
            return None
        template = _literal(self.ctx, tokens[0]).text
        args = _rust_macro_args(tree, tokens[0]) if tree is not None else []
        parts: list[Built] = []
        position = 0
        last = 0
        for match in _RUST_PLACEHOLDER.finditer(template):
            parts.append(Built(template[last : match.start()]))
            last = match.end()
            if match.group("arg") is None:
                parts.append(Built(match.group(0)[0]))
                continue
            key = match.group("arg").strip()
            if not key or key.isdigit():
                index = int(key) if key else position
                position += 0 if key else 1
                arg = args[index] if index < len(args) else None
                parts.append(self._macro_arg(arg, depth))
            else:
                parts.append(self._named_capture(key, node, depth))
        parts.append(Built(template[last:]))
        return self.build(node, "`format!`", parts)

    def _macro_arg(self, tokens: list[Node] | None, depth: int) -> Built:
        """One argument of `format!`: a single token is evaluated, anything longer is a hole."""
        if not tokens:
            return UNKNOWN
        if len(tokens) == 1:
            return self.evaluate(tokens[0], depth + 1)
        if len(tokens) == 2 and tokens[0].type == "&":
            return self.evaluate(tokens[1], depth + 1)
        return UNKNOWN

    def _named_capture(self, name: str, node: Node, depth: int) -> Built:
        """`{table}` inside the template captures the local `table`."""
        if is_constant_name(name):
            return self._constant_named(name, depth)
        flowing = self._flowing(node, name, depth)
        if flowing is not None:
            return flowing
        defs = self.definitions().get((self.scope_of(node).id, name), [])
        reaching = self._reaching(defs, node)
        if reaching:
            return self._merge(name, reaching, depth)
        return self.unknown(name)


def _rust_macro_args(tree: Node, template: Node) -> list[list[Node]]:
    """The comma-separated token groups after the template in a macro's token tree."""
    children = tree.children
    index = next((i for i, c in enumerate(children) if c.id == template.id), len(children))
    groups: list[list[Node]] = [[]]
    for child in children[index + 1 : -1]:  # the last child closes the tree
        if child.type == ",":
            groups.append([])
        elif child.type not in {"line_comment", "block_comment"}:
            groups[-1].append(child)
    return [g for g in groups if g]
