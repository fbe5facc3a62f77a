"""Kotlin's sources and sanitizers: Ktor, Spring and JAX-RS annotations, servlets, stdin,
sockets and message listeners; numeric conversions and the drivers' quoting calls.

Ktor's `call` is the application call in scope of a route lambda: `call.parameters["id"]` and
`call.request.queryParameters["q"]` are attribute chains, `call.receive<T>()` a call. Callees
are matched as the Kotlin lowering writes them (`call.receiveText`, `p.toInt`), by suffix on
whole segments; `x.readLine()` on a reader is made of the reader, so the bare `readLine()`
left as a call is Kotlin's stdin.
"""

from __future__ import annotations

from forge_lsp.dataflow.sources import SourceTable
from forge_lsp.dataflow.sources.java import TABLE as JAVA

TABLE = SourceTable(
    calls={
        **JAVA.calls,
        # Ktor
        "call.receive": "the request body",
        "call.receiveText": "the request body",
        "call.receiveParameters": "the form parameters",
        "call.receiveMultipart": "the multipart body",
        "call.receiveNullable": "the request body",
        "call.receiveChannel": "the request body",
        "call.receiveStream": "the request body",
        "call.request.queryString": "the query string",
        "call.request.uri": "the request URI",
        "call.request.path": "the request path",
        "call.request.header": "a request header",
        "call.request.receiveText": "the request body",
        # stdin
        "readLine": "stdin",
        "readln": "stdin",
        "readlnOrNull": "stdin",
        "System.in.read": "stdin",
    },
    attributes={
        **JAVA.attributes,
        "call.parameters": "the route and query parameters",
        "call.request.queryParameters": "the query parameters",
        "call.request.headers": "the request headers",
        "call.request.cookies": "the request cookies",
        "call.request.rawQueryParameters": "the query parameters",
        "call.pathParameters": "the path parameters",
        "System.`in`": "stdin",
    },
    typed_methods=JAVA.typed_methods,
    request_names=JAVA.request_names,
    parameter_markers=JAVA.parameter_markers,
    parameter_types=JAVA.parameter_types,
    route_decorators=JAVA.route_decorators,
    safe_types={
        **JAVA.safe_types,
        **{
            kind: "a typed parameter"
            for kind in ("Int", "Int?", "Long?", "Double?", "Boolean?", "UUID?")
        },
    },
    sanitizers={
        **JAVA.sanitizers,
        "toInt": "toInt()",
        "toLong": "toLong()",
        "toShort": "toShort()",
        "toDouble": "toDouble()",
        "toFloat": "toFloat()",
        "toBigDecimal": "toBigDecimal()",
        "toIntOrNull": "toIntOrNull()",
        "toLongOrNull": "toLongOrNull()",
        "toDoubleOrNull": "toDoubleOrNull()",
        "toBoolean": "toBoolean()",
        "toBooleanStrict": "toBooleanStrict()",
        "toBooleanStrictOrNull": "toBooleanStrictOrNull()",
        "UUID.fromString": "UUID.fromString",
    },
)
