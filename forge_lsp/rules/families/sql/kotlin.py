"""How Kotlin builds strings, for the SQL family: templates, `+` and `format`."""

from __future__ import annotations

import re

from forge_lsp.rules.families.sql.evaluator import (
    CONSTANT,
    UNKNOWN,
    Built,
    Node,
    _arguments,
    _FormatMixin,
    _inner,
    _literal,
)
from forge_lsp.rules.families.sql.text import is_constant_name

_KOTLIN_TEMPLATE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*")


class KotlinEvaluator(_FormatMixin):
    """Kotlin: string templates (`"$x"`, `"${x}"`), `+`, `String.format` / `"...".format`."""

    scope_types = frozenset({"function_declaration", "anonymous_function", "lambda_literal"})
    block_types = frozenset({"block", "source_file", "statements"})
    string_types = frozenset({"string_literal", "multiline_string_literal"})
    definitions_query = """
    (property_declaration (variable_declaration (identifier) @name) "=" (_) @value) @def
    (assignment left: (identifier) @name "=" right: (_) @value) @def
    (assignment left: (identifier) @name "+=" right: (_) @value) @aug
    """
    _LITERALS = frozenset({"number_literal", "float_literal", "character_literal"})
    _PASS_THROUGH = frozenset(
        {"trimIndent", "trimMargin", "trim", "toString", "uppercase", "lowercase"}
    )
    _NUMERIC = frozenset({"size", "length", "count", "toInt", "toLong", "ordinal", "hashCode"})

    def expression(self, node: Node, depth: int) -> Built | None:
        kind = node.type
        if kind in self._LITERALS:
            return _literal(self.ctx, node)
        if kind in self.string_types:
            return self._template(node, depth)
        if kind == "parenthesized_expression":
            inner = _inner(node)
            return None if inner is None else self.evaluate(inner, depth)
        if kind == "binary_expression":
            operator = next((c for c in node.children if not c.is_named), None)
            return self.plus(node, depth, operator)
        if kind == "navigation_expression":
            last = node.named_children[-1] if node.named_child_count else None
            text = self.ctx.text(last) if last is not None else ""
            if text in self._NUMERIC:
                return Built("0")
            return CONSTANT if is_constant_name(text) else None
        if kind == "call_expression":
            return self._call(node, depth)
        return None

    def _template(self, node: Node, depth: int) -> Built:
        """A string literal, with a hole per `$name` / `${expression}` template entry."""
        parts: list[Built] = []
        dynamic_entry = False
        children = [c for c in node.children if c.is_named]
        skip_name = False
        for child in children:
            text = self.ctx.text(child)
            if child.type == "interpolation":
                inner = _inner(child)
                parts.append(UNKNOWN if inner is None else self.evaluate(inner, depth + 1))
                dynamic_entry = True
            elif child.type == "string_content" and text == "$":
                # tree-sitter-kotlin 1.1 splits `"...$name..."` into `$` and `name...` pieces.
                skip_name = True
            elif skip_name:
                skip_name = False
                name = _KOTLIN_TEMPLATE_NAME.match(text)
                if name is None:
                    parts.append(Built("$" + text))
                    continue
                parts.append(self._simple_entry(name.group(0), node, depth))
                parts.append(Built(text[name.end() :]))
                dynamic_entry = True
            else:
                parts.append(Built(text))
        if not dynamic_entry:
            return Built("".join(p.text for p in parts))
        return self.build(node, "a string template", parts)

    def _simple_entry(self, name: str, node: Node, depth: int) -> Built:
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

    def _build_string(self, node: Node, depth: int) -> Built | None:
        """`buildString { append("..."); append(x) }`: the lambda's appends, in order."""
        lam = next((c for c in node.named_children if c.type == "annotated_lambda"), None)
        body = lam.named_children[0] if lam is not None and lam.named_children else None
        if body is None or body.type != "lambda_literal":
            return None
        statements: list[Node] = []
        for child in body.named_children:
            statements.extend(child.named_children if child.type == "statements" else [child])
        parts: list[Built] = []
        for statement in statements:
            callee = statement.named_children[0] if statement.named_child_count else None
            if statement.type != "call_expression" or callee is None:
                continue
            if callee.type != "identifier" or self.ctx.text(callee) not in {"append", "appendLine"}:
                continue
            arguments = next(
                (c for c in statement.named_children if c.type == "value_arguments"), None
            )
            values = [a.named_children[-1] for a in _arguments(arguments) if a.named_child_count]
            parts.extend(self.evaluate(v, depth + 1) for v in values[:1])
        return self.build(node, "`buildString`", parts) if parts else None

    def _call(self, node: Node, depth: int) -> Built | None:
        callee = node.named_children[0] if node.named_child_count else None
        arguments = next((c for c in node.named_children if c.type == "value_arguments"), None)
        values = [a.named_children[-1] for a in _arguments(arguments) if a.named_child_count]
        if callee is not None and callee.type == "call_expression":  # a trailing lambda
            inner = callee.named_children[0] if callee.named_child_count else None
            last = inner.named_children[-1] if inner is not None and inner.named_children else None
            joins = last is not None and self.ctx.text(last) == "joinToString"
            return Built("0") if joins and self._placeholders_only(node) else None
        if callee is None or callee.type != "navigation_expression":
            name = self.ctx.text(callee) if callee is not None else ""
            if name == "buildString":
                return self._build_string(node, depth)
            if name == "StringBuilder":
                return None
            return Built("0") if self.safe_call(name, node) else None
        receiver = callee.named_children[0]
        name = self.ctx.text(callee.named_children[-1])
        if name == "format" and self.ctx.text(receiver) == "String" and values:
            template = self.evaluate(values[0], depth + 1)
            if template.dynamic:
                return None
            return self.printf(node, "`String.format()`", template, values[1:], depth)
        if name == "format" and receiver.type in self.string_types:
            template = self.evaluate(receiver, depth + 1)
            if template.dynamic:
                return None
            return self.printf(node, "`String.format()`", template, values, depth)
        if name in self._PASS_THROUGH:
            return self.evaluate(receiver, depth)
        if name == "joinToString" and self._placeholders_only(node):
            return Built("0")  # `ids.joinToString(",") { "?" }`
        if name in self._NUMERIC or self.safe_call(name, node):
            return Built("0")
        return None
