"""Kotlin's lowering: function, lambda and anonymous-function bodies (and class and top-level
properties) into `ir`.

Statements: `val`/`var` (destructuring as ELEMENTs), assignments and compound assignments,
`m[k] = v` and `m.put(k, v)`/`list.add(v)` (PUT), `sb.append(x)` chains (APPEND), `if`,
`when` (a chain of `If`s with condition None), `for (x in xs)` (ELEMENT), `while`, `do`/`while`,
`try`/`catch`/`finally`, `return`, `throw`, `break`, `continue`. An expression body
(`fun f() = e`) and a lambda's last expression are its Return.
Expressions: string templates (`"$x ${y}"`), `+`, `format`, `buildString { append(x) }`,
`joinToString` (Concat); `m[k]`, `m.get(k)` (Index); `listOf`, `mapOf("a" to 1)` (Collection);
`if`/`when` as values and `a ?: b` (Choice); `x as T`, `x!!`, `x.trim()` (Opaque of parts).

The grammar keeps a `$name` template as two string_content nodes (`$`, then `name...`), so the
second one is the part and `expression` reads the name from its text.
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

FUNCTION_TYPES = frozenset({"function_declaration", "anonymous_function", "lambda_literal"})
_NOT_ENTERED = frozenset({"lambda_literal", "anonymous_function", "annotated_lambda", "class_body"})
_APPEND = frozenset({"append", "appendLine", "insert"})
_PASS_THROUGH = frozenset(
    {
        "toString",
        "trim",
        "trimIndent",
        "trimMargin",
        "lowercase",
        "uppercase",
        "toLowerCase",
        "toUpperCase",
        "orEmpty",
        "substring",
        "replace",
        "removePrefix",
        "removeSuffix",
        "toByteArray",
        "first",
        "last",
        "single",
        "firstOrNull",
        "lastOrNull",
    }
)
# Streams and readers that wrap another (`BufferedReader(InputStreamReader(System.in))`).
_WRAPPERS = frozenset({"Scanner", "BufferedReader", "InputStreamReader", "DataInputStream"})
# Reads from a stream or reader (`br.readLine()`, `input.readText()`): made of the stream.
_READS = frozenset(
    {
        "readLine",
        "nextLine",
        "readText",
        "readBytes",
        "readLines",
        "bufferedReader",
        "reader",
        "lines",
    }
)
_LISTS = frozenset(
    {"listOf", "mutableListOf", "arrayListOf", "setOf", "mutableSetOf", "hashSetOf", "arrayOf"}
)
_MAPS = frozenset({"mapOf", "mutableMapOf", "hashMapOf", "linkedMapOf", "sortedMapOf"})
_EXPRESSION_STATEMENTS = frozenset(
    {
        "call_expression",
        "navigation_expression",
        "identifier",
        "string_literal",
        "binary_expression",
        "if_expression",
        "when_expression",
        "index_expression",
        "parenthesized_expression",
        "number_literal",
        "infix_expression",
        "as_expression",
        "unary_expression",
        "try_expression",
        "this_expression",
    }
)
_BOOLEAN_OPERATORS = frozenset({"==", "!=", "===", "!==", "<", ">", "<=", ">=", "&&", "||"})
# Top-level nodes that are not statements of a script.
_DECLARATIONS = frozenset(
    {"package_header", "import_list", "import_header", "import", "type_alias", "file_annotation"}
)
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_KEYWORDS = {"true": ("true", "bool"), "false": ("false", "bool"), "null": ("null", "null")}


def dotted(node: Node | None, source: bytes) -> str:
    """`call.request.queryParameters` for a chain of names and calls, else ""."""
    parts: list[str] = []
    while node is not None:
        if node.type in ("identifier", "this_expression", "simple_identifier"):
            parts.append(text(node, source))
            break
        if node.type == "navigation_expression":
            children = named(node)
            if len(children) < 2:
                return ""
            parts.append(text(children[-1], source))
            node = _not_operand(children[0], source) or children[0]
        elif node.type == "call_expression":
            children = named(node)
            node = children[0] if children else None
        else:
            return ""
    return ".".join(reversed(parts))


def _not_operand(node: Node | None, source: bytes) -> Node | None:
    """The operand of a `!x` unary node, else None."""
    if node is None or node.type not in ("unary_expression", "prefix_expression"):
        return None
    operator = node.child_by_field_name("operator")
    if operator is None or text(operator, source) != "!":
        return None
    return node.child_by_field_name("argument")


def misparsed_not(node: Node | None, source: bytes) -> bool:
    """The grammar reads `!ALLOWED.contains(x)` as `(!ALLOWED).contains(x)`: true when the
    leftmost receiver of a call or navigation chain is a `!` unary."""
    while node is not None and node.type in ("call_expression", "navigation_expression"):
        children = named(node)
        node = children[0] if children else None
        if _not_operand(node, source) is not None:
            return True
    return False


def local_name(node: Node | None, source: bytes) -> str | None:
    """The name an assignment target writes: `x`, `this.x`, else None."""
    if node is None:
        return None
    if node.type == "identifier":
        return text(node, source)
    if node.type == "navigation_expression":
        children = named(node)
        if len(children) == 2 and children[0].type == "this_expression":
            return "this." + text(children[1], source)
    if node.type == "parenthesized_expression" and node.named_child_count == 1:
        return local_name(node.named_children[0], source)
    return None


def _call_parts(node: Node) -> tuple[Node | None, list[Node], Node | None]:
    """A call_expression's callee expression, its value arguments, its trailing lambda."""
    callee: Node | None = None
    args: list[Node] = []
    lam: Node | None = None
    for child in named(node):
        if child.type == "value_arguments":
            for arg in named(child):
                inner = named(arg)
                if inner:
                    args.append(inner[-1])
        elif child.type == "annotated_lambda":
            lam = next((c for c in child.named_children if c.type == "lambda_literal"), None)
        elif callee is None and child.type != "type_arguments":
            callee = child
    return callee, args, lam


def _method(callee: Node | None, source: bytes) -> tuple[Node | None, str]:
    """The receiver and the method name of `a.b(...)`; (None, name) for a plain `f(...)`."""
    if callee is None:
        return None, ""
    if callee.type == "navigation_expression":
        children = named(callee)
        if len(children) >= 2:
            # `!ALLOWED.contains(x)`: the receiver is ALLOWED (see `misparsed_not`).
            receiver = _not_operand(children[0], source) or children[0]
            return receiver, text(children[-1], source)
    return None, text(callee, source)


def _string(node: Node, source: bytes) -> ir.Expr:
    parts: list[Node] = []
    dynamic = False
    for child in named(node):
        if child.type == "interpolation":
            parts.extend(named(child)[:1])
            dynamic = True
        elif child.type == "string_content":
            if text(child, source) == "$" and _template_name(child.next_named_sibling, source):
                continue
            parts.append(child)
            dynamic = dynamic or _template_name(child, source) is not None
        else:
            parts.append(child)
    if not dynamic:
        return ir.Literal("".join(text(c, source) for c in named(node)))
    return ir.Concat(tuple(parts), "string template")


def _template_name(node: Node | None, source: bytes) -> str | None:
    """The name of a `$name` template held by the string_content after a lone `$`."""
    if node is None or node.type != "string_content":
        return None
    previous = node.prev_named_sibling
    if previous is None or previous.type != "string_content" or text(previous, source) != "$":
        return None
    match = _IDENTIFIER.match(text(node, source))
    return match.group(0) if match else None


def expression(node: Node, source: bytes) -> ir.Expr:
    kind = node.type
    if kind == "string_literal":
        return _string(node, source)
    if kind == "string_content":
        name = _template_name(node, source)
        return ir.Name(name) if name else ir.Literal(text(node, source))
    if kind in ("number_literal", "integer_literal", "long_literal", "real_literal", "hex_literal"):
        return ir.Literal(text(node, source), "number")
    if kind in ("boolean_literal",):
        return ir.Literal(text(node, source), "bool")
    if kind in ("null_literal", "null"):
        return ir.Literal("null", "null")
    if kind == "character_literal":
        return ir.Literal(text(node, source)[1:-1])
    if kind == "identifier":
        word = text(node, source)
        if word in _KEYWORDS:
            return ir.Literal(*_KEYWORDS[word])
        return ir.Name(word)
    if kind == "this_expression":
        return ir.Name("this")
    if kind == "navigation_expression":
        name = local_name(node, source)
        if name is not None:
            return ir.Name(name)
        children = named(node)
        if len(children) < 2:
            return ir.Opaque()
        return ir.Attribute(children[0], text(children[-1], source), dotted(node, source))
    if kind == "call_expression":
        return _call(node, source)
    if kind == "index_expression":
        children = named(node)
        if not children:
            return ir.Opaque()
        return ir.Index(children[0], children[1] if len(children) > 1 else None)
    if kind == "binary_expression":
        return _binary(node, source)
    if kind == "if_expression":
        return ir.Choice(node.child_by_field_name("condition"), tuple(_if_values(node)))
    if kind == "when_expression":
        return ir.Choice(
            None,
            tuple(v for e in named(node) if e.type == "when_entry" for v in _tail(_arm_body(e))),
        )
    if kind in ("as_expression",):
        left = node.child_by_field_name("left")
        return ir.Opaque((left,)) if left is not None else ir.Opaque()
    if kind == "unary_expression":
        argument = node.child_by_field_name("argument")
        op = text(node.child_by_field_name("operator"), source)
        if argument is None or op == "!":
            return ir.Opaque()
        return ir.Opaque((argument,))
    if kind in ("parenthesized_expression", "annotated_expression", "labeled_expression"):
        return ir.Opaque(tuple(named(node)[-1:]))
    if kind == "infix_expression":
        children = named(node)
        return ir.Opaque((children[0], children[-1])) if len(children) == 3 else ir.Opaque()
    return ir.Opaque()


def _binary(node: Node, source: bytes) -> ir.Expr:
    op = text(node.child_by_field_name("operator"), source)
    left = node.child_by_field_name("left")
    right = node.child_by_field_name("right")
    if op in _BOOLEAN_OPERATORS:
        return ir.Opaque()
    if op == "?:":
        return ir.Choice(None, tuple(n for n in (left, right) if n is not None))
    if op != "+":
        return ir.Opaque(tuple(n for n in (left, right) if n is not None))
    return plus_chain(node, source)


def _op(node: Node, source: bytes) -> str:
    return text(node.child_by_field_name("operator"), source)


def _call(node: Node, source: bytes) -> ir.Expr:
    callee_node, args, lam = _call_parts(node)
    receiver, name = _method(callee_node, source)
    callee = dotted(callee_node, source) or name
    if receiver is None:
        if name == "buildString" and lam is not None:
            return ir.Concat(tuple(_built(lam, source)), "buildString")
        if name in _WRAPPERS and args:
            return ir.Opaque((args[0],))
        if name in ("StringBuilder", "StringBuffer"):
            plain = not args or args[0].type in ("number_literal", "integer_literal")
            return ir.Literal("") if plain else ir.Concat((args[0],), name)
        if name in _LISTS:
            return ir.Collection(tuple(args))
        if name in _MAPS:
            return _map_of(args, source)
    if callee == "String.format":
        return ir.Concat(tuple(args), callee)
    if receiver is not None:
        if name == "format":
            return ir.Concat((receiver, *args), "format")
        if name in ("plus", "joinToString"):
            return ir.Concat((receiver, *args), name)
        if name in _APPEND and args:
            return ir.Concat((receiver, args[-1]), "StringBuilder.append")
        if (
            name
            in ("get", "getValue", "getOrDefault", "getOrElse", "getOrNull", "getOrFail", "getAll")
            and args
        ):
            return ir.Index(receiver, args[0])
        if name in _READS and not args:
            return ir.Opaque((receiver,))
        if name in _PASS_THROUGH or (name in ("let", "also", "apply") and lam is None):
            return ir.Opaque((receiver, *args))
    return ir.Call(callee, receiver, tuple(args))


def _built(lam: Node, source: bytes) -> list[Node]:
    """The arguments of `append(x)` calls directly in a `buildString { }` lambda."""
    parts: list[Node] = []
    for statement in named(lam):
        current: Node | None = statement
        chain: list[Node] = []
        while current is not None and current.type == "call_expression":
            callee, args, _ = _call_parts(current)
            receiver, name = _method(callee, source)
            if name not in _APPEND or not args:
                break
            chain.append(args[-1])
            current = receiver
        parts.extend(reversed(chain))
    return parts


def _map_of(args: list[Node], source: bytes) -> ir.Expr:
    keys: list[str] = []
    values: list[Node] = []
    for arg in args:
        pair = named(arg) if arg.type == "infix_expression" else []
        if len(pair) != 3 or text(pair[1], source) != "to":
            return ir.Collection(tuple(args))
        key = string_key(pair[0], source)
        if key is None:
            return ir.Collection(tuple(args))
        keys.append(key)
        values.append(pair[2])
    return ir.Collection(tuple(values), tuple(keys))


def _if_parts(node: Node) -> tuple[Node | None, Node | None]:
    """The then and else branches of an if_expression (a block or one statement)."""
    then: Node | None = None
    orelse: Node | None = None
    seen_else = False
    condition = node.child_by_field_name("condition")
    for child in node.children:
        if child.type == "else":
            seen_else = True
        elif child.is_named and child != condition and "comment" not in child.type:
            if seen_else:
                orelse = child
            elif then is None:
                then = child
    return then, orelse


def _tail(body: Node | None) -> list[Node]:
    """The value a branch body yields: its last expression."""
    if body is None:
        return []
    if body.type in ("block", "control_structure_body"):
        children = named(body)
        return _tail(children[-1]) if children else []
    return [body] if body.type in _EXPRESSION_STATEMENTS else []


def _if_values(node: Node) -> list[Node]:
    then, orelse = _if_parts(node)
    return _tail(then) + _tail(orelse)


def _arm_body(entry: Node) -> Node | None:
    conditions = set(entry.children_by_field_name("condition"))
    body = [c for c in named(entry) if c not in conditions and c.type != "when_condition"]
    return body[-1] if body else None


class _Lowerer:
    def __init__(self, source: bytes) -> None:
        self.source = source

    def function(self, node: Node) -> ir.FunctionIR:
        src = self.source
        if node.type not in FUNCTION_TYPES:
            return ir.FunctionIR(node, "", (), tuple(self._top_level(node)))
        name = text(node.child_by_field_name("name"), src)
        params: list[ir.Param] = []
        decorators: list[str] = []
        returns = ""
        body: ir.Block = ()
        previous = node.prev_named_sibling
        if previous is not None and previous.type == "annotated_expression":
            # At the top of a file the grammar reads `@Get("/x")` before `fun` as an expression.
            decorators.append(text(previous, src))
        for child in named(node):
            if child.type == "modifiers":
                decorators.extend(
                    text(a, src) for a in child.named_children if a.type == "annotation"
                )
            elif child.type == "function_value_parameters":
                params.extend(self._params(child))
            elif child.type == "lambda_parameters":
                for p in named(child):
                    for ident in _declared_names(p, src):
                        params.append(ir.Param(ident, p))
            elif child.type in ("user_type", "nullable_type", "function_type") and not body:
                returns = text(child, src)
            elif child.type == "function_body":
                inner = named(child)
                if inner and inner[0].type == "block":
                    body = self.block(inner[0])
                elif inner:
                    body = (*self.effects(inner[0], None), ir.Return(inner[0], inner[0]))
            elif child.type == "block":
                body = self.block(child)
        if node.type == "lambda_literal":
            statements = [c for c in named(node) if c.type != "lambda_parameters"]
            body = self._statements(statements, tail_return=True)
        return ir.FunctionIR(node, name, tuple(params), body, tuple(decorators), returns)

    def _params(self, holder: Node) -> list[ir.Param]:
        out: list[ir.Param] = []
        annotations: list[str] = []
        modifiers: Node | None = None
        for child in named(holder):
            if child.type == "parameter_modifiers":
                modifiers = child
                annotations.extend(
                    text(a, self.source) for a in child.named_children if a.type == "annotation"
                )
            elif child.type == "parameter":
                parts = named(child)
                name = next(
                    (p for p in parts if p.type in ("identifier", "simple_identifier")), None
                )
                type_node = next(
                    (p for p in parts if p is not name and p.type.endswith("type")), None
                )
                if name is not None:
                    # The grammar keeps a parameter's annotations in the `parameter_modifiers`
                    # before it: that node is the one a table reads `@RequestParam` from.
                    holder = modifiers if modifiers is not None else child
                    out.append(
                        ir.Param(
                            text(name, self.source),
                            holder,
                            text(type_node, self.source),
                            tuple(annotations),
                        )
                    )
                annotations = []
                modifiers = None
        return out

    def _top_level(self, root: Node) -> list[ir.Statement]:
        """Top-level statements (scripts), and every class's, object's and companion's
        properties (`const val T = "users"`)."""
        out: list[ir.Statement] = []
        stack = [(c, True) for c in reversed(named(root))]
        while stack:  # in document order
            node, top = stack.pop()
            if node.type == "property_declaration":
                out.extend(self.statement(node))
            elif node.type in (
                "class_declaration",
                "object_declaration",
                "companion_object",
                "class_body",
            ):
                stack.extend((c, False) for c in reversed(named(node)))
            elif top and node.type not in FUNCTION_TYPES and node.type not in _DECLARATIONS:
                out.extend(self.statement(node))
        return out

    # ---------------------------------------------------------------- statements

    def block(self, node: Node | None) -> ir.Block:
        if node is None:
            return ()
        if node.type in ("block", "control_structure_body"):
            return self._statements(named(node), tail_return=False)
        return tuple(self.statement(node))

    def _statements(self, nodes: list[Node], tail_return: bool) -> ir.Block:
        out: list[ir.Statement] = []
        for i, child in enumerate(nodes):
            if tail_return and i == len(nodes) - 1 and child.type in _EXPRESSION_STATEMENTS:
                out.extend(self.effects(child, None))
                out.append(ir.Return(child, child))
            else:
                out.extend(self.statement(child))
        return tuple(out)

    def statement(self, node: Node) -> list[ir.Statement]:
        kind = node.type
        src = self.source
        if kind == "property_declaration":
            return self._property(node)
        if kind == "assignment":
            return self.effects(node, node)
        if kind == "if_expression":
            return self._if_chain(node)
        if kind == "when_expression":
            return self._when(node)
        if kind in ("for_statement", "while_statement", "do_while_statement"):
            return self._loop(node)
        if kind == "try_expression":
            return [self._try(node)]
        if kind == "return_expression":
            values = [
                c
                for c in named(node)
                if c.type != "label" and c != node.child_by_field_name("label")
            ]
            return [ir.Return(node, values[-1] if values else None)]
        if kind == "throw_expression":
            return [ir.Jump(node, ir.JumpKind.RAISE)]
        if kind == "identifier" and text(node, src) in ("break", "continue"):
            jump = ir.JumpKind.BREAK if text(node, src) == "break" else ir.JumpKind.CONTINUE
            return [ir.Jump(node, jump)]
        if kind in ("labeled_expression", "jump_expression"):
            word = text(node, src)
            if word.startswith("break"):
                return [ir.Jump(node, ir.JumpKind.BREAK)]
            if word.startswith("continue"):
                return [ir.Jump(node, ir.JumpKind.CONTINUE)]
            return [ir.Effect(node)]
        if kind in ("block", "control_structure_body"):
            return list(self.block(node))
        if (
            kind in ("function_declaration", "class_declaration", "object_declaration")
            or "comment" in kind
        ):
            return []
        return self.effects(node, node)

    def _if_chain(self, node: Node) -> list[ir.Statement]:
        """`if / else if / ... / else`, walked as a list: a chain of a thousand arms must not
        exhaust Python's stack."""
        arms: list[tuple[Node, Node | None, ir.Block]] = []
        current = node
        while True:
            cond = current.child_by_field_name("condition")
            then, orelse = _if_parts(current)
            if misparsed_not(cond, self.source):
                # `if (!A.contains(x))` is `if (A.contains(x))` with the arms swapped.
                arms.append((current, cond, self.block(orelse)))
                chain: ir.Block = self.block(then)
                break
            arms.append((current, cond, self.block(then)))
            if orelse is not None and orelse.type == "if_expression":
                current = orelse
                continue
            chain = self.block(orelse)
            break
        for arm, cond, block in reversed(arms):
            chain = (ir.If(arm, cond, block, chain),)
        return list(chain)

    def _property(self, node: Node) -> list[ir.Statement]:
        value = None
        seen_equals = False
        for child in node.children:
            if child.type == "=":
                seen_equals = True
            elif seen_equals and child.is_named and "comment" not in child.type:
                value = child
                break
        out: list[ir.Statement] = self.effects(value, None) if value is not None else []
        for child in named(node):
            if child.type == "variable_declaration":
                name = _declared_names(child, self.source)
                if name and value is not None:
                    out.append(ir.Assign(name[0], value, node))
            elif child.type == "multi_variable_declaration":
                out.extend(
                    ir.Assign(n, value, node, ir.Op.ELEMENT)
                    for n in _declared_names(child, self.source)
                )
        return out

    def _when(self, node: Node) -> list[ir.Statement]:
        out: list[ir.Statement] = []
        arms: list[tuple[Node, ir.Block]] = []
        default: ir.Block | None = None
        for child in named(node):
            if child.type == "when_subject":
                parts = named(child)
                declared = next((p for p in parts if p.type == "variable_declaration"), None)
                value = parts[-1] if parts else None
                if declared is not None and value is not None and value is not declared:
                    out.extend(
                        ir.Assign(n, value, child) for n in _declared_names(declared, self.source)
                    )
            elif child.type == "when_entry":
                body = self.block(_arm_body(child))
                if not child.children_by_field_name("condition") and text(
                    child, self.source
                ).startswith("else"):
                    default = body
                else:
                    arms.append((child, body))
        return [*out, *switch_chain(arms, default)]

    def _loop(self, node: Node) -> list[ir.Statement]:
        cond = node.child_by_field_name("condition")
        header: list[ir.Statement] = []
        body_node: Node | None = None
        targets: list[str] = []
        iterable: Node | None = None
        for child in named(node):
            if child.type in ("variable_declaration", "multi_variable_declaration"):
                targets = _declared_names(child, self.source)
            elif child.type in ("block", "control_structure_body") or (
                node.type != "for_statement"
                and child != cond
                and body_node is None
                and child.type != "label"
            ):
                body_node = child
            elif (
                node.type == "for_statement"
                and targets
                and iterable is None
                and child.type != "label"
            ):
                iterable = child
        if node.type == "for_statement":
            header.extend(ir.Assign(t, iterable, node, ir.Op.ELEMENT) for t in targets)
        body = self.block(body_node)
        if node.type == "do_while_statement":
            return [ir.Loop(node, body, body, cond)]
        return [ir.Loop(node, tuple(header), body, cond)]

    def _try(self, node: Node) -> ir.Try:
        body: ir.Block = ()
        handlers: list[ir.Handler] = []
        final: ir.Block = ()
        for child in named(node):
            if child.type == "block":
                body = self.block(child)
            elif child.type == "catch_block":
                parts = named(child)
                name = next(
                    (p for p in parts if p.type in ("identifier", "simple_identifier")), None
                )
                types = tuple(text(p, self.source) for p in parts if p.type.endswith("type"))
                block = next((p for p in parts if p.type == "block"), None)
                handlers.append(
                    ir.Handler(
                        child, text(name, self.source) if name else None, self.block(block), types
                    )
                )
            elif child.type == "finally_block":
                final = self.block(next((p for p in named(child) if p.type == "block"), None))
        return ir.Try(node, body, tuple(handlers), final)

    # ---------------------------------------------------------------- expressions with effects

    def effects(self, expr: Node, statement: Node | None) -> list[ir.Statement]:
        """The writes an expression makes (`x = v`, `m[k] = v`, `sb.append(v)`, `m.put(k, v)`),
        in evaluation order, then for a statement an Effect where its names are read."""
        out: list[ir.Statement] = []
        handled = False
        stack: list[tuple[Node, bool]] = [(expr, False)]
        while stack:
            node, visited = stack.pop()
            if not visited:
                stack.append((node, True))
                if node.type in ("if_expression", "when_expression", "try_expression"):
                    continue
                for child in reversed(node.named_children):
                    if child.type not in _NOT_ENTERED:
                        stack.append((child, False))
                continue
            write = self._write(node)
            if write is not None:
                out.append(write)
                handled = handled or node is expr
        if statement is not None and not handled:
            out.append(ir.Effect(statement))
        return out

    def _write(self, node: Node) -> ir.Assign | None:
        src = self.source
        if node.type == "assignment":
            left = node.child_by_field_name("left")
            right = node.child_by_field_name("right")
            op = ir.Op.SET if _op(node, src) == "=" else ir.Op.APPEND
            if left is not None and left.type == "index_expression":
                parts = named(left)
                target = local_name(parts[0], src) if parts else None
                key = string_key(parts[1], src) if len(parts) > 1 else None
                return ir.Assign(target, right, node, ir.Op.PUT, key) if target else None
            target = local_name(left, src)
            return ir.Assign(target, right, node, op) if target else None
        if node.type == "call_expression":
            callee, args, _ = _call_parts(node)
            receiver, name = _method(callee, src)
            root = _chain_root(receiver, src) if name in _APPEND else local_name(receiver, src)
            return builder_statement(name, root, args, node, src, _APPEND)
        if node.type in ("postfix_expression", "prefix_expression", "unary_expression"):
            operator = text(node.child_by_field_name("operator"), src)
            argument = node.child_by_field_name("argument")
            if operator in ("++", "--"):
                target = local_name(argument, src)
                return ir.Assign(target, node, node, ir.Op.APPEND) if target else None
        return None


def _chain_root(node: Node | None, source: bytes) -> str | None:
    while node is not None and node.type == "call_expression":
        callee, _, _ = _call_parts(node)
        node, name = _method(callee, source)
        if name not in _APPEND:
            return None
    return local_name(node, source)


def _declared_names(node: Node, source: bytes) -> list[str]:
    if node.type == "variable_declaration":
        ident = next(
            (c for c in node.named_children if c.type in ("identifier", "simple_identifier")), None
        )
        return [text(ident, source)] if ident is not None else []
    names: list[str] = []
    for child in named(node):
        if child.type == "variable_declaration":
            names.extend(_declared_names(child, source))
    return names


LOWERING = DelegatingLowering(FUNCTION_TYPES, _Lowerer, expression)
