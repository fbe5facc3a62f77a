"""What the error rules (FG302, FG303, FG305) know beyond their library tables.

Functions this file declares that return an error (a Go `error`, a Rust `Result`), from
`forge_lsp.dataflow.signatures`, built once per check; Go's documented defaults, the `_` of a
parse whose zero value the code means (`on, _ := strconv.ParseBool(tag)`); and FG302's weighing
of a discarded error (`weigh`): known or not, able to fail on these inputs or not, handled by a
nil check or not, and how much its kind of failure matters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import tree_sitter

from forge_lsp.core.model import Confidence, Severity
from forge_lsp.dataflow import signatures as sig
from forge_lsp.dataflow.facts import Origin, is_constant
from forge_lsp.dataflow.solver import Definition, Entry
from forge_lsp.rules.base import CheckContext
from forge_lsp.rules.families import go_library as lib
from forge_lsp.rules.families import swallowed as sw
from forge_lsp.rules.families.swallowed import GoCall, file_signatures

Node = tree_sitter.Node


# Method names whose dropped error the rules' library policy already judges, whoever declares
# them: `Close` matters only on a writer, `Rollback` and `Remove` are cleanup, a write to a
# response or a buffer has nobody to tell, and a deadline on a closed connection fails the
# next read anyway. A type of this file with `Close() error` does not change that.
LIBRARY_POLICY = frozenset(
    {
        "Close",
        "Flush",
        "Rollback",
        "Remove",
        "RemoveAll",
        "Kill",
        "Write",
        "WriteString",
        "WriteByte",
        "WriteRune",
        "WriteTo",
        "ReadFrom",
        "WriteHeader",
        "SetDeadline",
        "SetReadDeadline",
        "SetWriteDeadline",
    }
)

# A same-file function named for cleanup is cleanup, as `Close`, `Rollback` and `Remove` are:
# `_ = cn.cancel(ctx)`, `s.cleanupTemp()`, `stopWorkers()` run on a path with nothing left to do.
CLEANUP_NAME = re.compile(
    r"^(?i:cancel|close|cleanup|clean|rollback|stop|kill|release|abort|discard|teardown|unlock)"
    r"(?:$|[A-Z_])"
)


def go_same_file_error(ctx: CheckContext, call: GoCall) -> bool:
    """Does `call` run a function or method this file declares with an `error` last result
    that it can return (see `go_same_file_result`)?"""
    return go_same_file_result(ctx, call) == FAILS


FAILS = "fails"  # declared here with an error result it can return
NEVER_FAILS = "never fails"  # declared here with an error result, `nil` on every return


def go_same_file_result(ctx: CheckContext, call: GoCall) -> str | None:
    """Does `call` run a function or method this file declares with an `error` last result:
    FAILS, NEVER_FAILS (`nil` on every return, see `_never_fails`), or None (not the file's).

    `save()` resolves to the file's function; `s.save()` to the method of `s`'s type when the
    enclosing function declares it (receiver or parameter), else by name when every same-named
    declaration of the file returns an error. `pkg.Save()` on an imported package is not ours,
    nor is a method on a field (`h.db.Save()`: the field's type is not read) or on a call's
    result, nor a method whose drop the library policy decides (`LIBRARY_POLICY`).
    """
    signatures = file_signatures(ctx)
    if not call.qualifier:
        found = signatures.function(call.name)
    elif call.name in LIBRARY_POLICY or call.qualifier in signatures.packages:
        return None
    elif "." in call.qualifier or "(" in call.qualifier:
        return None  # `h.db.Save()`, `newStore().Save()`: the receiver's type is not read
    else:
        owner = sig.go_owner_of(call.node, call.qualifier)
        if owner is None and receiver_type(ctx, call) == FOREIGN:
            return None  # `ds := datastore.New()`: another package's type, not ours
        found = signatures.method(call.name, owner)
    if found is None or not found.returns_error or CLEANUP_NAME.match(call.name):
        return None
    # `ds.Delete("client", name)` is not the file's `Delete()`: the argument count must fit.
    candidates = signatures.functions.get(call.name, [])
    if call.qualifier:
        candidates = signatures.methods.get(call.name, []) + candidates
    spread = any(ctx.text(arg).endswith("...") for arg in call.args)
    if not spread and not any(c.arity in (-1, len(call.args)) for c in candidates):
        return None
    return NEVER_FAILS if _never_fails(ctx, call.name, {c.owner for c in candidates}) else FAILS


def _never_fails(ctx: CheckContext, name: str, owners: set[str]) -> bool:
    """Every declaration of `name` here ends every `return` with `nil`: `func (i *Index)
    CreateCollection(n string) error { ...; return nil }` keeps the error for an interface."""
    bodies = []
    for declaration in ctx.root.named_children:
        if declaration.type not in ("function_declaration", "method_declaration"):
            continue
        named = declaration.child_by_field_name("name")
        if named is None or ctx.text(named) != name:
            continue
        receiver = (
            sig.go_receiver(declaration) if declaration.type == "method_declaration" else None
        )
        if (receiver[1] if receiver else "") not in owners:
            continue
        body = declaration.child_by_field_name("body")
        if body is None:
            return False
        bodies.append(body)
    return bool(bodies) and all(_returns_only_nil(ctx, body) for body in bodies)


def _returns_only_nil(ctx: CheckContext, body: Node) -> bool:
    """Work done, and `nil` returned for the error every time. A body that is only `return nil`
    is a stub (a placeholder whose error is still to come), not a decision."""
    statements = body.named_children
    if statements and statements[0].type == "statement_list":
        statements = statements[0].named_children
    if len([s for s in statements if s.type != "comment"]) < 2:
        return False
    returns = 0
    stack = list(body.named_children)
    while stack:
        node = stack.pop()
        if node.type == "func_literal":
            continue  # a closure's returns are its own
        if node.type == "return_statement":
            values = node.named_children[-1] if node.named_children else None
            last = (
                values.named_children[-1]
                if values is not None and values.named_children
                else values
            )
            if last is None or ctx.text(last) != "nil":
                return False
            returns += 1
            continue
        stack.extend(node.named_children)
    return returns > 0


def _reaching(ctx: CheckContext, node: Node) -> frozenset[Definition]:
    """The definitions reaching the name `node`; none when the solver gives up on the body."""
    try:
        return ctx.flow.reaching(node)
    except (RecursionError, ValueError):
        return frozenset()


FOREIGN = "foreign"  # a value of another package's type: `datastore.New()`, `&pkg.T{}`
PACKAGE = "package"  # a value of this package's own type: `&Tokenizer{...}`, `new(T)`, `var t T`


def receiver_type(ctx: CheckContext, call: GoCall) -> str | None:
    """Where the type of a method call's receiver is declared, when every assignment that
    reaches it says: FOREIGN (an imported package's constructor, literal or type) or PACKAGE
    (an unqualified type: this package's, declared in this file or another). None otherwise."""
    function = call.node.child_by_field_name("function")
    operand = function.child_by_field_name("operand") if function is not None else None
    if operand is None or operand.type != "identifier":
        return None
    packages = file_signatures(ctx).packages
    kinds = set()
    for definition in _reaching(ctx, operand):
        if isinstance(definition, Entry) or definition.value is None:
            return None
        kinds.add(_value_type(ctx, definition.value, packages))
    return kinds.pop() if len(kinds) == 1 else None


_CONSTRUCTED = re.compile(r"&?\s*(?:new\(\s*\*?)?(?:(\w+)\.)?([A-Za-z_]\w*)\s*[({]")


def _value_type(ctx: CheckContext, value: Node, packages: frozenset[str]) -> str | None:
    if value.type == "var_spec":
        kind = value.child_by_field_name("type")
        while kind is not None and kind.type == "pointer_type" and kind.named_children:
            kind = kind.named_children[0]
        if kind is None:
            return None
        if kind.type == "qualified_type":
            return FOREIGN
        return PACKAGE if kind.type == "type_identifier" else None
    text = ctx.text(value)
    match = _CONSTRUCTED.match(text)
    if match is None:
        return None
    package, name = match.groups()
    if package is not None:
        return FOREIGN if package in packages else None
    literal = value.type == "composite_literal" or (
        value.type == "unary_expression" and text.lstrip("&").lstrip().startswith(name + "{")
    )
    if literal or text.startswith("new("):
        return PACKAGE if name not in _BUILTIN_TYPES else None
    return None


_BUILTIN_TYPES = frozenset({"map", "struct", "string", "int", "int64", "byte", "any", "error"})


def rust_same_file_result(ctx: CheckContext, call: Node) -> bool:
    """Does the Rust `call_expression` run a function or method of this file returning a
    `Result`? `load()`, `Self::load()`, `Store::load()`, `self.save()`, `store.save()`. An
    `async fn` counts only under `.await` (`call` is then the awaited call): without it the
    statement drops a future, which rustc reports."""
    function = call.child_by_field_name("function")
    if function is None:
        return False
    signatures = file_signatures(ctx)
    found: sig.Signature | None = None
    if function.type == "identifier":
        found = signatures.function(ctx.text(function))
    elif function.type == "scoped_identifier":
        path, name = function.child_by_field_name("path"), function.child_by_field_name("name")
        if path is None or name is None:
            return False
        owner = ctx.text(path)
        if owner == "Self":
            owner = sig.rust_owner_of(call) or ""
        typed = [s for s in signatures.methods.get(ctx.text(name), []) if s.owner == owner]
        found = typed[0] if typed and len({s.returns_error for s in typed}) == 1 else None
    elif function.type == "field_expression":
        receiver = function.child_by_field_name("value")
        field = function.child_by_field_name("field")
        if receiver is None or field is None:
            return False
        self_type = sig.rust_owner_of(call) if ctx.text(receiver) == "self" else None
        found = signatures.method(ctx.text(field), self_type)
    if found is None or not found.returns_error:
        return False
    awaited = call.parent is not None and call.parent.type == "await_expression"
    return awaited or not found.is_async


# ------------------------------------------------------------------------ documented defaults

# `strconv.ParseBool` returns false with its error: the same value as an unset option.
BOOL_PARSES = frozenset({"strconv.ParseBool"})
# Numeric parses return 0 with their error (ParseInt/ParseUint the clamped value on a range
# error): a default only when the code gives the zero value a meaning right away.
NUMBER_PARSES = frozenset(
    {
        "strconv.Atoi",
        "strconv.ParseInt",
        "strconv.ParseUint",
        "strconv.ParseFloat",
        "time.ParseDuration",
    }
)
_NUMBER = r"-?\d+(?:\.\d+)?"


def documented_default(ctx: CheckContext, statement: Node, call: GoCall) -> bool:
    """`v, _ := strconv.ParseBool(s)`, or a numeric parse whose value is compared with a number
    by the `if` right after it (`n, _ := strconv.Atoi(s); if n <= 0 { n = 20 }`): the code
    handles the zero value the parse returns on failure, so nothing is lost with the `_`."""
    if call.qualified in BOOL_PARSES:
        return True
    if call.qualified not in NUMBER_PARSES:
        return False
    left = statement.child_by_field_name("left")
    first = left.named_children[0] if left is not None and left.named_children else None
    if first is None or first.type != "identifier" or ctx.text(first) == "_":
        return False
    condition = condition_after(statement)
    if condition is None:
        return False
    name = re.escape(ctx.text(first))
    compared = re.compile(
        rf"\b{name}\s*(?:[<>]=?|[!=]=)\s*{_NUMBER}\b|\b{_NUMBER}\s*(?:[<>]=?|[!=]=)\s*{name}\b"
    )
    return bool(compared.search(ctx.text(condition)))


def condition_after(statement: Node) -> Node | None:
    """The condition of `if v, _ := f(); cond {` or of the `if` statement right after."""
    parent = statement.parent
    if parent is not None and parent.type == "if_statement":
        initializer = parent.child_by_field_name("initializer")
        if initializer is not None and initializer.id == statement.id:
            return parent.child_by_field_name("condition")
    following = statement.next_named_sibling
    while following is not None and following.type == "comment":
        following = following.next_named_sibling
    if following is None or following.type != "if_statement":
        return None
    if following.child_by_field_name("initializer") is not None:
        return None
    return following.child_by_field_name("condition")


# ------------------------------------------------------------------- FG302: weighing a discard

# A comment that admits the discard is a bug excuses nothing: `// TODO: deal with errors`.
_ADMISSION = re.compile(rb"^(?://+|/\*+)\s*(?:TODO|FIXME|XXX|HACK|BUG)\b", re.IGNORECASE)


def excuses(comment: Node) -> bool:
    """A comment written for people that says why, not a tool directive nor a TODO."""
    return sw.explains(comment) and not _ADMISSION.match(comment.text or b"")


@dataclass(frozen=True, slots=True)
class Weight:
    """What a discarded error deserves: a severity, a confidence, and the message."""

    severity: Severity
    confidence: Confidence
    message: str


def weigh(ctx: CheckContext, statement: Node, call: GoCall) -> Weight | None:
    """FG302's verdict on `v, _ := call(...)` once the last result is not known to be something
    else than an error (see the rule doc): None when the call cannot fail on these inputs."""
    known = lib.classify(ctx, call)
    shown = f"`{call.qualified}()`"
    if known is None:
        declared = go_same_file_result(ctx, call)
        if declared == NEVER_FAILS:
            return None
        if declared == FAILS:
            weight = Weight(
                Severity.WARNING,
                Confidence.MEDIUM,
                f"The error from {shown} (declared in this file to return one) is thrown away "
                "with `_`: check it, or the zero value carries on as if it were real data.",
            )
        elif sw.constant_arguments(call):
            return None
        else:
            weight = Weight(
                Severity.INFO,
                Confidence.LOW,
                f"{shown} is not a function Forge knows: if its last result is an error (the Go "
                "convention), it is thrown away with `_` here.",
            )
    elif known.pure and _cannot_fail(ctx, call, known):
        return None
    elif (
        call.qualified == "time.LoadLocation"
        and call.args
        and ctx.text(call.args[0])
        in (
            '"UTC"',
            '"Local"',
            '""',
        )
    ):
        return None  # the zones that need no time zone database
    else:
        weight = _by_kind(ctx, call, known, shown)
    first = _first_target(ctx, statement)
    if first and weight.severity is Severity.WARNING and _nil_checked(ctx, statement, first):
        return Weight(
            Severity.INFO,
            Confidence.LOW,
            f"The error from {shown} is thrown away and the nil check on `{first}` reads any "
            "failure as absent: check the error if a failure must not look like absence.",
        )
    return weight


def _by_kind(ctx: CheckContext, call: GoCall, known: lib.Known, shown: str) -> Weight:
    kind = known.kind
    if kind in (lib.Kind.IO, lib.Kind.SQL, lib.Kind.NETWORK):
        return Weight(
            Severity.WARNING,
            Confidence.HIGH,
            f"The {kind.value} error from {shown} is thrown away with `_`: check it, or the "
            "zero value carries on as if it were real data.",
        )
    if kind is lib.Kind.ENV:
        return Weight(
            Severity.WARNING,
            Confidence.MEDIUM,
            f"The error from {shown} is thrown away with `_`: on a host where it fails, the "
            "empty value is used as if it were real (a relative path, an empty name).",
        )
    if kind in (lib.Kind.PARSE, lib.Kind.DECODE):
        return _parse_weight(ctx, _inputs(call, known), shown)
    if kind is lib.Kind.ENCODE:
        return Weight(
            Severity.INFO,
            Confidence.LOW,
            f"The error from {shown} is thrown away with `_`: it fails only on values that "
            "cannot be encoded (channels, functions, NaN, a failing Marshaler), which Forge "
            "cannot see from here.",
        )
    return Weight(
        Severity.INFO,
        Confidence.LOW,
        f"The error from {shown} is thrown away with `_`: it reports a driver that does not "
        "support it, the same on every call.",
    )


def _parse_weight(ctx: CheckContext, inputs: list[Node], shown: str) -> Weight:
    """Input from outside (a request, the environment, the command line) or a parameter of an
    exported function (callers outside the package may pass anything) can be malformed: a
    warning. A parameter of an unexported function holds what the package's own callers pass,
    often validated already, and so may a value the rule cannot trace (a field, another call's
    result): information."""
    origins = {fact.origin for arg in inputs for fact in ctx.flow.value(arg)}
    tail = (
        "malformed data silently becomes the zero value; check it, or compare the result with "
        "a default right after the call."
    )
    if Origin.UNTRUSTED in origins:
        return Weight(
            Severity.WARNING,
            Confidence.HIGH,
            f"The error from {shown} on input from outside is thrown away with `_`: {tail}",
        )
    if any(_from_environment(ctx, arg, 0) for arg in inputs):
        return Weight(
            Severity.WARNING,
            Confidence.MEDIUM,
            f"The error from {shown} on the environment or the command line is thrown away "
            f"with `_`: {tail}",
        )
    if Origin.PARAMETER in origins and _exported_function(ctx, inputs[0]):
        return Weight(
            Severity.WARNING,
            Confidence.MEDIUM,
            f"The error from {shown} on a parameter is thrown away with `_`: {tail}",
        )
    return Weight(
        Severity.INFO,
        Confidence.LOW,
        f"The error from {shown} is thrown away with `_`: if its input can be malformed, {tail}",
    )


def _exported_function(ctx: CheckContext, node: Node) -> bool:
    """Is `node` inside an exported top-level function or method (`func Parse`, `func (s *S)
    Load`)? A closure counts as its enclosing declaration."""
    current: Node | None = node
    while current is not None and current.type not in (
        "function_declaration",
        "method_declaration",
    ):
        current = current.parent
    name = current.child_by_field_name("name") if current is not None else None
    return name is not None and ctx.text(name)[:1].isupper()


_ENVIRONMENT = re.compile(r"\b(?:os\.Getenv|os\.LookupEnv|flag\.Arg|os\.Args)\b")


def _from_environment(ctx: CheckContext, node: Node, depth: int) -> bool:
    """`os.Getenv("PORT")`, `os.Args[1]`, `flag.Arg(0)`, or a name assigned one of them."""
    if _ENVIRONMENT.search(ctx.text(node)):
        return True
    if node.type != "identifier" or depth > 2:
        return False
    return any(
        not isinstance(d, Entry)
        and d.value is not None
        and _from_environment(ctx, d.value, depth + 1)
        for d in _reaching(ctx, node)
    )


def _inputs(call: GoCall, known: lib.Known) -> list[Node]:
    if known.inputs is None:
        return call.args
    return [call.args[i] for i in known.inputs if i < len(call.args)]


def _cannot_fail(ctx: CheckContext, call: GoCall, known: lib.Known) -> bool:
    """A pure call on inputs that cannot make it fail: constant on every path, a value whose
    type always encodes, a URL's own text parsed again."""
    inputs = _inputs(call, known)
    if not inputs:
        return False
    if known.kind is lib.Kind.ENCODE:
        return all(_plain_value(ctx, arg, 0) for arg in inputs)
    if call.name in ("Parse", "ParseRequestURI") and _url_text(ctx, inputs[0]):
        return True
    return all(sw.constant_node(arg) or is_constant(ctx.flow.value(arg)) for arg in inputs)


def _url_text(ctx: CheckContext, node: Node) -> bool:
    """`req.URL.String()`: the text of a URL that was parsed already parses again."""
    return bool(re.search(r"\bURL\.String\(\)$", ctx.text(node)))


_BASIC_TYPES = frozenset(
    [
        "string",
        "bool",
        "int",
        "int8",
        "int16",
        "int32",
        "int64",
        "uint",
        "uint8",
        "uint16",
        "uint32",
        "uint64",
        "uintptr",
        "byte",
        "rune",
        "json.RawMessage",
        "json.Number",
    ]
)
_MAP_TYPE = re.compile(r"map\[(\w+)\](.+)")


def plain_type(text: str) -> bool:
    """A type whose values always encode to JSON/XML/YAML: strings, booleans, integers, and
    slices, pointers and string- or integer-keyed maps of those. Floats (NaN), interfaces,
    structs (a field or a Marshaler may fail) and `time.Time` (years past 9999) are not."""
    text = "".join(text.split())
    while text.startswith(("[]", "*")):
        text = text[2:] if text.startswith("[]") else text[1:]
    if text in _BASIC_TYPES:
        return True
    match = _MAP_TYPE.fullmatch(text)
    return match is not None and match.group(1) in _BASIC_TYPES and plain_type(match.group(2))


_PLAIN_LITERALS = frozenset(
    {"interpreted_string_literal", "raw_string_literal", "int_literal", "true", "false", "nil"}
)


def _plain_value(ctx: CheckContext, node: Node, depth: int) -> bool:
    """Is `node` a value of a plain type (see `plain_type`), by its literal, its `make`, its
    declaration, or every assignment that reaches it?"""
    if depth > 3:
        return False
    if node.type in _PLAIN_LITERALS:
        return True
    if node.type == "unary_expression" and node.child_by_field_name("operand") is not None:
        operand = node.child_by_field_name("operand")
        return operand is not None and _plain_value(ctx, operand, depth + 1)
    if node.type in ("composite_literal", "var_spec", "parameter_declaration"):
        kind = node.child_by_field_name("type")
        return kind is not None and plain_type(ctx.text(kind))
    if node.type == "call_expression":
        function, arguments = (
            node.child_by_field_name("function"),
            node.child_by_field_name("arguments"),
        )
        if function is None or arguments is None or ctx.text(function) != "make":
            return False
        return bool(arguments.named_children) and plain_type(ctx.text(arguments.named_children[0]))
    if node.type != "identifier":
        return False
    definitions = _reaching(ctx, node)
    if not definitions:
        return False
    for definition in definitions:
        if isinstance(definition, Entry):
            if definition.node is None or not _plain_value(ctx, definition.node, depth + 1):
                return False
        elif definition.op.name == "PUT":
            continue  # `payload["k"] = v` writes into the map: its type stays
        elif definition.value is None or not _plain_value(ctx, definition.value, depth + 1):
            return False
    return True


def _first_target(ctx: CheckContext, statement: Node) -> str:
    left = statement.child_by_field_name("left")
    first = left.named_children[0] if left is not None and left.named_children else None
    if first is None or first.type != "identifier" or ctx.text(first) == "_":
        return ""
    return ctx.text(first)


def _nil_checked(ctx: CheckContext, statement: Node, name: str) -> bool:
    """`if n, _ := f(k); n != nil {`, or `v, _ := f(k)` then `if v == nil {`: the code gives a
    failure a meaning, "absent"."""
    condition = condition_after(statement)
    if condition is None:
        return False
    escaped = re.escape(name)
    return bool(
        re.search(rf"\b{escaped}\s*[!=]=\s*nil\b|\bnil\s*[!=]=\s*{escaped}\b", ctx.text(condition))
    )
