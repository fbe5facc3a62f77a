"""Every test runs with an empty user config folder: the developer's own
`~/.config/forge-lsp/forge.toml` (a Claude backend, say) must never change what a test sees.
Set at import, before any server or command is started, so child processes inherit it.

Likewise `forge-lsp check`'s result cache (`FORGE_CACHE_DIR`): never the developer's own, and
empty at the start of each test, so a test sees a first run unless it runs `check` twice."""

from __future__ import annotations

import os
import tempfile

os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="forge-test-config-")
os.environ["FORGE_CACHE_DIR"] = tempfile.mkdtemp(prefix="forge-test-check-cache-")

import pytest

from tests.support.models import UNDER_TEST


@pytest.fixture(autouse=True)
def _empty_check_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORGE_CACHE_DIR", str(tmp_path_factory.mktemp("check-cache")))


@pytest.fixture(params=UNDER_TEST)
def claude_model(request: pytest.FixtureRequest) -> str:
    """A test that takes this runs once per model under test (see tests/support/models.py)."""
    return str(request.param)
