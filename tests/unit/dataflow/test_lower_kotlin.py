"""Kotlin's lowering: the IR of real-world function shapes (Spring and Ktor handlers, builders,
`when`, destructuring), the Expr shapes, and flows through `FileFlow` as positive/negative
pairs."""

from __future__ import annotations

from forge_lsp.dataflow import facts, ir
from forge_lsp.dataflow.facts import Origin
from forge_lsp.dataflow.lower import lowering
from tests.unit.dataflow.jvm_rust_helpers import (
    assert_linear,
    function,
    functions,
    labels,
    one,
    tree,
)


def src(node: ir.Node | None, source: bytes) -> str:
    assert node is not None
    return source[node.start_byte : node.end_byte].decode()


def shape(node: ir.Node | None, source: bytes) -> ir.Expr:
    assert node is not None
    lowered = lowering("kotlin")
    assert lowered is not None
    return lowered.expression(node, source)


# ------------------------------------------------------------------------------ the IR


def test_spring_handler_parameters_annotations_and_return_type() -> None:
    f, source = function(
        "kotlin",
        'class C {\n  @GetMapping("/u")\n'
        '  fun h(@RequestParam("n") name: String?, call: ApplicationCall): String = name ?: ""\n}',
        "h",
    )
    assert f.decorators == ('@GetMapping("/u")',)
    assert [(p.name, p.type_text) for p in f.params] == [
        ("name", "String?"),
        ("call", "ApplicationCall"),
    ]
    assert f.params[0].annotations == ('@RequestParam("n")',)
    assert "@RequestParam" in src(f.params[0].node, source)  # what a table reads
    assert f.returns_text == "String"
    (ret,) = f.body
    assert isinstance(ret, ir.Return)
    assert isinstance(shape(ret.value, source), ir.Choice)  # `a ?: b`


def test_val_var_destructuring_compound_index_and_field_writes() -> None:
    f, source = function(
        "kotlin",
        'fun h(pair: Pair<String, String>, v: String) {\n  val a = "x"\n  var (k, w) = pair\n'
        '  a += v\n  m["key"] = v\n  this.last = v\n}',
        "h",
    )
    plain, first, second, append, put, field = f.body
    assert isinstance(plain, ir.Assign) and (plain.target, plain.op) == ("a", ir.Op.SET)
    assert isinstance(first, ir.Assign) and (first.target, first.op) == ("k", ir.Op.ELEMENT)
    assert isinstance(second, ir.Assign) and second.target == "w"
    assert isinstance(append, ir.Assign) and append.op is ir.Op.APPEND
    assert isinstance(put, ir.Assign) and (put.target, put.op, put.key) == ("m", ir.Op.PUT, "key")
    assert isinstance(field, ir.Assign) and field.target == "this.last"
    assert src(field.value, source) == "v"


def test_if_when_loops_try_and_jumps() -> None:
    f, source = function(
        "kotlin",
        "fun h(k: Int, xs: List<String>) {\n"
        '  if (k > 1) y = "a" else { y = "b" }\n'
        '  when (k) { 1 -> y = "c"\n 2 -> y = "d"\n else -> y = "e" }\n'
        "  for (x in xs) { if (x.isEmpty()) continue\n use(x) }\n"
        "  while (more()) { break }\n"
        "  do { k-- } while (k > 0)\n"
        "  try { risky() } catch (e: IOException) { throw IllegalStateException(e) } finally { "
        "done() }\n"
        "}",
        "h",
    )
    branch, when, each, loop, do, attempt = f.body
    assert isinstance(branch, ir.If) and src(branch.condition, source) == "k > 1"
    assert isinstance(branch.then[0], ir.Assign) and isinstance(branch.orelse[0], ir.Assign)
    assert isinstance(when, ir.If) and when.condition is None
    (second,) = when.orelse
    assert isinstance(second, ir.If) and second.condition is None
    assert isinstance(second.orelse[0], ir.Assign)  # `else ->`
    assert src(second.orelse[0].value, source) == '"e"'
    assert isinstance(each, ir.Loop)
    assert [(s.target, s.op) for s in each.header if isinstance(s, ir.Assign)] == [
        ("x", ir.Op.ELEMENT)
    ]
    assert isinstance(each.body[0], ir.If)
    jump = each.body[0].then[0]
    assert isinstance(jump, ir.Jump) and jump.kind is ir.JumpKind.CONTINUE
    assert isinstance(loop, ir.Loop) and isinstance(loop.body[0], ir.Jump)
    assert isinstance(do, ir.Loop) and do.header == do.body
    assert isinstance(attempt, ir.Try)
    (handler,) = attempt.handlers
    assert (handler.name, handler.types) == ("e", ("IOException",))
    assert isinstance(handler.body[0], ir.Jump) and handler.body[0].kind is ir.JumpKind.RAISE
    assert isinstance(attempt.final[0], ir.Effect)


def test_builders_and_collections() -> None:
    f, source = function(
        "kotlin",
        'fun h(a: String) {\n  val sb = StringBuilder()\n  sb.append(a).append("x")\n'
        '  list.add(a)\n  map.put("k", a)\n'
        '  val s = buildString { append("select ")\n append(a) }\n'
        '  val m = mapOf("a" to 1, "b" to a)\n  val l = listOf(a, "b")\n}',
        "h",
    )
    made, first, second, add, put, built, mapping, listing = f.body
    assert isinstance(made, ir.Assign) and shape(made.value, source) == ir.Literal("")
    assert isinstance(first, ir.Assign) and (first.target, first.op) == ("sb", ir.Op.APPEND)
    assert isinstance(second, ir.Assign) and src(second.value, source) == '"x"'
    assert isinstance(add, ir.Assign) and (add.target, add.op) == ("list", ir.Op.PUT)
    assert isinstance(put, ir.Assign) and (put.key, src(put.value, source)) == ("k", "a")
    assert isinstance(built, ir.Assign)
    concat = shape(built.value, source)
    assert isinstance(concat, ir.Concat) and concat.how == "buildString"
    assert [src(p, source) for p in concat.parts] == ['"select "', "a"]
    assert isinstance(mapping, ir.Assign)
    collection = shape(mapping.value, source)
    assert isinstance(collection, ir.Collection) and collection.keys == ("a", "b")
    assert isinstance(listing, ir.Assign)
    assert isinstance(shape(listing.value, source), ir.Collection)


def test_string_templates_read_their_names() -> None:
    f, source = function("kotlin", 'fun h(id: String) { val q = "select $id and ${x.y} end" }', "h")
    (assign,) = f.body
    assert isinstance(assign, ir.Assign)
    template = shape(assign.value, source)
    assert isinstance(template, ir.Concat) and template.how == "string template"
    shapes = [shape(p, source) for p in template.parts]
    assert ir.Name("id") in shapes
    assert any(isinstance(s, ir.Name) and s.name == "x" for s in shapes) or any(
        isinstance(s, ir.Attribute) for s in shapes
    )
    plain, source = function("kotlin", 'fun g() { val q = "select 1" }', "g")
    (only,) = plain.body
    assert isinstance(only, ir.Assign)
    assert shape(only.value, source) == ir.Literal("select 1")


def test_lambdas_are_functions_with_a_tail_return_and_constants_are_top_level() -> None:
    found, source = functions(
        "kotlin",
        'const val T = "users"\nclass C {\n  companion object {\n    val Q = "x"\n  }\n}\n'
        "fun h() { xs.forEach { v -> use(v) } }",
    )
    top = found[0]
    assert [s.target for s in top.body if isinstance(s, ir.Assign)] == ["T", "Q"]
    lam = next(f for f in found if f.node.type == "lambda_literal")
    assert [p.name for p in lam.params] == ["v"]
    assert isinstance(lam.body[-1], ir.Return)
    assert src(lam.body[-1].value, source) == "use(v)"


def test_error_nodes_never_raise() -> None:
    parsed, source = tree("kotlin", "fun h( { val x = \nif (when { -> } ) else\n}}")
    lowered = lowering("kotlin")
    assert lowered is not None
    stack = [parsed.root_node]
    while stack:
        node = stack.pop()
        lowered.expression(node, source)
        if node.type in lowered.function_types:
            lowered.lower(node, source)
        stack.extend(node.children)
    lowered.lower(parsed.root_node, source)


# ------------------------------------------------------------------------------ flows

SERVLET = "fun h(r: HttpServletRequest"


def test_flow_branch_merge() -> None:
    both = one("kotlin", 'fun h(c: Boolean) { val q = if (c) "b" else "c"\n sink(q) }')
    assert facts.is_constant(both) and facts.constant_texts(both) == {"b", "c"}
    tainted = one(
        "kotlin",
        SERVLET + ', c: Boolean) { var q = "a"\n if (c) q = r.getParameter("q")\n sink(q) }',
    )
    assert labels(tainted) == ["a request parameter"]


def test_flow_reassignment_after_a_null_check() -> None:
    kept = one(
        "kotlin",
        'fun h(request: HttpServletRequest) { var p = request.getParameter("name")\n'
        '  if (p == null) p = ""\n  sink("x" + p) }',
    )
    assert labels(kept) == ["a request parameter"]
    replaced = one(
        "kotlin",
        'fun h(request: HttpServletRequest) { var p = request.getParameter("name")\n'
        '  p = ""\n  sink("x" + p) }',
    )
    assert facts.is_constant(replaced)


def test_flow_loop() -> None:
    tainted = one(
        "kotlin",
        SERVLET + ', xs: List<String>) { var s = "a"\n for (x in xs) { s += r.getParameter(x) }\n'
        " sink(s) }",
    )
    assert labels(tainted) == ["a request parameter"]
    built = one(
        "kotlin", 'fun h(xs: List<String>) { var s = "a"\n for (x in xs) { s += "b" }\n sink(s) }'
    )
    assert facts.is_constant(built) and facts.constant_texts(built) == {"a", "b"}


def test_flow_collection_put_and_get() -> None:
    tainted = one(
        "kotlin",
        SERVLET + ') { val m = mutableMapOf<String, String>()\n m["k"] = r.getParameter("v")\n'
        ' sink(m["k"]) }',
    )
    assert labels(tainted) == ["a request parameter"]
    constant = one(
        "kotlin",
        'fun h() { val m = mutableMapOf<String, String>()\n m["k"] = "v"\n sink(m["k"]) }',
    )
    assert facts.is_constant(constant)


def test_flow_helper_function() -> None:
    helper = 'fun q(t: String) = "select * from $t"\n'
    tainted = one("kotlin", helper + SERVLET + ') { sink(q(r.getParameter("t"))) }')
    assert labels(tainted) == ["a request parameter"]
    assert facts.is_constant(one("kotlin", helper + 'fun h() { sink(q("users")) }'))


def test_flow_build_string_and_string_builder() -> None:
    tainted = one(
        "kotlin",
        SERVLET + ') { val s = buildString { append("select ")\n append(r.getParameter("c")) }\n'
        " sink(s) }",
    )
    assert labels(tainted) == ["a request parameter"]
    constant = one(
        "kotlin", 'fun h() { val s = buildString { append("select ")\n append("c") }\n sink(s) }'
    )
    assert facts.is_constant(constant)
    chained = one(
        "kotlin",
        SERVLET + ') { val sb = StringBuilder()\n sb.append("a").append(r.getParameter("c"))\n'
        " sink(sb.toString()) }",
    )
    assert labels(chained) == ["a request parameter"]


def test_flow_dead_branch_behind_a_constant_condition() -> None:
    dead = one(
        "kotlin", SERVLET + ') { var q = "a"\n if (5 < 3) { q = r.getParameter("x") }\n sink(q) }'
    )
    assert facts.is_constant(dead)
    live = one(
        "kotlin", SERVLET + ') { var q = "a"\n if (3 < 5) { q = r.getParameter("x") }\n sink(q) }'
    )
    assert labels(live) == ["a request parameter"]


def test_flow_sanitizer() -> None:
    parsed = one(
        "kotlin",
        'fun Route.r() { get("/x") { val n = call.parameters["id"]?.toInt()\n sink("a $n") } }',
    )
    assert not facts.untrusted(parsed)
    assert {f.detail for f in parsed if f.origin is Origin.SANITIZED} == {"toInt()"}
    raw = one(
        "kotlin",
        'fun Route.r() { get("/x") { val n = call.parameters["id"]?.trim()\n sink("a $n") } }',
    )
    assert labels(raw) == ["the route and query parameters"]


def test_flow_allow_list_guard() -> None:
    allowed = 'val ALLOWED = setOf("name", "email")\n'
    guarded = one(
        "kotlin",
        allowed
        + "fun h(col: String) { if (!ALLOWED.contains(col)) throw IllegalArgumentException(col)\n"
        ' sink("order by " + col) }',
    )
    assert {f.origin for f in guarded} == {Origin.CONSTANT, Origin.SANITIZED}
    unguarded = one(
        "kotlin",
        allowed + "fun h(col: String) { val c = col\n if (!ALLOWED.contains(c)) log(c)\n"
        ' sink("order by " + c) }',
    )
    assert Origin.PARAMETER in {f.origin for f in unguarded}


def test_flow_parameter_of_a_public_handler() -> None:
    ktor = one(
        "kotlin",
        'fun Route.r() { get("/u/{id}") { val id = call.parameters["id"]\n sink("select $id") } }',
    )
    assert labels(ktor) == ["the route and query parameters"]
    query = one(
        "kotlin",
        'fun Route.r() { get("/u") { '
        'val q = call.request.queryParameters["q"] ?: "x"\n sink("${q}") } }',
    )
    assert labels(query) == ["the query parameters"]
    body = one("kotlin", 'fun Route.r() { post("/u") { val b = call.receiveText()\n sink(b) } }')
    assert labels(body) == ["the request body"]
    spring = one(
        "kotlin",
        'class C { @GetMapping("/x") fun h(@RequestParam name: String): String { sink("a" + name)\n'
        ' return "" } }',
    )
    assert labels(spring) == ["a request parameter"]
    plain = one(
        "kotlin", 'class C { fun h(name: String): String { sink("a" + name)\n return "" } }'
    )
    assert not facts.untrusted(plain) and Origin.PARAMETER in {f.origin for f in plain}


def test_flow_stdin_and_constants() -> None:
    assert labels(one("kotlin", "fun h() { val l = readLine()\n sink(l) }")) == ["stdin"]
    reader = one(
        "kotlin",
        "fun h() { val br = BufferedReader(InputStreamReader(System.`in`))\n sink(br.readLine()) }",
    )
    assert labels(reader) == ["stdin"]
    file_reader = one(
        "kotlin", "fun h(f: File) { val br = f.bufferedReader()\n sink(br.readLine()) }"
    )
    assert not facts.untrusted(file_reader)
    assert facts.is_constant(
        one("kotlin", 'const val T = "users"\nfun h() { sink("select * from $T") }')
    )


def test_a_long_else_if_chain_lowers_in_linear_time() -> None:
    assert_linear("kotlin")
