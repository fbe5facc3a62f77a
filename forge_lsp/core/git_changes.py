"""Which lines of which files were added or changed since a git revision, in the working tree
(for ``forge-lsp check --new-since REF``: report only the findings on those lines).

What counts as new, per file:

- a tracked file: the lines ``git diff REF`` marks as added in the working tree, so staged and
  unstaged edits both count and a commit made since REF counts too. A changed line is a removed
  line plus an added one, so it counts as well;
- a file added since REF (``--- /dev/null`` in the diff) and an untracked file that no ignore
  rule matches (``git ls-files --others --exclude-standard``): every line;
- a file renamed since REF (``git mv``, or a move git pairs up with ``--find-renames``): only
  the lines edited after the move. A file moved with plain ``mv`` and not yet added is
  untracked, so all of it is new, as ``git status`` shows it;
- lines that were only deleted: nothing. The line that now sits where they were is unchanged
  text, so a finding there is not new, even when the deletion is what brought it about (a
  removed ``timeout=`` argument, say). That is the reading a reviewer gets from the diff, and
  the one that keeps ``--new-since`` quiet on code nobody touched;
- an ignored file, a deleted file, a binary file, a file unchanged since REF: nothing.

Each path on the command line is looked up in its own repository (``git rev-parse
--show-toplevel``), so paths may lie in several repositories; each repository is diffed once,
whole, so that a file moved into a named folder from elsewhere is still seen as a move. A file
answers from the innermost of those repositories that holds it. Paths are compared resolved
(``Path.resolve``) on both sides, so a folder named through a symbolic link matches what git
reports.

Git runs without a shell, with a timeout, no terminal prompt, the C locale and no optional
locks (a check must not hold ``index.lock`` while the user commits). The variables that pin a
repository (``GIT_DIR``, ``GIT_INDEX_FILE``...) are removed from its environment: a git hook
sets them for the repository it runs in, and they would send every ``git -C`` of another
repository to that one. Every failure is a `ChangesError` saying what happened and what to do.
"""

from __future__ import annotations

import bisect
import os
import re
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeAlias

GIT_TIMEOUT = 60.0  # seconds, for each git command

# Set by git for a hook, or by hand, to pin one repository; see the module docstring.
_PINNING_VARIABLES = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_COMMON_DIR",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_PREFIX",
)

_HUNK = re.compile(rb"@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
_ESCAPES = {
    ord("a"): 7,
    ord("b"): 8,
    ord("t"): 9,
    ord("n"): 10,
    ord("v"): 11,
    ord("f"): 12,
    ord("r"): 13,
    ord('"'): ord('"'),
    ord("\\"): ord("\\"),
}
_OCTAL = frozenset(b"01234567")


class ChangesError(Exception):
    """Git could not say what changed; the message says why and what to do instead."""


# A file's added lines from the diff: None for the whole file, else (first, last) ranges.
FileLines: TypeAlias = list[tuple[int, int]] | None


@dataclass(frozen=True)
class _Lines:
    """The new lines of one file: all of them, or merged ranges kept as two sorted tuples."""

    whole: bool
    starts: tuple[int, ...] = ()
    ends: tuple[int, ...] = ()

    @classmethod
    def of(cls, ranges: FileLines) -> _Lines:
        if ranges is None:
            return cls(whole=True)
        merged: list[list[int]] = []
        for start, end in sorted(ranges):
            if merged and start <= merged[-1][1] + 1:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        return cls(False, tuple(r[0] for r in merged), tuple(r[1] for r in merged))

    def any_in(self, start_line: int, end_line: int) -> bool:
        if self.whole:
            return True
        # The last range starting at or before end_line is the only one that can reach back.
        index = bisect.bisect_right(self.starts, end_line) - 1
        return index >= 0 and self.ends[index] >= start_line


@dataclass(frozen=True)
class _Repository:
    """What one repository's diff and untracked listing found, by resolved absolute path."""

    files: Mapping[Path, _Lines]
    # Untracked folders git lists without entering them: repositories nested in this one.
    new_folders: frozenset[Path]

    def lines(self, path: Path) -> _Lines | None:
        found = self.files.get(path)
        if found is None and any(parent in self.new_folders for parent in path.parents):
            return _Lines(whole=True)
        return found


class ChangedLines:
    """The lines added or changed since the revision, in the repositories of the checked paths.

    Immutable and picklable, so it can be handed to worker processes. Paths may be given as
    they were walked: they are resolved before they are looked up.
    """

    def __init__(self, repositories: Mapping[Path, _Repository]) -> None:
        self._repositories = dict(repositories)

    @property
    def repositories(self) -> tuple[Path, ...]:
        """The (resolved) top folders of the repositories that were compared."""
        return tuple(self._repositories)

    def covers(self, path: Path, start_line: int, end_line: int) -> bool:
        """Whether any line from `start_line` to `end_line` (1-based, inclusive) of `path` was
        added or changed: a finding there is new. An `end_line` before `start_line` reads as
        `start_line` alone. False for a file outside the compared repositories."""
        lines = self._lines(path)
        return lines is not None and lines.any_in(start_line, max(start_line, end_line))

    def touches(self, path: Path) -> bool:
        """Whether any line of `path` was added or changed: a file for which this is False can
        have no new finding, so it need not be checked at all."""
        lines = self._lines(path)
        return lines is not None and (lines.whole or bool(lines.starts))

    def changed_files(self) -> list[tuple[Path, list[tuple[int, int]] | None]]:
        """Every file with added or changed lines, sorted: its (resolved) path and its ranges
        of new lines (1-based, inclusive, merged), or None when the whole file is new. Files
        inside untracked nested repositories are not listed."""
        found: list[tuple[Path, list[tuple[int, int]] | None]] = []
        for repository in self._repositories.values():
            for path, lines in repository.files.items():
                if lines.whole:
                    found.append((path, None))
                elif lines.starts:
                    found.append((path, list(zip(lines.starts, lines.ends, strict=True))))
        return sorted(found, key=lambda item: item[0])

    def _lines(self, path: Path) -> _Lines | None:
        resolved = path.resolve()
        for folder in resolved.parents:  # nearest first: the innermost repository answers
            repository = self._repositories.get(folder)
            if repository is not None:
                return repository.lines(resolved)
        return None


def changed_lines(
    paths: Sequence[Path],
    ref: str,
    *,
    timeout: float = GIT_TIMEOUT,
    staged: bool = False,
    option: str = "--new-since",
    instead: str = "check without --new-since",
) -> ChangedLines:
    """The lines added or changed since `ref` in the repositories holding `paths` (absolute
    files and folders, as named on the command line).

    `ref` is anything git reads as a commit (``HEAD~1``, ``origin/main``, a tag, a hash), and is
    read in each repository. With `staged`, only what is staged counts (the index against
    `ref`, untracked files not at all). ChangesError when git is missing or fails, when a path is
    in no repository, or when a repository does not know `ref` (or has no commits yet); its
    message names `option` and ends with what to do `instead`.
    """
    run = _Run(_git_environment(), timeout, option, instead)
    repositories: dict[Path, _Repository] = {}
    for top in _repository_tops(paths, run):
        if top not in repositories:
            commit = _commit(top, ref, run)
            repositories[top] = _compare(top, commit, run, staged)
    return ChangedLines(repositories)


def staged_content(path: Path, *, timeout: float = GIT_TIMEOUT, option: str = "--staged") -> bytes:
    """The staged content of `path` (``git show :PATH``): what a review of the staged change
    must read, whatever the working tree holds since. ChangesError when git cannot give it."""
    resolved = path.resolve()
    run = _Run(_git_environment(), timeout, option, "stage the file first")
    [top] = _repository_tops([resolved], run)
    relative = resolved.relative_to(top).as_posix()
    return _checked(top, ["show", f":{relative}"], run)


@dataclass(frozen=True)
class _Run:
    """How git runs, and what its failures are told as (the option that needed it)."""

    env: Mapping[str, str]
    timeout: float
    option: str
    instead: str


def parse_diff(output: bytes) -> dict[str, FileLines]:
    """The added lines of each file in ``git diff --unified=0`` output, by the path git gives
    after ``b/``: None for a file added whole, else (first, last) line ranges (none when only
    lines were deleted). Deleted and binary files, and renames with no edit, are left out.

    Hunk bodies are skipped by their line counts, so an added line reading ``++ b/x`` (shown
    as ``+++ b/x``) is not taken for a header.
    """
    found: dict[str, FileLines] = {}
    current: str | None = None
    old_is_new = False
    old_left = new_left = 0
    for line in output.split(b"\n"):
        if old_left > 0 or new_left > 0:
            if line.startswith(b"-") and old_left > 0:
                old_left -= 1
                continue
            if line.startswith(b"+") and new_left > 0:
                new_left -= 1
                continue
            if line.startswith(b"\\"):  # "\ No newline at end of file"
                continue
            old_left = new_left = 0  # a short hunk: read the line as a header
        if line.startswith(b"diff "):
            current, old_is_new = None, False
        elif line.startswith(b"--- "):
            old_is_new = line[4:] == b"/dev/null"
        elif line.startswith(b"+++ "):
            current = _header_path(line[4:])
            if current is not None:
                found[current] = None if old_is_new else []
        elif match := _HUNK.match(line):
            old_left = int(match[1]) if match[1] is not None else 1
            first = int(match[2])
            new_left = int(match[3]) if match[3] is not None else 1
            ranges = found.get(current) if current is not None else None
            if ranges is not None and new_left > 0:
                ranges.append((first, first + new_left - 1))
    return found


def _header_path(text: bytes) -> str | None:
    """The path in a ``+++`` header, without its ``b/``; None for ``/dev/null``.

    Git C-quotes a name holding a quote, a backslash or a control character (and, unless
    ``core.quotePath`` is off, any non-ASCII byte), and ends an unquoted name holding a space
    with a tab.
    """
    if text == b"/dev/null":
        return None
    if text.startswith(b'"'):
        unquoted = _unquote(text)
        if unquoted is None:
            return None
        text = unquoted
    elif text.endswith(b"\t"):
        text = text[:-1]
    if not text.startswith(b"b/"):
        return None
    return os.fsdecode(text[2:])


def _unquote(text: bytes) -> bytes | None:
    """A C-quoted name (``"b/caf\\303\\251.py"``) as raw bytes; None if it is malformed."""
    out = bytearray()
    index = 1
    while index < len(text):
        char = text[index]
        if char == ord('"'):
            return bytes(out)
        if char != ord("\\"):
            out.append(char)
            index += 1
            continue
        octal = text[index + 1 : index + 4]
        if len(octal) == 3 and all(digit in _OCTAL for digit in octal):
            out.append(int(octal, 8) & 0xFF)
            index += 4
        elif index + 1 < len(text) and text[index + 1] in _ESCAPES:
            out.append(_ESCAPES[text[index + 1]])
            index += 2
        else:
            return None
    return None


# --- running git -----------------------------------------------------------------------------


def _git_environment() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in _PINNING_VARIABLES}
    env.update(GIT_TERMINAL_PROMPT="0", GIT_OPTIONAL_LOCKS="0", LC_ALL="C")
    return env


def _git(folder: Path, args: Sequence[str], run: _Run) -> subprocess.CompletedProcess[bytes]:
    """Run ``git -C folder ARGS``; bytes out, since paths need not be UTF-8."""
    command = ["git", "-c", "core.quotePath=false", "-C", str(folder), *args]
    try:
        return subprocess.run(
            command,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            env=run.env,
            timeout=run.timeout,
            check=False,
        )
    except FileNotFoundError:
        raise ChangesError(
            f"{run.option} needs git, and git is not installed (or not on PATH):"
            f" install git, or {run.instead}"
        ) from None
    except subprocess.TimeoutExpired:
        raise ChangesError(
            f"{run.option}: `git {args[0]}` took more than {run.timeout:g} s in {folder};"
            f" try again, or {run.instead}"
        ) from None
    except OSError as problem:
        raise ChangesError(
            f"{run.option}: cannot run git: {problem.strerror}; {run.instead}"
        ) from None


def _stdout_line(done: subprocess.CompletedProcess[bytes]) -> str:
    return os.fsdecode(done.stdout.rstrip(b"\r\n"))


def _stderr_line(done: subprocess.CompletedProcess[bytes]) -> str:
    lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
    return lines[0] if lines else f"exit status {done.returncode}"


def _repository_tops(paths: Iterable[Path], run: _Run) -> list[Path]:
    """The resolved top folder of each path's repository, in the order of `paths`."""
    tops: list[Path] = []
    by_folder: dict[Path, Path] = {}
    for path in paths:
        folder = _existing_folder(path.resolve())
        if folder not in by_folder:
            done = _git(folder, ["rev-parse", "--show-toplevel"], run)
            if done.returncode != 0:
                raise ChangesError(_not_a_repository(path, folder, done, run))
            by_folder[folder] = Path(_stdout_line(done)).resolve()
        tops.append(by_folder[folder])
    return tops


def _existing_folder(path: Path) -> Path:
    """The folder to run git in for `path`: itself if a folder, else its nearest existing
    parent (a path named on the command line may have gone since)."""
    folder = path if path.is_dir() else path.parent
    while not folder.is_dir() and folder != folder.parent:
        folder = folder.parent
    return folder


def _not_a_repository(
    path: Path, folder: Path, done: subprocess.CompletedProcess[bytes], run: _Run
) -> str:
    """Git's own words when a ``.git`` is there but git refuses it (a repository owned by
    another user, a broken one): "not inside one" would send the user looking elsewhere."""
    for parent in (folder, *folder.parents):
        if (parent / ".git").exists():
            return f"{run.option}: git cannot use the repository at {parent}: {_stderr_line(done)}"
    return f"{run.option} needs a git repository: {path} is not inside one; {run.instead}"


def _commit(top: Path, ref: str, run: _Run) -> str:
    """The commit `ref` names in the repository at `top`, as a full hash.

    Told by the exit status alone (``--verify --quiet``), never by git's wording. A ref that
    starts with ``-`` would be read as an option, and none is a valid name anyway.
    """
    if ref and not ref.startswith("-") and "\0" not in ref:
        done = _git(top, ["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], run)
        if done.returncode == 0:
            return _stdout_line(done)
    message = f"{run.option}: git does not know the revision {ref!r} in {top}"
    head = _git(top, ["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], run)
    if head.returncode != 0:
        raise ChangesError(f"{message}: it has no commits yet; commit first, or {run.instead}")
    raise ChangesError(
        f"{message}: name a commit, branch or tag of that repository"
        " (a remote branch must be fetched first)"
    )


def _compare(top: Path, commit: str, run: _Run, staged: bool = False) -> _Repository:
    """Diff the working tree of the repository at `top` (or its index, when `staged`) against
    `commit`, and list its untracked files (not when `staged`: they are not in the index)."""
    diff = _checked(
        top,
        [
            "diff",
            *(["--cached"] if staged else []),
            "--unified=0",
            "--no-color",
            "--no-ext-diff",
            "--no-textconv",
            "--find-renames",
            "--src-prefix=a/",
            "--dst-prefix=b/",
            commit,
            "--",
        ],
        run,
    )
    files = {top / name: _Lines.of(ranges) for name, ranges in parse_diff(diff).items()}
    if staged:
        return _Repository(files, frozenset())
    untracked = _checked(top, ["ls-files", "--others", "--exclude-standard", "-z"], run)
    new_folders = set()
    for entry in untracked.split(b"\0"):
        if entry.endswith(b"/"):
            new_folders.add(top / os.fsdecode(entry[:-1]))
        elif entry:
            files[top / os.fsdecode(entry)] = _Lines(whole=True)
    return _Repository(files, frozenset(new_folders))


def _checked(top: Path, args: Sequence[str], run: _Run) -> bytes:
    done = _git(top, args, run)
    if done.returncode != 0:
        raise ChangesError(
            f"{run.option}: `git {args[0]}` failed in {top}: {_stderr_line(done)}; {run.instead}"
        )
    return done.stdout
