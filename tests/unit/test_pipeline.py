"""The one Claude task pipeline (`forge_lsp.ai.pipeline`) that the editor and the command line
share: what it refuses, what leaves the machine, and what comes back, against the project's
fake Messages API through the real SDK."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest

from forge_lsp.ai import pipeline
from forge_lsp.ai.failures import ClaudeFailure
from forge_lsp.ai.ledger import Ledger
from forge_lsp.ai.result_cache import ResultCache
from forge_lsp.ai.service import ClaudeService
from forge_lsp.config import Settings
from forge_lsp.config.claude import ClaudeSettings
from forge_lsp.core import languages
from forge_lsp.core.model import Finding, Point, Severity
from tests.support.fake_messages_api import FakeMessagesAPI, Reply

PY = languages.LANGUAGES["python"]
KEY = "sk-ant-test-key"
ON = {"ANTHROPIC_API_KEY": KEY}
SERVICE = (
    "import requests\n"
    "\n"
    "\n"
    "def fetch(url):\n"
    "    response = requests.get(url)\n"
    "    return response.json()\n"
    "\n"
    "\n"
    "def other():\n"
    "    return 1\n"
)
FINDING = {
    "category": "error-handling",
    "severity": "warning",
    "confidence": 0.9,
    "quote": "return response.json()",
    "title": "A non-JSON error page raises an unhandled ValueError",
    "explanation": "Check `response.raise_for_status()` before decoding.",
    "replacement": None,
}
PLANTED = "AKIAZ7Q3R5T2W6X4Y6NB"


def settings(root: Path | None = None, **claude: object) -> Settings:
    return Settings(root=root, claude=ClaudeSettings(max_retries=0, **claude))  # type: ignore[arg-type]


def job(
    path: Path | None,
    span: pipeline.Span,
    *,
    task: pipeline.payloads.Task = "ask",
    config: Settings | None = None,
    roots: tuple[Path, ...] = (),
    question: str | None = "Is this safe?",
    text: str = SERVICE,
) -> pipeline.Job:
    subject = pipeline.Subject(config or settings(), path, roots, "untitled-1")
    return pipeline.Job(task, subject, PY, text, text.encode(), span, question)


async def ready(the_job: pipeline.Job, **options: object) -> pipeline.Prepared:
    prepared = await pipeline.prepare(the_job, ON, **options)  # type: ignore[arg-type]
    assert isinstance(prepared, pipeline.Prepared), prepared
    return prepared


# --- refusals -------------------------------------------------------------------------------


async def test_nothing_is_prepared_when_claude_is_off_excluded_or_not_forges_language(
    tmp_path: Path,
) -> None:
    path = tmp_path / "secret" / "svc.py"
    everywhere = pipeline.Span.lines(0, 9)
    assert await pipeline.prepare(job(path, everywhere), {}) == pipeline.Refusal("off")
    turned_off = settings(enabled=False)
    assert await pipeline.prepare(job(path, everywhere, config=turned_off), ON) == (
        pipeline.Refusal("off")
    )
    excluded = settings(tmp_path, exclude=("secret/**",))
    assert await pipeline.prepare(job(path, everywhere, config=excluded), ON) == (
        pipeline.Refusal("excluded")
    )
    # Relative to a root (a workspace folder, the current folder) when there is no project.
    by_root = job(path, everywhere, config=settings(exclude=("secret/**",)), roots=(tmp_path,))
    assert await pipeline.prepare(by_root, ON) == pipeline.Refusal("excluded")
    assert await pipeline.prepare(replace(job(path, everywhere), spec=None), ON) == (
        pipeline.Refusal("unsupported")
    )


async def test_a_preview_needs_no_key_but_is_still_refused_for_an_excluded_file(
    tmp_path: Path,
) -> None:
    path = tmp_path / "svc.py"
    preview = await pipeline.prepare(job(path, pipeline.Span.lines(3, 5)), {}, needs_claude=False)
    assert isinstance(preview, pipeline.Prepared) and not preview.sendable
    excluded = job(path, pipeline.Span.lines(3, 5), config=settings(tmp_path, exclude=("*.py",)))
    assert await pipeline.prepare(excluded, {}, needs_claude=False) == (
        pipeline.Refusal("excluded")
    )
    # Off is checked first, excluded next: the same order in every front end.
    assert pipeline.refusal(excluded.subject, {}) == pipeline.Refusal("off")


# --- what leaves the machine ----------------------------------------------------------------


async def test_an_empty_selection_widens_to_its_function_and_named_lines_stay_as_given() -> None:
    inside = (4, 8)  # in `requests.get`
    widened = await ready(job(None, pipeline.Span(inside, inside)))
    assert (widened.selection.start_line, widened.selection.end_line) == (3, 5)
    assert widened.start == Point(3, 0) and widened.end == Point(
        5, len("    return response.json()")
    )
    one_line = await ready(job(None, pipeline.Span.line(SERVICE.encode(), 4)))
    assert (one_line.selection.start_line, one_line.selection.end_line) == (3, 5)
    as_given = await ready(job(None, pipeline.Span.lines(4, 4)))
    assert (as_given.selection.start_line, as_given.selection.end_line) == (4, 4)
    # A selection that ends at the start of a line does not include that line.
    ending = await ready(job(None, pipeline.Span((3, 0), (6, 0))))
    assert (ending.selection.start_line, ending.selection.end_line) == (3, 5)


async def test_the_path_told_is_never_absolute(tmp_path: Path) -> None:
    path = tmp_path / "src" / "svc.py"
    span = pipeline.Span.lines(3, 5)
    in_project = await ready(job(path, span, config=settings(tmp_path)))
    in_root = await ready(job(path, span, roots=(tmp_path,)))
    alone = await ready(job(path, span, roots=(tmp_path / "elsewhere",)))
    unsaved = await ready(job(None, span))
    # A project file that is not above the file (`check --config FILE`) is no root of it.
    elsewhere = settings(tmp_path / "conf")
    config_elsewhere = await ready(job(path, span, config=elsewhere, roots=(tmp_path,)))
    config_alone = await ready(job(path, span, config=elsewhere))
    told = (in_project, in_root, alone, unsaved, config_elsewhere, config_alone)
    assert [p.selection.path for p in told] == [
        "src/svc.py",
        "src/svc.py",
        "svc.py",
        "untitled-1",
        "src/svc.py",
        "svc.py",
    ]
    for prepared in told:
        assert str(tmp_path) not in prepared.payload.request.user


async def test_secrets_are_redacted_in_the_code_and_in_the_question() -> None:
    code = f'AWS_KEY = "{PLANTED}"\n' + SERVICE
    prepared = await ready(
        job(None, pipeline.Span.lines(0, 10), text=code, question=f"Is {PLANTED} live?")
    )
    assert PLANTED not in prepared.payload.request.user
    assert "AWS_KEY" in prepared.payload.request.user
    assert prepared.payload.redactions == 2


async def test_known_findings_are_those_in_the_selection() -> None:
    checked = await ready(job(None, pipeline.Span.lines(3, 5)))
    assert [f.code for f in checked.selection.known_findings] == ["FG401"]
    outside = await ready(job(None, pipeline.Span.lines(8, 9)))
    assert outside.selection.known_findings == ()
    given = Finding("FG999", "given by the editor", Severity.WARNING, Point(4, 0), Point(4, 1))
    far = replace(given, start=Point(9, 0), end=Point(9, 1))

    async def known() -> list[Finding]:
        return [given, far]

    from_editor = await ready(job(None, pipeline.Span.lines(3, 5)), known=known)
    assert from_editor.selection.known_findings == (given,)


async def test_ask_without_a_question_asks_the_first_preset() -> None:
    prepared = await ready(job(None, pipeline.Span.lines(3, 5), question=None))
    assert prepared.question == ClaudeSettings().questions[0]
    assert prepared.question in prepared.payload.request.user


# --- sending --------------------------------------------------------------------------------


@pytest.fixture
async def api() -> AsyncIterator[FakeMessagesAPI]:
    async with FakeMessagesAPI(default=Reply(text="Pass a timeout.", chunks=3)) as fake:
        yield fake


@pytest.fixture
async def service(tmp_path: Path) -> AsyncIterator[ClaudeService]:
    made = ClaudeService(
        Ledger(tmp_path / "usage.sqlite3"), ResultCache(tmp_path / "results.sqlite3"), {}
    )
    yield made
    await made.close()


def sending(api: FakeMessagesAPI, **claude: object) -> Settings:
    return settings(api_key=KEY, base_url=api.base_url, **claude)


async def test_an_answer_streams_is_counted_and_comes_from_the_cache_the_second_time(
    api: FakeMessagesAPI, service: ClaudeService
) -> None:
    prepared = await ready(job(None, pipeline.Span.lines(3, 5), config=sending(api)))
    assert await pipeline.over_budget(service, prepared) is None
    chunks: list[str] = []
    answered = await pipeline.answer(service, prepared, chunks.append)
    assert "".join(chunks) == answered.answer.text == "Pass a timeout."
    assert answered.stopped is None and "input tokens" in answered.usage
    again = await pipeline.answer(service, prepared, None)
    assert again.answer.cached and again.usage.startswith("From Forge's cache")
    assert len(api.message_requests) == 1
    [sent] = api.message_requests
    assert sent.body["messages"][0]["content"] == prepared.payload.request.user


async def test_over_the_daily_budget_says_so_before_anything_is_sent(
    api: FakeMessagesAPI, service: ClaudeService
) -> None:
    prepared = await ready(
        job(None, pipeline.Span.lines(3, 5), config=sending(api, daily_budget_usd=0.000001))
    )
    question = await pipeline.over_budget(service, prepared)
    assert question is not None and "daily Claude budget" in question
    assert api.requests == []


async def test_a_review_is_placed_and_its_placement_remembered(
    api: FakeMessagesAPI, service: ClaudeService
) -> None:
    api.script(Reply(structured={"findings": [FINDING, {"category": "nonsense"}]}))
    prepared = await ready(job(None, pipeline.Span.lines(0, 9), task="review", config=sending(api)))
    placing: list[bool] = []
    reviewed = await pipeline.review(service, prepared, on_placing=lambda: placing.append(True))
    [finding] = reviewed.outcome.findings
    assert finding.code == "FGC300" and finding.start == Point(5, 4)
    assert reviewed.problems and all(p.startswith("finding 2:") for p in reviewed.problems)
    assert placing == [True]
    assert len(service.placements) == 1
    again = await pipeline.review(service, prepared)
    assert again.answer.cached and again.outcome is reviewed.outcome


async def test_a_review_that_cannot_be_read_fails_with_one_message(
    api: FakeMessagesAPI, service: ClaudeService
) -> None:
    api.script(Reply(stop_reason="refusal", structured={"findings": []}))
    prepared = await ready(job(None, pipeline.Span.lines(0, 9), task="review", config=sending(api)))
    with pytest.raises(ClaudeFailure) as failed:
        await pipeline.review(service, prepared)
    assert failed.value.kind == "refusal"


async def test_a_preview_is_never_sent(api: FakeMessagesAPI, service: ClaudeService) -> None:
    preview = await pipeline.prepare(
        job(None, pipeline.Span.lines(3, 5), config=sending(api)), {}, needs_claude=False
    )
    assert isinstance(preview, pipeline.Prepared)
    with pytest.raises(ValueError, match="preview"):
        await pipeline.answer(service, preview)
    with pytest.raises(ValueError, match="preview"):
        await pipeline.review(service, preview)
    assert api.requests == []


def test_the_pipeline_imports_no_front_end_and_not_the_sdk() -> None:
    import subprocess
    import sys

    probe = (
        "import sys, forge_lsp.ai.pipeline; "
        "print(sorted(m for m in sys.modules if m.startswith(('forge_lsp.lsp', "
        "'forge_lsp.cli', 'anthropic'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
