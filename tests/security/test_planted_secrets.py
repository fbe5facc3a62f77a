"""Planted secrets never reach the Messages API, whatever path the code takes to it.

The corpus (`corpus.py`: every format FG202 knows and generic secrets, in every one of Forge's
languages, above, inside and below a function) goes through `forge.ask`, `forge.review`,
`forge.explain`, explain-on-hover and `forge.previewPayload` in the editor, and through
`forge-lsp ask` and `forge-lsp check --ai` on the command line. Asserted on every byte the fake
Messages API received (request bodies, raw and decoded, and headers): no secret, not even a
piece of 8 characters of one, and every secret's typed placeholder in its place. The preview
document, which is what would be sent, is held to the same.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from pygls.uris import to_fs_path

from tests.security import corpus
from tests.security.support import KEY
from tests.security.wire import WireClient, at, base_env, request_strings, whole_lines
from tests.support.fake_messages_api import (
    FakeMessagesAPI,
    RecordedRequest,
    Reply,
    asks_for_data,
)

FILES = corpus.every_file()
ALL_SECRETS = [secret for file in FILES for secret in file.secrets]
ANSWER = "It reads settings.\n\n---\n\n### Details\n\nNothing more.\n"


def _reply(request: RecordedRequest) -> Reply:
    """A review gets its (empty) findings as data; anything else a short answer."""
    if asks_for_data(request):
        return Reply(structured={"findings": []})
    return Reply(text=ANSWER)


@pytest_asyncio.fixture
async def api() -> AsyncIterator[FakeMessagesAPI]:
    async with FakeMessagesAPI(respond=_reply) as fake:
        yield fake


def _sent(requests: list[RecordedRequest]) -> str:
    """Every byte that reached the fake: raw bodies, decoded strings and headers."""
    parts: list[str] = []
    for request in requests:
        parts.append(request.text)
        parts += request_strings(request.body)
        parts += [f"{name}: {value}" for name, value in request.headers.items()]
    return "\n\x00".join(parts)


def _assert_clean(where: str, sent: str, file: corpus.SourceFile | None = None) -> None:
    windows = {sent[i : i + corpus.WINDOW] for i in range(len(sent) - corpus.WINDOW + 1)}
    leaked = [
        f"{secret.kind}: {piece}"
        for secret in ALL_SECRETS
        for piece in corpus.pieces(secret.value)
        if (piece in windows if len(piece) == corpus.WINDOW else piece in sent)
    ]
    assert not leaked, f"{where} received secrets: {leaked[:5]}"
    if file is not None:
        missing = [kind for kind in sorted(file.kinds) if f"<redacted:{kind}>" not in sent]
        assert not missing, f"{where}: no placeholder for {missing}"


def test_the_corpus_plants_every_format_in_every_language() -> None:
    assert corpus.format_ids() <= corpus.covered_formats()
    assert {file.language for file in FILES} == set(corpus.LANGUAGES)
    for file in FILES:
        lines = file.text.split("\n")
        above = "\n".join(lines[: file.function_start])
        below = "\n".join(lines[file.function_end + 1 :])
        inside = "\n".join(lines[file.function_start : file.function_end + 1])
        for part in (above, inside, below):  # secrets in the context, not only the selection
            assert corpus.leaks(part, file.secrets), file.language
        for secret in file.secrets:
            assert corpus.leaks(file.text, [secret]), (file.language, secret.kind)


async def test_no_secret_reaches_claude_through_any_editor_task(
    tmp_path: Path, api: FakeMessagesAPI, claude_model: str
) -> None:
    env = base_env(tmp_path, ANTHROPIC_API_KEY=KEY)
    claude = {
        "model": claude_model,
        "explainModel": claude_model,
        "baseUrl": api.base_url,
        "maxRetries": 0,
        "explainOnHover": True,
        "contextLines": 200,  # the whole of each file goes, as selection or as context
    }
    async with WireClient(env, tmp_path / "server.log") as client:
        client.settings = {"claude": claude}
        await client.initialize(tmp_path, {"claude": claude})
        for file in FILES:
            uri = client.open(tmp_path / file.name, file.text, file.language_id)
            await client.diagnostics(uri)
            function = whole_lines(file.function_start, file.function_end)
            last = len(file.text.split("\n")) - 1
            first = len(api.requests)
            hover = await client.request(
                "textDocument/hover",
                {"textDocument": {"uri": uri}, "position": at(file.plain_line, 4)},
            )
            assert hover is not None, f"explain on hover in {file.language}"
            tasks: list[tuple[str, list[Any]]] = [
                ("forge.ask", [uri, function, "What does this read?"]),
                ("forge.review", [uri, whole_lines(0, last - 1)]),
                ("forge.explain", [uri, {"start": at(0), "end": at(last)}]),
            ]
            for command, arguments in tasks:
                result = await client.execute(command, *arguments)
                assert result["status"] == "done", (file.language, command, result)
            requests = api.requests[first:]
            assert len(requests) == 4, (file.language, len(requests))  # hover + 3 tasks
            _assert_clean(f"the fake Messages API ({file.language})", _sent(requests), file)
            for task in ("ask", "review", "explain"):
                preview = await client.execute("forge.previewPayload", uri, function, task)
                text = Path(to_fs_path(preview["document"]) or "").read_text(encoding="utf-8")
                _assert_clean(f"the {task} preview ({file.language})", text, file)
            assert len(api.requests) == first + 4  # a preview sends nothing
    _assert_clean("the fake Messages API", _sent(api.requests))


def _cli(tmp_path: Path, name: str, api: FakeMessagesAPI, *arguments: str) -> Any:
    folder = tmp_path / name
    return subprocess.run(
        [sys.executable, "-m", "forge_lsp", *arguments],
        env=base_env(folder, ANTHROPIC_API_KEY=KEY, ANTHROPIC_BASE_URL=api.base_url),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("command", ["ask", "check --ai"])
async def test_no_secret_reaches_claude_from_the_command_line(
    tmp_path: Path, api: FakeMessagesAPI, command: str
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    for file in FILES:
        (project / file.name).write_text(file.text, encoding="utf-8")
    if command == "ask":  # a whole file, and a function with its context, in parallel
        python, java = (f for f in FILES if f.language in ("python", "java"))
        lines = f"{java.function_start + 1}-{java.function_end + 1}"
        runs = await asyncio.gather(
            asyncio.to_thread(_cli, tmp_path, "a", api, "ask", f"project/{python.name}", "Why?"),
            asyncio.to_thread(
                _cli, tmp_path, "b", api, "ask", f"project/{java.name}:{lines}", "Why?"
            ),
        )
        for run in runs:
            assert run.returncode == 0, run.stderr
        checked = [python, java]
    else:
        run = await asyncio.to_thread(_cli, tmp_path, "run", api, "check", "--ai", "project")
        reviewed = f"Claude reviewed {len(FILES)} files"
        assert run.returncode == 1 and reviewed in run.stderr, run.stderr
        checked = FILES
    assert len(api.message_requests) == len(checked)
    for file in checked:
        [request] = [r for r in api.message_requests if f"{file.name}`" in r.text]
        _assert_clean(f"`forge-lsp {command}` on {file.name}", _sent([request]), file)
