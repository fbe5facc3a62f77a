"""Every test runs with an empty user config folder: the developer's own
`~/.config/forge-lsp/forge.toml` (a Claude backend, say) must never change what a test sees.
Set at import, before any server or command is started, so child processes inherit it."""

from __future__ import annotations

import os
import tempfile

os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="forge-test-config-")

import pytest

from tests.support.models import UNDER_TEST


@pytest.fixture(params=UNDER_TEST)
def claude_model(request: pytest.FixtureRequest) -> str:
    """A test that takes this runs once per model under test (see tests/support/models.py)."""
    return str(request.param)
