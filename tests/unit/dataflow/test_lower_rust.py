"""Rust's lowering: the IR of real-world function shapes (actix, axum and rocket handlers,
`if let`, `match`, `?`, `format!`, `write!`), the Expr shapes, and flows through `FileFlow`
as positive/negative pairs."""

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
    lowered = lowering("rust")
    assert lowered is not None
    return lowered.expression(node, source)


# ------------------------------------------------------------------------------ the IR


def test_extractor_patterns_attributes_and_return_type() -> None:
    f, _ = function(
        "rust",
        '#[get("/users/<name>")]\n'
        "async fn h(name: &str, Query(q): Query<Params>, web::Path((a, b)): web::Path<(u32, u32)>)"
        " -> Result<String, Error> { Ok(String::new()) }",
        "h",
    )
    assert f.decorators == ('get("/users/<name>")',)
    assert [(p.name, p.type_text) for p in f.params] == [
        ("name", "&str"),
        ("q", "Query<Params>"),
        ("a", "web::Path<(u32, u32)>"),
        ("b", "web::Path<(u32, u32)>"),
    ]
    assert f.returns_text == "Result<String, Error>"
    (tail,) = f.body
    assert isinstance(tail, ir.Return)  # the block's tail expression


def test_let_patterns_compound_and_field_writes() -> None:
    f, source = function(
        "rust",
        "fn h(&mut self, pair: (String, String), v: &str) {\n"
        '    let mut s = String::from("a");\n    let (k, w) = pair;\n'
        "    let Params { id, name: n } = p;\n"
        "    s += &v;\n    s.push_str(v);\n    self.last = s;\n}",
        "h",
    )
    made, k, w, ident, named, append, push, field = f.body
    assert isinstance(made, ir.Assign) and (made.target, made.op) == ("s", ir.Op.SET)
    assert isinstance(k, ir.Assign) and (k.target, k.op) == ("k", ir.Op.ELEMENT)
    assert isinstance(w, ir.Assign) and w.target == "w"
    assert isinstance(ident, ir.Assign) and ident.target == "id"
    assert isinstance(named, ir.Assign) and named.target == "n"
    assert isinstance(append, ir.Assign) and (append.target, append.op) == ("s", ir.Op.APPEND)
    assert isinstance(push, ir.Assign) and (push.target, push.op) == ("s", ir.Op.APPEND)
    assert isinstance(field, ir.Assign) and field.target == "self.last"
    from_literal = shape(made.value, source)
    assert isinstance(from_literal, ir.Opaque)
    assert [src(p, source) for p in from_literal.parts] == ['"a"']  # String::from("a")


def test_if_let_match_and_question_mark() -> None:
    f, source = function(
        "rust",
        "fn h(o: Option<String>, k: Result<u32, E>) -> Result<String, E> {\n"
        '    if let Some(v) = o { use_it(v); } else if c { panic!("no"); }\n'
        "    match k { Ok(x) => y = x, Err(e) => return Err(e) }\n"
        "    let n: i64 = s.parse::<i64>()?;\n"
        "    Ok(y)\n}",
        "h",
    )
    branch, match, early, parsed, tail = f.body
    assert isinstance(branch, ir.If) and branch.condition is None
    bound = branch.then[0]
    assert isinstance(bound, ir.Assign) and (bound.target, bound.op) == ("v", ir.Op.ELEMENT)
    assert src(bound.value, source) == "o"
    (elif_,) = branch.orelse
    assert isinstance(elif_, ir.If) and src(elif_.condition, source) == "c"
    assert isinstance(elif_.then[0], ir.Jump) and elif_.then[0].kind is ir.JumpKind.RAISE
    assert isinstance(match, ir.If) and match.condition is None
    assert [s.target for s in match.then if isinstance(s, ir.Assign)] == ["x", "y"]
    assert isinstance(match.orelse[-1], ir.Return)  # `return Err(e)` in the last arm
    assert isinstance(early, ir.If) and isinstance(early.then[0], ir.Return)  # the `?` exit
    assert isinstance(parsed, ir.Assign)
    assert isinstance(shape(parsed.value, source), ir.Opaque)
    assert isinstance(tail, ir.Return) and src(tail.value, source) == "Ok(y)"


def test_loops() -> None:
    f, source = function(
        "rust",
        "fn h(xs: Vec<String>) {\n    for (i, x) in xs.iter().enumerate() { if i > 1 { break; } "
        "continue; }\n"
        "    while let Some(l) = it.next() { use_it(l); }\n    loop { break; }\n"
        "    while n < 3 { n += 1; }\n}",
        "h",
    )
    each, while_let, forever, counted = f.body
    assert isinstance(each, ir.Loop)
    assert [(s.target, s.op) for s in each.header if isinstance(s, ir.Assign)] == [
        ("i", ir.Op.ELEMENT),
        ("x", ir.Op.ELEMENT),
    ]
    assert isinstance(while_let, ir.Loop) and while_let.condition is None
    assert [s.target for s in while_let.body if isinstance(s, ir.Assign)] == ["l"]
    assert isinstance(forever, ir.Loop) and isinstance(forever.body[0], ir.Jump)
    assert isinstance(counted, ir.Loop) and src(counted.condition, source) == "n < 3"


def test_format_write_collections_and_pass_through() -> None:
    f, source = function(
        "rust",
        "fn h(a: &str) {\n"
        '    let q = format!("select {} from {table}", a);\n'
        '    write!(s, "and {}", a).unwrap();\n'
        '    m.insert("k".to_string(), a);\n    v.push(a);\n'
        '    let hm = HashMap::from([("a", 1), ("b", 2)]);\n'
        "    let l = vec![a, b];\n    let t = a.to_string() + &b;\n"
        '    let g = m.get("k");\n}',
        "h",
    )
    q, write, unwrap, insert, push, hm, listing, joined, got = f.body
    assert isinstance(unwrap, ir.Effect)  # `write!(..).unwrap()` reads its names there
    assert isinstance(q, ir.Assign)
    fmt = shape(q.value, source)
    assert isinstance(fmt, ir.Concat) and fmt.how == "format!" and fmt.names == ("table",)
    assert [src(p, source) for p in fmt.parts] == ['"select {} from {table}"', "a"]
    assert isinstance(write, ir.Assign) and (write.target, write.op) == ("s", ir.Op.APPEND)
    written = shape(write.value, source)
    assert isinstance(written, ir.Concat) and [src(p, source) for p in written.parts] == [
        '"and {}"',
        "a",
    ]
    assert isinstance(insert, ir.Assign) and (insert.op, insert.key) == (ir.Op.PUT, "k")
    assert isinstance(push, ir.Assign) and (push.target, push.op) == ("v", ir.Op.PUT)
    assert isinstance(hm, ir.Assign)
    mapping = shape(hm.value, source)
    assert isinstance(mapping, ir.Collection) and mapping.keys == ("a", "b")
    assert isinstance(listing, ir.Assign)
    assert isinstance(shape(listing.value, source), ir.Collection)
    assert isinstance(joined, ir.Assign)
    concat = shape(joined.value, source)
    assert isinstance(concat, ir.Concat)
    first = shape(concat.parts[0], source)
    assert isinstance(first, ir.Opaque) and src(first.parts[0], source) == "a"  # to_string()
    assert shape(concat.parts[1], source) == ir.Name("b")  # `&b`
    assert isinstance(got, ir.Assign) and isinstance(shape(got.value, source), ir.Index)


def test_constants_closures_and_value_choices() -> None:
    found, source = functions(
        "rust",
        'const T: &str = "users";\nmod m { pub static Q: &str = "x"; }\n'
        'fn h(c: bool) { let f = |x: i32| x + 1; let v = if c { "a" } else { "b" }; }',
    )
    top = found[0]
    assert [s.target for s in top.body if isinstance(s, ir.Assign)] == ["T", "Q"]
    closure = next(f for f in found if f.node.type == "closure_expression")
    assert [(p.name, p.type_text) for p in closure.params] == [("x", "i32")]
    assert isinstance(closure.body[0], ir.Return)
    h = next(f for f in found if f.name == "h")
    choice = h.body[-1]
    assert isinstance(choice, ir.Assign)
    value = shape(choice.value, source)
    assert isinstance(value, ir.Choice)
    assert [src(o, source) for o in value.options] == ['"a"', '"b"']


def test_error_nodes_never_raise() -> None:
    parsed, source = tree("rust", "fn h( { let x = ; match { => } if let = { } }}")
    lowered = lowering("rust")
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

Q = "fn h(Query(p): Query<P>"


def test_flow_branch_merge() -> None:
    both = one("rust", 'fn h(c: bool) { let q = if c { "b" } else { "c" }; sink(q); }')
    assert facts.is_constant(both) and facts.constant_texts(both) == {"b", "c"}
    tainted = one(
        "rust", Q + ", c: bool) { let mut q = String::new(); if c { q = p.q; } sink(q); }"
    )
    assert labels(tainted) == ["the query parameters"]


def test_flow_reassignment_after_an_emptiness_check() -> None:
    kept = one(
        "rust",
        Q
        + ") { let mut n = p.name; if n.is_empty() { n = String::new(); }"
        + ' sink(format!("x{}", n)); }',
    )
    assert labels(kept) == ["the query parameters"]
    replaced = one(
        "rust", Q + ') { let mut n = p.name; n = String::new(); sink(format!("x{}", n)); }'
    )
    assert facts.is_constant(replaced)


def test_flow_loop() -> None:
    tainted = one(
        "rust",
        Q
        + ', xs: Vec<String>) { let mut s = String::from("a");'
        + " for x in xs { s += &p.v; } sink(s); }",
    )
    assert labels(tainted) == ["the query parameters"]
    built = one(
        "rust",
        'fn h(xs: Vec<String>) { let mut s = String::from("a"); for x in xs { s += "b"; } '
        "sink(s); }",
    )
    assert facts.is_constant(built) and facts.constant_texts(built) == {"a", "b"}


def test_flow_collection_put_and_get() -> None:
    tainted = one(
        "rust", Q + ') { let mut m = HashMap::new(); m.insert("k", p.v); sink(m.get("k")); }'
    )
    assert labels(tainted) == ["the query parameters"]
    constant = one(
        "rust", 'fn h() { let mut m = HashMap::new(); m.insert("k", "v"); sink(m.get("k")); }'
    )
    assert facts.is_constant(constant)


def test_flow_helper_function() -> None:
    helper = 'fn q(t: &str) -> String { format!("select * from {}", t) }\n'
    assert labels(one("rust", helper + Q + ") { sink(q(&p.t)); }")) == ["the query parameters"]
    assert facts.is_constant(one("rust", helper + 'fn h() { sink(q("users")); }'))


def test_flow_builders() -> None:
    pushed = one(
        "rust",
        'fn h(web::Query(q): web::Query<P>) { let mut s = String::from("select "); '
        "s.push_str(&q.c); sink(s); }",
    )
    assert labels(pushed) == ["the query parameters"]
    constant = one(
        "rust", 'fn h() { let mut s = String::from("select "); s.push_str("c"); sink(s); }'
    )
    assert facts.is_constant(constant)
    written = one(
        "rust",
        "fn h(Json(b): Json<B>) { let mut s = String::new(); "
        'write!(s, "select {}", b.c).unwrap(); sink(s); }',
    )
    assert labels(written) == ["the request body"]
    formatted = one("rust", Q + ') { sink(format!("select {} from t", p.c)); }')
    assert labels(formatted) == ["the query parameters"]
    assert facts.is_constant(one("rust", 'fn h() { sink(format!("select {} from t", "c")); }'))


def test_flow_dead_branch_behind_a_constant_condition() -> None:
    dead = one("rust", Q + ') { let mut q = "a".to_string(); if 5 < 3 { q = p.name; } sink(q); }')
    assert facts.is_constant(dead)
    live = one("rust", Q + ') { let mut q = "a".to_string(); if 3 < 5 { q = p.name; } sink(q); }')
    assert labels(live) == ["the query parameters"]


def test_flow_sanitizer() -> None:
    parsed = one("rust", Q + ') { let n: i64 = p.id.parse().unwrap(); sink(format!("a {}", n)); }')
    assert not facts.untrusted(parsed)
    assert {f.detail for f in parsed if f.origin is Origin.SANITIZED} == {"parse()"}
    raw = one("rust", Q + ') { let n = p.id.trim().to_string(); sink(format!("a {}", n)); }')
    assert labels(raw) == ["the query parameters"]


def test_flow_allow_list_guard() -> None:
    allowed = 'const ALLOWED: [&str; 2] = ["name", "email"];\n'
    guarded = one(
        "rust",
        allowed
        + 'fn h(col: &str) { if !ALLOWED.contains(&col) { panic!("no"); }'
        + ' sink(format!("order by {}", col)); }',
    )
    assert {f.origin for f in guarded} == {Origin.CONSTANT, Origin.SANITIZED}
    unguarded = one(
        "rust",
        allowed + "fn h(col: &str) { let c = col; if !ALLOWED.contains(&c) { log(c); }"
        ' sink(format!("order by {}", c)); }',
    )
    assert Origin.PARAMETER in {f.origin for f in unguarded}


def test_flow_parameter_of_a_public_handler() -> None:
    axum = one(
        "rust",
        'async fn h(Query(q): Query<Params>) -> String { sink(format!("select {}", q.name)); '
        "String::new() }",
    )
    assert labels(axum) == ["the query parameters"]
    plain = one("rust", 'fn h(name: &str) { sink(format!("select {}", name)); }')
    assert not facts.untrusted(plain) and Origin.PARAMETER in {f.origin for f in plain}
    rocket = one(
        "rust", '#[get("/<name>")]\nfn h(name: &str) { sink(format!("select {}", name)); }'
    )
    assert labels(rocket) == ["a route parameter"]
    actix = one(
        "rust", 'fn h(req: HttpRequest) { let id = req.match_info().get("id").unwrap(); sink(id); }'
    )
    assert labels(actix) == ["the path parameters"]


def test_flow_stdin_and_constants() -> None:
    stdin = one(
        "rust",
        "fn h() { let mut s = String::new(); std::io::stdin().read_line(&mut s).unwrap(); "
        "sink(s); }",
    )
    assert labels(stdin) == ["stdin"]
    file = one(
        "rust",
        "fn h(f: File) { let mut s = String::new(); f.read_to_string(&mut s).unwrap(); sink(s); }",
    )
    assert not facts.untrusted(file)
    constant = one(
        "rust", 'const T: &str = "users";\nfn h() { sink(format!("select * from {}", T)); }'
    )
    assert facts.is_constant(constant)


def test_a_long_else_if_chain_lowers_in_linear_time() -> None:
    assert_linear("rust")
