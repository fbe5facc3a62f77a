"""How JavaScript, TypeScript and TSX build strings, for the SQL family."""

from __future__ import annotations

from forge_lsp.rules.families.sql.evaluator import (
    CONSTANT,
    FRAGMENT,
    UNKNOWN,
    Built,
    Evaluator,
    Node,
    _arguments,
    _inner,
    _literal,
    call_name,
)
from forge_lsp.rules.families.sql.text import is_constant_name, is_fragment_name


class JavaScriptEvaluator(Evaluator):
    """JavaScript / TypeScript / TSX: `+` and template literals (tagged templates are calls)."""

    scope_types = frozenset(
        {
            "function_declaration",
            "function_expression",
            "arrow_function",
            "method_definition",
            "generator_function_declaration",
            "generator_function",
            "class_static_block",
            "function",
        }
    )
    block_types = frozenset({"statement_block", "program"})
    string_types = frozenset({"string", "template_string"})
    list_types = frozenset({"array"})
    definitions_query = """
    (variable_declarator name: (identifier) @name value: (_) @value) @def
    (assignment_expression left: (identifier) @name right: (_) @value) @def
    (augmented_assignment_expression left: (identifier) @name operator: "+=" right: (_) @value) @aug
    """
    _WRAPPERS = frozenset(
        {
            "parenthesized_expression",
            "as_expression",
            "non_null_expression",
            "satisfies_expression",
            "type_assertion",
        }
    )
    _NUMERIC_CALLS = frozenset(
        {"Number", "parseInt", "parseFloat", "toFixed", "floor", "ceil", "round"}
    )

    def expression(self, node: Node, depth: int) -> Built | None:
        kind = node.type
        if kind in {"string", "number", "true", "false", "null", "undefined"}:
            return _literal(self.ctx, node)
        if kind == "template_string":
            return self._template(node, depth)
        if kind == "binary_expression":
            return self.plus(node, depth, node.child_by_field_name("operator"))
        if kind in self._WRAPPERS:
            inner = _inner(node)
            return None if inner is None else self.evaluate(inner, depth)
        if kind == "ternary_expression":
            branches = [
                node.child_by_field_name("consequence"),
                node.child_by_field_name("alternative"),
            ]
            return self.choice([self.evaluate(b, depth + 1) for b in branches if b is not None])
        if kind == "member_expression":
            name = call_name(node)
            if name == "length" or is_constant_name(name):
                return CONSTANT
            return FRAGMENT if is_fragment_name(name) else None
        if kind == "call_expression":
            return self._call(node, depth)
        return None

    def _template(self, node: Node, depth: int) -> Built:
        if not any(c.type == "template_substitution" for c in node.children):
            return _literal(self.ctx, node)
        parts = []
        for child in node.children:
            if child.type == "template_substitution":
                inner = _inner(child)
                parts.append(UNKNOWN if inner is None else self.evaluate(inner, depth + 1))
            else:
                parts.append(_literal(self.ctx, child))
        return self.build(node, "a template literal", parts)

    def _call(self, node: Node, depth: int) -> Built | None:
        function = node.child_by_field_name("function")
        arguments = node.child_by_field_name("arguments")
        if arguments is None or arguments.type != "arguments":
            return None  # a tagged template: the tag decides how values are spliced
        name = call_name(function)
        if name in self._NUMERIC_CALLS or self.safe_call(name, node):
            return Built("0")
        args = _arguments(arguments)
        if name == "join" and function is not None and self._maps_to_constant(function, depth):
            return Built("0")
        if name == "join" and function is not None and len(args) <= 1:
            # `parts.join(" ")` of an array built here: `[...]`, then `parts.push(...)`.
            receiver = function.child_by_field_name("object")
            separator = self.evaluate(args[0], depth + 1) if args else Built(",")
            items = self.collected(receiver, depth) if receiver is not None else None
            if items is not None and not separator.dynamic:
                return self.joined(node, separator.text, items)
        if name == "String" and len(args) == 1:
            return self.evaluate(args[0], depth + 1)
        return None

    def _maps_to_constant(self, join: Node, depth: int) -> bool:
        """`cols.map((c) => this.escape(c)).join(", ")`: the mapped items are all safe."""
        mapped = join.child_by_field_name("object")
        if (
            mapped is None
            or mapped.type != "call_expression"
            or call_name(mapped.child_by_field_name("function")) != "map"
        ):
            return False
        callback = _arguments(mapped.child_by_field_name("arguments"))[:1]
        if not callback or callback[0].type != "arrow_function":
            return False
        body = callback[0].child_by_field_name("body")
        if body is None or body.type == "statement_block":
            return False
        # `ids.map((_, i) => `$${i + 1}`)`: the second parameter is the numeric index.
        params = _arguments(callback[0].child_by_field_name("parameters"))
        index = self.ctx.text(params[1]) if len(params) > 1 else ""
        self.numeric_names.add(index)
        try:
            return not self.evaluate(body, depth + 1).dynamic
        finally:
            self.numeric_names.discard(index)
