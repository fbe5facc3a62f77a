"""The fake Messages API, driven by the real ``anthropic`` SDK over real HTTP.

These tests pin what the Claude side relies on: that the fake speaks the wire format the SDK
parses (so tests of Forge through it mean something), that each fault reaches the client as a
failure at the right moment (what exception the SDK raises for a fault mid-stream changes
between SDK releases, so Forge never depends on it and neither do these tests), and that the
fake refuses what each model refuses, in the real API's error shape.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import anthropic
import httpx2
import pytest
import pytest_asyncio

from tests.support.fake_messages_api import (
    FakeMessagesAPI,
    RecordedRequest,
    Reply,
    estimate_tokens,
)

MODEL = "claude-sonnet-5"
KEY = "sk-ant-test-key"
QUESTION = "Is this retry loop safe?"
USER = [{"role": "user", "content": QUESTION}]
FAKE_SCRIPT = Path(__file__).parents[1] / "support" / "fake_messages_api.py"


@pytest_asyncio.fixture
async def api() -> AsyncIterator[FakeMessagesAPI]:
    async with FakeMessagesAPI() as server:
        yield server
    assert server.internal_errors == []


def client_for(
    api: FakeMessagesAPI, *, max_retries: int = 0, timeout: anthropic.Timeout | None = None
) -> anthropic.AsyncAnthropic:
    return anthropic.AsyncAnthropic(
        api_key=KEY,
        base_url=api.base_url,
        max_retries=max_retries,
        timeout=timeout or anthropic.Timeout(5.0, connect=2.0),
    )


async def stream_text(client: anthropic.AsyncAnthropic, **extra: Any) -> list[str]:
    """The text deltas of one streamed request, as Forge reads them."""
    pieces: list[str] = []
    async with client.messages.stream(
        model=MODEL, max_tokens=1000, messages=extra.pop("messages", USER), **extra
    ) as stream:
        async for text in stream.text_stream:
            pieces.append(text)
    return pieces


async def test_streamed_text_arrives_in_deltas_with_final_usage(api: FakeMessagesAPI) -> None:
    answer = "Answer first: no, it retries a non-idempotent POST."
    api.script(Reply(text=answer, chunks=4, output_tokens=42))
    client = client_for(api)
    async with client, client.messages.stream(model=MODEL, max_tokens=100, messages=USER) as stream:
        assert stream.response.headers["content-type"].startswith("text/event-stream")
        assert stream.response.headers["transfer-encoding"] == "chunked"
        assert stream.request_id is not None and stream.request_id.startswith("req_")
        pieces = [text async for text in stream.text_stream]
        final = await stream.get_final_message()
    assert len(pieces) == 4
    assert "".join(pieces) == answer
    assert final.content[0].type == "text" and final.content[0].text == answer
    assert final.stop_reason == "end_turn"
    assert final.model == MODEL
    assert final.usage.output_tokens == 42
    assert final.usage.input_tokens == estimate_tokens(QUESTION)
    [sent] = api.requests
    assert sent.path == "/v1/messages"
    assert sent.body["stream"] is True
    assert sent.body["messages"] == USER
    assert sent.headers["authorization"] == f"Bearer {KEY}"
    assert sent.outcome == "ok"
    assert api.completed_streams == 1


async def test_each_request_records_when_it_was_served_and_the_usage_it_got(
    api: FakeMessagesAPI,
) -> None:
    api.script(Reply(text="a b c", chunks=3), Reply(status=529))
    client = client_for(api)
    before = time.perf_counter()
    async with client:
        await stream_text(client)
        with pytest.raises(anthropic.APIStatusError):
            await stream_text(client)
    after = time.perf_counter()
    streamed, failed = api.requests
    for sent in (streamed, failed):
        assert sent.finished_at is not None and sent.serving_seconds is not None
        assert before <= sent.arrived_at <= sent.received_at <= sent.finished_at <= after
    assert streamed.finished_at is not None and streamed.finished_at <= failed.arrived_at
    assert streamed.usage is not None
    assert streamed.usage["input_tokens"] == estimate_tokens(QUESTION)
    assert streamed.usage["output_tokens"] == estimate_tokens("a b c")
    assert failed.usage is None


async def test_stream_events_come_in_the_real_order(api: FakeMessagesAPI) -> None:
    api.script(Reply(text="two words", chunks=2))
    client = client_for(api)
    async with client, client.messages.stream(model=MODEL, max_tokens=100, messages=USER) as stream:
        kinds = [event.type async for event in stream]
    # The SDK's helper adds a derived `text` event after each delta; the raw ones keep their order.
    raw = [kind for kind in kinds if kind != "text"]
    assert raw == [
        "message_start",
        "content_block_start",
        "content_block_delta",
        "content_block_delta",
        "content_block_stop",
        "message_delta",
        "message_stop",
    ]


async def test_non_streaming_create_and_count_tokens(api: FakeMessagesAPI) -> None:
    api.script(Reply(text="Short answer."))
    async with client_for(api) as client:
        message = await client.messages.create(model=MODEL, max_tokens=100, messages=USER)
        counted = await client.messages.count_tokens(model=MODEL, messages=USER)
    assert message.id.startswith("msg_")
    assert message.content[0].type == "text" and message.content[0].text == "Short answer."
    assert message.usage.output_tokens == estimate_tokens("Short answer.")
    assert counted.input_tokens == estimate_tokens(QUESTION)
    assert [r.path for r in api.requests] == ["/v1/messages", "/v1/messages/count_tokens"]
    assert "stream" not in api.requests[0].body


async def test_tool_use_input_is_streamed_as_json_deltas_and_parsed(api: FakeMessagesAPI) -> None:
    findings = {"findings": [{"title": "Retry without backoff", "line": 3, "quote": "while True:"}]}
    api.script(Reply(tool_name="report_findings", tool_input=findings, chunks=5))
    tools = [{"name": "report_findings", "input_schema": {"type": "object"}}]
    async with (
        client_for(api) as client,
        client.messages.stream(model=MODEL, max_tokens=1000, messages=USER, tools=tools) as stream,
    ):
        partials = [
            event.delta.partial_json
            async for event in stream
            if event.type == "content_block_delta" and event.delta.type == "input_json_delta"
        ]
        final = await stream.get_final_message()
    assert len(partials) == 6 and partials[0] == ""
    assert json.loads("".join(partials)) == findings
    [block] = final.content
    assert block.type == "tool_use"
    assert block.name == "report_findings" and block.id.startswith("toolu_")
    assert block.input == findings
    assert final.stop_reason == "tool_use"
    assert api.requests[0].body["tools"] == tools


async def test_max_tokens_stop_is_reported_and_long_answers_are_cut(api: FakeMessagesAPI) -> None:
    api.script(Reply(text="scripted cut", stop_reason="max_tokens"), Reply(text="x" * 40))
    async with client_for(api) as client:
        first = await client.messages.create(model=MODEL, max_tokens=100, messages=USER)
        second = await client.messages.create(model=MODEL, max_tokens=2, messages=USER)
    assert first.stop_reason == "max_tokens"
    assert second.stop_reason == "max_tokens"
    assert second.content[0].type == "text" and second.content[0].text == "x" * 8


async def test_rate_limit_is_retried_after_the_servers_wait(api: FakeMessagesAPI) -> None:
    api.script(Reply(status=429, retry_after=0.3), Reply(text="after the wait"))
    async with client_for(api, max_retries=1) as client:
        started = time.monotonic()
        pieces = await stream_text(client)
        waited = time.monotonic() - started
    assert "".join(pieces) == "after the wait"
    assert waited >= 0.3
    assert [r.outcome for r in api.requests] == ["status 429", "ok"]
    assert api.requests[1].headers["x-stainless-retry-count"] == "1"


@pytest.mark.parametrize(
    ("status", "error_class", "error_type"),
    [
        (429, anthropic.RateLimitError, "rate_limit_error"),
        (529, anthropic.OverloadedError, "overloaded_error"),
        (500, anthropic.InternalServerError, "api_error"),
        (401, anthropic.AuthenticationError, "authentication_error"),
        (400, anthropic.BadRequestError, "invalid_request_error"),
    ],
)
async def test_http_errors_surface_as_the_sdks_typed_errors(
    api: FakeMessagesAPI, status: int, error_class: type[Exception], error_type: str
) -> None:
    api.script(Reply(status=status, retry_after=7 if status == 429 else None))
    async with client_for(api) as client:
        with pytest.raises(anthropic.APIStatusError) as caught:
            await stream_text(client)
    error = caught.value
    assert type(error) is error_class
    assert error.status_code == status
    assert isinstance(error.body, dict) and error.body["error"]["type"] == error_type
    assert error.request_id is not None and error.request_id.startswith("req_")
    if status == 429:
        assert error.response.headers["retry-after"] == "7"
    assert len(api.requests) == 1


async def test_wrong_key_is_an_authentication_error() -> None:
    async with FakeMessagesAPI(api_key="the-right-key") as server:
        async with client_for(server) as client:  # sends KEY, not the right one
            with pytest.raises(anthropic.AuthenticationError):
                await client.messages.create(model=MODEL, max_tokens=10, messages=USER)
        right = anthropic.AsyncAnthropic(
            api_key="the-right-key", base_url=server.base_url, max_retries=0
        )
        async with right:
            message = await right.messages.create(model=MODEL, max_tokens=10, messages=USER)
    assert message.content


async def test_connection_reset_is_a_connection_error_and_is_retried(api: FakeMessagesAPI) -> None:
    api.script(Reply(reset=True), Reply(reset=True), Reply(text="second try"))
    async with client_for(api) as client:
        with pytest.raises(anthropic.APIConnectionError) as caught:
            await stream_text(client)
    assert type(caught.value) is anthropic.APIConnectionError
    async with client_for(api, max_retries=1) as client:
        assert "".join(await stream_text(client)) == "second try"
    assert [r.outcome for r in api.requests] == ["reset", "reset", "ok"]


async def test_a_drop_mid_stream_fails_the_stream_and_is_never_retried(
    api: FakeMessagesAPI,
) -> None:
    api.script(Reply(text="0123456789" * 4, chunks=8, drop_after=6))
    received: list[str] = []
    async with client_for(api, max_retries=3) as client:
        # anthropic 2.16 raised httpx2.RemoteProtocolError here, 2.17 APIConnectionError.
        with pytest.raises(Exception):  # noqa: B017 - which one is the SDK's business
            async with client.messages.stream(model=MODEL, max_tokens=100, messages=USER) as s:
                async for text in s.text_stream:
                    received.append(text)
    # Never retried: what arrived is all there is.
    assert received == ["01234", "56789", "01234"]  # events 4-6 of 6 sent
    assert len(api.requests) == 1 and api.requests[0].outcome == "dropped"


async def test_drop_of_a_non_streamed_answer_is_a_connection_error(api: FakeMessagesAPI) -> None:
    api.script(Reply(text="half of this body is lost", drop_after=0))
    async with client_for(api) as client:
        with pytest.raises(anthropic.APIConnectionError) as caught:
            await client.messages.create(model=MODEL, max_tokens=100, messages=USER)
    # The SDK reads a JSON body inside its retry loop, so here the drop is wrapped and retryable.
    assert type(caught.value) is anthropic.APIConnectionError
    assert isinstance(caught.value.__cause__, httpx2.RemoteProtocolError)


async def test_slow_headers_past_the_read_timeout_is_an_api_timeout_error(
    api: FakeMessagesAPI,
) -> None:
    api.script(Reply(slow_headers=3.0))
    timeout = anthropic.Timeout(2.0, read=0.15)
    async with client_for(api, timeout=timeout) as client:
        with pytest.raises(anthropic.APITimeoutError) as caught:
            await stream_text(client)
    assert type(caught.value) is anthropic.APITimeoutError
    # The fake notices the hang-up while it waits, not when it would have answered.
    assert await api.wait_idle(0.5)
    assert api.requests[0].outcome == "cancelled"


async def test_a_slow_stream_past_the_read_timeout_fails_and_is_never_retried(
    api: FakeMessagesAPI,
) -> None:
    api.script(Reply(text="slow answer", chunks=3, slow_stream=1.0))
    timeout = anthropic.Timeout(2.0, read=0.15)
    async with client_for(api, timeout=timeout, max_retries=2) as client:
        with pytest.raises(Exception):  # noqa: B017 - a read timeout, in the SDK's own form
            await stream_text(client)
    assert len(api.requests) == 1


async def test_error_event_mid_stream_is_an_api_status_error_with_status_200(
    api: FakeMessagesAPI,
) -> None:
    api.script(Reply(text="partial answer", chunks=2, error_event=True, error_after=4))
    received: list[str] = []
    async with client_for(api, max_retries=2) as client:
        with pytest.raises(anthropic.APIStatusError) as caught:
            async with client.messages.stream(model=MODEL, max_tokens=100, messages=USER) as s:
                async for text in s.text_stream:
                    received.append(text)
    error = caught.value
    assert type(error) is anthropic.APIStatusError
    assert error.status_code == 200
    assert isinstance(error.body, dict) and error.body["error"]["type"] == "overloaded_error"
    assert received == ["partial"]
    assert api.requests[0].outcome == "error event"


async def test_cached_system_prompt_is_written_then_read(api: FakeMessagesAPI) -> None:
    persona = "You are Forge, a principal backend engineer. " * 120  # past the 1,024 minimum
    system = [{"type": "text", "text": persona, "cache_control": {"type": "ephemeral"}}]
    async with client_for(api) as client:
        usages = []
        for _ in range(2):
            async with client.messages.stream(
                model=MODEL, max_tokens=100, system=system, messages=USER
            ) as stream:
                usages.append((await stream.get_final_message()).usage)
        plain = await client.messages.create(
            model=MODEL, max_tokens=100, system=persona, messages=USER
        )
    first, second = usages
    assert first.cache_creation_input_tokens == estimate_tokens(persona)
    assert first.cache_read_input_tokens == 0
    assert second.cache_creation_input_tokens == 0
    assert second.cache_read_input_tokens == estimate_tokens(persona)
    assert second.input_tokens == estimate_tokens(persona + QUESTION) - estimate_tokens(persona)
    # No cache_control, no caching: everything is ordinary input.
    assert plain.usage.cache_creation_input_tokens == 0
    assert plain.usage.cache_read_input_tokens == 0
    assert plain.usage.input_tokens == estimate_tokens(persona + QUESTION)


async def test_cancelling_the_stream_task_closes_the_connection(api: FakeMessagesAPI) -> None:
    api.script(Reply(text="word " * 100, chunks=100, slow_stream=0.02))
    first_text = asyncio.Event()

    async def ask(client: anthropic.AsyncAnthropic) -> None:
        async with client.messages.stream(model=MODEL, max_tokens=1000, messages=USER) as stream:
            async for _ in stream.text_stream:
                first_text.set()

    async with client_for(api) as client:
        task = asyncio.create_task(ask(client))
        await asyncio.wait_for(first_text.wait(), 2)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert await api.wait_idle(1.0)
    assert api.cancelled_streams == 1
    assert api.completed_streams == 0
    assert api.requests[0].outcome == "cancelled"
    assert api.requests[0].events_sent < 20


async def test_a_hang_up_between_slow_events_is_noticed_at_once(api: FakeMessagesAPI) -> None:
    api.script(Reply(text="never sent", slow_stream=3.0))

    async def ask(client: anthropic.AsyncAnthropic) -> None:
        async with client.messages.stream(model=MODEL, max_tokens=1000, messages=USER) as stream:
            async for _ in stream:
                pass

    async with client_for(api) as client:
        task = asyncio.create_task(ask(client))
        while not (api.requests and api.requests[0].events_sent):
            await asyncio.sleep(0.005)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert await api.wait_idle(0.5)
    assert api.cancelled_streams == 1
    assert api.requests[0].events_sent == 1


async def test_keep_alive_reuses_one_connection(api: FakeMessagesAPI) -> None:
    async with client_for(api) as client:
        for _ in range(3):
            await stream_text(client)
            await client.messages.create(model=MODEL, max_tokens=10, messages=USER)
        assert api.open_connections == 1
    assert await api.wait_idle()
    assert api.connections_accepted == 1
    assert len(api.requests) == 6


def test_synchronous_client_against_the_server_in_a_thread() -> None:
    with FakeMessagesAPI([Reply(text="from a thread", chunks=2)]) as server:
        client = anthropic.Anthropic(api_key=KEY, base_url=server.base_url, max_retries=0)
        with client, client.messages.stream(model=MODEL, max_tokens=10, messages=USER) as stream:
            text = stream.get_final_text()
        assert server.wait_idle_blocking()
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(f"{server.base_url}/v1/models", timeout=2)
    assert text == "from a thread"
    assert caught.value.code == 404
    assert json.loads(caught.value.read())["error"]["type"] == "not_found_error"


def test_standalone_server_answers_from_its_script_then_the_answer_file(tmp_path: Path) -> None:
    script = tmp_path / "script.json"
    script.write_text(json.dumps([{"text": "scripted", "chunks": 2}, {"status": 529}]))
    answer = tmp_path / "answer.md"
    answer.write_text("### Answer\nFrom the answer file.\n")
    record = tmp_path / "requests.jsonl"
    command = [sys.executable, str(FAKE_SCRIPT), "--port", "0", "--script", str(script)]
    command += ["--answer-file", str(answer), "--record", str(record)]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as process:
        try:
            assert process.stdout is not None
            line = process.stdout.readline().strip()
            assert line.startswith("listening on http://127.0.0.1:")
            client = anthropic.Anthropic(
                api_key=KEY, base_url=line.removeprefix("listening on "), max_retries=0
            )
            with client:
                first = client.messages.create(model=MODEL, max_tokens=10, messages=USER)
                with pytest.raises(anthropic.OverloadedError):
                    client.messages.create(model=MODEL, max_tokens=10, messages=USER)
                with client.messages.stream(model=MODEL, max_tokens=100, messages=USER) as stream:
                    default = stream.get_final_text()
        finally:
            process.terminate()
        assert process.wait(5) == 0
    assert first.content[0].type == "text" and first.content[0].text == "scripted"
    assert default == answer.read_text()
    recorded = [json.loads(line) for line in record.read_text().splitlines()]
    assert len(recorded) == 3
    assert all(entry["body"]["messages"] == USER for entry in recorded)


def test_script_entries_with_unknown_fields_are_refused() -> None:
    with pytest.raises(ValueError, match="statuss"):
        Reply.from_dict({"statuss": 429})


async def test_respond_picks_replies_by_request_for_concurrent_clients(
    api: FakeMessagesAPI,
) -> None:
    def by_document(request: RecordedRequest) -> Reply | None:
        content = request.body["messages"][0]["content"]
        return Reply(text=f"review of {content}") if content.startswith("doc") else None

    api.respond = by_document
    api.script(Reply(text="from the queue"))
    async with client_for(api) as client:
        answers = await asyncio.gather(
            *(
                stream_text(client, messages=[{"role": "user", "content": f"doc{n}"}])
                for n in range(5)
            )
        )
        queued = await stream_text(client, messages=[{"role": "user", "content": "other"}])
    assert ["".join(a) for a in answers] == [f"review of doc{n}" for n in range(5)]
    assert "".join(queued) == "from the queue"
    assert await api.wait_idle()


async def test_saw_finds_what_was_sent_however_it_was_escaped(api: FakeMessagesAPI) -> None:
    planted = 'AKIA"EXAMPLE\\é'
    async with client_for(api) as client:
        await client.messages.create(
            model=MODEL, max_tokens=10, messages=[{"role": "user", "content": f"key={planted}"}]
        )
    assert planted not in api.requests[0].text  # escaped on the wire
    assert api.saw(planted)
    assert api.saw(KEY)  # the authorization header
    assert not api.saw("AKIAOTHER")


async def test_prefixes_shorter_than_the_minimum_are_not_cached() -> None:
    system = [{"type": "text", "text": "short persona", "cache_control": {"type": "ephemeral"}}]
    async with FakeMessagesAPI(min_cache_tokens=1024) as server, client_for(server) as client:
        for _ in range(2):
            message = await client.messages.create(
                model=MODEL, max_tokens=10, system=system, messages=USER
            )
            assert message.usage.cache_creation_input_tokens == 0
            assert message.usage.cache_read_input_tokens == 0


async def test_a_broken_respond_hook_is_reported_not_hidden(api: FakeMessagesAPI) -> None:
    def broken(request: RecordedRequest) -> Reply | None:
        raise KeyError("no such document")

    api.respond = broken
    async with client_for(api) as client:
        with pytest.raises(anthropic.APIConnectionError):
            await client.messages.create(model=MODEL, max_tokens=10, messages=USER)
    assert [type(error) for error in api.internal_errors] == [KeyError]
    assert await api.wait_idle()
    api.internal_errors.clear()  # seen: the fixture's own check is for unexpected ones


# --- the models it serves --------------------------------------------------------------------

CURRENT_MODEL = "claude-sonnet-5-5"


async def test_an_unknown_model_is_a_404(api: FakeMessagesAPI) -> None:
    async with client_for(api) as client:
        with pytest.raises(anthropic.NotFoundError) as caught:
            await client.messages.create(model="claude-nope-1", max_tokens=10, messages=USER)
    assert caught.value.body["error"] == {
        "type": "not_found_error",
        "message": "model: claude-nope-1",
    }


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (
            {
                "tools": [{"name": "t", "input_schema": {"type": "object"}}],
                "tool_choice": {"type": "tool", "name": "t"},
            },
            'tool_choice: type "tool" and "any" are not supported for this model.',
        ),
        ({"thinking": {"type": "disabled"}}, 'send "thinking": {"type": "between_tools"}'),
        (
            {"thinking": {"type": "enabled", "budget_tokens": 2048}},
            '"thinking.type.enabled" is not supported for this model.',
        ),
        # The SDK's 2026-10-21 API version has no sampling parameters: sent raw.
        ({"extra_body": {"temperature": 0.2}}, "temperature: Extra inputs are not permitted"),
        (
            {"messages": [*USER, {"role": "assistant", "content": "{"}]},
            "does not support assistant message prefill",
        ),
        ({"output_config": {"effort": "extreme"}}, "output_config.effort"),
        (
            {"output_config": {"format": {"type": "json_schema", "schema": {"type": "object"}}}},
            "'additionalProperties' must be explicitly set to false",
        ),
        (
            {
                "output_config": {
                    "format": {
                        "type": "json_schema",
                        "schema": {
                            "type": "object",
                            "additionalProperties": False,
                            "properties": {"n": {"type": "number", "minimum": 0}},
                        },
                    }
                }
            },
            "the 'minimum' keyword is not supported",
        ),
    ],
)
async def test_a_current_model_refuses_what_its_documentation_says(
    api: FakeMessagesAPI, extra: dict[str, Any], words: str
) -> None:
    body: dict[str, Any] = {"model": CURRENT_MODEL, "max_tokens": 100, "messages": USER, **extra}
    async with client_for(api) as client:
        with pytest.raises(anthropic.BadRequestError) as caught:
            await client.messages.create(**body)
    error = caught.value.body["error"]
    assert error["type"] == "invalid_request_error" and words in error["message"]


async def test_a_legacy_model_takes_a_forced_tool(api: FakeMessagesAPI) -> None:
    api.script(Reply(structured={"findings": []}))
    tools = [{"name": "report_findings", "input_schema": {"type": "object"}}]
    async with client_for(api) as client:
        message = await client.messages.create(
            model="claude-sonnet-5",
            max_tokens=100,
            messages=USER,
            tools=tools,
            tool_choice={"type": "tool", "name": "report_findings"},
        )
    [block] = message.content
    assert block.type == "tool_use" and block.input == {"findings": []}


async def test_a_current_model_thinks_first_then_answers_in_structured_json(
    api: FakeMessagesAPI,
) -> None:
    data = {"findings": [{"title": "no timeout"}]}
    api.script(Reply(structured=data, chunks=3))
    schema = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "findings": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {"title": {"type": "string"}},
                },
            }
        },
    }
    output_config = {"format": {"type": "json_schema", "schema": schema}, "effort": "low"}
    async with (
        client_for(api) as client,
        client.messages.stream(
            model=CURRENT_MODEL, max_tokens=1000, messages=USER, output_config=output_config
        ) as stream,
    ):
        kinds = [event.type async for event in stream]
        final = await stream.get_final_message()
    assert kinds[:4] == ["message_start", "content_block_start", "content_block_delta", "signature"]
    thinking, text = final.content
    assert thinking.type == "thinking" and thinking.thinking == "" and thinking.signature
    assert text.type == "text" and json.loads(text.text) == data
    assert final.usage.output_tokens > estimate_tokens(text.text)  # thinking is billed output


async def test_each_model_caches_from_its_own_minimum(api: FakeMessagesAPI) -> None:
    persona = "x" * 4 * 800  # 800 tokens: over the current models' 512, under Sonnet 5's 1,024
    system = [{"type": "text", "text": persona, "cache_control": {"type": "ephemeral"}}]
    async with client_for(api) as client:
        current = await client.messages.create(
            model=CURRENT_MODEL, max_tokens=100, system=system, messages=USER
        )
        legacy = await client.messages.create(
            model="claude-sonnet-5", max_tokens=100, system=system, messages=USER
        )
    assert current.usage.cache_creation_input_tokens == 800
    assert legacy.usage.cache_creation_input_tokens == 0


async def test_count_tokens_knows_the_models_and_can_leave_the_count_out() -> None:
    async with FakeMessagesAPI(count_tokens_body={}) as server, client_for(server) as client:
        counted = await client.messages.count_tokens(model=CURRENT_MODEL, messages=USER)
        with pytest.raises(anthropic.NotFoundError):
            await client.messages.count_tokens(model="claude-nope-1", messages=USER)
    assert getattr(counted, "input_tokens", None) is None
