"""The command line's settings per folder: the same project file as `find_project_config`
finds, each folder asked once however many files and folders below it are walked."""

from __future__ import annotations

from pathlib import Path

import pytest

from forge_lsp import config
from forge_lsp.cli.settings import SettingsResolver, Warnings

from .conftest import write


def test_each_folder_gets_the_nearest_project_file(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "pyproject.toml": '[tool.forge]\nignore = ["FG6"]\n',
            "svc/forge.toml": 'ignore = ["FG3"]\n',
            "svc/deep/er/a.py": "",
            "lib/pyproject.toml": '[project]\nname = "lib"\n',  # no [tool.forge]: not a project
            "lib/pkg/b.py": "",
        },
    )
    resolver = SettingsResolver(None, None, None, Warnings())
    for folder in (tmp_path / "svc/deep/er", tmp_path / "svc", tmp_path / "lib/pkg", tmp_path):
        expected = config.find_project_config(folder)
        assert resolver.for_folder(folder).root == expected.root, folder
    assert resolver.for_folder(tmp_path / "svc/deep/er").ignore == ("FG3",)
    assert resolver.for_folder(tmp_path / "lib/pkg").ignore == ("FG6",)


def test_a_walk_asks_each_folder_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folders = [tmp_path / "a" / f"f{n}" / "g" for n in range(20)]
    for folder in folders:
        folder.mkdir(parents=True)
    asked: list[Path] = []
    real = config.project_config_in

    def counting(directory: Path) -> config.ProjectConfig | None:
        asked.append(directory)
        return real(directory)

    monkeypatch.setattr(config, "project_config_in", counting)
    resolver = SettingsResolver(None, None, None, Warnings())
    for folder in folders:
        resolver.for_folder(folder)
    assert set(folders) <= set(asked)  # every walked folder was asked about...
    assert len(asked) == len(set(asked))  # ...and none twice, nor any folder above twice
