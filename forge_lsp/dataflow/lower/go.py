"""Go's lowering: function and method bodies (and package-level `var`/`const`) into `ir`."""

from __future__ import annotations

from forge_lsp.dataflow import ir
from forge_lsp.dataflow.ir import Node
from forge_lsp.dataflow.lower._common import APPEND_METHODS, dotted, named, root_name, text, unquote

_MEMBER = {"selector_expression": ("operand", "field")}
_CHAIN = {"selector_expression": ("operand", "field"), "index_expression": ("operand", "index")}
_EXITS = frozenset(
    {
        "panic",
        "os.Exit",
        "log.Fatal",
        "log.Fatalf",
        "log.Fatalln",
        "log.Panic",
        "log.Panicf",
        "t.Fatal",
        "t.Fatalf",
        "t.FailNow",
        "b.Fatal",
        "b.Fatalf",
        "runtime.Goexit",
    }
)
# Calls that fill the value a `&x` argument points to from the request or the data given.
_FILLERS = ("ShouldBind", "Bind", "Decode", "Unmarshal", "Scan", "BodyParser", "Parse")
# Package functions whose result is made of their first argument.
_FIRST_ARG = frozenset(
    {
        "strings.TrimSpace",
        "strings.Trim",
        "strings.TrimLeft",
        "strings.TrimRight",
        "strings.TrimPrefix",
        "strings.TrimSuffix",
        "strings.ToLower",
        "strings.ToUpper",
        "strings.Title",
        "strings.Split",
        "strings.SplitN",
        "strings.Fields",
        "strings.Repeat",
        "bytes.TrimSpace",
        "filepath.Clean",
        "path.Clean",
    }
)
_CONCAT = frozenset({"fmt.Sprintf", "fmt.Sprint", "fmt.Sprintln", "fmt.Errorf", "errors.New"})
_LITERALS = {
    "int_literal": "number",
    "float_literal": "number",
    "imaginary_literal": "number",
    "rune_literal": "number",
    "true": "bool",
    "false": "bool",
    "nil": "null",
    "iota": "number",
}
_SKIPPED = frozenset(
    {"comment", "type_declaration", "import_declaration", "package_clause", "empty_statement"}
)


class GoLowering:
    function_types = frozenset({"function_declaration", "method_declaration", "func_literal"})

    # ------------------------------------------------------------------ functions

    def lower(self, function: Node, source: bytes) -> ir.FunctionIR:
        if function.type not in self.function_types:
            statements = [
                c for c in named(function) if c.type in {"var_declaration", "const_declaration"}
            ]
            return ir.FunctionIR(function, "", (), self._statements(statements, source))
        params: list[ir.Param] = []
        for declaration in named(function.child_by_field_name("parameters")):
            kind = text(declaration.child_by_field_name("type"), source)
            for name in declaration.children_by_field_name("name"):
                params.append(ir.Param(text(name, source), declaration, kind))
        return ir.FunctionIR(
            function,
            text(function.child_by_field_name("name"), source),
            tuple(params),
            self._body(function.child_by_field_name("body"), source),
            (),
            text(function.child_by_field_name("result"), source),
        )

    # ------------------------------------------------------------------ statements

    def _body(self, node: Node | None, source: bytes) -> ir.Block:
        if node is None:
            return ()
        if node.type in {"block", "statement_list"}:
            children: list[Node] = []
            for child in named(node):
                children.extend(named(child) if child.type == "statement_list" else [child])
            return self._statements(children, source)
        return tuple(self._statement(node, source))

    def _statements(self, nodes: list[Node], source: bytes) -> ir.Block:
        out: list[ir.Statement] = []
        for node in nodes:
            out.extend(self._statement(node, source))
        return tuple(out)

    def _statement(self, node: Node, source: bytes) -> list[ir.Statement]:
        kind = node.type
        if kind in _SKIPPED:
            return []
        if kind in {"block", "statement_list"}:
            return list(self._body(node, source))
        if kind in {"var_declaration", "const_declaration"}:
            out: list[ir.Statement] = []
            specs = [
                s for c in named(node) for s in (named(c) if c.type.endswith("_spec_list") else [c])
            ]
            for spec in specs:
                names = spec.children_by_field_name("name")
                value = spec.child_by_field_name("value")
                values = named(value)
                for i, name in enumerate(names):
                    target = text(name, source)
                    if target == "_":
                        continue
                    if len(values) == len(names):
                        out.append(ir.Assign(target, values[i], node))
                    elif values:
                        out.append(ir.Assign(target, values[0], node, ir.Op.ELEMENT))
                    else:  # `var s string`: the zero value
                        out.append(ir.Assign(target, spec, node))
            return out
        if kind in {"short_var_declaration", "assignment_statement"}:
            return self._assignment(node, source)
        if kind in {"inc_statement", "dec_statement"}:
            targets = named(node)
            if targets and targets[0].type == "identifier":
                return [ir.Assign(text(targets[0], source), node, node, ir.Op.APPEND)]
            return [ir.Effect(node)]
        if kind == "expression_statement":
            return self._expression_statement(node, source)
        if kind == "return_statement":
            values = named(node)
            if values and values[0].type == "expression_list":
                items = named(values[0])
                return [ir.Return(node, items[0] if len(items) == 1 else values[0])]
            return [ir.Return(node, values[0] if values else None)]
        if kind == "break_statement":
            return [ir.Jump(node, ir.JumpKind.BREAK)]
        if kind == "continue_statement":
            return [ir.Jump(node, ir.JumpKind.CONTINUE)]
        if kind == "goto_statement":
            return [ir.Jump(node, ir.JumpKind.RAISE)]
        if kind == "if_statement":
            return self._if(node, source)
        if kind == "for_statement":
            return [self._for(node, source)]
        if kind in {"expression_switch_statement", "type_switch_statement", "select_statement"}:
            return self._switch(node, source)
        if kind == "labeled_statement":
            inner = [c for c in named(node) if c.type != "label_name"]
            return [s for c in inner for s in self._statement(c, source)]
        return [ir.Effect(node)]

    def _assignment(self, node: Node, source: bytes) -> list[ir.Statement]:
        lefts = named(node.child_by_field_name("left"))
        rights = named(node.child_by_field_name("right"))
        operator = node.child_by_field_name("operator")
        op_text = operator.type if operator is not None else ":="
        out: list[ir.Statement] = []
        for right in rights:
            out.extend(self._fills(right, node, source))
        for i, left in enumerate(lefts):
            if len(rights) == len(lefts):
                value: Node | None = rights[i]
                op = ir.Op.SET
            else:
                value = rights[0] if rights else None
                op = ir.Op.ELEMENT
            if op_text not in {"=", ":="}:
                op = ir.Op.APPEND
            out.extend(self._target(left, value, node, source, op))
        return out

    def _target(
        self, left: Node, value: Node | None, node: Node, source: bytes, op: ir.Op
    ) -> list[ir.Statement]:
        if left.type == "identifier":
            name = text(left, source)
            return [] if name == "_" else [ir.Assign(name, value, node, op)]
        if left.type in {"index_expression", "selector_expression"}:
            root = root_name(left, source, _CHAIN)
            key = None
            if left.type == "index_expression":
                index = left.child_by_field_name("index")
                if index is not None and index.type in {
                    "interpreted_string_literal",
                    "raw_string_literal",
                }:
                    key = self._string(index, source)
            else:
                key = text(left.child_by_field_name("field"), source)
            return [ir.Assign(root, value, node, ir.Op.PUT, key)] if root else []
        if left.type in {"parenthesized_expression", "unary_expression"}:  # `*p = v`
            inner = named(left)
            return self._target(inner[-1], value, node, source, ir.Op.PUT) if inner else []
        return []

    def _fills(self, expr: Node, node: Node, source: bytes) -> list[ir.Statement]:
        """`c.ShouldBindJSON(&req)`, `json.Unmarshal(data, &v)`: `req`/`v` get the call's data."""
        if expr.type != "call_expression":
            return []
        function = expr.child_by_field_name("function")
        if function is None or function.type != "selector_expression":
            return []
        method = text(function.child_by_field_name("field"), source)
        if not method.startswith(_FILLERS):
            return []
        args = named(expr.child_by_field_name("arguments"))
        out: list[ir.Statement] = []
        for arg in args:
            if arg.type == "unary_expression" and text(arg, source).startswith("&"):
                inner = named(arg)
                if inner and inner[-1].type == "identifier":
                    value = args[0] if method == "Unmarshal" and args[0] is not arg else expr
                    out.append(ir.Assign(text(inner[-1], source), value, node, ir.Op.PUT))
        return out

    def _expression_statement(self, node: Node, source: bytes) -> list[ir.Statement]:
        children = named(node)
        if not children or children[0].type != "call_expression":
            return [ir.Effect(node)]
        call = children[0]
        function = call.child_by_field_name("function")
        callee = dotted(function, source, _MEMBER)
        if callee in _EXITS:
            return [ir.Jump(node, ir.JumpKind.RAISE)]
        filled = self._fills(call, node, source)
        if filled:
            return filled
        args = named(call.child_by_field_name("arguments"))
        if function is not None and function.type == "selector_expression":
            method = text(function.child_by_field_name("field"), source)
            receiver = function.child_by_field_name("operand")
            root = root_name(receiver, source, _CHAIN)
            if root and args and method in APPEND_METHODS:
                return [ir.Assign(root, a, node, ir.Op.APPEND) for a in args[-1:]]
        if callee in {"fmt.Fprintf", "fmt.Fprint", "fmt.Fprintln"} and len(args) > 1:
            # `fmt.Fprintf(&b, "...", x)` writes into the builder `b`.
            target = args[0]
            inner = named(target) if target.type == "unary_expression" else [target]
            if inner and inner[-1].type == "identifier":
                return [ir.Assign(text(inner[-1], source), call, node, ir.Op.APPEND)]
        return [ir.Effect(node)]

    def _if(self, node: Node, source: bytes) -> list[ir.Statement]:
        chain: list[Node] = []
        current: Node | None = node
        orelse: ir.Block = ()
        while current is not None:
            chain.append(current)
            alternative = current.child_by_field_name("alternative")
            current = None
            if alternative is not None:
                if (
                    alternative.type == "if_statement"
                    and alternative.child_by_field_name("initializer") is None
                ):
                    current = alternative
                else:
                    orelse = self._body(alternative, source)
        for link in reversed(chain):
            then = self._body(link.child_by_field_name("consequence"), source)
            orelse = (ir.If(link, link.child_by_field_name("condition"), then, orelse),)
        initializer = node.child_by_field_name("initializer")
        before = self._statement(initializer, source) if initializer is not None else []
        return [*before, *orelse]

    def _for(self, node: Node, source: bytes) -> ir.Loop:
        body = list(self._body(node.child_by_field_name("body"), source))
        clause = next((c for c in named(node) if c.type in {"for_clause", "range_clause"}), None)
        if clause is None:
            condition = next(
                (c for c in named(node) if c != node.child_by_field_name("body")), None
            )
            return ir.Loop(node, (), tuple(body), condition)
        if clause.type == "range_clause":
            right = clause.child_by_field_name("right")
            header: list[ir.Statement] = []
            for left in named(clause.child_by_field_name("left")):
                header.extend(self._target(left, right, node, source, ir.Op.ELEMENT))
            return ir.Loop(node, tuple(header), tuple(body))
        initializer = clause.child_by_field_name("initializer")
        update = clause.child_by_field_name("update")
        init = self._statement(initializer, source) if initializer is not None else []
        if update is not None:
            body.extend(self._statement(update, source))
        return ir.Loop(node, tuple(init), tuple(body), clause.child_by_field_name("condition"))

    def _switch(self, node: Node, source: bytes) -> list[ir.Statement]:
        before: list[ir.Statement] = []
        initializer = node.child_by_field_name("initializer")
        if initializer is not None:
            before.extend(self._statement(initializer, source))
        value = node.child_by_field_name("value")
        if value is not None:
            before.append(ir.Effect(value))
        cases = [
            c
            for c in named(node)
            if c.type in {"expression_case", "default_case", "type_case", "communication_case"}
        ]
        orelse: ir.Block = ()
        default = [c for c in cases if c.type == "default_case"]
        if default:
            orelse = self._case_body(default[-1], source)
        for case in reversed(cases):
            if case.type != "default_case":
                orelse = (ir.If(case, None, self._case_body(case, source), orelse),)
        return [*before, ir.Loop(node, (), orelse, once=True)]

    def _case_body(self, case: Node, source: bytes) -> ir.Block:
        lists = [c for c in named(case) if c.type == "statement_list"]
        return self._body(lists[0], source) if lists else ()

    # ------------------------------------------------------------------ expressions

    def _string(self, node: Node, source: bytes) -> str:
        return unquote(text(node, source))

    def expression(self, node: Node, source: bytes) -> ir.Expr:
        kind = node.type
        if kind == "identifier":
            return ir.Name(text(node, source))
        if kind in {"interpreted_string_literal", "raw_string_literal"}:
            return ir.Literal(self._string(node, source))
        if kind in _LITERALS:
            return ir.Literal(text(node, source), _LITERALS[kind])
        if kind in {"inc_statement", "dec_statement"}:
            return ir.Literal("1", "number")
        if kind == "var_spec":  # a declaration without a value: the type's zero value
            return ir.Literal("", "null")
        if kind == "selector_expression":
            operand = node.child_by_field_name("operand")
            field = text(node.child_by_field_name("field"), source)
            if operand is None:
                return ir.Opaque()
            return ir.Attribute(operand, field, dotted(node, source, _MEMBER))
        if kind == "index_expression":
            operand = node.child_by_field_name("operand")
            return ir.Index(operand, node.child_by_field_name("index")) if operand else ir.Opaque()
        if kind == "call_expression":
            return self._call(node, source)
        if kind == "binary_expression":
            left = node.child_by_field_name("left")
            right = node.child_by_field_name("right")
            operator = node.child_by_field_name("operator")
            if left is None or right is None or operator is None:
                return ir.Opaque()
            if operator.type == "+":
                return ir.Concat((left, right), "concatenation")
            if operator.type in {"-", "*", "/", "%", "|", "&", "^", "<<", ">>", "&^"}:
                return ir.Opaque((left, right))
            return ir.Opaque()
        if kind == "composite_literal":
            return self._composite(node, source)
        if kind in {"literal_element"}:
            return ir.Opaque(tuple(named(node)[:1]))
        if kind == "type_conversion_expression":  # `[]byte(s)`: the operand, not the type
            operand = node.child_by_field_name("operand")
            return ir.Opaque((operand,) if operand is not None else ())
        if kind in {"parenthesized_expression", "type_assertion_expression"}:
            inner = named(node)
            return ir.Opaque(
                tuple(inner[:1]) if kind != "parenthesized_expression" else tuple(inner[-1:])
            )
        if kind == "unary_expression":
            operator = node.child_by_field_name("operator")
            operand = node.child_by_field_name("operand")
            if operator is not None and operator.type in {"&", "*", "<-", "-", "+"} and operand:
                return ir.Opaque((operand,))
            return ir.Opaque()
        if kind == "expression_list":
            return ir.Collection(tuple(named(node)))
        return ir.Opaque()

    def _composite(self, node: Node, source: bytes) -> ir.Expr:
        body = node.child_by_field_name("body")
        items: list[Node] = []
        keys: list[str] = []
        for element in named(body):
            if element.type == "keyed_element":
                parts = named(element)
                if len(parts) != 2:
                    return ir.Opaque()
                key_inner = named(parts[0])
                key = key_inner[0] if key_inner else parts[0]
                items.append(_unwrap(parts[1]))
                if key.type in {"interpreted_string_literal", "raw_string_literal"}:
                    keys.append(self._string(key, source))
                else:
                    keys.append(text(key, source))
            else:
                items.append(_unwrap(element))
                keys.append("")
        type_node = node.child_by_field_name("type")
        if type_node is not None and type_node.type not in {
            "map_type",
            "slice_type",
            "array_type",
            "implicit_length_array_type",
        }:
            # A struct literal: its fields, not a collection of constants to look up in.
            return ir.Opaque(tuple(items))
        is_map = type_node is not None and type_node.type == "map_type"
        return ir.Collection(tuple(items), tuple(keys) if is_map else ())

    def _call(self, node: Node, source: bytes) -> ir.Expr:
        function = node.child_by_field_name("function")
        args = tuple(named(node.child_by_field_name("arguments")))
        if function is None:
            return ir.Opaque()
        if function.type in {"slice_type", "array_type", "parenthesized_type"} or (
            function.type == "identifier" and text(function, source) in {"string", "append"}
        ):
            return ir.Opaque(args)
        callee = dotted(function, source, _MEMBER)
        if callee in _CONCAT and args:
            return ir.Concat(args, "`fmt.Sprintf`" if callee == "fmt.Sprintf" else callee)
        if callee in {"fmt.Fprintf", "fmt.Fprint", "fmt.Fprintln"} and len(args) > 1:
            return ir.Concat(args[1:], "`fmt.Fprintf`")  # what it writes into `args[0]`
        if callee == "strings.Join" and args:
            return ir.Concat(args, "`strings.Join`")
        if callee in _FIRST_ARG and args:
            return ir.Opaque(args[:1])
        receiver = None
        if function.type == "selector_expression":
            receiver = function.child_by_field_name("operand")
            if not callee:
                callee = text(function.child_by_field_name("field"), source)
        return ir.Call(callee, receiver, args)


def _unwrap(element: Node) -> Node:
    inner = named(element) if element.type == "literal_element" else []
    return inner[0] if len(inner) == 1 else element


LOWERING = GoLowering()
