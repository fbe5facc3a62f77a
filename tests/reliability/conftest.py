"""The reliability suite runs the real server over stdio, like tests/e2e, whose fixtures it
reuses: the server command, per-test cache and data folders, and the pytest-lsp client."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from forge_lsp.lsp.lsp_convert import encoding_name
from tests.e2e.conftest import lsp, user_folders
from tests.e2e.session import capabilities
from tests.reliability.fuzzer import SessionFuzzer
from tests.reliability.health import ServerStderr

__all__ = ["lsp", "user_folders"]

# Each profile's position encoding and way of getting diagnostics: VS Code (UTF-16, pushed),
# Neovim 0.11 (UTF-8), Emacs eglot (UTF-32) and VS Code pulling its diagnostics.
PROFILES = ["visual-studio-code", "neovim", "emacs", "visual-studio-code-pull"]


@pytest.fixture(params=PROFILES)
def profile(request: pytest.FixtureRequest) -> str:
    return str(request.param)


INIT_OPTIONS = {"debounceMs": 0}


@pytest.fixture
async def fuzzer(lsp: LanguageClient, profile: str, tmp_path: Path):
    """One initialized server for the whole test, and the fuzzer's client side of it."""
    stderr = ServerStderr()
    stderr.capture(lsp)
    result = await lsp.initialize_session(
        types.InitializeParams(
            capabilities=capabilities(profile),
            root_uri=tmp_path.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=tmp_path.as_uri(), name="project")],
            initialization_options=INIT_OPTIONS,
        )
    )
    provider = result.capabilities.execute_command_provider
    caps = lsp.capabilities
    pulls = bool(
        caps
        and caps.text_document
        and caps.text_document.diagnostic
        and caps.workspace
        and caps.workspace.diagnostics
        and caps.workspace.diagnostics.refresh_support
    )
    fuzzer = SessionFuzzer(
        lsp,
        tmp_path,
        encoding_name(result.capabilities.position_encoding),
        pulls,
        list(provider.commands) if provider else [],
        stderr,
        INIT_OPTIONS,
    )
    yield fuzzer
    seen = fuzzer.seen
    print(f"\n{fuzzer!r}, {fuzzer.examples} examples: {dict(sorted(seen.items()))}")
    await lsp.shutdown_session()
    stderr.stop()
    if fuzzer.examples >= 20 and seen["open"]:  # a session fuzz exercised what it checks
        assert seen["findings compared"] > 0, seen
        assert seen["rule actions"] > 0, seen
        assert seen["hovers shown"] > 0, seen
