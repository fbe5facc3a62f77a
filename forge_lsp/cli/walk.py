"""Find the files to check: walk folders honouring ``.gitignore`` files and exclude globs.

The ``.gitignore`` matcher follows git's rules (``gitignore(5)``):

- blank lines and ``#`` comments are skipped; ``\\#`` and ``\\!`` escape a leading character;
  trailing spaces are dropped unless escaped;
- ``!pattern`` re-includes what an earlier pattern ignored (the last matching pattern wins, and
  deeper ``.gitignore`` files win over shallower ones);
- ``pattern/`` matches folders only;
- a pattern with a ``/`` at its start or in its middle is anchored at its ``.gitignore``'s
  folder; otherwise it matches a name at any depth below it;
- ``*``, ``?`` and ``[...]`` never match ``/``; ``**/``, ``/**`` and ``/**/`` match any number
  of folders;
- a file inside an ignored folder cannot be re-included (the folder is never entered).

``.gitignore`` files in the folders above a walked folder count up to the repository root (the
nearest folder holding ``.git``), and so does ``.git/info/exclude``. The walk also skips hidden
folders (``.git``, ``.venv``, ...) and ``__pycache__``; vendored folders such as
``node_modules`` are `default_excludes`, which a command may turn off.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

SKIPPED_FOLDERS = frozenset({"__pycache__"})

# Called with an absolute path and whether it is a folder; True leaves it out.
ExcludeFn = Callable[[Path, bool], bool]


@dataclass(frozen=True, slots=True)
class IgnoreRule:
    """One ``.gitignore`` pattern, compiled."""

    regex: re.Pattern[str]
    negated: bool
    dir_only: bool
    pattern: str


@dataclass(frozen=True, slots=True)
class IgnoreFile:
    """The rules of one ignore file and the folder they are relative to."""

    base: Path
    rules: tuple[IgnoreRule, ...]

    def match(self, path: Path, is_dir: bool) -> bool | None:
        """True (ignored), False (re-included) or None (no rule matches) for `path`."""
        try:
            relative = path.relative_to(self.base).as_posix()
        except ValueError:
            return None
        if relative in ("", "."):
            return None
        verdict = None
        for rule in self.rules:
            if rule.dir_only and not is_dir:
                continue
            if rule.regex.fullmatch(relative):
                verdict = not rule.negated
        return verdict


def parse_gitignore(text: str, base: Path) -> IgnoreFile:
    """The rules of a ``.gitignore`` file's text, anchored at folder `base`."""
    rules = [rule for line in text.splitlines() if (rule := compile_pattern(line)) is not None]
    return IgnoreFile(base, tuple(rules))


def compile_pattern(line: str) -> IgnoreRule | None:
    """One ``.gitignore`` line as a rule, or None for blank lines and comments."""
    pattern = _strip_trailing_spaces(line.rstrip("\r\n"))
    if not pattern or pattern.startswith("#"):
        return None
    negated = pattern.startswith("!")
    if negated or pattern.startswith(("\\#", "\\!")):
        pattern = pattern[1:]
    dir_only = pattern.endswith("/")
    pattern = pattern.rstrip("/")
    if not pattern:
        return None
    anchored = "/" in pattern
    body = _translate(pattern.lstrip("/"))
    prefix = "" if anchored else "(?:.*/)?"
    return IgnoreRule(re.compile(prefix + body, re.DOTALL), negated, dir_only, line)


def _strip_trailing_spaces(pattern: str) -> str:
    """Drop trailing spaces unless the last one is escaped with a backslash."""
    stripped = pattern.rstrip(" ")
    if stripped.endswith("\\") and len(stripped) < len(pattern):
        return stripped[:-1] + " "
    return stripped


def _translate(pattern: str) -> str:
    """A slash-separated glob as a regex (``**`` segments span folders)."""
    segments = pattern.split("/")
    out: list[str] = []
    last = len(segments) - 1
    for index, segment in enumerate(segments):
        if segment == "**":
            if index == last:
                out.append(".*" if index == 0 else "/.*")
            elif index == 0:
                out.append("(?:.*/)?")
            else:
                out.append("/(?:.*/)?")
            continue
        if index > 0 and segments[index - 1] != "**":
            out.append("/")
        out.append(_translate_segment(segment))
    return "".join(out)


def _translate_segment(segment: str) -> str:
    """One path segment of a glob as a regex: ``*``, ``?``, ``[...]`` and ``\\`` escapes."""
    out: list[str] = []
    i, n = 0, len(segment)
    while i < n:
        char = segment[i]
        if char == "*":
            while i + 1 < n and segment[i + 1] == "*":
                i += 1
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "\\" and i + 1 < n:
            i += 1
            out.append(re.escape(segment[i]))
        elif char == "[":
            translated, i = _translate_class(segment, i)
            out.append(translated)
            continue
        else:
            out.append(re.escape(char))
        i += 1
    return "".join(out)


def _translate_class(segment: str, start: int) -> tuple[str, int]:
    """A ``[...]`` character class starting at `start`: (regex, index after it)."""
    i = start + 1
    negate = i < len(segment) and segment[i] in "!^"
    if negate:
        i += 1
    chars: list[str] = []
    first = True
    while i < len(segment) and (segment[i] != "]" or first):
        char = segment[i]
        if char == "\\" and i + 1 < len(segment):
            i += 1
            char = segment[i]
        chars.append("\\" + char if char in "\\^][&~|" else char)
        first = False
        i += 1
    if i >= len(segment):  # no closing bracket: a literal "["
        return re.escape("["), start + 1
    body = "".join(chars)
    return f"[{'^/' if negate else ''}{body}]", i + 1


@lru_cache(maxsize=1024)
def _load_ignore_file(path: Path) -> IgnoreFile | None:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    return parse_gitignore(
        text, path.parent.parent.parent if _is_info_exclude(path) else path.parent
    )


def _is_info_exclude(path: Path) -> bool:
    return (
        path.name == "exclude" and path.parent.name == "info" and path.parent.parent.name == ".git"
    )


def _own_ignore_files(folder: Path) -> list[IgnoreFile]:
    """The ignore files a folder itself holds: ``.git/info/exclude`` first, then ``.gitignore``."""
    found = []
    for candidate in (folder / ".git" / "info" / "exclude", folder / ".gitignore"):
        if candidate.is_file():
            loaded = _load_ignore_file(candidate)
            if loaded is not None and loaded.rules:
                found.append(loaded)
    return found


def inherited_ignore_files(folder: Path) -> list[IgnoreFile]:
    """The ignore files of the folders above `folder`, up to its repository root, outermost first.

    Outside a git repository (no ``.git`` above) only the walked folders' own files count.
    """
    if (folder / ".git").exists():
        return []
    above: list[Path] = []
    for parent in folder.parents:
        above.append(parent)
        if (parent / ".git").exists():
            break
    else:
        return []
    files: list[IgnoreFile] = []
    for parent in reversed(above):
        files.extend(_own_ignore_files(parent))
    return files


def is_ignored(path: Path, is_dir: bool, ignore_files: Sequence[IgnoreFile]) -> bool:
    """Whether `path` is ignored by the stack of ignore files (outermost first)."""
    verdict = False
    for ignore_file in ignore_files:
        matched = ignore_file.match(path, is_dir)
        if matched is not None:
            verdict = matched
    return verdict


def is_hidden_or_vendored(name: str) -> bool:
    """Folders the walk never enters: hidden ones (``.git``, ``.venv``) and bytecode caches."""
    return name.startswith(".") or name in SKIPPED_FOLDERS


def walk(
    root: Path,
    wanted: Callable[[Path], bool],
    exclude: ExcludeFn | None = None,
) -> Iterator[Path]:
    """Files under folder `root` (absolute) that `wanted` accepts, in sorted order."""
    yield from _walk(root, [*inherited_ignore_files(root)], wanted, exclude)


def _walk(
    folder: Path,
    ignore_files: list[IgnoreFile],
    wanted: Callable[[Path], bool],
    exclude: ExcludeFn | None,
) -> Iterator[Path]:
    ignore_files = [*ignore_files, *_own_ignore_files(folder)]
    try:
        with os.scandir(folder) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
    except OSError:
        return
    for entry in entries:
        path = folder / entry.name
        is_dir = entry.is_dir(follow_symlinks=False)
        if is_dir and is_hidden_or_vendored(entry.name):
            continue
        if is_ignored(path, is_dir, ignore_files):
            continue
        if exclude is not None and exclude(path, is_dir):
            continue
        if is_dir:
            yield from _walk(path, ignore_files, wanted, exclude)
        elif entry.is_file() and wanted(path):
            yield path


def is_path_ignored(path: Path) -> bool:
    """Whether one file is ignored by git rules, or lies in an ignored folder."""
    folder = path.parent
    chain = [folder, *folder.parents]
    repo_root = next((p for p in chain if (p / ".git").exists()), folder)
    top_down = list(reversed(chain[: chain.index(repo_root) + 1]))
    stack: list[IgnoreFile] = []
    for index, directory in enumerate(top_down):
        if index > 0 and is_ignored(directory, True, stack):
            return True
        stack.extend(_own_ignore_files(directory))
    return is_ignored(path, False, stack)
