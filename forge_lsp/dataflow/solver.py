"""Reaching definitions over one `ir.FunctionIR`: which assignments of a name reach a statement.

The solver walks the structured IR once (loops iterate to a bounded fixpoint) with an
environment mapping each name to the set of its definitions that may reach the current point,
and records the environment before every statement. Branches join; an arm ending in a return or
a raise does not flow to the join; `break` goes to the loop's exit and `continue` to its head; a
try's handlers start from the join of every point of its body. A condition the caller reports
as constant makes its dead arm unreachable (its statements get no environment: `is_dead`), and
the caller's refinements (`x in ALLOWED`, `x.isdigit()`) replace a name's definitions with a
`SANITIZED` entry on the arm where the test held.

`reaching(node, name)` finds the innermost statement around a node by bisecting on byte spans.
"""

from __future__ import annotations

import bisect
import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from forge_lsp.dataflow import ir
from forge_lsp.dataflow.ir import Node

# Loops iterate at most this many times before the solver keeps the last (joined) environment.
MAX_LOOP_ROUNDS = 6


class EntryKind(enum.Enum):
    PARAMETER = "parameter"  # the value the function was called with
    OUTSIDE = "outside"  # no definition in the function: a module-level name, a closure, a builtin
    SANITIZED = "sanitized"  # a branch where a test (allow-list, isdigit, full match) held
    FALSY = "falsy"  # the arm where `if x` failed: `x` is None, empty, zero or false


# The detail of a refinement that says the name is falsy (an `EntryKind.FALSY` entry).
FALSY = "falsy"


@dataclass(frozen=True, slots=True)
class Entry:
    """A definition that is not an assignment. `node` is the parameter's node or the test's;
    `index` the parameter's position; `detail` what sanitized it (`allow-list`)."""

    kind: EntryKind
    name: str
    node: Node | None = None
    index: int = -1
    detail: str = ""


Definition = ir.Assign | Entry
Defs = frozenset[Definition]
Env = dict[str, Defs]


@dataclass(frozen=True, slots=True)
class Refinement:
    """What a condition proves: names sanitized when it holds, and when it does not."""

    when_true: tuple[tuple[str, str], ...] = ()  # (name, detail)
    when_false: tuple[tuple[str, str], ...] = ()
    # Held only when the other arm leaves (returns, raises, breaks): membership in a
    # collection not known to be an allow-list, followed by an early exit
    # (`if sort not in sortable_columns: raise ...`).
    when_true_if_exit: tuple[tuple[str, str], ...] = ()
    when_false_if_exit: tuple[tuple[str, str], ...] = ()


# The caller's knowledge of conditions: their constant truth value (None when not constant),
# and the refinements they bring.
Truth = Callable[[Node], bool | None]
Refine = Callable[[Node], Refinement]


# Sets of definitions larger than this remember how they were made (`Solution.derivation`).
_DERIVED = 8
Derivations = dict[int, tuple[Defs, Defs, Defs]]


def _union(a: Defs, b: Defs, derived: Derivations | None) -> Defs:
    out = a | b
    if derived is not None and len(out) > _DERIVED:
        parent, extra = (a, b - a) if len(a) >= len(b) else (b, a - b)
        derived[id(out)] = (out, parent, extra)
    return out


def _join(
    a: Env | None,
    b: Env | None,
    derived: Derivations | None = None,
    names: frozenset[str] | None = None,
    entry: Callable[[str], Defs] | None = None,
) -> Env | None:
    """The join of two environments. `names`, when given, are the only names whose
    definitions may differ (both come from one environment, and only these were assigned).
    A name one side never bound holds its `entry` definitions there (the parameter, or the
    value from outside the function): an arm that sanitized or assigned it does not hide
    the arm that did not."""
    if a is None:
        return b
    if b is None or a is b:
        return a
    out = dict(a)
    pairs = b.items() if names is None else ((n, b[n]) for n in names if n in b)
    for name, defs in pairs:
        mine = out.get(name)
        if mine is None:
            out[name] = defs if entry is None else _union(entry(name), defs, derived)
        elif mine is not defs and not defs <= mine:
            out[name] = _union(mine, defs, derived)
    if entry is not None:
        only_a = (n for n in (a if names is None else names) if n in a and n not in b)
        for name in list(only_a):
            out[name] = _union(out[name], entry(name), derived)
    return out


def _join_all(
    envs: Iterable[Env | None],
    derived: Derivations | None = None,
    names: frozenset[str] | None = None,
    entry: Callable[[str], Defs] | None = None,
) -> Env | None:
    out: Env | None = None
    for env in envs:
        out = _join(out, env, derived, names, entry)
    return out


def _children(statement: ir.Statement) -> ir.Block:
    if isinstance(statement, ir.If):
        return statement.then + statement.orelse
    if isinstance(statement, ir.Loop):
        return statement.header + statement.body
    if isinstance(statement, ir.Try):
        blocks = statement.body + statement.final
        for handler in statement.handlers:
            blocks += handler.body
        return blocks
    return ()


def _assigned(root: ir.Statement, memo: dict[int, frozenset[str]]) -> frozenset[str]:
    """The names a statement may assign, nested statements included; memoized by identity and
    computed without recursion (an `elif` chain nests a thousand deep)."""
    stack: list[tuple[ir.Statement, bool]] = [(root, False)]
    while stack:
        statement, expanded = stack.pop()
        if id(statement) in memo:
            continue
        children = _children(statement)
        if not expanded and children:
            stack.append((statement, True))
            stack.extend((c, False) for c in children if id(c) not in memo)
            continue
        found: set[str] = set()
        if isinstance(statement, ir.Assign):
            found.add(statement.target)
        if isinstance(statement, ir.Try):
            found.update(h.name for h in statement.handlers if h.name)
        for child in children:
            found |= memo.get(id(child), frozenset())
        memo[id(statement)] = frozenset(found)
    return memo[id(root)]


@dataclass(slots=True)
class _Loop:
    breaks: list[Env]
    continues: list[Env]


class Solution:
    """The environments of one function. Built by `solve`."""

    def __init__(self, function: ir.FunctionIR) -> None:
        self.function = function
        self._spans: list[tuple[int, int]] = []
        self._statements: list[ir.Statement] = []
        self._envs: list[Env | None] = []
        self._parent: list[int] = []
        self._index: dict[int, int] = {}  # id(statement) -> position
        self._starts: list[int] = []
        self._entry: dict[str, Entry] = {}
        self._entry_defs: dict[str, Defs] = {}
        self._derived: Derivations = {}
        self.exit: Env | None = None
        for i, param in enumerate(function.params):
            self._entry[param.name] = Entry(EntryKind.PARAMETER, param.name, param.node, i)

    # ------------------------------------------------------------------ queries

    def statement_at(self, node: Node) -> ir.Statement | None:
        """The innermost statement whose node contains `node`."""
        position = self._position(node)
        return None if position < 0 else self._statements[position]

    def env_before(self, statement: ir.Statement) -> Env | None:
        """The environment before a statement; None when it never runs."""
        position = self._index.get(id(statement))
        return None if position is None else self._envs[position]

    def reaching(self, node: Node, name: str) -> Defs:
        """The definitions of `name` that reach the statement around `node`: assignments,
        a PARAMETER entry, or an OUTSIDE entry when the function never assigns it. Empty when
        the statement never runs (or `node` is in no statement of the function)."""
        position = self._position(node)
        if position < 0:
            return frozenset()
        env = self._envs[position]
        if env is None:
            return frozenset()
        return self.lookup(env, name)

    def defs_before(self, statement: ir.Statement, name: str) -> Defs:
        env = self.env_before(statement)
        return frozenset() if env is None else self.lookup(env, name)

    def lookup(self, env: Env, name: str) -> Defs:
        defs = env.get(name)
        if defs is not None:
            return defs
        return self.entry_defs(name)

    def entry_defs(self, name: str) -> Defs:
        """What `name` holds where the function never bound it: its parameter, or a value
        from outside the function (one set per name, so joins can compare by identity)."""
        defs = self._entry_defs.get(name)
        if defs is None:
            entry = self._entry.get(name) or Entry(EntryKind.OUTSIDE, name)
            defs = self._entry_defs[name] = frozenset({entry})
        return defs

    def derivation(self, defs: Defs) -> tuple[Defs, Defs] | None:
        """How a large set of definitions was made: (a set it extends, what it adds). Lets a
        caller evaluate a chain of growing sets in linear time."""
        entry = self._derived.get(id(defs))
        if entry is None or entry[0] is not defs:
            return None
        return entry[1], entry[2]

    def is_dead(self, node: Node) -> bool:
        """Inside a statement that never runs (behind a constant condition, after a return)."""
        position = self._position(node)
        return position >= 0 and self._envs[position] is None

    def statements(self) -> list[ir.Statement]:
        return list(self._statements)

    # ------------------------------------------------------------------ recording

    def _record(self, statement: ir.Statement, env: Env | None, parent: int) -> int:
        position = self._index.get(id(statement))
        if position is not None:  # a loop's later round: the environment only grows
            self._envs[position] = _join(self._envs[position], env, entry=self.entry_defs)
            return position
        position = len(self._statements)
        node = statement.node
        self._spans.append((node.start_byte, node.end_byte))
        self._statements.append(statement)
        self._envs.append(env)
        self._parent.append(parent)
        self._index[id(statement)] = position
        return position

    def _finish(self) -> None:
        order = sorted(
            range(len(self._statements)),
            key=lambda i: (self._spans[i][0], -self._spans[i][1], i),
        )
        remap = {old: new for new, old in enumerate(order)}
        self._spans = [self._spans[i] for i in order]
        self._statements = [self._statements[i] for i in order]
        self._envs = [self._envs[i] for i in order]
        self._parent = [remap.get(self._parent[i], -1) for i in order]
        self._index = {id(s): i for i, s in enumerate(self._statements)}
        self._starts = [span[0] for span in self._spans]

    def _position(self, node: Node) -> int:
        start, end = node.start_byte, node.end_byte
        i = bisect.bisect_right(self._starts, start) - 1
        while i >= 0:
            s, e = self._spans[i]
            if s <= start and end <= e:
                # The first of several statements sharing this span (`a, b = v`).
                while i > 0 and self._spans[i - 1] == (s, e):
                    i -= 1
                return i
            i = self._parent[i]
        return -1


class _Walker:
    def __init__(self, solution: Solution, truth: Truth, refine: Refine) -> None:
        self.solution = solution
        self.truth = truth
        self.refine = refine
        self.loops: list[_Loop] = []
        self.tries: list[list[Env]] = []
        self.assigned: dict[int, frozenset[str]] = {}

    def block(self, block: ir.Block, env: Env | None, parent: int) -> Env | None:
        for statement in block:
            env = self.statement(statement, env, parent)
        return env

    def _note(self, env: Env | None) -> None:
        if env is not None and self.tries:
            self.tries[-1].append(env)

    def statement(self, statement: ir.Statement, env: Env | None, parent: int) -> Env | None:
        position = self.solution._record(statement, env, parent)
        if isinstance(statement, ir.Assign):
            if env is None:
                return None
            out = dict(env)
            if statement.op in {ir.Op.SET, ir.Op.ELEMENT}:  # both replace the name's value
                out[statement.target] = frozenset({statement})
            else:
                before = self.solution.lookup(env, statement.target)
                out[statement.target] = _union(
                    before, frozenset({statement}), self.solution._derived
                )
            self._note(out)
            return out
        if isinstance(statement, ir.Effect):
            return env
        if isinstance(statement, ir.Return):
            self._note(env)
            return None
        if isinstance(statement, ir.Jump):
            if env is not None and self.loops:
                if statement.kind is ir.JumpKind.BREAK:
                    self.loops[-1].breaks.append(env)
                elif statement.kind is ir.JumpKind.CONTINUE:
                    self.loops[-1].continues.append(env)
            self._note(env)
            return None
        if isinstance(statement, ir.If):
            return self._if(statement, env, position)
        if isinstance(statement, ir.Loop):
            return self._loop(statement, env, position)
        return self._try(statement, env, position)

    def _refined(
        self, env: Env | None, names: tuple[tuple[str, str], ...], node: Node
    ) -> Env | None:
        if env is None or not names:
            return env
        out = dict(env)
        for name, detail in names:
            kind = EntryKind.FALSY if detail == FALSY else EntryKind.SANITIZED
            out[name] = frozenset({Entry(kind, name, node, detail=detail)})
        return out

    def _if(self, statement: ir.If, env: Env | None, position: int) -> Env | None:
        # An `elif` chain is walked as a list of arms, not recursively: a chain of a thousand
        # arms must not exhaust Python's stack.
        outs: list[Env | None] = []
        names = set(_assigned(statement, self.assigned))
        current: ir.If | None = statement
        while current is not None:
            if current is not statement:
                position = self.solution._record(current, env, position)
            then_env, else_env = env, env
            condition = current.condition
            if condition is not None and env is not None:
                truth = self.truth(condition)
                if truth is True:
                    else_env = None
                elif truth is False:
                    then_env = None
                refinement = self.refine(condition)
                names.update(
                    n
                    for n, _ in refinement.when_true
                    + refinement.when_false
                    + refinement.when_true_if_exit
                    + refinement.when_false_if_exit
                )
                then_env = self._refined(then_env, refinement.when_true, condition)
                else_env = self._refined(else_env, refinement.when_false, condition)
                if refinement.when_true_if_exit and _exits(current.orelse):
                    then_env = self._refined(then_env, refinement.when_true_if_exit, condition)
                if refinement.when_false_if_exit and _exits(current.then):
                    else_env = self._refined(else_env, refinement.when_false_if_exit, condition)
            outs.append(self.block(current.then, then_env, position))
            orelse = current.orelse
            if len(orelse) == 1 and isinstance(orelse[0], ir.If):
                current, env = orelse[0], else_env
                continue
            outs.append(self.block(orelse, else_env, position))
            current = None
        return _join_all(outs, self.solution._derived, frozenset(names), self.solution.entry_defs)

    def _loop(self, statement: ir.Loop, env: Env | None, position: int) -> Env | None:
        head = self.block(statement.header, env, position)
        if statement.once:
            loop = _Loop([], [])
            self.loops.append(loop)
            end = self.block(statement.body, head, position)
            self.loops.pop()
            if self.loops:  # a `continue` inside a switch goes to the enclosing loop's head
                self.loops[-1].continues.extend(loop.continues)
            return _join_all(
                [end, *loop.breaks], self.solution._derived, entry=self.solution.entry_defs
            )
        truth = None
        if statement.condition is not None and head is not None:
            truth = self.truth(statement.condition)
        loop = _Loop([], [])
        entry = head if truth is not False else None
        names = _assigned(statement, self.assigned)
        for _ in range(MAX_LOOP_ROUNDS):
            loop = _Loop([], [])
            self.loops.append(loop)
            self.solution._record(statement, entry, self.solution._parent[position])
            end = self.block(statement.body, entry, position)
            self.loops.pop()
            grown = _join_all(
                [entry, end, *loop.continues],
                self.solution._derived,
                names,
                self.solution.entry_defs,
            )
            if grown is None or (
                entry is not None and all(grown.get(n) == entry.get(n) for n in names)
            ):
                break
            entry = grown
        exits: list[Env | None] = list(loop.breaks)
        if truth is not True:
            exits.append(entry if entry is not None else head)
        self._note(entry)
        return _join_all(exits, self.solution._derived, entry=self.solution.entry_defs)

    def _try(self, statement: ir.Try, env: Env | None, position: int) -> Env | None:
        self.tries.append([] if env is None else [env])
        body_out = self.block(statement.body, env, position)
        points = self.tries.pop()
        if self.tries:
            self.tries[-1].extend(points)
        anywhere = _join_all(points, entry=self.solution.entry_defs)
        ends: list[Env | None] = [body_out]
        for handler in statement.handlers:
            start = anywhere
            if start is not None and handler.name:
                start = dict(start)
                start[handler.name] = frozenset({Entry(EntryKind.OUTSIDE, handler.name)})
            ends.append(self.block(handler.body, start, position))
        normal = _join_all(ends, self.solution._derived, entry=self.solution.entry_defs)
        if not statement.final:
            return normal
        final_out = self.block(
            statement.final,
            _join(normal, anywhere, self.solution._derived, entry=self.solution.entry_defs),
            position,
        )
        return final_out if normal is not None else None


def _exits(block: ir.Block) -> bool:
    """Whether a block always leaves: it ends in a return, a raise, a break or a continue (or
    in a branch whose arms all do)."""
    if not block:
        return False
    last = block[-1]
    if isinstance(last, (ir.Return, ir.Jump)):
        return True
    if isinstance(last, ir.If):
        return _exits(last.then) and _exits(last.orelse)
    return False


def _never(_: Node) -> bool | None:
    return None


def _nothing(_: Node) -> Refinement:
    return Refinement()


def solve(function: ir.FunctionIR, truth: Truth = _never, refine: Refine = _nothing) -> Solution:
    """Reaching definitions of `function`. `truth` tells a condition's constant value (None
    when it is not constant); `refine` what a condition proves about names."""
    solution = Solution(function)
    walker = _Walker(solution, truth, refine)
    solution.exit = walker.block(function.body, {}, -1)
    solution._finish()
    return solution
