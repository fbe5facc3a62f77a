"""Settings: validation names the bad setting, layers combine, project files are found."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from forge_lsp import config
from forge_lsp.core.model import Severity
from forge_lsp.lsp.settings_store import SettingsStore


def test_valid_settings_parse_in_any_key_style() -> None:
    loaded = config.parse(
        {
            "select": ["fg1"],
            "max-file-size": 10_000,
            "debounce_ms": 0,
            "severity": {"FG301": "Error"},
        },
        "forge",
    )
    assert loaded.errors == []
    assert loaded.values == {
        "select": ("FG1",),
        "max_file_size": 10_000,
        "debounce_ms": 0,
        "severity": {"FG301": Severity.ERROR},
    }


@pytest.mark.parametrize(
    ("raw", "named"),
    [
        ({"select": "FG1x"}, "forge.select"),
        ({"ignore": [3]}, "forge.ignore"),
        ({"maxFileSize": -1}, "forge.maxFileSize"),
        ({"maxFileSize": True}, "forge.maxFileSize"),
        ({"maxFileSize": 5}, "forge.maxFileSize"),
        ({"debounceMs": 4_888_238}, "forge.debounceMs"),
        ({"debounceMs": 150.0}, "forge.debounceMs"),
        ({"severity": {"FG301": "loud"}}, "forge.severity"),
        ({"severity": ["FG301"]}, "forge.severity"),
        ({"exclude": {"a": 1}}, "forge.exclude"),
        ({"rules": {"FG201": 3}}, "forge.rules"),
        ({"bogus": 1}, "forge.bogus"),
    ],
)
def test_each_invalid_setting_is_named_and_skipped(raw: dict[str, object], named: str) -> None:
    loaded = config.parse(raw, "forge")
    assert len(loaded.errors) == 1
    assert loaded.errors[0].startswith(named + ":")
    assert loaded.values == {}


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("debounceMs", 4_888_238, "from 0 to 2,000, got 4888238"),
        ("debounceMs", 2_001, "from 0 to 2,000, got 2001"),
        ("debounceMs", -1, "from 0 to 2,000, got -1"),
        ("maxFileSize", 999, "from 1,000 to 10,000,000, got 999"),
        ("maxFileSize", 10_000_001, "from 1,000 to 10,000,000, got 10000001"),
        ("maxFileSize", 2**64, f"from 1,000 to 10,000,000, got {2**64}"),
    ],
)
def test_numbers_outside_their_range_name_the_setting_the_range_and_the_value(
    key: str, value: int, message: str
) -> None:
    loaded = config.parse({key: value}, "forge")
    assert loaded.values == {}
    [error] = loaded.errors
    assert error.startswith(f"forge.{key}: expected a whole number of ")
    assert error.endswith(message)


@pytest.mark.parametrize(
    ("key", "value"),
    [("debounceMs", 0), ("debounceMs", 2_000), ("maxFileSize", 1_000), ("maxFileSize", 10**7)],
)
def test_the_ends_of_each_range_are_accepted(key: str, value: int) -> None:
    assert config.parse({key: value}, "forge").errors == []


def test_every_numeric_setting_has_a_range() -> None:
    defaults = config.Settings()
    numeric = {
        f.name
        for f in dataclasses.fields(defaults)
        if isinstance(getattr(defaults, f.name), (int, float))
        and not isinstance(getattr(defaults, f.name), bool)
    }
    assert numeric == set(config.NUMBERS)
    for name, bounds in config.NUMBERS.items():
        assert bounds.low <= getattr(defaults, name) <= bounds.high, name


def test_an_out_of_range_editor_setting_falls_back_to_the_lower_layer() -> None:
    reported: list[list[str]] = []
    store = SettingsStore(reported.append)
    store.set_editor({"debounceMs": 0, "maxFileSize": 5_000})
    store.set_editor(None, {"debounceMs": 4_888_238, "maxFileSize": 0})
    assert store.debounce_seconds == 0  # initializationOptions', not the default's 150 ms
    assert store.for_path(None).max_file_size == 5_000
    [problems] = reported
    assert problems == [
        "forge.debounceMs: expected a whole number of milliseconds from 0 to 2,000, got 4888238",
        "forge.maxFileSize: expected a whole number of bytes from 1,000 to 10,000,000, got 0",
    ]
    store.set_editor(None, {"debounceMs": 4_888_238})
    assert len(reported) == 1  # each problem is reported once per session
    store.set_editor({"maxFileSize": 10**9})
    assert store.for_path(None).max_file_size == config.DEFAULT_MAX_FILE_SIZE


def test_a_project_file_outside_the_range_is_reported_and_ignored(tmp_path: Path) -> None:
    (tmp_path / "forge.toml").write_text("max-file-size = 50_000_000\n")
    found = config.find_project_config(tmp_path)
    assert found.loaded.values == {}
    [error] = found.loaded.errors
    assert "max-file-size: expected a whole number of bytes" in error
    assert error.endswith("got 50000000")


def test_a_non_table_is_reported() -> None:
    assert config.parse(["select"], "forge").errors == [
        "forge: expected a table of settings, got list"
    ]


def test_later_layers_win_key_by_key() -> None:
    settings = config.combine(
        {"select": ("FG1",), "max_file_size": 5}, {"max_file_size": 9}, {"ignore": ("FG101",)}
    )
    assert settings.select == ("FG1",)
    assert settings.max_file_size == 9
    assert settings.ignore == ("FG101",)
    assert not settings.selection().enabled("FG101")
    assert not settings.selection().enabled("FG301")


def test_rule_options_are_checked_against_the_rule() -> None:
    settings = config.combine(
        {"rules": {"FG999": {"x": 1}, "FG301": {"allowNarrowWithComment": "yes", "nope": 1}}}
    )
    clean, errors = config.validate_rule_options(settings, "forge")
    assert clean.rules == {}
    assert any("forge.rules.FG999" in e for e in errors)
    assert any("forge.rules.FG301.allowNarrowWithComment: expected bool" in e for e in errors)
    assert any("forge.rules.FG301.nope: unknown option" in e for e in errors)


def test_no_rule_option_is_a_number_without_a_range() -> None:
    """Numeric settings are range-checked; rule options are not (none is numeric yet)."""
    from forge_lsp.rules import registry

    kinds = {option.kind for rule in registry.all_rules() for option in rule.options}
    assert kinds <= {bool, str, list}, "give numeric rule options a range first"


def test_nearest_project_file_with_forge_settings_wins(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.forge]\nignore = ["FG3"]\n')
    inner = tmp_path / "svc"
    inner.mkdir()
    (inner / "pyproject.toml").write_text('[project]\nname = "svc"\n')  # no [tool.forge]
    (inner / "app.py").write_text("")
    found = config.find_project_config(inner / "app.py")
    assert found.path == tmp_path / "pyproject.toml"
    assert found.loaded.values == {"ignore": ("FG3",)}
    (inner / "forge.toml").write_text('select = ["FG1"]\n')
    assert config.find_project_config(inner / "app.py").path == inner / "forge.toml"


def test_an_edited_project_file_is_read_again(tmp_path: Path) -> None:
    project = tmp_path / "forge.toml"
    project.write_text('ignore = ["FG1"]\n')
    assert config.find_project_config(tmp_path).loaded.values == {"ignore": ("FG1",)}
    project.write_text('ignore = ["FG2", "FG3"]\n')
    assert config.find_project_config(tmp_path).loaded.values == {"ignore": ("FG2", "FG3")}


@pytest.mark.parametrize(
    ("pattern", "path", "excluded"),
    [
        ("tests/fixtures/**", "tests/fixtures/a/b.py", True),
        ("tests/fixtures/**", "tests/x.py", False),
        ("node_modules", "web/node_modules/x.js", True),
        ("*.gen.go", "pkg/a.gen.go", True),
        ("*.gen.go", "pkg/a.go", False),
        ("build/", "build/x.py", True),
        ("src/*.py", "src/a/b.py", False),
        ("src/*.py", "src/b.py", True),
        ("**/vendor/**", "x/vendor/y/z.go", True),
        ("vendor", "vendorx/a.go", False),
        ("./gen/**", "gen/a/b.py", True),
        ("migrations/0?_*.py", "migrations/01_init.py", True),
    ],
)
def test_exclude_globs(pattern: str, path: str, excluded: bool) -> None:
    assert config.excluded(path, (pattern,)) is excluded
