"""Reviewing a change instead of a selection: which code of a changed file Claude is shown, what
it is told about the change, and which of its findings count.

A change is a set of files, each with the lines added or changed in it (`forge-lsp review`
finds them with git). For each file, every changed range is widened to the named function
around it (the smallest one holding the whole range), or, outside any function, to a few lines
around it; ranges whose regions meet are merged. Each `Region` is then reviewed as a selection
through the one pipeline (`pipeline`), so the same privacy applies: `exclude`, redaction, the
relative path, the project's instructions, the payload preview. An unchanged file is never
sent, and an unchanged function of a changed file neither.

The review prompt is told which lines of the region changed and what else the change touches
(`change_note`); a finding that does not touch a changed line is dropped and counted
(`on_changed_lines`), so a review of a change talks about the change.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from forge_lsp.core.model import Finding

if TYPE_CHECKING:
    import tree_sitter

    from forge_lsp.ai.pipeline import Prepared
    from forge_lsp.config import Settings
    from forge_lsp.core.languages import LanguageSpec

# Lines shown around a change made outside any function (imports, constants, module code).
CONTEXT_LINES = 3
# At most this many files and ranges are listed in each request's note of the whole change.
LISTED_RANGES = 40

# Changed lines, 1-based and inclusive, as git reports them.
LineRange = tuple[int, int]


@dataclass(frozen=True)
class Region:
    """Code to review: lines `start` to `end` (zero-based, inclusive) of one file, holding the
    `changed` ranges (1-based, inclusive)."""

    start: int
    end: int
    changed: tuple[LineRange, ...]

    @property
    def line_count(self) -> int:
        return self.end - self.start + 1


def regions(spec: LanguageSpec, source: bytes, changed: Sequence[LineRange] | None) -> list[Region]:
    """The regions to review in `source` for its `changed` ranges (None: the file is new, and
    is one region). Parses `source`: run off an event loop."""
    lines = source.count(b"\n") + (0 if source.endswith(b"\n") or not source else 1)
    if lines == 0:
        return []
    if changed is None:
        return [Region(0, lines - 1, ((1, lines),))]
    from forge_lsp.engine import checker
    from forge_lsp.engine.fixes import line_starts

    root = checker.parse(spec, source).root_node
    starts = line_starts(source)
    found = []
    for first, last in sorted(changed):
        first, last = max(1, first), min(lines, max(first, last))
        if first > lines:
            continue
        begin = _first_code(source, starts, first - 1)
        function = _enclosing_function(root, spec, begin, first - 1, last - 1)
        if function is not None:
            found.append(Region(function[0], function[1], ((first, last),)))
        else:
            start = max(0, first - 1 - CONTEXT_LINES)
            end = min(lines - 1, last - 1 + CONTEXT_LINES)
            found.append(Region(start, end, ((first, last),)))
    return _merged(found)


def _enclosing_function(
    root: tree_sitter.Node, spec: LanguageSpec, begin: int, first: int, last: int
) -> tuple[int, int] | None:
    """The lines (zero-based) of the smallest named function holding lines `first` to `last`,
    searched from byte `begin` (the first code on line `first`)."""
    node: tree_sitter.Node | None = root.descendant_for_byte_range(begin, begin)
    while node is not None:
        named = node.type in spec.function_types and node.type not in spec.inline_function_types
        if named and node.start_point[0] <= first and node.end_point[0] >= last:
            return _with_decorations(node)
        node = node.parent
    return None


def _first_code(source: bytes, starts: Sequence[int], line: int) -> int:
    """The byte offset of the first non-blank character of `line` (its start if blank)."""
    begin = starts[line] if line < len(starts) else len(source)
    end = starts[line + 1] if line + 1 < len(starts) else len(source)
    text = source[begin:end]
    return min(begin + len(text) - len(text.lstrip()), max(begin, end - 1))


def _with_decorations(node: tree_sitter.Node) -> tuple[int, int]:
    """A function's lines, with its decorators (Python's `decorated_definition`)."""
    parent = node.parent
    if parent is not None and parent.type == "decorated_definition":
        node = parent
    return node.start_point[0], node.end_point[0]


def _merged(found: list[Region]) -> list[Region]:
    """Regions sorted, those that overlap or touch merged (their changed ranges kept)."""
    merged: list[Region] = []
    for region in sorted(found, key=lambda r: (r.start, r.end)):
        if merged and region.start <= merged[-1].end + 1:
            last = merged[-1]
            changed = tuple(sorted({*last.changed, *region.changed}))
            merged[-1] = Region(last.start, max(last.end, region.end), changed)
        else:
            merged.append(region)
    return merged


def describe_ranges(changed: Sequence[LineRange]) -> str:
    """``3-9, 20`` for ranges (3, 9) and (20, 20)."""
    return ", ".join(f"{a}" if a == b else f"{a}-{b}" for a, b in changed)


def change_summary(files: Sequence[tuple[str, Sequence[LineRange] | None]]) -> str:
    """The whole change in one line: each file (as Claude is told its path) and its ranges."""
    parts = []
    for shown, changed in files[:LISTED_RANGES]:
        parts.append(
            f"`{shown}` (new file)"
            if changed is None
            else f"`{shown}` lines {describe_ranges(changed)}"
        )
    if len(files) > LISTED_RANGES:
        parts.append(f"and {len(files) - LISTED_RANGES} more files")
    return "; ".join(parts)


def change_note(region: Region, summary: str) -> str:
    """What the review prompt is told about the change this region belongs to."""
    return (
        "This selection is part of a change under review. The lines added or changed in it are "
        f"{describe_ranges(region.changed)}; the other lines are the unchanged code around "
        "them, shown so that you can judge the change. Report problems in the changed lines, "
        "or problems the change causes in the selection, and quote changed lines: a finding "
        f"that quotes only unchanged code is dropped. The whole change: {summary}."
    )


def on_changed_lines(finding: Finding, changed: Sequence[LineRange]) -> bool:
    """Whether `finding` (zero-based lines) touches one of the `changed` ranges (1-based)."""
    first, last = finding.start.line + 1, finding.end.line + 1
    if finding.end.column == 0 and last > first:
        last -= 1  # an end at the start of a line belongs to the line before
    return any(first <= end and last >= start for start, end in changed)


# --- the changed files a review may send, and their prepared requests -------------------------


@dataclass(frozen=True)
class ChangedFile:
    """A changed file Claude may see: its settings (for a change review), text and regions."""

    path: Path
    spec: LanguageSpec
    settings: Settings
    source: bytes
    changed: tuple[LineRange, ...] | None  # None: a new file
    regions: tuple[Region, ...]


class NotSent(Exception):
    """A changed file that may not, or cannot, be sent; the message says why."""


def changed_file(
    path: Path,
    changed: Sequence[LineRange] | None,
    settings_for: Callable[[Path], Settings],
    roots: Sequence[Path],
    *,
    staged: bool,
) -> ChangedFile | None:
    """The file as a change review sends it (blocking file IO and a parse: off the event loop).

    None when it is not Forge's to review: a symbolic link (git's text, not its target's:
    never followed), outside `roots`, not in Forge's languages, or gone. NotSent when its
    settings exclude it from Claude or it cannot be read. The settings `settings_for` gives
    are narrowed to a change review's: the function around a change is its context, so no
    lines beyond it are sent."""
    from forge_lsp.ai import pipeline
    from forge_lsp.core import languages
    from forge_lsp.core.git_changes import ChangesError, staged_content

    if path.is_symlink():
        return None
    resolved = path.resolve()
    inside = (root.resolve() for root in roots)
    if not any(resolved == root or root in resolved.parents for root in inside):
        return None
    spec = languages.for_path(path)
    if spec is None or not (staged or path.is_file()):
        return None
    settings = settings_for(path)
    settings = replace(settings, claude=replace(settings.claude, context_lines=0))
    if pipeline.refusal(pipeline.Subject(settings, path, ()), {}, needs_claude=False) is not None:
        raise NotSent("it matches `claude.exclude` or `exclude`")
    try:
        source = staged_content(path) if staged else path.read_bytes()
    except OSError as problem:
        raise NotSent(f"it cannot be read ({problem.strerror})") from None
    except ChangesError as problem:
        raise NotSent(str(problem)) from None
    ranges = None if changed is None else tuple(changed)
    return ChangedFile(path, spec, settings, source, ranges, tuple(regions(spec, source, ranges)))


async def prepare(
    files: Sequence[ChangedFile],
    roots: Sequence[Path],
    environ: Mapping[str, str],
    *,
    needs_claude: bool = True,
) -> list[tuple[ChangedFile, Region, Prepared]]:
    """Each region of `files` as a prepared review (`pipeline.prepare`), told which of its lines
    changed and what the whole change touches."""
    from forge_lsp.ai import pipeline
    from forge_lsp.ai.shared import shown_path

    summary = change_summary([(shown_path(f.settings, f.path, roots), f.changed) for f in files])
    prepared = []
    for file in files:
        text = file.source.decode("utf-8", "replace")
        subject = pipeline.Subject(file.settings, file.path, tuple(roots))
        for region in file.regions:
            span = pipeline.Span.lines(region.start, region.end)
            note = change_note(region, summary)
            job = pipeline.Job("review", subject, file.spec, text, file.source, span, change=note)
            ready = await pipeline.prepare(job, environ, needs_claude=needs_claude)
            if not isinstance(ready, pipeline.Refusal):  # refused per file already
                prepared.append((file, region, ready))
    return prepared
