"""Java's lowering: the IR of real-world method shapes, the Expr shapes, and flows through
`FileFlow` as positive/negative pairs."""

from __future__ import annotations

import time

from forge_lsp.dataflow import facts, ir
from forge_lsp.dataflow.facts import Origin
from forge_lsp.dataflow.lower import lowering
from tests.unit.dataflow.jvm_rust_helpers import assert_linear, function, labels, one, tree


def java(body: str, members: str = "") -> str:
    return "class Handler {\n" + members + body + "\n}\n"


def method(body: str, name: str = "h") -> tuple[ir.FunctionIR, bytes]:
    return function("java", java(body), name)


def src(node: ir.Node | None, source: bytes) -> str:
    assert node is not None
    return source[node.start_byte : node.end_byte].decode()


def shape(node: ir.Node | None, source: bytes) -> ir.Expr:
    assert node is not None
    lowered = lowering("java")
    assert lowered is not None
    return lowered.expression(node, source)


# ------------------------------------------------------------------------------ the IR


def test_parameters_annotations_and_return_type() -> None:
    f, _ = method(
        '@GetMapping("/users")\n'
        'public List<User> h(@RequestParam("q") String q, HttpServletRequest request) { '
        "return null; }"
    )
    assert f.decorators == ('@GetMapping("/users")',)
    assert [(p.name, p.type_text) for p in f.params] == [
        ("q", "String"),
        ("request", "HttpServletRequest"),
    ]
    assert f.params[0].annotations == ('@RequestParam("q")',)
    assert f.returns_text == "List<User>"


def test_declarations_null_check_and_field_write() -> None:
    f, source = method(
        'void h(HttpServletRequest request) { String p = request.getParameter("name"), q;\n'
        '  if (p == null) p = ""; else { p += "x"; }\n  this.last = p; }'
    )
    first, branch, field = f.body
    assert isinstance(first, ir.Assign) and first.target == "p" and first.op is ir.Op.SET
    assert isinstance(branch, ir.If) and src(branch.condition, source) == "p == null"
    (then,) = branch.then
    (orelse,) = branch.orelse
    assert isinstance(then, ir.Assign) and src(then.value, source) == '""'
    assert isinstance(orelse, ir.Assign) and orelse.op is ir.Op.APPEND
    assert isinstance(field, ir.Assign) and field.target == "this.last"


def test_string_builder_chain_is_one_append_per_call() -> None:
    f, source = method(
        'String h(String a) { StringBuilder sb = new StringBuilder("select ");\n'
        '  sb.append(a).append(" from t"); return sb.toString(); }'
    )
    created, first, second, ret = f.body
    assert isinstance(created, ir.Assign)
    built = shape(created.value, source)
    assert isinstance(built, ir.Concat) and built.how == "StringBuilder"
    assert [src(p, source) for p in built.parts] == ['"select "']
    assert isinstance(first, ir.Assign) and isinstance(second, ir.Assign)
    assert (first.target, first.op, src(first.value, source)) == ("sb", ir.Op.APPEND, "a")
    assert (second.target, src(second.value, source)) == ("sb", '" from t"')
    assert isinstance(ret, ir.Return)
    assert isinstance(shape(ret.value, source), ir.Opaque)


def test_collections_put_and_get() -> None:
    f, source = method(
        'void h(String v) { Map<String, String> m = new HashMap<>(); m.put("k", v);\n'
        '  list.add(v); arr[0] = v; use(m.get("k")); }'
    )
    _, put, add, element, use = f.body
    assert isinstance(put, ir.Assign) and (put.target, put.op, put.key) == ("m", ir.Op.PUT, "k")
    assert isinstance(add, ir.Assign) and (add.target, add.op, add.key) == ("list", ir.Op.PUT, None)
    assert isinstance(element, ir.Assign) and (element.target, element.op) == ("arr", ir.Op.PUT)
    assert isinstance(use, ir.Effect)
    call = shape(use.node.named_children[0], source)
    assert isinstance(call, ir.Call) and call.callee == "use"
    got = shape(call.args[0], source)
    assert isinstance(got, ir.Index) and src(got.key, source) == '"k"'


def test_loops_for_each_while_with_assignment_and_do_while() -> None:
    f, source = method(
        "void h(List<String> xs, BufferedReader r) throws IOException {\n"
        "  for (String x : xs) { if (x.isEmpty()) continue; use(x); }\n"
        "  for (int i = 0; i < 3; i++) { use(i); }\n"
        "  String line;\n  while ((line = r.readLine()) != null) { break; }\n"
        "  do { use(1); } while (more()); }"
    )
    each, counted, reading, do = f.body
    assert isinstance(each, ir.Loop)
    (target,) = each.header
    assert isinstance(target, ir.Assign) and (target.target, target.op) == ("x", ir.Op.ELEMENT)
    assert isinstance(each.body[0], ir.If) and isinstance(each.body[0].then[0], ir.Jump)
    assert isinstance(counted, ir.Loop) and src(counted.condition, source) == "i < 3"
    assert [type(s).__name__ for s in counted.body] == ["Effect", "Assign"]  # body, then i++
    assert isinstance(reading, ir.Loop)
    assert [s.target for s in reading.header if isinstance(s, ir.Assign)] == ["line"]
    assert isinstance(reading.body[0], ir.Jump) and reading.body[0].kind is ir.JumpKind.BREAK
    assert isinstance(reading.body[-1], ir.Assign)  # the condition's write runs again
    assert isinstance(do, ir.Loop) and do.header == do.body  # the body runs at least once


def test_try_with_resources_catch_and_finally() -> None:
    f, source = method(
        "void h() { try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {\n"
        "  st.execute(q); } catch (IOException | SQLException e) { "
        "throw new IllegalStateException(e); }\n"
        "  finally { done(); } }"
    )
    (attempt,) = f.body
    assert isinstance(attempt, ir.Try)
    assert [s.target for s in attempt.body if isinstance(s, ir.Assign)] == ["c", "st"]
    (handler,) = attempt.handlers
    assert handler.name == "e" and handler.types == ("IOException", "SQLException")
    assert isinstance(handler.body[0], ir.Jump) and handler.body[0].kind is ir.JumpKind.RAISE
    assert isinstance(attempt.final[0], ir.Effect)
    assert src(attempt.final[0].node, source) == "done();"


def test_switch_is_a_chain_of_either_arms_and_break_stays_inside() -> None:
    f, _ = method(
        'void h(int k) { for (;;) { switch (k) { case 1: c = "a"; break; case 2: c = "b"; break;\n'
        '  default: c = "z"; } } }'
    )
    (loop,) = f.body
    assert isinstance(loop, ir.Loop)
    (first,) = loop.body
    assert isinstance(first, ir.If) and first.condition is None
    assert [type(s) for s in first.then] == [ir.Assign]  # no Jump: `break` leaves the switch
    (second,) = first.orelse
    assert isinstance(second, ir.If) and second.condition is None
    assert isinstance(second.orelse[0], ir.Assign)  # the default arm


def test_lambda_is_its_own_function_and_expression_body_is_a_return() -> None:
    parsed, source = tree("java", java("void h() { xs.forEach(x -> use(x)); }"))
    lowered = lowering("java")
    assert lowered is not None
    lambdas = []
    stack = [parsed.root_node]
    while stack:
        node = stack.pop()
        if node.type == "lambda_expression":
            lambdas.append(lowered.lower(node, source))
        stack.extend(node.children)
    (lam,) = lambdas
    assert [p.name for p in lam.params] == ["x"]
    assert isinstance(lam.body[0], ir.Return)


def test_interface_constants_are_the_file_top_level_too() -> None:
    parsed, source = tree("java", 'interface Q { String T = "users"; }\n')
    lowered = lowering("java")
    assert lowered is not None
    top = lowered.lower(parsed.root_node, source)
    assert [s.target for s in top.body if isinstance(s, ir.Assign)] == ["T"]


def test_class_constants_are_the_file_top_level() -> None:
    parsed, source = tree("java", java("", 'static final String TABLE = "users";\nint n = 3;\n'))
    lowered = lowering("java")
    assert lowered is not None
    top = lowered.lower(parsed.root_node, source)
    assert [s.target for s in top.body if isinstance(s, ir.Assign)] == ["TABLE", "n"]


# ------------------------------------------------------------------------------ Expr shapes


def _value(code: str) -> tuple[ir.Expr, bytes]:
    f, source = method("void h() { Object v = " + code + "; }")
    (assign,) = f.body
    assert isinstance(assign, ir.Assign)
    return shape(assign.value, source), source


def test_expression_shapes() -> None:
    concat, _ = _value('"select " + a + " where " + b')
    assert isinstance(concat, ir.Concat) and len(concat.parts) == 4
    fmt, _ = _value('String.format("%s %s", a, b)')
    assert isinstance(fmt, ir.Concat) and fmt.how == "String.format" and len(fmt.parts) == 3
    formatted, _ = _value('"id = %s".formatted(id)')
    assert isinstance(formatted, ir.Concat) and formatted.how == "formatted"
    joined, _ = _value('String.join(",", cols)')
    assert isinstance(joined, ir.Concat) and len(joined.parts) == 2
    choice, _ = _value("c ? a : b")
    assert isinstance(choice, ir.Choice) and len(choice.options) == 2
    mapping, _ = _value('Map.of("a", x, "b", "y")')
    assert isinstance(mapping, ir.Collection) and mapping.keys == ("a", "b")
    listing, _ = _value("List.of(a, b, c)")
    assert isinstance(listing, ir.Collection) and len(listing.items) == 3
    assert _value('"x"')[0] == ir.Literal("x")
    assert _value("42")[0] == ir.Literal("42", "number")
    assert _value("null")[0] == ir.Literal("null", "null")
    call, _ = _value('request.getSession().getAttribute("u")')
    assert isinstance(call, ir.Call) and call.callee == "request.getSession.getAttribute"
    cast, _ = _value("(String) o")
    assert isinstance(cast, ir.Opaque) and len(cast.parts) == 1
    attribute, _ = _value("System.in")
    assert isinstance(attribute, ir.Attribute) and attribute.dotted == "System.in"
    switch, _ = _value('switch (k) { case 1 -> "a"; default -> "b"; }')
    assert isinstance(switch, ir.Choice) and len(switch.options) == 2


def test_error_nodes_and_long_chains_never_raise_and_stay_linear() -> None:
    broken = java("void h() { String s = ; if ( { x = } }")
    parsed, source = tree("java", broken)
    lowered = lowering("java")
    assert lowered is not None
    stack = [parsed.root_node]
    while stack:
        node = stack.pop()
        lowered.expression(node, source)
        if node.type in lowered.function_types:
            lowered.lower(node, source)
        stack.extend(node.children)
    small = 'void h() { String q = "a"' + " + x" * 500 + "; }"
    large = 'void h() { String q = "a"' + " + x" * 8000 + "; }"
    timings = []
    for code in (small, large):
        f, source = method(code)
        started = time.perf_counter()
        (assign,) = f.body
        assert isinstance(assign, ir.Assign)
        concat = shape(assign.value, source)
        timings.append(time.perf_counter() - started)
        assert isinstance(concat, ir.Concat)
    assert timings[1] < 0.5


# ------------------------------------------------------------------------------ flows


def test_flow_branch_merge() -> None:
    both = one(
        "java",
        java('void h(boolean c) { String q; if (c) { q = "b"; } else { q = "c"; } sink(q); }'),
    )
    assert facts.is_constant(both) and facts.constant_texts(both) == {"b", "c"}
    one_arm = one(
        "java",
        java(
            'void h(boolean c, HttpServletRequest r) { String q = "a"; if (c) { '
            'q = r.getParameter("q"); } sink(q); }'
        ),
    )
    assert labels(one_arm) == ["a request parameter"]


def test_flow_reassignment_after_a_null_check_keeps_the_untrusted_path() -> None:
    kept = one(
        "java",
        java(
            'void h(HttpServletRequest request) { String p = request.getParameter("name");\n'
            '  if (p == null) p = "";\n  st.executeUpdate("insert into t values (\'" + p + '
            '"\')"); sink(p); }'
        ),
    )
    assert labels(kept) == ["a request parameter"]
    assert facts.untrusted(kept)[0].line == 1  # zero-based: the method's first line
    replaced = one(
        "java",
        java(
            'void h(HttpServletRequest request) { String p = request.getParameter("name"); '
            'p = ""; sink(p); }'
        ),
    )
    assert facts.is_constant(replaced)


def test_flow_loop() -> None:
    tainted = one(
        "java",
        java(
            'void h(HttpServletRequest r, List<String> xs) { String s = "a"; '
            "for (String x : xs) { s += r.getParameter(x); } sink(s); }"
        ),
    )
    assert labels(tainted) == ["a request parameter"]
    built = one(
        "java",
        java(
            'void h(List<String> xs) { String s = "a"; for (String x : xs) { s += "b"; } sink(s); }'
        ),
    )
    assert facts.constant_texts(built) == {"a", "b"} and facts.is_constant(built)


def test_flow_collection_put_and_get() -> None:
    tainted = one(
        "java",
        java(
            "void h(HttpServletRequest r) { Map<String, String> m = new HashMap<>(); "
            'm.put("k", r.getParameter("v")); sink(m.get("k")); }'
        ),
    )
    assert labels(tainted) == ["a request parameter"]
    constant = one(
        "java",
        java(
            'void h() { Map<String, String> m = new HashMap<>(); m.put("k", "v"); '
            'sink(m.get("k")); }'
        ),
    )
    assert facts.is_constant(constant)


def test_flow_helper_method_in_the_same_file() -> None:
    helper = 'String q(String t) { return "select * from " + t; }\n'
    tainted = one(
        "java", java('void h(HttpServletRequest r) { sink(q(r.getParameter("t"))); }', helper)
    )
    assert labels(tainted) == ["a request parameter"]
    constant = one("java", java('void h() { sink(q("users")); }', helper))
    assert facts.is_constant(constant)


def test_flow_string_builder() -> None:
    tainted = one(
        "java",
        java(
            'void h(HttpServletRequest r) { StringBuilder sb = new StringBuilder("select ");\n'
            '  sb.append(r.getParameter("c")).append(" from t"); sink(sb.toString()); }'
        ),
    )
    assert labels(tainted) == ["a request parameter"]
    constant = one(
        "java",
        java(
            "void h() { StringBuilder sb = new StringBuilder(); "
            'sb.append("select ").append("c"); sink(sb.toString()); }'
        ),
    )
    assert facts.is_constant(constant)


def test_flow_dead_branch_behind_a_constant_condition() -> None:
    dead = one(
        "java",
        java(
            'void h(HttpServletRequest r) { String q = "a"; if (5 < 3) { '
            'q = r.getParameter("x"); } sink(q); }'
        ),
    )
    assert facts.is_constant(dead)
    live = one(
        "java",
        java(
            'void h(HttpServletRequest r) { String q = "a"; if (3 < 5) { '
            'q = r.getParameter("x"); } sink(q); }'
        ),
    )
    assert labels(live) == ["a request parameter"]


def test_flow_sanitizer() -> None:
    parsed = one(
        "java",
        java(
            'void h(HttpServletRequest r) { int n = Integer.parseInt(r.getParameter("x")); '
            'sink("a" + n); }'
        ),
    )
    assert not facts.untrusted(parsed)
    assert {f.detail for f in parsed if f.origin is Origin.SANITIZED} == {"Integer.parseInt"}
    raw = one(
        "java",
        java(
            'void h(HttpServletRequest r) { String n = r.getParameter("x").trim(); sink("a" + n); }'
        ),
    )
    assert labels(raw) == ["a request parameter"]


def test_flow_allow_list_guard() -> None:
    allowed = 'static final Set<String> ALLOWED = Set.of("name", "email");\n'
    guarded = one(
        "java",
        java(
            "void h(String col) { "
            "if (!ALLOWED.contains(col)) throw new IllegalArgumentException(col);\n"
            '  sink("order by " + col); }',
            allowed,
        ),
    )
    assert {f.origin for f in guarded} == {Origin.CONSTANT, Origin.SANITIZED}
    unguarded = one(
        "java",
        java(
            "void h(String col) { String c = col; if (!ALLOWED.contains(c)) log(c);\n"
            '  sink("order by " + c); }',
            allowed,
        ),
    )
    assert Origin.PARAMETER in {f.origin for f in unguarded}


def test_flow_parameter_of_a_public_handler() -> None:
    handler = one(
        "java",
        java(
            '@GetMapping("/u") public String h(@RequestParam String name) { sink("a" + name); '
            'return ""; }'
        ),
    )
    assert labels(handler) == ["a request parameter"]
    plain = one("java", java('public String h(String name) { sink("a" + name); return ""; }'))
    assert not facts.untrusted(plain) and Origin.PARAMETER in {f.origin for f in plain}
    servlet = one(
        "java",
        java(
            "protected void doGet(HttpServletRequest req, HttpServletResponse resp) { "
            'sink(req.getHeader("X-Id")); }'
        ),
    )
    assert labels(servlet) == ["a request header"]


def test_flow_stdin_and_class_constants() -> None:
    stdin = one(
        "java",
        java(
            "void h() { Scanner sc = new Scanner(System.in); String l = sc.nextLine(); sink(l); }"
        ),
    )
    assert labels(stdin) == ["stdin"]
    reader = one(
        "java", java("void h(File f) { Scanner sc = new Scanner(f); sink(sc.nextLine()); }")
    )
    assert not facts.untrusted(reader)
    constant = one(
        "java",
        java('void h() { sink("select * from " + T); }', 'static final String T = "users";\n'),
    )
    assert facts.is_constant(constant)


def test_a_long_else_if_chain_lowers_in_linear_time() -> None:
    assert_linear("java")
