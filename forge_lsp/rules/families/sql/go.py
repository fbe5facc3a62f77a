"""How Go builds strings, for the SQL family: `+` and `fmt.Sprintf`."""

from __future__ import annotations

from forge_lsp.rules.families.sql.evaluator import (
    CONSTANT,
    Built,
    Node,
    _arguments,
    _FormatMixin,
    _inner,
    _literal,
    call_name,
)
from forge_lsp.rules.families.sql.text import is_constant_name


class GoEvaluator(_FormatMixin):
    """Go: `+` and `fmt.Sprintf`."""

    scope_types = frozenset({"function_declaration", "method_declaration", "func_literal"})
    block_types = frozenset({"block", "statement_list", "source_file"})
    string_types = frozenset({"interpreted_string_literal", "raw_string_literal"})
    definitions_query = """
    (short_var_declaration left: (expression_list . (identifier) @name .)
        right: (expression_list . (_) @value .)) @def
    (var_spec name: (identifier) @name value: (expression_list . (_) @value .)) @def
    (const_spec name: (identifier) @name value: (expression_list . (_) @value .)) @def
    (assignment_statement left: (expression_list . (identifier) @name .) operator: "="
        right: (expression_list . (_) @value .)) @def
    (assignment_statement left: (expression_list . (identifier) @name .) operator: "+="
        right: (expression_list . (_) @value .)) @aug
    """
    _LITERALS = frozenset(
        {
            "interpreted_string_literal",
            "raw_string_literal",
            "rune_literal",
            "int_literal",
            "float_literal",
            "imaginary_literal",
            "true",
            "false",
            "nil",
            "iota",
        }
    )
    _NUMERIC_CALLS = frozenset(
        {"Itoa", "FormatInt", "FormatUint", "FormatFloat", "FormatBool", "len", "cap"}
    )

    def expression(self, node: Node, depth: int) -> Built | None:
        kind = node.type
        if kind in self._LITERALS:
            return _literal(self.ctx, node)
        if kind == "binary_expression":
            return self.plus(node, depth, node.child_by_field_name("operator"))
        if kind == "parenthesized_expression":
            inner = _inner(node)
            return None if inner is None else self.evaluate(inner, depth)
        if kind == "call_expression":
            return self._call(node, depth)
        if kind == "selector_expression":
            return CONSTANT if is_constant_name(call_name(node)) else None
        return None

    def _call(self, node: Node, depth: int) -> Built | None:
        function = node.child_by_field_name("function")
        args = _arguments(node.child_by_field_name("arguments"))
        name = call_name(function)
        if function is not None and function.type == "selector_expression":
            operand = function.child_by_field_name("operand")
            if (
                operand is not None
                and self.ctx.text(operand) == "fmt"
                and name == "Sprintf"
                and args
            ):
                template = self.evaluate(args[0], depth + 1)
                if template.dynamic:
                    return None
                return self.printf(node, "`fmt.Sprintf()`", template, args[1:], depth)
        if function is not None and function.type == "selector_expression":
            operand = function.child_by_field_name("operand")
            if name == "String" and not args and operand is not None:
                # `b.String()` of a local `strings.Builder` / `bytes.Buffer`: its writes.
                items = self.collected(operand, depth)
                if items is not None:
                    return self.build(node, "`strings.Builder`", items)
            if (
                name == "Join"
                and operand is not None
                and self.ctx.text(operand) == "strings"
                and len(args) == 2
            ):
                separator = self.evaluate(args[1], depth + 1)
                items = self.collected(args[0], depth)
                if items is not None and not separator.dynamic:
                    return self.joined(node, separator.text, items)
        if name in self._NUMERIC_CALLS or self.safe_call(name, node):
            return Built("0")
        return None

    def list_items(self, node: Node) -> list[Node] | None:
        """`[]string{"a", "b"}`: the elements of a slice literal."""
        if node.type != "composite_literal":
            return None
        body = node.child_by_field_name("body")
        if body is None:
            return []
        items = []
        for element in _arguments(body):
            if element.type == "keyed_element":
                return None  # a map or struct literal
            inner = _arguments(element)
            items.append(inner[0] if element.type == "literal_element" and inner else element)
        return items

    def empty_builder(self, node: Node) -> bool:
        """`var b strings.Builder` (a zero value) or `b := strings.Builder{}`."""
        return node.type == "var_spec" and node.child_by_field_name("value") is None
