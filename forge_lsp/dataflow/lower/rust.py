"""Rust's lowering: function and closure bodies (and `const`/`static` items) into `ir`.

Attributes are the function's decorators (see `_attribute_text`).
Statements: `let`/`let mut` (patterns bind ELEMENTs of the value), assignments and compound
assignments, `m[k] = v`, `map.insert(k, v)`/`vec.push(v)` (PUT), `s.push_str(x)` and
`write!(s, ...)` (APPEND), `if` and `if let` (the pattern's names are ELEMENTs of the
scrutinee on the `then` arm), `match` (a chain of `If`s with condition None, arm patterns
binding ELEMENTs), `for`, `while`, `while let`, `loop`, `return`, `panic!`/`unreachable!`/
`todo!`/`unimplemented!` (RAISE), `break`, `continue`. A `?` adds a possible early return before
its statement. A function's tail expression is its Return (through `if`/`match`/blocks).
Expressions: `format!`, `concat!`, `+ &x`, `.join` (Concat, inline `{name}` captures in
`Concat.names`); `m[k]`, `m.get(k)` (Index); `vec![...]`, arrays, tuples, `HashMap::from([...])`
(Collection); `if`/`match` values (Choice); `to_string()`, `clone()`, `&x`, `x?`, `x as T`
(Opaque of parts). Callees are dotted with `.` for `::` (`Uuid.parse_str`, `std.io.stdin`),
generic arguments left out.
"""

from __future__ import annotations

import re

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

FUNCTION_TYPES = frozenset({"function_item", "closure_expression"})
_NOT_ENTERED = frozenset(
    {
        "closure_expression",
        "if_expression",
        "match_expression",
        "loop_expression",
        "while_expression",
        "for_expression",
        "block",
        "unsafe_block",
        "async_block",
    }
)
_APPEND = frozenset({"push_str", "extend_from_slice"})
_RAISE_MACROS = frozenset({"panic", "unreachable", "todo", "unimplemented"})
_FORMAT_MACROS = frozenset({"format", "format_args", "concat", "write", "writeln"})
_PASS_THROUGH = frozenset(
    {
        "to_string",
        "to_owned",
        "into",
        "clone",
        "as_str",
        "as_ref",
        "as_bytes",
        "trim",
        "to_lowercase",
        "to_uppercase",
        "unwrap",
        "expect",
        "unwrap_or_default",
        "unwrap_or",
        "into_inner",
        "borrow",
        "deref",
        "cloned",
        "copied",
        "to_vec",
        "into_owned",
        "as_deref",
    }
)
# Reads from a stream (`stdin.read_line(&mut s)`, `stream.read(&mut buf)`): made of the stream,
# and written into their `&mut` argument.
_READS = frozenset(
    {"read_line", "read_to_string", "read_to_end", "read", "read_exact", "lines", "bytes"}
)
_MAP_TYPES = frozenset({"HashMap", "BTreeMap", "IndexMap"})
_COLLECTION_TYPES = frozenset({"Vec", "HashSet", "BTreeSet", "VecDeque", "HashMap", "BTreeMap"})
_BOOLEAN_OPERATORS = frozenset({"==", "!=", "<", ">", "<=", ">=", "&&", "||"})
_CAPTURE = re.compile(r"(?<!\{)\{([A-Za-z_][A-Za-z0-9_]*)(?::[^}]*)?\}")


def path_text(node: Node | None, source: bytes) -> str:
    """`std::io::stdin` -> `std.io.stdin`; generic arguments (`parse::<i64>`) left out."""
    if node is None:
        return ""
    if node.type == "generic_function":
        return path_text(node.child_by_field_name("function"), source)
    if node.type == "generic_type":
        return path_text(node.child_by_field_name("type"), source)
    raw = text(node, source)
    return re.sub(r"::<[^>]*>|<[^>]*>", "", raw).replace("::", ".").replace(" ", "")


def dotted(node: Node | None, source: bytes) -> str:
    """`req.match_info.get` for a chain of names, fields, paths and calls, else ""."""
    parts: list[str] = []
    while node is not None:
        kind = node.type
        if kind in ("identifier", "self", "scoped_identifier", "type_identifier"):
            parts.append(path_text(node, source))
            break
        if kind == "field_expression":
            parts.append(text(node.child_by_field_name("field"), source))
            node = node.child_by_field_name("value")
        elif kind in ("call_expression", "generic_function"):
            node = node.child_by_field_name("function")
        elif kind in ("try_expression", "await_expression", "reference_expression"):
            inner = named(node)
            node = inner[0] if inner else None
        else:
            return ""
    return ".".join(reversed(parts))


def local_name(node: Node | None, source: bytes) -> str | None:
    """The name an assignment target writes: `x`, `self.x`, `*x`, else None."""
    if node is None:
        return None
    if node.type == "identifier":
        return text(node, source)
    if node.type == "field_expression":
        value = node.child_by_field_name("value")
        if value is not None and value.type == "self":
            return "self." + text(node.child_by_field_name("field"), source)
    if node.type in ("unary_expression", "parenthesized_expression", "reference_expression"):
        inner = named(node)
        return local_name(inner[-1], source) if inner else None
    return None


def pattern_names(node: Node | None, source: bytes) -> list[str]:
    """The names a pattern binds (`Some(v)`, `(a, b)`, `Params { a, b: c }`, `mut x`)."""
    names: list[str] = []
    stack = [node] if node is not None else []
    while stack:
        current = stack.pop()
        kind = current.type
        if kind == "identifier":
            word = text(current, source)
            if word != "_" and not word[:1].isupper():  # `None`, `Ok`: variants, not bindings
                names.append(word)
            continue
        if kind == "shorthand_field_identifier":
            names.append(text(current, source))
            continue
        if kind in ("scoped_identifier", "type_identifier", "field_identifier", "string_literal"):
            continue
        for i in range(current.named_child_count - 1, -1, -1):
            child = current.named_children[i]
            field = current.field_name_for_named_child(i)
            if field in ("type", "name") and current.type != "field_pattern":
                continue
            if field == "name" and child.type == "field_identifier":
                continue
            stack.append(child)
    return names


def _literal(node: Node, source: bytes) -> ir.Expr | None:
    kind = node.type
    if kind == "string_literal":
        return ir.Literal("".join(text(c, source) for c in named(node)))
    if kind == "raw_string_literal":
        return ir.Literal(text(node, source).lstrip("r#").strip('"#'))
    if kind == "char_literal":
        return ir.Literal(text(node, source)[1:-1])
    if kind in ("integer_literal", "float_literal"):
        return ir.Literal(text(node, source), "number")
    if kind == "boolean_literal":
        return ir.Literal(text(node, source), "bool")
    return None


def expression(node: Node, source: bytes) -> ir.Expr:
    kind = node.type
    literal = _literal(node, source)
    if literal is not None:
        return literal
    if kind == "identifier":
        return ir.Name(text(node, source))
    if kind == "self":
        return ir.Name("self")
    if kind == "field_expression":
        name = local_name(node, source)
        if name is not None:
            return ir.Name(name)
        value = node.child_by_field_name("value")
        field = text(node.child_by_field_name("field"), source)
        return (
            ir.Attribute(value, field, dotted(node, source)) if value is not None else ir.Opaque()
        )
    if kind == "binary_expression":
        return _binary(node, source)
    if kind == "call_expression":
        return _call(node, source)
    if kind == "macro_invocation":
        return _macro(node, source)
    if kind == "index_expression":
        children = named(node)
        if not children:
            return ir.Opaque()
        return ir.Index(children[0], children[1] if len(children) > 1 else None)
    if kind in ("array_expression", "tuple_expression"):
        return ir.Collection(tuple(named(node)))
    if kind == "if_expression":
        options = [*_tail(node.child_by_field_name("consequence"))]
        alternative = node.child_by_field_name("alternative")
        if alternative is not None:
            options.extend(v for c in named(alternative) for v in _tail(c))
        return ir.Choice(node.child_by_field_name("condition"), tuple(options))
    if kind == "match_expression":
        body = node.child_by_field_name("body")
        arms = [a for a in named(body) if a.type == "match_arm"] if body is not None else []
        values = [v for a in arms for v in _tail(a.child_by_field_name("value"))]
        return ir.Choice(None, tuple(values))
    if kind in ("block", "unsafe_block", "async_block"):
        return ir.Opaque(tuple(_tail(node)))
    if kind in ("reference_expression", "unary_expression") and not text(node, source).startswith(
        "!"
    ):
        # `&x`, `&mut x`, `*x`: the value of `x` (so `ALLOWED.contains(&x)` tests `x`).
        inner = named(node)
        name = local_name(inner[-1], source) if inner else None
        if name is not None:
            return ir.Name(name)
    if kind == "unary_expression":
        inner = named(node)
        if not inner or text(node, source).startswith("!"):
            return ir.Opaque()
        return ir.Opaque((inner[-1],))
    if kind in (
        "reference_expression",
        "try_expression",
        "await_expression",
        "parenthesized_expression",
    ):
        return ir.Opaque(tuple(named(node)[-1:]))
    if kind == "type_cast_expression":
        value = node.child_by_field_name("value")
        return ir.Opaque((value,)) if value is not None else ir.Opaque()
    if kind == "struct_expression":
        body = node.child_by_field_name("body")
        fields: list[Node] = []
        for initializer in named(body) if body is not None else []:
            value = initializer.child_by_field_name("value")
            fields.append(value if value is not None else initializer)
        return ir.Opaque(tuple(fields))
    if kind == "shorthand_field_initializer":
        return ir.Name(text(node, source))
    return ir.Opaque()


def _binary(node: Node, source: bytes) -> ir.Expr:
    op = text(node.child_by_field_name("operator"), source)
    if op in _BOOLEAN_OPERATORS:
        return ir.Opaque()
    if op != "+":
        return ir.Opaque(tuple(named(node)))
    return plus_chain(node, source)


def _arguments(node: Node) -> tuple[Node, ...]:
    args = node.child_by_field_name("arguments")
    return tuple(named(args)) if args is not None else ()


def _method(node: Node, source: bytes) -> tuple[Node | None, str]:
    """The receiver and method name of a call (`s.parse::<i64>()` -> s, parse)."""
    function = node.child_by_field_name("function")
    if function is not None and function.type == "generic_function":
        function = function.child_by_field_name("function")
    if function is not None and function.type == "field_expression":
        return function.child_by_field_name("value"), text(
            function.child_by_field_name("field"), source
        )
    return None, path_text(function, source).rsplit(".", 1)[-1]


def _call(node: Node, source: bytes) -> ir.Expr:
    receiver, name = _method(node, source)
    args = _arguments(node)
    function = node.child_by_field_name("function")
    callee = dotted(function, source) or name
    if receiver is not None:
        if name in ("join", "concat"):
            return ir.Concat((receiver, *args), name)
        if name in ("get", "get_mut") and args:
            return ir.Index(receiver, args[0])
        if name in _PASS_THROUGH:
            return ir.Opaque((receiver, *args))
        if name in _READS or (name == "lock" and not args):
            return ir.Opaque((receiver,))
        return ir.Call(callee, receiver, args)
    head, _, last = callee.rpartition(".")
    type_name = head.rsplit(".", 1)[-1]
    if last == "from" and type_name in _MAP_TYPES and len(args) == 1:
        return _map_from(args[0], source)
    if last == "from" and type_name in ("String", "Vec", "PathBuf"):
        return ir.Opaque(args)
    if last in ("new", "with_capacity", "default") and type_name == "String":
        return ir.Literal("")
    if last in ("new", "with_capacity", "default") and type_name in _COLLECTION_TYPES:
        return ir.Collection(())
    if callee in ("Some", "Ok", "Box.new", "Rc.new", "Arc.new", "Cow.from", "Cow.Owned"):
        return ir.Opaque(args)
    return ir.Call(callee, None, args)


def _map_from(arg: Node, source: bytes) -> ir.Expr:
    """`HashMap::from([("a", 1), ("b", x)])`: a map with constant keys when they are literals."""
    if arg.type != "array_expression":
        return ir.Collection((arg,))
    keys: list[str] = []
    values: list[Node] = []
    for pair in named(arg):
        items = named(pair) if pair.type == "tuple_expression" else []
        key = string_key(items[0], source) if len(items) == 2 else None
        if key is None:
            return ir.Collection(tuple(named(arg)))
        keys.append(key)
        values.append(items[1])
    return ir.Collection(tuple(values), tuple(keys))


def macro_name(node: Node, source: bytes) -> str:
    return path_text(node.child_by_field_name("macro"), source).rsplit(".", 1)[-1]


def _macro(node: Node, source: bytes) -> ir.Expr:
    name = macro_name(node, source)
    tokens = next((c for c in node.named_children if c.type == "token_tree"), None)
    if tokens is None:
        return ir.Opaque()
    values = macro_values(tokens, source)
    if name in ("vec", "hashset", "btreeset"):
        return ir.Collection(tuple(values))
    if name in _FORMAT_MACROS:
        if name in ("write", "writeln"):
            values = values[1:]
        names: list[str] = []
        for value in values:
            if value.type == "string_literal":
                names.extend(_CAPTURE.findall(text(value, source)))
        return ir.Concat(tuple(values), f"{name}!", tuple(dict.fromkeys(names)))
    return ir.Opaque(tuple(values))


def macro_values(tokens: Node, source: bytes) -> list[Node]:
    """The values a macro's tokens read: literals and names, not the names of functions called
    (`foo(`), macros (`m!`), fields (`.b`), paths (`a::`) or named arguments (`x =`)."""
    values: list[Node] = []
    stack = [tokens]
    while stack:
        current = stack.pop()
        children = current.children
        for i in range(len(children) - 1, -1, -1):
            child = children[i]
            if child.type == "token_tree":
                stack.append(child)
                continue
            previous = children[i - 1].type if i > 0 else ""
            following = children[i + 1].type if i + 1 < len(children) else ""
            if child.type in ("identifier", "self"):
                if previous in (".", "::") or following in ("!", "::", "=", "token_tree"):
                    continue
                values.append(child)
            elif _literal(child, source) is not None:
                values.append(child)
    values.sort(key=lambda n: n.start_byte)
    return values


def _tail(body: Node | None) -> list[Node]:
    """The value a block yields: its tail expression (through nested blocks)."""
    if body is None:
        return []
    if body.type in ("block", "else_clause", "unsafe_block", "async_block"):
        children = named(body)
        if not children:
            return []
        last = children[-1]
        if last.type == "expression_statement" and last.children[-1].type == ";":
            return []
        if last.type == "expression_statement":
            last = named(last)[0] if last.named_child_count else last
        return [] if last.type == "let_declaration" else [last]
    return [body]


class _Lowerer:
    def __init__(self, source: bytes) -> None:
        self.source = source

    def function(self, node: Node) -> ir.FunctionIR:
        src = self.source
        if node.type not in FUNCTION_TYPES:
            return ir.FunctionIR(node, "", (), tuple(self._items(node)))
        name = text(node.child_by_field_name("name"), src)
        params = self._params(node.child_by_field_name("parameters"))
        decorators: list[str] = []
        previous = node.prev_named_sibling
        while previous is not None and previous.type in (
            "attribute_item",
            "line_comment",
            "block_comment",
        ):
            if previous.type == "attribute_item":
                decorators.append(_attribute_text(previous, src))
            previous = previous.prev_named_sibling
        decorators.reverse()
        body = node.child_by_field_name("body")
        if body is None:
            block: ir.Block = ()
        elif body.type == "block":
            block = self.block(body, returns=True)
        else:
            block = (*self.effects(body, None), ir.Return(body, body))
        returns = text(node.child_by_field_name("return_type"), src)
        return ir.FunctionIR(node, name, params, block, tuple(decorators), returns)

    def _params(self, holder: Node | None) -> tuple[ir.Param, ...]:
        out: list[ir.Param] = []
        for p in named(holder) if holder is not None else []:
            if p.type == "identifier":
                out.append(ir.Param(text(p, self.source), p))
            elif p.type == "parameter":
                type_text = text(p.child_by_field_name("type"), self.source)
                annotations = tuple(
                    text(a, self.source) for a in p.named_children if a.type == "attribute_item"
                )
                for name in pattern_names(p.child_by_field_name("pattern"), self.source):
                    out.append(ir.Param(name, p, type_text, annotations))
        return tuple(out)

    def _items(self, root: Node) -> list[ir.Statement]:
        """`const`/`static` items of the file, its modules and impls (`const T: &str = "users"`)."""
        out: list[ir.Statement] = []
        stack = list(reversed(named(root)))
        while stack:  # in document order
            node = stack.pop()
            if node.type in ("const_item", "static_item"):
                out.extend(self._items_in(node))
            elif node.type in ("mod_item", "impl_item", "trait_item", "declaration_list"):
                stack.extend(reversed(named(node)))
        return out

    # ---------------------------------------------------------------- statements

    def block(self, node: Node | None, returns: bool = False) -> ir.Block:
        """A block's statements; with `returns`, its tail expression is the function's Return."""
        if node is None:
            return ()
        if node.type not in ("block", "unsafe_block", "async_block", "else_clause"):
            return tuple(self.statement(node, returns))
        children = named(node)
        out: list[ir.Statement] = []
        for i, child in enumerate(children):
            tail = returns and i == len(children) - 1 and _is_tail(child)
            out.extend(self.statement(child, tail))
        return tuple(out)

    def statement(self, node: Node, tail: bool = False) -> list[ir.Statement]:
        kind = node.type
        if kind == "expression_statement":
            inner = named(node)
            return self.statement(inner[0], tail) if inner else []
        if kind == "let_declaration":
            return self._let(node)
        if kind == "if_expression":
            return self._if(node, tail)
        if kind == "match_expression":
            return self._match(node, tail)
        if kind in ("for_expression", "while_expression", "loop_expression"):
            return self._loop(node)
        if kind in ("block", "unsafe_block", "async_block"):
            return list(self.block(node, tail))
        if kind == "return_expression":
            values = named(node)
            value = values[0] if values else None
            return (
                [*self.effects(value, None), ir.Return(node, value)]
                if value
                else [ir.Return(node, None)]
            )
        if kind == "break_expression":
            return [ir.Jump(node, ir.JumpKind.BREAK)]
        if kind == "continue_expression":
            return [ir.Jump(node, ir.JumpKind.CONTINUE)]
        if kind == "macro_invocation" and macro_name(node, self.source) in _RAISE_MACROS:
            return [ir.Jump(node, ir.JumpKind.RAISE)]
        if kind in (
            "function_item",
            "struct_item",
            "enum_item",
            "impl_item",
            "use_declaration",
            "attribute_item",
        ):
            return []
        if "comment" in kind or kind in ("empty_statement", "const_item", "static_item"):
            return self._items_in(node)
        if tail:
            return [*self.effects(node, None), ir.Return(node, node)]
        return self.effects(node, node)

    def _items_in(self, node: Node) -> list[ir.Statement]:
        if node.type in ("const_item", "static_item"):
            name = node.child_by_field_name("name")
            value = node.child_by_field_name("value")
            if name is not None and value is not None:
                return [ir.Assign(text(name, self.source), value, node)]
        return []

    def _let(self, node: Node) -> list[ir.Statement]:
        pattern = node.child_by_field_name("pattern")
        value = node.child_by_field_name("value")
        out: list[ir.Statement] = self.effects(value, None) if value is not None else []
        if pattern is None or value is None:
            return out
        alternative = node.child_by_field_name("alternative")
        if alternative is not None:
            # `let Some(x) = v else { return ... };`: the else block runs instead, and diverges.
            out.append(ir.If(alternative, None, self.block(alternative), ()))
        if pattern.type == "identifier":
            out.append(ir.Assign(text(pattern, self.source), value, node))
        else:
            names = pattern_names(pattern, self.source)
            out.extend(ir.Assign(n, value, node, ir.Op.ELEMENT) for n in names)
        return out

    def _bindings(self, condition: Node | None) -> tuple[list[ir.Statement], list[ir.Statement]]:
        """An `if let`/`while let` condition: the writes before the test, and the names its
        patterns bind (ELEMENTs of the scrutinee) on the arm where it matched."""
        before: list[ir.Statement] = []
        bound: list[ir.Statement] = []
        if condition is None:
            return before, bound
        lets = [condition] if condition.type == "let_condition" else []
        if condition.type == "let_chain":
            lets = [c for c in named(condition) if c.type == "let_condition"]
        for let in lets:
            value = let.child_by_field_name("value")
            if value is None:
                continue
            before.extend(self.effects(value, None))
            for name in pattern_names(let.child_by_field_name("pattern"), self.source):
                bound.append(ir.Assign(name, value, let, ir.Op.ELEMENT))
        if not lets:
            before.extend(self.effects(condition, None))
        return before, bound

    def _if(self, node: Node, tail: bool) -> list[ir.Statement]:
        """`if / else if / ... / else` (with `if let` arms), walked as a list: a chain of a
        thousand arms must not exhaust Python's stack."""
        arms: list[tuple[list[ir.Statement], Node, Node | None, ir.Block]] = []
        current = node
        while True:
            condition = current.child_by_field_name("condition")
            before, bound = self._bindings(condition)
            then = self.block(current.child_by_field_name("consequence"), tail)
            test = None if condition is None or bound else condition
            arms.append((before, current, test, (*bound, *then)))
            alternative = current.child_by_field_name("alternative")
            inner = named(alternative) if alternative is not None else []
            if inner and inner[0].type == "if_expression":
                current = inner[0]
                continue
            chain: ir.Block = self.block(inner[0], tail) if inner else ()
            break
        for before, arm, test, block in reversed(arms):
            chain = (*before, ir.If(arm, test, block, chain))
        return list(chain)

    def _match(self, node: Node, tail: bool) -> list[ir.Statement]:
        value = node.child_by_field_name("value")
        out: list[ir.Statement] = self.effects(value, None) if value is not None else []
        body = node.child_by_field_name("body")
        arms: list[tuple[Node, ir.Block]] = []
        for arm in named(body) if body is not None else []:
            if arm.type != "match_arm":
                continue
            pattern = arm.child_by_field_name("pattern")
            bound = [
                ir.Assign(n, value, arm, ir.Op.ELEMENT)
                for n in pattern_names(pattern, self.source)
                if value is not None
            ]
            arm_value = arm.child_by_field_name("value")
            block = self.block(arm_value, tail) if arm_value is not None else ()
            if arm_value is not None and arm_value.type not in ("block",) and not block and tail:
                block = (ir.Return(arm_value, arm_value),)
            arms.append((arm, (*bound, *block)))
        if not arms:
            return out
        # A match is exhaustive: the last arm runs when no other does.
        return [*out, *switch_chain(arms[:-1], arms[-1][1])]

    def _loop(self, node: Node) -> list[ir.Statement]:
        header: list[ir.Statement] = []
        condition = node.child_by_field_name("condition")
        body = list(self.block(node.child_by_field_name("body")))
        test = condition
        if node.type == "for_expression":
            value = node.child_by_field_name("value")
            if value is not None:
                header.extend(self.effects(value, None))
            for name in pattern_names(node.child_by_field_name("pattern"), self.source):
                header.append(ir.Assign(name, value, node, ir.Op.ELEMENT))
        elif node.type == "while_expression":
            before, bound = self._bindings(condition)
            if bound:
                test = None
            header.extend([*before, *bound])
            body.extend([*before, *bound])
        return [ir.Loop(node, tuple(header), tuple(body), test)]

    # ---------------------------------------------------------------- expressions with effects

    def effects(self, expr: Node, statement: Node | None) -> list[ir.Statement]:
        """The writes an expression makes (`x = v`, `x += v`, `m[k] = v`, `s.push_str(v)`,
        `m.insert(k, v)`, `write!(s, ...)`), the early returns of its `?`s, in evaluation
        order, then for a statement an Effect where its names are read."""
        out: list[ir.Statement] = []
        handled = False
        stack: list[tuple[Node, bool]] = [(expr, False)]
        while stack:
            node, visited = stack.pop()
            if not visited:
                stack.append((node, True))
                if node.type in _NOT_ENTERED:
                    continue
                for child in reversed(node.named_children):
                    stack.append((child, False))
                continue
            if node.type == "try_expression":
                # `v?`: the function may return here (the error).
                out.append(ir.If(node, None, (ir.Return(node, None),), ()))
                continue
            write = self._write(node)
            if write is not None:
                out.append(write)
                handled = handled or node is expr
        if statement is not None and not handled:
            if expr.type in _NOT_ENTERED:
                return [*out, *self._compound(expr)]
            out.append(ir.Effect(statement))
        return out

    def _compound(self, node: Node) -> list[ir.Statement]:
        if node.type == "closure_expression":
            return [ir.Effect(node)]
        return self.statement(node)

    def _write(self, node: Node) -> ir.Assign | None:
        src = self.source
        kind = node.type
        if kind in ("assignment_expression", "compound_assignment_expr"):
            left = node.child_by_field_name("left")
            right = node.child_by_field_name("right")
            op = ir.Op.SET if kind == "assignment_expression" else ir.Op.APPEND
            if left is not None and left.type == "index_expression":
                parts = named(left)
                target = local_name(parts[0], src) if parts else None
                key = string_key(parts[1], src) if len(parts) > 1 else None
                return ir.Assign(target, right, node, ir.Op.PUT, key) if target else None
            target = local_name(left, src)
            return ir.Assign(target, right, node, op) if target else None
        if kind == "call_expression":
            receiver, name = _method(node, src)
            if receiver is None:
                return None
            args = _arguments(node)
            if name in _READS and args and args[-1].type == "reference_expression":
                target = local_name(args[-1], src)
                return ir.Assign(target, node, node, ir.Op.APPEND) if target else None
            return builder_statement(name, local_name(receiver, src), args, node, src, _APPEND)
        if kind == "macro_invocation" and macro_name(node, src) in ("write", "writeln"):
            tokens = next((c for c in node.named_children if c.type == "token_tree"), None)
            values = macro_values(tokens, src) if tokens is not None else []
            target = local_name(values[0], src) if values else None
            return ir.Assign(target, node, node, ir.Op.APPEND) if target else None
        return None


def _attribute_text(item: Node, source: bytes) -> str:
    """An attribute as written, `#[...]` left out when its route has rocket's `<name>`
    segments (`get("/<name>")`), so a table's route decorators match it by name: rocket binds
    those segments to plain parameters. actix's `#[get("/{id}")]` keeps its `#[`: its handlers
    take extractors (`web::Path<T>`), and a plain parameter there is app state."""
    written = text(item, source).strip()
    inner = written[2:-1].strip() if written.startswith("#[") and written.endswith("]") else written
    return inner if re.search(r'"[^"]*<\w+\.*>[^"]*"', inner) else written


def _is_tail(node: Node) -> bool:
    """A block's last child is its value unless it ends with `;` or is a declaration."""
    if (
        node.type in ("let_declaration", "function_item", "const_item", "static_item")
        or "comment" in node.type
    ):
        return False
    if node.type == "expression_statement":
        return node.children[-1].type != ";"
    return True


LOWERING = DelegatingLowering(FUNCTION_TYPES, _Lowerer, expression)
