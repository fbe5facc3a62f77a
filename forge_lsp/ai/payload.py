"""Exactly what Forge sends Claude for a task, built from a selection of an open document.

Only the selection leaves the machine, plus stated context: the file's path relative to its
project, its language, the line numbers, a few lines around the selection and the findings
Forge's offline rules already reported in it, for Ask the question, and the project's own
instructions (`.forge/instructions.md`, `instructions`) when it has some. Secrets in all of that
(the question too: a key pasted into it must not go out) are replaced by typed placeholders
first (`redaction`). The same function builds the "Preview what Forge would
send" document, so the preview is the payload, byte for byte.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Literal

from forge_lsp.ai import prompts
from forge_lsp.ai.client import Request
from forge_lsp.ai.instructions import NONE as NO_INSTRUCTIONS
from forge_lsp.ai.instructions import Instructions, system_block
from forge_lsp.ai.redaction import redact
from forge_lsp.ai.request_shape import shape
from forge_lsp.config.claude import ClaudeSettings
from forge_lsp.core.model import Finding

Task = Literal["ask", "review", "explain"]
TASKS: tuple[Task, ...] = ("ask", "review", "explain")


@dataclass(frozen=True)
class Selection:
    """A selected range of an open document, in whole lines of its text."""

    path: str  # relative to the project root when there is one
    language: str
    lines: list[str]  # the document's lines (without line ends)
    start_line: int  # zero-based, inclusive
    end_line: int  # zero-based, inclusive
    known_findings: tuple[Finding, ...] = ()

    @property
    def text(self) -> str:
        return "\n".join(self.lines[self.start_line : self.end_line + 1])

    @property
    def line_count(self) -> int:
        return self.end_line - self.start_line + 1


@dataclass(frozen=True)
class Payload:
    """A request ready to send, and what the user may want to know about it."""

    request: Request
    redactions: int
    redacted_kinds: dict[str, int]

    def digest(self) -> str:
        """A short hash of exactly what is sent (cache keys and logs use it, never the text)."""
        body = json.dumps(self.request.params(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(body.encode("utf-8")).hexdigest()[:32]

    def characters(self) -> int:
        request = self.request
        return len(request.system) + len(request.instructions) + len(request.user)


def build(
    task: Task,
    selection: Selection,
    settings: ClaudeSettings,
    question: str | None = None,
    project: Instructions = NO_INSTRUCTIONS,
    change: str = "",
) -> Payload:
    """The request for `task` on `selection` (secrets redacted), with the `project`'s
    instructions (already redacted) when there are some, as it will be sent. A review of a
    change says so (`change`: `change_review.change_note`, paths and line numbers only)."""
    before, after = _context(selection, settings.context_lines)
    redactions = 0
    kinds: dict[str, int] = {}
    fields: dict[str, str] = {}
    texts = [("selection", selection.text), ("context_before", before), ("context_after", after)]
    if task == "ask":
        texts.append(("question", question or settings.questions[0]))
    for name, text in texts:
        redacted = redact(text, selection.language if name != "question" else None)
        fields[name] = _fenced(redacted.text)
        redactions += redacted.count
        for kind, count in redacted.kinds.items():
            kinds[kind] = kinds.get(kind, 0) + count
    fields.update(
        language=selection.language,
        path=selection.path,
        start_line=str(selection.start_line + 1),
        end_line=str(selection.end_line + 1),
        known_findings=_known(selection),
    )
    if task == "review":
        fields["change"] = f"\n\n{change}" if change else ""
    user = prompts.render(task, **fields)
    model = settings.explain_model if task == "explain" else settings.model
    shaped = shape(task, model, settings.max_tokens, settings.effort[task])
    request = Request(
        task=task,
        model=model,
        system=prompts.system_prompt(),
        user=user,
        max_tokens=shaped.max_tokens,
        tools=shaped.tools,
        tool_choice=shaped.tool_choice,
        output_format=shaped.output_format,
        effort=shaped.effort,
        instructions=system_block(project) if project.sent else "",
    )
    for kind, count in project.redacted_kinds:
        redactions += count
        kinds[kind] = kinds.get(kind, 0) + count
    return Payload(request, redactions, kinds)


_WRAPPER_TAG = re.compile(r"</?(selection|context_before|context_after|known_findings|question)\b")


def _fenced(code: str) -> str:
    """Code as it goes between the prompt's tags, unable to close them: a `</selection>` in
    the user's code must not end the selection early (text after it would read as ours)."""
    return _WRAPPER_TAG.sub(lambda m: m.group(0).replace("<", "<\u200b"), code)


def _context(selection: Selection, count: int) -> tuple[str, str]:
    if count <= 0:
        return "", ""
    first = max(0, selection.start_line - count)
    last = min(len(selection.lines), selection.end_line + 1 + count)
    before = "\n".join(selection.lines[first : selection.start_line])
    after = "\n".join(selection.lines[selection.end_line + 1 : last])
    return before, after


def _known(selection: Selection) -> str:
    if not selection.known_findings:
        return "(none)"
    return "\n".join(
        f"- line {f.start.line + 1}: {f.code} {f.message}" for f in selection.known_findings
    )


def preview_markdown(task: Task, payload: Payload) -> str:
    """The "what Forge would send" document: the exact request parameters as JSON."""
    params = payload.request.params()
    body = json.dumps(params, indent=2, ensure_ascii=False)
    redacted = (
        ", ".join(f"{count} {kind}" for kind, count in sorted(payload.redacted_kinds.items()))
        or "nothing"
    )
    return (
        f"# What Forge would send for {task}\n\n"
        f"This is the exact request body (`POST /v1/messages`), {payload.characters():,} "
        f"characters. Secrets replaced before sending: {redacted}. The system prompt is "
        f"Forge's own text{_instructions_told(payload)}; only the user message carries your "
        "code.\n\n"
        f"````json\n{body}\n````\n"
    )


def _instructions_told(payload: Payload) -> str:
    length = len(payload.request.instructions)
    if not length:
        return ""
    return (
        f", followed by your project's `.forge/instructions.md` ({length:,} characters with "
        "Forge's framing)"
    )
