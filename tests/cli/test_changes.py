"""`forge_lsp.core.git_changes`: the lines added or changed since a revision, read from real git
repositories made in the test's temp folder.

Git runs isolated from the developer's configuration (no global or system config, a fixed
author) and cannot find a repository above the temp folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from forge_lsp.core.git_changes import ChangedLines, ChangesError, changed_lines, parse_diff

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

FIVE = "one\ntwo\nthree\nfour\nfive\n"
TEN = "".join(f"line {n}\n" for n in range(1, 11))


@pytest.fixture(autouse=True)
def isolated_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.resolve()))
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", "Forge Test")
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "forge@example.invalid")
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        monkeypatch.delenv(name, raising=False)


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, timeout=60)


def repository(root: Path, files: dict[str, str]) -> Path:
    """A repository at `root` with `files` in one commit."""
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q", "--initial-branch=main")
    write(root, files)
    commit(root, "first")
    return root


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def commit(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


def new_lines(changes: ChangedLines, path: Path, upto: int = 12) -> set[int]:
    """The lines of `path` from 1 to `upto` that `changes` reports as new."""
    return {line for line in range(1, upto + 1) if changes.covers(path, line, line)}


def test_a_modified_line(tmp_path: Path) -> None:
    repo = repository(tmp_path / "repo", {"a.py": FIVE})
    write(repo, {"a.py": FIVE.replace("three", "THREE")})
    changes = changed_lines([repo], "HEAD")
    assert new_lines(changes, repo / "a.py") == {3}
    assert changes.covers(repo / "a.py", 1, 5)
    assert changes.covers(repo / "a.py", 3, 4)
    assert not changes.covers(repo / "a.py", 4, 5)
    assert changes.touches(repo / "a.py")


def test_lines_added_at_the_end_and_in_the_middle(tmp_path: Path) -> None:
    repo = repository(tmp_path / "repo", {"a.py": FIVE})
    write(repo, {"a.py": "one\ntwo\nnew 3\nnew 4\nthree\nfour\nfive\nsix\n"})
    assert new_lines(changed_lines([repo], "HEAD"), repo / "a.py") == {3, 4, 8}


def test_a_pure_deletion_adds_no_line(tmp_path: Path) -> None:
    repo = repository(tmp_path / "repo", {"a.py": FIVE})
    write(repo, {"a.py": "one\ntwo\nfour\nfive\n"})  # "four" now sits where "three" was
    changes = changed_lines([repo], "HEAD")
    assert new_lines(changes, repo / "a.py") == set()
    assert not changes.touches(repo / "a.py")


def test_an_unchanged_file_and_a_deleted_file_have_no_new_line(tmp_path: Path) -> None:
    repo = repository(tmp_path / "repo", {"a.py": FIVE, "gone.py": FIVE})
    (repo / "gone.py").unlink()
    changes = changed_lines([repo], "HEAD")
    assert new_lines(changes, repo / "a.py") == set()
    assert new_lines(changes, repo / "gone.py") == set()


def test_every_line_of_an_untracked_file_is_new(tmp_path: Path) -> None:
    repo = repository(tmp_path / "repo", {"a.py": FIVE})
    write(repo, {"pkg/new.py": "x = 1\ny = 2\n"})
    changes = changed_lines([repo], "HEAD")
    assert new_lines(changes, repo / "pkg" / "new.py") == set(range(1, 13))
    assert changes.covers(repo / "pkg" / "new.py", 500, 600)
    assert new_lines(changes, repo / "a.py") == set()


def test_an_ignored_untracked_file_is_not_new(tmp_path: Path) -> None:
    # Not checked in a walk anyway; named on the command line, it has no new finding.
    repo = repository(tmp_path / "repo", {".gitignore": "build/\n*.gen.py\n"})
    write(repo, {"build/out.py": "x = 1\n", "a.gen.py": "x = 1\n", "kept.py": "x = 1\n"})
    changes = changed_lines([repo], "HEAD")
    assert not changes.touches(repo / "build" / "out.py")
    assert not changes.touches(repo / "a.gen.py")
    assert changes.touches(repo / "kept.py")


def test_a_file_added_to_the_index_is_new_whole(tmp_path: Path) -> None:
    repo = repository(tmp_path / "repo", {"a.py": FIVE})
    write(repo, {"b.py": FIVE})
    git(repo, "add", "b.py")
    changes = changed_lines([repo], "HEAD")
    assert new_lines(changes, repo / "b.py") == set(range(1, 13))


def test_staged_and_unstaged_changes_both_count(tmp_path: Path) -> None:
    repo = repository(tmp_path / "repo", {"a.py": FIVE, "b.py": FIVE})
    write(repo, {"a.py": FIVE.replace("two", "TWO")})
    git(repo, "add", "a.py")  # staged only
    write(repo, {"b.py": FIVE.replace("two", "TWO")})
    git(repo, "add", "b.py")
    write(repo, {"b.py": FIVE.replace("two", "TWO").replace("four", "FOUR")})  # and unstaged
    changes = changed_lines([repo], "HEAD")
    assert new_lines(changes, repo / "a.py") == {2}
    assert new_lines(changes, repo / "b.py") == {2, 4}


def test_a_renamed_and_edited_file_counts_only_its_edited_lines(tmp_path: Path) -> None:
    repo = repository(tmp_path / "repo", {"old.py": TEN})
    git(repo, "config", "diff.renames", "false")  # --find-renames wins over the user's config
    git(repo, "mv", "old.py", "new.py")
    write(repo, {"new.py": TEN.replace("line 7\n", "line seven\n")})
    changes = changed_lines([repo], "HEAD")
    assert new_lines(changes, repo / "new.py") == {7}
    assert not changes.touches(repo / "old.py")


def test_a_committed_rename_into_a_named_folder_is_still_a_rename(tmp_path: Path) -> None:
    repo = repository(tmp_path / "repo", {"old/mod.py": TEN, "src/keep.py": FIVE})
    git(repo, "mv", "old/mod.py", "src/mod.py")
    commit(repo, "move")
    write(repo, {"src/mod.py": TEN.replace("line 2\n", "line two\n")})
    changes = changed_lines([repo / "src"], "HEAD~1")
    assert new_lines(changes, repo / "src" / "mod.py") == {2}


def test_unusual_file_names(tmp_path: Path) -> None:
    names = ["my file.py", "café.py", 'we"ird.py', "back\\slash.py", "tab\there.py", "c\x01.py"]
    repo = repository(tmp_path / "repo", dict.fromkeys(names, FIVE))
    write(repo, dict.fromkeys(names, FIVE.replace("four", "FOUR")))
    write(repo, {"new café dir/über file.py": "x = 1\n"})
    changes = changed_lines([repo], "HEAD")
    assert {name: new_lines(changes, repo / name) for name in names} == {n: {4} for n in names}
    assert changes.covers(repo / "new café dir" / "über file.py", 1, 1)


def test_lines_that_look_like_diff_headers(tmp_path: Path) -> None:
    # Shown as "--- /dev/null" and "+++ b/b.py": read as headers, they would make b.py new.
    repo = repository(tmp_path / "repo", {"a.py": "-- /dev/null\n" + FIVE, "b.py": FIVE})
    write(repo, {"a.py": "++ b/b.py\n" + FIVE.replace("five", "FIVE")})
    changes = changed_lines([repo], "HEAD")
    assert new_lines(changes, repo / "a.py") == {1, 6}
    assert new_lines(changes, repo / "b.py") == set()


def test_two_repositories_at_once(tmp_path: Path) -> None:
    first = repository(tmp_path / "first", {"a.py": FIVE})
    second = repository(tmp_path / "second", {"sub/b.py": FIVE})
    write(first, {"a.py": FIVE.replace("one", "ONE")})
    write(second, {"sub/b.py": FIVE.replace("five", "FIVE")})
    changes = changed_lines([first / "a.py", second / "sub"], "HEAD")
    assert sorted(changes.repositories) == [first.resolve(), second.resolve()]
    assert new_lines(changes, first / "a.py") == {1}
    assert new_lines(changes, second / "sub" / "b.py") == {5}


def test_an_untracked_nested_repository_is_new_unless_named(tmp_path: Path) -> None:
    outer = repository(tmp_path / "outer", {"a.py": FIVE})
    inner = repository(outer / "inner", {"b.py": FIVE})
    write(inner, {"b.py": FIVE.replace("two", "TWO")})
    assert changed_lines([outer], "HEAD").covers(inner / "b.py", 1, 1)
    both = changed_lines([outer, inner], "HEAD")  # the innermost repository answers
    assert new_lines(both, inner / "b.py") == {2}


def test_head_tilde_one_counts_the_last_commit_and_the_working_tree(tmp_path: Path) -> None:
    repo = repository(tmp_path / "repo", {"a.py": FIVE})
    write(repo, {"a.py": FIVE.replace("two", "TWO")})
    commit(repo, "second")
    write(repo, {"a.py": FIVE.replace("two", "TWO").replace("four", "FOUR")})
    assert new_lines(changed_lines([repo], "HEAD~1"), repo / "a.py") == {2, 4}
    assert new_lines(changed_lines([repo], "HEAD"), repo / "a.py") == {4}
    assert new_lines(changed_lines([repo], "main~1"), repo / "a.py") == {2, 4}


def test_paths_are_compared_resolved(tmp_path: Path) -> None:
    repo = repository(tmp_path / "repo", {"a.py": FIVE})
    write(repo, {"a.py": FIVE.replace("three", "THREE")})
    link = tmp_path / "link"
    link.symlink_to(repo, target_is_directory=True)
    changes = changed_lines([link], "HEAD")
    assert new_lines(changes, link / "a.py") == {3}
    assert new_lines(changes, repo / "a.py") == {3}
    assert new_lines(changes, repo / "sub" / ".." / "a.py") == {3}


def test_a_repository_pinned_by_the_environment_does_not_leak(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A git hook sets GIT_DIR and GIT_INDEX_FILE for its own repository.
    hooked = repository(tmp_path / "hooked", {"a.py": TEN})
    other = repository(tmp_path / "other", {"a.py": FIVE})
    write(other, {"a.py": FIVE.replace("five", "FIVE")})
    monkeypatch.setenv("GIT_DIR", str(hooked / ".git"))
    monkeypatch.setenv("GIT_INDEX_FILE", str(hooked / ".git" / "index"))
    assert new_lines(changed_lines([other], "HEAD"), other / "a.py") == {5}


def test_a_path_outside_a_repository(tmp_path: Path) -> None:
    outside = tmp_path / "plain"
    outside.mkdir()
    with pytest.raises(ChangesError, match=r"^--new-since needs a git repository: .*plain is not"):
        changed_lines([outside], "HEAD")


def test_an_unknown_revision(tmp_path: Path) -> None:
    repo = repository(tmp_path / "repo", {"a.py": FIVE})
    with pytest.raises(ChangesError) as raised:
        changed_lines([repo], "no-such-branch")
    message = str(raised.value)
    assert message.startswith("--new-since: git does not know the revision 'no-such-branch' in")
    assert str(repo.resolve()) in message
    with pytest.raises(ChangesError, match="does not know the revision 'HEAD~1'"):
        changed_lines([repo], "HEAD~1")  # only one commit


@pytest.mark.parametrize("ref", ["--output=/dev/null", "-p", ""])
def test_a_revision_that_looks_like_an_option(tmp_path: Path, ref: str) -> None:
    repo = repository(tmp_path / "repo", {"a.py": FIVE})
    with pytest.raises(ChangesError, match="does not know the revision"):
        changed_lines([repo], ref)


def test_a_repository_with_no_commits(tmp_path: Path) -> None:
    repo = tmp_path / "empty"
    repo.mkdir()
    git(repo, "init", "-q")
    write(repo, {"a.py": FIVE})
    with pytest.raises(ChangesError, match=r"revision 'HEAD' in .*: it has no commits yet"):
        changed_lines([repo], "HEAD")


def test_git_not_installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = repository(tmp_path / "repo", {"a.py": FIVE})
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))
    with pytest.raises(ChangesError, match="needs git, and git is not installed"):
        changed_lines([repo], "HEAD")


def test_git_too_slow(tmp_path: Path) -> None:
    repo = repository(tmp_path / "repo", {"a.py": FIVE})
    with pytest.raises(ChangesError, match=r"took more than .* s in"):
        changed_lines([repo], "HEAD", timeout=1e-6)


def test_parse_diff_reads_quoted_names_and_hunk_forms() -> None:
    diff = (
        b'diff --git "a/caf\\303\\251.py" "b/caf\\303\\251.py"\n'
        b"index 1..2 100644\n"
        b'--- "a/caf\\303\\251.py"\n'
        b'+++ "b/caf\\303\\251.py"\n'
        b"@@ -3 +3 @@\n-x\n+y\n"
        b"@@ -6,0 +7,2 @@ ctx\n+a\n+b\n"
        b"@@ -9,2 +10,0 @@\n-c\n-d\n"
        b"@@ -20 +19,0 @@\n-e\n\\ No newline at end of file\n"
        b"diff --git a/my file.py b/my file.py\n"
        b"--- a/my file.py\t\n"
        b"+++ b/my file.py\t\n"
        b"@@ -1,0 +2 @@\n+z\n"
        b"diff --git a/new.py b/new.py\nnew file mode 100644\n"
        b"--- /dev/null\n+++ b/new.py\n@@ -0,0 +1,2 @@\n+p\n+q\n"
        b"diff --git a/gone.py b/gone.py\ndeleted file mode 100644\n"
        b"--- a/gone.py\n+++ /dev/null\n@@ -1 +0,0 @@\n-r\n"
        b"diff --git a/pic.png b/pic.png\nBinary files a/pic.png and b/pic.png differ\n"
    )
    assert parse_diff(diff) == {
        "café.py": [(3, 3), (7, 8)],
        "my file.py": [(2, 2)],
        "new.py": None,
    }
