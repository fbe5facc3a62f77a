"""Shared set-up for end-to-end tests: the real server as a subprocess over stdio."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pytest
import pytest_asyncio
import pytest_lsp
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.e2e.session import start

SERVER_COMMAND = [sys.executable, "-m", "forge_lsp"]


# Rule docs, answers, the result cache and the usage ledger live under the user's cache and
# data folders: every test's server gets folders of its own (see `user_folders`).
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="forge-test-cache-")
os.environ["XDG_DATA_HOME"] = tempfile.mkdtemp(prefix="forge-test-data-")
# The fake Messages API listens on 127.0.0.1: never through a proxy from the environment.
os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"


def file_uri(path: Path) -> str:
    return path.resolve().as_uri()


PROFILES = ["visual-studio-code", "visual-studio-code-pull", "neovim", "emacs"]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "init_options(options): initializationOptions for the session's server"
    )
    config.addinivalue_line("markers", "claude(settings): extra `claude` settings for the test")


@pytest.fixture(params=PROFILES)
def profile(request: pytest.FixtureRequest) -> str:
    """The real editor whose capabilities the test client presents."""
    return str(request.param)


@pytest.fixture(autouse=True)
def user_folders(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Cache and data folders of the test's own, for the server it starts (which inherits the
    environment when it is spawned: autouse fixtures run before `lsp`)."""
    folders = {
        name: tmp_path_factory.mktemp(name.lower()) for name in ("XDG_CACHE_HOME", "XDG_DATA_HOME")
    }
    for name, folder in folders.items():
        monkeypatch.setenv(name, str(folder))
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    monkeypatch.delenv("ANTHROPIC_BASE_URL", raising=False)
    return folders


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER_COMMAND))
async def lsp(lsp_client: LanguageClient, profile: str):
    yield


@pytest_asyncio.fixture
async def session(
    lsp: LanguageClient, profile: str, request: pytest.FixtureRequest, tmp_path: Path
):
    """An initialized session; `@pytest.mark.init_options({...})` sets initializationOptions."""
    marker = request.node.get_closest_marker("init_options")
    yield await start(lsp, profile, tmp_path, marker.args[0] if marker else {})
    await lsp.shutdown_session()
