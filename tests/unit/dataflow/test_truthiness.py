"""Refinements added for FG101's bench cases: a failed truthiness test leaves a falsy constant,
membership in any collection counts when the other arm leaves, `.items()` keeps its source."""

from __future__ import annotations

from textwrap import dedent

from forge_lsp.dataflow import facts
from forge_lsp.dataflow.facts import Origin
from tests.unit.dataflow import jvm_rust_helpers
from tests.unit.dataflow.helpers import values

HEAD = "from flask import request\n"


def one(language: str, code: str) -> facts.Value:
    found = values(language, dedent(code))
    assert len(found) == 1, found
    return found[0]


def test_the_false_arm_of_if_x_holds_a_falsy_constant() -> None:
    checked = one(
        "python",
        HEAD
        + """
        def f(names):
            sort = request.args.get("_sort")
            if sort:
                if sort not in names:
                    raise ValueError(sort)
            sink(sort)
        """,
    )
    assert not facts.untrusted(checked)
    assert Origin.CONSTANT in {f.origin for f in checked}
    unchecked = one(
        "python",
        HEAD
        + """
        def f(names):
            sort = request.args.get("_sort")
            if sort:
                print(sort)
            sink(sort)
        """,
    )
    assert [f.detail for f in facts.untrusted(unchecked)] == ["request.args"]


def test_javascript_if_x_and_negated_tests() -> None:
    value = one(
        "javascript",
        """
        function f(req, names) {
          let sort = req.query.sort;
          if (!sort) {
            sink(sort);
          }
        }
        """,
    )
    assert facts.is_constant(value)


def test_membership_in_any_collection_needs_an_exit_on_the_other_arm() -> None:
    exits = one(
        "python",
        HEAD
        + """
        def f(rows):
            col = request.args["c"]
            if col not in rows:
                return None
            sink(col)
        """,
    )
    assert not facts.untrusted(exits)
    assert {f.detail for f in exits} == {"allow-list"}
    stays = one(
        "python",
        HEAD
        + """
        def f(rows):
            col = request.args["c"]
            if col in rows:
                print(col)
            sink(col)
        """,
    )
    assert facts.untrusted(stays)
    inside = one(
        "python",
        HEAD
        + """
        def f(rows):
            col = request.args["c"]
            if col in rows:
                sink(col)
        """,
    )
    assert facts.untrusted(inside), "no exit on the other arm: not an allow-list"


def test_java_contains_with_an_early_return() -> None:
    value = jvm_rust_helpers.one(
        "java",
        """
        class A {
          void f(HttpServletRequest request, java.util.Set<String> existing) {
            String t = request.getParameter("t");
            if (!existing.contains(t)) {
              return;
            }
            sink(t);
          }
        }
        """,
    )
    assert not facts.untrusted(value)


def test_items_of_a_request_mapping_stay_untrusted() -> None:
    value = one(
        "python",
        HEAD
        + """
        def f():
            for key, v in request.args.items():
                sink(key)
        """,
    )
    assert [f.detail for f in facts.untrusted(value)] == ["request.args"]


def test_parameters_of_a_type_that_cannot_carry_text_are_sanitized() -> None:
    spring = jvm_rust_helpers.one(
        "java",
        """
        class C {
          @GetMapping("/u/{id}")
          Object f(@PathVariable long id, @PathVariable String name) { sink(id); return null; }
        }
        """,
    )
    assert {f.origin for f in spring} == {Origin.SANITIZED}
    axum = jvm_rust_helpers.one("rust", "async fn h(Path(id): Path<u32>) { sink(id); }")
    assert {f.origin for f in axum} == {Origin.SANITIZED}
    text = jvm_rust_helpers.one("rust", "async fn h(Path(id): Path<String>) { sink(id); }")
    assert {f.origin for f in text} == {Origin.UNTRUSTED}
    fastapi = one(
        "python",
        """
        @app.get("/items/{item_id}")
        def item(item_id: int, q: str):
            sink(item_id)
        """,
    )
    assert {f.origin for f in fastapi} == {Origin.SANITIZED}
    go = one("go", "package a\nfunc f(id int64, name string) { sink(id) }\n")
    assert {f.origin for f in go} == {Origin.SANITIZED}


def test_kotlin_not_in_is_a_negated_membership_test() -> None:
    value = jvm_rust_helpers.one(
        "kotlin",
        """
        private val SORTABLE = setOf("name", "created_at")
        fun products(request: HttpServletRequest) {
            val sort = request.getParameter("sort")
            if (sort !in SORTABLE) {
                throw IllegalArgumentException("bad sort")
            }
            sink(sort)
        }
        """,
    )
    assert {f.origin for f in value} == {Origin.SANITIZED}


def test_a_refined_parameter_keeps_its_unrefined_arm_at_the_join() -> None:
    value = one(
        "python",
        """
        ALLOWED = ("a", "b")

        @app.route("/x/<sort>")
        def f(sort):
            if sort in ALLOWED:
                print(sort)
            sink(sort)
        """,
    )
    assert {f.origin for f in value} == {Origin.SANITIZED, Origin.UNTRUSTED}
    rust = jvm_rust_helpers.one(
        "rust",
        """
        const SORTABLE: [&str; 2] = ["name", "created_at"];
        pub async fn products(Path(sort): Path<String>) {
            if SORTABLE.contains(&sort.as_str()) {
                tracing::info!("sorted");
            }
            sink(sort);
        }
        """,
    )
    assert {f.origin for f in rust} == {Origin.SANITIZED, Origin.UNTRUSTED}
