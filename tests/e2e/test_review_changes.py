"""Forge: Review Changes over LSP, end to end: the real server, git, the real SDK and the
project's fake Messages API. The editor is asked (size, model, most it can cost) before
anything is sent; only the changed function goes; findings on changed lines become Claude's
diagnostics on their file, open or not."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from lsprotocol import types
from pygls.uris import to_fs_path
from pytest_lsp import LanguageClient

from tests.e2e.session import Session, start
from tests.support.fake_messages_api import FakeMessagesAPI, Reply
from tests.support.git import git

KEY = "sk-ant-api03-forge-e2e-test-key-0123456789abcdefghijklmnopqrstuvwxyz"
SERVICE = """\
import requests


def fetch(url):
    response = requests.get(url, timeout=5)
    return response.json()


def other():
    return 1
"""
CHANGED = SERVICE.replace(
    "    return response.json()\n", "    response.raise_for_status()\n    return response.json()\n"
)
FINDING = {
    "category": "error-handling",
    "severity": "warning",
    "confidence": 0.9,
    "quote": "response.raise_for_status()",
    "title": "raise_for_status turns a 503 into an unhandled HTTPError",
    "explanation": "Catch `HTTPError` where the caller can retry.",
    "replacement": None,
}


@pytest.fixture(params=["visual-studio-code", "neovim"])
def profile(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest_asyncio.fixture
async def api() -> AsyncIterator[FakeMessagesAPI]:
    async with FakeMessagesAPI(default=Reply(structured={"findings": []})) as fake:
        yield fake


@pytest_asyncio.fixture
async def session(
    lsp: LanguageClient, profile: str, tmp_path: Path, api: FakeMessagesAPI
) -> AsyncIterator[Session]:
    (tmp_path / "service.py").write_text(SERVICE)
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "first")
    claude = {"apiKey": KEY, "baseUrl": api.base_url, "maxRetries": 0, "stallSeconds": 5}
    state = await start(lsp, profile, tmp_path, {"claude": claude})
    yield state
    await lsp.shutdown_session()


def answer_requests(session: Session, title: str, asked: list[str]) -> None:
    @session.client.feature(types.WINDOW_SHOW_MESSAGE_REQUEST)
    def on_request(params: types.ShowMessageRequestParams) -> types.MessageActionItem:
        asked.append(params.message)
        return types.MessageActionItem(title=title)


async def review_changes(session: Session, *arguments: Any) -> Any:
    return await asyncio.wait_for(
        session.client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="forge.reviewChanges", arguments=list(arguments))
        ),
        30,
    )


async def test_the_changed_function_is_reviewed_and_its_finding_published(
    session: Session, api: FakeMessagesAPI
) -> None:
    asked: list[str] = []
    answer_requests(session, "Review", asked)
    (session.root / "service.py").write_text(CHANGED)
    api.script(Reply(structured={"findings": [FINDING]}))
    result = await review_changes(session, {})
    assert result["status"] == "done", result
    assert (result["findings"], result["regions"], result["files"]) == (1, 1, 1)
    window = session.client.capabilities.window if session.client.capabilities else None
    if window and window.show_message:
        [question] = asked
        assert "Forge will send 1 region of 1 changed file (4 lines" in question
        assert "at most $" in question
    [sent] = api.message_requests
    user = sent.body["messages"][0]["content"]
    assert "def fetch(url):" in user and "def other" not in user
    uri = (session.root / "service.py").resolve().as_uri()
    published = await session.until(lambda: session.published.get(uri), "Claude's diagnostics")
    [diagnostic] = published[-1].diagnostics
    assert diagnostic.source == "forge (claude)" and diagnostic.range.start.line == 5
    assert any(
        "Forge found 1 issue on changed lines in 1 file" in m.message for m in session.messages
    )


async def test_declining_sends_nothing(session: Session, api: FakeMessagesAPI) -> None:
    window = session.client.capabilities.window if session.client.capabilities else None
    if not (window and window.show_message):
        pytest.skip("this client cannot be asked")
    asked: list[str] = []
    answer_requests(session, "Cancel", asked)
    (session.root / "service.py").write_text(CHANGED)
    assert (await review_changes(session))["status"] == "declined"
    assert asked and api.requests == []


async def test_preview_opens_every_request_and_sends_nothing(
    session: Session, api: FakeMessagesAPI
) -> None:
    window = session.client.capabilities.window if session.client.capabilities else None
    if not (window and window.show_message):
        pytest.skip("this client cannot be asked")
    answer_requests(session, "Preview", [])
    (session.root / "service.py").write_text(CHANGED)
    result = await review_changes(session)
    assert result["status"] == "previewed" and result["regions"] == 1
    path = Path(to_fs_path(result["document"]) or "")
    shown = path.read_text(encoding="utf-8")
    assert "# What Forge would send for review" in shown and "def fetch(url):" in shown
    assert "def other" not in shown and api.requests == []


async def test_staged_and_base_are_reviewed_and_bad_arguments_refused(
    session: Session, api: FakeMessagesAPI
) -> None:
    answer_requests(session, "Review", [])
    assert (await review_changes(session, {"staged": True}))["status"] == "none"
    (session.root / "service.py").write_text(CHANGED)
    git(session.root, "add", "service.py")
    assert (await review_changes(session, {"staged": True}))["status"] == "done"
    refused = await review_changes(session, {"base": "no-such-branch"})
    assert refused["status"] == "refused" and "does not know the revision" in refused["message"]
    with pytest.raises(Exception, match="staged or base"):
        await review_changes(session, {"staged": True, "base": "main"})
    assert len(api.message_requests) == 1


async def test_only_changed_files_inside_the_workspace_folders_are_read(
    lsp: LanguageClient, profile: str, tmp_path: Path, api: FakeMessagesAPI
) -> None:
    """The repository holds more than the workspace folder: a changed file beside the folder,
    and a symbolic link in it to a file outside, are neither read nor sent."""
    repository, outside = tmp_path / "repo", tmp_path / "outside"
    workspace = repository / "service"
    workspace.mkdir(parents=True)
    outside.mkdir()
    (workspace / "service.py").write_text(SERVICE)
    (repository / "beside.py").write_text(SERVICE)
    (outside / "secret_service.py").write_text("TOKEN_FROM_OUTSIDE = 1\n" + SERVICE)
    git(repository, "init", "-q", "-b", "main")
    git(repository, "add", ".")
    git(repository, "commit", "-q", "-m", "first")
    (workspace / "service.py").write_text(CHANGED)
    (repository / "beside.py").write_text(CHANGED)
    (workspace / "link.py").symlink_to(outside / "secret_service.py")
    claude = {"apiKey": KEY, "baseUrl": api.base_url, "maxRetries": 0}
    session = await start(lsp, profile, workspace, {"claude": claude})
    try:
        answer_requests(session, "Review", [])
        result = await review_changes(session)
        assert (result["status"], result["files"], result["regions"]) == ("done", 1, 1), result
        [sent] = api.message_requests
        body = str(sent.body)
        assert "service.py" in body and "beside.py" not in body
        assert "TOKEN_FROM_OUTSIDE" not in body and "link.py" not in body
    finally:
        await lsp.shutdown_session()
