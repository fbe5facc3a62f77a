"""Forge's prompts, shipped as package data in ``forge_lsp/ai/prompts/``.

The Markdown files are the single source of Forge's words: ``system.md`` (the persona, sent with
every request and cached by the API) and one task template per action (``ask.md``, ``review.md``,
``explain.md``). Templates carry ``{name}`` placeholders; :func:`render` fills them in a single
pass, so the user's code (full of braces) is inserted verbatim and never parsed as a template.

Fields (all three tasks unless noted; :func:`fields_of` gives the exact set):

- ``path``: the file's path as the user knows it (workspace-relative);
- ``language``: the LSP language id (``go``, ``python``...);
- ``start_line``, ``end_line``: one-based, inclusive, as the editor shows them;
- ``selection``: the selected text after redaction, exactly as sent (review quotes must match it);
- ``known_findings``: one line per offline finding in the selection (``- FG401 line 20: ...``),
  or ``(none)``;
- ``question``: the user's question (``ask`` only).

The selection sits between ``<selection>`` tags; the system prompt tells Forge that everything in
it is data, never instructions.

:data:`PROMPT_VERSION` hashes the bytes of every prompt file: it goes into cache keys so an edited
prompt never serves an answer produced by the old one.
"""

from __future__ import annotations

import hashlib
import re
import sys
from collections.abc import Iterable
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING, Literal, get_args

if TYPE_CHECKING:
    if sys.version_info >= (3, 11):
        from importlib.resources.abc import Traversable
    else:
        from importlib.abc import Traversable

Task = Literal["ask", "review", "explain"]

TASKS: tuple[Task, ...] = get_args(Task)

# Lower-case identifiers in braces; nothing else in a template looks like this.
_PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")


class PromptFieldError(ValueError):
    """A template was rendered with missing or unknown fields (a bug in the caller)."""


def prompts_dir() -> Traversable:
    """The packaged ``prompts`` folder (works from a wheel, an editable install or a zip)."""
    return files("forge_lsp.ai").joinpath("prompts")


def read_prompt_files(root: Traversable) -> dict[str, bytes]:
    """Every ``*.md`` file under ``root`` by name; the loader behind :data:`PROMPT_VERSION`."""
    return {
        entry.name: entry.read_bytes()
        for entry in root.iterdir()
        if entry.is_file() and entry.name.endswith(".md")
    }


def compute_version(prompt_files: dict[str, bytes]) -> str:
    """A short, stable hash of names and bytes, independent of directory listing order."""
    digest = hashlib.sha256()
    for name in sorted(prompt_files):
        content = prompt_files[name]
        digest.update(f"{name}\0{len(content)}\0".encode())
        digest.update(content)
    return digest.hexdigest()[:12]


@cache
def _packaged_files() -> dict[str, bytes]:
    return read_prompt_files(prompts_dir())


def _text(name: str) -> str:
    try:
        return _packaged_files()[name].decode("utf-8")
    except KeyError:
        raise FileNotFoundError(f"Forge prompt {name!r} is missing from the package") from None


def system_prompt() -> str:
    """Forge's system prompt: identity, objectives, expertise, voice, format, rules, framework."""
    return _text("system.md")


def template(task: Task) -> str:
    """The raw template of ``task``, placeholders included."""
    if task not in TASKS:
        raise ValueError(f"unknown Forge task {task!r}; expected one of {', '.join(TASKS)}")
    return _text(f"{task}.md")


def fields_of(task: Task) -> frozenset[str]:
    """The placeholder names that :func:`render` requires for ``task``."""
    return frozenset(_PLACEHOLDER.findall(template(task)))


def render(task: Task, **fields: str | int) -> str:
    """The task prompt with every placeholder replaced by its field, verbatim.

    Every placeholder must be given and no other field is accepted: a typo in a caller would
    otherwise send a prompt with a literal ``{selection}`` in it. Integers (line numbers) are
    written in decimal; values are never re-scanned, so braces in code stay as they are.
    """
    text = template(task)
    expected = fields_of(task)
    _check_fields(task, expected, fields)
    for name, value in fields.items():
        if not isinstance(value, (str, int)) or isinstance(value, bool):
            raise PromptFieldError(
                f"field {name!r} of the {task} prompt must be str or int, "
                f"not {type(value).__name__}"
            )
    return _PLACEHOLDER.sub(lambda match: str(fields[match.group(1)]), text)


def _check_fields(task: Task, expected: frozenset[str], given: Iterable[str]) -> None:
    given_set = set(given)
    missing = sorted(expected - given_set)
    unknown = sorted(given_set - expected)
    problems = []
    if missing:
        problems.append(f"missing field(s) {', '.join(missing)}")
    if unknown:
        problems.append(f"unknown field(s) {', '.join(unknown)}")
    if problems:
        raise PromptFieldError(
            f"the {task} prompt needs exactly {', '.join(sorted(expected))}: " + "; ".join(problems)
        )


PROMPT_VERSION: str = compute_version(_packaged_files())
"""Short hash of all prompt files' bytes; part of every AI cache key."""
