"""Each language's lowering from its tree-sitter tree into `forge_lsp.dataflow.ir`.

One module per language family (`python`, `javascript` for JavaScript, TypeScript and TSX,
`go`, `java`, `kotlin`, `rust`), each exposing `LOWERING`, an object satisfying `Lowering`.
They are imported on first use, so a check of a Go file never loads the Java lowering.
"""

from __future__ import annotations

import importlib
from typing import Protocol

from forge_lsp.dataflow.ir import Expr, FunctionIR, Node

# Language name (as in `core.languages`) -> the module holding its `LOWERING`.
MODULES: dict[str, str] = {
    "python": "python",
    "javascript": "javascript",
    "typescript": "javascript",
    "tsx": "javascript",
    "go": "go",
    "java": "java",
    "kotlin": "kotlin",
    "rust": "rust",
}


class Lowering(Protocol):
    """What the solver and the facts need from a language."""

    # Node types that start a function of their own (methods, lambdas, closures included).
    function_types: frozenset[str]

    def lower(self, function: Node, source: bytes) -> FunctionIR:
        """The function's parameters and body (or, for the root node, the file's top level,
        leaving nested functions and classes' methods to their own `lower`)."""
        ...

    def expression(self, node: Node, source: bytes) -> Expr:
        """The shape of one expression node (`ir.Opaque()` when it is none of the others)."""
        ...


def lowering(language: str) -> Lowering | None:
    """The lowering of a language, or None for one the dataflow layer does not know."""
    module = MODULES.get(language)
    if module is None:
        return None
    loaded = importlib.import_module(f"{__name__}.{module}")
    result: Lowering = loaded.LOWERING
    return result
