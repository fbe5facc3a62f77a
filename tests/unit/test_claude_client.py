"""The Claude client against the project's fake Messages API, through the real SDK."""

from __future__ import annotations

import asyncio
import time

import pytest

from forge_lsp.ai.client import ClaudeClient, Request
from forge_lsp.ai.failures import ClaudeFailure
from forge_lsp.ai.request_shape import shape
from forge_lsp.ai.review import REVIEW_SCHEMA, REVIEW_TOOL
from forge_lsp.config.claude import ClaudeSettings
from tests.support.fake_messages_api import FakeMessagesAPI, Reply
from tests.support.models import DEFAULT, LEGACY_TOOL_MODEL, WITH_LEGACY

KEY = "sk-ant-test-key"


def _client(api: FakeMessagesAPI, **overrides: object) -> ClaudeClient:
    fields: dict[str, object] = {"stall_seconds": 2.0, "max_retries": 0, **overrides}
    settings = ClaudeSettings(api_key=KEY, base_url=api.base_url, **fields)  # type: ignore[arg-type]
    return ClaudeClient(settings, {})


def _request(task: str = "ask", model: str = DEFAULT) -> Request:
    return Request(task, model, "You are Forge.", "Why is this slow?", 512)


def _review(model: str) -> Request:
    """A review request shaped for `model`, as Forge sends it."""
    shaped = shape("review", model, 4096, "medium")
    return Request(
        "review",
        model,
        "s",
        "u",
        shaped.max_tokens,
        shaped.tools,
        shaped.tool_choice,
        shaped.output_format,
        shaped.effort,
    )


async def test_streams_text_as_it_arrives_and_reports_usage(claude_model: str) -> None:
    async with FakeMessagesAPI([Reply(text="Connection pool exhaustion.", chunks=4)]) as api:
        client = _client(api)
        pieces: list[str] = []
        completion = await client.stream(_request(model=claude_model), pieces.append)
        await client.close()
    assert len(pieces) == 4 and "".join(pieces) == "Connection pool exhaustion."
    assert completion.text == "Connection pool exhaustion."
    assert completion.usage.output_tokens > 0 and completion.stop_reason == "end_turn"
    [sent] = api.message_requests
    assert sent.body["system"][0]["cache_control"] == {"type": "ephemeral"}
    assert KEY in sent.headers.get("x-api-key", sent.headers.get("authorization", ""))


async def test_thinking_is_announced_and_its_blocks_are_not_text(claude_model: str) -> None:
    async with FakeMessagesAPI([Reply(text="The pool is exhausted.", chunks=3)]) as api:
        client = _client(api)
        thoughts: list[None] = []
        pieces: list[str] = []
        completion = await client.stream(
            _request(model=claude_model), pieces.append, lambda: thoughts.append(None)
        )
        await client.close()
    assert "".join(pieces) == completion.text == "The pool is exhausted."
    assert thoughts == [None]  # every current model thinks first, by default


async def test_the_system_prompt_is_read_from_the_cache_the_second_time() -> None:
    async with FakeMessagesAPI(default=Reply(text="ok"), min_cache_tokens=0) as api:
        client = _client(api)
        first = await client.stream(_request())
        second = await client.stream(_request())
        await client.close()
    assert first.usage.cache_creation_input_tokens > 0
    assert second.usage.cache_read_input_tokens == first.usage.cache_creation_input_tokens


async def test_a_prompt_below_the_models_minimum_is_not_cached() -> None:
    async with FakeMessagesAPI(default=Reply(text="ok")) as api:  # each model's own minimum
        client = _client(api)
        await client.stream(_request())
        second = await client.stream(_request())
        await client.close()
    assert second.usage.cache_read_input_tokens == 0
    assert second.usage.cache_creation_input_tokens == 0


@pytest.mark.parametrize("model", WITH_LEGACY)
async def test_a_reviews_findings_come_back_as_data_on_every_model(model: str) -> None:
    findings = {"findings": [{"title": "x"}]}
    async with FakeMessagesAPI([Reply(structured=findings)]) as api:
        client = _client(api)
        completion = await client.stream(_review(model))
        await client.close()
    assert completion.structured == findings
    [sent] = api.message_requests
    if model == LEGACY_TOOL_MODEL:  # it takes a forced tool call
        assert sent.body["tool_choice"] == {"type": "tool", "name": "report_findings"}
        assert "format" not in sent.body.get("output_config", {})
    else:  # the current models refuse one: structured outputs, the same schema
        assert "tool_choice" not in sent.body and "tools" not in sent.body
        assert sent.body["output_config"]["format"]["schema"] == REVIEW_SCHEMA
        assert sent.body["output_config"]["effort"] == "medium"


@pytest.mark.parametrize(
    ("reply", "kind", "says"),
    [
        (Reply(status=401), "auth", "rejected the API key"),
        (Reply(status=429, retry_after=30), "rate-limited", "in 30 s"),
        (Reply(status=529), "overloaded", "overloaded right now (529)"),
        (Reply(status=500), "server", "failed (500)"),
        (Reply(status=402), "billing", "credit balance is too low (402)"),
        (
            Reply(status=400, error_message="max_tokens too large"),
            "bad-request",
            "max_tokens too large",
        ),
        (Reply(reset=True), "network", "could not reach Claude"),
        (Reply(slow_headers=3.0, text="late"), "stalled", "sent nothing for 1 s"),
    ],
)
async def test_each_failure_becomes_one_actionable_message(
    reply: Reply, kind: str, says: str
) -> None:
    async with FakeMessagesAPI([reply]) as api:
        client = _client(api, stall_seconds=1.0)
        with pytest.raises(ClaudeFailure) as caught:
            await client.stream(_request())
        await client.close()
    assert caught.value.kind == kind
    assert says in caught.value.message
    assert "attempts" not in caught.value.message  # nothing was retried: it does not say so
    assert KEY not in caught.value.message


async def test_a_retried_failure_says_how_many_attempts_it_took() -> None:
    async with FakeMessagesAPI([Reply(status=529, retry_after=0)] * 3) as api:
        client = _client(api, max_retries=2)
        with pytest.raises(ClaudeFailure) as caught:
            await client.stream(_request())
        await client.close()
    assert len(api.message_requests) == 3
    assert "overloaded right now (529, after 3 attempts)" in caught.value.message


@pytest.mark.parametrize(
    ("reply", "kind", "says"),
    [
        (
            Reply(text="one two three four five six", chunks=6, drop_after=7, slow_stream=0.05),
            "cut-off",
            "connection to Claude dropped in the middle of the ask after",
        ),
        (
            Reply(
                text="one two three four five six",
                chunks=6,
                error_event=True,
                error_after=8,
                slow_stream=0.05,
            ),
            "overloaded",
            "ended the ask midway with an overloaded_error after",
        ),
        (
            Reply(
                text="one two three four five six",
                chunks=6,
                error_event="api_error",
                error_after=8,
                slow_stream=0.05,
            ),
            "stream-error",
            "ended the ask midway with an error (api_error: Internal server error) after",
        ),
    ],
)
async def test_a_stream_cut_off_midway_keeps_what_arrived(
    reply: Reply, kind: str, says: str, claude_model: str
) -> None:
    async with FakeMessagesAPI([reply]) as api:
        client = _client(api)
        pieces: list[str] = []
        with pytest.raises(ClaudeFailure) as caught:
            await client.stream(_request(model=claude_model), pieces.append)
        await client.close()
    assert caught.value.kind == kind
    assert caught.value.partial_text == "".join(pieces)
    assert pieces and says in caught.value.message
    assert "what arrived is kept" in caught.value.message
    assert "could not reach" not in caught.value.message  # one accurate statement
    assert "(529)" not in caught.value.message and "retr" not in caught.value.message


@pytest.mark.parametrize("fault", [{"drop_after": 6}, {"error_event": True, "error_after": 6}])
async def test_a_review_cut_off_midway_says_so_and_keeps_no_half_json(
    fault: dict[str, object], claude_model: str
) -> None:
    findings = {"findings": [{"title": "a finding with a long enough title to stream"}]}
    async with FakeMessagesAPI([Reply(structured=findings, chunks=8, **fault)]) as api:
        client = _client(api)
        with pytest.raises(ClaudeFailure) as caught:
            await client.stream(_review(claude_model))
        await client.close()
    assert "midway" in caught.value.message or "middle of the review" in caught.value.message
    assert caught.value.partial_text == ""


async def test_a_stalled_stream_stops_after_the_stall_timeout() -> None:
    reply = Reply(text="one two", chunks=2, slow_stream=5.0)
    async with FakeMessagesAPI([reply]) as api:
        client = _client(api, stall_seconds=1.0)
        started = time.monotonic()
        with pytest.raises(ClaudeFailure) as caught:
            await client.stream(_request())
        elapsed = time.monotonic() - started
        await client.close()
    assert caught.value.kind == "stalled"
    assert "sent nothing for 1 s" in caught.value.message
    assert "`forge.claude.stallSeconds`" in caught.value.message
    assert elapsed < 4.0  # the stall, not the fake's five seconds, ended it
    assert await api.wait_idle(2.0)


async def test_a_steady_but_long_answer_stops_at_the_deadline() -> None:
    reply = Reply(text="word " * 100, chunks=100, slow_stream=0.1)  # 10 s, never stalling
    async with FakeMessagesAPI([reply]) as api:
        client = _client(api, stall_seconds=1.0, deadline_seconds=1.5)
        pieces: list[str] = []
        with pytest.raises(ClaudeFailure) as caught:
            await client.stream(_request(), pieces.append)
        await client.close()
    assert caught.value.kind == "deadline"
    assert "limit of 1.5 s" in caught.value.message
    assert "`forge.claude.deadlineSeconds`" in caught.value.message
    assert pieces and caught.value.partial_text == "".join(pieces)


@pytest.mark.parametrize("model", WITH_LEGACY)
async def test_what_a_model_refuses_is_a_400_from_the_fake(model: str) -> None:
    """The fake refuses what each model refuses, so a request Forge shapes wrongly fails."""
    forced = Request("review", model, "s", "u", 512, (REVIEW_TOOL,), {"type": "tool", "name": "x"})
    async with FakeMessagesAPI(default=Reply(structured={"findings": []})) as api:
        client = _client(api)
        if model == LEGACY_TOOL_MODEL:
            await client.stream(forced)
        else:
            with pytest.raises(ClaudeFailure) as caught:
                await client.stream(forced)
            assert caught.value.kind == "bad-request"
            assert 'type "tool" and "any" are not supported' in caught.value.message
        await client.close()


async def test_cancelling_closes_the_connection_at_the_api() -> None:
    async with FakeMessagesAPI([Reply(text="word " * 40, chunks=40, slow_stream=0.05)]) as api:
        client = _client(api)
        started = asyncio.Event()
        task = asyncio.ensure_future(client.stream(_request(), lambda _: started.set()))
        await asyncio.wait_for(started.wait(), 5)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert await api.wait_idle(2.0)
        assert api.cancelled_streams == 1 and api.open_connections == 0
        await client.close()


async def test_without_a_key_the_client_explains_how_to_set_one() -> None:
    client = ClaudeClient(ClaudeSettings(), {})
    with pytest.raises(ClaudeFailure) as caught:
        await client.stream(_request())
    assert caught.value.kind == "no-key" and "ANTHROPIC_API_KEY" in caught.value.message


async def test_extra_headers_from_the_settings_are_sent() -> None:
    async with FakeMessagesAPI([Reply(text="ok")]) as api:
        client = _client(api, headers={"X-Gateway-Team": "payments"})
        await client.stream(_request())
        await client.close()
    assert api.message_requests[0].headers["x-gateway-team"] == "payments"


async def test_anthropic_base_url_from_the_environment_is_honoured(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with FakeMessagesAPI([Reply(text="through the environment")]) as api:
        monkeypatch.setenv("ANTHROPIC_BASE_URL", api.base_url)
        client = ClaudeClient(ClaudeSettings(max_retries=0), {"ANTHROPIC_API_KEY": KEY})
        completion = await client.stream(_request())
        await client.close()
    assert completion.text == "through the environment"


def test_bedrock_and_vertex_use_the_sdks_own_clients() -> None:
    import anthropic

    from forge_lsp.ai.client import build_sdk_client

    bedrock = build_sdk_client(
        ClaudeSettings(backend="bedrock", aws_region="eu-west-1", max_retries=1), {}
    )
    assert isinstance(bedrock, anthropic.AsyncAnthropicBedrock)
    assert "bedrock-runtime.eu-west-1.amazonaws.com" in str(bedrock.base_url)
    assert bedrock.max_retries == 1
    vertex = build_sdk_client(
        ClaudeSettings(backend="vertex", vertex_project="acme", vertex_region="europe-west1"), {}
    )
    assert isinstance(vertex, anthropic.AsyncAnthropicVertex)
    assert "europe-west1-aiplatform.googleapis.com" in str(vertex.base_url)
    assert vertex.project_id == "acme"
    direct = build_sdk_client(ClaudeSettings(stall_seconds=42.0), {"ANTHROPIC_API_KEY": KEY})
    assert isinstance(direct, anthropic.AsyncAnthropic)
    # The SDK's read timeout is a backstop behind Forge's own stall watchdog.
    assert direct.timeout.read == 47.0 and direct.timeout.connect == 10.0


def test_claude_is_on_with_a_key_or_a_cloud_backend_unless_turned_off() -> None:
    assert not ClaudeSettings().is_on({})
    assert ClaudeSettings().is_on({"ANTHROPIC_API_KEY": KEY})
    assert ClaudeSettings(api_key=KEY).is_on({})
    assert ClaudeSettings(backend="bedrock").is_on({})
    assert not ClaudeSettings(enabled=False, api_key=KEY).is_on({"ANTHROPIC_API_KEY": KEY})
    assert KEY not in repr(ClaudeSettings(api_key=KEY))
