"""The settings schema: every setting declared once, the declarations matching the settings
dataclasses, and `forge_lsp.config` importing nothing above its layer."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest

from forge_lsp import config
from forge_lsp.ai import models
from forge_lsp.config import claude, prices, settings
from forge_lsp.config.schema import InProject, Section, normalize

CONFIG = Path(config.__file__).parent
# Layers above config (core < rules < config < engine < report < ai < lsp < cli).
ABOVE = ("forge_lsp.engine", "forge_lsp.report", "forge_lsp.ai", "forge_lsp.lsp", "forge_lsp.cli")


@pytest.mark.parametrize(
    ("section", "not_settings"),
    [(settings.RULES, {"root", "claude"}), (claude.CLAUDE, set())],
    ids=["rules", "claude"],
)
def test_each_field_of_the_settings_is_declared_once(
    section: Section, not_settings: set[str]
) -> None:
    names = [s.name for s in section]
    assert len(names) == len(set(names))
    fields = {f.name for f in dataclasses.fields(section.defaults)} - not_settings
    assert set(names) == fields
    for setting in section:
        assert normalize(setting.key) == normalize(setting.name), setting.key
        assert setting.key[0].islower() and "_" not in setting.key, setting.key
        assert setting.description.endswith("."), setting.key


def test_every_key_and_alias_names_one_setting() -> None:
    for section in (settings.RULES, claude.CLAUDE):
        for setting in section:
            for key in (setting.key, setting.name, *setting.aliases):
                assert section.find(key) is setting
                assert section.find(key.upper()) is setting
    assert claude.CLAUDE.find("timeout-seconds") is claude.CLAUDE.find("stallSeconds")


def test_what_a_project_file_may_not_set() -> None:
    assert {
        "backend",
        "base_url",
        "headers",
        "aws_region",
        "aws_profile",
        "vertex_project",
        "vertex_region",
        "prices",
    } == claude.DESTINATION_SETTINGS
    refused = {s.name: s.in_project for s in claude.CLAUDE if s.in_project is not InProject.ALLOWED}
    assert refused.pop("api_key") is InProject.SECRET
    assert refused.pop("enabled") is InProject.OFF_ONLY
    # A repository may stop its instructions from being sent, not have them sent.
    assert refused.pop("project_instructions") is InProject.OFF_ONLY
    assert set(refused) == claude.DESTINATION_SETTINGS
    assert all(s.in_project is InProject.ALLOWED for s in settings.RULES)


def test_numbers_are_derived_from_the_declarations() -> None:
    assert set(settings.NUMBERS) == {"max_file_size", "debounce_ms"}
    for name, bounds in settings.NUMBERS.items():
        setting = settings.RULES.find(name)
        assert setting is not None
        assert (setting.kind.low, setting.kind.high) == (bounds.low, bounds.high)


def test_an_earlier_name_is_read_as_the_current_setting() -> None:
    loaded = config.parse({"claude": {"timeoutSeconds": 45}}, "forge")
    assert loaded.errors == []
    assert config.combine(loaded.values).claude.stall_seconds == 45.0


def test_the_list_prices_are_the_model_tables() -> None:
    table = {model_id: info.price for info in models.table().models for model_id in info.ids}
    assert prices.default_prices() == table
    assert prices.parse_prices(None) == table


def test_config_imports_nothing_from_a_higher_layer() -> None:
    """Lazily or not: a function-level import is still a dependency."""
    for path in sorted(CONFIG.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            elif isinstance(node, ast.Import):
                imported = [alias.name for alias in node.names]
            else:
                continue
            for name in imported:
                assert not name.startswith(ABOVE), f"{path.name} imports {name}"
