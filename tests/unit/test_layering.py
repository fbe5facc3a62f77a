"""The package layering, read from the import graph (CONTRIBUTING.md, "The map").

Forge's packages form layers, lowest first: core, dataflow, rules, config, engine, report, ai, lsp,
cli. A module may import its own package and the packages listed for it in `MAY_IMPORT`,
at any depth, including imports inside functions (which only defer the cost, not the
dependency). Imports under `if TYPE_CHECKING:` are for the type checker only and are exempt.
The graph of the remaining imports has no cycles, between modules or between packages.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE_ROOT = Path(__file__).resolve().parents[2] / "forge_lsp"

# What each layer may import besides itself (and `forge_lsp` itself, for `__version__`).
MAY_IMPORT: dict[str, frozenset[str]] = {
    "core": frozenset(),
    "dataflow": frozenset({"core"}),
    "rules": frozenset({"core", "dataflow"}),
    "config": frozenset({"core", "dataflow", "rules"}),
    "engine": frozenset({"core", "dataflow", "rules", "config"}),
    "report": frozenset({"core", "dataflow", "rules", "config", "engine"}),
    "ai": frozenset({"core", "dataflow", "rules", "config", "engine"}),
    "lsp": frozenset({"core", "dataflow", "rules", "config", "engine", "ai"}),
    "cli": frozenset({"core", "dataflow", "rules", "config", "engine", "report", "ai", "lsp"}),
    # `python -m forge_lsp` runs the command line.
    "__main__": frozenset({"cli"}),
}


@dataclass(frozen=True)
class Import:
    importer: str
    imported: str
    line: int
    typing_only: bool

    def __str__(self) -> str:
        path = self.importer.replace(".", "/")
        return f"{path} line {self.line}: imports {self.imported}"


def module_files() -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its own name)."""
    modules = {}
    for path in PACKAGE_ROOT.rglob("*.py"):
        parts = path.relative_to(PACKAGE_ROOT.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


MODULES = module_files()


def _typing_only_nodes(tree: ast.Module) -> set[int]:
    guarded: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test).endswith("TYPE_CHECKING"):
            for inner in node.body:
                guarded.update(id(n) for n in ast.walk(inner))
    return guarded


def _targets(node: ast.Import | ast.ImportFrom) -> Iterator[str]:
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
        return
    assert node.level == 0, "Forge's modules import by absolute name"
    assert node.module is not None
    for alias in node.names:
        submodule = f"{node.module}.{alias.name}"
        yield submodule if submodule in MODULES else node.module


def _owning_module(name: str) -> str:
    while name not in MODULES and "." in name:
        name = name.rsplit(".", 1)[0]
    return name


def imports() -> list[Import]:
    found = []
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        typing_only = _typing_only_nodes(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            for target in _targets(node):
                if target == "forge_lsp" or target.startswith("forge_lsp."):
                    imported = _owning_module(target)
                    if imported != module:
                        found.append(Import(module, imported, node.lineno, id(node) in typing_only))
    return found


def layer(module: str) -> str:
    """`forge_lsp.ai.client` -> `ai`; `forge_lsp` itself -> `forge_lsp`."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


IMPORTS = imports()
RUNTIME = [i for i in IMPORTS if not i.typing_only]


def test_the_graph_is_read():
    # A reader that finds nothing would pass every check below.
    assert len(MODULES) > 100
    assert len(RUNTIME) > 300
    assert any(i.typing_only for i in IMPORTS)
    assert set(MAY_IMPORT) | {"forge_lsp"} == {layer(m) for m in MODULES}


@pytest.mark.parametrize("package", sorted(set(MAY_IMPORT) - {"__main__"}))
def test_every_package_says_what_it_owns_and_may_import(package):
    docstring = ast.get_docstring(ast.parse(MODULES[f"forge_lsp.{package}"].read_text()))
    assert docstring, f"forge_lsp/{package}/__init__.py needs a docstring: what it owns"
    _, said, rule = docstring.lower().partition("may import")
    assert said, f"forge_lsp/{package}'s docstring: say what it may import"
    if "every other package" not in rule:
        unsaid = [name for name in MAY_IMPORT[package] if f"`{name}`" not in rule]
        assert not unsaid, f"forge_lsp/{package}'s docstring omits that it may import {unsaid}"


def test_each_layer_imports_only_the_layers_below_it():
    wrong = [
        str(i)
        for i in RUNTIME
        if layer(i.imported) not in MAY_IMPORT[layer(i.importer)] | {layer(i.importer), "forge_lsp"}
    ]
    assert not wrong, "imports against the layering:\n" + "\n".join(sorted(set(wrong)))


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one node (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components = []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges.get(root, ()))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    components.append(sorted(component))
    return components


def test_no_module_import_cycles():
    edges: dict[str, set[str]] = {}
    for i in RUNTIME:
        edges.setdefault(i.importer, set()).add(i.imported)
    cycles = _cycles(edges)
    assert not cycles, "import cycles (outside TYPE_CHECKING):\n" + "\n".join(
        " <-> ".join(c) for c in cycles
    )


def test_no_package_import_cycles():
    edges: dict[str, set[str]] = {}
    for i in RUNTIME:
        if layer(i.importer) != layer(i.imported):
            edges.setdefault(layer(i.importer), set()).add(layer(i.imported))
    assert not _cycles(edges)


def test_the_cycle_finder_finds_cycles():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []
