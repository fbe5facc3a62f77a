"""Every fault the fake Messages API can script, for each of Ask, Review and Explain, and a
cancel at each stage of a task: one clear message, the progress ends, no partial result shown
as if whole, the server keeps serving, and nothing leaks.

This supersedes the single parametrised fault test that tests/e2e/test_claude.py had (Ask only,
seven faults). One server serves the whole module (see claude_support): a leak or a broken
state left by one case shows in the counts, or the next request, of every later one.
"""

from __future__ import annotations

import asyncio
import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcRequestCancelled
from pygls.uris import to_fs_path

from tests.reliability.claude_support import (
    COMMANDS,
    FETCH,
    KEY,
    MODEL_CASES,
    STALL_SECONDS,
    Harness,
    SessionOptions,
    harness_fixture,
    success_reply,
)
from tests.support.fake_messages_api import RecordedRequest, Reply

pytestmark = pytest.mark.asyncio(loop_scope="module")

# Each model under test in VS Code's profile, and Emacs' (no window/showDocument: the answer is
# named in a message) with the default model.
harness = harness_fixture(cases=MODEL_CASES)
# Cancels race the stall watchdog when that is one second: these cases get a patient one.
patient = harness_fixture(
    SessionOptions(claude={"stallSeconds": 60}),
    cases=[case for case in MODEL_CASES if case[0] == "visual-studio-code"],
)

TASKS = list(COMMANDS)
LONG_TEXT = "Forge keeps talking about `fetch`. " * 60


def _request_of(task: str) -> RecordedRequest:
    """A stand-in request of the task's kind, to pick the fake's whole answer for it."""
    body: dict[str, Any] = {"model": "any"}
    if task == "review":
        body["output_config"] = {"format": {"type": "json_schema"}}
    raw = b"<question>" if task == "ask" else b""
    return RecordedRequest("POST", "/v1/messages", {}, body, raw)


def _reply(task: str, **fault: Any) -> Reply:
    """The task's usual answer with `fault` applied (content matters for mid-stream faults)."""
    return dataclasses.replace(success_reply(_request_of(task)), **fault)


@dataclass(frozen=True)
class Fault:
    """A scripted fault, the failure kind Forge reports, the words of its one message (what
    happened, what to do), and how the fake saw its request end."""

    fields: dict[str, Any]
    kind: str
    says: tuple[str, ...]
    outcome: str
    mid_stream: bool = False


FAULTS: dict[str, Fault] = {
    "reset": Fault(
        {"reset": True}, "network", ("could not reach Claude", "Check your connection"), "reset"
    ),
    "400 bad request": Fault(
        {"status": 400, "error_message": "messages.0: text content blocks must be non-empty"},
        "bad-request",
        ("refused the request (400)", "text content blocks must be non-empty"),
        "status 400",
    ),
    "401 key": Fault(
        {"status": 401},
        "auth",
        ("rejected the API key (401)", "Check `ANTHROPIC_API_KEY`"),
        "status 401",
    ),
    "402 billing": Fault(
        {"status": 402},
        "billing",
        ("credit balance is too low (402)", "Add credits"),
        "status 402",
    ),
    "403 permission": Fault(
        {"status": 403},
        "forbidden",
        ("may not use this model or feature (403)", "`forge.claude.model`"),
        "status 403",
    ),
    "404 model": Fault(
        {"status": 404, "error_message": "model: claude-nope-1"},
        "not-found",
        ("does not know this model or endpoint (404): model: claude-nope-1", "Check"),
        "status 404",
    ),
    "413 too large": Fault(
        {"status": 413},
        "too-large",
        ("too large for one request", "select less code"),
        "status 413",
    ),
    "429 retry-after": Fault(
        {"status": 429, "retry_after": 20},
        "rate-limited",
        ("rate limit for this key is reached (429)", "Try again in 20 s"),
        "status 429",
    ),
    "500": Fault(
        {"status": 500}, "server", ("service failed (500)", "Try again shortly"), "status 500"
    ),
    "504": Fault(
        {"status": 504}, "server", ("service failed (504)", "Try again shortly"), "status 504"
    ),
    "529 before the stream": Fault(
        {"status": 529},
        "overloaded",
        ("overloaded right now (529)", "Try again in a minute"),
        "status 529",
    ),
    # Mid-stream faults strike after the thinking block and the first pieces of the answer
    # (its text, or its findings' JSON).
    "529 mid-stream": Fault(
        {"error_event": True, "error_after": 8},
        "overloaded",
        ("overloaded right now", "midway with an overloaded_error", "Try again in a minute"),
        "error event",
        mid_stream=True,
    ),
    "error event": Fault(
        {"error_event": "api_error", "error_after": 8},
        "stream-error",
        ("midway with an error (api_error: Internal server error)",),
        "error event",
        mid_stream=True,
    ),
    "slow headers beyond the stall timeout": Fault(
        {"slow_headers": STALL_SECONDS + 4},
        "stalled",
        ("sent nothing for 1 s", "`forge.claude.stallSeconds`"),
        "cancelled",
    ),
    "slow stream beyond the stall timeout": Fault(
        {"slow_stream": STALL_SECONDS + 4},
        "stalled",
        ("sent nothing for 1 s", "`forge.claude.stallSeconds`"),
        "cancelled",
    ),
    "drop mid-stream": Fault(
        {"drop_after": 8},
        "cut-off",
        ("connection to Claude dropped in the middle of the",),
        "dropped",
        mid_stream=True,
    ),
}


def _answer_text(uri: str) -> str:
    path = to_fs_path(uri)
    assert path is not None
    return Path(path).read_text(encoding="utf-8")


async def _claude_diagnostics(h: Harness, uri: str) -> list[types.Diagnostic]:
    """Claude's diagnostics in the latest publish for `uri` (push: the VS Code profile)."""
    published = h.session.published[uri]
    return [d for d in (published[-1].diagnostics if published else []) if d.source != "forge"]


async def _shows_whole_result(h: Harness, task: str, uri: str, result: Any) -> None:
    """The task's result is on screen: the finding, the explanation, the answer."""
    assert isinstance(result, dict) and result["status"] == "done", result
    if task == "review":
        assert result["findings"] == 1, result
        await h.session.until(
            lambda: any(
                d.source == "forge (claude)" and d.code == "FGC300"
                for p in h.session.published[uri][-1:]
                for d in p.diagnostics
            ),
            "the review's finding",
        )
    elif task == "explain":
        hover = await h.session.hover(uri, 5, 4)
        assert hover is not None and "Fetches a URL and decodes the JSON." in hover
    else:
        assert "Forge's answer" in _answer_text(result["document"])


async def _shows_no_result(h: Harness, task: str, uri: str) -> None:
    """Nothing of a failed or cancelled task is shown as if it were Claude's whole result."""
    if task == "review":
        await h.session.diagnostics(uri)  # the rules' publish of this version has come
        assert await _claude_diagnostics(h, uri) == []
    elif task == "explain":
        hover = await h.session.hover(uri, 5, 4)
        assert hover is None or "Fetches a URL" not in hover


def _one_progress_that_ended(h: Harness, before: set[Any], how: str) -> None:
    tokens = h.new_progress_tokens(before)
    assert len(tokens) == 1, tokens
    reports = h.progress_of(tokens[0])
    assert isinstance(reports[0], types.WorkDoneProgressBegin), reports
    ends = [r for r in reports if isinstance(r, types.WorkDoneProgressEnd)]
    assert len(ends) == 1 and reports[-1] is ends[0] and ends[0].message == how, reports


@pytest.mark.parametrize("task", TASKS)
@pytest.mark.parametrize("name", list(FAULTS))
async def test_a_fault_ends_in_one_clear_message_and_leaves_nothing_behind(
    harness: Harness, name: str, task: str
) -> None:
    h, fault = harness, FAULTS[name]
    uri = h.open_case(f"{name}_{task}")
    mark, tokens = len(h.session.messages), set(h.client.progress_reports)
    requests, documents_shown = len(h.api.message_requests), len(h.session.opened_documents())
    h.api.script(_reply(task, **fault.fields))

    result = await h.run(COMMANDS[task], uri, FETCH)

    assert result["status"] == "failed" and result["kind"] == fault.kind, result
    messages = h.messages_since(mark)
    [shown] = [m for m in messages if m.type == types.MessageType.Error]
    # Besides it, only where a streaming answer is, for an editor that cannot open it.
    told_where = [m for m in messages if m is not shown]
    assert len(told_where) <= (0 if h.session.can_show_documents else 1), messages
    assert all(m.message.startswith("Forge's answer is in ") for m in told_where), messages
    for words in fault.says:
        assert words in shown.message, shown.message
    assert KEY not in shown.message
    assert "attempts" not in shown.message  # nothing was retried (maxRetries 0)
    if fault.mid_stream and task != "review":  # text had arrived: kept, and said so once
        assert shown.message.count("what arrived is kept") == 1, shown.message
        assert "could not reach" not in shown.message
    _one_progress_that_ended(h, tokens, "Failed")
    [sent] = h.api.message_requests[requests:]
    assert sent.outcome == fault.outcome
    await _shows_no_result(h, task, uri)
    for document in h.session.opened_documents()[documents_shown:]:
        # Opened with part of an answer: the failure is noted in it, under what arrived.
        assert fault.mid_stream and task != "review"
        assert shown.message.removeprefix("Forge: ") in _answer_text(document)

    again = await h.run(COMMANDS[task], uri, FETCH)  # the server keeps serving
    await _shows_whole_result(h, task, uri, again)
    h.session.close(uri)
    rest = await h.at_rest()
    assert h.baseline is not None and rest.documents == h.baseline.documents


async def test_a_slow_stream_within_the_stall_timeout_is_not_a_fault(harness: Harness) -> None:
    h = harness
    uri = h.open_case("slow_but_steady")
    h.api.script(_reply("ask", slow_stream=STALL_SECONDS / 10))
    mark = len(h.session.messages)
    result = await h.run("forge.ask", uri, FETCH)
    await _shows_whole_result(h, "ask", uri, result)
    assert [m for m in h.messages_since(mark) if m.type == types.MessageType.Error] == []
    h.session.close(uri)
    await h.at_rest()


# --- cancel at each stage ------------------------------------------------------------------

STAGES = ["before sending", "waiting for headers", "mid-stream", "after the answer"]
VIAS = ["progress cancel", "$/cancelRequest"]


def _slow_reply(task: str, stage: str) -> Reply:
    if stage in ("before sending", "waiting for headers"):  # held at the fake if it gets there
        return _reply(task, slow_headers=30)
    if stage == "mid-stream":
        if task == "review":
            return _reply(task, chunks=200, slow_stream=0.03)
        return _reply(task, text=LONG_TEXT, chunks=200, slow_stream=0.03)
    return _reply(task)


async def _new_request(h: Harness, before: int, ready: Any) -> RecordedRequest:
    """The task's request at the fake, once `ready(request)` holds."""
    return await h.session.until(
        lambda: next((r for r in h.api.message_requests[before:] if ready(r)), None),
        "the task's request at the fake",
    )


@pytest.mark.parametrize("task", TASKS)
@pytest.mark.parametrize("via", VIAS)
@pytest.mark.parametrize("stage", STAGES)
async def test_a_cancel_stops_the_task_at_any_stage(
    patient: Harness, stage: str, via: str, task: str
) -> None:
    h = patient
    uri = h.open_case(f"cancel_{stage}_{via}_{task}")
    await h.session.diagnostics(uri)
    mark, tokens = len(h.session.messages), set(h.client.progress_reports)
    requests, completed = len(h.api.message_requests), h.api.completed_streams
    h.api.script(_slow_reply(task, stage))
    began: list[str] = []
    h.progress_create_seen.clear()
    if stage == "before sending" and via == "$/cancelRequest":
        h.hold_progress_create = asyncio.Event()  # the server waits for the client's answer
    if stage == "before sending" and via == "progress cancel":
        h.on_progress_begin = lambda token: (began.append(token), h.cancel_progress(token))
    else:
        h.on_progress_begin = began.append

    async def cancel(msg_id: str) -> None:
        if via == "$/cancelRequest":
            h.cancel_request(msg_id)
        else:  # the begin travels to the client as the request travels to the fake: either first
            await h.session.until(lambda: began, "the progress to begin")
            h.cancel_progress(began[-1])

    try:
        msg_id, running = h.send(COMMANDS[task], uri, FETCH)
        if stage == "before sending" and via == "$/cancelRequest":
            await asyncio.wait_for(h.progress_create_seen.wait(), 15)
            await cancel(msg_id)
        elif stage == "waiting for headers":
            await _new_request(h, requests, lambda r: r.outcome == "pending")
            await cancel(msg_id)
        elif stage == "mid-stream":
            await _new_request(h, requests, lambda r: r.events_sent >= 8)  # past thinking
            await cancel(msg_id)
        if stage == "after the answer":
            result = await asyncio.wait_for(running, 30)
            await _shows_whole_result(h, task, uri, result)
            mark_after = len(h.session.messages)
            await cancel(msg_id)  # both arrive late: the task is over
            await h.status()  # answered after the cancel was handled (messages keep order)
            assert h.messages_since(mark_after) == []
            await _shows_whole_result(h, task, uri, result)  # still there
            again = await h.run(COMMANDS[task], uri, FETCH)
            await _shows_whole_result(h, task, uri, again)
            assert len(h.api.message_requests) == requests + 1  # the repeat: from the cache
            h.session.close(uri)
            await h.at_rest()
            return
        if via == "$/cancelRequest":
            with pytest.raises(JsonRpcRequestCancelled):
                await asyncio.wait_for(running, 30)
        else:
            result = await asyncio.wait_for(running, 30)
            assert result == {"status": "cancelled"}
    finally:  # whatever happened, leave no held answer or queued slow reply to later cases
        h.api.replies.clear()
        if h.hold_progress_create is not None:
            h.hold_progress_create.set()
            h.hold_progress_create = None
        h.on_progress_begin = None

    await h.at_rest()  # no task, token, request or connection left over
    assert h.api.completed_streams == completed  # nothing was generated to the end
    sent = h.api.message_requests[requests:]
    if stage == "before sending":
        # Held before the progress began, nothing can have left; cancelled at the begin, the
        # request may have gone out, but never an answer.
        assert (
            sent == [] if via == "$/cancelRequest" else all(r.outcome == "cancelled" for r in sent)
        )
    else:
        [request] = sent
        assert request.outcome == "cancelled"  # the fake saw the client hang up
    shown_messages = h.messages_since(mark)
    assert len(shown_messages) == 1, shown_messages
    [shown] = shown_messages
    assert shown.message.startswith(f"Forge stopped: the {task} of ")
    assert shown.message.endswith("was cancelled.")
    if began:
        _one_progress_that_ended(h, tokens, "Cancelled")
    await _shows_no_result(h, task, uri)
    if task == "ask" and stage == "mid-stream" and h.session.shown_documents:
        document = _answer_text(h.session.shown_documents[-1].uri)
        assert "this answer is incomplete" in document

    again = await h.run(COMMANDS[task], uri, FETCH)  # and the server keeps serving
    await _shows_whole_result(h, task, uri, again)
    h.session.close(uri)
    await h.at_rest()
