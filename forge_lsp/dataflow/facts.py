"""What a value is made of: the facts the dataflow layer tells rules."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Origin(enum.Enum):
    CONSTANT = "constant"  # a literal, on this path
    UNTRUSTED = "untrusted"  # from a source: request input, stdin, a socket, a message queue
    SANITIZED = "sanitized"  # numeric parse, allow-list, constant map, quoting call
    PARAMETER = "parameter"  # a parameter of the function, origin unknown
    UNKNOWN = "unknown"  # anything else: a library call, a field, a global


@dataclass(frozen=True, slots=True)
class Fact:
    """One possible origin of (part of) a value. `detail` is the constant's text, the source's
    name (`request.args`, `r.URL.Query()`), the sanitizer's name (`int()`, `quote_ident`), or
    the parameter's name. `line` is the zero-based line where it entered the function (-1 when
    it has none, like a constant)."""

    origin: Origin
    detail: str = ""
    line: int = -1


Value = frozenset[Fact]

UNKNOWN_VALUE: Value = frozenset({Fact(Origin.UNKNOWN)})


def is_constant(value: Value) -> bool:
    """Constant on every path: every fact is a constant (or sanitized into one)."""
    return bool(value) and all(f.origin is Origin.CONSTANT for f in value)


def untrusted(value: Value) -> list[Fact]:
    """The untrusted facts of a value, first line first."""
    return sorted((f for f in value if f.origin is Origin.UNTRUSTED), key=lambda f: f.line)


def parameters(value: Value) -> list[Fact]:
    return sorted((f for f in value if f.origin is Origin.PARAMETER), key=lambda f: f.detail)


def constant_texts(value: Value) -> set[str]:
    return {f.detail for f in value if f.origin is Origin.CONSTANT}
