"""The language-neutral part of the SQL family: `Built`, `Site` and the `Evaluator` base.

Each language's subclass (the sibling modules) folds its grammar's string expressions; the
resolution of local names through earlier assignments and the bookkeeping live here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

import tree_sitter

from forge_lsp.dataflow import ir
from forge_lsp.dataflow.ir import Op
from forge_lsp.dataflow.solver import Entry, EntryKind
from forge_lsp.rules.base import CheckContext, has_error
from forge_lsp.rules.families.sql.text import (
    is_constant_name,
    is_fragment_name,
    numeric_verb,
    printf_verbs,
)

Node = tree_sitter.Node

HOLE = "\x00"
_MAX_DEPTH = 6
# How many same-file helpers deep a call is followed.
_MAX_HELPERS = 2
_CALL_TYPES = frozenset({"call", "call_expression", "method_invocation"})
_SELF_NAMES = frozenset({"self", "this", "cls", "Self"})


# Helpers whose result is safe to splice into SQL: quoting / escaping functions of the drivers
# (`quote_name`, `pq.QuoteIdentifier`, `escapeId`, `Statement.enquoteLiteral`) and Django's
# `qn` alias of `quote_name`.
_SAFE_HELPER = re.compile(r"(?i)quote|escape|sanitize|^qn\d?$")
# A literal made only of placeholders and separators: `",".join(["%s"] * n)` builds `%s,%s`.
_PLACEHOLDER_LITERAL = re.compile(r"""^["'`]?[\s,?%s$@:()\d]*["'`]?$""")
_PLACEHOLDER_CHAR = re.compile(r"\?|%s|\$")


@dataclass(frozen=True, slots=True)
class Site:
    """Where a string was built from a non-constant part, and how (for the message)."""

    node: Node
    how: str


@dataclass(frozen=True, slots=True)
class Built:
    """What an expression is made of: constant text, holes, and the sites that built it."""

    text: str
    dynamic: bool = False
    sites: tuple[Site, ...] = ()
    # True when the sites came from a variable's earlier assignment, not from this expression.
    via_var: bool = False
    # The expressions whose values are not known to be constant (a parameter, a call's result):
    # the dataflow layer tells where each comes from.
    holes: tuple[Node, ...] = ()


CONSTANT = Built("")
UNKNOWN = Built(HOLE, dynamic=True)


def hole(node: Node) -> Built:
    """An unknown value, remembering the expression it came from."""
    return Built(HOLE, True, holes=(node,))


FRAGMENT = Built(" ")


_QUOTED_NAME = re.compile(r"^_*(?:quoted|escaped|sanitized)(?:_|[A-Z]|$)")


@dataclass(frozen=True, slots=True)
class Definition:
    """One assignment to a local name: `name = value` or (augmented) `name += value`."""

    name: str
    statement: Node
    value: Node
    augmented: bool


def unwrap_literal_text(ctx: CheckContext, node: Node) -> str:
    """The source text of a literal, quotes included (keyword matching ignores them)."""
    return ctx.text(node)


class Evaluator:
    """Fold string expressions of one file into `Built` values. Subclassed per language."""

    # Node types that open a new scope for local variables.
    scope_types: ClassVar[frozenset[str]]
    # Node types that hold statements: a plain assignment directly in one of the use's
    # enclosing blocks kills the earlier assignments.
    block_types: ClassVar[frozenset[str]]
    # Query with @name, @value and @def (plain) or @aug (`+=`) captures.
    definitions_query: ClassVar[str]
    identifier_types: ClassVar[frozenset[str]] = frozenset({"identifier"})
    # List (array, tuple) literal node types, whose items `collected` reads.
    list_types: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, ctx: CheckContext) -> None:
        self.ctx = ctx
        self._defs: dict[tuple[int, str], list[Definition]] | None = None
        # Node id -> its scope: the ancestors of nearby nodes are walked only once.
        self._scopes: dict[int, Node] = {}
        self._active: set[int] = set()
        # Names known to hold numbers while a callback body is evaluated (a `map` index).
        self.numeric_names: set[str] = set()
        # The same-file helpers being followed, innermost last: (function node id, the
        # caller's argument for each parameter).
        self._bindings: list[tuple[int, dict[str, Node | None]]] = []

    # ----------------------------------------------------------------- public

    def evaluate(self, node: Node, depth: int = 0) -> Built:
        """What `node` is built from (an UNKNOWN hole when it cannot tell)."""
        if depth > _MAX_DEPTH or has_error(node):
            return hole(node)
        if node.type in self.identifier_types:
            built = self.resolve(node, depth)
        else:
            found = self.expression(node, depth)
            if found is None and node.type in _CALL_TYPES:
                found = self.helper(node, depth)
            built = found or UNKNOWN
        if built.dynamic and not built.holes:
            return Built(built.text, True, built.sites, built.via_var, (node,))
        return built

    # ------------------------------------------------------- per-language hook

    def expression(self, node: Node, depth: int) -> Built | None:
        """Fold a non-identifier expression; None means "not a string we understand"."""
        raise NotImplementedError

    # ------------------------------------------------------ same-file helpers

    def helper(self, node: Node, depth: int) -> Built | None:
        """A call of a function of this file (`by_name(n)`, `self.where_for(x)`): the SQL its
        return expressions build, with its parameters bound to this call's arguments. The
        text is reported at this call (the helper has no sink of its own), and the holes are
        the caller's, so the verdict reads the caller's facts. Depth-bounded; a recursive
        helper is not followed."""
        shape = self.ctx.flow.shape(node)
        if not isinstance(shape, ir.Call) or not shape.callee:
            return None
        receiver = self.ctx.text(shape.receiver) if shape.receiver is not None else ""
        if receiver and receiver not in _SELF_NAMES:
            return None
        name = shape.callee.rsplit(".", 1)[-1]
        summary = self.ctx.flow.summary(name)
        if summary is None or len(self._bindings) >= _MAX_HELPERS:
            return None
        function = summary.function
        if any(key == function.node.id for key, _ in self._bindings):
            return None
        returns = returned(function.body)
        if not returns:
            return None
        params = [p.name for p in function.params]
        if params and params[0] in _SELF_NAMES:
            params = params[1:]
        keywords = dict(shape.keywords)
        bound: dict[str, Node | None] = {}
        for index, param in enumerate(params):
            argument = keywords.get(param)
            if argument is None and index < len(shape.args):
                argument = shape.args[index]
            bound[param] = argument
        self._bindings.append((function.node.id, bound))
        try:
            options = [self.evaluate(value, depth + 1) for value in returns]
        finally:
            self._bindings.pop()
        options.sort(key=lambda b: not b.dynamic)
        built = self.choice(options)
        if not built.dynamic:
            return Built(built.text)
        distance = node.start_point[0] - function.node.start_point[0]
        where = f"{abs(distance)} lines {'above' if distance > 0 else 'below'}"
        where = "on the same line" if distance == 0 else where
        site = Site(node, f"the helper `{name}()` ({where})")
        return Built(built.text, True, (site,), holes=built.holes)

    def _bound(self, ident: Node, name: str, depth: int) -> Built | None:
        """A parameter of a helper being followed: the caller's argument for it."""
        if not self._bindings:
            return None
        function = self.ctx.flow.function_at(ident)
        key, bound = self._bindings[-1]
        if function is None or function.node.id != key or name not in bound:
            return None
        argument = bound[name]
        if argument is None:
            return UNKNOWN
        saved = self._bindings.pop()  # the argument is read in the caller's function
        try:
            return self.evaluate(argument, depth + 1)
        finally:
            self._bindings.append(saved)

    # ------------------------------------------------------------ combining

    def plus(
        self,
        node: Node,
        depth: int,
        operator: Node | None,
        *,
        how: str = "concatenation",
        numeric: bool = True,
    ) -> Built | None:
        """A binary expression of the C-like grammars: `a + b` concatenates; arithmetic
        (`depth - 1`) only yields numbers; `numeric` also treats `n + 1` as a number."""
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if operator is not None and operator.type in _ARITHMETIC:
            return Built("0")
        if operator is None or operator.type != "+" or left is None or right is None:
            return None
        if numeric and numeric_sum(left, right):
            return Built("0")
        operands = concatenated(node, numeric=numeric)
        parts = [self.evaluate(operand, depth + 1) for operand in operands]
        return self.build(node, how, parts)

    def build(self, node: Node, how: str, parts: list[Built]) -> Built:
        """A string built at `node` from `parts`; `node` is a site if a part is non-constant."""
        # The outermost build is the SQL statement, even when a part was itself built earlier
        # (`f"DROP TABLE {name}"` where `name = "%s_tmp" % ident`): report where the SQL is.
        text = "".join(part.text for part in parts)
        if any(part.dynamic for part in parts):
            holes = tuple(h for part in parts for h in part.holes)
            return Built(text, True, (Site(node, how),), holes=holes)
        return Built(text)

    @staticmethod
    def choice(branches: list[Built]) -> Built:
        """A value that is one of `branches` (a ternary): constant only if every branch is."""
        text = branches[0].text if branches else ""
        sites = tuple(site for b in branches for site in b.sites)
        dynamic = any(b.dynamic for b in branches)
        holes = tuple(h for b in branches for h in b.holes)
        via_var = all(b.via_var for b in branches if b.dynamic)
        return Built(text, dynamic, sites, via_var=via_var, holes=holes)

    def all_constant(self, nodes: list[Node], depth: int) -> bool:
        return not any(self.evaluate(n, depth + 1).dynamic for n in nodes)

    def safe_call(self, callee_name: str, call: Node) -> bool:
        """Quoting helpers and placeholder builders are safe to splice into SQL."""
        if _SAFE_HELPER.search(callee_name):
            return True
        return callee_name in {
            "join",
            "Join",
            "Repeat",
            "repeat",
            "nCopies",
        } and self._placeholders_only(call)

    def _placeholders_only(self, call: Node) -> bool:
        """`",".join(["?"] * len(ids))`: every literal inside is placeholders and separators."""
        literals = [n for n in _descendants(call) if n.type in self.string_types]
        texts = [self.ctx.text(n) for n in literals]
        return (
            bool(texts)
            and all(_PLACEHOLDER_LITERAL.match(t) for t in texts)
            and any(_PLACEHOLDER_CHAR.search(t) for t in texts)
        )

    string_types: ClassVar[frozenset[str]] = frozenset()

    # ----------------------------------------------------------- resolution

    def resolve(self, ident: Node, depth: int) -> Built:
        """Follow a local variable to the assignments that reach `ident`."""
        name = self.ctx.text(ident)
        if name in self.numeric_names:
            return Built("0")
        if _QUOTED_NAME.match(name):
            return FRAGMENT  # `quotedTable := pgx.Identifier{t}.Sanitize()`: the author quoted it
        if is_constant_name(name):
            return self._constant_named(name, depth)
        flowing = self._flowing(ident, name, depth)
        if flowing is not None:
            return flowing
        scope = self.scope_of(ident)
        first = True
        while True:
            defs = self.definitions().get((scope.id, name), [])
            if defs:
                reaching = self._reaching(defs, ident) if first else defs
                if reaching:
                    return self._merge(name, reaching, depth)
                if first:
                    return self.unknown(name)  # declared here only later: a parameter
            if scope.parent is None:
                return self.unknown(name)
            scope = self.scope_of(scope)
            first = False

    def _flowing(self, ident: Node, name: str, depth: int) -> Built | None:
        """The value of a local name from the dataflow layer's reaching definitions, which
        respect branches, loops and constant conditions (`if (p == null) p = "";` does not
        hide the request parameter on the other path). None when the layer cannot tell, or
        the name comes from outside the function (the scopes walk answers that)."""
        reaching = self.ctx.flow.reaching(ident, name)
        if not reaching:
            return None
        defs = self.definitions().get((self.scope_of(ident).id, name), [])
        by_value = {(d.value.start_byte, d.value.end_byte): d for d in defs}
        chosen: list[Definition] = []
        extra: list[Built] = []
        for definition in reaching:
            if isinstance(definition, Entry):
                if definition.kind is EntryKind.OUTSIDE:
                    return None
                if definition.kind is EntryKind.PARAMETER:
                    argument = self._bound(ident, name, depth)
                    if argument is not None:
                        extra.append(argument)
                        continue
                if definition.kind is EntryKind.SANITIZED:
                    extra.append(Built("0"))  # an allow-list or a numeric test held here
                elif definition.kind is EntryKind.FALSY:
                    extra.append(CONSTANT)  # `if x:` failed here: None, empty, zero
                else:
                    extra.append(self.unknown(name))
                continue
            value = definition.value
            known = None if value is None else by_value.get((value.start_byte, value.end_byte))
            if known is None:
                return None  # an assignment only the dataflow layer sees (`for`, unpacking)
            chosen.append(known)
        chosen.sort(key=lambda d: d.statement.start_byte, reverse=True)
        parts = [self._alternatives(name, chosen, depth)] if chosen else []
        for part in extra:
            if part.dynamic and not part.holes:
                part = Built(part.text, True, part.sites, part.via_var, (ident,))
            parts.append(part)
        if len(parts) == 1:
            return parts[0]
        return self.choice(parts)

    def collected(self, node: Node, depth: int) -> list[Built] | None:
        """The items of a list built in this function, in source order: a list literal, or a
        local name assigned one and then appended to (`parts.append(...)`, `parts.push(...)`:
        the dataflow layer's PUT / APPEND). None when the items cannot all be listed."""
        literal = self.list_items(node)
        if literal is not None:
            return [self.evaluate(item, depth + 1) for item in literal]
        if node.type not in self.identifier_types:
            return None
        reaching = self.ctx.flow.reaching(node)
        definitions = [d for d in reaching if not isinstance(d, Entry)]
        if len(definitions) != len(reaching) or not definitions:
            return None
        items: list[Built] = []
        for definition in sorted(definitions, key=lambda d: d.node.start_byte):
            value = definition.value
            if value is None:
                return None
            if definition.op is Op.SET:
                start = self.list_items(value)
                if start is None and not self.empty_builder(value):
                    return None
                items.extend(self.evaluate(item, depth + 1) for item in start or [])
            elif definition.op in {Op.PUT, Op.APPEND} and definition.key is None:
                items.append(self.evaluate(value, depth + 1))
            else:
                return None
        return items

    def list_items(self, node: Node) -> list[Node] | None:
        """The items of a list literal, or None when `node` is not one."""
        return _arguments(node) if node.type in self.list_types else None

    def empty_builder(self, node: Node) -> bool:
        """A value a string builder starts from empty (Go's `var b strings.Builder`)."""
        return False

    def joined(self, node: Node, separator: str, items: list[Built]) -> Built:
        """`separator.join(items)` as one built string."""
        parts: list[Built] = []
        for index, item in enumerate(items):
            if index:
                parts.append(Built(separator))
            parts.append(item)
        return self.build(node, "`join`", parts)

    def _alternatives(self, name: str, chosen: list[Definition], depth: int) -> Built:
        """Definitions reaching one use: the plain ones are alternatives (the arms of a branch
        merge), the augmented ones (`+=`) add to them. The dynamic alternatives come first, so
        the text's holes line up with the expressions."""
        plain = [d for d in chosen if not d.augmented]
        if len(plain) <= 1:
            return self._merge(name, chosen, depth)
        added = [d for d in chosen if d.augmented]
        options = [self._merge(name, [d], depth) for d in plain]
        options.sort(key=lambda b: not b.dynamic)
        base = self.choice(options)
        if not added:
            return base
        rest = self._merge(name, added, depth)
        return Built(
            base.text + rest.text,
            base.dynamic or rest.dynamic,
            base.sites + rest.sites,
            via_var=True,
            holes=base.holes + rest.holes,
        )

    @staticmethod
    def unknown(name: str) -> Built:
        """A value from outside the function: a hole, unless its name says it is SQL itself.

        `"SELECT * FROM t WHERE " + where_sql` composes SQL from SQL (an ORM's compiled
        fragment, a clause built and checked elsewhere); the values inside it are not spliced
        here. Only values (`email`, `user_id`) are holes.
        """
        return FRAGMENT if is_fragment_name(name) else UNKNOWN

    def assigned_value(self, ident: Node) -> Node | None:
        """The right-hand side of the one plain assignment reaching `ident` in its scope."""
        name = self.ctx.text(ident)
        defs = self.definitions().get((self.scope_of(ident).id, name), [])
        reaching = self._reaching(defs, ident)
        if len(reaching) == 1 and not reaching[0].augmented:
            return reaching[0].value
        return None

    def _constant_named(self, name: str, depth: int) -> Built:
        defs = self.definitions().get((self.ctx.root.id, name), [])
        if len(defs) == 1 and not defs[0].augmented:
            value = self.evaluate(defs[0].value, depth + 1)
            if not value.dynamic:
                return value
        return CONSTANT

    def _reaching(self, defs: list[Definition], use: Node) -> list[Definition]:
        """Assignments before `use`, newest first, up to one that surely runs before it."""
        enclosing = {a.id for a in _ancestors(use)}
        reaching: list[Definition] = []
        for definition in sorted(defs, key=lambda d: d.statement.start_byte, reverse=True):
            if definition.statement.end_byte > use.start_byte:
                continue  # after the use, or the use is inside its own right-hand side
            reaching.append(definition)
            if not definition.augmented and self._block_of(definition.statement).id in enclosing:
                break
        return reaching

    def _block_of(self, node: Node) -> Node:
        for ancestor in _ancestors(node):
            if ancestor.type in self.block_types or ancestor.type in self.scope_types:
                return ancestor
        return self.ctx.root

    def _merge(self, name: str, reaching: list[Definition], depth: int) -> Built:
        """The value of a variable from the assignments reaching a use (oldest first)."""
        texts: list[str] = []
        sites: list[Site] = []
        holes: list[Node] = []
        dynamic = False
        for definition in reversed(reaching):
            if definition.statement.id in self._active:
                return UNKNOWN
            self._active.add(definition.statement.id)
            try:
                value = self.evaluate(definition.value, depth + 1)
            finally:
                self._active.discard(definition.statement.id)
            if definition.augmented and value.dynamic and not value.via_var:
                site = Site(definition.value, "concatenation")
                value = Built(value.text, True, (site,), holes=value.holes)
            texts.append(value.text)
            sites.extend(value.sites)
            holes.extend(value.holes)
            dynamic = dynamic or value.dynamic
        return Built("".join(texts), dynamic, tuple(sites), via_var=bool(sites), holes=tuple(holes))

    def scope_of(self, node: Node) -> Node:
        """The nearest enclosing scope node (the file's root outside any)."""
        walked: list[int] = []
        scope = self.ctx.root
        for ancestor in _ancestors(node):
            known = self._scopes.get(ancestor.id)
            if known is not None:
                scope = known
                break
            if ancestor.type in self.scope_types:
                scope = ancestor
                break
            walked.append(ancestor.id)
        # Every ancestor passed on the way up lies in the same scope.
        for ancestor_id in walked:
            self._scopes[ancestor_id] = scope
        return scope

    def definitions(self) -> dict[tuple[int, str], list[Definition]]:
        """Every simple assignment of the file, keyed by (scope node id, name); built once."""
        if self._defs is None:
            self._defs = {}
            # The whole file's, even in a re-check of one function: names are bound outside it.
            for _, caps in self.ctx.file_matches(self.definitions_query):
                statements = caps.get("def") or caps.get("aug")
                names, values = caps.get("name"), caps.get("value")
                if not statements or not names or not values:
                    continue
                statement, name_node, value = statements[0], names[0], values[0]
                name = self.ctx.text(name_node)
                definition = Definition(name, statement, value, "aug" in caps)
                key = (self.scope_of(statement).id, name)
                self._defs.setdefault(key, []).append(definition)
        return self._defs


def concatenated(node: Node, *, numeric: bool = True) -> list[Node]:
    """The operands of a left-deep chain of `+` (`"a" + x + "b" + y`), in order. Walked in a
    loop, so a chain of any length costs one level of depth, not one per `+`; an inner
    `i + 1` stays one operand (arithmetic)."""
    operands: list[Node] = []
    current = node
    while True:
        left, right = current.child_by_field_name("left"), current.child_by_field_name("right")
        operator = current.child_by_field_name("operator") or next(
            (c for c in current.children if not c.is_named), None
        )
        if left is None or right is None or operator is None or operator.type != "+":
            break
        if current is not node and numeric and numeric_sum(left, right):
            break
        operands.append(right)
        current = left
        if current.type != node.type:
            break
    operands.append(current)
    operands.reverse()
    return operands


def returned(block: ir.Block) -> list[Node]:
    """The expressions a function body returns, in source order (nested functions excluded:
    they are functions of their own)."""
    out: list[Node] = []
    stack: list[ir.Statement] = list(block)
    while stack:
        statement = stack.pop()
        if isinstance(statement, ir.Return) and statement.value is not None:
            out.append(statement.value)
        elif isinstance(statement, ir.If):
            stack.extend(statement.then + statement.orelse)
        elif isinstance(statement, ir.Loop):
            stack.extend(statement.header + statement.body)
        elif isinstance(statement, ir.Try):
            stack.extend(statement.body + statement.final)
            for handler in statement.handlers:
                stack.extend(handler.body)
    return sorted(out, key=lambda n: n.start_byte)


def _ancestors(node: Node):
    parent = node.parent
    while parent is not None:
        yield parent
        parent = parent.parent


def _descendants(node: Node):
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(current.named_children)


def call_name(node: Node | None) -> str:
    """The last name of a callee: `int`, `cursor.execute` -> `execute`, `pq.QuoteIdentifier`."""
    if node is None:
        return ""
    for field_name in ("attribute", "property", "field", "name"):
        child = node.child_by_field_name(field_name)
        if child is not None and node.type != "identifier":
            return child.text.decode("utf-8", "replace") if child.text else ""
    return node.text.decode("utf-8", "replace") if node.text else ""


_NUMBERS = frozenset(
    {"integer", "float", "number", "int_literal", "float_literal", "decimal_integer_literal"}
)
_OPERANDS = frozenset(
    {
        "identifier",
        "attribute",
        "member_expression",
        "selector_expression",
        "field_access",
        "subscript",
        "subscript_expression",
        "index_expression",
        "array_access",
    }
)


# Operators whose result is a number in Go, JavaScript and Java (`"a" * 2` is NaN in JS).
_ARITHMETIC = frozenset({"-", "*", "/", "%", "<<", ">>", "&", "|", "^"})


def numeric_sum(left: Node, right: Node) -> bool:
    """`index + 1`, `this.depth + 1`: a variable plus a number literal is arithmetic.

    (Python and Go reject `str + 1`; in JavaScript and Java it would concatenate, but nobody
    writes `name + 1` to build a name, while `sp${this.nestedIndex + 1}` is everywhere.)
    """
    return (left.type in _NUMBERS and right.type in _OPERANDS) or (
        right.type in _NUMBERS and left.type in _OPERANDS
    )


def _inner(node: Node) -> Node | None:
    """The wrapped expression of a parenthesized / cast-like node."""
    named = [c for c in node.named_children if c.type != "comment"]
    return named[0] if named else None


_QUOTES = re.compile(r"^[a-zA-Z]*(\"\"\"|'''|\"|'|`)(?P<body>.*)\1$", re.DOTALL)
_DELIMITERS = frozenset({"string_start", "string_end", "`"})


def _literal(ctx: CheckContext, node: Node) -> Built:
    """A literal's text without its quotes, so `"LIMIT " + n` reads as `LIMIT <hole>`."""
    if node.type in _DELIMITERS:
        return CONSTANT
    text = ctx.text(node)
    match = _QUOTES.match(text)
    return Built(match.group("body") if match else text)


def _arguments(node: Node | None) -> list[Node]:
    if node is None:
        return []
    return [c for c in node.named_children if c.type != "comment"]


class _FormatMixin(Evaluator):
    """printf-style formatting shared by Python `%`, Go `fmt.Sprintf` and Java `String.format`."""

    def printf(self, node: Node, how: str, template: Built, args: list[Node], depth: int) -> Built:
        verbs = printf_verbs(template.text)
        positional = "$" not in template.text and "%[" not in template.text
        parts = [template]
        for index, arg in enumerate(args):
            if positional and index < len(verbs) and numeric_verb(verbs[index]):
                continue  # `%d` of anything prints a number or fails: it cannot carry SQL
            parts.append(self.evaluate(arg, depth + 1))
        if verbs and all(numeric_verb(v) for v in verbs):
            parts = [template]
        return self.build(node, how, parts)
