"""Forge with Claude over LSP, end to end: the real server, the real SDK, the project's fake
Messages API on 127.0.0.1. Ask, Review, Explain, cancel, faults, privacy, cache and ledger.

What must never happen (secrets sent, keys logged, sockets opened with Claude off, edits or
commands from injected instructions, commands outside the workspace) is in tests/security/."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from lsprotocol import types
from pygls.exceptions import JsonRpcRequestCancelled
from pytest_lsp import LanguageClient

from tests.e2e.session import Session, command_of, start
from tests.editors.support import CLAUDE_SOURCE
from tests.support.answer_format import check_answer
from tests.support.fake_messages_api import FakeMessagesAPI, Reply
from tests.support.models import DEFAULT, UNDER_TEST

KEY = "sk-ant-api03-forge-e2e-test-key-0123456789abcdefghijklmnopqrstuvwxyz"
ANSWERS = Path(__file__).parent.parent / "data" / "answers"
ANSWER = (ANSWERS / "ask_go_handler.md").read_text(encoding="utf-8")
SERVICE = CLAUDE_SOURCE  # the Claude scenario the real-editor tests run too
FETCH = types.Range(types.Position(3, 0), types.Position(7, 0))  # the whole of fetch()


# Every editor profile with the default model, and every model under test in VS Code's.
CASES = [(profile, DEFAULT) for profile in ("visual-studio-code", "neovim", "emacs")] + [
    ("visual-studio-code", model) for model in UNDER_TEST if model != DEFAULT
]


@pytest.fixture(params=CASES, ids=[f"{profile}-{model}" for profile, model in CASES])
def case(request: pytest.FixtureRequest) -> tuple[str, str]:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def profile(case: tuple[str, str]) -> str:
    return case[0]


@pytest.fixture
def claude_model(case: tuple[str, str]) -> str:
    return case[1]


@pytest_asyncio.fixture
async def api() -> AsyncIterator[FakeMessagesAPI]:
    async with FakeMessagesAPI(default=Reply(text=ANSWER, chunks=5)) as fake:
        yield fake


async def _start(
    lsp: LanguageClient, profile: str, tmp_path: Path, claude: dict[str, Any]
) -> Session:
    return await start(lsp, profile, tmp_path, {"claude": claude})


@pytest_asyncio.fixture
async def session(
    lsp: LanguageClient,
    profile: str,
    tmp_path: Path,
    api: FakeMessagesAPI,
    request: Any,
    claude_model: str,
) -> AsyncIterator[Session]:
    """A session whose every task uses `claude_model` (each model under test in turn)."""
    marker = request.node.get_closest_marker("claude")
    extra = marker.args[0] if marker else {}
    claude = {
        "apiKey": KEY,
        "baseUrl": api.base_url,
        "maxRetries": 0,
        "stallSeconds": 5,
        "model": claude_model,
        "explainModel": claude_model,
    }
    state = await _start(lsp, profile, tmp_path, {**claude, **extra})
    yield state
    await lsp.shutdown_session()


async def _run(session: Session, command: str, *arguments: Any) -> Any:
    return await asyncio.wait_for(
        session.client.workspace_execute_command_async(
            types.ExecuteCommandParams(command=command, arguments=list(arguments))
        ),
        30,
    )


def _range_json(r: types.Range) -> dict[str, Any]:
    return {
        "start": {"line": r.start.line, "character": r.start.character},
        "end": {"line": r.end.line, "character": r.end.character},
    }


def _messages(session: Session) -> list[str]:
    return [m.message for m in session.messages]


async def test_ask_streams_the_answer_into_a_document_it_opens(
    session: Session, api: FakeMessagesAPI
) -> None:
    uri = session.open("service.py", SERVICE, "python")
    await session.diagnostics(uri)
    actions = await session.code_actions(uri, FETCH)
    ask = next(a for a in actions if a.title == "Ask Forge...")
    command = command_of(ask)
    assert command.command == "forge.ask" and command.arguments == [uri, _range_json(FETCH)]
    result = await _run(session, "forge.ask", uri, _range_json(FETCH), "Is this safe under load?")
    assert result["status"] == "done", result
    document = Path(types_uri_path(result["document"])).read_text(encoding="utf-8")
    assert "> Is this safe under load?" in document
    answer, usage = document.split("> Is this safe under load?\n\n", 1)[1].rsplit("\n---\n", 1)
    assert answer.strip() == ANSWER.strip()  # streamed in whole, in Forge's format
    assert check_answer(answer, building=True) == []
    assert "input tokens" in usage  # usage and cost are shown with the answer
    assert session.opened_documents() == [result["document"]]
    [sent] = api.message_requests
    user = sent.body["messages"][0]["content"]
    assert "def fetch(url):" in user and "Is this safe under load?" in user
    assert "def other():" in user  # a few lines of context around the selection
    assert "File: `service.py`" in user  # relative to the workspace folder, never absolute
    assert "FG101" in user  # the offline finding in the selection, stated as known
    progress = [r for reports in session.client.progress_reports.values() for r in reports]
    assert isinstance(progress[0], types.WorkDoneProgressBegin) and progress[0].cancellable
    assert isinstance(progress[-1], types.WorkDoneProgressEnd)


async def test_ask_without_a_question_says_which_preset_it_answers(
    session: Session, api: FakeMessagesAPI
) -> None:
    """A client that cannot prompt sends "Ask Forge..." with no question: Forge asks the first
    preset question, and the answer document says so at the top."""
    uri = session.open("service.py", SERVICE, "python")
    result = await _run(session, "forge.ask", uri, _range_json(FETCH))
    assert result["status"] == "done", result
    document = Path(types_uri_path(result["document"])).read_text(encoding="utf-8")
    preset = "What fails first under load here, and how would I see it in production?"
    assert f"> {preset}" in document.split(ANSWER.splitlines()[0])[0]
    assert preset in api.message_requests[0].body["messages"][0]["content"]


@pytest.mark.parametrize(
    ("reply", "says"),
    [
        (Reply(structured={"findings": []}, stop_reason="refusal"), "declined to review"),
        (Reply(structured={"findings": []}, stop_reason="max_tokens"), "token limit before it"),
    ],
)
async def test_a_review_that_stopped_short_says_why_and_places_nothing(
    session: Session, api: FakeMessagesAPI, reply: Reply, says: str
) -> None:
    api.script(reply)
    uri = session.open("service.py", SERVICE, "python")
    result = await _run(session, "forge.review", uri, _range_json(FETCH))
    assert result["status"] == "failed", result
    assert says in result["message"] and says in " ".join(_messages(session))


@pytest.mark.parametrize("case", [("visual-studio-code", DEFAULT)], indirect=True)
async def test_an_unknown_model_is_used_as_asked_with_one_warning(
    lsp: LanguageClient, profile: str, tmp_path: Path, api: FakeMessagesAPI
) -> None:
    claude = {"apiKey": KEY, "baseUrl": api.base_url, "maxRetries": 0, "model": "claude-next-9"}
    session = await _start(lsp, profile, tmp_path, claude)
    uri = session.open("service.py", SERVICE, "python")
    for _ in range(2):
        result = await _run(session, "forge.ask", uri, _range_json(FETCH), "Why?")
        assert result["kind"] == "not-found", result  # the fake does not know it either
    warnings = [m for m in _messages(session) if "does not know the model 'claude-next-9'" in m]
    assert len(warnings) == 1 and "claude-sonnet-5-5" in warnings[0]
    assert [r.body["model"] for r in api.message_requests] == ["claude-next-9"] * 2
    await lsp.shutdown_session()


def types_uri_path(uri: str) -> str:
    from pygls.uris import to_fs_path

    path = to_fs_path(uri)
    assert path is not None
    return path


async def test_review_publishes_claudes_findings_beside_the_rules(
    session: Session, api: FakeMessagesAPI
) -> None:
    finding = {
        "category": "error-handling",
        "severity": "warning",
        "confidence": 0.9,
        "quote": "return response.json()",
        "title": "A non-JSON error page raises an unhandled ValueError",
        "explanation": "Check `response.raise_for_status()` before decoding.",
        "replacement": "response.raise_for_status()\n    return response.json()",
    }
    api.script(Reply(structured={"findings": [finding]}))
    uri = session.open("service.py", SERVICE, "python")
    await session.diagnostics(uri)
    result = await _run(session, "forge.review", uri, _range_json(FETCH))
    assert result["status"] == "done" and result["findings"] == 1, result
    assert "Forge found 1 issue in 4 lines." in " ".join(_messages(session))

    async def both() -> list[types.Diagnostic] | None:
        found = await _latest(session, uri)
        return found if {d.source for d in found} == {"forge", "forge (claude)"} else None

    diagnostics = await _poll(both, "rule and Claude diagnostics together")
    [claude] = [d for d in diagnostics if d.source == "forge (claude)"]
    assert claude.range.start == types.Position(6, 4) and claude.code == "FGC300"
    hover = await session.hover(uri, 6, 12)
    assert hover is not None and "raise_for_status" in hover
    actions = await session.code_actions(uri, claude.range, [claude])
    fix = next(a for a in actions if isinstance(a, types.CodeAction) and a.edit is not None)
    assert fix.title.startswith("Apply Forge's fix") or "Forge" in fix.title
    assert not fix.is_preferred  # a model's fix is offered, never auto-applied
    [sent] = api.message_requests
    # The current models refuse forced tool use: the findings come as structured outputs.
    assert "tool_choice" not in sent.body
    assert sent.body["output_config"]["format"]["type"] == "json_schema"
    progress = [r for reports in session.client.progress_reports.values() for r in reports]
    if progress:  # the model thought first, and progress said so
        assert any(getattr(r, "message", None) == "Forge is thinking…" for r in progress)


async def _poll(probe: Any, what: str, timeout: float = 15) -> Any:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        value = await probe()
        if value:
            return value
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


async def test_a_review_with_nothing_to_report_says_so(
    session: Session, api: FakeMessagesAPI
) -> None:
    api.script(Reply(structured={"findings": []}))
    uri = session.open("service.py", SERVICE, "python")
    result = await _run(session, "forge.review", uri, _range_json(FETCH))
    assert result["findings"] == 0
    assert "No issues in 4 lines." in " ".join(_messages(session))


async def test_claudes_findings_follow_edits_and_go_when_their_code_changes(
    session: Session, api: FakeMessagesAPI
) -> None:
    finding = {
        "category": "correctness",
        "severity": "info",
        "confidence": 0.9,
        "quote": "return response.json()",
        "title": "Decoding without a status check",
        "explanation": "x",
        "replacement": None,
    }
    api.script(Reply(structured={"findings": [finding]}))
    uri = session.open("service.py", SERVICE, "python")
    await session.diagnostics(uri)
    await _run(session, "forge.review", uri, _range_json(FETCH))
    above = types.Range(types.Position(0, 0), types.Position(0, 0))
    version = session.change(uri, "import json\n", above)
    moved = [d for d in await session.diagnostics(uri, version) if d.source == "forge (claude)"]
    if not session.pulls:
        assert [d.range.start.line for d in moved] == [7]
    flagged = types.Range(types.Position(7, 11), types.Position(7, 19))
    version = session.change(uri, "resp", flagged)
    after = await session.diagnostics(uri, version)
    assert not [d for d in after if d.source == "forge (claude)"]


async def test_explain_puts_a_short_form_in_the_hover(
    session: Session, api: FakeMessagesAPI, claude_model: str
) -> None:
    api.script(
        Reply(text="Fetches a URL and decodes JSON.\n\n---\n\n### How it works\n\nIt calls.\n")
    )
    uri = session.open("service.py", SERVICE, "python")
    await session.diagnostics(uri)
    empty = types.Range(types.Position(4, 8), types.Position(4, 8))  # a cursor, as Helix sends
    result = await _run(session, "forge.explain", uri, _range_json(empty))
    assert result["status"] == "done", result
    hover = await session.hover(uri, 5, 4)
    assert hover is not None and "Fetches a URL and decodes JSON." in hover
    assert "How it works" not in hover
    [sent] = api.message_requests
    assert sent.body["model"] == claude_model  # `explainModel`, set to each model in turn
    assert sent.body["output_config"] == {"effort": "low"}  # and their own, lower, effort


async def test_without_a_key_every_task_explains_how_to_set_one_up(
    lsp: LanguageClient, profile: str, tmp_path: Path, api: FakeMessagesAPI
) -> None:
    session = await _start(lsp, profile, tmp_path, {"baseUrl": api.base_url})
    uri = session.open("service.py", SERVICE, "python")
    for command in ("forge.ask", "forge.review", "forge.explain"):
        result = await _run(session, command, uri, _range_json(FETCH))
        assert result["status"] == "off"
    assert all("ANTHROPIC_API_KEY" in m for m in _messages(session)[-3:])
    assert api.requests == []
    await lsp.shutdown_session()


async def test_preview_shows_exactly_what_would_be_sent_and_sends_nothing(
    session: Session, api: FakeMessagesAPI
) -> None:
    uri = session.open("service.py", SERVICE, "python")
    result = await _run(session, "forge.previewPayload", uri, _range_json(FETCH), "review")
    assert result["status"] == "done"
    preview = Path(types_uri_path(result["document"])).read_text(encoding="utf-8")
    assert '"model": "claude-' in preview and "def fetch(url):" in preview
    assert '"json_schema"' in preview  # the exact request: structured outputs
    assert api.requests == []


async def test_a_repeated_request_is_answered_from_the_cache(
    session: Session, api: FakeMessagesAPI
) -> None:
    uri = session.open("service.py", SERVICE, "python")
    first = await _run(session, "forge.ask", uri, _range_json(FETCH), "Why?")
    second = await _run(session, "forge.ask", uri, _range_json(FETCH), "Why?")
    assert first["cached"] is False and second["cached"] is True
    assert len(api.message_requests) == 1
    usage = await _run(session, "forge.showUsage")
    assert "2 requests" in usage["message"] and "1 from the cache" in usage["message"]


@pytest.mark.claude({"dailyBudgetUsd": 0.000001})
async def test_a_daily_budget_asks_before_going_over(
    session: Session, api: FakeMessagesAPI
) -> None:
    asked: list[str] = []

    @session.client.feature(types.WINDOW_SHOW_MESSAGE_REQUEST)
    def on_request(params: types.ShowMessageRequestParams) -> types.MessageActionItem | None:
        asked.append(params.message)
        return types.MessageActionItem(title="Cancel")

    uri = session.open("service.py", SERVICE, "python")
    result = await _run(session, "forge.ask", uri, _range_json(FETCH), "Why?")
    assert result["status"] == "declined"
    window = session.client.capabilities.window if session.client.capabilities else None
    if window and window.show_message:
        assert asked and "daily Claude budget" in asked[0]
    else:  # a client that did not advertise message requests is not asked: Forge stays in budget
        assert asked == []
    assert api.requests == []


@pytest.mark.claude({"exclude": ["secrets/**"]})
async def test_an_excluded_file_is_never_sent(session: Session, api: FakeMessagesAPI) -> None:
    uri = session.open("secrets/keys.py", SERVICE, "python")
    result = await _run(session, "forge.review", uri, _range_json(FETCH))
    assert result["status"] == "excluded"
    assert api.requests == []


async def test_cancelling_the_progress_stops_generation_at_the_api(
    session: Session, api: FakeMessagesAPI
) -> None:
    api.script(Reply(text="word " * 200, chunks=100, slow_stream=0.05))
    uri = session.open("service.py", SERVICE, "python")
    running = asyncio.ensure_future(_run(session, "forge.ask", uri, _range_json(FETCH), "Why?"))

    def started() -> str | None:  # text arrived (progress counts its characters)
        for token, reports in session.client.progress_reports.items():
            if any(
                isinstance(r, types.WorkDoneProgressReport) and "characters" in (r.message or "")
                for r in reports
            ):
                return str(token)
        return None

    token = await session.until(started, "the answer to start streaming")
    session.client.window_work_done_progress_cancel(types.WorkDoneProgressCancelParams(token))
    result = await running
    assert result["status"] == "cancelled"
    assert await api.wait_idle(3.0)
    assert api.cancelled_streams == 1 and api.open_connections == 0
    [opened] = session.opened_documents()  # with part of the answer: marked as incomplete
    answer = Path(types_uri_path(opened)).read_text(encoding="utf-8")
    assert answer.rstrip().endswith("this answer is incomplete.*")


async def test_cancelling_the_request_stops_generation_at_the_api(
    session: Session, api: FakeMessagesAPI
) -> None:
    """`$/cancelRequest` on the command, as VS Code sends when its caller gives up."""
    api.script(Reply(text="word " * 200, chunks=100, slow_stream=0.05))
    uri = session.open("service.py", SERVICE, "python")
    arguments = [uri, _range_json(FETCH), "Why?"]
    running = asyncio.ensure_future(
        session.client.protocol.send_request_async(
            types.WORKSPACE_EXECUTE_COMMAND,
            types.ExecuteCommandParams(command="forge.ask", arguments=arguments),
            msg_id="ask-to-cancel",
        )
    )
    await session.until(
        lambda: api.message_requests and api.message_requests[0].events_sent >= 5,
        "the answer to start streaming",
    )
    session.client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id="ask-to-cancel"))
    with pytest.raises(JsonRpcRequestCancelled):
        await asyncio.wait_for(running, 30)
    assert await api.wait_idle(3.0)
    assert api.cancelled_streams == 1 and api.completed_streams == 0


async def test_shutting_down_while_claude_answers_stops_it_and_exits(
    lsp: LanguageClient, profile: str, tmp_path: Path, api: FakeMessagesAPI
) -> None:
    """The editor closing mid-answer: shutdown cancels the task and succeeds (pygls 2.1 failed
    it with "dictionary changed size during iteration", and the server never exited)."""
    claude = {"apiKey": KEY, "baseUrl": api.base_url, "maxRetries": 0}
    session = await _start(lsp, profile, tmp_path, claude)
    api.script(Reply(text="word " * 200, chunks=100, slow_stream=0.05))
    uri = session.open("service.py", SERVICE, "python")
    running = asyncio.ensure_future(_run(session, "forge.ask", uri, _range_json(FETCH), "Why?"))
    await session.until(
        lambda: api.message_requests and api.message_requests[0].events_sent >= 5,
        "the answer to start streaming",
    )
    await asyncio.wait_for(lsp.shutdown_session(), 15)
    with pytest.raises(JsonRpcRequestCancelled):
        await running
    assert await api.wait_idle(3.0)
    assert api.cancelled_streams == 1 and api.completed_streams == 0


async def _latest(session: Session, uri: str) -> list[types.Diagnostic]:
    """What the editor shows now: pulled, or the last push (later pushes replace earlier)."""
    if session.pulls:
        return await session.diagnostics(uri)
    published = session.published[uri]
    return list(published[-1].diagnostics) if published else []


async def test_a_plain_hover_never_calls_claude_by_default(
    session: Session, api: FakeMessagesAPI
) -> None:
    uri = session.open("service.py", SERVICE, "python")
    await session.diagnostics(uri)
    assert await session.hover(uri, 10, 8) is None  # inside other(): no finding there
    assert api.requests == []


@pytest.mark.claude({"explainOnHover": True})
async def test_with_explain_on_hover_a_hover_explains_the_function_under_it(
    session: Session, api: FakeMessagesAPI
) -> None:
    api.script(Reply(text="Returns one.\n\n---\n\n### Details\n\nA constant.\n"))
    uri = session.open("service.py", SERVICE, "python")
    await session.diagnostics(uri)
    hover = await session.hover(uri, 10, 8)
    assert hover is not None and "Returns one." in hover and "Details" not in hover
    again = await session.hover(uri, 10, 8)  # kept for the range: no second request
    assert again is not None and "Returns one." in again
    assert len(api.message_requests) == 1
