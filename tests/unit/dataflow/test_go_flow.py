"""Go flow shapes, as pairs: the flagged shape and the safe one."""

from __future__ import annotations

from textwrap import dedent

from forge_lsp.dataflow import facts
from forge_lsp.dataflow.facts import Origin
from tests.unit.dataflow.helpers import origins, parse, sinks, values

HEAD = """
package main

const DEBUG = false
const table = "users"

var allowed = map[string]bool{"name": true, "age": true}
var cols = map[string]string{"n": "name", "a": "age"}
"""


def one(code: str) -> facts.Value:
    found = values("go", HEAD + dedent(code))
    assert len(found) == 1, found
    return found[0]


def test_a_branch_merge() -> None:
    code = """
        func f(r *http.Request, c bool) {
            q := "a"
            if c {
                q = "b"
            } else {
                q = %s
            }
            sink(q)
        }
    """
    assert facts.is_constant(one(code % '"c" + q'))
    assert facts.untrusted(one(code % 'r.FormValue("q")'))


def test_a_reassignment_after_an_empty_check() -> None:
    value = one(
        """
        func f(w http.ResponseWriter, r *http.Request) {
            p := r.URL.Query().Get("n")
            if p == "" {
                p = "default"
            }
            sink(p)
        }
        """
    )
    assert [f.detail for f in facts.untrusted(value)] == ["r.URL.Query()"]
    assert Origin.CONSTANT in {f.origin for f in value}


def test_a_loop() -> None:
    code = """
        func f(r *http.Request, ks []string) {
            s := ""
            for _, k := range ks {
                s += %s
            }
            sink(s)
        }
    """
    assert facts.is_constant(one(code % '"x"'))
    assert facts.untrusted(one(code % 'r.FormValue("k")'))
    assert origins(one(code % "k")) == {"constant", "parameter"}


def test_a_collection_put_and_get() -> None:
    code = """
        func f(r *http.Request) {
            m := map[string]string{}
            m["k"] = %s
            xs := []string{"a"}
            xs = append(xs, m["k"])
            sink(strings.Join(xs, ","))
        }
    """
    assert facts.is_constant(one(code % '"v"'))
    assert facts.untrusted(one(code % 'r.PostFormValue("v")'))


def test_a_builder() -> None:
    code = """
        func f(r *http.Request) {
            var b strings.Builder
            b.WriteString("SELECT * FROM ")
            b.WriteString(%s)
            fmt.Fprintf(&b, " LIMIT %%d", 10)
            sink(b.String())
        }
    """
    assert facts.is_constant(one(code % "table"))
    assert facts.untrusted(one(code % 'r.Header.Get("X-Table")'))


def test_a_same_file_helper_and_its_summary() -> None:
    code = """
        func wrap(x string) string { return "pre" + x }
        func read(r *http.Request) string { return r.FormValue("x") }
        func check() error { return nil }
        func f(r *http.Request) { sink(%s) }
    """
    assert facts.is_constant(one(code % 'wrap("t")'))
    assert facts.untrusted(one(code % 'wrap(r.FormValue("t"))'))
    assert facts.untrusted(one(code % "read(r)"))
    flow, _ = parse("go", HEAD + dedent(code % "1"))
    check = flow.summary("check")
    wrap = flow.summary("wrap")
    assert check is not None and check.returns_error
    assert wrap is not None and not wrap.returns_error


def test_a_dead_branch() -> None:
    code = """
        func f(r *http.Request) {
            q := "a"
            if %s {
                q = r.FormValue("q")
            }
            sink(q)
        }
    """
    for condition in ("false", "DEBUG", "1 == 2", "!true"):
        assert facts.is_constant(one(code % condition)), condition
    assert facts.untrusted(one(code % 'q == ""'))


def test_sanitizers() -> None:
    code = """
        func f(r *http.Request) {
            n, err := %s(r.FormValue("n"))
            sink(n)
        }
    """
    assert origins(one(code % "strconv.Atoi")) == {"sanitized"}
    assert origins(one(code % "pq.QuoteIdentifier")) == {"sanitized"}
    assert facts.untrusted(one(code % "strings.TrimSpace"))


def test_allow_lists() -> None:
    code = """
        func f(r *http.Request, keys []string) {
            c := r.FormValue("c")
            %s
            sink(c)
        }
    """
    comma_ok = "if _, ok := allowed[c]; !ok {\n\t\treturn\n\t}"
    assert origins(one(code % comma_ok)) == {"sanitized"}
    contains = "if !slices.Contains(allowedColumns, c) {\n\t\treturn\n\t}"
    assert origins(one(code % contains)) == {"sanitized"}
    logged = "if !slices.Contains(allowedColumns, c) {\n\t\tlog.Print(c)\n\t}"
    assert facts.untrusted(one(code % logged))
    assert origins(one(code.replace("sink(c)", "sink(cols[c])") % "")) == {"sanitized"}


def test_handler_parameters_by_framework() -> None:
    gin = one('func h(c *gin.Context) {\n\tsink(c.Query("id"))\n}\n')
    assert facts.untrusted(gin)[0].detail == "a gin request parameter"
    bound = one(
        """
        func h(c *gin.Context) {
            var body Req
            if err := c.ShouldBindJSON(&body); err != nil {
                return
            }
            sink(body.Name)
        }
        """
    )
    assert facts.untrusted(bound)
    echo = one('func h(c echo.Context) error {\n\tsink(c.QueryParam("q"))\n\treturn nil\n}\n')
    assert facts.untrusted(echo)
    vars_ = one('func h(w http.ResponseWriter, r *http.Request) {\n\tsink(mux.Vars(r)["id"])\n}\n')
    assert facts.untrusted(vars_)
    plain = one("func h(name string) {\n\tsink(name)\n}\n")
    assert origins(plain) == {"parameter"}


def test_switch_and_panic() -> None:
    code = """
        func f(r *http.Request, x int) {
            s := r.FormValue("s")
            switch x {
            case 1:
                s = "a"
            default:
                %s
            }
            sink(s)
        }
    """
    assert facts.is_constant(one(code % 's = "b"'))
    assert facts.is_constant(one(code % 'panic("no")'))
    assert facts.untrusted(one(code % "log.Print(x)"))
    flow, tree = parse("go", "package main\nfunc f() {\n\treturn\n\tsink(1)\n}\n")
    assert flow.is_dead(sinks(tree)[0].call)


def test_a_type_conversion_carries_its_operand_not_its_type() -> None:
    code = """
        func f(r *http.Request) {
            key := []byte(%s)
            sink(key)
        }
    """
    constant = one(code % '"s3cr3t-key"')
    assert facts.is_constant(constant)
    assert facts.constant_texts(constant) == {"s3cr3t-key"}
    assert facts.untrusted(one(code % 'r.URL.Query().Get("k")'))
