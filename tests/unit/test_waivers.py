"""Other tools' waiver comments (`forge_lsp/engine/waivers.py`): a waiver of the same check drops
the Forge finding on its line, any other waiver leaves it; and docs/waivers.md shows the table
the code reads."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import tree_sitter

from forge_lsp.core import languages
from forge_lsp.engine import checker, incremental, recheck, waivers
from forge_lsp.rules import registry

DOC = Path(__file__).resolve().parents[2] / "docs" / "waivers.md"
ALL_RULES = checker.RuleSelection()

# Each snippet has the finding under test on the line that holds WAIVER, which each case
# replaces with the comment it tries ("" for none: the finding is there to be waived).
PY_SQL = (
    b"def find(cursor, email):\n"
    b"    cursor.execute(f\"SELECT id FROM users WHERE email = '{email}'\")WAIVER\n"
)
PY_PASSWORD = b'def connect():\n    db_password = "hunter2"WAIVER\n    return db_password\n'
PY_PRINT = b"def handle(order):\n    print(order)WAIVER\n    return order\n"
PY_LOG = (
    b"import logging\n\nlogger = logging.getLogger(__name__)\n\n\n"
    b"def login(user, password):\n"
    b'    logger.info("login %s %s", user, password)WAIVER\n'
)
GO_EXEC = (
    b'package store\n\nimport "database/sql"\n\n'
    b"func Purge(db *sql.DB) {\n"
    b'\tdb.Exec("DELETE FROM sessions")WAIVER\n'
    b"}\n"
)
GO_SQL = (
    b'package store\n\nimport (\n\t"database/sql"\n\t"fmt"\n)\n\n'
    b"func Find(db *sql.DB, table string) (*sql.Rows, error) {\n"
    b'\treturn db.Query(fmt.Sprintf("SELECT * FROM %s", table))WAIVER\n'
    b"}\n"
)
GO_MD5 = (
    b'package auth\n\nimport "crypto/md5"\n\n'
    b"func Hash(password string) []byte {\n"
    b"\th := md5.Sum([]byte(password))WAIVER\n"
    b"\treturn h[:]\n"
    b"}\n"
)
SCRIPT_SQL = (
    b'const express = require("express");\n'
    b"function find(db, req) {\n"
    b'  return db.query("SELECT * FROM t WHERE id = " + req.query.id);WAIVER\n'
    b"}\n"
)
TS_SQL = (
    b'import express from "express";\n'
    b"export function find(db: any, req: any) {\n"
    b'  return db.query("SELECT * FROM t WHERE id = " + req.query.id);WAIVER\n'
    b"}\n"
)
JAVA_SQL = (
    b"class Repo {\n"
    b"    void find(java.sql.Statement stmt, String id) throws Exception {\n"
    b'        stmt.executeQuery("SELECT * FROM t WHERE id = " + id);WAIVER\n'
    b"    }\n"
    b"}\n"
)
KOTLIN_SQL = (
    b"fun find(stmt: java.sql.Statement, id: String) {\n"
    b'    stmt.executeQuery("SELECT * FROM t WHERE id = " + id)WAIVER\n'
    b"}\n"
)
RUST_SQL = (
    b"fn find(conn: &mut postgres::Client, id: &str) {\n"
    b'    conn.query(&format!("SELECT * FROM t WHERE id = {}", id), &[]);WAIVER\n'
    b"}\n"
)


def found(language: str, snippet: bytes, waiver: str) -> list[str]:
    """The codes Forge reports on `snippet` with `waiver` written where it says WAIVER."""
    spec = languages.LANGUAGES[language]
    source = snippet.replace(b"WAIVER", waiver.encode())
    result = checker.check(source, spec, ALL_RULES, path=f"svc/app{spec.extensions[0]}")
    return [finding.code for finding in result.findings]


CASES = [
    # bandit
    ("python", PY_SQL, "", "FG101", False),
    ("python", PY_SQL, "  # nosec", "FG101", True),
    ("python", PY_SQL, "  # nosec B608", "FG101", True),
    ("python", PY_SQL, "  # nosec: B608, B105", "FG101", True),
    ("python", PY_SQL, "  # nosec B105 B608", "FG101", True),
    ("python", PY_SQL, "  # nosec hardcoded_sql_expressions", "FG101", True),
    ("python", PY_SQL, "  # nosec - the table is an enum", "FG101", True),  # prose: bare
    ("python", PY_SQL, "  # noqa: E501  # nosec B608", "FG101", True),
    ("python", PY_SQL, "  # nosec B105", "FG101", False),
    ("python", PY_SQL, "  # nosec hardcoded_password_string", "FG101", False),
    ("python", PY_SQL, "  # nosec B602", "FG101", False),
    ("python", PY_SQL, "  # nosec subprocess_popen_with_shell_equals_true", "FG101", False),
    ("python", PY_SQL, "  # NOSEC", "FG101", False),  # bandit reads lower case only
    ("python", PY_PASSWORD, "", "FG201", False),
    ("python", PY_PASSWORD, "  # nosec B105", "FG201", True),
    ("python", PY_PASSWORD, "  # nosec: hardcoded_password_string", "FG201", True),
    ("python", PY_PASSWORD, "  # nosec B608", "FG201", False),
    ("python", PY_PRINT, "", "FG602", False),
    ("python", PY_PRINT, "  # nosec", "FG602", False),  # bandit has no such check
    # ruff and flake8
    ("python", PY_SQL, "  # noqa: S608", "FG101", True),
    ("python", PY_SQL, "  # NOQA:S608", "FG101", True),
    ("python", PY_SQL, "  # noqa: E501, S608", "FG101", True),
    ("python", PY_SQL, "  # noqa:E501 S608 reviewed", "FG101", True),
    ("python", PY_SQL, "  # noqa", "FG101", True),
    ("python", PY_SQL, "  # noqa - reviewed", "FG101", True),
    ("python", PY_SQL, "  # noqa S608", "FG101", True),
    ("python", PY_SQL, "  # noqa: E501", "FG101", False),
    ("python", PY_SQL, "  # noqa: E501 since S608 is handled", "FG101", False),
    ("python", PY_SQL, "  # noqa E501", "FG101", False),  # read as naming E501, not bare
    ("python", PY_SQL, "  # noqa:", "FG101", False),  # invalid to ruff: waives nothing
    ("python", PY_SQL, "  # noqa: s608", "FG101", False),  # invalid to ruff too
    ("python", PY_SQL, "  # ruff: noqa: S608", "FG101", False),  # file-wide: not read
    ("python", PY_PASSWORD, "  # noqa: S105", "FG201", True),
    ("python", PY_PRINT, "  # noqa: T201", "FG602", True),
    ("python", PY_PRINT, "  # noqa", "FG602", True),
    ("python", PY_LOG, "", "FG601", False),
    ("python", PY_LOG, "  # noqa", "FG601", False),  # no tool has FG601's check
    ("python", PY_LOG, "  # nosec", "FG601", False),
    ("python", PY_LOG, "  # NOSONAR", "FG601", False),
    # Go tools, in Python
    ("python", PY_SQL, "  # nolint:gosec", "FG101", False),
    # gosec
    ("go", GO_EXEC, "", "FG303", False),
    ("go", GO_EXEC, " // #nosec G104", "FG303", True),
    ("go", GO_EXEC, " /* #nosec G104 */", "FG303", True),
    ("go", GO_EXEC, " // #nosec -- cleanup, a failure changes nothing", "FG303", True),
    ("go", GO_EXEC, " // #nosec G201", "FG303", False),
    ("go", GO_EXEC, " // #nosec -- not G104 but G201", "FG303", True),  # ids after -- are prose
    ("go", GO_EXEC, " // see #nosec G104 in the docs", "FG303", False),  # not at the start
    ("go", GO_SQL, "", "FG101", False),
    ("go", GO_SQL, " // #nosec G201 G101", "FG101", True),
    ("go", GO_SQL, " //#nosec G401", "FG101", False),
    ("go", GO_SQL, " // nosec", "FG101", False),
    ("go", GO_SQL, " // noqa", "FG101", False),
    ("go", GO_MD5, "", "FG501", False),
    ("go", GO_MD5, " //#nosec G401", "FG501", True),
    ("go", GO_MD5, " //#nosec G201", "FG501", False),
    # golangci-lint
    ("go", GO_EXEC, " //nolint:errcheck", "FG303", True),
    ("go", GO_EXEC, " //nolint:gosec", "FG303", True),
    ("go", GO_EXEC, " //nolint:gosec,errcheck // startup cleanup", "FG303", True),
    ("go", GO_EXEC, " // nolint:errcheck", "FG303", True),
    ("go", GO_EXEC, " //nolint", "FG303", True),
    ("go", GO_EXEC, " //nolint // best effort", "FG303", True),
    ("go", GO_EXEC, " //nolint:all", "FG303", True),
    ("go", GO_EXEC, " //nolint:govet,ineffassign", "FG303", False),
    ("go", GO_EXEC, " // nolintlint is configured elsewhere", "FG303", False),
    ("go", GO_SQL, " //nolint:gosec // the table name is a constant", "FG101", True),
    ("go", GO_SQL, " //nolint:errcheck", "FG101", False),
    # Sonar
    ("python", PY_SQL, "  # NOSONAR", "FG101", True),
    ("python", PY_SQL, "  # NOSONAR(S3649)", "FG101", True),
    ("python", PY_SQL, "  # NOSONAR(S1481)", "FG101", False),
    ("go", GO_SQL, " // NOSONAR", "FG101", True),
    ("go", GO_EXEC, " // NOSONAR", "FG303", False),  # Sonar has no equivalent of FG303
    ("javascript", SCRIPT_SQL, "", "FG101", False),
    ("javascript", SCRIPT_SQL, " // NOSONAR", "FG101", True),
    ("javascript", SCRIPT_SQL, " /* NOSONAR: the router validates id */", "FG101", True),
    ("typescript", TS_SQL, "", "FG101", False),
    ("typescript", TS_SQL, " // NOSONAR", "FG101", True),
    ("tsx", TS_SQL, "", "FG101", False),
    ("tsx", TS_SQL, " // NOSONAR", "FG101", True),
    ("java", JAVA_SQL, "", "FG101", False),
    ("java", JAVA_SQL, " // NOSONAR", "FG101", True),
    ("java", JAVA_SQL, " /* NOSONAR */", "FG101", True),
    ("kotlin", KOTLIN_SQL, "", "FG101", False),
    ("kotlin", KOTLIN_SQL, " // NOSONAR", "FG101", True),
    ("rust", RUST_SQL, "", "FG101", False),
    ("rust", RUST_SQL, " // NOSONAR", "FG101", True),
    # gosec's and golangci-lint's waivers mean nothing outside Go
    ("javascript", SCRIPT_SQL, " // #nosec", "FG101", False),
    ("javascript", SCRIPT_SQL, " //nolint", "FG101", False),
    ("typescript", TS_SQL, " //nolint:gosec", "FG101", False),
    ("tsx", TS_SQL, " // #nosec G201", "FG101", False),
    ("java", JAVA_SQL, " //nolint", "FG101", False),
    ("java", JAVA_SQL, " // #nosec G202", "FG101", False),
    ("kotlin", KOTLIN_SQL, " //nolint", "FG101", False),
    ("rust", RUST_SQL, " //nolint", "FG101", False),
    ("rust", RUST_SQL, " // #nosec", "FG101", False),
]


@pytest.mark.parametrize(
    ("language", "snippet", "waiver", "code", "waived"),
    CASES,
    ids=[f"{case[0]}-{case[3]}-{case[2].strip() or 'none'}" for case in CASES],
)
def test_a_waiver_drops_only_the_same_check(
    language: str, snippet: bytes, waiver: str, code: str, waived: bool
) -> None:
    assert (code not in found(language, snippet, waiver)) is waived


@pytest.mark.parametrize(
    ("language", "source", "code"),
    [
        (
            "python",
            b"def find(cursor, email):\n"
            b"    cursor.execute(f\"SELECT id FROM t WHERE e = '{email}' -- # nosec # noqa\")\n",
            "FG101",
        ),
        (
            "go",
            b'package store\n\nimport (\n\t"database/sql"\n\t"fmt"\n)\n\n'
            b"func Find(db *sql.DB, table string) (*sql.Rows, error) {\n"
            b'\treturn db.Query(fmt.Sprintf("SELECT * FROM %s -- //nolint #nosec", table))\n'
            b"}\n",
            "FG101",
        ),
        (
            "java",
            b"class Repo {\n"
            b"    void find(java.sql.Statement stmt, String id) throws Exception {\n"
            b'        stmt.executeQuery("SELECT * /* NOSONAR */ FROM t WHERE id = " + id);\n'
            b"    }\n"
            b"}\n",
            "FG101",
        ),
    ],
)
def test_a_waiver_inside_a_string_waives_nothing(language: str, source: bytes, code: str) -> None:
    spec = languages.LANGUAGES[language]
    result = checker.check(source, spec, ALL_RULES, path=f"svc/app{spec.extensions[0]}")
    assert code in [finding.code for finding in result.findings]
    assert waivers.find_waivers(source, result.tree.root_node) == {}


def _tree(language: str, source: bytes) -> tree_sitter.Tree:
    return checker.parse(languages.LANGUAGES[language], source)


def test_waivers_are_keyed_by_the_line_of_their_marker() -> None:
    source = b"x = 1\ny = 2  # nosec B608\nz = 3  # noqa\n"
    found = waivers.find_waivers(source, _tree("python", source).root_node)
    assert found[1] == {"FG101"}
    assert found[2] == waivers.waived_codes("ruff", None)
    assert set(found) == {1, 2}
    # In a block comment, the line of the tag, not the line the comment starts on.
    go = b"package a\n\n/* cleanup\n   #nosec G104 */\n"
    assert waivers.find_waivers(go, _tree("go", go).root_node) == {3: {"FG302", "FG303"}}


def test_a_file_without_markers_is_skipped_before_its_comments_are_read() -> None:
    source = b"# a comment\nx = 1  # another\n"
    assert waivers.find_waivers(source, _tree("python", source).root_node) == {}


def test_a_waiver_typed_into_a_function_is_honoured_by_the_partial_recheck() -> None:
    spec = languages.LANGUAGES["python"]
    source = PY_SQL.replace(b"WAIVER", b"") + b"\n\ndef other():\n    return 1\n"
    previous = checker.check(source, spec, ALL_RULES)
    assert [f.code for f in previous.findings] == ["FG101"]
    new = source.replace(b"'{email}'\")", b"'{email}'\")  # nosec B608")
    edit = incremental.diff(source, new)
    assert edit is not None
    before = previous.tree.copy()
    incremental.edit_tree(previous.tree, edit)
    result = recheck.check_after_edit(
        new, spec, ALL_RULES, previous.tree, edit, previous.findings, old_tree=before
    )
    assert result.partial
    assert result.findings == []


# --- the table -------------------------------------------------------------------------------

ID_SHAPES = {
    "bandit": r"B\d{3}",
    "ruff": r"[A-Z]+\d+",
    "gosec": r"G\d{3}",
    "golangci": r"[a-z]+",
    "sonar": r"S\d+",
}


def test_the_table_names_real_rules_and_ids_in_the_form_the_parsers_give() -> None:
    codes = {rule.code for rule in registry.all_rules()}
    assert set(waivers.TABLE) <= codes
    assert set(ID_SHAPES) == set(waivers.TOOLS)
    for code, equivalents in waivers.TABLE.items():
        assert any(getattr(equivalents, tool) for tool in waivers.TOOLS), code
        for tool, shape in ID_SHAPES.items():
            for id_ in getattr(equivalents, tool):
                assert re.fullmatch(shape, id_), (code, tool, id_)
        assert set(equivalents.bandit) <= set(waivers.BANDIT_NAMES.values()), code


def test_golangci_lint_runs_gosec_for_every_rule_with_a_gosec_id() -> None:
    for code, equivalents in waivers.TABLE.items():
        assert bool(equivalents.gosec) == ("gosec" in equivalents.golangci), code


def test_a_bare_waiver_covers_exactly_the_rules_its_tool_has() -> None:
    for tool in waivers.TOOLS:
        expected = {code for code, eq in waivers.TABLE.items() if getattr(eq, tool)}
        assert waivers.waived_codes(tool, None) == expected
        assert waivers.waived_codes(tool, frozenset({"NOT-AN-ID"})) == set()


def _doc_table() -> dict[str, waivers.Equivalents]:
    """The rows of the table in docs/waivers.md whose first cell is a Forge code."""
    rows = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip().replace("`", "") for cell in line.strip().strip("|").split("|")]
        if re.fullmatch(r"FG\d{3}", cells[0]):
            ids = [() if cell == "—" else tuple(cell.split(", ")) for cell in cells[1:]]
            rows[cells[0]] = waivers.Equivalents(*ids)
    return rows


def test_the_doc_shows_the_table_the_code_reads() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert "| Forge rule | bandit | ruff | gosec | golangci-lint | Sonar |" in text
    assert _doc_table() == waivers.TABLE
