"""`check --format gitlab` writes GitLab's SAST report (schema 15.0.7), valid against the
schema GitLab validates with, with ids that survive a second run and lines moving."""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from forge_lsp.report import Position, Reported, ReportedEdit, ReportedFix, RuleInfo, gitlab
from tests.support.fake_messages_api import FakeMessagesAPI, Reply

from .conftest import CLEAN_PY, write
from .test_claude_cli import new_key, project, run
from .test_review_change import CHANGED, ON_CHANGED, git

SCHEMA_PATH = Path(__file__).parent.parent / "data" / "gitlab" / "sast-report-format-15.0.7.json"
TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")

# An error with a CWE (FG402), an information finding (FG602), a warning (FG301): Python.
SERVICE_PY = (
    "import requests\n"
    "\n"
    "\n"
    "def fetch(url):\n"
    "    print('fetching')\n"
    "    return requests.get(url, verify=False, timeout=5)\n"
    "\n"
    "\n"
    "def charge(order):\n"
    "    try:\n"
    "        order.charge()\n"
    "    except Exception:\n"
    "        pass\n"
)
HANDLER_JS = "function load() {\n  try { read(); } catch (e) {}\n}\n"
PARSE_GO = (
    "package main\n"
    "\n"
    'import "strconv"\n'
    "\n"
    "func parse(s string) int {\n"
    "\tn, _ := strconv.Atoi(s)\n"
    "\treturn n\n"
    "}\n"
)
FILES = {"svc/service.py": SERVICE_PY, "web/handler.js": HANDLER_JS, "cmd/parse.go": PARSE_GO}


@pytest.fixture(scope="module")
def validator() -> jsonschema.Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def report(cli: Any, *args: str) -> dict[str, Any]:
    result = cli("check", ".", "--format", "gitlab", *args)
    assert result.returncode in (0, 1), result.stderr
    parsed: dict[str, Any] = json.loads(result.stdout)
    return parsed


def by_rule(log: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for entry in log["vulnerabilities"]:
        found.setdefault(entry["identifiers"][0]["value"], []).append(entry)
    return found


def test_the_vendored_schema_is_gitlabs_15_0_7(validator):
    schema = validator.schema
    assert schema["title"] == "Report format for GitLab SAST"
    assert schema["self"] == {"version": "15.0.7"}
    assert set(schema["required"]) == {"scan", "version", "vulnerabilities"}
    scan = {
        "analyzer": {"id": "a", "name": "A", "version": "1", "vendor": {"name": "V"}},
        "scanner": {"id": "s", "name": "S", "version": "1", "vendor": {"name": "V"}},
        "type": "sast",
        "start_time": "2024-01-02T03:04:05",
        "end_time": "2024-01-02T03:04:06",
        "status": "success",
    }
    validator.validate({"version": "15.0.7", "scan": scan, "vulnerabilities": []})
    with pytest.raises(jsonschema.ValidationError):  # a zone is not the schema's format
        validator.validate(
            {
                "version": "15.0.7",
                "scan": scan | {"end_time": "2024-01-02T03:04:06Z"},
                "vulnerabilities": [],
            }
        )
    with pytest.raises(jsonschema.ValidationError):
        bad = {"id": "x", "identifiers": [], "location": {}}
        validator.validate({"version": "15.0.7", "scan": scan, "vulnerabilities": [bad]})


def test_an_empty_run_is_a_valid_report(tmp_path, cli, validator):
    write(tmp_path, {"clean.py": CLEAN_PY})
    result = cli("check", ".", "--format", "gitlab")
    assert result.returncode == 0, result.stderr
    log = json.loads(result.stdout)
    validator.validate(log)
    assert log["version"] == "15.0.7"
    assert log["schema"].endswith("/v15.0.7/dist/sast-report-format.json")
    assert log["vulnerabilities"] == []
    scan = log["scan"]
    assert scan["type"] == "sast" and scan["status"] == "success"
    for tool in (scan["analyzer"], scan["scanner"]):
        assert tool["id"] == "forge" and tool["name"] == "Forge"
        assert tool["version"] == gitlab_version() and tool["vendor"]["name"]
    assert TIME.match(scan["start_time"]) and TIME.match(scan["end_time"])
    assert scan["start_time"] <= scan["end_time"]


def gitlab_version() -> str:
    import forge_lsp

    return forge_lsp.__version__


def test_findings_in_three_languages(tmp_path, cli, validator):
    write(tmp_path, FILES)
    log = report(cli)
    validator.validate(log)
    found = by_rule(log)
    assert {"FG402", "FG602", "FG301", "FG302"} <= set(found)
    files = {entry["location"]["file"] for entry in log["vulnerabilities"]}
    assert files == {"svc/service.py", "web/handler.js", "cmd/parse.go"}

    [tls] = found["FG402"]
    assert tls["severity"] == "High"  # error
    assert tls["category"] == "sast" and tls["name"] == "tls-verification-disabled"
    assert tls["location"] == {
        "file": "svc/service.py", "start_line": 6, "end_line": 6, "method": "fetch"
    }  # fmt: skip
    assert tls["identifiers"] == [
        {
            "type": "forge_rule",
            "name": "FG402 tls-verification-disabled",
            "value": "FG402",
        },
        {
            "type": "cwe",
            "name": "CWE-295",
            "value": "295",
            "url": "https://cwe.mitre.org/data/definitions/295.html",
        },
    ]
    assert tls["message"] and tls["description"].startswith(tls["message"] + "\n\n")
    assert tls["description"].endswith("verification switched off for outbound connections.")
    assert tls["details"]["confidence"]["value"] in {"high", "medium", "low"}

    [info] = found["FG602"]
    assert info["severity"] == "Low"  # info
    assert {f["severity"] for f in found["FG301"]} == {"Medium"}  # warning
    assert {f["location"]["file"] for f in found["FG301"]} == {"svc/service.py", "web/handler.js"}
    assert found["FG302"][0]["location"]["file"] == "cmd/parse.go"

    ids = [entry["id"] for entry in log["vulnerabilities"]]
    assert len(set(ids)) == len(ids)
    assert all(uuid.UUID(value).version == 5 for value in ids)
    for entry in log["vulnerabilities"]:
        [item] = entry["tracking"]["items"]
        assert item["signatures"] == [{"algorithm": "hash", "value": entry["id"]}]


def test_a_hint_is_info(tmp_path, cli, validator):
    write(tmp_path, {"forge.toml": '[severity]\nFG301 = "hint"\n', "web/handler.js": HANDLER_JS})
    log = report(cli)
    validator.validate(log)
    [swallowed] = by_rule(log)["FG301"]
    assert swallowed["severity"] == "Info"


def without_times(log: dict[str, Any]) -> dict[str, Any]:
    scan = {k: v for k, v in log["scan"].items() if not k.endswith("_time")}
    return log | {"scan": scan}


def test_ids_are_stable_across_runs_and_line_moves(tmp_path, cli, validator):
    write(tmp_path, FILES)
    first, second = report(cli), report(cli)
    assert without_times(first) == without_times(second)

    moved = "# a comment\n\nTIMEOUT = 5\n" + SERVICE_PY
    write(tmp_path, {"svc/service.py": moved})
    third = report(cli)
    validator.validate(third)
    before = {e["id"]: e["location"] for e in first["vulnerabilities"]}
    after = {e["id"]: e["location"] for e in third["vulnerabilities"]}
    assert set(before) == set(after)
    for identifier, location in after.items():
        shift = 3 if location["file"] == "svc/service.py" else 0
        assert location["start_line"] == before[identifier]["start_line"] + shift


def test_copies_of_one_line_get_their_own_ids(tmp_path, cli, validator):
    twice = "function load() {\n  try { read(); } catch (e) {}\n  try { read(); } catch (e) {}\n}\n"
    write(tmp_path, {"handler.js": twice, "other.js": twice})
    log = report(cli)
    validator.validate(log)
    swallowed = by_rule(log)["FG301"]
    assert len(swallowed) == 4 and len({entry["id"] for entry in swallowed}) == 4


def test_statistics_cannot_be_a_gitlab_report(tmp_path, cli):
    write(tmp_path, {"clean.py": CLEAN_PY})
    result = cli("check", ".", "--format", "gitlab", "--statistics")
    assert result.returncode == 2
    assert "--statistics cannot be combined with --format gitlab" in result.stderr
    assert result.stdout == ""


# --- the renderer itself: Claude's findings, fixes, times ------------------------------------


def at(line: int, column: int = 1) -> Position:
    return Position(line, column, column)


def reported(**fields: Any) -> Reported:
    base: dict[str, Any] = {
        "path": "app.py",
        "code": "FG101",
        "name": "sql-built-from-strings",
        "severity": "error",
        "message": "SQL built from a request value",
        "start": at(4, 5),
        "end": at(4, 30),
        "fix": None,
        "fingerprint": "0123456789abcdef0123",
        "function": "handler",
    }
    return Reported(**(base | fields))


RULES = [
    RuleInfo("FG101", "sql-built-from-strings", "SQL from strings", "error", 89, (), False, ""),
    RuleInfo("FGC300", "error-handling", "Claude's review: errors", "warning", None, (), False, ""),
]


def render_records(findings: list[Reported], **times: datetime) -> dict[str, Any]:
    parsed: dict[str, Any] = json.loads(gitlab.render(findings, RULES, version="9.9.9", **times))
    return parsed


def test_claudes_findings_have_their_own_identifier(validator):
    claude = reported(
        code="FGC300",
        name="error-handling",
        severity="warning",
        message="A non-JSON error page raises an unhandled ValueError",
        source="forge (claude)",
        fingerprint="",
        function="fetch",
    )
    log = render_records([claude, reported()])
    validator.validate(log)
    first, second = log["vulnerabilities"]  # sorted by path, line, column, code
    assert first["identifiers"][0]["value"] == "FG101"
    assert second["identifiers"] == [
        {
            "type": "forge_claude",
            "name": "FGC300 error-handling (Claude's review)",
            "value": "FGC300",
        }
    ]
    assert second["details"]["source"]["value"] == "forge (claude)"
    assert second["severity"] == "Medium"
    assert second["description"].endswith("\n\nClaude's review: errors")
    # Without a fingerprint, the id still ignores the line.
    moved = render_records([replace(claude, start=at(40), end=at(40, 9))])
    assert moved["vulnerabilities"][0]["id"] == second["id"]


def test_severities_fixes_and_lines(validator):
    fix = ReportedFix("Pass the value as a parameter", (ReportedEdit(at(4, 5), at(4, 30), "x"),))
    findings = [
        reported(severity=severity, path=f"{severity}.py", fix=fix)
        for severity in ("error", "warning", "info", "hint", "unknown")
    ]
    findings.append(reported(path="multi.py", start=at(3, 2), end=at(6, 1), function=""))
    log = render_records(findings)
    validator.validate(log)
    entries = {e["location"]["file"]: e for e in log["vulnerabilities"]}
    assert {path: e["severity"] for path, e in entries.items() if path != "multi.py"} == {
        "error.py": "High",
        "warning.py": "Medium",
        "info.py": "Low",
        "hint.py": "Info",
        "unknown.py": "Unknown",
    }
    assert entries["error.py"]["solution"] == "Pass the value as a parameter"
    # An exclusive end at a line's start stops on the line before; no function, no method.
    assert entries["multi.py"]["location"] == {"file": "multi.py", "start_line": 3, "end_line": 5}
    assert "solution" not in entries["multi.py"]


def test_times_are_utc_without_a_zone(validator):
    started = datetime(2024, 5, 6, 7, 8, 9, 999_000, tzinfo=timezone.utc)
    finished = datetime(2024, 5, 6, 9, 10, 11, tzinfo=timezone.utc).astimezone()  # local zone
    log = render_records([], started=started, finished=finished)
    validator.validate(log)
    assert log["scan"]["start_time"] == "2024-05-06T07:08:09"
    assert log["scan"]["end_time"] == "2024-05-06T09:10:11"
    assert gitlab.process_start() is None or gitlab.process_start() <= datetime.now(timezone.utc)


def test_review_writes_the_same_report(tmp_path, validator):
    """`forge-lsp review` offers `check`'s formats: its Claude findings as a GitLab report."""
    project(tmp_path, {"svc.py": CLEAN_PY})
    root = tmp_path / "project"
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "first")
    (root / "client.py").write_text(CHANGED)
    with FakeMessagesAPI(default=Reply(structured={"findings": [ON_CHANGED]})) as api:
        result = run(tmp_path, "review", "--format", "gitlab", api=api, key=new_key())
    assert result.returncode == 1, result.stderr
    log = json.loads(result.stdout)
    validator.validate(log)
    [finding] = log["vulnerabilities"]
    assert finding["identifiers"][0] == {
        "type": "forge_claude",
        "name": "FGC300 error-handling (Claude's review)",
        "value": "FGC300",
    }
    assert finding["location"]["file"] == "client.py"
    assert finding["message"] == ON_CHANGED["title"]
