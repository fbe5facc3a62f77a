"""JavaScript and TypeScript flow shapes, as pairs: the flagged shape and the safe one."""

from __future__ import annotations

from textwrap import dedent

import pytest

from forge_lsp.dataflow import facts
from tests.unit.dataflow.helpers import origins, parse, sinks, values

LANGUAGES = ["javascript", "typescript", "tsx"]


def one(language: str, code: str) -> facts.Value:
    found = values(language, dedent(code))
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_branch_merge(language: str) -> None:
    code = """
        function f(c, req) {
          let q = "a";
          if (c) { q = "b"; } else if (c > 1) { q = "c"; } else { q = %s; }
          sink(q);
        }
    """
    assert facts.is_constant(one(language, code % "`x${q}`"))
    assert facts.untrusted(one(language, code % "req.query.q"))
    declared = (
        "function f(c, req) {\n  let q;\n  if (c) { q = 'a'; } else { q = %s; }\n  sink(q);\n}\n"
    )
    assert facts.constant_texts(one(language, declared % "'b'")) == {"a", "b"}
    assert facts.untrusted(one(language, declared % "req.cookies.q"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_reassignment_after_a_null_check(language: str) -> None:
    value = one(
        language,
        """
        app.get("/u", (req, res) => {
          let p = req.query.name;
          if (p == null) { p = ""; }
          sink(p);
        });
        """,
    )
    assert [f.detail for f in facts.untrusted(value)] == ["req.query"]
    replaced = one(
        language, 'function f(req) {\n  let p = req.query.n;\n  p = "";\n  sink(p);\n}\n'
    )
    assert facts.is_constant(replaced)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_loop(language: str) -> None:
    code = """
        function f(ks, req) {
          let s = "";
          for (const k of ks) { s += %s; }
          sink(s);
        }
    """
    assert facts.is_constant(one(language, code % '"x"'))
    assert facts.untrusted(one(language, code % "req.body.k"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_collection_put_and_get_and_a_builder(language: str) -> None:
    code = """
        function f(req) {
          const parts = [];
          parts.push("a");
          parts.push(%s);
          const m = {};
          m["k"] = %s;
          sink(parts.join(",") + m.k);
        }
    """
    assert facts.is_constant(one(language, code % ('"b"', '"c"')))
    assert facts.untrusted(one(language, code % ('"b"', "req.params.id")))
    assert facts.untrusted(one(language, code % ("req.params.id", '"c"')))


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_same_file_helper(language: str) -> None:
    code = """
        const wrap = (x) => "pre" + x;
        function read(req) { return req.query.t; }
        function f(req) { sink(%s); }
    """
    assert facts.is_constant(one(language, code % 'wrap("t")'))
    assert facts.untrusted(one(language, code % "wrap(req.query.t)"))
    assert facts.untrusted(one(language, code % "read(req)"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_dead_branch_and_a_switch_with_default(language: str) -> None:
    code = """
        const DEBUG = false;
        function f(req, x) {
          let q = "a";
          if (%s) { q = req.query.q; }
          switch (x) { case 1: q = "z"; break; default: q = q + "w"; }
          sink(q);
        }
    """
    for condition in ("false", "DEBUG", "5 < 3", "!true"):
        assert facts.is_constant(one(language, code % condition)), condition
    assert facts.untrusted(one(language, code % "x"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_sanitizers_and_allow_lists(language: str) -> None:
    code = """
        const ALLOWED = ["name", "age"];
        function f(req, res) {
          const c = req.query.c;
          %s
        }
    """
    assert origins(one(language, code % "sink(parseInt(c));")) == {"sanitized"}
    assert origins(one(language, code % "sink(mysql.escapeId(c));")) == {"sanitized"}
    assert origins(one(language, code % "if (ALLOWED.includes(c)) { sink(c); }")) == {"sanitized"}
    guarded = "if (!ALLOWED.includes(c)) { return res.status(400).end(); }\n sink(c);"
    assert origins(one(language, code % guarded)) == {"sanitized"}
    unguarded = "if (!ALLOWED.includes(c)) { console.log(c); }\n sink(c);"
    assert facts.untrusted(one(language, code % unguarded))
    assert facts.untrusted(one(language, code % "sink(c.trim());"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_destructuring_a_request(language: str) -> None:
    value = one(
        language, "function f(req) {\n  const { id, name: n } = req.params;\n  sink(n);\n}\n"
    )
    assert origins(value) == {"untrusted"}


@pytest.mark.parametrize("language", ["typescript", "tsx"])
def test_a_nestjs_handler_parameter(language: str) -> None:
    code = """
        class C {
          @Get(":id")
          find(@Param("id") id: string, other: string) { sink(%s); }
        }
    """
    assert facts.untrusted(one(language, code % "id"))
    assert origins(one(language, code % "other")) == {"parameter"}


def test_a_queue_callback_body_is_untrusted() -> None:
    value = one("javascript", 'channel.consume("q", (msg) => { sink(msg.content); });\n')
    assert facts.untrusted(value)


def test_try_catch_and_throw() -> None:
    code = """
        function f(req) {
          let v = "a";
          try { v = req.query.v; g(); } catch (e) { sink(v); }
        }
    """
    assert facts.untrusted(one("javascript", code))
    flow, tree = parse("javascript", "function f() { throw new Error(); sink(1); }\n")
    assert flow.is_dead(sinks(tree)[0].call)
