"""Rust's sources and sanitizers: actix-web, axum and rocket extractors and requests, stdin,
sockets; numeric and UUID parses, and identifier quoting.

Callees are written with `.` for `::` and without generic arguments (`Uuid.parse_str`,
`std.io.stdin`), and matched by suffix on whole segments. `stdin.read_line(&mut s)` writes the
stdin's value into `s`; `stream.read(&mut buf)` the stream's. A parameter typed `Query<T>`,
`web::Json<T>`, `Form<T>`... is untrusted whatever its pattern (`Query(q)` binds `q`); the
plain parameters of a function under a route attribute (`#[get("/<name>")]`) are path variables
(rocket binds `<name>` to `name`).
"""

from __future__ import annotations

from forge_lsp.dataflow.sources import SourceTable

_HTTP_REQUEST = {
    "match_info": "the path parameters",
    "query_string": "the query string",
    "headers": "the request headers",
    "uri": "the request URI",
    "path": "the request path",
    "cookie": "a cookie",
    "cookies": "the request cookies",
}

TABLE = SourceTable(
    calls={
        "stdin": "stdin",
        "TcpStream.connect": "a socket",
        "UdpSocket.bind": "a socket",
        "incoming": "a socket",
        "req.match_info": "the path parameters",
        "req.query_string": "the query string",
        "req.headers": "the request headers",
        "req.uri.query": "the query string",
        "req.uri.path": "the request path",
        "request.match_info": "the path parameters",
        "request.query_string": "the query string",
        "request.headers": "the request headers",
        "request.uri.query": "the query string",
        "std.env.args": "the command line",
        "env.args": "the command line",
        "recv_from": "a socket",
    },
    typed_methods={
        "HttpRequest": _HTTP_REQUEST,
        "actix_web::HttpRequest": _HTTP_REQUEST,
        "Request<": {
            "uri": "the request URI",
            "headers": "the request headers",
            "body": "the body",
        },
        "TcpStream": {"read": "a socket", "read_to_string": "a socket", "read_to_end": "a socket"},
        "HeaderMap": {"get": "a request header"},
    },
    request_names=frozenset({"req", "request"}),
    parameter_types={
        # actix-web (`web::Query<T>`), axum and rocket: `::Query<` matches through paths.
        "Query<": "the query parameters",
        "Path<": "the path parameters",
        "Json<": "the request body",
        "Form<": "the form fields",
        "Multipart": "the multipart body",
        "HeaderMap": "the request headers",
        "RawQuery": "the query string",
        "TypedHeader<": "a request header",
        "CookieJar": "the request cookies",
        "Payload": "the request body",
        "LenientForm<": "the form fields",
    },
    # rocket: a route attribute's plain parameters are the path's `<name>` segments and query;
    # actix's attribute macros name their extractors by type, which `parameter_types` reads.
    route_decorators=frozenset({"get", "post", "put", "delete", "patch", "head", "route"}),
    safe_types={
        kind: "a typed parameter"
        for kind in (
            "i8",
            "i16",
            "i32",
            "i64",
            "i128",
            "isize",
            "u8",
            "u16",
            "u32",
            "u64",
            "u128",
            "usize",
            "f32",
            "f64",
            "bool",
            "Uuid",
            "NaiveDate",
            "DateTime<Utc>",
        )
    },
    sanitizers={
        "parse": "parse()",
        "Uuid.parse_str": "Uuid::parse_str",
        "Uuid.try_parse": "Uuid::try_parse",
        "i64.from_str": "i64::from_str",
        "i32.from_str": "i32::from_str",
        "u64.from_str": "u64::from_str",
        "u32.from_str": "u32::from_str",
        "quote_identifier": "quote_identifier",
        "QuoteIdentifier": "QuoteIdentifier",
        "escape_identifier": "escape_identifier",
        "quote_ident": "quote_ident",
        "escape_literal": "escape_literal",
    },
)
