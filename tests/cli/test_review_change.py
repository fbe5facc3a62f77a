"""`forge-lsp review` in a throwaway git repository, against the project's fake Messages API
through the real SDK: only the changed hunks (with their functions) and the project's
instructions are sent, and findings land on changed lines only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.fake_messages_api import FakeMessagesAPI, Reply
from tests.support.git import git

from .test_claude_cli import new_key, project, run, user_message

SERVICE = """\
import requests


def fetch(url):
    response = requests.get(url, timeout=5)
    return response.json()


def other():
    return 1
"""
# `fetch` gains a line; `other` is untouched.
CHANGED = SERVICE.replace(
    "    return response.json()\n",
    "    response.raise_for_status()\n    return response.json()\n",
)
ON_CHANGED = {
    "category": "error-handling",
    "severity": "warning",
    "confidence": 0.9,
    "quote": "response.raise_for_status()",
    "title": "raise_for_status turns a 503 into an unhandled HTTPError",
    "explanation": "Catch `HTTPError` where the caller can retry.",
    "replacement": None,
}
ON_UNCHANGED = {**ON_CHANGED, "quote": "return response.json()", "title": "Unchanged line"}
INSTRUCTIONS = "Every outbound call goes through our retrying client.\n"


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    project(tmp_path, {"svc.py": SERVICE, ".forge/instructions.md": INSTRUCTIONS})
    root = tmp_path / "project"
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "first")
    return root


@pytest.fixture
def api():
    with FakeMessagesAPI(default=Reply(structured={"findings": []})) as fake:
        yield fake


def test_only_the_changed_function_and_the_instructions_are_sent(
    tmp_path: Path, repository: Path, api: FakeMessagesAPI
) -> None:
    (repository / "svc.py").write_text(CHANGED)
    api.script(Reply(structured={"findings": [ON_CHANGED, ON_UNCHANGED]}))
    result = run(tmp_path, "review", "--base", "HEAD", api=api, key=new_key())
    assert result.returncode == 1, result.stderr
    [sent] = api.message_requests
    user = user_message(api)
    assert "<selection>\ndef fetch(url):\n" in user and "def other" not in user
    assert "The lines added or changed in it are 6;" in user
    assert "The whole change: `svc.py` lines 6." in user
    assert INSTRUCTIONS.strip() in sent.body["system"][1]["text"]
    [line] = result.stdout.splitlines()
    assert line.startswith("svc.py:6:5 FGC300 [warning] raise_for_status turns a 503")
    assert "1 on unchanged lines dropped" in result.stderr
    assert "sending 1 region of 1 file (4 lines" in result.stderr  # told before sending
    assert "at most $" in result.stderr


def test_staged_reviews_the_index_not_the_working_tree(
    tmp_path: Path, repository: Path, api: FakeMessagesAPI
) -> None:
    (repository / "svc.py").write_text(CHANGED)
    git(repository, "add", "svc.py")
    (repository / "svc.py").write_text(CHANGED.replace("return 1", "return 2  # unstaged"))
    result = run(tmp_path, "review", "--staged", api=api, key=new_key())
    assert result.returncode == 0, result.stderr
    user = user_message(api)
    assert "raise_for_status" in user and "unstaged" not in user and "def other" not in user


def test_a_new_file_goes_whole_and_the_json_report_carries_the_findings(
    tmp_path: Path, repository: Path, api: FakeMessagesAPI
) -> None:
    (repository / "client.py").write_text(CHANGED)
    api.script(Reply(structured={"findings": [ON_CHANGED]}))
    result = run(tmp_path, "review", "--format", "json", api=api, key=new_key())
    assert result.returncode == 1, result.stderr
    assert "def other" in user_message(api)  # a new file: every line changed
    [finding] = json.loads(result.stdout)
    assert (finding["path"], finding["line"], finding["code"]) == ("client.py", 6, "FGC300")


def test_over_the_caps_nothing_is_sent(tmp_path, repository, api) -> None:
    (repository / "svc.py").write_text(CHANGED)
    result = run(tmp_path, "review", "--max-lines", "3", api=api, key=new_key())
    assert result.returncode == 2
    assert "over --max-lines (3)" in result.stderr and "Nothing was sent" in result.stderr
    assert api.requests == []


def test_preview_prints_every_request_and_needs_no_key(tmp_path, repository, api) -> None:
    (repository / "svc.py").write_text(CHANGED)
    result = run(tmp_path, "review", "--preview", api=api)
    assert result.returncode == 0, result.stderr
    assert "# What Forge would send for review" in result.stdout
    assert "followed by your project's `.forge/instructions.md`" in result.stdout
    assert api.requests == []


def test_no_change_no_request(tmp_path, repository, api) -> None:
    result = run(tmp_path, "review", api=api, key=new_key())
    assert result.returncode == 0 and result.stdout == ""
    assert "nothing to review" in result.stderr and api.requests == []


def test_outside_a_repository_it_says_so(tmp_path, api) -> None:
    project(tmp_path, {"svc.py": SERVICE})
    env = {"GIT_CEILING_DIRECTORIES": str(tmp_path)}
    result = run(tmp_path, "review", api=api, key=new_key(), extra_env=env)
    assert result.returncode == 2
    assert "review needs a git repository" in result.stderr
