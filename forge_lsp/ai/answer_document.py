"""The Markdown document an answer streams into, under the user's cache folder.

Editors open it with `window/showDocument` as soon as the first words arrive and show it growing
(VS Code reloads a file that changes on disk while it is unmodified). Each answer gets its own
file, named by time and task, so earlier answers stay readable; the folder keeps the newest
`KEPT` answers.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import platformdirs

from forge_lsp import __version__
from forge_lsp.ai.untrusted_markdown import neutralise_links

KEPT = 200


def answers_folder() -> Path:
    return Path(platformdirs.user_cache_dir("forge-lsp")) / "answers"


class AnswerDocument:
    """One answer file: a header, the streamed text, and a closing note.

    The streamed text and the notes are model (or API) output: links in them that would run
    something are taken out (`untrusted_markdown`). A link can arrive split across chunks, so
    the file always holds the neutralised form of everything received so far: appended to
    while that form only grows, rewritten when a later chunk changes an earlier part."""

    def __init__(self, folder: Path, task: str, subject: str) -> None:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        name = re.sub(r"[^A-Za-z0-9._-]+", "-", subject).strip("-")[:60] or "selection"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{stamp}-{task}-{name}.md"
        counter = 1
        while path.exists():
            counter += 1
            path = folder / f"{stamp}-{task}-{name}-{counter}.md"
        self.path = path
        self.characters = 0
        self._header = ""
        self._answer = ""
        self._notes = ""
        self._written = ""
        _prune(folder)

    @property
    def uri(self) -> str:
        return self.path.as_uri()

    def start(self, header: str) -> None:
        """Forge's own text at the top (the title, the question, or a payload preview)."""
        self._header = header
        self._write()

    def append(self, text: str) -> None:
        self.characters += len(text)
        self._answer += text
        self._write()

    def note(self, text: str) -> None:
        """A closing line after the answer (cut off, usage, cost), set off from it."""
        self._notes += f"\n\n---\n\n*{text}*\n"
        self._write()

    def _write(self) -> None:
        content = self._header + neutralise_links(self._answer) + neutralise_links(self._notes)
        if self._written and content.startswith(self._written):
            with self.path.open("a", encoding="utf-8") as handle:
                handle.write(content[len(self._written) :])
        else:
            self.path.write_text(content, encoding="utf-8")
        self._written = content


def _prune(folder: Path) -> None:
    answers = sorted(folder.glob("*.md"))
    for old in answers[:-KEPT]:
        old.unlink(missing_ok=True)


def header(task_title: str, location: str, question: str | None = None) -> str:
    lines = [f"# {task_title}", "", f"*{location} · Forge {__version__}*", ""]
    if question:
        lines += [f"> {question}", ""]
    return "\n".join(lines) + "\n"
