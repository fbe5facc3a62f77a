"""Shared by the logging family (FG601, FG602): which calls log, and which values hold secrets.

Everything here looks at one call and its arguments (plus, for FG602, facts that only
module-level code can change), so the rules stay function-local.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import tree_sitter

from forge_lsp.dataflow import ir
from forge_lsp.rules.base import CheckContext
from forge_lsp.rules.families import credentials

Node = tree_sitter.Node

# --- logging calls ---------------------------------------------------------------------------

_MEMBER_CALLS = {
    "python": """
(call function: (attribute object: (_) @recv attribute: (identifier) @method)
  arguments: (argument_list) @args) @call
""",
    "go": """
(call_expression
  function: (selector_expression operand: (_) @recv field: (field_identifier) @method)
  arguments: (argument_list) @args) @call
""",
    "javascript": """
(call_expression
  function: (member_expression object: (_) @recv property: (property_identifier) @method)
  arguments: (arguments) @args) @call
""",
    "java": """
(method_invocation object: (_) @recv name: (identifier) @method
  arguments: (argument_list) @args) @call
""",
    "kotlin": """
(call_expression (navigation_expression . (_) @recv (identifier) @method .)
  [(value_arguments) (annotated_lambda)] @args) @call
""",
    "rust": """
(macro_invocation macro: [(identifier) @method
                          (scoped_identifier path: (_) @recv name: (identifier) @method)]
  (token_tree) @args) @call
""",
}
_MEMBER_CALLS["typescript"] = _MEMBER_CALLS["tsx"] = _MEMBER_CALLS["javascript"]

_LOG_METHOD = re.compile(
    r"^(?:(?:trace|debug|info|notice|warn|warning|error|exception|critical|fatal|panic|success"
    r"|verbose|silly|log|print|msg)(?:f|w|ln|context|attrs)?|with|withfield|withfields|bind)$"
)
_LOGGER_WORDS = frozenset(
    {"log", "logger", "logging", "slog", "zap", "logrus", "structlog", "loguru", "sugar",
     "zlog", "klog", "glog", "winston", "pino", "bunyan", "timber", "console", "logs"}
)  # fmt: skip
_RUST_MACROS = frozenset({"trace", "debug", "info", "warn", "error", "event"})
_RUST_PATHS = frozenset({"log", "tracing"})


@dataclass(frozen=True, slots=True)
class LogCall:
    """A call into a logging API: the whole call, what it is called (`logger.info`) and its
    argument list (a Rust macro's token tree)."""

    call: Node
    label: str
    args: Node


def _last_name(node: Node, ctx: CheckContext) -> str:
    """The last identifier of `a.b.c`, `a.b()`, `getLogger(...)`."""
    if node.type in _CALLS:
        function = node.child_by_field_name("function") or node.child_by_field_name("name")
        if function is None and node.named_child_count:
            function = node.named_children[0]
        return _last_name(function, ctx) if function is not None else ""
    named = [c for c in node.named_children if c.type not in ("comment",)]
    if node.type in _MEMBERS and named:
        return _last_name(named[-1], ctx)
    return ctx.text(node)


def log_calls(ctx: CheckContext) -> Iterator[LogCall]:
    """Every logging call in the file (or the re-checked range)."""
    query = _MEMBER_CALLS[ctx.language.name]
    rust = ctx.language.name == "rust"
    for _, captures in ctx.matches(query):
        call, method, args = captures["call"][0], captures["method"][0], captures["args"][0]
        receiver = captures.get("recv", [None])[0]
        name = ctx.text(method)
        if rust:
            path = ctx.text(receiver) if receiver is not None else "log"
            if name not in _RUST_MACROS or path.split("::")[-1] not in _RUST_PATHS:
                continue
        else:
            if receiver is None or not _LOG_METHOD.match(name.lower()):
                continue
            words = credentials.words(_last_name(receiver, ctx))
            if not words or words[-1] not in _LOGGER_WORDS:
                continue
            if words[-1] == "console" and ctx.language.name not in (
                "javascript",
                "typescript",
                "tsx",
            ):
                continue
        label = f"{name}!" if rust else f"{ctx.text(receiver or method)}.{name}()"
        yield LogCall(call, label, args)


# --- secret values ---------------------------------------------------------------------------

_NAMES = frozenset({"identifier", "shorthand_property_identifier", "simple_identifier"})
_MEMBERS = frozenset(
    {"attribute", "selector_expression", "member_expression", "field_access",
     "navigation_expression", "field_expression"}
)  # fmt: skip
_MEMBER_FIELD = {
    "attribute": "attribute",
    "selector_expression": "field",
    "member_expression": "property",
    "field_access": "field",
    "field_expression": "field",
}
_SUBSCRIPTS = {
    "subscript": "subscript",
    "subscript_expression": "index",
    "index_expression": "index",
}
_CALLS = frozenset({"call", "call_expression", "method_invocation"})
_STRINGS = frozenset({"string", "template_string", "string_literal"})
_INTERPOLATIONS = frozenset({"interpolation", "template_substitution"})
_STOP = frozenset(
    {"comparison_operator", "not_operator", "boolean_operator", "lambda", "arrow_function",
     "function_expression", "function", "func_literal", "lambda_expression", "lambda_literal",
     "equality_expression", "comparison_expression", "conjunction_expression",
     "disjunction_expression", "instanceof_expression", "type_test", "check_expression",
     "generator_expression", "list_comprehension", "closure_expression", "await_expression"}
)  # fmt: skip
_COMPARE_OPS = frozenset(
    {"==", "===", "!=", "!==", "<", ">", "<=", ">=", "&&", "and", "or", "in", "not in",
     "instanceof", "-", "*", "/", "is", "is not"}
)  # fmt: skip
_NEGATING_UNARY = frozenset({"!", "not", "typeof", "-", "~", "void", "delete"})
# Calls whose result still carries their arguments' text into the log line.
_PASS_THROUGH = frozenset(
    {"str", "repr", "string", "tostring", "valueof", "sprintf", "format", "any", "stringer",
     "reflect", "bytestring", "kv", "keyvalue", "value", "dumps", "stringify", "strings",
     "fields", "group", "attr", "stringp", "dict"}
)  # fmt: skip
# Methods whose result is their receiver's text (`token.clone()`, `pw.strip()`).
_SAME_VALUE = frozenset(
    {"clone", "to_string", "to_owned", "as_str", "trim", "strip", "tostring", "unwrap",
     "expect", "as_deref", "trimspace"}
)  # fmt: skip
# Lookups by name: `request.headers.get("Authorization")`, `os.getenv("API_TOKEN")`.
_LOOKUPS = frozenset(
    {"get", "getheader", "header", "get_header", "getfirst", "getenv", "environ", "getvalue",
     "getproperty", "lookupenv", "getstring", "getparameter", "get_secret_value"}
)  # fmt: skip
# Words saying the value is derived from the secret, not the secret.
_DERIVED = frozenset(
    {"masked", "mask", "redacted", "redact", "hashed", "hash", "encrypted", "obfuscated",
     "sanitized", "scrubbed", "truncated", "safe", "hint", "len", "length", "count", "has",
     "is", "no", "missing", "present", "exists", "valid", "invalid", "expired", "should",
     "needs", "use", "uses", "enabled", "required", "fingerprint", "digest", "last", "prefix",
     "suffix", "id", "ids", "name", "names", "type", "policy", "field", "param", "header",
     "env", "var", "path", "file", "url", "uri", "hashes", "salt", "size", "reset", "expiry",
     "expires", "ttl", "changed", "updated", "set", "kind", "label", "placeholder", "pattern"}
)  # fmt: skip
# Names that say their value is derived from a secret, not the secret: not followed back.
_NOT_FOLLOWED = frozenset(
    {"masked", "mask", "redacted", "redact", "hashed", "hash", "encrypted", "obfuscated",
     "sanitized", "scrubbed", "truncated", "safe", "hint", "len", "length", "count", "has",
     "is", "present", "exists", "valid", "fingerprint", "digest", "prefix", "suffix", "size",
     "last", "hashes", "salt", "ok", "found"}
)  # fmt: skip
_MAX_FOLLOW = 4
# Words without which a function holds no secret `_through` could find (case-insensitive).
_SECRET_WORDS = re.compile(
    rb"(?i)pass|pwd|\bpw\b|secret|token|auth|key|cred|cookie|bearer|session|private"
)  # assignments followed back from one logged name
_KEY_RE = re.compile(r"^[\w.\-]+:?\s*=?\s*$")
_COOKIE_OWNERS = frozenset({"", "session", "auth", "sid", "login"})


def secret_kind(name: str) -> str | None:
    """What a name says it holds ("password", "token", ...), or None: `password_reset_url`,
    `token_count`, `masked_token`, `hashed_password` and `is_password_valid` hold no secret."""
    parts = credentials.words(name)
    if not parts or any(part in _DERIVED for part in parts):
        return None
    if parts[-1] in ("cookie", "cookies") and (parts[-2] if len(parts) > 1 else "") in (
        _COOKIE_OWNERS
    ):
        return "session cookie"
    return credentials.credential_kind(name)


@dataclass(frozen=True, slots=True)
class Leak:
    """A value in a log call that holds a secret: its nodes (first to last) and its kind."""

    first: Node
    last: Node
    kind: str
    via: Node | None = None  # the assignment's value the secret came through, when it did


class SecretScan:
    """Finds secret-holding values in one logging call's arguments."""

    def __init__(self, ctx: CheckContext) -> None:
        self.ctx = ctx
        self.language = ctx.language.name
        self._following: set[int] = set()  # identifiers whose definitions are being read
        self._mentions: dict[int, bool] = {}  # function node id -> mentions a secret

    def leaks(self, args: Node) -> Iterator[Leak]:
        if self.language == "rust":
            yield from self._rust(args)
        else:
            yield from self._arguments(args)

    # Python, Go, JavaScript/TypeScript, Java, Kotlin ------------------------------------------

    def _arguments(self, args: Node) -> Iterator[Leak]:
        """An argument list: each argument, plus `"token", tok` key/value pairs."""
        if args.type == "annotated_lambda":  # kotlin-logging `log.info { "token $token" }`
            for body in args.named_children:
                for statement in body.named_children:
                    yield from self._scan(statement)
            return
        items = [self._unwrap(c) for c in args.named_children if c.type != "comment"]
        skip: set[int] = set()
        for index, item in enumerate(items):
            if index in skip:
                continue
            kind = self._key_kind(item)
            following = items[index + 1] if index + 1 < len(items) else None
            if kind and following is not None and self._holds_value(following):
                skip.add(index + 1)
                yield Leak(following, following, kind)
                continue
            yield from self._scan(item)

    def _unwrap(self, node: Node) -> Node:
        # Kotlin `value_argument`, Go `literal_element`: the expression inside.
        if node.type in ("value_argument", "literal_element") and node.named_child_count:
            return node.named_children[-1]
        return node

    def _is_literal(self, node: Node) -> bool:
        if self.language in credentials.LITERAL_TYPES:
            return credentials.is_literal(node, self.language)
        return node.type == "string_literal" and not any(
            c.type == "interpolation" for c in node.children
        )

    def _key_kind(self, node: Node) -> str | None:
        """The kind of a string literal used as a structured-logging key (`"token"`)."""
        if not self._is_literal(node):
            return None
        key = credentials.content(node, self.ctx.source)
        return secret_kind(key) if _KEY_RE.match(key) else None

    def _holds_value(self, node: Node) -> bool:
        """Whether a value could carry a secret (not a literal, a redaction or a length)."""
        if node.type in _NAMES or node.type in _MEMBERS or node.type in _SUBSCRIPTS:
            return True
        if node.type in ("unary_expression", "pointer_expression", "parenthesized_expression"):
            return any(self._holds_value(c) for c in node.named_children)
        if node.type in _CALLS:
            return self._call_name(node).lower() in _PASS_THROUGH
        return False

    def _call_name(self, call: Node) -> str:
        if call.type == "method_invocation":
            name = call.child_by_field_name("name")
            return self.ctx.text(name) if name else ""
        return _last_name(call, self.ctx)

    def _receiver(self, call: Node) -> Node | None:
        if call.type == "method_invocation":
            return call.child_by_field_name("object")
        function = call.child_by_field_name("function")
        if function is None and call.named_child_count:
            function = call.named_children[0]
        if function is None or function.type not in _MEMBERS or not function.named_child_count:
            return None
        return function.named_children[0]

    def _call_args(self, call: Node) -> Node | None:
        args = call.child_by_field_name("arguments")
        if args is None:
            args = next((c for c in call.named_children if c.type == "value_arguments"), None)
        return args

    def _scan(self, node: Node) -> Iterator[Leak]:
        kind_of = node.type
        if kind_of in _NAMES:
            name = self.ctx.text(node)
            kind = secret_kind(name)
            if kind:
                yield Leak(node, node, kind)
            else:
                yield from self._through(node, name)
        elif kind_of in _MEMBERS:
            kind = secret_kind(self._member_name(node))
            if kind:
                yield Leak(node, node, kind)
        elif kind_of in _SUBSCRIPTS:
            key = node.child_by_field_name(_SUBSCRIPTS[kind_of])
            kind = self._key_kind(key) if key is not None else None
            if kind:
                yield Leak(node, node, kind)
        elif kind_of in _CALLS:
            yield from self._call(node)
        elif kind_of in _STRINGS:
            yield from self._string(node)
        elif kind_of in ("pair", "keyword_argument", "keyed_element"):
            yield from self._pair(node)
        elif kind_of in _STOP or self._is_test(node):
            return
        else:
            for child in node.named_children:
                yield from self._scan(child)

    def _through(self, ident: Node, name: str) -> Iterator[Leak]:
        """A name that says nothing: the values assigned to it in the function, read the same
        way (`auth = request.headers["Authorization"]; log.info(auth)`). A name that says the
        value is derived (`masked`, `token_hash`, `pw_len`) is not followed."""
        if (
            len(self._following) >= _MAX_FOLLOW
            or ident.id in self._following
            or any(part in _NOT_FOLLOWED for part in credentials.words(name))
            or not self._mentions_secret(ident)
        ):
            return
        self._following.add(ident.id)
        try:
            for definition in self.ctx.flow.reaching(ident):
                if (
                    not isinstance(definition, ir.Assign)
                    or definition.value is None
                    or definition.op not in (ir.Op.SET, ir.Op.APPEND)
                ):
                    continue
                for leak in self._scan(definition.value):
                    yield Leak(ident, ident, leak.kind, leak.via or definition.value)
                    return
        finally:
            self._following.discard(ident.id)

    def _mentions_secret(self, node: Node) -> bool:
        """Whether the function around `node` mentions a secret at all: a cheap text test
        before the dataflow layer lowers it (most functions that log hold no secret)."""
        function: Node | None = node
        types = self.ctx.language.function_types
        while function is not None and function.type not in types:
            function = function.parent
        function = function or self.ctx.root
        known = self._mentions.get(function.id)
        if known is None:
            text = self.ctx.source[function.start_byte : function.end_byte]
            known = self._mentions[function.id] = _SECRET_WORDS.search(text) is not None
        return known

    def _is_test(self, node: Node) -> bool:
        """Comparisons, negations and arithmetic yield a flag or a number, not the secret."""
        if node.type in ("binary_expression", "binary_operator", "boolean_operator"):
            operator = node.child_by_field_name("operator")
            return operator is not None and self.ctx.text(operator) in _COMPARE_OPS
        if node.type in ("unary_expression", "unary_operator", "prefix_expression"):
            operator = node.child_by_field_name("operator") or node.child(0)
            return operator is not None and self.ctx.text(operator) in _NEGATING_UNARY
        return False

    def _member_name(self, node: Node) -> str:
        field = _MEMBER_FIELD.get(node.type)
        target = node.child_by_field_name(field) if field else None
        if target is None:
            named = node.named_children
            target = named[-1] if named else None
        return self.ctx.text(target) if target is not None else ""

    def _call(self, call: Node) -> Iterator[Leak]:
        name = self._call_name(call)
        args = self._call_args(call)
        lowered = name.lower()
        if args is None:
            return
        items = [self._unwrap(c) for c in args.named_children if c.type != "comment"]
        if not items and lowered in _SAME_VALUE:  # `token.clone()`, `pw.trim()`
            receiver = self._receiver(call)
            if receiver is not None:
                yield from self._scan(receiver)
            return
        if lowered in _PASS_THROUGH:
            yield from self._arguments(args)
        elif lowered in _LOOKUPS and items:
            kind = self._key_kind(items[0])
            if kind:
                yield Leak(call, call, kind)
        elif not items and lowered.startswith("get") and len(name) > 3:
            kind = secret_kind(name)  # `user.getPassword()`
            if kind:
                yield Leak(call, call, kind)

    def _string(self, node: Node) -> Iterator[Leak]:
        for child in node.named_children:
            if child.type in _INTERPOLATIONS:
                for part in child.named_children:
                    yield from self._scan(part)
        if self.language == "kotlin":  # `"token=$token"`: the short form is plain content
            text = self.ctx.text(node)
            for match in re.finditer(r"(?<!\\)\$([A-Za-z_]\w*)", text):
                kind = secret_kind(match.group(1))
                if kind:
                    yield Leak(node, node, kind)
                    return

    def _pair(self, node: Node) -> Iterator[Leak]:
        key = node.child_by_field_name("key") or node.child_by_field_name("name")
        value = node.child_by_field_name("value")
        if node.type == "keyed_element" and node.named_child_count == 2:
            key, value = (self._unwrap(c) for c in node.named_children)
        if key is None or value is None:
            return
        if key.type in _NAMES or key.type in ("property_identifier", "field_identifier"):
            kind = secret_kind(self.ctx.text(key))
        else:
            kind = self._key_kind(key)
        if kind and self._holds_value(value):
            yield Leak(value, value, kind)
        else:
            yield from self._scan(value)

    # Rust: macro arguments are a token tree -----------------------------------------------------

    def _rust(self, tree: Node) -> Iterator[Leak]:
        group: list[Node] = []
        for child in tree.children[1:-1]:  # without the brackets
            if child.type == ",":
                yield from self._rust_group(group)
                group = []
            elif child.type not in ("line_comment", "block_comment"):
                group.append(child)
        yield from self._rust_group(group)

    def _rust_group(self, group: list[Node]) -> Iterator[Leak]:
        if not group:
            return
        if len(group) == 1 and group[0].type in ("string_literal", "raw_string_literal"):
            for match in re.finditer(r"\{([A-Za-z_]\w*)(?::[^}]*)?\}", self.ctx.text(group[0])):
                kind = secret_kind(match.group(1))
                if kind:
                    yield Leak(group[0], group[0], kind)
                    return
            return
        equals = next((i for i, t in enumerate(group) if t.type == "="), None)
        if equals is not None:  # `password = %pw` (tracing field, named format argument)
            key = [t for t in group[:equals] if t.type == "identifier"]
            value = group[equals + 1 :]
            kind = secret_kind(self.ctx.text(key[-1])) if key else None
            if kind and self._rust_value(value):
                value = self._without_sigils(value)
                yield Leak(value[0], value[-1], kind)
                return
            group = value
        names = [t for t in group if t.type in ("identifier", "self")]
        if not names or not self._rust_value(group):
            return
        kind = secret_kind(self.ctx.text(names[-1]))
        if kind:
            group = self._without_sigils(group)
            yield Leak(group[0], group[-1], kind)
        elif len(names) == 1 and len(self._without_sigils(group)) == 1:
            yield from self._through(names[0], self.ctx.text(names[0]))

    def _without_sigils(self, tokens: list[Node]) -> list[Node]:
        """`%key` -> `key`: tracing's Display/Debug sigils and borrows are not the value."""
        while len(tokens) > 1 and tokens[0].type in ("&", "%", "?", "*"):
            tokens = tokens[1:]
        return tokens

    def _rust_value(self, tokens: list[Node]) -> bool:
        """A path like `&user.password` or `?pw`: no literal, no call (`redact(&pw)`)."""
        return (
            bool(tokens)
            and any(t.type in ("identifier", "self") for t in tokens)
            and all(t.type in ("identifier", "self", ".", "&", "%", "?", "*") for t in tokens)
        )


# --- print statements (FG602) ----------------------------------------------------------------

_PRINT_QUERIES = {
    "python": """
(call function: (identifier) @name arguments: (argument_list) @args (#eq? @name "print")) @call
""",
    "go": """
(call_expression
  function: (selector_expression operand: (identifier) @pkg field: (field_identifier) @field) @name
  (#eq? @pkg "fmt") (#match? @field "^Print(f|ln)?$")) @call
""",
    "javascript": """
(call_expression
  function: (member_expression object: (identifier) @obj property: (property_identifier) @field)
  @name
  (#eq? @obj "console") (#match? @field "^(log|info|debug)$")) @call
""",
    "java": """
(method_invocation object: (field_access object: (identifier) @sys field: (identifier) @stream)
  name: (identifier) @name
  (#eq? @sys "System") (#match? @stream "^(out|err)$") (#match? @name "^print(ln|f)?$")) @call
(method_invocation name: (identifier) @name arguments: (argument_list . ")")
  (#eq? @name "printStackTrace")) @call
""",
    "kotlin": """
(call_expression (identifier) @name (value_arguments) (#match? @name "^print(ln)?$")) @call
""",
    "rust": """
(macro_invocation macro: (identifier) @name (#match? @name "^(e?print(ln)?|dbg)$")) @call
""",
}
_PRINT_QUERIES["typescript"] = _PRINT_QUERIES["tsx"] = _PRINT_QUERIES["javascript"]


def print_queries(language: str) -> str:
    return _PRINT_QUERIES[language]
