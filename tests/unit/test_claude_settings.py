"""The `claude` settings: validated per source, merged key by key, keys never from a repo."""

from __future__ import annotations

from pathlib import Path

from forge_lsp import config
from forge_lsp.config import claude as claude_settings


def test_editor_settings_are_validated_and_merged_key_by_key() -> None:
    init = config.parse({"claude": {"model": "claude-opus-5", "maxTokens": 2000}}, "init")
    workspace = config.parse({"claude": {"explainModel": "claude-haiku-4-5"}}, "forge")
    assert init.errors == [] and workspace.errors == []
    merged = config.combine(init.values, workspace.values)
    assert merged.claude.model == "claude-opus-5"
    assert merged.claude.max_tokens == 2000
    assert merged.claude.explain_model == "claude-haiku-4-5"


def test_each_invalid_value_is_named_and_the_default_kept() -> None:
    loaded = config.parse(
        {
            "claude": {
                "backend": "azure",
                "minConfidence": 1.5,
                "baseUrl": "ftp://x",
                "questions": [""],
                "prices": {"claude-x": {"input": -1, "output": 2}},
                "colour": "blue",
            }
        },
        "forge",
    )
    text = "\n".join(loaded.errors)
    for name in ("backend", "minConfidence", "baseUrl", "questions", "prices", "colour"):
        assert f"forge.claude.{name}" in text
    assert config.combine(loaded.values).claude == claude_settings.ClaudeSettings()


def test_a_project_file_may_not_hold_a_key_or_turn_claude_on(tmp_path: Path) -> None:
    project = tmp_path / "forge.toml"
    project.write_text(
        '[claude]\napiKey = "sk-ant-api03-committed"\nenabled = true\nmodel = "claude-opus-5"\n'
    )
    found = config.find_project_config(tmp_path / "app.py")
    settings = config.combine(found.loaded.values)
    assert settings.claude.api_key is None and settings.claude.enabled is None
    assert settings.claude.model == "claude-opus-5"
    assert any("does not belong in a project file" in e for e in found.loaded.errors)
    assert all("sk-ant-api03-committed" not in e for e in found.loaded.errors)
    off = tmp_path / "off" / "forge.toml"
    off.parent.mkdir()
    off.write_text("[claude]\nenabled = false\n")
    loaded = config.find_project_config(off.parent / "app.py").loaded
    assert config.combine(loaded.values).claude.enabled is False


def test_prices_override_the_defaults_per_model() -> None:
    loaded = config.parse({"claude": {"prices": {"my-model": {"input": 1, "output": 4}}}}, "f")
    prices = config.combine(loaded.values).claude.prices
    assert prices["my-model"].output == 4.0 and "claude-sonnet-5" in prices
