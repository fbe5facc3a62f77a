"""Shared set-up for end-to-end tests: the real server as a subprocess over stdio."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pytest
import pytest_asyncio
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.e2e.session import Session, capabilities

SERVER_COMMAND = [sys.executable, "-m", "forge_lsp"]


# Rule docs are written under the user cache folder: keep the servers under test out of ours.
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="forge-test-cache-")


def server_env(**extra: str) -> dict[str, str]:
    """pytest-lsp replaces the whole environment: start from ours."""
    return {**os.environ, **extra}


def file_uri(path: Path) -> str:
    return path.resolve().as_uri()


PROFILES = ["visual-studio-code", "visual-studio-code-pull", "neovim"]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "init_options(options): initializationOptions for the session's server"
    )


@pytest.fixture(params=PROFILES)
def profile(request: pytest.FixtureRequest) -> str:
    """The real editor whose capabilities the test client presents."""
    return str(request.param)


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=SERVER_COMMAND, server_env=server_env())
)
async def lsp(lsp_client: LanguageClient, profile: str):
    yield


@pytest_asyncio.fixture
async def session(
    lsp: LanguageClient, profile: str, request: pytest.FixtureRequest, tmp_path: Path
):
    """An initialized session; `@pytest.mark.init_options({...})` sets initializationOptions."""
    marker = request.node.get_closest_marker("init_options")
    options = {"debounceMs": 0, **(marker.args[0] if marker else {})}
    state = Session(lsp, tmp_path)
    state.install_handlers()
    await lsp.initialize_session(
        types.InitializeParams(
            capabilities=capabilities(profile),
            root_uri=tmp_path.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=tmp_path.as_uri(), name="project")],
            initialization_options=options,
        )
    )
    yield state
    await lsp.shutdown_session()
