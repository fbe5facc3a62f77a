"""How Java builds strings, for the SQL family: `+`, `String.format` and `StringBuilder`."""

from __future__ import annotations

import tree_sitter

from forge_lsp.rules.base import compile_query
from forge_lsp.rules.families.sql.evaluator import (
    CONSTANT,
    Built,
    Node,
    Site,
    _arguments,
    _FormatMixin,
    _inner,
    _literal,
    call_name,
)
from forge_lsp.rules.families.sql.text import is_constant_name


class JavaEvaluator(_FormatMixin):
    """Java: `+`, `String.format`, `"...".formatted` and `StringBuilder` appends."""

    scope_types = frozenset(
        {
            "method_declaration",
            "constructor_declaration",
            "lambda_expression",
            "static_initializer",
            "compact_constructor_declaration",
        }
    )
    block_types = frozenset({"block", "program", "class_body", "switch_block_statement_group"})
    string_types = frozenset({"string_literal", "text_block"})
    definitions_query = """
    (variable_declarator name: (identifier) @name value: (_) @value) @def
    (assignment_expression left: (identifier) @name operator: "=" right: (_) @value) @def
    (assignment_expression left: (identifier) @name operator: "+=" right: (_) @value) @aug
    """
    _APPENDS = """
    (method_invocation object: (_) name: (identifier) @method arguments: (argument_list . (_) @arg)
        (#eq? @method "append")) @call
    """
    _LITERALS = frozenset(
        {
            "string_literal",
            "text_block",
            "character_literal",
            "decimal_integer_literal",
            "hex_integer_literal",
            "octal_integer_literal",
            "binary_integer_literal",
            "decimal_floating_point_literal",
            "hex_floating_point_literal",
            "true",
            "false",
            "null_literal",
        }
    )
    _NUMERIC_CALLS = frozenset(
        {
            "parseInt",
            "parseLong",
            "parseDouble",
            "size",
            "length",
            "intValue",
            "longValue",
            "ordinal",
            "hashCode",
            "count",
        }
    )
    _BUILDERS = frozenset({"StringBuilder", "StringBuffer"})

    def expression(self, node: Node, depth: int) -> Built | None:
        kind = node.type
        if kind in self._LITERALS:
            return _literal(self.ctx, node)
        if kind == "binary_expression":
            return self.plus(node, depth, node.child_by_field_name("operator"))
        if kind == "parenthesized_expression":
            inner = _inner(node)
            return None if inner is None else self.evaluate(inner, depth)
        if kind == "cast_expression":
            value = node.child_by_field_name("value")
            return None if value is None else self.evaluate(value, depth)
        if kind == "ternary_expression":
            branches = [
                node.child_by_field_name("consequence"),
                node.child_by_field_name("alternative"),
            ]
            return self.choice([self.evaluate(b, depth + 1) for b in branches if b is not None])
        if kind == "field_access":
            field = node.child_by_field_name("field")
            return (
                CONSTANT if field is not None and is_constant_name(self.ctx.text(field)) else None
            )
        if kind == "method_invocation":
            return self._call(node, depth)
        return None

    def _call(self, node: Node, depth: int) -> Built | None:
        receiver = node.child_by_field_name("object")
        name = call_name(node)
        args = _arguments(node.child_by_field_name("arguments"))
        receiver_text = self.ctx.text(receiver) if receiver is not None else ""
        if name == "format" and receiver_text == "String" and args:
            template = self.evaluate(args[0], depth + 1)
            if template.dynamic:
                return None
            return self.printf(node, "`String.format()`", template, args[1:], depth)
        if name == "formatted" and receiver is not None:
            template = self.evaluate(receiver, depth + 1)
            if template.dynamic:
                return None
            return self.printf(node, "`String.formatted()`", template, args, depth)
        if name == "valueOf" and receiver_text == "String" and len(args) == 1:
            return self.evaluate(args[0], depth + 1)
        if (
            name == "toString"
            and receiver is not None
            and receiver.type == "identifier"
            and not args
        ):
            return self._builder(receiver, depth)
        if name in self._NUMERIC_CALLS or self.safe_call(name, node):
            return Built("0")
        return None

    def _builder(self, ident: Node, depth: int) -> Built | None:
        """`sb.toString()` of a local `StringBuilder`: its constructor text plus its appends."""
        scope = self.scope_of(ident)
        name = self.ctx.text(ident)
        defs = self._reaching(self.definitions().get((scope.id, name), []), ident)
        if len(defs) != 1 or defs[0].value.type != "object_creation_expression":
            return None
        created = defs[0].value
        type_node = created.child_by_field_name("type")
        if type_node is None or self.ctx.text(type_node) not in self._BUILDERS:
            return None
        parts = [
            self.evaluate(a, depth + 1)
            for a in _arguments(created.child_by_field_name("arguments"))
        ]
        # `new StringBuilder(256)` or `new StringBuilder(prefix)`: only appends are followed.
        parts = [p if not p.dynamic else Built(p.text) for p in parts]
        site: Site | None = None
        for arg in self._appended(scope, name, defs[0].statement.end_byte, ident.start_byte):
            part = self.evaluate(arg, depth + 1)
            parts.append(part)
            if part.dynamic and site is None:
                site = (
                    part.sites[0]
                    if part.via_var and part.sites
                    else Site(arg, "`StringBuilder.append()`")
                )
        text = "".join(p.text for p in parts)
        if site is None:
            return Built(text)
        holes = tuple(h for p in parts for h in p.holes)
        return Built(text, True, (site,), via_var=True, holes=holes)

    def _appended(self, scope: Node, name: str, start: int, end: int) -> list[Node]:
        """Arguments of `name.append(...)` calls (chained or not) between two byte offsets."""
        query = compile_query(self.ctx.language.name, self.ctx.language.grammar, self._APPENDS)
        found = []
        for _, caps in tree_sitter.QueryCursor(query).matches(scope):
            call, arg = caps["call"][0], caps["arg"][0]
            if not start <= call.start_byte < end:
                continue
            root = call.child_by_field_name("object")
            while root is not None and root.type == "method_invocation":
                root = root.child_by_field_name("object")
            if root is not None and root.type == "identifier" and self.ctx.text(root) == name:
                found.append(arg)
        return sorted(found, key=lambda n: n.start_byte)
