"""One precedence order for the editor and the terminal (`forge_lsp.config`'s docstring):
defaults < environment (key, base URL) < user file < editor < project file < command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from forge_lsp.cli.settings import SettingsResolver, Warnings
from forge_lsp.config.claude import ClaudeSettings
from forge_lsp.config.terminal import for_terminal
from forge_lsp.lsp.settings_store import SettingsStore

ENV = {"ANTHROPIC_BASE_URL": "https://env.example/", "ANTHROPIC_API_KEY": "sk-env"}


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A user file and a project file that each set some settings."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    user = tmp_path / "config" / "forge-lsp" / "forge.toml"
    user.parent.mkdir(parents=True)
    user.write_text(
        "max-file-size = 2000\ndebounce-ms = 10\nignore = ['FG1']\n"
        '[claude]\nbase-url = "https://user.example"\nmodel = "user-model"\n'
        'explain-model = "user-explain"\nmax-retries = 1\n'
    )
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "forge.toml").write_text(
        'max-file-size = 4000\n[claude]\nmodel = "project-model"\nbase-url = "https://repo.example"\n'
    )
    return folder


def _editor(folder: Path, editor: dict[str, object]) -> tuple[int, list[str], ClaudeSettings]:
    store = SettingsStore(lambda problems: None)
    store.set_editor(editor)
    settings = store.for_path(folder / "app.py")
    return settings.max_file_size, list(settings.ignore), settings.claude


def _terminal(folder: Path, model: str | None = None) -> tuple[int, list[str], ClaudeSettings]:
    settings = SettingsResolver(None, None, None, Warnings()).for_folder(folder)
    claude = for_terminal(settings.claude, ENV, model)
    return settings.max_file_size, list(settings.ignore), claude


def test_the_editor_and_the_terminal_apply_the_same_order(project: Path) -> None:
    size, ignore, claude = _editor(project, {})
    assert size == 4000  # the project file over the user file
    assert ignore == ["FG1"]  # the user file over the defaults
    assert claude.model == "project-model"
    assert claude.base_url == "https://user.example"  # never the repository's; over the env
    assert claude.max_retries == 1
    assert (size, ignore, claude) == _terminal(project)


def test_the_editor_is_between_the_user_file_and_the_project_file(project: Path) -> None:
    size, ignore, claude = _editor(
        project, {"maxFileSize": 3000, "ignore": ["FG2"], "claude": {"maxRetries": 3}}
    )
    assert (size, ignore, claude.max_retries) == (4000, ["FG2"], 3)


def test_the_command_line_is_last(project: Path) -> None:
    _, _, claude = _terminal(project, model="flag-model")
    assert (claude.model, claude.explain_model) == ("flag-model", "flag-model")


def test_the_environment_is_used_where_no_setting_names_a_key_or_base_url() -> None:
    assert for_terminal(ClaudeSettings(), ENV).base_url == "https://env.example"
    assert ClaudeSettings().key(ENV) == "sk-env"
    own = ClaudeSettings(api_key="sk-setting", base_url="https://user.example")
    assert for_terminal(own, ENV).base_url == "https://user.example"
    assert own.key(ENV) == "sk-setting"
