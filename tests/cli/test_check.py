"""`forge-lsp check` end to end: the real CLI in a subprocess, on temp trees."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from forge_lsp.rules import registry

from .conftest import CLEAN_PY, SWALLOWED_PY, write

LINE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+) (?P<code>FG\d{3}) (?P<msg>.+)$")


def finding_lines(stdout: str) -> list[re.Match[str]]:
    lines = stdout.splitlines()
    matches = [LINE.match(line) for line in lines]
    assert all(matches), f"not in path:line:col CODE message shape: {lines}"
    return [m for m in matches if m]


# --- exit codes and the text format ----------------------------------------------------------


def test_no_findings_exits_0_with_summary(tmp_path, cli):
    write(tmp_path, {"clean.py": CLEAN_PY, "b.go": "package b\n"})
    result = cli("check", ".")
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert "No findings in 2 files" in result.stderr


def test_findings_exit_1_in_text_shape(tmp_path, cli, needs_fg301):
    write(tmp_path, {"src/bad.py": SWALLOWED_PY, "src/clean.py": CLEAN_PY})
    result = cli("check", "src")
    assert result.returncode == 1, result.stderr
    [match] = finding_lines(result.stdout)
    assert (match["path"], match["line"], match["col"], match["code"]) == (
        "src/bad.py",
        "3",
        "1",
        "FG301",
    )
    assert "Found 1 finding (1 FG301) in 2 files" in result.stderr


def test_exit_zero(tmp_path, cli, needs_fg301):
    write(tmp_path, {"bad.py": SWALLOWED_PY})
    result = cli("check", "bad.py", "--exit-zero")
    assert result.returncode == 0
    assert "FG301" in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["check"],  # no path
        ["check", "missing.py"],
        ["check", ".", "--select", "FG999"],
        ["check", ".", "--ignore", "XY1"],
        ["check", ".", "--format", "xml"],
        ["check", ".", "--jobs", "0"],
        ["check", ".", "--bogus"],
        ["rule", "FG999"],
        ["nonsense"],
        ["check", ".", "--tcp", "1:2"],
        ["--tcp", "not-a-port"],
    ],
)
def test_usage_errors_exit_2(tmp_path, cli, args):
    write(tmp_path, {"a.py": CLEAN_PY})
    result = cli(*args)
    assert result.returncode == 2, (args, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr


def test_columns_count_characters_and_paths_are_sorted(tmp_path, cli, needs_fg301):
    line = 'const s = "😀"; try { f(); } catch (e) {}\n'
    write(tmp_path, {"b/x.js": line, "a.py": SWALLOWED_PY, "c.ts": line})
    result = cli("check", "c.ts", "b", "a.py")
    matches = finding_lines(result.stdout)
    assert [m["path"] for m in matches] == ["a.py", "b/x.js", "c.ts"]
    js = matches[1]
    col = int(js["col"])
    assert line[col - 1 :].startswith("catch")  # counted in code points, not bytes


# --- selection ------------------------------------------------------------------------------


def test_select_and_ignore(tmp_path, cli, needs_fg301):
    write(tmp_path, {"bad.py": SWALLOWED_PY})
    assert cli("check", ".", "--ignore", "FG301").returncode == 0
    assert cli("check", ".", "--ignore", "FG3").returncode == 0
    assert cli("check", ".", "--select", "FG301").returncode == 1
    assert cli("check", ".", "--select", "fg3,FG301", "--ignore", "FG301").returncode == 0
    others = [r.code for r in registry.all_rules() if not r.code.startswith("FG3")]
    if others:
        assert cli("check", ".", "--select", others[0]).returncode == 0


def test_select_on_the_command_line_overrides_project_ignore(tmp_path, cli, needs_fg301):
    write(tmp_path, {"bad.py": SWALLOWED_PY, "forge.toml": 'ignore = ["FG301"]\n'})
    assert cli("check", ".").returncode == 0
    assert cli("check", ".", "--select", "FG301").returncode == 1


def test_suppression_comment_is_honoured(tmp_path, cli, needs_fg301):
    source = SWALLOWED_PY.replace("except Exception:", "except Exception:  # forge: ignore[FG301]")
    write(tmp_path, {"ok.py": source})
    assert cli("check", ".").returncode == 0


# --- which files --------------------------------------------------------------------------


def test_gitignore_hidden_folders_and_languages(tmp_path, cli, needs_fg301):
    (tmp_path / ".git").mkdir()
    write(
        tmp_path,
        {
            ".gitignore": "build/\n*.gen.py\n",
            "build/out.py": SWALLOWED_PY,
            "x.gen.py": SWALLOWED_PY,
            ".venv/lib/site.py": SWALLOWED_PY,
            "node_modules/pkg/index.js": "try { f() } catch (e) {}\n",
            "src/.gitignore": "local_*.py\n!local_keep.py\n",
            "src/local_tmp.py": SWALLOWED_PY,
            "src/local_keep.py": SWALLOWED_PY,
            "src/notes.txt": "except Exception: pass",
            "src/main.py": CLEAN_PY,
        },
    )
    result = cli("check", ".")
    assert [m["path"] for m in finding_lines(result.stdout)] == ["src/local_keep.py"]
    assert "in 2 files" in result.stderr


def test_explicit_files_are_checked_unless_force_exclude(tmp_path, cli, needs_fg301):
    (tmp_path / ".git").mkdir()
    write(tmp_path, {".gitignore": "*.gen.py\n", "x.gen.py": SWALLOWED_PY})
    assert cli("check", "x.gen.py").returncode == 1
    forced = cli("check", "x.gen.py", "--force-exclude")
    assert forced.returncode == 0
    assert "No findings in 0 files" in forced.stderr


def test_project_exclude_globs(tmp_path, cli, needs_fg301):
    write(
        tmp_path,
        {
            "pyproject.toml": '[tool.forge]\nexclude = ["legacy/**", "*_pb2.py"]\n',
            "legacy/old.py": SWALLOWED_PY,
            "api/msg_pb2.py": SWALLOWED_PY,
            "api/views.py": SWALLOWED_PY,
        },
    )
    result = cli("check", ".")
    assert [m["path"] for m in finding_lines(result.stdout)] == ["api/views.py"]
    forced = cli("check", "legacy/old.py", "--force-exclude")
    assert forced.returncode == 0


def test_config_errors_are_warned_once(tmp_path, cli):
    write(
        tmp_path,
        {
            "forge.toml": 'bogus = 1\nselect = ["FG"]\n',
            "a.py": CLEAN_PY,
            "b.py": CLEAN_PY,
            "sub/c.py": CLEAN_PY,
        },
    )
    result = cli("check", ".")
    assert result.returncode == 0
    warnings = [line for line in result.stderr.splitlines() if "warning:" in line]
    assert len(warnings) == 1 and "bogus" in warnings[0]
    assert warnings[0].startswith("forge-lsp: warning: ")


def test_explicit_config_file(tmp_path, cli, needs_fg301):
    write(tmp_path, {"bad.py": SWALLOWED_PY, "ci/forge.toml": 'ignore = ["FG301"]\n'})
    assert cli("check", ".", "--config", "ci/forge.toml").returncode == 0
    assert cli("check", ".", "--config", "ci/missing.toml").returncode == 2


def test_big_files_are_skipped_with_a_note(tmp_path, cli, needs_fg301):
    write(
        tmp_path,
        {
            "forge.toml": "max-file-size = 1000\n",
            "big.py": SWALLOWED_PY + "# padding\n" * 100,
            "small.py": CLEAN_PY,
        },
    )
    result = cli("check", ".")
    assert result.returncode == 0
    assert "skipped big.py" in result.stderr and "max-file-size" in result.stderr
    assert "No findings in 1 file" in result.stderr


def test_a_size_limit_out_of_range_is_reported_and_the_default_applies(tmp_path, cli, needs_fg301):
    write(tmp_path, {"forge.toml": "max-file-size = 200\n", "big.py": SWALLOWED_PY * 10})
    result = cli("check", ".")
    assert result.returncode == 1, result.stderr  # checked: the default limit is 1,000,000
    assert "max-file-size: expected a whole number of bytes from 1,000 to 10,000,000, got 200" in (
        result.stderr
    )


def test_unreadable_and_invalid_utf8_files_do_not_crash(tmp_path, cli, needs_fg301):
    invalid = b"# \xff\xfe latin-1 \xe9 here\n" + SWALLOWED_PY.encode()
    write(tmp_path, {"invalid.py": invalid, "ok.py": CLEAN_PY})
    _make_unreadable(tmp_path / "locked.py")
    result = cli("check", ".", "--format", "json")
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "cannot read locked.py" in result.stderr
    [finding] = json.loads(result.stdout)
    assert (finding["path"], finding["line"], finding["code"]) == ("invalid.py", 4, "FG301")
    assert "in 2 files" in result.stderr


def _make_unreadable(path: Path) -> None:
    """A file whose read fails, even for root (who ignores chmod 0)."""
    if os.geteuid() != 0:
        path.write_text(SWALLOWED_PY)
        path.chmod(0)
    elif Path("/proc/self/mem").is_file():
        path.symlink_to("/proc/self/mem")  # reading offset 0 of a process's memory: EIO
    else:
        pytest.skip("no way to make an unreadable file as root here")


@pytest.mark.parametrize("jobs", ["1", "3"])
def test_jobs_give_the_same_output(tmp_path, cli, jobs, needs_fg301):
    write(tmp_path, {f"pkg/m{i:02d}.py": SWALLOWED_PY if i % 3 else CLEAN_PY for i in range(30)})
    result = cli("check", ".", "--jobs", jobs)
    paths = [m["path"] for m in finding_lines(result.stdout)]
    assert paths == sorted(paths) and len(paths) == 20
    assert "Found 20 findings (20 FG301) in 30 files" in result.stderr


def test_output_file_and_statistics(tmp_path, cli, needs_fg301):
    write(tmp_path, {"a.py": SWALLOWED_PY, "b.py": SWALLOWED_PY})
    result = cli("check", ".", "--output", "report.txt")
    assert result.stdout == ""
    assert len(finding_lines((tmp_path / "report.txt").read_text())) == 2
    stats = cli("check", ".", "--statistics")
    assert re.match(r"^2\s+FG301\s+swallowed-exception", stats.stdout)
    stats_json = json.loads(cli("check", ".", "--statistics", "--format", "json").stdout)
    assert stats_json[0]["code"] == "FG301" and stats_json[0]["count"] == 2


# --- JSON ------------------------------------------------------------------------------------


def test_json_format(tmp_path, cli, needs_fg301):
    write(tmp_path, {"bad.py": SWALLOWED_PY, "clean.py": CLEAN_PY})
    result = cli("check", ".", "--format", "json")
    assert result.returncode == 1
    [finding] = json.loads(result.stdout)
    assert set(finding) == {
        "path",
        "line",
        "column",
        "endLine",
        "endColumn",
        "code",
        "name",
        "severity",
        "message",
        "fix",
        "source",
        "confidence",
        "fingerprint",
    }
    assert finding["path"] == "bad.py"
    assert re.fullmatch("[0-9a-f]{20}", finding["fingerprint"])
    assert (finding["line"], finding["column"]) == (3, 1)
    assert finding["code"] == "FG301" and finding["name"] == registry.get("FG301").name
    assert finding["severity"] in {"error", "warning", "info", "hint"}
    assert finding["fix"] is None or {"title", "edits"} <= set(finding["fix"])


def test_json_with_no_findings_is_an_empty_list(tmp_path, cli):
    write(tmp_path, {"clean.py": CLEAN_PY})
    result = cli("check", ".", "--format", "json")
    assert json.loads(result.stdout) == []


# --- rules, rule, version -------------------------------------------------------------------


def test_rules_and_rule_commands(tmp_path, cli):
    codes = [rule.code for rule in registry.all_rules()]
    table = cli("rules")
    assert table.returncode == 0
    assert table.stdout.splitlines()[0].split() == [
        "CODE",
        "NAME",
        "SEVERITY",
        "LANGUAGES",
        "SUMMARY",
    ]
    listed = json.loads(cli("rules", "--format", "json").stdout)
    listed_codes = [row["code"] for row in listed]
    # Rules may be added while the suite runs: every known rule is listed, in code order.
    assert set(codes) <= set(listed_codes) and listed_codes == sorted(listed_codes)
    for code in codes[:3]:
        doc = cli("rule", code.lower())
        assert doc.returncode == 0
        # The header only: other engineers may be editing rule docs while this runs.
        assert doc.stdout.splitlines()[0] == registry.get(code).markdown().splitlines()[0]


def test_version(tmp_path, cli):
    from forge_lsp import __version__

    result = cli("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"forge-lsp {__version__}"
