"""The .gitignore matcher and the folder walk (unit tests, no subprocess)."""

from __future__ import annotations

from pathlib import Path

import pytest

from forge_lsp.cli.walk import compile_pattern, is_path_ignored, parse_gitignore, walk
from forge_lsp.core import languages

from .conftest import write

BASE = Path("/repo")


def ignored(text: str, relative: str, is_dir: bool = False) -> bool | None:
    return parse_gitignore(text, BASE).match(BASE / relative, is_dir)


@pytest.mark.parametrize(
    ("pattern", "relative", "is_dir", "expected"),
    [
        ("*.log", "a.log", False, True),
        ("*.log", "deep/er/a.log", False, True),
        ("*.log", "a.log.txt", False, None),
        ("build/", "build", True, True),
        ("build/", "build", False, None),  # dir-only pattern, a file named build
        ("build/", "src/build", True, True),
        ("/build", "build", True, True),
        ("/build", "src/build", True, None),  # anchored at the .gitignore folder
        ("src/gen", "src/gen", True, True),
        ("src/gen", "lib/src/gen", True, None),  # a middle slash anchors too
        ("**/gen", "a/b/gen", True, True),
        ("a/**/b", "a/b", True, True),
        ("a/**/b", "a/x/y/b", True, True),
        ("out/**", "out/x.py", False, True),
        ("out/**", "out", True, None),
        ("?.py", "a.py", False, True),
        ("?.py", "ab.py", False, None),
        ("[ab].py", "b.py", False, True),
        ("[!ab].py", "c.py", False, True),
        ("[!ab].py", "a.py", False, None),
        ("\\#x.py", "#x.py", False, True),
        ("*.py\\ ", "a.py ", False, True),
        ("docs/*.md", "docs/sub/a.md", False, None),  # * does not cross /
    ],
)
def test_patterns(pattern, relative, is_dir, expected):
    assert ignored(pattern, relative, is_dir) is expected


def test_comments_and_blank_lines_are_skipped():
    assert compile_pattern("# comment") is None
    assert compile_pattern("   ") is None
    assert compile_pattern("") is None


def test_negation_re_includes_and_last_match_wins():
    text = "*.py\n!keep.py\n"
    assert ignored(text, "a.py") is True
    assert ignored(text, "keep.py") is False
    assert ignored("!keep.py\n*.py\n", "keep.py") is True


def _walked(root: Path) -> list[str]:
    wanted = lambda p: languages.for_path(p) is not None  # noqa: E731
    return [p.relative_to(root).as_posix() for p in walk(root, wanted)]


def test_walk_honours_nested_gitignores_and_skips_hidden_folders(tmp_path):
    (tmp_path / ".git").mkdir()
    write(
        tmp_path,
        {
            ".gitignore": "generated/\n*.gen.py\n/top_only.py\n",
            "a.py": "",
            "top_only.py": "",
            "notes.txt": "",
            "x.gen.py": "",
            "generated/g.py": "",
            "sub/top_only.py": "",
            "sub/.gitignore": "*.js\n!keep.js\n",
            "sub/drop.js": "",
            "sub/keep.js": "",
            "sub/deeper/also.js": "",
            ".venv/lib.py": "",
            "__pycache__/c.py": "",
            ".hidden/h.py": "",
            "node_modules/m.js": "",  # a default exclude of `check`, not of the walk
        },
    )
    assert _walked(tmp_path) == ["a.py", "node_modules/m.js", "sub/keep.js", "sub/top_only.py"]


def test_gitignore_above_the_walked_folder_counts_inside_a_repository(tmp_path):
    (tmp_path / ".git").mkdir()
    write(tmp_path, {".gitignore": "skip_me.py\n", "src/skip_me.py": "", "src/ok.py": ""})
    assert _walked(tmp_path / "src") == ["ok.py"]


def test_git_info_exclude_counts(tmp_path):
    write(tmp_path, {".git/info/exclude": "local.py\n", "local.py": "", "ok.py": ""})
    assert _walked(tmp_path) == ["ok.py"]


def test_files_in_ignored_folders_cannot_be_re_included(tmp_path):
    (tmp_path / ".git").mkdir()
    write(tmp_path, {".gitignore": "vendor/\n!vendor/keep.py\n", "vendor/keep.py": ""})
    assert _walked(tmp_path) == []
    assert is_path_ignored(tmp_path / "vendor" / "keep.py")


def test_is_path_ignored_for_single_files(tmp_path):
    (tmp_path / ".git").mkdir()
    write(tmp_path, {".gitignore": "*.gen.py\n", "a/x.gen.py": "", "a/x.py": ""})
    assert is_path_ignored(tmp_path / "a" / "x.gen.py")
    assert not is_path_ignored(tmp_path / "a" / "x.py")
