"""Python's lowering: function bodies and module top level into `ir`, expressions into shapes."""

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
)

# A parameter's default that makes it a number (`def page(limit=0)`), like an `int` annotation.
_NUMBERS = {"integer": "int", "float": "float"}

_MEMBER = {"attribute": ("object", "attribute")}
_CHAIN = {"attribute": ("object", "attribute"), "subscript": ("value", "subscript")}
_EXITS = frozenset({"abort", "flask.abort", "sys.exit", "exit", "os._exit", "quit"})
_PATTERNS = frozenset({"pattern_list", "tuple_pattern", "list_pattern", "tuple", "list"})
_SKIPPED = frozenset(
    {
        "function_definition",
        "class_definition",
        "decorated_definition",
        "pass_statement",
        "global_statement",
        "nonlocal_statement",
        "comment",
        "future_import_statement",
        "type_alias_statement",
    }
)


class PythonLowering:
    function_types = frozenset({"function_definition", "lambda"})

    # ------------------------------------------------------------------ functions

    def lower(self, function: Node, source: bytes) -> ir.FunctionIR:
        if function.type == "lambda":
            body = function.child_by_field_name("body")
            params = self._params(function.child_by_field_name("parameters"), source)
            ret: ir.Block = () if body is None else (ir.Return(body, body),)
            return ir.FunctionIR(function, "", params, ret)
        if function.type != "function_definition":
            return ir.FunctionIR(function, "", (), self._block(function, source))
        name = text(function.child_by_field_name("name"), source)
        decorators: tuple[str, ...] = ()
        parent = function.parent
        if parent is not None and parent.type == "decorated_definition":
            decorators = tuple(
                text(d, source) for d in parent.named_children if d.type == "decorator"
            )
        return ir.FunctionIR(
            function,
            name,
            self._params(function.child_by_field_name("parameters"), source),
            self._block(function.child_by_field_name("body"), source),
            decorators,
            text(function.child_by_field_name("return_type"), source),
        )

    def _params(self, node: Node | None, source: bytes) -> tuple[ir.Param, ...]:
        out: list[ir.Param] = []
        for child in named(node):
            if child.type == "identifier":
                out.append(ir.Param(text(child, source), child))
                continue
            name = child.child_by_field_name("name")
            if name is None:
                ids = [c for c in child.named_children if c.type == "identifier"]
                name = ids[0] if ids else None
            if name is None:
                continue
            kind = child.child_by_field_name("type")
            written = text(kind, source)
            default = child.child_by_field_name("value")
            if not written and default is not None and default.type in _NUMBERS:
                written = _NUMBERS[default.type]  # `limit=0`: declared a number by its default
            out.append(ir.Param(text(name, source), child, written))
        return tuple(out)

    # ------------------------------------------------------------------ statements

    def _block(self, node: Node | None, source: bytes) -> ir.Block:
        out: list[ir.Statement] = []
        for child in named(node):
            out.extend(self._statement(child, source))
        return tuple(out)

    def _statement(self, node: Node, source: bytes) -> list[ir.Statement]:
        kind = node.type
        if kind in _SKIPPED:
            return []
        if kind == "expression_statement":
            return self._expression_statement(node, source)
        if kind == "return_statement":
            values = named(node)
            return [ir.Return(node, values[0] if values else None)]
        if kind == "raise_statement":
            return [ir.Jump(node, ir.JumpKind.RAISE)]
        if kind == "break_statement":
            return [ir.Jump(node, ir.JumpKind.BREAK)]
        if kind == "continue_statement":
            return [ir.Jump(node, ir.JumpKind.CONTINUE)]
        if kind in {"if_statement", "elif_clause"}:
            return [self._if(node, source)]
        if kind == "while_statement":
            body = self._block(node.child_by_field_name("body"), source)
            loop = ir.Loop(node, (), body, node.child_by_field_name("condition"))
            return [loop, *self._else(node, source)]
        if kind == "for_statement":
            header = self._targets(
                node.child_by_field_name("left"),
                node.child_by_field_name("right"),
                node,
                source,
                True,
            )
            body = self._block(node.child_by_field_name("body"), source)
            return [ir.Loop(node, tuple(header), body), *self._else(node, source)]
        if kind == "try_statement":
            return [self._try(node, source)]
        if kind == "with_statement":
            return self._with(node, source)
        if kind == "match_statement":
            return self._match(node, source)
        if kind == "assert_statement":
            tests = named(node)
            if tests:
                raise_ = (ir.Jump(node, ir.JumpKind.RAISE),)
                return [ir.If(node, tests[0], (), raise_)]
            return []
        if kind in {"import_statement", "import_from_statement"}:
            return self._imports(node, source)
        if kind == "block":
            return list(self._block(node, source))
        if kind == "ERROR":
            return [ir.Effect(node)]
        return [ir.Effect(node)]

    def _else(self, node: Node, source: bytes) -> list[ir.Statement]:
        alternative = node.child_by_field_name("alternative")
        if alternative is None:
            return []
        return list(self._block(alternative.child_by_field_name("body"), source))

    def _if(self, node: Node, source: bytes) -> ir.If:
        then = self._block(node.child_by_field_name("consequence"), source)
        alternatives = [
            node.children[i]
            for i in range(node.child_count)
            if node.field_name_for_child(i) == "alternative"
        ]
        # Build the elif chain from its end, without recursion.
        orelse: ir.Block = ()
        for alt in reversed(alternatives):
            if alt.type == "else_clause":
                orelse = self._block(alt.child_by_field_name("body"), source)
            else:
                block = self._block(alt.child_by_field_name("consequence"), source)
                orelse = (ir.If(alt, alt.child_by_field_name("condition"), block, orelse),)
        return ir.If(node, node.child_by_field_name("condition"), then, orelse)

    def _try(self, node: Node, source: bytes) -> ir.Try:
        body = list(self._block(node.child_by_field_name("body"), source))
        handlers: list[ir.Handler] = []
        final: ir.Block = ()
        for child in node.named_children:
            if child.type == "except_clause" or child.type == "except_group_clause":
                value = child.child_by_field_name("value")
                name = None
                types_node = value
                if value is not None and value.type == "as_pattern":
                    alias = value.child_by_field_name("alias")
                    name = text(alias, source) or None
                    types_node = value.named_children[0] if value.named_children else None
                types: tuple[str, ...] = ()
                if types_node is not None:
                    if types_node.type == "tuple":
                        types = tuple(text(t, source) for t in named(types_node))
                    else:
                        types = (text(types_node, source),)
                blocks = [c for c in child.named_children if c.type == "block"]
                hbody = self._block(blocks[-1], source) if blocks else ()
                handlers.append(ir.Handler(child, name, hbody, types))
            elif child.type == "else_clause":
                body.extend(self._block(child.child_by_field_name("body"), source))
            elif child.type == "finally_clause":
                blocks = [c for c in child.named_children if c.type == "block"]
                final = self._block(blocks[-1], source) if blocks else ()
        return ir.Try(node, tuple(body), tuple(handlers), final)

    def _with(self, node: Node, source: bytes) -> list[ir.Statement]:
        out: list[ir.Statement] = []
        for clause in node.named_children:
            if clause.type != "with_clause":
                continue
            for item in clause.named_children:
                value = item.child_by_field_name("value")
                if value is not None and value.type == "as_pattern":
                    alias = value.child_by_field_name("alias")
                    target = alias.named_children[0] if alias and alias.named_children else alias
                    inner = value.named_children[0] if value.named_children else None
                    out.extend(self._targets(target, inner, item, source, False))
                elif value is not None:
                    out.append(ir.Effect(item))
        out.extend(self._block(node.child_by_field_name("body"), source))
        return out

    def _match(self, node: Node, source: bytes) -> list[ir.Statement]:
        body = node.child_by_field_name("body")
        cases = [c for c in named(body) if c.type == "case_clause"]
        orelse: ir.Block = ()
        # A last `case _:` (no guard) always matches: it ends the chain unwrapped.
        if cases and self._catch_all(cases[-1], source):
            orelse = self._block(cases[-1].child_by_field_name("consequence"), source)
            cases = cases[:-1]
        for case in reversed(cases):
            block = self._block(case.child_by_field_name("consequence"), source)
            orelse = (ir.If(case, None, block, orelse),)
        return [ir.Effect(node.child_by_field_name("subject") or node), *orelse]

    def _catch_all(self, case: Node, source: bytes) -> bool:
        if case.child_by_field_name("guard") is not None:
            return False
        patterns = [c for c in case.named_children if c.type == "case_pattern"]
        return len(patterns) == 1 and text(patterns[0], source).strip() in {"_", ""}

    def _imports(self, node: Node, source: bytes) -> list[ir.Statement]:
        out: list[ir.Statement] = []
        for child in node.named_children:
            if node.type == "import_from_statement" and child == node.child_by_field_name(
                "module_name"
            ):
                continue
            if child.type == "aliased_import":
                alias = child.child_by_field_name("alias")
                out.append(ir.Assign(text(alias, source), None, node))
            elif child.type == "dotted_name":
                out.append(ir.Assign(text(child, source).split(".")[0], None, node))
        return out

    def _expression_statement(self, node: Node, source: bytes) -> list[ir.Statement]:
        children = named(node)
        if not children:
            return []
        expr = children[0]
        if expr.type == "assignment":
            return self._assignment(expr, node, source)
        if expr.type == "augmented_assignment":
            left = expr.child_by_field_name("left")
            right = expr.child_by_field_name("right")
            target = self._target_name(left, source)
            if left is not None and left.type == "identifier":
                return [ir.Assign(target, right, node, ir.Op.APPEND)]
            root = root_name(left, source, _CHAIN)
            return [ir.Assign(root, right, node, ir.Op.PUT)] if root else [ir.Effect(node)]
        if expr.type == "string":
            return []  # a docstring
        if expr.type == "call":
            return self._call_statement(expr, node, source)
        return [ir.Effect(node)]

    def _call_statement(self, call: Node, node: Node, source: bytes) -> list[ir.Statement]:
        function = call.child_by_field_name("function")
        callee = dotted(function, source, _MEMBER)
        if callee in _EXITS:
            return [ir.Jump(node, ir.JumpKind.RAISE)]
        if function is not None and function.type == "attribute":
            method = text(function.child_by_field_name("attribute"), source)
            receiver = function.child_by_field_name("object")
            root = root_name(receiver, source, _CHAIN)
            args = named(call.child_by_field_name("arguments"))
            values = [a.child_by_field_name("value") or a for a in args]
            if root and values and method in PUT_METHODS | APPEND_METHODS:
                op = ir.Op.APPEND if method in APPEND_METHODS else ir.Op.PUT
                key = None
                if method in {"setdefault", "insert"} and len(values) > 1:
                    key = self._key(values[0], source)
                    values = values[1:]
                return [ir.Assign(root, v, node, op, key) for v in values[-1:]]
        return [ir.Effect(node)]

    def _assignment(self, expr: Node, node: Node, source: bytes) -> list[ir.Statement]:
        # `a = b = v`: every target gets `v`.
        targets: list[Node] = []
        right: Node | None = expr
        while right is not None and right.type == "assignment":
            left = right.child_by_field_name("left")
            if left is not None:
                targets.append(left)
            right = right.child_by_field_name("right")
        out: list[ir.Statement] = []
        for target in targets:
            out.extend(self._targets(target, right, node, source, False))
        return out

    def _targets(
        self, target: Node | None, value: Node | None, node: Node, source: bytes, element: bool
    ) -> list[ir.Assign]:
        if target is None:
            return []
        op = ir.Op.ELEMENT if element else ir.Op.SET
        kind = target.type
        if kind == "identifier":
            return [ir.Assign(text(target, source), value, node, op)]
        if kind in _PATTERNS:
            parts = named(target)
            if (
                not element
                and value is not None
                and value.type in {"tuple", "list", "expression_list"}
            ):
                items = named(value)
                if len(items) == len(parts) and not any(
                    p.type == "list_splat_pattern" for p in parts
                ):
                    out: list[ir.Assign] = []
                    for part, item in zip(parts, items, strict=True):
                        out.extend(self._targets(part, item, node, source, False))
                    return out
            return [a for p in parts for a in self._targets(p, value, node, source, True)]
        if kind in {"list_splat_pattern", "parenthesized_expression"}:
            inner = named(target)
            return self._targets(inner[0], value, node, source, element) if inner else []
        if kind == "attribute":
            obj = target.child_by_field_name("object")
            if obj is not None and text(obj, source) in {"self", "cls"}:
                return [ir.Assign(self._target_name(target, source), value, node, op)]
            root = root_name(target, source, _CHAIN)
            attr = text(target.child_by_field_name("attribute"), source)
            return [ir.Assign(root, value, node, ir.Op.PUT, attr)] if root else []
        if kind == "subscript":
            root = root_name(target, source, _CHAIN)
            key = self._key(target.child_by_field_name("subscript"), source)
            return [ir.Assign(root, value, node, ir.Op.PUT, key)] if root else []
        return []

    def _target_name(self, node: Node | None, source: bytes) -> str:
        if node is None:
            return ""
        if node.type == "attribute":
            return dotted(node, source, _MEMBER)
        return text(node, source)

    def _key(self, node: Node | None, source: bytes) -> str | None:
        if node is None or node.type != "string":
            return None
        shape = self.expression(node, source)
        return shape.text if isinstance(shape, ir.Literal) else None

    # ------------------------------------------------------------------ expressions

    def expression(self, node: Node, source: bytes) -> ir.Expr:
        kind = node.type
        if kind == "identifier":
            return ir.Name(text(node, source))
        if kind == "string":
            return self._string(node, source)
        if kind in {"string_content", "escape_sequence"}:
            return ir.Literal(text(node, source))
        if kind == "concatenated_string":
            return ir.Concat(tuple(named(node)), "concatenation")
        if kind in {"integer", "float"}:
            return ir.Literal(text(node, source), "number")
        if kind in {"true", "false"}:
            return ir.Literal(text(node, source), "bool")
        if kind == "none":
            return ir.Literal("None", "null")
        if kind == "attribute":
            obj = node.child_by_field_name("object")
            name = text(node.child_by_field_name("attribute"), source)
            if (
                obj is not None
                and obj.type == "identifier"
                and text(obj, source) in {"self", "cls"}
            ):
                return ir.Name(f"{text(obj, source)}.{name}")
            if obj is None:
                return ir.Opaque()
            return ir.Attribute(obj, name, dotted(node, source, _MEMBER))
        if kind == "subscript":
            obj = node.child_by_field_name("value")
            key = node.child_by_field_name("subscript")
            return ir.Index(obj, key) if obj is not None else ir.Opaque()
        if kind == "call":
            return self._call(node, source)
        if kind == "binary_operator":
            return self._binary(node, source)
        if kind == "conditional_expression":
            parts = named(node)
            if len(parts) == 3:
                return ir.Choice(parts[1], (parts[0], parts[2]))
        if kind == "boolean_operator":
            return ir.Choice(None, tuple(named(node)))
        if kind in {"list", "tuple", "set", "expression_list"}:
            return ir.Collection(tuple(named(node)))
        if kind == "dictionary":
            items: list[Node] = []
            keys: list[str] = []
            for pair in named(node):
                value = pair.child_by_field_name("value")
                if value is None:
                    return ir.Opaque()
                items.append(value)
                keys.append(self._key(pair.child_by_field_name("key"), source) or "")
            return ir.Collection(tuple(items), tuple(keys))
        if kind in {"parenthesized_expression", "await", "unary_operator", "named_expression"}:
            inner = named(node)
            if kind == "named_expression":
                value = node.child_by_field_name("value")
                return ir.Opaque((value,)) if value is not None else ir.Opaque()
            return ir.Opaque(tuple(inner[-1:]))
        if kind in {"list_comprehension", "generator_expression", "set_comprehension"}:
            body = node.child_by_field_name("body")
            return ir.Opaque(() if body is None else (body,))
        return ir.Opaque()

    def _string(self, node: Node, source: bytes) -> ir.Expr:
        parts = [
            c
            for c in node.named_children
            if c.type in {"string_content", "interpolation", "escape_sequence"}
        ]
        if not any(p.type == "interpolation" for p in parts):
            return ir.Literal("".join(text(p, source) for p in parts))
        pieces: list[Node] = []
        for part in parts:
            if part.type == "interpolation":
                expression = part.child_by_field_name("expression")
                if expression is not None:
                    pieces.append(expression)
            else:
                pieces.append(part)
        return ir.Concat(tuple(pieces), "an f-string")

    def _binary(self, node: Node, source: bytes) -> ir.Expr:
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        operator = node.child_by_field_name("operator")
        if left is None or right is None or operator is None:
            return ir.Opaque()
        if operator.type == "+":
            return ir.Concat((left, right), "concatenation")
        if operator.type == "%" and left.type in {"string", "concatenated_string", "identifier"}:
            args = named(right) if right.type == "tuple" else [right]
            return ir.Concat((left, *args), "`%` formatting")
        return ir.Opaque((left, right))

    def _call(self, node: Node, source: bytes) -> ir.Expr:
        function = node.child_by_field_name("function")
        arguments = node.child_by_field_name("arguments")
        args: list[Node] = []
        keywords: list[tuple[str, Node]] = []
        for arg in named(arguments):
            if arg.type == "keyword_argument":
                value = arg.child_by_field_name("value")
                if value is not None:
                    keywords.append((text(arg.child_by_field_name("name"), source), value))
            elif arg.type in {"list_splat", "dictionary_splat"}:
                inner = named(arg)
                args.extend(inner[:1])
            else:
                args.append(arg)
        if arguments is not None and arguments.type == "generator_expression":
            args = [arguments]
        receiver = None
        if function is not None and function.type == "attribute":
            receiver = function.child_by_field_name("object")
            method = text(function.child_by_field_name("attribute"), source)
            if receiver is not None:
                if method == "join" and len(args) == 1:
                    return ir.Concat((receiver, args[0]), "`join`")
                if method in {"format", "format_map"}:
                    return ir.Concat((receiver, *args, *(v for _, v in keywords)), "`str.format()`")
                if method in {"split", "rsplit", "splitlines", "partition", "rpartition"}:
                    return ir.Opaque((receiver,))
        callee = dotted(function, source, _MEMBER)
        if not callee and function is not None and function.type == "attribute":
            callee = text(function.child_by_field_name("attribute"), source)
        return ir.Call(callee, receiver, tuple(args), tuple(keywords))


LOWERING = PythonLowering()
