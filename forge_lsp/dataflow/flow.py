"""`FileFlow`: what a rule asks of the dataflow layer about one parsed file.

Nothing is built until asked. `function_at(node)` lowers the innermost function around a node
(or the file's top level) and solves its reaching definitions, once; `value(expr)` says what an
expression is made of (`facts.Value`), following local assignments, the language's source table
and the same-file function summaries. Every query is bounded (depth, cycle guard) and never
raises: what the layer cannot read is `UNKNOWN`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import tree_sitter

from forge_lsp.dataflow import facts, ir, lower, solver, sources
from forge_lsp.dataflow.conditions import Conditions
from forge_lsp.dataflow.facts import Fact, Origin, Value
from forge_lsp.dataflow.ir import Node
from forge_lsp.dataflow.nodes import FileMatches, nodes_of
from forge_lsp.dataflow.tables import (
    CONVERSIONS,
    DECORATOR_NAME,
    ERROR_RETURN,
    GETTERS,
    PASS_THROUGH,
    capped,
    position,
    type_matches,
)

# How many assignments deep `value()` follows a name before it answers UNKNOWN.
MAX_DEPTH = 48
# A set of definitions larger than this is evaluated as a chain (see `_defs`).
_SMALL = 8
# How many expressions one query may evaluate before it answers UNKNOWN.
BUDGET = 20_000
# Functions larger than this many bytes are not lowered: their values are UNKNOWN.
MAX_FUNCTION_BYTES = 2_000_000

_EMPTY: Value = frozenset()


_CALL_TYPES = frozenset({"call", "call_expression", "method_invocation"})


@dataclass(frozen=True, slots=True)
class Summary:
    """What a same-file function returns, in facts: a `PARAMETER` fact's `detail` is the
    parameter's name (`params` gives its position), so a caller substitutes its argument."""

    function: ir.FunctionIR
    params: tuple[str, ...]
    returns: Value
    returns_error: bool  # a Go `error` last result, a Rust `Result`
    raises: bool  # has a `raise`/`throw`/`panic` that leaves it


@dataclass(slots=True)
class _Function:
    ir: ir.FunctionIR
    solution: solver.Solution


class FileFlow:
    """The dataflow of one file, built lazily. `language` as in `core.languages`."""

    def __init__(
        self,
        language: str,
        root: Node,
        source: bytes,
        file_matches: FileMatches | None = None,
        grammar: tree_sitter.Language | None = None,
    ) -> None:
        self.language = language
        self.root = root
        self.source = source
        # The engine's whole-file query pass (`CheckContext.file_matches`, with the grammar it
        # compiles for): the index below asks it for the file's functions rather than walking
        # every node in Python, and a re-check of one function carries its matches over.
        self._file_matches = file_matches if grammar is not None else None
        self._grammar = grammar
        self._lowering: lower.Lowering | None = None
        self._table: sources.SourceTable | None = None
        try:
            self._lowering = lower.lowering(language)
        except ImportError:
            self._lowering = None
        try:
            self._table = sources.table(language)
        except ImportError:
            self._table = None
        self._functions: dict[int, _Function | None] = {}
        self._by_name: dict[str, list[Node]] | None = None
        self._calls_by_name: dict[str, list[Node]] = {}
        self._callbacks: dict[str, tuple[int, str]] = {}
        self._callback_nodes: dict[int, tuple[int, str]] = {}
        self._module: dict[str, list[ir.Assign]] | None = None
        self._summaries: dict[int, Summary | None] = {}
        self._summarizing: set[int] = set()
        # `value()` is a depth-first search over expressions and assignments that tracks
        # strongly connected components (Tarjan): in a loop `s = s + "x"`, an answer is only
        # remembered once its component's root has finished, never while it is partial.
        self._memo: dict[tuple[object, ...], Value] = {}
        self._order: dict[tuple[object, ...], int] = {}  # on the search stack: its order
        self._low: dict[tuple[object, ...], int] = {}
        self._stack: list[tuple[object, ...]] = []
        self._calls: list[tuple[object, ...]] = []
        self._counter = 0
        self._cut = 0  # answers cut short (depth, budget): not remembered
        self._budget = BUDGET
        self._plain = False  # parameters count as PARAMETER whatever the tables say
        self._conditions: Conditions | None = None

    def close(self) -> None:
        """Forget what was built. The solutions and conditions hold this object's bound
        methods (a reference cycle through every syntax node, hence the whole tree and the
        source): a check drops them when it ends rather than wait for the cycle collector,
        which a batch check runs rarely."""
        self._functions.clear()
        self._summaries.clear()
        self._memo.clear()
        self._conditions = None

    # ------------------------------------------------------------------ functions

    def function_at(self, node: Node) -> ir.FunctionIR | None:
        """The innermost function around `node` (the file's top level outside functions);
        None when the language has no lowering."""
        found = self._function(node)
        return None if found is None else found.ir

    def _function_node(self, node: Node) -> Node:
        if self._lowering is None:
            return self.root
        types = self._lowering.function_types
        current: Node | None = node
        while current is not None:
            if current.type in types:
                return current
            current = current.parent
        return self.root

    def _function(self, node: Node) -> _Function | None:
        return self._build(self._function_node(node))

    def _build(self, function: Node) -> _Function | None:
        key = function.id
        if key in self._functions:
            return self._functions[key]
        self._functions[key] = None  # a query during the build sees nothing, not a loop
        built: _Function | None = None
        if (
            self._lowering is not None
            and function.end_byte - function.start_byte <= MAX_FUNCTION_BYTES
        ):
            try:
                lowered = self._lowering.lower(function, self.source)
                conditions = self._conds()
                solution = solver.solve(lowered, conditions.truth, conditions.refine)
                built = _Function(lowered, solution)
            except (RecursionError, ValueError, AttributeError, TypeError, IndexError):
                built = None
        self._functions[key] = built
        return built

    def _conds(self) -> Conditions:
        if self._conditions is None:
            self._conditions = Conditions(self._shape, self._module_literal, self.source)
        return self._conditions

    def _shape(self, node: Node) -> ir.Expr:
        if self._lowering is None or node.type == "ERROR":
            return ir.Opaque()
        try:
            return self._lowering.expression(node, self.source)
        except (RecursionError, ValueError, AttributeError, TypeError, IndexError):
            return ir.Opaque()

    # ------------------------------------------------------------------ the file's index

    def _module_assigns(self) -> dict[str, list[ir.Assign]]:
        if self._module is None:
            self._module = {}
            top = self._build(self.root)
            if top is not None:
                stack: list[ir.Statement] = list(top.ir.body)
                while stack:
                    statement = stack.pop()
                    if isinstance(statement, ir.Assign):
                        self._module.setdefault(statement.target, []).append(statement)
                    elif isinstance(statement, ir.If):
                        stack.extend(statement.then + statement.orelse)
                    elif isinstance(statement, ir.Try):
                        stack.extend(statement.body)
        return self._module

    def _module_literal(self, name: str) -> ir.Expr | None:
        """The one value a module-level name is assigned, when it is assigned once."""
        assigns = self._module_assigns().get(name, [])
        if len(assigns) != 1 or assigns[0].op is not ir.Op.SET or assigns[0].value is None:
            return None
        return self._shape(assigns[0].value)

    def _index(self) -> dict[str, list[Node]]:
        """Functions by name and registered callbacks, from one walk of the tree."""
        if self._by_name is not None:
            return self._by_name
        self._by_name = {}
        if self._lowering is None:
            return self._by_name
        types = self._lowering.function_types
        registrations = self._table.callbacks if self._table is not None else {}
        registered = {callee.rsplit(".", 1)[-1] for callee in registrations}
        kinds = types | _CALL_TYPES
        for node in nodes_of(self.root, kinds, self._file_matches, self._grammar):
            if node.type in types:
                name = node.child_by_field_name("name")
                parent = node.parent
                if name is None and parent is not None and parent.type == "variable_declarator":
                    name = parent.child_by_field_name("name")
                if name is not None:
                    self._by_name.setdefault(self._text(name), []).append(node)
            elif node.type in _CALL_TYPES:
                callee = self._note_call(node)
                # Lowering every call to read its callee cost more than the rest of the index.
                if registrations and (callee is None or callee in registered):
                    self._registration(node, registrations)
        return self._by_name

    def _note_call(self, node: Node) -> str | None:
        """Index the call by its callee's last segment, and return that (or None)."""
        function = node.child_by_field_name("function") or node.child_by_field_name("name")
        if function is None and node.named_child_count:  # Kotlin: no field names
            function = node.named_children[0]
        if function is None:
            return None
        written = self._text(function).replace("::", ".").replace("?.", ".")
        name = written.rsplit(".", 1)[-1].strip()
        if not name.isidentifier():
            return None
        self._calls_by_name.setdefault(name, []).append(node)
        return name

    def _registration(self, node: Node, registrations: dict[str, tuple[int, str]] | object) -> None:
        shape = self._shape(node)
        if not isinstance(shape, ir.Call) or not isinstance(registrations, dict):
            return
        last = shape.callee.rsplit(".", 1)[-1]
        found = registrations.get(shape.callee) or registrations.get(last)
        if found is None:
            return
        types = self._lowering.function_types if self._lowering is not None else frozenset()
        for arg in (*shape.args, *(v for _, v in shape.keywords)):
            if arg.type in types:  # an inline callback
                self._callback_nodes[arg.id] = found
                continue
            target = self._shape(arg)
            if isinstance(target, (ir.Name, ir.Attribute)):
                self._callbacks[target.name] = found

    def _text(self, node: Node) -> str:
        return self.source[node.start_byte : node.end_byte].decode("utf-8", "replace")

    # ------------------------------------------------------------------ public queries

    def shape(self, node: Node) -> ir.Expr:
        """The shape of one expression (`ir.Call`, `ir.Concat`...; `ir.Opaque()` when the
        language has no lowering or the node is broken)."""
        return self._shape(node)

    def calls_to(self, name: str) -> list[Node]:
        """The call nodes of the file whose callee's last segment is `name` (`helper(...)`,
        `self.helper(...)`), in source order: where a same-file function is called."""
        self._index()
        return list(self._calls_by_name.get(name, []))

    def reaching(self, ident: Node, name: str | None = None) -> frozenset[solver.Definition]:
        """The definitions of the name `ident` that reach it: `ir.Assign`s, or a
        `solver.Entry` (PARAMETER, OUTSIDE the function, SANITIZED by a test). `name` reads
        a name that has no node of its own at `ident` (Kotlin's `"$name"` template entry)."""
        if name is None:
            shape = self._shape(ident)
            name = shape.name if isinstance(shape, ir.Name) else self._text(ident)
        found = self._function(ident)
        if found is None:
            return frozenset()
        return found.solution.reaching(ident, name)

    def is_dead(self, node: Node) -> bool:
        """Inside a branch that never runs (a constant condition) or after a return."""
        found = self._function(node)
        if found is None:
            return False
        try:
            return found.solution.is_dead(node)
        except (RecursionError, ValueError):
            return False

    def value(self, expr: Node) -> Value:
        """What the value of `expr` is made of, on every path that reaches it."""
        self._budget = BUDGET
        try:
            result = self._value(expr, 0)
        except RecursionError:
            self._reset_search()
            return facts.UNKNOWN_VALUE
        return result if result else facts.UNKNOWN_VALUE

    def param_reaches(self, function: ir.FunctionIR, index: int, node: Node) -> bool:
        """Whether parameter `index` of `function` may flow into `node` (inside it)."""
        if not 0 <= index < len(function.params):
            return False
        name = function.params[index].name
        saved = self._plain
        self._plain = True
        self._budget = BUDGET
        try:
            value = self._value(node, 0)
        except RecursionError:
            self._reset_search()
            return False
        finally:
            self._plain = saved
        return any(f.origin is Origin.PARAMETER and f.detail == name for f in value)

    def _reset_search(self) -> None:
        self._order.clear()
        self._low.clear()
        self._stack.clear()
        self._calls.clear()

    def summary(self, name: str) -> Summary | None:
        """The summary of the one same-file function called `name`, or None when there is
        none, several, or it is being summarised (recursion)."""
        nodes = self._index().get(name, [])
        if len(nodes) != 1:
            return None
        return self.summary_of(nodes[0])

    def summary_of(self, function: Node) -> Summary | None:
        """The summary of a function node (a method, a closure)."""
        if not self._calls:  # a query of its own, not a step of `value()`
            self._budget = BUDGET
        try:
            return self._summary(function)
        except RecursionError:
            self._reset_search()
            return None

    def _summary(self, function: Node) -> Summary | None:
        key = function.id
        if key in self._summaries:
            return self._summaries[key]
        if key in self._summarizing:
            return None
        self._summarizing.add(key)
        try:
            built = self._build(function)
            result = None if built is None else self._summarize(built)
        finally:
            self._summarizing.discard(key)
        self._summaries[key] = result
        return result

    def _summarize(self, built: _Function) -> Summary:
        returns: set[Fact] = set()
        raises = False
        saved = self._plain
        self._plain = False
        try:
            for statement in built.solution.statements():
                if built.solution.env_before(statement) is None:
                    continue
                if isinstance(statement, ir.Return) and statement.value is not None:
                    returns |= self._value(statement.value, 0) or facts.UNKNOWN_VALUE
                elif isinstance(statement, ir.Jump) and statement.kind is ir.JumpKind.RAISE:
                    raises = True
        finally:
            self._plain = saved
        function = built.ir
        return Summary(
            function,
            tuple(p.name for p in function.params),
            frozenset(returns),
            bool(ERROR_RETURN.search(function.returns_text)),
            raises,
        )

    # ------------------------------------------------------------------ values

    def _value(self, node: Node, depth: int) -> Value:
        return self._visit(
            ("node", node.id, self._plain), lambda: self._compute(node, depth), depth
        )

    def _visit(self, key: tuple[object, ...], compute: Callable[[], Value], depth: int) -> Value:
        cached = self._memo.get(key)
        if cached is not None:
            return cached
        order = self._order.get(key)
        if order is not None:  # a cycle: the caller belongs to this key's component
            if self._calls:
                caller = self._calls[-1]
                self._low[caller] = min(self._low[caller], order)
            return _EMPTY
        self._budget -= 1
        if depth > MAX_DEPTH or self._budget < 0:
            self._cut += 1
            return facts.UNKNOWN_VALUE
        order = self._counter
        self._counter += 1
        self._order[key] = order
        self._low[key] = order
        self._stack.append(key)
        self._calls.append(key)
        cut = self._cut
        try:
            result = compute()
        finally:
            self._calls.pop()
        low = self._low[key]
        if self._calls:
            caller = self._calls[-1]
            self._low[caller] = min(self._low[caller], low)
        if low == order:  # the root of its component: its value is complete
            while True:
                member = self._stack.pop()
                del self._order[member]
                del self._low[member]
                if member == key:
                    break
            # Only the root is remembered: a member's own value can be smaller than the
            # root's (a lookup in a constant map does not carry its map's value), so members
            # are evaluated again when asked, from the remembered root.
            if self._cut == cut:
                self._memo[key] = result
        return result

    def _line(self, node: Node | None) -> int:
        return -1 if node is None else node.start_point[0]

    def _compute(self, node: Node, depth: int) -> Value:
        if node.type == "ERROR":
            return facts.UNKNOWN_VALUE
        shape = self._shape(node)
        if isinstance(shape, ir.Literal):
            return frozenset({Fact(Origin.CONSTANT, shape.text)})
        if isinstance(shape, ir.Name):
            return self._name(node, shape.name, depth)
        if isinstance(shape, ir.Concat):
            value = self._union(shape.parts, depth)
            for name in shape.names:  # `format!("{name}")`: read where the string is
                value |= self._name(node, name, depth + 1)
            return value
        if isinstance(shape, ir.Choice):
            return self._union(shape.options, depth)
        if isinstance(shape, ir.Collection):
            if not shape.items:
                return frozenset({Fact(Origin.CONSTANT, self._text(node))})
            return self._union(shape.items, depth)
        if isinstance(shape, ir.Opaque):
            return self._union(shape.parts, depth) if shape.parts else facts.UNKNOWN_VALUE
        if isinstance(shape, ir.Attribute):
            return self._attribute(node, shape, depth)
        if isinstance(shape, ir.Index):
            return self._lookup(shape.obj, shape.key, depth)
        return self._call(node, shape, depth)

    def _union(self, parts: tuple[Node, ...], depth: int) -> Value:
        out: set[Fact] = set()
        for part in parts:
            out |= self._value(part, depth + 1)
        return capped(frozenset(out))

    def _name(self, node: Node, name: str, depth: int) -> Value:
        found = self._function(node)
        if found is None:
            return facts.UNKNOWN_VALUE
        defs = found.solution.reaching(node, name)
        if not defs:
            if found.solution.statement_at(node) is not None:
                return _EMPTY  # never runs
            return self._outside(found, name, node, depth)
        return self._defs(found, defs, node, depth)

    def _defs(
        self, found: _Function, defs: frozenset[solver.Definition], at: Node, depth: int
    ) -> Value:
        if len(defs) <= _SMALL:
            return self._defs_union(found, defs, at, depth)
        plain = self._plain
        known = self._memo.get(("defs", defs, plain))
        if known is not None:
            return known
        # A chain of `if`s that each add a definition gives sets that grow by one. Walk down to
        # a set already known (or small), then evaluate each larger set as the one below it
        # plus what it adds, each remembered: the chain costs linear time, not quadratic.
        steps: list[tuple[frozenset[solver.Definition], frozenset[solver.Definition]]] = []
        current = defs
        latest_first: list[solver.Definition] | None = None
        while len(current) > _SMALL and ("defs", current, plain) not in self._memo:
            derivation = found.solution.derivation(current)
            if derivation is not None:
                steps.append((current, derivation[1]))
                current = derivation[0]
                continue
            if latest_first is None:
                latest_first = sorted(current, key=position, reverse=True)
            latest = next((d for d in latest_first if d in current), None)
            if latest is None:
                break
            steps.append((current, frozenset({latest})))
            current = current - {latest}
        base = current

        def union_of_base() -> Value:
            return self._defs_union(found, base, at, depth)

        below: tuple[tuple[object, ...], Callable[[], Value]] = (
            ("defs", base, plain),
            union_of_base,
        )
        value = self._visit(below[0], below[1], depth)
        for members, extra in reversed(steps):

            def step(
                below: tuple[tuple[object, ...], Callable[[], Value]] = below,
                known: Value = value,
                extra: frozenset[solver.Definition] = extra,
            ) -> Value:
                # Through `_visit`, so a set still being evaluated (a loop) links the two; and
                # with what it gave (`known`), which a link to a set on the stack does not return.
                before = self._visit(below[0], below[1], depth)
                return capped(before | known | self._defs_union(found, extra, at, depth))

            below = (("defs", members, plain), step)
            value = self._visit(below[0], step, depth)
        return value

    def _defs_union(
        self, found: _Function, defs: frozenset[solver.Definition], at: Node, depth: int
    ) -> Value:
        out: set[Fact] = set()
        for definition in defs:
            out |= self._definition(found, definition, at, depth)
        return capped(frozenset(out))

    def _definition(
        self, found: _Function, definition: solver.Definition, at: Node, depth: int
    ) -> Value:
        if isinstance(definition, solver.Entry):
            if definition.kind is solver.EntryKind.PARAMETER:
                return self._parameter(found.ir, definition)
            if definition.kind is solver.EntryKind.SANITIZED:
                line = self._line(definition.node)
                return frozenset({Fact(Origin.SANITIZED, definition.detail, line)})
            if definition.kind is solver.EntryKind.FALSY:  # `if x:` failed: None, "", 0
                return frozenset({Fact(Origin.CONSTANT, "", self._line(definition.node))})
            return self._outside(found, definition.name, at, depth)
        assign = definition
        return self._visit(
            ("def", id(assign), self._plain),
            lambda: self._assignment(found, assign, depth),
            depth,
        )

    def _assignment(self, found: _Function, assign: ir.Assign, depth: int) -> Value:
        out: set[Fact] = set()
        current: ir.Assign | None = assign
        seen: set[int] = set()
        # An APPEND chain (`b.WriteString(..)` a thousand times) is followed in a loop.
        while current is not None:
            seen.add(id(current))
            if current.value is None:
                out |= facts.UNKNOWN_VALUE
            else:
                out |= self._value(current.value, depth + 1)
            if current.op in {ir.Op.SET, ir.Op.ELEMENT}:
                return frozenset(out)
            before = found.solution.defs_before(current, current.target)
            single = next(iter(before)) if len(before) == 1 else None
            if (
                isinstance(single, ir.Assign)
                and single.op in {ir.Op.APPEND, ir.Op.PUT}
                and id(single) not in seen
            ):
                current = single
                continue
            out |= self._defs(found, before, current.node, depth + 1)
            current = None
        return frozenset(out)

    def _outside(self, found: _Function, name: str, at: Node, depth: int) -> Value:
        function = found.ir.node
        if function == self.root:
            return facts.UNKNOWN_VALUE
        parent = function.parent
        enclosing = self._function(parent) if parent is not None else None
        if enclosing is None:
            return facts.UNKNOWN_VALUE
        if enclosing.ir.node == self.root:
            assigns = self._module_assigns().get(name)
            if not assigns:
                return facts.UNKNOWN_VALUE
            return self._defs(enclosing, frozenset(assigns), function, depth + 1)
        defs = enclosing.solution.reaching(function, name)
        if not defs:
            defs = frozenset(
                s
                for s in enclosing.solution.statements()
                if isinstance(s, ir.Assign) and s.target == name
            )
        if not defs:
            return self._outside(enclosing, name, function, depth + 1)
        return self._defs(enclosing, defs, function, depth + 1)

    def _parameter(self, function: ir.FunctionIR, entry: solver.Entry) -> Value:
        param = function.params[entry.index] if 0 <= entry.index < len(function.params) else None
        line = self._line(entry.node)
        plain = frozenset({Fact(Origin.PARAMETER, entry.name, line)})
        if param is None or self._plain or self._table is None:
            return plain
        # `@PathVariable Long id`, axum's `Path<u32>`: the framework parsed it; any parameter
        # declared so (`long id`, `id int64`, `item_id: int`) holds only a number.
        converted = sources.safe_type(self._table, param.type_text)
        if converted:
            return frozenset({Fact(Origin.SANITIZED, converted, line)})
        label = self._untrusted_parameter(function, param, entry.index)
        if not label:
            return plain
        return frozenset({Fact(Origin.UNTRUSTED, label, line)})

    def _untrusted_parameter(self, function: ir.FunctionIR, param: ir.Param, index: int) -> str:
        table = self._table
        if table is None:
            return ""
        written = self._text(param.node)
        for marker, label in table.parameter_markers.items():
            if marker in written:
                return label
        for kind, label in table.parameter_types.items():
            if kind and type_matches(param.type_text, kind):
                return label
        self._index()
        registered = self._callback_nodes.get(function.node.id)
        if registered is None and function.name:
            registered = self._callbacks.get(function.name)
        if registered is not None and registered[0] == index:
            return registered[1]
        if param.name in table.request_names or param.name in {"self", "cls", "this"}:
            return ""
        if any(marker in written for marker in table.trusted_markers):
            return ""
        for decorator in function.decorators:
            match = DECORATOR_NAME.match(decorator)
            if match and match.group(1).rsplit(".", 1)[-1] in table.route_decorators:
                return "a route parameter"
        if function.name in table.view_methods:
            names = [p.name for p in function.params[:index]]
            if any(name in table.request_names for name in names):
                return "a view path parameter"
        return ""

    def _attribute(self, node: Node, shape: ir.Attribute, depth: int) -> Value:
        table = self._table
        if table is not None and shape.dotted:
            for key, label in table.attributes.items():
                if sources.matches_suffix(shape.dotted, key):
                    return frozenset({Fact(Origin.UNTRUSTED, label, self._line(node))})
        return self._value(shape.obj, depth + 1)

    def _lookup(self, obj: Node, key: Node | None, depth: int) -> Value:
        maps = self._constant_maps(obj)
        if maps:
            key_text = None
            if key is not None:
                key_shape = self._shape(key)
                if isinstance(key_shape, ir.Literal):
                    key_text = key_shape.text
            if key_text is not None:
                picked = [
                    i for m in maps for k, i in zip(m.keys, m.items, strict=False) if k == key_text
                ]
                if picked:
                    return self._union(tuple(picked), depth)
            return frozenset({Fact(Origin.SANITIZED, "lookup in a constant map", self._line(obj))})
        return self._value(obj, depth + 1)

    def _constant_maps(self, obj: Node) -> list[ir.Collection]:
        """The map or list literals `obj` is on every path, when all their items are literals."""
        shape = self._shape(obj)
        candidates: list[Node] = []
        if isinstance(shape, ir.Collection):
            candidates = [obj]
        elif isinstance(shape, ir.Name):
            found = self._function(obj)
            if found is None:
                return []
            defs = found.solution.reaching(obj, shape.name)
            if any(
                isinstance(d, solver.Entry) and d.kind is solver.EntryKind.OUTSIDE for d in defs
            ):
                assigns = self._module_assigns().get(shape.name, [])
                defs = frozenset(assigns) if found.ir.node != self.root else frozenset()
            for definition in defs:
                if not isinstance(definition, ir.Assign) or definition.op is not ir.Op.SET:
                    return []
                if definition.value is None:
                    return []
                candidates.append(definition.value)
        out: list[ir.Collection] = []
        for candidate in candidates:
            collection = self._shape(candidate)
            if not isinstance(collection, ir.Collection) or not collection.items:
                return []
            if not all(isinstance(self._shape(i), ir.Literal) for i in collection.items):
                return []
            out.append(collection)
        return out

    def _call(self, node: Node, call: ir.Call, depth: int) -> Value:
        line = self._line(node)
        callee = call.callee
        last = callee.rsplit(".", 1)[-1]
        table = self._table
        if table is not None and callee:
            for name, label in table.sanitizers.items():
                if sources.matches_suffix(callee, name):
                    return frozenset({Fact(Origin.SANITIZED, label, line)})
            for name, label in table.calls.items():
                if sources.matches_suffix(callee, name):
                    return frozenset({Fact(Origin.UNTRUSTED, label, line)})
            typed = self._typed_method(call, last)
            if typed:
                return frozenset({Fact(Origin.UNTRUSTED, typed, line)})
        receiver_text = self._text(call.receiver) if call.receiver is not None else ""
        if callee and (call.receiver is None or receiver_text in {"self", "this", "cls"}):
            nodes = self._index().get(last, [])
            summary = self._summary(nodes[0]) if len(nodes) == 1 else None
            if summary is not None:
                return self._substitute(summary, call, depth)
        if callee in CONVERSIONS and call.args:  # before methods: `Object.keys(req.query)`
            return self._union(call.args, depth)
        if call.receiver is not None:
            if last in GETTERS:
                default = self._union(call.args[1:], depth)
                return (
                    self._lookup(call.receiver, call.args[0] if call.args else None, depth)
                    | default
                )
            if last in PASS_THROUGH:
                return self._value(call.receiver, depth + 1)
        return facts.UNKNOWN_VALUE

    def _typed_method(self, call: ir.Call, method: str) -> str:
        if self._table is None or not self._table.typed_methods or call.receiver is None:
            return ""
        receiver = self._shape(call.receiver)
        if not isinstance(receiver, ir.Name):
            return ""
        found = self._function(call.receiver)
        if found is None:
            return ""
        for definition in found.solution.reaching(call.receiver, receiver.name):
            if (
                isinstance(definition, solver.Entry)
                and definition.kind is solver.EntryKind.PARAMETER
            ):
                params = found.ir.params
                if 0 <= definition.index < len(params):
                    type_text = params[definition.index].type_text
                    for kind, methods in self._table.typed_methods.items():
                        if type_matches(type_text, kind) and method in methods:
                            return methods[method]
        return ""

    def _substitute(self, summary: Summary, call: ir.Call, depth: int) -> Value:
        if not summary.returns:
            return facts.UNKNOWN_VALUE
        offset = 0
        if call.receiver is not None and summary.params and summary.params[0] in {"self", "cls"}:
            offset = 1
        keywords = dict(call.keywords)
        out: set[Fact] = set()
        for fact in summary.returns:
            if fact.origin is not Origin.PARAMETER or fact.detail not in summary.params:
                out.add(fact)
                continue
            index = summary.params.index(fact.detail) - offset
            argument = keywords.get(fact.detail)
            if argument is None and 0 <= index < len(call.args):
                argument = call.args[index]
            if argument is None:
                out |= facts.UNKNOWN_VALUE
            else:
                out |= self._value(argument, depth + 1)
        return frozenset(out)
