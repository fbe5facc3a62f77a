"""A project's `.forge/instructions.md`: found at the project or repository root, capped,
redacted, sent after Forge's persona inside the cached prefix with every Claude request, shown by
the preview, and never read when the user turned it off (a project may only turn it off)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from forge_lsp import config
from forge_lsp.ai import instructions, pipeline
from forge_lsp.ai.instructions import MAX_BYTES, RELATIVE_PATH
from forge_lsp.ai.ledger import Ledger
from forge_lsp.ai.payload import preview_markdown
from forge_lsp.ai.result_cache import ResultCache
from forge_lsp.ai.service import ClaudeService
from forge_lsp.config import Settings
from forge_lsp.config.claude import ClaudeSettings
from forge_lsp.core import languages
from tests.support.fake_messages_api import FakeMessagesAPI, Reply

PY = languages.LANGUAGES["python"]
KEY = "sk-ant-test-key"
CODE = "def total(order):\n    return sum(line.price for line in order.lines)\n"
TEXT = "# Conventions\n\nMoney is integer cents; flag any float used for money.\n"
PLANTED = "AKIAZ7Q3R5T2W6X4Y6NB"


def write(root: Path, text: str | bytes = TEXT) -> Path:
    path = root / RELATIVE_PATH
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def settings(root: Path | None = None, **claude: object) -> Settings:
    return Settings(root=root, claude=ClaudeSettings(max_retries=0, **claude))  # type: ignore[arg-type]


def test_found_at_the_project_root_then_at_the_repository_root(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    document = tmp_path / "service" / "app" / "orders.py"
    document.parent.mkdir(parents=True)
    at_repository = write(tmp_path)
    assert instructions.find(settings(), document).path == at_repository
    at_project = write(tmp_path / "service", "Project rules.")
    found = instructions.find(settings(root=tmp_path / "service"), document)
    assert found.path == at_project and found.text == "Project rules." and found.sent


def test_nothing_above_the_repository_nor_for_an_unsaved_document(tmp_path: Path) -> None:
    write(tmp_path)  # a home folder's .forge, say
    repository = tmp_path / "work" / "repo"
    (repository / ".git").mkdir(parents=True)
    assert instructions.find(settings(), repository / "app.py") == instructions.NONE
    assert instructions.find(settings(root=repository), None) == instructions.NONE


def test_turned_off_they_are_not_read(tmp_path: Path) -> None:
    write(tmp_path)
    off = settings(root=tmp_path, project_instructions=False)
    assert instructions.find(off, tmp_path / "app.py") == instructions.NONE


def test_a_project_file_may_turn_them_off_not_on() -> None:
    off = config.parse({"claude": {"projectInstructions": False}}, "forge.toml", project=True)
    assert off.values["claude"]["project_instructions"] is False and not off.errors
    on = config.parse({"claude": {"projectInstructions": True}}, "forge.toml", project=True)
    assert "project_instructions" not in on.values.get("claude", {})
    assert any("projectInstructions" in error for error in on.errors)


def test_too_big_is_not_sent_and_says_why(tmp_path: Path) -> None:
    write(tmp_path, "x" * (MAX_BYTES + 1))
    found = instructions.find(settings(root=tmp_path), tmp_path / "app.py")
    assert not found.sent and found.size == MAX_BYTES + 1
    assert found.problem is not None and "over the limit of 8,192; not sent" in found.problem


def test_secrets_in_them_are_redacted(tmp_path: Path) -> None:
    write(tmp_path, f"The CI user's key is {PLANTED}; never log it.\n")
    found = instructions.find(settings(root=tmp_path), tmp_path / "app.py")
    assert PLANTED not in found.text and "<redacted:" in found.text
    assert sum(count for _, count in found.redacted_kinds) == 1


def job(root: Path, the_settings: Settings, task: pipeline.payloads.Task = "ask") -> pipeline.Job:
    subject = pipeline.Subject(the_settings, root / "billing.py", (root,))
    span = pipeline.Span.lines(0, 1)
    return pipeline.Job(task, subject, PY, CODE, CODE.encode(), span, "Is this right?")


async def test_the_payload_puts_them_after_the_persona_in_the_cached_prefix(tmp_path: Path):
    write(tmp_path)
    prepared = await pipeline.prepare(
        job(tmp_path, settings(root=tmp_path)), {}, needs_claude=False
    )
    assert isinstance(prepared, pipeline.Prepared)
    persona, project = prepared.payload.request.params()["system"]
    assert persona["text"].startswith("You are **Forge**")
    assert project["text"].endswith(
        f"<project_instructions>\n{TEXT.strip()}\n</project_instructions>"
    )
    assert persona["cache_control"] == project["cache_control"] == {"type": "ephemeral"}
    assert TEXT.strip() not in prepared.payload.request.user  # not mixed with the code
    preview = preview_markdown("ask", prepared.payload)
    assert "followed by your project's `.forge/instructions.md`" in preview
    assert "Money is integer cents" in preview


async def test_without_them_the_request_is_as_before(tmp_path: Path) -> None:
    prepared = await pipeline.prepare(
        job(tmp_path, settings(root=tmp_path)), {}, needs_claude=False
    )
    assert isinstance(prepared, pipeline.Prepared)
    assert len(prepared.payload.request.params()["system"]) == 1
    assert prepared.instructions_problem is None


@pytest.fixture
async def api() -> AsyncIterator[FakeMessagesAPI]:
    async with FakeMessagesAPI(default=Reply(text="Use integer cents.", chunks=2)) as fake:
        yield fake


@pytest.fixture
async def service(tmp_path: Path) -> AsyncIterator[ClaudeService]:
    made = ClaudeService(
        Ledger(tmp_path / "usage.sqlite3"), ResultCache(tmp_path / "results.sqlite3"), {}
    )
    yield made
    await made.close()


async def test_every_task_sends_them_and_an_edit_to_them_is_a_new_request(
    tmp_path: Path, api: FakeMessagesAPI, service: ClaudeService
) -> None:
    project = tmp_path / "project"
    write(project)
    sending = settings(root=project, api_key=KEY, base_url=api.base_url)
    for task in ("ask", "explain", "review"):
        if task == "review":
            api.script(Reply(structured={"findings": []}))
        prepared = await pipeline.prepare(job(project, sending, task), {})
        assert isinstance(prepared, pipeline.Prepared)
        if task == "review":
            await pipeline.review(service, prepared)
        else:
            await pipeline.answer(service, prepared)
    for sent in api.message_requests:
        assert "Money is integer cents" in sent.body["system"][1]["text"]
    write(project, TEXT + "Amounts are never negative.\n")
    prepared = await pipeline.prepare(job(project, sending), {})
    assert isinstance(prepared, pipeline.Prepared)
    answered = await pipeline.answer(service, prepared)
    assert not answered.answer.cached  # the cache key covers the instructions
    assert "never negative" in api.message_requests[-1].body["system"][1]["text"]


def test_doctor_says_whether_they_were_found_and_how_big(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()

    def doctor() -> str:
        done = subprocess.run(
            [sys.executable, "-m", "forge_lsp", "doctor", "--offline"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
            env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        )
        return next(line for line in done.stdout.splitlines() if "instructions:" in line)

    assert doctor().startswith("OK    instructions: none (.forge/instructions.md")
    path = write(tmp_path)
    assert doctor() == (
        f"OK    instructions: {path}: {len(TEXT.encode())} bytes, sent with every Claude request"
    )
    write(tmp_path, "x" * (MAX_BYTES + 1))
    assert doctor().startswith("WARN  instructions:") and "not sent" in doctor()
