"""What an import statement brings in, per language: the modules (for "an import the original
does not have") and the names it binds (so `sp.run` under `import subprocess as sp` reads as
`subprocess.run`), and the prefixes of its `*` imports.

Module names are kept as each language writes them (`os.path`, `os/exec`, `fs`,
`java.net.URL`, `std::process::Command`); names are bound to paths of segments (Go: the
package's name, `exec`; JavaScript: the module as one segment, `child_process`).
"""

from __future__ import annotations

from collections.abc import Callable

import tree_sitter

from forge_lsp.ai.call_syntax import Path, Syntax, js_module, named, string_value, text

Bound = list[tuple[str, Path]]  # (name, the path it stands for)
Read = tuple[list[str], Bound, list[Path]]  # (modules, bound names, `*` prefixes)


def read_import(node: tree_sitter.Node, syntax: Syntax) -> Read:
    """The modules an import statement brings in, the names it binds and its `*` prefixes."""
    return _READERS[syntax.language](node, syntax)


def _python_import(node: tree_sitter.Node, syntax: Syntax) -> Read:
    modules: list[str] = []
    bound: Bound = []
    globs: list[Path] = []
    if node.type == "import_statement":
        for name in node.children_by_field_name("name"):
            if name.type == "aliased_import":
                dotted = text(name.child_by_field_name("name") or name)
                alias = name.child_by_field_name("alias")
                modules.append(dotted)
                if alias is not None:
                    bound.append((text(alias), tuple(dotted.split("."))))
            else:
                dotted = text(name)
                modules.append(dotted)
                first = dotted.split(".")[0]
                bound.append((first, (first,)))
        return modules, bound, globs
    module_node = node.child_by_field_name("module_name")
    module = text(module_node) if module_node is not None else ""
    modules.append(module)
    prefix = tuple(module.split("."))
    if any(c.type == "wildcard_import" for c in node.named_children):
        globs.append(prefix)
    for name in node.children_by_field_name("name"):
        if name.type == "aliased_import":
            real = text(name.child_by_field_name("name") or name)
            alias = name.child_by_field_name("alias")
            bound.append((text(alias) if alias else real, prefix + tuple(real.split("."))))
        else:
            real = text(name)
            bound.append((real, prefix + tuple(real.split("."))))
    return modules, bound, globs


def go_package_name(import_path: str) -> str:
    """The name a Go import path is used by when it has no alias: its last element, without a
    major-version element (`/v8`) or a gopkg.in suffix (`yaml.v3`)."""
    parts = [p for p in import_path.split("/") if p]
    if len(parts) > 1 and parts[-1][:1] == "v" and parts[-1][1:].isdigit():
        parts.pop()
    last = parts[-1] if parts else import_path
    return last.split(".")[0].removeprefix("go-")


def _go_import(node: tree_sitter.Node, syntax: Syntax) -> Read:
    path = string_value(node.child_by_field_name("path"), syntax)
    if path is None:
        return [], [], []
    package = go_package_name(path)
    alias_node = node.child_by_field_name("name")
    alias = text(alias_node) if alias_node is not None else package
    if alias == ".":
        return [path], [], [(package,)]
    return [path], [] if alias == "_" else [(alias, (package,))], []


def _javascript_import(node: tree_sitter.Node, syntax: Syntax) -> Read:
    source = string_value(node.child_by_field_name("source"), syntax)
    clause = next((c for c in node.named_children if c.type == "import_require_clause"), None)
    if source is None and clause is not None:  # TypeScript: `import fs = require("fs")`
        source = string_value(clause.child_by_field_name("source"), syntax)
    if source is None:
        return [], [], []
    module = js_module(source)
    bound: Bound = []
    if clause is not None:
        names = [c for c in clause.named_children if c.type == "identifier"]
        bound += [(text(names[0]), (module,))] if names else []
    for part in node.named_children:
        if part.type != "import_clause":
            continue
        for item in part.named_children:
            if item.type == "identifier":  # the default export
                bound.append((text(item), (module,)))
            elif item.type == "namespace_import":
                names = [c for c in item.named_children if c.type == "identifier"]
                bound += [(text(names[0]), (module,))] if names else []
            elif item.type == "named_imports":
                for spec in item.named_children:
                    name = spec.child_by_field_name("name")
                    alias = spec.child_by_field_name("alias") or name
                    if name is not None and alias is not None:
                        bound.append((text(alias), (module, text(name))))
    return [module], bound, []


def _jvm_import(node: tree_sitter.Node, syntax: Syntax) -> Read:
    # The imported name first: Kotlin's `import java.net.URL as U` ends with the alias.
    target = next(
        (c for c in node.named_children if c.type in ("scoped_identifier", "qualified_identifier")),
        None,
    ) or next((c for c in node.named_children if c.type == "identifier"), None)
    if target is None:
        return [], [], []
    path = tuple(text(target).replace(" ", "").split("."))
    wildcard = any(c.type in ("asterisk", "*") for c in node.children) or text(node).rstrip(
        "; \n"
    ).endswith("*")
    if wildcard:
        return [".".join(path) + ".*"], [], [path]
    # Kotlin: `import java.net.URL as U`.
    alias = next((c for c in node.named_children if c.type == "identifier"), None)
    name = text(alias) if alias is not None and target.type != "identifier" else path[-1]
    return [".".join(path)], [(name, path)], []


def _rust_import(node: tree_sitter.Node, syntax: Syntax) -> Read:
    if node.type == "extern_crate_declaration":
        name = node.child_by_field_name("name")
        alias = node.child_by_field_name("alias") or name
        if name is None or alias is None:
            return [], [], []
        return [text(name)], [(text(alias), (text(name),))], []
    modules: list[str] = []
    bound: Bound = []
    globs: list[Path] = []

    def walk(tree: tree_sitter.Node | None, prefix: Path) -> None:
        if tree is None:
            return
        kind = tree.type
        if kind == "use_as_clause":
            path = prefix + _rust_path(tree.child_by_field_name("path"))
            alias = tree.child_by_field_name("alias")
            modules.append("::".join(path))
            bound.append((text(alias) if alias is not None else path[-1], path))
        elif kind == "scoped_use_list":
            here = prefix + _rust_path(tree.child_by_field_name("path"))
            walk(tree.child_by_field_name("list"), here)
        elif kind == "use_list":
            for item in named(tree):
                walk(item, prefix)
        elif kind == "use_wildcard":
            inner = named(tree)
            path = prefix + (_rust_path(inner[0]) if inner else ())
            modules.append("::".join(path))
            globs.append(path)
        elif kind == "self":
            if prefix:
                modules.append("::".join(prefix))
                bound.append((prefix[-1], prefix))
        else:
            path = prefix + _rust_path(tree)
            if path:
                modules.append("::".join(path))
                bound.append((path[-1], path))

    walk(node.child_by_field_name("argument"), ())
    return modules, bound, globs


def _rust_path(node: tree_sitter.Node | None) -> Path:
    if node is None:
        return ()
    return tuple(part for part in text(node).replace(" ", "").split("::") if part)


_READERS: dict[str, Callable[[tree_sitter.Node, Syntax], Read]] = {
    "python": _python_import,
    "go": _go_import,
    "javascript": _javascript_import,
    "typescript": _javascript_import,
    "tsx": _javascript_import,
    "java": _jvm_import,
    "kotlin": _jvm_import,
    "rust": _rust_import,
}
