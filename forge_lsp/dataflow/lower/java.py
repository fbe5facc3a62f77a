"""Java's lowering: method and lambda bodies (and class field initializers) into `ir`.

Statements: local variables, assignments and compound assignments, `StringBuilder.append`
chains (one APPEND per call), collection `put`/`add` (PUT), `if`, `switch` (a chain of `If`s
with condition None), `for`, enhanced `for` (its variable an ELEMENT of the iterable), `while`,
`do`/`while`, `try` (with resources as assignments), `return`, `throw`, `break`, `continue`.
Expressions: `+`, `String.format`, `"...".formatted`, `String.join`, `String.valueOf`, `concat`
(Concat); `map.get(k)`, `a[i]` (Index); `Map.of`, `List.of`, array initializers (Collection);
`c ? a : b` and switch expressions (Choice); casts and pass-through methods (Opaque of parts).
"""

from __future__ import annotations

from forge_lsp.dataflow import ir
from forge_lsp.dataflow.ir import Node
from forge_lsp.dataflow.lower._jvm_rust import (
    DelegatingLowering,
    builder_statement,
    named,
    plus_chain,
    string_key,
    switch_chain,
    text,
)

FUNCTION_TYPES = frozenset({"method_declaration", "constructor_declaration", "lambda_expression"})
# Nodes an expression walk does not enter: their insides are functions or statements of their own.
_OPAQUE_INSIDE = frozenset(
    {"lambda_expression", "class_body", "switch_expression", "switch_block", "method_reference"}
)
_APPEND = frozenset({"append", "insert"})
# `x.trim()`: the value is the receiver's, reshaped.
_PASS_THROUGH = frozenset(
    {
        "toString",
        "trim",
        "strip",
        "stripLeading",
        "stripTrailing",
        "toLowerCase",
        "toUpperCase",
        "intern",
        "substring",
        "replace",
        "replaceAll",
        "getBytes",
        "toCharArray",
        "orElse",
        "orElseThrow",
        "orElseGet",
        "get",
        "getValue",
    }
)
# Streams and readers that wrap another (`new Scanner(System.in)`): made of what they wrap.
_WRAPPERS = frozenset(
    {
        "Scanner",
        "BufferedReader",
        "InputStreamReader",
        "DataInputStream",
        "BufferedInputStream",
        "PushbackInputStream",
        "LineNumberReader",
    }
)
# Reads from a stream or reader (`sc.nextLine()`, `br.readLine()`): made of the stream.
_READS = frozenset({"readLine", "nextLine", "next", "readAllBytes", "readUTF", "lines", "read"})
# Calls whose value is made of their arguments (`Optional.ofNullable(x)`, a null check).
_WRAPPING_CALLS = frozenset(
    {
        "Optional.ofNullable",
        "Optional.of",
        "Objects.requireNonNull",
        "Objects.requireNonNullElse",
        "StringUtils.defaultString",
        "StringUtils.trim",
        "StringUtils.trimToEmpty",
        "StringUtils.defaultIfBlank",
    }
)
_COLLECTION_FACTORIES = frozenset(
    {"List.of", "Set.of", "Arrays.asList", "Collections.singletonList", "Stream.of", "EnumSet.of"}
)
_MAP_FACTORIES = frozenset({"Map.of", "ImmutableMap.of"})
_EMPTY_COLLECTIONS = ("ArrayList", "HashMap", "LinkedHashMap", "TreeMap", "HashSet", "LinkedList")
_LITERALS = {
    "string_literal": "string",
    "text_block": "string",
    "character_literal": "string",
    "decimal_integer_literal": "number",
    "hex_integer_literal": "number",
    "octal_integer_literal": "number",
    "binary_integer_literal": "number",
    "decimal_floating_point_literal": "number",
    "hex_floating_point_literal": "number",
    "true": "bool",
    "false": "bool",
    "null_literal": "null",
}
_CLASS_PARTS = frozenset(
    {
        "class_body",
        "interface_body",
        "enum_body",
        "enum_body_declarations",
        "class_declaration",
        "interface_declaration",
        "enum_declaration",
        "record_declaration",
    }
)
_BOOLEAN_OPERATORS = frozenset({"==", "!=", "<", ">", "<=", ">=", "&&", "||", "instanceof"})


def dotted(node: Node | None, source: bytes) -> str:
    """`request.getSession().getAttribute` for a chain of names, fields, calls and `new T()`;
    "" when the chain starts with anything else (a literal, a parenthesis)."""
    parts: list[str] = []
    while node is not None:
        kind = node.type
        if kind in ("identifier", "this", "super", "type_identifier"):
            parts.append(text(node, source))
            break
        if kind == "field_access":
            parts.append(text(node.child_by_field_name("field"), source))
            node = node.child_by_field_name("object")
        elif kind == "method_invocation":
            parts.append(text(node.child_by_field_name("name"), source))
            node = node.child_by_field_name("object")
        elif kind == "object_creation_expression":
            parts.append(_type_name(node.child_by_field_name("type"), source))
            break
        elif kind in ("scoped_identifier", "scoped_type_identifier", "generic_type"):
            parts.append(_type_name(node, source))
            break
        else:
            return ""
    return ".".join(reversed(parts))


def _type_name(node: Node | None, source: bytes) -> str:
    return text(node, source).split("<", 1)[0].strip()


def local_name(node: Node | None, source: bytes) -> str | None:
    """The local name an assignment target writes: `x`, `this.x` (a field), else None."""
    if node is None:
        return None
    if node.type == "identifier":
        return text(node, source)
    if node.type == "field_access":
        obj = node.child_by_field_name("object")
        if obj is not None and obj.type == "this":
            return "this." + text(node.child_by_field_name("field"), source)
    if node.type == "parenthesized_expression" and node.named_child_count == 1:
        return local_name(node.named_children[0], source)
    return None


def _arguments(node: Node) -> tuple[Node, ...]:
    args = node.child_by_field_name("arguments")
    return tuple(named(args)) if args is not None else ()


def _literal(node: Node, source: bytes) -> ir.Literal:
    kind = _LITERALS[node.type]
    raw = text(node, source)
    if node.type == "string_literal":
        raw = "".join(text(c, source) for c in named(node))
    elif node.type == "text_block":
        raw = raw[3:-3]
    elif node.type == "character_literal":
        raw = raw[1:-1]
    return ir.Literal(raw, kind)


def expression(node: Node, source: bytes) -> ir.Expr:
    kind = node.type
    if kind in _LITERALS:
        return _literal(node, source)
    if kind == "identifier":
        return ir.Name(text(node, source))
    if kind == "this":
        return ir.Name("this")
    if kind == "field_access":
        name = local_name(node, source)
        if name is not None:
            return ir.Name(name)
        obj = node.child_by_field_name("object")
        field = text(node.child_by_field_name("field"), source)
        if obj is None:
            return ir.Opaque()
        return ir.Attribute(obj, field, dotted(node, source))
    if kind == "binary_expression":
        return _binary(node, source)
    if kind == "method_invocation":
        return _call(node, source)
    if kind == "object_creation_expression":
        return _new(node, source)
    if kind == "array_access":
        array = node.child_by_field_name("array")
        return ir.Index(array, node.child_by_field_name("index")) if array else ir.Opaque()
    if kind == "ternary_expression":
        options = (node.child_by_field_name("consequence"), node.child_by_field_name("alternative"))
        return ir.Choice(node.child_by_field_name("condition"), tuple(o for o in options if o))
    if kind == "switch_expression":
        return ir.Choice(None, tuple(_switch_values(node)))
    if kind in ("array_initializer",):
        return ir.Collection(tuple(named(node)))
    if kind == "array_creation_expression":
        value = node.child_by_field_name("value")
        return ir.Collection(tuple(named(value))) if value is not None else ir.Collection(())
    if kind == "cast_expression":
        value = node.child_by_field_name("value")
        return ir.Opaque((value,)) if value is not None else ir.Opaque()
    if kind == "parenthesized_expression":
        return ir.Opaque(tuple(named(node)[:1]))
    if kind == "assignment_expression":
        right = node.child_by_field_name("right")
        return ir.Opaque((right,)) if right is not None else ir.Opaque()
    if kind == "unary_expression":
        operand = node.child_by_field_name("operand")
        op = node.child_by_field_name("operator")
        if operand is None or (op is not None and text(op, source) == "!"):
            return ir.Opaque()
        return ir.Opaque((operand,))
    return ir.Opaque()


def _binary(node: Node, source: bytes) -> ir.Expr:
    op = text(node.child_by_field_name("operator"), source)
    if op in _BOOLEAN_OPERATORS:
        return ir.Opaque()
    if op != "+":
        return ir.Opaque(tuple(named(node)))
    return plus_chain(node, source)


def _call(node: Node, source: bytes) -> ir.Expr:
    name = text(node.child_by_field_name("name"), source)
    receiver = node.child_by_field_name("object")
    args = _arguments(node)
    callee = dotted(node, source) or name
    if callee in ("String.format", "String.join"):
        return ir.Concat(args, callee)
    if callee == "String.valueOf" and len(args) == 1:
        return ir.Concat(args, callee)
    if receiver is not None:
        if name == "formatted":
            return ir.Concat((receiver, *args), "formatted")
        if name == "concat":
            return ir.Concat((receiver, *args), "concat")
        if name in _APPEND and args:
            return ir.Concat((receiver, args[-1]), "StringBuilder.append")
    if callee in _WRAPPING_CALLS and args:
        return ir.Opaque(args)
    if callee in _COLLECTION_FACTORIES:
        return ir.Collection(args)
    if callee in _MAP_FACTORIES:
        return _map_of(args, source)
    if receiver is not None and name in ("get", "getOrDefault", "getFirst") and args:
        return ir.Index(receiver, args[0])
    if receiver is not None and (name in _PASS_THROUGH or (name in _READS and not args)):
        return ir.Opaque((receiver, *args))
    return ir.Call(callee, receiver, args)


def _map_of(args: tuple[Node, ...], source: bytes) -> ir.Expr:
    keys = [string_key(k, source) for k in args[0::2]]
    if all(k is not None for k in keys) and len(args) % 2 == 0:
        return ir.Collection(args[1::2], tuple(k for k in keys if k is not None))
    return ir.Collection(args)


def _new(node: Node, source: bytes) -> ir.Expr:
    type_name = _type_name(node.child_by_field_name("type"), source).rsplit(".", 1)[-1]
    args = _arguments(node)
    if type_name in ("StringBuilder", "StringBuffer", "String", "StringJoiner"):
        if not args or (type_name != "String" and args[0].type.endswith("integer_literal")):
            return ir.Literal("", "string")
        return ir.Concat(args[:1], type_name)
    if type_name in _WRAPPERS and args:
        return ir.Opaque(args[:1])
    if type_name in _EMPTY_COLLECTIONS:
        return ir.Collection(args)
    return ir.Call(type_name, None, args)


def _switch_values(node: Node) -> list[Node]:
    """The values of a switch expression's arms (`case 1 -> "a";`, `yield x;`)."""
    body = node.child_by_field_name("body")
    values: list[Node] = []
    if body is None:
        return values
    for rule in named(body):
        for child in named(rule):
            if child.type == "expression_statement" and child.named_child_count:
                values.append(child.named_children[0])
            elif child.type == "block":
                values.extend(
                    y.named_children[0]
                    for y in named(child)
                    if y.type == "yield_statement" and y.named_child_count
                )
            elif child.type == "yield_statement" and child.named_child_count:
                values.append(child.named_children[0])
    return values


class _Lowerer:
    def __init__(self, source: bytes) -> None:
        self.source = source
        self.switch_depth = 0  # inside a switch and no loop since: `break` leaves the switch

    # ---------------------------------------------------------------- functions

    def function(self, node: Node) -> ir.FunctionIR:
        if node.type not in FUNCTION_TYPES:
            return ir.FunctionIR(node, "", (), tuple(self._fields(node)))
        name = text(node.child_by_field_name("name"), self.source)
        params = self._params(node)
        decorators: list[str] = []
        for child in node.children:
            if child.type == "modifiers":
                decorators.extend(
                    text(m, self.source) for m in child.children if m.type.endswith("annotation")
                )
        body = node.child_by_field_name("body")
        if body is None:
            block: ir.Block = ()
        elif node.type == "lambda_expression" and body.type != "block":
            block = (ir.Return(body, body),)
        else:
            block = self.block(body)
        returns = text(node.child_by_field_name("type"), self.source)
        return ir.FunctionIR(node, name, params, block, tuple(decorators), returns)

    def _params(self, node: Node) -> tuple[ir.Param, ...]:
        holder = node.child_by_field_name("parameters")
        if holder is None:
            return ()
        if holder.type == "identifier":
            return (ir.Param(text(holder, self.source), holder),)
        params: list[ir.Param] = []
        for p in named(holder):
            if p.type == "identifier":
                params.append(ir.Param(text(p, self.source), p))
                continue
            if p.type not in ("formal_parameter", "spread_parameter"):
                continue
            name = p.child_by_field_name("name")
            if name is None:
                declarator = next(
                    (c for c in p.named_children if c.type == "variable_declarator"), None
                )
                name = declarator.child_by_field_name("name") if declarator else None
            type_node = p.child_by_field_name("type")
            if type_node is None:
                type_node = next((c for c in p.named_children if c.type.endswith("type")), None)
            annotations = tuple(
                text(a, self.source)
                for m in p.children
                if m.type == "modifiers"
                for a in m.children
                if a.type.endswith("annotation")
            )
            params.append(
                ir.Param(text(name, self.source), p, text(type_node, self.source), annotations)
            )
        return tuple(params)

    def _fields(self, root: Node) -> list[ir.Statement]:
        """Field initializers of every class in the file (`static final String T = "users"`),
        as the file's top level: a method reading `T` finds its constant here."""
        out: list[ir.Statement] = []
        stack = list(reversed(root.named_children))
        while stack:  # in document order: a later field may read an earlier one
            node = stack.pop()
            if node.type in ("field_declaration", "constant_declaration"):
                out.extend(self._declarators(node))
            elif node.type in _CLASS_PARTS:
                stack.extend(reversed(node.named_children))
        return out

    # ---------------------------------------------------------------- statements

    def block(self, node: Node | None) -> ir.Block:
        if node is None:
            return ()
        if node.type != "block":
            return tuple(self.statement(node))
        out: list[ir.Statement] = []
        for child in named(node):
            out.extend(self.statement(child))
        return tuple(out)

    def statement(self, node: Node) -> list[ir.Statement]:
        kind = node.type
        if kind == "local_variable_declaration":
            return self._declarators(node)
        if kind == "expression_statement":
            inner = named(node)
            return self.effects(inner[0], node) if inner else []
        if kind == "block":
            return list(self.block(node))
        if kind == "if_statement":
            return self._if_chain(node)
        if kind in ("while_statement", "for_statement", "enhanced_for_statement", "do_statement"):
            return self._loop(node)
        if kind in ("switch_expression", "switch_statement"):
            return self._switch(node)
        if kind in ("try_statement", "try_with_resources_statement"):
            return [self._try(node)]
        if kind == "return_statement":
            values = named(node)
            return [ir.Return(node, values[0] if values else None)]
        if kind == "throw_statement":
            return [ir.Jump(node, ir.JumpKind.RAISE)]
        if kind == "break_statement":
            if self.switch_depth and not named(node):
                return []
            return [ir.Jump(node, ir.JumpKind.BREAK)]
        if kind == "continue_statement":
            return [ir.Jump(node, ir.JumpKind.CONTINUE)]
        if kind in ("labeled_statement", "synchronized_statement"):
            out: list[ir.Statement] = []
            for child in named(node):
                if child.type == "block" or child.type.endswith("statement"):
                    out.extend(self.statement(child))
            return out
        if kind in ("yield_statement", "assert_statement", "explicit_constructor_invocation"):
            return [ir.Effect(node)]
        if kind == "ERROR":
            return [ir.Effect(node)]
        return []

    def _if_chain(self, node: Node) -> list[ir.Statement]:
        """`if / else if / ... / else`, walked as a list: a chain of a thousand arms must not
        exhaust Python's stack."""
        arms: list[tuple[list[ir.Statement], Node, Node | None, ir.Block]] = []
        current = node
        while True:
            cond = current.child_by_field_name("condition")
            pre = self.effects(cond, None) if cond is not None else []
            then = self.block(current.child_by_field_name("consequence"))
            arms.append((pre, current, _unwrap(cond), then))
            alternative = current.child_by_field_name("alternative")
            if alternative is not None and alternative.type == "if_statement":
                current = alternative
                continue
            chain: ir.Block = self.block(alternative)
            break
        for pre, arm, cond, then in reversed(arms):
            chain = (*pre, ir.If(arm, cond, then, chain))
        return list(chain)

    def _declarators(self, node: Node) -> list[ir.Statement]:
        out: list[ir.Statement] = []
        for declarator in node.children_by_field_name("declarator"):
            name = declarator.child_by_field_name("name")
            value = declarator.child_by_field_name("value")
            if name is None or value is None:
                continue
            out.extend(self.effects(value, None))
            out.append(ir.Assign(text(name, self.source), value, declarator))
        return out

    def _loop(self, node: Node) -> list[ir.Statement]:
        kind = node.type
        cond = node.child_by_field_name("condition")
        saved, self.switch_depth = self.switch_depth, 0
        try:
            body = list(self.block(node.child_by_field_name("body")))
        finally:
            self.switch_depth = saved
        header: list[ir.Statement] = []
        if kind == "for_statement":
            for init in node.children_by_field_name("init"):
                if init.type == "local_variable_declaration":
                    header.extend(self._declarators(init))
                else:
                    header.extend(self.effects(init, None))
            for update in node.children_by_field_name("update"):
                body.extend(self.effects(update, None))
        elif kind == "enhanced_for_statement":
            name = node.child_by_field_name("name")
            value = node.child_by_field_name("value")
            if name is not None:
                header.append(ir.Assign(text(name, self.source), value, node, ir.Op.ELEMENT))
        if cond is not None:
            # `while ((line = r.readLine()) != null)`: the assignment runs before each pass.
            in_condition = self.effects(cond, None)
            header.extend(in_condition)
            body.extend(in_condition)
        loop = ir.Loop(node, tuple(header), tuple(body), _unwrap(cond))
        if kind == "do_statement":
            # The body runs at least once: once as the header, then zero or more times.
            block = tuple(body)
            return [ir.Loop(node, block, block, _unwrap(cond))]
        return [loop]

    def _switch(self, node: Node) -> list[ir.Statement]:
        body = node.child_by_field_name("body")
        cond = node.child_by_field_name("condition")
        pre = self.effects(cond, None) if cond is not None else []
        if body is None:
            return pre
        arms: list[tuple[Node, ir.Block]] = []
        default: ir.Block | None = None
        self.switch_depth += 1
        try:
            for group in named(body):
                label = next((c for c in group.named_children if c.type == "switch_label"), None)
                statements: list[ir.Statement] = []
                for child in named(group):
                    if child.type == "switch_label":
                        continue
                    if group.type == "switch_rule" and child.type == "expression_statement":
                        statements.extend(self.statement(child))
                    else:
                        statements.extend(self.statement(child))
                is_default = label is not None and (
                    not label.named_children or text(label, self.source).startswith("default")
                )
                if is_default:
                    default = tuple(statements)
                else:
                    arms.append((group, tuple(statements)))
        finally:
            self.switch_depth -= 1
        return [*pre, *switch_chain(arms, default)]

    def _try(self, node: Node) -> ir.Try:
        body: list[ir.Statement] = []
        resources = node.child_by_field_name("resources")
        if resources is not None:
            for resource in named(resources):
                name = resource.child_by_field_name("name")
                value = resource.child_by_field_name("value")
                if name is not None and value is not None:
                    body.append(ir.Assign(text(name, self.source), value, resource))
        body.extend(self.block(node.child_by_field_name("body")))
        handlers: list[ir.Handler] = []
        final: ir.Block = ()
        for child in named(node):
            if child.type == "catch_clause":
                param = next(
                    (c for c in child.named_children if c.type == "catch_formal_parameter"), None
                )
                name = param.child_by_field_name("name") if param is not None else None
                types: tuple[str, ...] = ()
                if param is not None:
                    catch_type = next(
                        (c for c in param.named_children if c.type == "catch_type"), None
                    )
                    if catch_type is not None:
                        types = tuple(text(t, self.source) for t in named(catch_type))
                handlers.append(
                    ir.Handler(
                        child,
                        text(name, self.source) if name is not None else None,
                        self.block(child.child_by_field_name("body")),
                        types,
                    )
                )
            elif child.type == "finally_clause":
                block = next((c for c in child.named_children if c.type == "block"), None)
                final = self.block(block)
        return ir.Try(node, tuple(body), tuple(handlers), final)

    # ---------------------------------------------------------------- expressions with effects

    def effects(self, expr: Node, statement: Node | None) -> list[ir.Statement]:
        """The writes an expression makes, in evaluation order (`x = v`, `sb.append(v)`,
        `m.put(k, v)`), then, for an expression statement, an Effect where its names are read."""
        out: list[ir.Statement] = []
        handled = False
        # Post-order walk with an explicit stack: children before their parent, left to right.
        stack: list[tuple[Node, bool]] = [(expr, False)]
        while stack:
            node, visited = stack.pop()
            if not visited:
                stack.append((node, True))
                if node is expr or node.type not in _OPAQUE_INSIDE:
                    if node.type in ("lambda_expression", "switch_expression") and node is not expr:
                        continue
                    for child in reversed(node.named_children):
                        if child.type not in _OPAQUE_INSIDE:
                            stack.append((child, False))
                continue
            write = self._write(node)
            if write is not None:
                out.append(write)
                handled = handled or node is expr
        if statement is not None and not handled:
            if expr.type == "switch_expression":
                return [*out, *self._switch(expr)]
            out.append(ir.Effect(statement))
        return out

    def _write(self, node: Node) -> ir.Assign | None:
        src = self.source
        if node.type == "assignment_expression":
            left = node.child_by_field_name("left")
            right = node.child_by_field_name("right")
            op_text = text(node.child_by_field_name("operator"), src)
            op = ir.Op.SET if op_text == "=" else ir.Op.APPEND
            if left is not None and left.type == "array_access":
                array = local_name(left.child_by_field_name("array"), src)
                if array is None:
                    return None
                key = string_key(left.child_by_field_name("index"), src)
                return ir.Assign(array, right, node, ir.Op.PUT, key)
            target = local_name(left, src)
            if target is None:
                return None
            return ir.Assign(target, right, node, op)
        if node.type == "update_expression":
            operand = named(node)
            target = local_name(operand[0], src) if operand else None
            return ir.Assign(target, node, node, ir.Op.APPEND) if target else None
        if node.type == "method_invocation":
            receiver = node.child_by_field_name("object")
            name = text(node.child_by_field_name("name"), src)
            root = _chain_root(receiver, src) if name in _APPEND else local_name(receiver, src)
            return builder_statement(name, root, _arguments(node), node, src, _APPEND)
        return None


def _chain_root(node: Node | None, source: bytes) -> str | None:
    """The builder under `sb.append(a).append(b)`: `sb`."""
    while node is not None and node.type == "method_invocation":
        if text(node.child_by_field_name("name"), source) not in _APPEND:
            return None
        node = node.child_by_field_name("object")
    return local_name(node, source)


def _unwrap(node: Node | None) -> Node | None:
    if node is not None and node.type == "parenthesized_expression" and node.named_child_count == 1:
        return node.named_children[0]
    return node


LOWERING = DelegatingLowering(FUNCTION_TYPES, _Lowerer, expression)
