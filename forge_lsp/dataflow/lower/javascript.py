"""JavaScript, TypeScript and TSX lowering: one module serves the three grammars."""

from __future__ import annotations

from forge_lsp.dataflow import ir
from forge_lsp.dataflow.ir import Node
from forge_lsp.dataflow.lower._common import (
    APPEND_METHODS,
    PUT_METHODS,
    dotted,
    named,
    root_name,
    text,
    unquote,
)

_MEMBER = {"member_expression": ("object", "property")}
_CHAIN = {"member_expression": ("object", "property"), "subscript_expression": ("object", "index")}
_EXITS = frozenset({"process.exit", "process.abort"})
_FUNCTIONS = frozenset(
    {
        "function_declaration",
        "generator_function_declaration",
        "function_expression",
        "function",
        "generator_function",
        "arrow_function",
        "method_definition",
    }
)
_SKIPPED = frozenset(
    {
        "function_declaration",
        "generator_function_declaration",
        "class_declaration",
        "abstract_class_declaration",
        "interface_declaration",
        "type_alias_declaration",
        "enum_declaration",
        "empty_statement",
        "comment",
        "debugger_statement",
        "ambient_declaration",
        "module",
        "internal_module",
    }
)
# Wrappers whose value is their one inner expression.
_WRAPPERS = frozenset(
    {
        "parenthesized_expression",
        "await_expression",
        "as_expression",
        "satisfies_expression",
        "non_null_expression",
        "type_assertion",
        "spread_element",
        "unary_expression",
    }
)


class JavaScriptLowering:
    function_types = _FUNCTIONS

    # ------------------------------------------------------------------ functions

    def lower(self, function: Node, source: bytes) -> ir.FunctionIR:
        if function.type not in _FUNCTIONS:
            return ir.FunctionIR(function, "", (), self._statements(named(function), source))
        name_node = function.child_by_field_name("name")
        name = text(name_node, source)
        parent = function.parent
        if not name and parent is not None and parent.type == "variable_declarator":
            name = text(parent.child_by_field_name("name"), source)
        params_node = function.child_by_field_name("parameters")
        params: tuple[ir.Param, ...]
        if params_node is None:
            single = function.child_by_field_name("parameter")  # `x => x`
            params = (ir.Param(text(single, source), single),) if single is not None else ()
        else:
            params = self._params(params_node, source)
        body = function.child_by_field_name("body")
        if body is None:
            block: ir.Block = ()
        elif body.type == "statement_block":
            block = self._statements(named(body), source)
        else:
            block = (ir.Return(body, body),)
        return ir.FunctionIR(
            function,
            name,
            params,
            block,
            self._decorators(function, source),
            text(function.child_by_field_name("return_type"), source).lstrip(": "),
        )

    def _decorators(self, function: Node, source: bytes) -> tuple[str, ...]:
        out: list[str] = [text(d, source) for d in function.children if d.type == "decorator"]
        sibling = function.prev_named_sibling
        while sibling is not None and sibling.type in {"decorator", "comment"}:
            if sibling.type == "decorator":
                out.append(text(sibling, source))
            sibling = sibling.prev_named_sibling
        return tuple(out)

    def _params(self, node: Node, source: bytes) -> tuple[ir.Param, ...]:
        out: list[ir.Param] = []
        for child in named(node):
            pattern = child
            kind = ""
            if child.type in {"required_parameter", "optional_parameter"}:
                pattern = child.child_by_field_name("pattern") or child
                type_node = child.child_by_field_name("type")
                kind = text(type_node, source).lstrip(": ").strip()
            if pattern.type == "assignment_pattern":
                pattern = pattern.child_by_field_name("left") or pattern
            if pattern.type == "rest_pattern":
                inner = named(pattern)
                pattern = inner[0] if inner else pattern
            if pattern.type in {"identifier", "this"}:
                out.append(ir.Param(text(pattern, source), child, kind))
            else:
                # `({query}) => ..`: the destructured names are parameters of their own.
                for name in self._pattern_names(pattern, source):
                    out.append(ir.Param(name, child, kind))
        return tuple(out)

    def _pattern_names(self, node: Node, source: bytes) -> list[str]:
        if node.type in {"identifier", "shorthand_property_identifier_pattern"}:
            return [text(node, source)]
        out: list[str] = []
        for child in named(node):
            if child.type == "pair_pattern":
                value = child.child_by_field_name("value")
                out.extend(self._pattern_names(value, source) if value is not None else [])
            elif child.type in {"assignment_pattern", "object_assignment_pattern"}:
                left = child.child_by_field_name("left") or (named(child) or [child])[0]
                out.extend(self._pattern_names(left, source))
            else:
                out.extend(self._pattern_names(child, source))
        return out

    # ------------------------------------------------------------------ statements

    def _statements(self, nodes: list[Node], source: bytes) -> ir.Block:
        out: list[ir.Statement] = []
        for node in nodes:
            out.extend(self._statement(node, source))
        return tuple(out)

    def _body(self, node: Node | None, source: bytes) -> ir.Block:
        if node is None:
            return ()
        if node.type == "statement_block":
            return self._statements(named(node), source)
        return tuple(self._statement(node, source))

    def _statement(self, node: Node, source: bytes) -> list[ir.Statement]:
        kind = node.type
        if kind in _SKIPPED:
            return []
        if kind == "statement_block":
            return list(self._statements(named(node), source))
        if kind in {"lexical_declaration", "variable_declaration"}:
            out: list[ir.Statement] = []
            for declarator in named(node):
                if declarator.type != "variable_declarator":
                    continue
                # `let x;` holds `undefined` (the declarator's shape) until assigned.
                value = declarator.child_by_field_name("value") or declarator
                target = declarator.child_by_field_name("name")
                out.extend(self._targets(target, value, node, source, ir.Op.SET))
            return out
        if kind == "expression_statement":
            return self._expression_statement(node, source)
        if kind == "return_statement":
            values = named(node)
            return [ir.Return(node, values[0] if values else None)]
        if kind == "throw_statement":
            return [ir.Jump(node, ir.JumpKind.RAISE)]
        if kind == "break_statement":
            return [ir.Jump(node, ir.JumpKind.BREAK)]
        if kind == "continue_statement":
            return [ir.Jump(node, ir.JumpKind.CONTINUE)]
        if kind == "if_statement":
            return [self._if(node, source)]
        if kind in {"while_statement", "do_statement"}:
            body = self._body(node.child_by_field_name("body"), source)
            return [ir.Loop(node, (), body, node.child_by_field_name("condition"))]
        if kind == "for_statement":
            header = self._statement_or_expression(node.child_by_field_name("initializer"), source)
            steps = list(self._body(node.child_by_field_name("body"), source))
            steps.extend(
                self._statement_or_expression(node.child_by_field_name("increment"), source)
            )
            condition = node.child_by_field_name("condition")
            if condition is not None and condition.type == "expression_statement":
                inner = named(condition)
                condition = inner[0] if inner else None
            return [ir.Loop(node, tuple(header), tuple(steps), condition)]
        if kind == "for_in_statement":
            left = node.child_by_field_name("left")
            right = node.child_by_field_name("right")
            targets = self._targets(left, right, node, source, ir.Op.ELEMENT)
            loop_body = self._body(node.child_by_field_name("body"), source)
            return [ir.Loop(node, tuple(targets), loop_body)]
        if kind == "try_statement":
            return [self._try(node, source)]
        if kind == "switch_statement":
            return self._switch(node, source)
        if kind == "labeled_statement":
            return list(self._body(node.child_by_field_name("body"), source))
        if kind == "export_statement":
            declaration = node.child_by_field_name("declaration")
            return self._statement(declaration, source) if declaration is not None else []
        if kind in {"import_statement"}:
            return self._imports(node, source)
        return [ir.Effect(node)]

    def _statement_or_expression(self, node: Node | None, source: bytes) -> list[ir.Statement]:
        if node is None:
            return []
        if node.type.endswith("statement") or node.type.endswith("declaration"):
            return self._statement(node, source)
        return self._expression(node, node, source)

    def _imports(self, node: Node, source: bytes) -> list[ir.Statement]:
        out: list[ir.Statement] = []
        stack = list(node.named_children)
        while stack:
            child = stack.pop()
            if child.type == "identifier":
                out.append(ir.Assign(text(child, source), None, node))
            elif child.type in {"import_clause", "named_imports", "namespace_import"}:
                stack.extend(child.named_children)
            elif child.type == "import_specifier":
                alias = child.child_by_field_name("alias") or child.child_by_field_name("name")
                if alias is not None:
                    out.append(ir.Assign(text(alias, source), None, node))
        return out

    def _if(self, node: Node, source: bytes) -> ir.If:
        # An `else if` chain nests through `else_clause`; build it from the end.
        chain: list[Node] = []
        current: Node | None = node
        orelse: ir.Block = ()
        while current is not None:
            chain.append(current)
            alternative = current.child_by_field_name("alternative")
            current = None
            if alternative is not None:
                inner = named(alternative)
                if len(inner) == 1 and inner[0].type == "if_statement":
                    current = inner[0]
                else:
                    orelse = self._statements(inner, source)
        for link in reversed(chain):
            then = self._body(link.child_by_field_name("consequence"), source)
            orelse = (ir.If(link, link.child_by_field_name("condition"), then, orelse),)
        result = orelse[0]
        assert isinstance(result, ir.If)
        return result

    def _try(self, node: Node, source: bytes) -> ir.Try:
        body = self._body(node.child_by_field_name("body"), source)
        handlers: list[ir.Handler] = []
        handler = node.child_by_field_name("handler")
        if handler is not None:
            parameter = handler.child_by_field_name("parameter")
            name = text(parameter, source) if parameter is not None else None
            hbody = self._body(handler.child_by_field_name("body"), source)
            handlers.append(ir.Handler(handler, name if name else None, hbody))
        final: ir.Block = ()
        finalizer = node.child_by_field_name("finalizer")
        if finalizer is not None:
            final = self._body(finalizer.child_by_field_name("body"), source)
        return ir.Try(node, body, tuple(handlers), final)

    def _switch(self, node: Node, source: bytes) -> list[ir.Statement]:
        body = node.child_by_field_name("body")
        cases = [c for c in named(body) if c.type in {"switch_case", "switch_default"}]
        orelse: ir.Block = ()
        # With a `default`, some case always runs: the default ends the chain unwrapped.
        default = [c for c in cases if c.type == "switch_default"]
        if default:
            orelse = self._case_body(default[-1], source)
        for case in reversed(cases):
            if case.type == "switch_default":
                continue
            orelse = (ir.If(case, None, self._case_body(case, source), orelse),)
        # A `break` in a case leaves the switch: the switch is a loop that runs once.
        subject = node.child_by_field_name("value")
        effect: list[ir.Statement] = [ir.Effect(subject)] if subject is not None else []
        return [*effect, ir.Loop(node, (), orelse, once=True)]

    def _case_body(self, case: Node, source: bytes) -> ir.Block:
        statements = [
            case.children[i]
            for i in range(case.child_count)
            if case.field_name_for_child(i) == "body"
        ]
        return self._statements(statements, source)

    def _expression_statement(self, node: Node, source: bytes) -> list[ir.Statement]:
        children = named(node)
        if not children:
            return []
        return self._expression(children[0], node, source)

    def _expression(self, expr: Node, node: Node, source: bytes) -> list[ir.Statement]:
        kind = expr.type
        if kind == "await_expression":
            inner = named(expr)
            return self._expression(inner[0], node, source) if inner else [ir.Effect(node)]
        if kind == "sequence_expression":
            return [s for part in named(expr) for s in self._expression(part, node, source)]
        if kind == "assignment_expression":
            left = expr.child_by_field_name("left")
            right = expr.child_by_field_name("right")
            out: list[ir.Statement] = []
            # `a = b = v`
            while right is not None and right.type == "assignment_expression":
                out.extend(
                    self._targets(left, right.child_by_field_name("right"), node, source, ir.Op.SET)
                )
                left = right.child_by_field_name("left")
                right = right.child_by_field_name("right")
            out.extend(self._targets(left, right, node, source, ir.Op.SET))
            return out
        if kind == "augmented_assignment_expression":
            left = expr.child_by_field_name("left")
            right = expr.child_by_field_name("right")
            if left is not None and left.type == "identifier":
                return [ir.Assign(text(left, source), right, node, ir.Op.APPEND)]
            if left is not None and _is_this_field(left, source):
                return [ir.Assign(text(left, source), right, node, ir.Op.APPEND)]
            root = root_name(left, source, _CHAIN)
            return [ir.Assign(root, right, node, ir.Op.PUT)] if root else [ir.Effect(node)]
        if kind == "call_expression":
            return self._call_statement(expr, node, source)
        return [ir.Effect(node)]

    def _call_statement(self, call: Node, node: Node, source: bytes) -> list[ir.Statement]:
        function = call.child_by_field_name("function")
        callee = dotted(function, source, _MEMBER)
        if callee in _EXITS:
            return [ir.Jump(node, ir.JumpKind.RAISE)]
        if function is not None and function.type == "member_expression":
            method = text(function.child_by_field_name("property"), source)
            receiver = function.child_by_field_name("object")
            root = root_name(receiver, source, _CHAIN)
            if receiver is not None and _is_this_field(receiver, source):
                root = text(receiver, source)
            args = named(call.child_by_field_name("arguments"))
            if root and args and method in PUT_METHODS | APPEND_METHODS:
                op = ir.Op.APPEND if method in APPEND_METHODS else ir.Op.PUT
                key = self._key(args[0], source) if len(args) > 1 else None
                return [ir.Assign(root, args[-1], node, op, key)]
        return [ir.Effect(node)]

    def _targets(
        self, target: Node | None, value: Node | None, node: Node, source: bytes, op: ir.Op
    ) -> list[ir.Assign]:
        if target is None:
            return []
        kind = target.type
        if kind in {"identifier", "shorthand_property_identifier_pattern"}:
            return [ir.Assign(text(target, source), value, node, op)]
        if kind in {"lexical_declaration", "variable_declaration"}:  # `for (const x of xs)`
            declarators = [d for d in named(target) if d.type == "variable_declarator"]
            if declarators:
                return self._targets(
                    declarators[0].child_by_field_name("name"), value, node, source, op
                )
            return []
        if kind in {"array_pattern", "object_pattern"}:
            out: list[ir.Assign] = []
            for child in named(target):
                if child.type == "pair_pattern":
                    out.extend(
                        self._targets(
                            child.child_by_field_name("value"), value, node, source, ir.Op.ELEMENT
                        )
                    )
                elif child.type in {"assignment_pattern", "object_assignment_pattern"}:
                    left = child.child_by_field_name("left") or (named(child) or [child])[0]
                    out.extend(self._targets(left, value, node, source, ir.Op.ELEMENT))
                elif child.type == "rest_pattern":
                    inner = named(child)
                    out.extend(
                        self._targets(
                            inner[0] if inner else None, value, node, source, ir.Op.ELEMENT
                        )
                    )
                else:
                    out.extend(self._targets(child, value, node, source, ir.Op.ELEMENT))
            return out
        if kind == "member_expression":
            if _is_this_field(target, source):
                return [ir.Assign(text(target, source), value, node, op)]
            root = root_name(target, source, _CHAIN)
            prop = text(target.child_by_field_name("property"), source)
            return [ir.Assign(root, value, node, ir.Op.PUT, prop)] if root else []
        if kind == "subscript_expression":
            root = root_name(target, source, _CHAIN)
            key = self._key(target.child_by_field_name("index"), source)
            return [ir.Assign(root, value, node, ir.Op.PUT, key)] if root else []
        if kind == "parenthesized_expression":
            inner = named(target)
            return self._targets(inner[0], value, node, source, op) if inner else []
        return []

    def _key(self, node: Node | None, source: bytes) -> str | None:
        if node is None or node.type != "string":
            return None
        return unquote(text(node, source))

    # ------------------------------------------------------------------ expressions

    def expression(self, node: Node, source: bytes) -> ir.Expr:
        kind = node.type
        if kind in {"identifier", "shorthand_property_identifier"}:
            name = text(node, source)
            return ir.Literal("undefined", "null") if name == "undefined" else ir.Name(name)
        if kind == "string":
            return ir.Literal(unquote(text(node, source)))
        if kind in {"string_fragment", "escape_sequence"}:
            return ir.Literal(text(node, source))
        if kind == "template_string":
            return self._template(node, source)
        if kind == "number":
            return ir.Literal(text(node, source), "number")
        if kind in {"true", "false"}:
            return ir.Literal(kind, "bool")
        if kind in {"null", "undefined"}:
            return ir.Literal(kind, "null")
        if kind == "variable_declarator":  # declared without a value
            return ir.Literal("undefined", "null")
        if kind == "this":
            return ir.Name("this")
        if kind == "member_expression":
            obj = node.child_by_field_name("object")
            prop = text(node.child_by_field_name("property"), source)
            if obj is None:
                return ir.Opaque()
            if obj.type == "this":
                return ir.Name(f"this.{prop}")
            return ir.Attribute(obj, prop, dotted(node, source, _MEMBER))
        if kind == "subscript_expression":
            obj = node.child_by_field_name("object")
            return (
                ir.Index(obj, node.child_by_field_name("index")) if obj is not None else ir.Opaque()
            )
        if kind == "call_expression":
            return self._call(node, source)
        if kind == "new_expression":
            constructor = node.child_by_field_name("constructor")
            args = tuple(named(node.child_by_field_name("arguments")))
            return ir.Call(dotted(constructor, source, _MEMBER), None, args)
        if kind == "binary_expression":
            return self._binary(node, source)
        if kind == "ternary_expression":
            options = (
                node.child_by_field_name("consequence"),
                node.child_by_field_name("alternative"),
            )
            present = tuple(o for o in options if o is not None)
            return ir.Choice(node.child_by_field_name("condition"), present)
        if kind == "array":
            return ir.Collection(tuple(named(node)))
        if kind == "object":
            return self._object(node, source)
        if kind in _WRAPPERS:
            inner = named(node)
            if kind == "unary_expression":
                operator = node.child_by_field_name("operator")
                if operator is not None and operator.type in {"typeof", "!", "void", "delete"}:
                    return ir.Opaque()
            return ir.Opaque(tuple(inner[-1:]))
        return ir.Opaque()

    def _template(self, node: Node, source: bytes) -> ir.Expr:
        parts: list[Node] = []
        dynamic = False
        for child in named(node):
            if child.type == "template_substitution":
                inner = named(child)
                parts.extend(inner[:1])
                dynamic = True
            else:
                parts.append(child)
        if not dynamic:
            return ir.Literal("".join(text(p, source) for p in parts))
        return ir.Concat(tuple(parts), "a template literal")

    def _object(self, node: Node, source: bytes) -> ir.Expr:
        items: list[Node] = []
        keys: list[str] = []
        for child in named(node):
            if child.type == "pair":
                value = child.child_by_field_name("value")
                key = child.child_by_field_name("key")
                if value is None:
                    return ir.Opaque()
                items.append(value)
                if key is not None and key.type == "property_identifier":
                    keys.append(text(key, source))
                else:
                    keys.append(self._key(key, source) or "")
            elif child.type == "shorthand_property_identifier":
                items.append(child)
                keys.append(text(child, source))
            elif child.type == "spread_element":
                items.append(child)
                keys.append("")
            else:
                return ir.Opaque()
        return ir.Collection(tuple(items), tuple(keys))

    def _binary(self, node: Node, source: bytes) -> ir.Expr:
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        operator = node.child_by_field_name("operator")
        if left is None or right is None or operator is None:
            return ir.Opaque()
        if operator.type == "+":
            return ir.Concat((left, right), "concatenation")
        if operator.type in {"||", "??"}:
            return ir.Choice(None, (left, right))
        if operator.type in {"-", "*", "/", "%", "**", "|", "&", "^", "<<", ">>", ">>>"}:
            return ir.Opaque((left, right))
        return ir.Opaque()  # a comparison: a boolean, not made of its operands

    def _call(self, node: Node, source: bytes) -> ir.Expr:
        function = node.child_by_field_name("function")
        arguments = node.child_by_field_name("arguments")
        if arguments is not None and arguments.type == "template_string":  # sql`...`
            return ir.Call(dotted(function, source, _MEMBER), None, (arguments,))
        args = tuple(named(arguments))
        receiver = None
        if function is not None and function.type == "member_expression":
            receiver = function.child_by_field_name("object")
            method = text(function.child_by_field_name("property"), source)
            if receiver is not None:
                if method == "join":
                    return ir.Concat((receiver, *args[:1]), "`join`")
                if method == "concat":
                    return ir.Concat((receiver, *args), "`concat`")
                if method in {"split", "map", "filter", "slice", "reverse", "sort", "flat"}:
                    return ir.Opaque((receiver,))
        callee = dotted(function, source, _MEMBER)
        if callee == "util.format" and args:
            return ir.Concat(args, "`util.format`")
        if not callee and function is not None and function.type == "member_expression":
            callee = text(function.child_by_field_name("property"), source)
        return ir.Call(callee, receiver, args)


def _is_this_field(node: Node, source: bytes) -> bool:
    obj = node.child_by_field_name("object")
    return node.type == "member_expression" and obj is not None and obj.type == "this"


LOWERING = JavaScriptLowering()
