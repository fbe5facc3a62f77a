"""Shared helpers of FG801 deprecated-api: the entry type, what a file imports, and the import
edits a Go fix needs.

Imports are file-wide facts, but they live outside every function: an edit there gets a full
check, so reading them keeps the rule function-local for re-checking. A Go fix also counts the
file's `ioutil` uses to decide whether to drop the import; that count only shapes the fix (never
the finding), and a full check follows every partial one once typing pauses.
"""

from __future__ import annotations

from dataclasses import dataclass

import tree_sitter

from forge_lsp.core.model import Edit, Point
from forge_lsp.rules.base import CheckContext


@dataclass(frozen=True, slots=True)
class Deprecated:
    """One deprecated API and what replaces it.

    `api` and `replacement` are written as users write them (`ioutil.ReadAll`, `io.ReadAll`).
    `fixable` entries have a replacement that is the same function (an alias) or the documented
    drop-in; the others carry `why` instead: what makes the switch a decision, not an edit.
    `works` entries are deprecated but still work in every release and none is scheduled to
    remove them (`ioutil`, `logger.warn`): a cleanup, reported as information.
    """

    api: str
    replacement: str
    since: str
    fixable: bool
    why: str = ""
    works: bool = False


def message(entry: Deprecated) -> str:
    """The finding's one sentence: what is deprecated, since when, and what to write instead."""
    if entry.works:
        if entry.fixable:
            return (
                f"`{entry.api}` is deprecated since {entry.since} but still works: "
                f"`{entry.replacement}` is the current spelling."
            )
        return (
            f"`{entry.api}` is deprecated since {entry.since} but still works: the current "
            f"spelling is {entry.replacement} ({entry.why})."
        )
    if entry.fixable:
        return f"`{entry.api}` is deprecated since {entry.since}: use `{entry.replacement}`."
    return (
        f"`{entry.api}` is deprecated since {entry.since}: use {entry.replacement} ({entry.why})."
    )


def title(entry: Deprecated) -> str:
    return f"Replace `{entry.api}` with `{entry.replacement}`"


def point(ts_point: tree_sitter.Point | tuple[int, int]) -> Point:
    return Point(ts_point[0], ts_point[1])


# ---------------------------------------------------------------------------------------------
# Python: which names the file's imports bind
# ---------------------------------------------------------------------------------------------

PY_IMPORTS = """
(import_statement name: (dotted_name) @module)
(import_statement name: (aliased_import name: (dotted_name) @module alias: (identifier) @alias))
(import_from_statement module_name: (dotted_name) @module name: (dotted_name) @name)
(import_from_statement
  module_name: (dotted_name) @module
  name: (aliased_import name: (dotted_name) @name alias: (identifier) @alias))
"""


def python_bindings(ctx: CheckContext) -> dict[str, str]:
    """Local name -> what it is (`"logging"`, `"datetime.datetime"`) for the file's imports."""

    def compute() -> dict[str, str]:
        bound: dict[str, str] = {}
        for _, match in ctx.file_matches(PY_IMPORTS):
            module = ctx.text(match["module"][0])
            name = ctx.text(match["name"][0]) if "name" in match else None
            target = f"{module}.{name}" if name else module
            alias = ctx.text(match["alias"][0]) if "alias" in match else None
            local = alias or (name if name else module.split(".")[0])
            bound[local] = target if (alias or name) else module.split(".")[0]
        return bound

    return ctx.memo("python_import_bindings", compute)


# ---------------------------------------------------------------------------------------------
# Go: imports, and the import edits that keep a fixed file compiling
# ---------------------------------------------------------------------------------------------

GO_IMPORTS = """
(import_spec name: (_)? @name path: (interpreted_string_literal) @path) @spec
"""


@dataclass(frozen=True, slots=True)
class GoImport:
    spec: tree_sitter.Node
    path: str
    name: str  # the name it binds: an alias or the path's last element ("." / "_" as written)


def go_imports(ctx: CheckContext) -> list[GoImport]:
    def compute() -> list[GoImport]:
        imports = []
        for _, match in ctx.file_matches(GO_IMPORTS):
            path = ctx.text(match["path"][0]).strip('"')
            name = ctx.text(match["name"][0]) if "name" in match else path.rsplit("/", 1)[-1]
            imports.append(GoImport(match["spec"][0], path, name))
        return imports

    return ctx.memo("go_imports", compute)


def go_import_edits(
    ctx: CheckContext, old: GoImport, needed: str, have: GoImport | None, last_use: bool
) -> list[Edit] | None:
    """The import edits that make renaming one use of `old` into package `needed` compile on
    its own: add `needed` when missing, and drop `old` when that use was its last. None when
    the imports are laid out so that line edits would be unsafe (several specs on a line)."""
    if not _alone_on_its_lines(ctx, old.spec):
        return None
    if not last_use:
        return [] if have is not None else [_insert_import(ctx, old.spec, needed)]
    if have is not None:
        return [_delete_import(old.spec)]
    siblings = _run_of(old.spec)
    if _sorted_after_replacing(ctx, siblings, old.spec, needed):
        return [Edit(point(old.spec.start_point), point(old.spec.end_point), f'"{needed}"')]
    return [_delete_import(old.spec), _insert_import(ctx, old.spec, needed, skip=old.spec)]


def _alone_on_its_lines(ctx: CheckContext, spec: tree_sitter.Node) -> bool:
    target = spec if spec.parent is None or spec.parent.type == "import_spec_list" else spec.parent
    line_start = target.start_byte - target.start_point[1]
    before = ctx.source[line_start : target.start_byte]
    line_end = ctx.source.find(b"\n", target.end_byte)
    after = ctx.source[target.end_byte : len(ctx.source) if line_end == -1 else line_end]
    return not before.strip() and not after.strip()


def _run_of(spec: tree_sitter.Node) -> list[tree_sitter.Node]:
    """The specs of `spec`'s group: consecutive lines, as gofmt sorts them (a blank line or a
    comment line ends a group)."""
    parent = spec.parent
    if parent is None or parent.type != "import_spec_list":
        return [spec]
    specs = [c for c in parent.named_children if c.type == "import_spec"]
    index = specs.index(spec)
    start = index
    while start > 0 and specs[start - 1].end_point[0] + 1 == specs[start].start_point[0]:
        start -= 1
    end = index
    while end + 1 < len(specs) and specs[end].end_point[0] + 1 == specs[end + 1].start_point[0]:
        end += 1
    return specs[start : end + 1]


def _spec_path(ctx: CheckContext, spec: tree_sitter.Node) -> str:
    path = spec.child_by_field_name("path")
    return ctx.text(path).strip('"') if path is not None else ""


def _sorted_after_replacing(
    ctx: CheckContext, run: list[tree_sitter.Node], old: tree_sitter.Node, needed: str
) -> bool:
    paths = [needed if spec.id == old.id else _spec_path(ctx, spec) for spec in run]
    return paths == sorted(paths)


def _insert_import(
    ctx: CheckContext, old: tree_sitter.Node, needed: str, skip: tree_sitter.Node | None = None
) -> Edit:
    """A line importing `needed`, at its sorted place in `old`'s group (or as its own
    declaration above a single-line `import "io/ioutil"`)."""
    if old.parent is None or old.parent.type != "import_spec_list":
        declaration = old.parent if old.parent is not None else old
        at = Point(declaration.start_point[0], 0)
        return Edit(at, at, f'import "{needed}"\n')
    indent = ctx.source[old.start_byte - old.start_point[1] : old.start_byte].decode(
        "utf-8", "replace"
    )
    run = [spec for spec in _run_of(old) if skip is None or spec.id != skip.id]
    line = next(
        (spec.start_point[0] for spec in run if _spec_path(ctx, spec) > needed),
        None,
    )
    if line is None:
        line = (run[-1] if run else old).end_point[0] + 1
    at = Point(line, 0)
    return Edit(at, at, f'{indent}"{needed}"\n')


def _delete_import(spec: tree_sitter.Node) -> Edit:
    """Delete the spec's line; a declaration importing only it goes whole."""
    target = spec
    parent = spec.parent
    if parent is not None and parent.type == "import_spec_list":
        specs = [c for c in parent.named_children if c.type == "import_spec"]
        if len(specs) == 1 and parent.parent is not None:
            target = parent.parent
    elif parent is not None and parent.type == "import_declaration":
        target = parent
    return Edit(Point(target.start_point[0], 0), Point(target.end_point[0] + 1, 0), "")
