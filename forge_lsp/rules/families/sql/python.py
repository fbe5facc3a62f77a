"""How Python builds strings, for the SQL family: `+`, f-strings, `%` and `str.format()`."""

from __future__ import annotations

import re

from forge_lsp.rules.families.sql.evaluator import (
    CONSTANT,
    FRAGMENT,
    UNKNOWN,
    Built,
    Node,
    _arguments,
    _FormatMixin,
    _inner,
    _literal,
    call_name,
    concatenated,
    numeric_sum,
)
from forge_lsp.rules.families.sql.text import (
    is_constant_name,
    is_fragment_name,
    numeric_verb,
    printf_verbs,
)


class PythonEvaluator(_FormatMixin):
    """Python: `+`, f-strings, `%` formatting and `str.format()`."""

    scope_types = frozenset({"function_definition", "lambda", "class_definition"})
    block_types = frozenset({"block", "module"})
    string_types = frozenset({"string"})
    list_types = frozenset({"list", "tuple"})
    definitions_query = """
    (assignment left: (identifier) @name right: (_) @value) @def
    (augmented_assignment left: (identifier) @name operator: "+=" right: (_) @value) @aug
    """
    _NUMERIC_SPEC = re.compile(r"[bdoxXneEfFgG%]$")
    _NUMERIC_CALLS = frozenset({"int", "float", "len", "bool", "round", "abs", "id", "hash"})
    _COMPREHENSIONS = frozenset({"generator_expression", "list_comprehension"})

    def expression(self, node: Node, depth: int) -> Built | None:
        kind = node.type
        if kind == "string":
            return self._string(node, depth)
        if kind == "concatenated_string":
            parts = [self.evaluate(c, depth + 1) for c in _arguments(node)]
            return self.build(node, "an f-string", parts)
        if kind == "binary_operator":
            return self._binary(node, depth)
        if kind == "call":
            return self._call(node, depth)
        if kind in {"integer", "float", "true", "false", "none"}:
            return _literal(self.ctx, node)
        if kind == "parenthesized_expression":
            inner = _inner(node)
            return None if inner is None else self.evaluate(inner, depth)
        if kind == "attribute":
            name = call_name(node)
            if is_constant_name(name):
                return CONSTANT
            return FRAGMENT if is_fragment_name(name) else None
        if kind == "conditional_expression":
            named = _arguments(node)
            if len(named) == 3:
                return self.choice(
                    [self.evaluate(named[0], depth + 1), self.evaluate(named[2], depth + 1)]
                )
        return None

    def _string(self, node: Node, depth: int) -> Built:
        if not any(c.type == "interpolation" for c in node.children):
            return _literal(self.ctx, node)
        parts = []
        for child in node.children:
            if child.type != "interpolation":
                parts.append(_literal(self.ctx, child))
                continue
            spec = child.child_by_field_name("format_specifier")
            expression = child.child_by_field_name("expression")
            if spec is not None and self._NUMERIC_SPEC.search(self.ctx.text(spec)):
                parts.append(Built("0"))
            elif expression is not None:
                parts.append(self.evaluate(expression, depth + 1))
        return self.build(node, "an f-string", parts)

    def _binary(self, node: Node, depth: int) -> Built | None:
        operator = node.child_by_field_name("operator")
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if operator is None or left is None or right is None:
            return None
        if operator.type in {"-", "/", "//"}:
            return Built("0")  # only numbers come out of these operators
        if operator.type == "+":
            if numeric_sum(left, right):
                return Built("0")
            parts = [self.evaluate(operand, depth + 1) for operand in concatenated(node)]
            return self.build(node, "concatenation", parts)
        if operator.type == "%":
            template = self.evaluate(left, depth + 1)
            if template.dynamic or "%" not in template.text:
                return None
            if right.type == "identifier":
                # `"DROP DATABASE %(dbname)s" % params` with `params = {...}` just above.
                value = self.assigned_value(right)
                right = (
                    value if value is not None and value.type in {"dictionary", "tuple"} else right
                )
            if right.type == "dictionary":
                # `%(name)s` pairs by key, not position: every value counts unless all are `%d`.
                values = [p.child_by_field_name("value") for p in _arguments(right)]
                args = [v for v in values if v is not None]
                if not printf_verbs(template.text) or not all(
                    numeric_verb(v) for v in printf_verbs(template.text)
                ):
                    parts = [template, *(self.evaluate(a, depth + 1) for a in args)]
                    return self.build(node, "`%` formatting", parts)
                return self.build(node, "`%` formatting", [template])
            args = _arguments(right) if right.type == "tuple" else [right]
            return self.printf(node, "`%` formatting", template, args, depth)
        return None

    def _call(self, node: Node, depth: int) -> Built | None:
        function = node.child_by_field_name("function")
        args = _arguments(node.child_by_field_name("arguments"))
        name = call_name(function)
        if function is not None and function.type == "attribute" and name == "format":
            receiver = function.child_by_field_name("object")
            template = self.evaluate(receiver, depth + 1) if receiver is not None else UNKNOWN
            if template.dynamic or "{" not in template.text:
                return None  # e.g. psycopg's `sql.SQL(...).format(...)`, which quotes safely
            values = [a.child_by_field_name("value") or a for a in args]
            parts = [template, *(self.evaluate(v, depth + 1) for v in values)]
            return self.build(node, "`str.format()`", parts)
        if name in self._NUMERIC_CALLS or self.safe_call(name, node):
            return Built("0")
        arguments = node.child_by_field_name("arguments")
        if arguments is not None and arguments.type == "generator_expression":
            args = [arguments]  # `f(x for x in xs)`: the generator is the argument list
        if name == "join" and len(args) == 1 and args[0].type in self._COMPREHENSIONS:
            # `", ".join(self.quote_name(c) for c in columns)`: safe when every item is.
            body = args[0].child_by_field_name("body")
            if body is not None and not self.evaluate(body, depth + 1).dynamic:
                return Built("0")
        if name == "join" and len(args) == 1 and function is not None:
            # `" ".join(parts)` of a list built here: `parts = [...]`, `parts.append(...)`.
            receiver = function.child_by_field_name("object")
            separator = self.evaluate(receiver, depth + 1) if receiver is not None else UNKNOWN
            items = self.collected(args[0], depth)
            if not separator.dynamic and items is not None:
                return self.joined(node, separator.text, items)
        if name == "str" and len(args) == 1:
            return self.evaluate(args[0], depth + 1)
        return None
