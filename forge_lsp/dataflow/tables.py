"""Generic tables and helpers of `flow`: methods that pass their receiver through, calls made
of their arguments, getters, and the cap on how many constant texts a value keeps."""

from __future__ import annotations

import re

from forge_lsp.dataflow import ir, solver
from forge_lsp.dataflow.facts import Fact, Origin, Value

# At most this many constant texts in a value; `MORE` stands for the rest.
MAX_CONSTANTS = 64
MORE = "\u2026"

# Methods whose result is made of their receiver (`s.strip()`, `sb.toString()`).
PASS_THROUGH = frozenset(
    {
        "strip", "lstrip", "rstrip", "lower", "upper", "casefold", "title", "capitalize",
        "encode", "decode", "trim", "trimStart", "trimEnd", "toLowerCase", "toUpperCase",
        "toString", "String", "to_string", "to_owned", "as_str", "clone", "into", "Bytes",
        "slice", "substring", "substr", "normalize", "ljust",
        "rjust", "zfill", "expandtabs", "build", "get_mut", "unwrap", "unwrap_or_default",
        "expect", "strip_prefix", "strip_suffix", "trim_start", "trim_end", "to_lowercase",
        "to_uppercase", "toByteArray", "getBytes", "lowercase", "uppercase", "trimIndent",
        "Decode", "ReadString", "ReadLine", "Text", "ReadBytes",
        "items", "keys", "values", "iter", "into_iter", "keySet", "entrySet",
        # `for k, v in request.args.items()`, `for (k, v) in params.iter()`
    }
)  # fmt: skip
# Calls whose result is made of their arguments (`str(x)`, `String(x)`).
CONVERSIONS = frozenset(
    {"str", "repr", "bytes", "list", "tuple", "set", "sorted", "reversed", "String", "string",
     "fmt.Sprint", "fmt.Sprintln", "String.valueOf", "Objects.toString", "[]byte",
     "json.NewDecoder", "bufio.NewReader", "bufio.NewScanner", "io.ReadAll", "ioutil.ReadAll",
     "Object.entries", "Object.keys", "Object.values"}
)  # fmt: skip
GETTERS = frozenset({"get", "Get", "getOrDefault", "get_or", "getOrElse", "getOrNull", "getlist"})
DECORATOR_NAME = re.compile(r"@?\s*([\w.]+)")
ERROR_RETURN = re.compile(r"(\berror\s*\)?\s*$)|(\bResult\s*<)|(^\s*Result\b)|(io::Result)")


def position(definition: solver.Definition) -> int:
    if isinstance(definition, ir.Assign):
        return definition.node.start_byte
    return -1


def capped(value: Value) -> Value:
    """At most `MAX_CONSTANTS` constant texts: the rest become one `…` fact (still constant)."""
    if len(value) <= MAX_CONSTANTS:
        return value
    constants = [f for f in value if f.origin is Origin.CONSTANT]
    if len(constants) <= MAX_CONSTANTS:
        return value
    kept = sorted(constants, key=lambda f: f.detail)[: MAX_CONSTANTS - 1]
    others = [f for f in value if f.origin is not Origin.CONSTANT]
    return frozenset([*kept, *others, Fact(Origin.CONSTANT, MORE)])


def type_matches(written: str, kind: str) -> bool:
    """`*gin.Context` matches `gin.Context`; `Query<Params>` matches `Query<`."""
    if not written:
        return False
    bare = written.lstrip("*&").replace("mut ", "").strip()
    if kind.endswith("<"):
        return bare.startswith(kind) or ("." + kind) in bare or ("::" + kind) in bare
    return bare == kind or bare.endswith("." + kind) or bare.endswith("::" + kind)
