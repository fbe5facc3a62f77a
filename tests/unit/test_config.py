"""Settings: validation names the bad setting, layers combine, project files are found."""

from __future__ import annotations

from pathlib import Path

import pytest

from forge_lsp import config
from forge_lsp.model import Severity


def test_valid_settings_parse_in_any_key_style() -> None:
    loaded = config.parse(
        {"select": ["fg1"], "max-file-size": 10, "debounce_ms": 0, "severity": {"FG301": "Error"}},
        "forge",
    )
    assert loaded.errors == []
    assert loaded.values == {
        "select": ("FG1",),
        "max_file_size": 10,
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
