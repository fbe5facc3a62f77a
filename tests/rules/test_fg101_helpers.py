"""FG101 across same-file helpers: SQL built in a helper is reported where the data enters it.

The flow fixtures (`tests/fixtures/rules/FG101/<lang>/flows_*`) show each shape once per
language; these tests pin the decisions around them: which helpers lose their own finding, and
which calls get one.
"""

from __future__ import annotations

from textwrap import dedent

from forge_lsp.config.selection import RuleSelection
from forge_lsp.core import languages
from forge_lsp.engine import checker

ONLY_FG101 = RuleSelection(select=("FG101",))


def findings(code: str, language: str = "python") -> list[tuple[int, str, str]]:
    """(one-based line, severity, message) of every FG101 finding."""
    result = checker.check(dedent(code).encode(), languages.LANGUAGES[language], ONLY_FG101)
    return sorted(
        (f.start.line + 1, f.severity.name.lower(), f.message)
        for f in result.findings
        if f.code == "FG101"
    )


HELPER = """
from flask import request


def {name}(cur, email):
    cur.execute("SELECT id FROM users WHERE email = '" + email + "'")

"""


def test_a_private_helper_only_given_constants_has_no_finding() -> None:
    code = HELPER.format(name="_find") + "def f(cur):\n    _find(cur, 'a@b.c')\n"
    assert findings(code) == []


def test_a_public_helper_keeps_its_finding_whatever_its_callers_pass() -> None:
    code = HELPER.format(name="find") + "def f(cur):\n    find(cur, 'a@b.c')\n"
    assert [(line, sev) for line, sev, _ in findings(code)] == [(6, "warning")]


def test_a_private_helper_with_no_caller_in_the_file_keeps_its_finding() -> None:
    assert [sev for _, sev, _ in findings(HELPER.format(name="_find"))] == ["warning"]


def test_a_caller_passing_its_own_parameter_keeps_the_warning_and_adds_nothing() -> None:
    code = HELPER.format(name="_find") + "def f(cur, who):\n    _find(cur, who)\n"
    assert [(line, sev) for line, sev, _ in findings(code)] == [(6, "warning")]


def test_an_untrusted_argument_is_an_error_at_the_call() -> None:
    code = HELPER.format(name="_find") + "def f(cur):\n    _find(cur, request.args['e'])\n"
    found = findings(code)
    assert [(line, sev) for line, sev, _ in found] == [(6, "warning"), (9, "error")]
    assert "reaches SQL built in `_find()` 4 lines above" in found[1][2]
    assert "`request.args`" in found[1][2]


def test_a_helper_returning_sql_is_read_with_the_callers_arguments() -> None:
    code = """
        from flask import request


        def by_name(n):
            return "SELECT id FROM users WHERE name = '" + n + "'"


        def constant(cur):
            cur.execute(by_name("bob"))


        def parameter(cur, who):
            cur.execute(by_name(who))


        def untrusted(cur):
            cur.execute(by_name(request.args["n"]))
    """
    found = findings(code)
    assert [(line, sev) for line, sev, _ in found] == [(14, "warning"), (18, "error")]
    assert "the helper `by_name()` (9 lines above)" in found[0][2]


def test_a_recursive_helper_is_not_followed_forever() -> None:
    code = """
        def build(n, depth):
            if depth == 0:
                return "SELECT id FROM t WHERE a = '" + n + "'"
            return build(n, depth - 1)


        def f(cur, who):
            cur.execute(build(who, 3))
    """
    assert [sev for _, sev, _ in findings(code)] == ["warning"]


def test_go_method_helpers_through_the_receiver() -> None:
    code = """
        package shop

        import "net/http"

        func (s *Store) countRows(table string) {
            rows, err := s.db.Query("SELECT count(*) FROM " + table)
            if err == nil {
                rows.Close()
            }
        }

        func (s *Store) findOrders(email string) {
            rows, err := s.db.Query("SELECT id FROM orders WHERE email = '" + email + "'")
            if err == nil {
                rows.Close()
            }
        }

        func (s *Store) Handle(w http.ResponseWriter, r *http.Request) {
            s.countRows("users")
            s.findOrders(r.FormValue("email"))
        }
    """
    found = findings(code, "go")
    assert [(line, sev) for line, sev, _ in found] == [(14, "warning"), (22, "error")]
