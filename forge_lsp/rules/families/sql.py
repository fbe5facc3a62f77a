"""Shared machinery of the SQL-injection family: what a string expression is built from.

An `Evaluator` folds an expression into a `Built`: the constant text it is made of (with a hole
for every part whose value is not known to be constant), whether it has such holes, and the
*sites* where a string was built from a non-constant part (the concatenation, the f-string, the
`fmt.Sprintf` call). Identifiers are followed through simple assignments earlier in the same
function, so the two-step form (`sql = f"..."` then `cursor.execute(sql)`) resolves to the
line that built the string. No cross-function dataflow: a parameter is a hole, not a site.

Per-language subclasses know the grammar's node types; the resolution and the bookkeeping are
shared here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

import tree_sitter

from forge_lsp.rules.base import CheckContext, compile_query, has_error

Node = tree_sitter.Node

HOLE = "\x00"
_MAX_DEPTH = 6

# The constant text of a built string looks like SQL when it starts a statement or holds a
# clause shape. Whitespace is required around keywords so URLs (`/select?from=`) and English
# ("failed to update ") do not count. `SAVEPOINT name` is deliberately absent: a savepoint name
# cannot be a bound parameter and is always a generated counter (`sp${depth}`).
_SQL_SHAPE = re.compile(
    r"""(?isx)
    \bselect\s(?:[^;]*?)\sfrom[\s\x00]
    | \bselect\s+(?:distinct\s|count\s*\(|\*\s)
    | \binsert\s+(?:ignore\s+|or\s+\w+\s+)?into\s
    | \bupdate\s+\S+\s+set\s
    | \bdelete\s+from\s
    | \b(?:replace|merge)\s+into\s
    | \bwhere\s+\S
    | \b(?:order|group)\s+by\s
    | \bvalues\s*\(
    | \b(?:create|drop|alter|truncate)\s+
      (?:(?:temporary|temp|unique|or\s+replace|if\s+(?:not\s+)?exists)\s+)*
      (?:table|index|view|database|schema|sequence|trigger|function|procedure|user|role|extension)\s
    | ^[\s(]*(?:pragma|vacuum|analyze|explain|describe
      |show\s+(?:tables|columns|databases|index|create)|set\s+\S+\s*(?:=|to\s)|grant|revoke|lock\s+tables?
      |call|exec|copy|listen|notify|use)\s
    | \b(?:inner|left|right|full|cross)\s+(?:outer\s+)?join\s
    | \bjoin\s+\S+\s+on\s
    | \bhaving\s+\S
    | \{\s*(?:\?\s*=\s*)?call\s
    | \blimit\s+(?:\d|\x00)
    """
)


def looks_like_sql(text: str) -> bool:
    """True when the constant parts of a built string read as SQL."""
    return _SQL_SHAPE.search(text) is not None


# Helpers whose result is safe to splice into SQL: quoting / escaping functions of the drivers
# (`quote_name`, `pq.QuoteIdentifier`, `escapeId`, `Statement.enquoteLiteral`) and Django's
# `qn` alias of `quote_name`.
_SAFE_HELPER = re.compile(r"(?i)quote|escape|sanitize|^qn\d?$")
# A literal made only of placeholders and separators: `",".join(["%s"] * n)` builds `%s,%s`.
_PLACEHOLDER_LITERAL = re.compile(r"""^["'`]?[\s,?%s$@:()\d]*["'`]?$""")
_PLACEHOLDER_CHAR = re.compile(r"\?|%s|\$")
_UPPER_CONSTANT = re.compile(r"^_*[A-Z][A-Z0-9_]*[A-Z0-9]$")


def is_constant_name(name: str) -> bool:
    """UPPER_CASE names are constants by convention in all the languages checked."""
    return _UPPER_CONSTANT.match(name) is not None


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


CONSTANT = Built("")
UNKNOWN = Built(HOLE, dynamic=True)
FRAGMENT = Built(" ")
_FRAGMENT_NAME = re.compile(
    r"(?:^|_)(?:sql|clause|condition|conditions|placeholders?|subquery|where)$"
    r"|[a-z](?:Sql|SQL|Clause|Condition|Conditions|Placeholders?|Subquery|Where)$"
)


_QUOTED_NAME = re.compile(r"^_*(?:quoted|escaped|sanitized)(?:_|[A-Z]|$)")


def is_fragment_name(name: str) -> bool:
    """Names that hold SQL text themselves: `sql`, `where_sql`, `tablesCondition`."""
    return _FRAGMENT_NAME.search(name) is not None


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

    def __init__(self, ctx: CheckContext) -> None:
        self.ctx = ctx
        self._defs: dict[tuple[int, str], list[Definition]] | None = None
        # Node id -> its scope: the ancestors of nearby nodes are walked only once.
        self._scopes: dict[int, Node] = {}
        self._active: set[int] = set()
        # Names known to hold numbers while a callback body is evaluated (a `map` index).
        self.numeric_names: set[str] = set()

    # ----------------------------------------------------------------- public

    def evaluate(self, node: Node, depth: int = 0) -> Built:
        """What `node` is built from (an UNKNOWN hole when it cannot tell)."""
        if depth > _MAX_DEPTH or has_error(node):
            return UNKNOWN
        if node.type in self.identifier_types:
            return self.resolve(node, depth)
        built = self.expression(node, depth)
        return UNKNOWN if built is None else built

    # ------------------------------------------------------- per-language hook

    def expression(self, node: Node, depth: int) -> Built | None:
        """Fold a non-identifier expression; None means "not a string we understand"."""
        raise NotImplementedError

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
        parts = [self.evaluate(left, depth + 1), self.evaluate(right, depth + 1)]
        return self.build(node, how, parts)

    def build(self, node: Node, how: str, parts: list[Built]) -> Built:
        """A string built at `node` from `parts`; `node` is a site if a part is non-constant."""
        # The outermost build is the SQL statement, even when a part was itself built earlier
        # (`f"DROP TABLE {name}"` where `name = "%s_tmp" % ident`): report where the SQL is.
        text = "".join(part.text for part in parts)
        if any(part.dynamic for part in parts):
            return Built(text, True, (Site(node, how),))
        return Built(text)

    @staticmethod
    def choice(branches: list[Built]) -> Built:
        """A value that is one of `branches` (a ternary): constant only if every branch is."""
        text = branches[0].text if branches else ""
        sites = tuple(site for b in branches for site in b.sites)
        dynamic = any(b.dynamic for b in branches)
        return Built(text, dynamic, sites, via_var=all(b.via_var for b in branches if b.dynamic))

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
                value = Built(value.text, True, (Site(definition.value, "concatenation"),))
            texts.append(value.text)
            sites.extend(value.sites)
            dynamic = dynamic or value.dynamic
        return Built("".join(texts), dynamic, tuple(sites), via_var=bool(sites))

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


# Printf-style conversions that only ever print numbers (or raise on a string), so the
# argument cannot carry SQL: `"LIMIT %d" % n`, `fmt.Sprintf("LIMIT %d", n)`.
_PRINTF_VERB = re.compile(
    r"%(?:\((?P<key>[^)]*)\))?[-+ #0]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlLqjzt]*(?P<verb>[a-zA-Z%])"
)
_NUMERIC_VERBS = frozenset("dibouxXeEfFgGtT%")


def printf_verbs(text: str) -> list[str]:
    """The conversion letters of a printf-style format, in order (`%%` excluded)."""
    return [m.group("verb") for m in _PRINTF_VERB.finditer(text) if m.group("verb") != "%"]


def numeric_verb(verb: str) -> bool:
    return verb in _NUMERIC_VERBS


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


class PythonEvaluator(_FormatMixin):
    """Python: `+`, f-strings, `%` formatting and `str.format()`."""

    scope_types = frozenset({"function_definition", "lambda", "class_definition"})
    block_types = frozenset({"block", "module"})
    string_types = frozenset({"string"})
    definitions_query = """
    (assignment left: (identifier) @name right: (_) @value) @def
    (augmented_assignment left: (identifier) @name operator: "+=" right: (_) @value) @aug
    """
    _NUMERIC_SPEC = re.compile(r"[bdoxXneEfFgG%]$")
    _NUMERIC_CALLS = frozenset({"int", "float", "len", "bool", "round", "abs", "id", "hash"})
    _COMPREHENSIONS = frozenset({"generator_expression", "list_comprehension"})

    def expression(self, node: Node, depth: int) -> Built | None:
        kind = node.type
        if kind == "string":
            return self._string(node, depth)
        if kind == "concatenated_string":
            parts = [self.evaluate(c, depth + 1) for c in _arguments(node)]
            return self.build(node, "an f-string", parts)
        if kind == "binary_operator":
            return self._binary(node, depth)
        if kind == "call":
            return self._call(node, depth)
        if kind in {"integer", "float", "true", "false", "none"}:
            return _literal(self.ctx, node)
        if kind == "parenthesized_expression":
            inner = _inner(node)
            return None if inner is None else self.evaluate(inner, depth)
        if kind == "attribute":
            name = call_name(node)
            if is_constant_name(name):
                return CONSTANT
            return FRAGMENT if is_fragment_name(name) else None
        if kind == "conditional_expression":
            named = _arguments(node)
            if len(named) == 3:
                return self.choice(
                    [self.evaluate(named[0], depth + 1), self.evaluate(named[2], depth + 1)]
                )
        return None

    def _string(self, node: Node, depth: int) -> Built:
        if not any(c.type == "interpolation" for c in node.children):
            return _literal(self.ctx, node)
        parts = []
        for child in node.children:
            if child.type != "interpolation":
                parts.append(_literal(self.ctx, child))
                continue
            spec = child.child_by_field_name("format_specifier")
            expression = child.child_by_field_name("expression")
            if spec is not None and self._NUMERIC_SPEC.search(self.ctx.text(spec)):
                parts.append(Built("0"))
            elif expression is not None:
                parts.append(self.evaluate(expression, depth + 1))
        return self.build(node, "an f-string", parts)

    def _binary(self, node: Node, depth: int) -> Built | None:
        operator = node.child_by_field_name("operator")
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if operator is None or left is None or right is None:
            return None
        if operator.type in {"-", "/", "//"}:
            return Built("0")  # only numbers come out of these operators
        if operator.type == "+":
            if numeric_sum(left, right):
                return Built("0")
            parts = [self.evaluate(left, depth + 1), self.evaluate(right, depth + 1)]
            return self.build(node, "concatenation", parts)
        if operator.type == "%":
            template = self.evaluate(left, depth + 1)
            if template.dynamic or "%" not in template.text:
                return None
            if right.type == "identifier":
                # `"DROP DATABASE %(dbname)s" % params` with `params = {...}` just above.
                value = self.assigned_value(right)
                right = (
                    value if value is not None and value.type in {"dictionary", "tuple"} else right
                )
            if right.type == "dictionary":
                # `%(name)s` pairs by key, not position: every value counts unless all are `%d`.
                values = [p.child_by_field_name("value") for p in _arguments(right)]
                args = [v for v in values if v is not None]
                if not printf_verbs(template.text) or not all(
                    numeric_verb(v) for v in printf_verbs(template.text)
                ):
                    parts = [template, *(self.evaluate(a, depth + 1) for a in args)]
                    return self.build(node, "`%` formatting", parts)
                return self.build(node, "`%` formatting", [template])
            args = _arguments(right) if right.type == "tuple" else [right]
            return self.printf(node, "`%` formatting", template, args, depth)
        return None

    def _call(self, node: Node, depth: int) -> Built | None:
        function = node.child_by_field_name("function")
        args = _arguments(node.child_by_field_name("arguments"))
        name = call_name(function)
        if function is not None and function.type == "attribute" and name == "format":
            receiver = function.child_by_field_name("object")
            template = self.evaluate(receiver, depth + 1) if receiver is not None else UNKNOWN
            if template.dynamic or "{" not in template.text:
                return None  # e.g. psycopg's `sql.SQL(...).format(...)`, which quotes safely
            values = [a.child_by_field_name("value") or a for a in args]
            parts = [template, *(self.evaluate(v, depth + 1) for v in values)]
            return self.build(node, "`str.format()`", parts)
        if name in self._NUMERIC_CALLS or self.safe_call(name, node):
            return Built("0")
        arguments = node.child_by_field_name("arguments")
        if arguments is not None and arguments.type == "generator_expression":
            args = [arguments]  # `f(x for x in xs)`: the generator is the argument list
        if name == "join" and len(args) == 1 and args[0].type in self._COMPREHENSIONS:
            # `", ".join(self.quote_name(c) for c in columns)`: safe when every item is.
            body = args[0].child_by_field_name("body")
            if body is not None and not self.evaluate(body, depth + 1).dynamic:
                return Built("0")
        if name == "str" and len(args) == 1:
            return self.evaluate(args[0], depth + 1)
        return None


class GoEvaluator(_FormatMixin):
    """Go: `+` and `fmt.Sprintf`."""

    scope_types = frozenset({"function_declaration", "method_declaration", "func_literal"})
    block_types = frozenset({"block", "statement_list", "source_file"})
    string_types = frozenset({"interpreted_string_literal", "raw_string_literal"})
    definitions_query = """
    (short_var_declaration left: (expression_list . (identifier) @name .)
        right: (expression_list . (_) @value .)) @def
    (var_spec name: (identifier) @name value: (expression_list . (_) @value .)) @def
    (const_spec name: (identifier) @name value: (expression_list . (_) @value .)) @def
    (assignment_statement left: (expression_list . (identifier) @name .) operator: "="
        right: (expression_list . (_) @value .)) @def
    (assignment_statement left: (expression_list . (identifier) @name .) operator: "+="
        right: (expression_list . (_) @value .)) @aug
    """
    _LITERALS = frozenset(
        {
            "interpreted_string_literal",
            "raw_string_literal",
            "rune_literal",
            "int_literal",
            "float_literal",
            "imaginary_literal",
            "true",
            "false",
            "nil",
            "iota",
        }
    )
    _NUMERIC_CALLS = frozenset(
        {"Itoa", "FormatInt", "FormatUint", "FormatFloat", "FormatBool", "len", "cap"}
    )

    def expression(self, node: Node, depth: int) -> Built | None:
        kind = node.type
        if kind in self._LITERALS:
            return _literal(self.ctx, node)
        if kind == "binary_expression":
            return self.plus(node, depth, node.child_by_field_name("operator"))
        if kind == "parenthesized_expression":
            inner = _inner(node)
            return None if inner is None else self.evaluate(inner, depth)
        if kind == "call_expression":
            return self._call(node, depth)
        if kind == "selector_expression":
            return CONSTANT if is_constant_name(call_name(node)) else None
        return None

    def _call(self, node: Node, depth: int) -> Built | None:
        function = node.child_by_field_name("function")
        args = _arguments(node.child_by_field_name("arguments"))
        name = call_name(function)
        if function is not None and function.type == "selector_expression":
            operand = function.child_by_field_name("operand")
            if (
                operand is not None
                and self.ctx.text(operand) == "fmt"
                and name == "Sprintf"
                and args
            ):
                template = self.evaluate(args[0], depth + 1)
                if template.dynamic:
                    return None
                return self.printf(node, "`fmt.Sprintf()`", template, args[1:], depth)
        if name in self._NUMERIC_CALLS or self.safe_call(name, node):
            return Built("0")
        return None


class JavaScriptEvaluator(Evaluator):
    """JavaScript / TypeScript / TSX: `+` and template literals (tagged templates are calls)."""

    scope_types = frozenset(
        {
            "function_declaration",
            "function_expression",
            "arrow_function",
            "method_definition",
            "generator_function_declaration",
            "generator_function",
            "class_static_block",
            "function",
        }
    )
    block_types = frozenset({"statement_block", "program"})
    string_types = frozenset({"string", "template_string"})
    definitions_query = """
    (variable_declarator name: (identifier) @name value: (_) @value) @def
    (assignment_expression left: (identifier) @name right: (_) @value) @def
    (augmented_assignment_expression left: (identifier) @name operator: "+=" right: (_) @value) @aug
    """
    _WRAPPERS = frozenset(
        {
            "parenthesized_expression",
            "as_expression",
            "non_null_expression",
            "satisfies_expression",
            "type_assertion",
        }
    )
    _NUMERIC_CALLS = frozenset(
        {"Number", "parseInt", "parseFloat", "toFixed", "floor", "ceil", "round"}
    )

    def expression(self, node: Node, depth: int) -> Built | None:
        kind = node.type
        if kind in {"string", "number", "true", "false", "null", "undefined"}:
            return _literal(self.ctx, node)
        if kind == "template_string":
            return self._template(node, depth)
        if kind == "binary_expression":
            return self.plus(node, depth, node.child_by_field_name("operator"))
        if kind in self._WRAPPERS:
            inner = _inner(node)
            return None if inner is None else self.evaluate(inner, depth)
        if kind == "ternary_expression":
            branches = [
                node.child_by_field_name("consequence"),
                node.child_by_field_name("alternative"),
            ]
            return self.choice([self.evaluate(b, depth + 1) for b in branches if b is not None])
        if kind == "member_expression":
            name = call_name(node)
            if name == "length" or is_constant_name(name):
                return CONSTANT
            return FRAGMENT if is_fragment_name(name) else None
        if kind == "call_expression":
            return self._call(node, depth)
        return None

    def _template(self, node: Node, depth: int) -> Built:
        if not any(c.type == "template_substitution" for c in node.children):
            return _literal(self.ctx, node)
        parts = []
        for child in node.children:
            if child.type == "template_substitution":
                inner = _inner(child)
                parts.append(UNKNOWN if inner is None else self.evaluate(inner, depth + 1))
            else:
                parts.append(_literal(self.ctx, child))
        return self.build(node, "a template literal", parts)

    def _call(self, node: Node, depth: int) -> Built | None:
        function = node.child_by_field_name("function")
        arguments = node.child_by_field_name("arguments")
        if arguments is None or arguments.type != "arguments":
            return None  # a tagged template: the tag decides how values are spliced
        name = call_name(function)
        if name in self._NUMERIC_CALLS or self.safe_call(name, node):
            return Built("0")
        args = _arguments(arguments)
        if name == "join" and function is not None and self._maps_to_constant(function, depth):
            return Built("0")
        if name == "String" and len(args) == 1:
            return self.evaluate(args[0], depth + 1)
        return None

    def _maps_to_constant(self, join: Node, depth: int) -> bool:
        """`cols.map((c) => this.escape(c)).join(", ")`: the mapped items are all safe."""
        mapped = join.child_by_field_name("object")
        if (
            mapped is None
            or mapped.type != "call_expression"
            or call_name(mapped.child_by_field_name("function")) != "map"
        ):
            return False
        callback = _arguments(mapped.child_by_field_name("arguments"))[:1]
        if not callback or callback[0].type != "arrow_function":
            return False
        body = callback[0].child_by_field_name("body")
        if body is None or body.type == "statement_block":
            return False
        # `ids.map((_, i) => `$${i + 1}`)`: the second parameter is the numeric index.
        params = _arguments(callback[0].child_by_field_name("parameters"))
        index = self.ctx.text(params[1]) if len(params) > 1 else ""
        self.numeric_names.add(index)
        try:
            return not self.evaluate(body, depth + 1).dynamic
        finally:
            self.numeric_names.discard(index)


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
        return Built(text, True, (site,), via_var=True)

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


_RUST_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{(?P<arg>[^{}:]*)(?::[^{}]*)?\}")
_RUST_PASS_THROUGH = frozenset(
    {"to_string", "to_owned", "as_str", "into", "clone", "trim", "as_ref", "borrow"}
)


class RustEvaluator(Evaluator):
    """Rust: `format!`, `+` on `String`, `push_str` and the usual string conversions."""

    scope_types = frozenset({"function_item", "closure_expression"})
    block_types = frozenset({"block", "source_file"})
    string_types = frozenset({"string_literal", "raw_string_literal"})
    definitions_query = """
    (let_declaration pattern: (identifier) @name value: (_) @value) @def
    (assignment_expression left: (identifier) @name right: (_) @value) @def
    (compound_assignment_expr left: (identifier) @name operator: "+=" right: (_) @value) @aug
    ((call_expression
       function: (field_expression value: (identifier) @name field: (field_identifier) @push)
       arguments: (arguments . (_) @value .)) @aug
     (#eq? @push "push_str"))
    """
    _LITERALS = frozenset(
        {"string_literal", "raw_string_literal", "char_literal", "integer_literal",
         "float_literal", "boolean_literal"}
    )  # fmt: skip
    _NUMERIC_METHODS = frozenset({"len", "count", "abs"})

    def _placeholders_only(self, call: Node) -> bool:
        """`(1..=n).map(|i| format!("${}", i)).join(", ")`: `{}` of a counter is a number."""
        literals = [n for n in _descendants(call) if n.type in self.string_types]
        texts = [self.ctx.text(n).replace("{}", "") for n in literals]
        return (
            bool(texts)
            and all(_PLACEHOLDER_LITERAL.match(t) for t in texts)
            and any(_PLACEHOLDER_CHAR.search(t) for t in texts)
        )

    def expression(self, node: Node, depth: int) -> Built | None:
        kind = node.type
        if kind in self._LITERALS:
            return _literal(self.ctx, node)
        if kind in {"reference_expression", "parenthesized_expression"}:
            inner = node.child_by_field_name("value") or _inner(node)
            return None if inner is None else self.evaluate(inner, depth)
        if kind == "binary_expression":
            operator = node.child_by_field_name("operator")
            return self.plus(node, depth, operator, how="`+` concatenation", numeric=False)
        if kind == "scoped_identifier":
            name = node.child_by_field_name("name")
            return CONSTANT if name is not None and is_constant_name(self.ctx.text(name)) else None
        if kind == "macro_invocation":
            return self._macro(node, depth)
        if kind == "call_expression":
            return self._call(node, depth)
        return None

    def _call(self, node: Node, depth: int) -> Built | None:
        function = node.child_by_field_name("function")
        args = _arguments(node.child_by_field_name("arguments"))
        name = call_name(function)
        if function is not None and function.type == "field_expression":
            receiver = function.child_by_field_name("value")
            if name in _RUST_PASS_THROUGH and receiver is not None and not args:
                return self.evaluate(receiver, depth)
            if name in self._NUMERIC_METHODS or self.safe_call(name, node):
                return Built("0")
            return None
        if function is not None and self.ctx.text(function) in {"String::from", "str::to_string"}:
            return self.evaluate(args[0], depth) if len(args) == 1 else None
        return Built("0") if self.safe_call(name, node) else None

    def _macro(self, node: Node, depth: int) -> Built | None:
        """`format!("... {} ...", x)` / `format!("... {x} ...")`: each placeholder is a part."""
        macro = node.child_by_field_name("macro")
        if macro is None or self.ctx.text(macro) != "format":
            return None
        tree = next((c for c in node.named_children if c.type == "token_tree"), None)
        tokens = _arguments(tree)
        if not tokens or tokens[0].type not in self.string_types:
            return None
        template = _literal(self.ctx, tokens[0]).text
        args = _rust_macro_args(tree, tokens[0]) if tree is not None else []
        parts: list[Built] = []
        position = 0
        last = 0
        for match in _RUST_PLACEHOLDER.finditer(template):
            parts.append(Built(template[last : match.start()]))
            last = match.end()
            if match.group("arg") is None:
                parts.append(Built(match.group(0)[0]))
                continue
            key = match.group("arg").strip()
            if not key or key.isdigit():
                index = int(key) if key else position
                position += 0 if key else 1
                arg = args[index] if index < len(args) else None
                parts.append(self._macro_arg(arg, depth))
            else:
                parts.append(self._named_capture(key, node, depth))
        parts.append(Built(template[last:]))
        return self.build(node, "`format!`", parts)

    def _macro_arg(self, tokens: list[Node] | None, depth: int) -> Built:
        """One argument of `format!`: a single token is evaluated, anything longer is a hole."""
        if not tokens:
            return UNKNOWN
        if len(tokens) == 1:
            return self.evaluate(tokens[0], depth + 1)
        if len(tokens) == 2 and tokens[0].type == "&":
            return self.evaluate(tokens[1], depth + 1)
        return UNKNOWN

    def _named_capture(self, name: str, node: Node, depth: int) -> Built:
        """`{table}` inside the template captures the local `table`."""
        if is_constant_name(name):
            return self._constant_named(name, depth)
        defs = self.definitions().get((self.scope_of(node).id, name), [])
        reaching = self._reaching(defs, node)
        if reaching:
            return self._merge(name, reaching, depth)
        return self.unknown(name)


def _rust_macro_args(tree: Node, template: Node) -> list[list[Node]]:
    """The comma-separated token groups after the template in a macro's token tree."""
    children = tree.children
    index = next((i for i, c in enumerate(children) if c.id == template.id), len(children))
    groups: list[list[Node]] = [[]]
    for child in children[index + 1 : -1]:  # the last child closes the tree
        if child.type == ",":
            groups.append([])
        elif child.type not in {"line_comment", "block_comment"}:
            groups[-1].append(child)
    return [g for g in groups if g]


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
        defs = self.definitions().get((self.scope_of(node).id, name), [])
        reaching = self._reaching(defs, node)
        if reaching:
            return self._merge(name, reaching, depth)
        return self.unknown(name)

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
            if name in {"buildString", "StringBuilder"}:
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


EVALUATORS: dict[str, type[Evaluator]] = {
    "python": PythonEvaluator,
    "go": GoEvaluator,
    "javascript": JavaScriptEvaluator,
    "typescript": JavaScriptEvaluator,
    "tsx": JavaScriptEvaluator,
    "java": JavaEvaluator,
    "rust": RustEvaluator,
    "kotlin": KotlinEvaluator,
}
