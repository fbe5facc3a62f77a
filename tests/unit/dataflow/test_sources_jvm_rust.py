"""The Java, Kotlin and Rust source tables, matched against the parameters and calls of real
handler shapes through `FileFlow`: each framework's source is untrusted with its label, each
sanitizer makes the value safe, and look-alikes stay out."""

from __future__ import annotations

import pytest

from forge_lsp.dataflow import facts, sources
from forge_lsp.dataflow.facts import Origin
from tests.unit.dataflow.jvm_rust_helpers import labels, one

JAVA_SOURCES = [
    # servlets
    ('void h(HttpServletRequest req) { sink(req.getHeader("X")); }', "a request header"),
    ("void h(HttpServletRequest in) { sink(in.getQueryString()); }", "the query string"),
    ("void h(HttpServletRequest r) { sink(r.getCookies()[0].getValue()); }", "the request cookies"),
    ("void h(HttpServletRequest r) { sink(r.getPathInfo()); }", "the request path"),
    ("void h(ServletRequest r) { sink(r.getReader().readLine()); }", "the request body"),
    (
        'void h(HttpServletRequest r) { sink(r.getParameterMap().get("a")); }',
        "the request parameters",
    ),
    # Spring
    ('@PostMapping("/x") void h(@RequestBody String body) { sink(body); }', "the request body"),
    (
        '@GetMapping("/x/{id}") void h(@PathVariable("id") String id) { sink(id); }',
        "a path variable",
    ),
    ('void h(@RequestHeader("X-User") String u) { sink(u); }', "a request header"),
    ('void h(@CookieValue("s") String s) { sink(s); }', "a cookie"),
    ('void h(WebRequest web) { sink(web.getParameter("q")); }', "a request parameter"),
    (
        'void h(ServerHttpRequest r) { sink(r.getQueryParams().getFirst("q")); }',
        "the query parameters",
    ),
    ('@GetMapping("/x") String h(String name) { sink(name); return ""; }', "a route parameter"),
    # JAX-RS
    ('@GET void h(@QueryParam("q") String q) { sink(q); }', "a query parameter"),
    ('void h(@PathParam("id") String id) { sink(id); }', "a path parameter"),
    ('void h(@FormParam("f") String f) { sink(f); }', "a form field"),
    ('void h(@HeaderParam("h") String h) { sink(h); }', "a request header"),
    (
        'void h(UriInfo info) { sink(info.getQueryParameters().getFirst("q")); }',
        "the query parameters",
    ),
    # queues, sockets, stdin
    (
        '@KafkaListener(topics = "t") void on(String message) { sink(message); }',
        "a route parameter",
    ),
    ("void on(ConsumerRecord<String, String> rec) { sink(rec.value()); }", "a Kafka record"),
    ("void h(Socket s) throws IOException { sink(s.getInputStream()); }", "a socket"),
    (
        "void h() { BufferedReader br = new BufferedReader(new InputStreamReader(System.in)); "
        "sink(br.readLine()); }",
        "stdin",
    ),
    ("void h() { sink(System.console().readLine()); }", "stdin"),
    (
        "void h(HttpServletRequest r) {"
        ' sink(Optional.ofNullable(r.getParameter("q")).orElse("")); }',
        "a request parameter",
    ),
]

JAVA_SAFE = [
    (
        'void h(HttpServletRequest r) { sink(Long.parseLong(r.getParameter("n"))); }',
        "Long.parseLong",
    ),
    (
        'void h(HttpServletRequest r) { sink(UUID.fromString(r.getParameter("u"))); }',
        "UUID.fromString",
    ),
    (
        'void h(HttpServletRequest r) { sink(Double.parseDouble(r.getParameter("d"))); }',
        "Double.parseDouble",
    ),
    (
        'void h(HttpServletRequest r) { sink(Boolean.parseBoolean(r.getParameter("b"))); }',
        "Boolean.parseBoolean",
    ),
    (
        'void h(HttpServletRequest r) { sink(Integer.valueOf(r.getParameter("n"))); }',
        "Integer.valueOf",
    ),
    (
        "void h(Statement st, HttpServletRequest r) { "
        'sink(st.enquoteIdentifier(r.getParameter("c"), true)); }',
        "Statement.enquoteIdentifier",
    ),
    ('void h(HttpServletRequest r) { sink(DSL.name(r.getParameter("c"))); }', "DSL.name"),
    (
        'void h(HttpServletRequest r) { sink(DSL.quotedName(r.getParameter("c"))); }',
        "DSL.quotedName",
    ),
    (
        "void h(HttpServletRequest r) { "
        'sink(ESAPI.encoder().encodeForSQL(codec, r.getParameter("c"))); }',
        "ESAPI encodeForSQL",
    ),
]

JAVA_NOT_SOURCES = [
    'void h(HttpServletResponse response) { sink(response.getHeader("X")); }',
    "void h(ZipFile zip, ZipEntry e) { sink(zip.getInputStream(e)); }",
    "void h(Model model, String name) { sink(name); }",
    'void h() { sink(new Scanner(new File("a")).nextLine()); }',
]


def java(code: str) -> str:
    return "class Handler {\n" + code + "\n}\n"


@pytest.mark.parametrize(("code", "label"), JAVA_SOURCES)
def test_java_sources(code: str, label: str) -> None:
    assert labels(one("java", java(code))) == [label]


@pytest.mark.parametrize(("code", "label"), JAVA_SAFE)
def test_java_sanitizers(code: str, label: str) -> None:
    value = one("java", java(code))
    assert not facts.untrusted(value)
    assert [f.detail for f in value if f.origin is Origin.SANITIZED] == [label]


@pytest.mark.parametrize("code", JAVA_NOT_SOURCES)
def test_java_look_alikes_are_not_sources(code: str) -> None:
    assert not facts.untrusted(one("java", java(code)))


KOTLIN_SOURCES = [
    ('fun Route.r() { get("/u") { sink(call.request.headers["X-Id"]) } }', "the request headers"),
    (
        'fun Route.r() { post("/u") { val p = call.receiveParameters()\n sink(p["name"]) } }',
        "the form parameters",
    ),
    (
        'fun Route.r() { post("/u") { val u = call.receive<User>()\n sink(u.name) } }',
        "the request body",
    ),
    ('fun Route.r() { get("/u") { sink(call.request.cookies["s"]) } }', "the request cookies"),
    (
        'fun Route.r() { get("/u") { sink(call.parameters.getOrFail("id")) } }',
        "the route and query parameters",
    ),
    (
        'class C { @PostMapping("/x") fun h(@RequestBody body: String) { sink(body) } }',
        "the request body",
    ),
    ('class C { @GET fun h(@QueryParam("q") q: String) { sink(q) } }', "a query parameter"),
    ('fun h(request: HttpServletRequest) { sink(request.getHeader("X")) }', "a request header"),
    ("fun on(record: ConsumerRecord<String, String>) { sink(record.value()) }", "a Kafka record"),
    ("fun h() { sink(readln()) }", "stdin"),
]

KOTLIN_SAFE = [
    ('fun Route.r() { get("/u") { sink(call.parameters["id"]!!.toLong()) } }', "toLong()"),
    ('fun Route.r() { get("/u") { sink(call.parameters["id"]?.toIntOrNull()) } }', "toIntOrNull()"),
    ('fun Route.r() { get("/u") { sink(call.parameters["b"].toBoolean()) } }', "toBoolean()"),
    (
        'fun Route.r() { get("/u") { sink(UUID.fromString(call.parameters["u"])) } }',
        "UUID.fromString",
    ),
]


@pytest.mark.parametrize(("code", "label"), KOTLIN_SOURCES)
def test_kotlin_sources(code: str, label: str) -> None:
    assert labels(one("kotlin", code)) == [label]


@pytest.mark.parametrize(("code", "label"), KOTLIN_SAFE)
def test_kotlin_sanitizers(code: str, label: str) -> None:
    value = one("kotlin", code)
    assert not facts.untrusted(value)
    assert [f.detail for f in value if f.origin is Origin.SANITIZED] == [label]


def test_kotlin_look_alikes_are_not_sources() -> None:
    assert not facts.untrusted(one("kotlin", "fun h(f: File) { sink(f.reader().readLine()) }"))
    assert not facts.untrusted(one("kotlin", "class C { fun h(name: String) { sink(name) } }"))


RUST_SOURCES = [
    ("async fn h(Json(body): Json<Body>) { sink(body.name); }", "the request body"),
    ("async fn h(Path(id): Path<String>) { sink(id); }", "the path parameters"),
    ("async fn h(Form(f): Form<Login>) { sink(f.user); }", "the form fields"),
    ('async fn h(headers: HeaderMap) { sink(headers.get("x-id")); }', "the request headers"),
    ("async fn h(RawQuery(q): RawQuery) { sink(q); }", "the query string"),
    ("async fn h(q: web::Query<Params>) { sink(q.into_inner().name); }", "the query parameters"),
    ("async fn h(body: web::Json<Body>) { sink(&body.name); }", "the request body"),
    ("async fn h(req: HttpRequest) { sink(req.query_string()); }", "the query string"),
    ('async fn h(r: HttpRequest) { sink(r.headers().get("x")); }', "the request headers"),
    (
        "fn h() { let stdin = io::stdin(); let mut s = String::new(); "
        "stdin.lock().read_line(&mut s); sink(s); }",
        "stdin",
    ),
    (
        'fn h() { let mut s = TcpStream::connect("a:1").unwrap(); let mut b = String::new(); '
        "s.read_to_string(&mut b); sink(b); }",
        "a socket",
    ),
    (
        '#[post("/u/<id>", data = "<form>")]\nfn h(id: String, form: Form<U>) { sink(id); }',
        "a route parameter",
    ),
]

RUST_SAFE = [
    ("fn h(Query(q): Query<P>) { sink(q.id.parse::<i64>().unwrap()); }", "parse()"),
    ("fn h(Query(q): Query<P>) { sink(Uuid::parse_str(&q.id).unwrap()); }", "Uuid::parse_str"),
    ("fn h(Query(q): Query<P>) { sink(quote_identifier(&q.col)); }", "quote_identifier"),
    ("fn h(Query(q): Query<P>) { sink(pq::escape_identifier(&q.col)); }", "escape_identifier"),
]


@pytest.mark.parametrize(("code", "label"), RUST_SOURCES)
def test_rust_sources(code: str, label: str) -> None:
    assert labels(one("rust", code)) == [label]


@pytest.mark.parametrize(("code", "label"), RUST_SAFE)
def test_rust_sanitizers(code: str, label: str) -> None:
    value = one("rust", code)
    assert not facts.untrusted(value)
    assert [f.detail for f in value if f.origin is Origin.SANITIZED] == [label]


def test_rust_look_alikes_are_not_sources() -> None:
    assert not facts.untrusted(one("rust", "fn h(name: &str) { sink(name); }"))
    assert not facts.untrusted(one("rust", "#[test]\nfn h(name: &str) { sink(name); }"))
    assert not facts.untrusted(one("rust", "fn h(req: HttpRequest) { sink(req); }"))
    actix_state = (
        '#[get("/users/{id}")]\nasync fn h(data: web::Data<AppState>) { sink(data.table); }'
    )
    assert not facts.untrusted(one("rust", actix_state))


@pytest.mark.parametrize("language", ["java", "kotlin", "rust"])
def test_tables_load_by_language_and_are_data(language: str) -> None:
    table = sources.table(language)
    assert table is not None
    assert table.calls and table.sanitizers
    for mapping in (table.calls, table.attributes, table.parameter_markers, table.sanitizers):
        assert all(key and label for key, label in mapping.items())
    for methods in table.typed_methods.values():
        assert all(label for label in methods.values())
    # A name is never both a source and a sanitizer: the flow checks sanitizers first.
    assert not set(table.calls) & set(table.sanitizers)


@pytest.mark.parametrize(
    ("language", "kinds"),
    [
        ("java", ("Long", "int", "UUID")),
        ("kotlin", ("Int", "Long", "UUID")),
        ("rust", ("u32", "i64")),
    ],
)
def test_safe_types_name_the_scalar_types_a_framework_converts_to(
    language: str, kinds: tuple[str, ...]
) -> None:
    table = sources.table(language)
    assert table is not None
    assert all(kind in table.safe_types for kind in kinds)
    assert "String" not in table.safe_types and "str" not in table.safe_types
