"""The VS Code extension's settings schema (editors/vscode/package.json) against the server.

Every setting the server reads must appear in the schema with a description and the server's
own default, so the Settings UI never drifts from `forge_lsp.config` and `forge_lsp.config.claude`.
The one exception is `forge.claude.apiKey`: in VS Code the key lives in SecretStorage.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from forge_lsp.config import claude as ai_settings
from forge_lsp.config import settings as config

PACKAGE = Path(__file__).resolve().parents[2] / "editors" / "vscode" / "package.json"
OMITTED = {"claude.apikey"}  # Forge: Set API Key instead
EXTENSION_ONLY = {"interpreter", "trace.server"}


def _normalize(key: str) -> str:
    return key.replace("-", "").replace("_", "").lower()


@pytest.fixture(scope="module")
def schema() -> dict[str, dict[str, Any]]:
    package = json.loads(PACKAGE.read_text(encoding="utf-8"))
    properties: dict[str, dict[str, Any]] = package["contributes"]["configuration"]["properties"]
    assert all(key.startswith("forge.") for key in properties)
    return {_normalize(key.removeprefix("forge.")): value for key, value in properties.items()}


def _server_keys() -> dict[str, Any]:
    """Normalized schema key -> the server's default for it."""
    defaults = config.Settings()
    keys = {key: getattr(defaults, field) for key, field in config._KEYS.items()}
    claude = ai_settings.ClaudeSettings()
    for key, (field, _) in ai_settings._FIELDS.items():
        keys[f"claude.{key}"] = getattr(claude, field)
    return keys


def _as_json(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_as_json(v) for v in value]
    if isinstance(value, dict) or dataclasses.is_dataclass(value):
        return dict(value) if isinstance(value, dict) else dataclasses.asdict(value)
    return value


def test_the_schema_lists_every_server_setting(schema: dict[str, dict[str, Any]]) -> None:
    missing = set(_server_keys()) - OMITTED - set(schema)
    assert not missing, f"server settings missing from package.json: {sorted(missing)}"


def test_the_schema_lists_nothing_the_server_would_reject(
    schema: dict[str, dict[str, Any]],
) -> None:
    unknown = set(schema) - set(_server_keys()) - EXTENSION_ONLY
    assert not unknown, f"package.json settings the server does not know: {sorted(unknown)}"
    # The server accepts (and ignores) the extension's own keys rather than reporting them.
    assert {key.split(".")[0] for key in EXTENSION_ONLY} <= config._LATER_KEYS


def test_no_api_key_setting(schema: dict[str, dict[str, Any]]) -> None:
    assert "claude.apikey" not in schema


def test_every_setting_has_a_description_and_the_servers_default(
    schema: dict[str, dict[str, Any]],
) -> None:
    defaults = _server_keys()
    for key, entry in schema.items():
        assert entry.get("description") or entry.get("markdownDescription"), key
        assert "default" in entry, key
        if key in defaults:
            assert entry["default"] == _as_json(defaults[key]), key


def test_settings_that_decide_where_requests_go_are_the_users_alone(
    schema: dict[str, dict[str, Any]],
) -> None:
    """Machine-scoped: VS Code reads them from user (or remote machine) settings only, never
    from a workspace's `.vscode/settings.json`, as the server ignores them in project files
    (tests/editors/vscode/run_vscode_e2e.sh plants each in a workspace against a decoy)."""
    fields = {field: key for key, (field, _) in ai_settings._FIELDS.items()}
    for field in ai_settings.DESTINATION_SETTINGS:
        entry = schema[f"claude.{fields[field]}"]
        assert entry["scope"] in ("machine", "application"), field


def test_offline_numeric_settings_have_the_servers_range(
    schema: dict[str, dict[str, Any]],
) -> None:
    """VS Code flags a value outside the schema's range as you type it: the range must be the
    one the server enforces, or VS Code would accept what Forge then refuses (or the reverse)."""
    for key, field in config._KEYS.items():
        entry = schema[key]
        bounds = config.NUMBERS.get(field)
        if bounds is None:
            assert entry["type"] not in ("integer", "number"), f"{key}: numeric without a range"
            assert "minimum" not in entry and "maximum" not in entry, key
            continue
        assert entry["type"] == "integer", key
        assert (entry.get("minimum"), entry.get("maximum")) == (bounds.low, bounds.high), key
        assert f"{bounds.low:,} to {bounds.high:,}" in entry["description"], key
