"""The VS Code extension's settings schema (editors/vscode/package.json) against the server's.

Every setting the server reads (`forge_lsp.config.settings.RULES` and
`forge_lsp.config.claude.CLAUDE`, the one schema both are declared in) must appear in
package.json with a description and the server's own default, type, choices and range, so the
Settings UI never drifts from what Forge accepts; every setting in package.json must be one the
server reads or one of the extension's own, listed here. The one omission is
`forge.claude.apiKey`: in VS Code the key lives in SecretStorage. The extension's language lists
(package.json, src/languages.ts) are those of `forge_lsp.core.languages`, as
scripts/gen_vscode_languages.py writes them.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from forge_lsp.config import claude, settings
from forge_lsp.config.schema import Section, Setting, normalize
from forge_lsp.core import languages

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "editors" / "vscode" / "package.json"
OMITTED = {"claude.apiKey"}  # Forge: Set API Key instead
# The extension's own settings (the launcher's), which the server accepts and ignores.
EXTENSION_ONLY = {"interpreter", "trace.server"}


@pytest.fixture(scope="module")
def schema() -> dict[str, dict[str, Any]]:
    package = json.loads(PACKAGE.read_text(encoding="utf-8"))
    properties: dict[str, dict[str, Any]] = package["contributes"]["configuration"]["properties"]
    assert all(key.startswith("forge.") for key in properties)
    return {key.removeprefix("forge."): value for key, value in properties.items()}


def _server_settings() -> Iterator[tuple[str, Section, Setting]]:
    """(key as package.json writes it, without `forge.`; section; setting) for every setting."""
    for setting in settings.RULES:
        yield setting.key, settings.RULES, setting
    for setting in claude.CLAUDE:
        yield f"claude.{setting.key}", claude.CLAUDE, setting


def _as_json(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_as_json(v) for v in value]
    if isinstance(value, dict) or dataclasses.is_dataclass(value):
        return dict(value) if isinstance(value, dict) else dataclasses.asdict(value)
    return value


def _types(entry_or_kind: str | list[str] | tuple[str, ...]) -> set[str]:
    return {entry_or_kind} if isinstance(entry_or_kind, str) else set(entry_or_kind)


def test_the_schema_lists_every_server_setting(schema: dict[str, dict[str, Any]]) -> None:
    missing = {key for key, _, _ in _server_settings()} - OMITTED - set(schema)
    assert not missing, f"server settings missing from package.json: {sorted(missing)}"


def test_the_schema_lists_nothing_the_server_would_ignore(
    schema: dict[str, dict[str, Any]],
) -> None:
    unknown = set(schema) - {key for key, _, _ in _server_settings()} - EXTENSION_ONLY
    assert not unknown, f"package.json settings the server does not read: {sorted(unknown)}"


def test_the_extensions_own_settings_are_accepted_not_reported() -> None:
    """The extension sends its whole `forge` section; its launcher's keys are not errors."""
    section: dict[str, Any] = {}
    for key in EXTENSION_ONLY:
        first, _, rest = key.partition(".")
        section[first] = {rest: "off"} if rest else ""
    loaded = settings.parse(section, "forge")
    assert loaded.errors == [] and loaded.values == {}
    assert {normalize(key.split(".")[0]) for key in EXTENSION_ONLY} <= settings.EXTENSION_KEYS


def test_no_api_key_setting(schema: dict[str, dict[str, Any]]) -> None:
    assert "claude.apiKey" not in schema


def test_every_setting_has_a_description_and_the_servers_default(
    schema: dict[str, dict[str, Any]],
) -> None:
    for key, entry in schema.items():
        assert entry.get("description") or entry.get("markdownDescription"), key
        assert "default" in entry, key
    for key, section, setting in _server_settings():
        if key in schema:
            assert schema[key]["default"] == _as_json(section.default(setting)), key


def test_every_setting_has_the_servers_type_choices_and_range(
    schema: dict[str, dict[str, Any]],
) -> None:
    """VS Code flags a value outside the schema's type, choices or range as you type it: they
    must be the ones the server enforces, or VS Code would accept what Forge then refuses (or
    the reverse)."""
    for key, _, setting in _server_settings():
        if key in OMITTED:
            continue
        entry, kind = schema[key], setting.kind
        assert _types(entry["type"]) == _types(kind.json_type), key
        assert tuple(entry.get("enum", ())) == kind.choices, key
        assert (entry.get("minimum"), entry.get("maximum")) == (kind.low, kind.high), key
        if entry["type"] in ("integer", "number") or "number" in entry["type"]:
            assert kind.low is not None and kind.high is not None, f"{key}: numeric, no range"


def test_offline_numeric_settings_state_their_range(schema: dict[str, dict[str, Any]]) -> None:
    for name, bounds in settings.NUMBERS.items():
        setting = settings.RULES.find(name)
        assert setting is not None
        assert f"{bounds.low:,} to {bounds.high:,}" in schema[setting.key]["description"], name


def test_effort_and_severity_tables_offer_the_servers_choices(
    schema: dict[str, dict[str, Any]],
) -> None:
    effort = schema["claude.effort"]
    assert set(effort["properties"]) == set(claude.TASKS)
    for task, levels in effort["properties"].items():
        assert tuple(levels["enum"]) == claude.EFFORTS, task
    assert schema["severity"]["additionalProperties"]["enum"] == [
        "error",
        "warning",
        "info",
        "hint",
    ]


def test_settings_that_decide_where_requests_go_are_the_users_alone(
    schema: dict[str, dict[str, Any]],
) -> None:
    """Machine-scoped: VS Code reads them from user (or remote machine) settings only, never
    from a workspace's `.vscode/settings.json`, as the server ignores them in project files
    (tests/editors/vscode/run_vscode_e2e.sh plants each in a workspace against a decoy)."""
    assert claude.DESTINATION_SETTINGS
    for name in claude.DESTINATION_SETTINGS:
        setting = claude.CLAUDE.find(name)
        assert setting is not None
        assert schema[f"claude.{setting.key}"]["scope"] in ("machine", "application"), name


def test_the_extension_serves_every_language_of_the_registry() -> None:
    """A language added to forge_lsp/core/languages.py reaches VS Code only once
    `python scripts/gen_vscode_languages.py` has rewritten the extension's lists."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_vscode_languages.py"), "--check"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    package = json.loads(PACKAGE.read_text(encoding="utf-8"))
    lsp_ids = {lsp_id for spec in languages.LANGUAGES.values() for lsp_id in spec.lsp_ids}
    activation = {
        event.removeprefix("onLanguage:")
        for event in package["activationEvents"]
        if event.startswith("onLanguage:")
    }
    assert activation == lsp_ids
    menus = [entry for entries in package["contributes"]["menus"].values() for entry in entries]
    assert menus and all("editorLangId =~" in entry["when"] for entry in menus)
