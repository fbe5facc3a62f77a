"""The Claude client against the project's fake Messages API, through the real SDK."""

from __future__ import annotations

import asyncio

import pytest

from forge_lsp.ai.client import ClaudeClient, Request
from forge_lsp.ai.failures import ClaudeFailure
from forge_lsp.ai.settings import ClaudeSettings
from tests.support.fake_messages_api import FakeMessagesAPI, Reply

KEY = "sk-ant-test-key"


def _client(api: FakeMessagesAPI, **overrides: object) -> ClaudeClient:
    fields: dict[str, object] = {"timeout_seconds": 2.0, "max_retries": 0, **overrides}
    settings = ClaudeSettings(api_key=KEY, base_url=api.base_url, **fields)  # type: ignore[arg-type]
    return ClaudeClient(settings, {})


def _request(task: str = "ask") -> Request:
    return Request(task, "claude-sonnet-5", "You are Forge.", "Why is this slow?", 512)


async def test_streams_text_as_it_arrives_and_reports_usage() -> None:
    async with FakeMessagesAPI([Reply(text="Connection pool exhaustion.", chunks=4)]) as api:
        client = _client(api)
        pieces: list[str] = []
        completion = await client.stream(_request(), pieces.append)
        await client.close()
    assert len(pieces) == 4 and "".join(pieces) == "Connection pool exhaustion."
    assert completion.text == "Connection pool exhaustion."
    assert completion.usage.output_tokens > 0 and completion.stop_reason == "end_turn"
    [sent] = api.message_requests
    assert sent.body["system"][0]["cache_control"] == {"type": "ephemeral"}
    assert KEY in sent.headers.get("x-api-key", sent.headers.get("authorization", ""))


async def test_the_system_prompt_is_read_from_the_cache_the_second_time() -> None:
    async with FakeMessagesAPI(default=Reply(text="ok")) as api:
        client = _client(api)
        first = await client.stream(_request())
        second = await client.stream(_request())
        await client.close()
    assert first.usage.cache_creation_input_tokens > 0
    assert second.usage.cache_read_input_tokens == first.usage.cache_creation_input_tokens


async def test_the_forced_tool_input_comes_back_parsed() -> None:
    findings = {"findings": [{"title": "x"}]}
    async with FakeMessagesAPI([Reply(tool_name="report_findings", tool_input=findings)]) as api:
        client = _client(api)
        tool = {"name": "report_findings", "description": "d", "input_schema": {"type": "object"}}
        request = Request(
            "review",
            "claude-sonnet-5",
            "s",
            "u",
            512,
            (tool,),
            {"type": "tool", "name": "report_findings"},
        )
        completion = await client.stream(request)
        await client.close()
    assert completion.tool_input == findings and completion.stop_reason == "tool_use"


@pytest.mark.parametrize(
    ("reply", "kind", "says"),
    [
        (Reply(status=401), "auth", "rejected the API key"),
        (Reply(status=429, retry_after=30), "rate-limited", "in 30 s"),
        (Reply(status=529), "overloaded", "overloaded"),
        (Reply(status=500), "server", "failed (500)"),
        (Reply(status=402), "billing", "credit balance is too low (402)"),
        (
            Reply(status=400, error_message="max_tokens too large"),
            "bad-request",
            "max_tokens too large",
        ),
        (Reply(reset=True), "network", "could not reach Claude"),
        (Reply(slow_headers=3.0, text="late"), "timeout", "did not answer in time"),
    ],
)
async def test_each_failure_becomes_one_actionable_message(
    reply: Reply, kind: str, says: str
) -> None:
    async with FakeMessagesAPI([reply]) as api:
        client = _client(api)
        with pytest.raises(ClaudeFailure) as caught:
            await client.stream(_request())
        await client.close()
    assert caught.value.kind == kind
    assert says in caught.value.message
    assert KEY not in caught.value.message


@pytest.mark.parametrize(
    ("reply", "kind"),
    [
        (
            Reply(text="one two three four five six", chunks=6, drop_after=5, slow_stream=0.05),
            "cut-off",
        ),
        (
            Reply(
                text="one two three four five six",
                chunks=6,
                error_event=True,
                error_after=6,
                slow_stream=0.05,
            ),
            "overloaded",
        ),
    ],
)
async def test_a_stream_cut_off_midway_keeps_what_arrived(reply: Reply, kind: str) -> None:
    async with FakeMessagesAPI([reply]) as api:
        client = _client(api)
        pieces: list[str] = []
        with pytest.raises(ClaudeFailure) as caught:
            await client.stream(_request(), pieces.append)
        await client.close()
    assert caught.value.kind == kind
    assert caught.value.partial_text == "".join(pieces)
    assert pieces and "cut off" in caught.value.message


async def test_a_stalled_stream_times_out_with_a_message() -> None:
    async with FakeMessagesAPI([Reply(text="one two", chunks=2, slow_stream=0.8)]) as api:
        client = _client(api, timeout_seconds=0.5)
        with pytest.raises(ClaudeFailure) as caught:
            await client.stream(_request())
        await client.close()
    assert caught.value.kind == "timeout"
    assert "timeoutSeconds" in caught.value.message


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
    direct = build_sdk_client(ClaudeSettings(timeout_seconds=42.0), {"ANTHROPIC_API_KEY": KEY})
    assert isinstance(direct, anthropic.AsyncAnthropic)
    assert direct.timeout.read == 42.0 and direct.timeout.connect == 10.0


def test_claude_is_on_with_a_key_or_a_cloud_backend_unless_turned_off() -> None:
    assert not ClaudeSettings().is_on({})
    assert ClaudeSettings().is_on({"ANTHROPIC_API_KEY": KEY})
    assert ClaudeSettings(api_key=KEY).is_on({})
    assert ClaudeSettings(backend="bedrock").is_on({})
    assert not ClaudeSettings(enabled=False, api_key=KEY).is_on({"ANTHROPIC_API_KEY": KEY})
    assert KEY not in repr(ClaudeSettings(api_key=KEY))
