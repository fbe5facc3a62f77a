"""The lowered form of a function body: statements a solver can walk, expressions a rule can read.

A language's lowering (`forge_lsp.dataflow.lower.<language>`) produces a `FunctionIR` per function
and per file top level. Statements keep their tree-sitter node, so a use of a name maps back to
the innermost statement around it. Expressions are not lowered eagerly: `Expr` shapes are built
on demand from a node by the language's `expression()` hook.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

import tree_sitter

Node = tree_sitter.Node


class Op(enum.Enum):
    """How an assignment changes its target."""

    SET = "="  # `x = v`, `var x = v`, `x := v`, `let x = v`: replaces the value
    APPEND = "+="  # `x += v`, `sb.append(v)`, `s.push_str(v)`, `b.WriteString(v)`: adds to it
    ELEMENT = "element"  # `for x in v`, `a, b = v`, `{a} = v`: a part of `v`
    PUT = "put"  # `m[k] = v`, `m.put(k, v)`, `list.append(v)`: `v` stored in collection `x`


@dataclass(frozen=True, slots=True, eq=False)
class Assign:
    """`target` gets `value` at `node`. `target` is a local name, or `this.field` / `self.field`
    for a field written within the function. `value` is None when the lowering cannot pair the
    target with a right-hand expression (the value is then unknown). `key` is the constant key of
    a `PUT` (`m["k"] = v`), when it has one. Compared by identity: each is one definition."""

    target: str
    value: Node | None
    node: Node
    op: Op = Op.SET
    key: str | None = None


@dataclass(frozen=True, slots=True)
class Effect:
    """An expression evaluated for its effect (a call statement): a point where names are read."""

    node: Node


@dataclass(frozen=True, slots=True)
class If:
    """Two-way branch. `condition` None means "either arm may run" (a `switch` case, a `match`
    arm lowered to a chain)."""

    node: Node
    condition: Node | None
    then: Block
    orelse: Block


@dataclass(frozen=True, slots=True)
class Loop:
    """A loop: `header` runs once before the first iteration check (a `for` target, `i := 0`),
    `body` runs zero or more times. `condition` is the loop test, when it has one. `once`
    marks a body that runs exactly once, a `switch` whose `break` leaves it."""

    node: Node
    header: Block
    body: Block
    condition: Node | None = None
    once: bool = False


@dataclass(frozen=True, slots=True)
class Try:
    """`body`, then each handler may run from any point of the body, then `final` always runs.
    `handlers` carry the caught name (`except E as e`, `catch (E e)`) when there is one."""

    node: Node
    body: Block
    handlers: tuple[Handler, ...] = ()
    final: Block = ()


@dataclass(frozen=True, slots=True)
class Handler:
    node: Node
    name: str | None
    body: Block
    types: tuple[str, ...] = ()  # the caught type names as written, empty for a catch-all


@dataclass(frozen=True, slots=True)
class Return:
    node: Node
    value: Node | None


class JumpKind(enum.Enum):
    RAISE = "raise"  # `raise`, `throw`, `panic!`, `log.Fatal`: leaves the function
    BREAK = "break"
    CONTINUE = "continue"


@dataclass(frozen=True, slots=True)
class Jump:
    node: Node
    kind: JumpKind


Statement = Assign | Effect | If | Loop | Try | Return | Jump
Block = tuple[Statement, ...]


@dataclass(frozen=True, slots=True)
class Param:
    """A parameter: its name, its node (for annotations and decorators a source table reads),
    and its declared type as written, when it has one."""

    name: str
    node: Node
    type_text: str = ""
    # Its annotations or attributes as written (`@RequestParam("id")`, `#[serde(default)]`),
    # for grammars where they are not inside `node` or a table wants them without a walk.
    annotations: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FunctionIR:
    """One function (or method, lambda, closure) or a file's top level (`name` empty,
    `node` the root). `decorators` are the texts of its annotations or decorators as written
    (`@app.route("/users/<id>")`, `@GetMapping`), which source tables read."""

    node: Node
    name: str
    params: tuple[Param, ...]
    body: Block
    decorators: tuple[str, ...] = ()
    returns_text: str = ""  # the declared return type as written (`error`, `Result<T, E>`)


# ------------------------------------------------------------------------- expressions


@dataclass(frozen=True, slots=True)
class Literal:
    """A constant: string (text without quotes), number, boolean, null."""

    text: str
    kind: str = "string"  # "string", "number", "bool", "null"


@dataclass(frozen=True, slots=True)
class Name:
    name: str  # a local name, or `this.field` / `self.field`


@dataclass(frozen=True, slots=True)
class Concat:
    """A string built from parts: `+`, f-strings, template literals, `format!`, `Sprintf`,
    `String.format`, `"".join(...)`. `how` names the construction for messages."""

    parts: tuple[Node, ...]
    how: str = "concatenation"
    # Names read without a node of their own: the inline captures of Rust's
    # `format!("{name}")` (each is part of the value, like a `Name` part).
    names: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Call:
    """A call: `callee` is its dotted name as written (`request.args.get`, `strconv.Atoi`,
    `fmt.Sprintf`, `getParameter`), `receiver` the object of a method call."""

    callee: str
    receiver: Node | None
    args: tuple[Node, ...]
    keywords: tuple[tuple[str, Node], ...] = ()


@dataclass(frozen=True, slots=True)
class Attribute:
    """`obj.name` (a field read, a property)."""

    obj: Node
    name: str
    dotted: str = ""  # the whole dotted text when it is a chain of names (`request.args`)


@dataclass(frozen=True, slots=True)
class Index:
    """`obj[key]`, `obj.get(key)` on a map."""

    obj: Node
    key: Node | None


@dataclass(frozen=True, slots=True)
class Choice:
    """A value that is one of `options` (`a if c else b`, `c ? a : b`, `x ?: y`, `a || b`)."""

    condition: Node | None
    options: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Collection:
    """A list, tuple, set or map literal. `items` are the values; `keys` the constant keys of a
    map literal in order (empty for a list)."""

    items: tuple[Node, ...]
    keys: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Opaque:
    """Anything else: its value is made of its `parts` (a cast, a parenthesis, an await), or is
    unknown when `parts` is empty."""

    parts: tuple[Node, ...] = field(default=())


Expr = Literal | Name | Concat | Call | Attribute | Index | Choice | Collection | Opaque
