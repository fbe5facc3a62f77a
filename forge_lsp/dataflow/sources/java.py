"""Java's sources and sanitizers: servlets, Spring (MVC and WebFlux), JAX-RS, stdin, sockets,
Kafka, RabbitMQ and JMS listeners; numeric parses and the drivers' quoting calls.

Callees are matched as the Java lowering writes them: the dotted chain of the receiver and the
method (`request.getParameter`, `System.console.readLine`), by suffix on whole segments.
`new Scanner(System.in)` and `new BufferedReader(new InputStreamReader(System.in))` are made of
`System.in`, and `readLine`/`nextLine` of their reader, so stdin needs only the attribute.
"""

from __future__ import annotations

from forge_lsp.dataflow.sources import SourceTable

_SERVLET = {
    "getParameter": "a request parameter",
    "getParameterValues": "a request parameter",
    "getParameterMap": "the request parameters",
    "getParameterNames": "the request parameter names",
    "getHeader": "a request header",
    "getHeaders": "the request headers",
    "getHeaderNames": "the request header names",
    "getCookies": "the request cookies",
    "getQueryString": "the query string",
    "getInputStream": "the request body",
    "getReader": "the request body",
    "getRequestURI": "the request URI",
    "getRequestURL": "the request URL",
    "getPathInfo": "the request path",
    "getServletPath": "the request path",
    "getPart": "an uploaded part",
    "getParts": "the uploaded parts",
    "getRemoteUser": "the request's user name",
}

TABLE = SourceTable(
    calls={
        # Servlets: names no other common API uses.
        "getParameter": "a request parameter",
        "getParameterValues": "a request parameter",
        "getParameterMap": "the request parameters",
        "getQueryString": "the query string",
        # The request under its usual names, for the methods other APIs share.
        **{
            f"{owner}.{method}": label
            for owner in ("request", "req", "httpRequest", "servletRequest", "httpServletRequest")
            for method, label in _SERVLET.items()
        },
        # JAX-RS UriInfo, Spring WebFlux and WebRequest.
        "uriInfo.getQueryParameters": "the query parameters",
        "uriInfo.getPathParameters": "the path parameters",
        "getQueryParams": "the query parameters",
        "exchange.getRequest.getQueryParams": "the query parameters",
        "exchange.getRequest.getHeaders": "the request headers",
        "request.queryParam": "a query parameter",
        "request.pathVariable": "a path variable",
        "request.bodyToMono": "the request body",
        "webRequest.getParameter": "a request parameter",
        # stdin, sockets, message queues.
        "System.in.read": "stdin",
        # `System.console().readLine()` is made of the console (see the Java lowering).
        "System.console": "stdin",
        "socket.getInputStream": "a socket",
        "clientSocket.getInputStream": "a socket",
        "accept.getInputStream": "a socket",
        "record.value": "a Kafka record",
        "record.key": "a Kafka record",
        "message.getBody": "a queue message",
        "message.getPayload": "a queue message",
    },
    attributes={
        "System.in": "stdin",
    },
    typed_methods={
        "HttpServletRequest": _SERVLET,
        "ServletRequest": _SERVLET,
        "HttpServletRequestWrapper": _SERVLET,
        "WebRequest": {
            "getParameter": "a request parameter",
            "getParameterValues": "a request parameter",
            "getParameterMap": "the request parameters",
            "getHeader": "a request header",
            "getHeaderValues": "a request header",
        },
        "NativeWebRequest": {
            "getParameter": "a request parameter",
            "getParameterValues": "a request parameter",
            "getHeader": "a request header",
        },
        "ServerHttpRequest": {
            "getQueryParams": "the query parameters",
            "getHeaders": "the request headers",
            "getCookies": "the request cookies",
            "getBody": "the request body",
            "getURI": "the request URI",
            "getPath": "the request path",
        },
        "ServerRequest": {
            "queryParam": "a query parameter",
            "queryParams": "the query parameters",
            "pathVariable": "a path variable",
            "pathVariables": "the path variables",
            "bodyToMono": "the request body",
            "bodyToFlux": "the request body",
            "headers": "the request headers",
        },
        "UriInfo": {
            "getQueryParameters": "the query parameters",
            "getPathParameters": "the path parameters",
            "getRequestUri": "the request URI",
            "getPath": "the request path",
        },
        "HttpHeaders": {
            "getFirst": "a request header",
            "getHeaderString": "a request header",
            "getRequestHeader": "a request header",
            "get": "a request header",
        },
        "Socket": {"getInputStream": "a socket"},
        "ConsumerRecord": {"value": "a Kafka record", "key": "a Kafka record"},
        "ConsumerRecord<": {"value": "a Kafka record", "key": "a Kafka record"},
        "Message": {"getBody": "a queue message", "getPayload": "a queue message"},
        "Message<": {"getPayload": "a queue message"},
        "TextMessage": {"getText": "a JMS message"},
    },
    request_names=frozenset({"request", "req", "httpRequest", "servletRequest"}),
    parameter_markers={
        # Spring MVC
        "@RequestParam": "a request parameter",
        "@PathVariable": "a path variable",
        "@RequestBody": "the request body",
        "@RequestHeader": "a request header",
        "@CookieValue": "a cookie",
        "@ModelAttribute": "a form object",
        "@MatrixVariable": "a matrix variable",
        "@RequestPart": "an uploaded part",
        # JAX-RS
        "@QueryParam": "a query parameter",
        "@PathParam": "a path parameter",
        "@FormParam": "a form field",
        "@HeaderParam": "a request header",
        "@CookieParam": "a cookie",
        "@MatrixParam": "a matrix parameter",
        "@BeanParam": "request parameters",
        # Spring messaging
        "@Payload": "a queue message",
    },
    parameter_types={
        "ConsumerRecord<": "a Kafka record",
        "MultipartFile": "an uploaded file",
    },
    # A handler's or listener's plain parameters come from the request or the message: Spring
    # binds un-annotated simple parameters as request parameters, JAX-RS the body.
    route_decorators=frozenset(
        {
            "GetMapping",
            "PostMapping",
            "PutMapping",
            "DeleteMapping",
            "PatchMapping",
            "RequestMapping",
            "GET",
            "POST",
            "PUT",
            "DELETE",
            "PATCH",
            "KafkaListener",
            "RabbitListener",
            "JmsListener",
            "SqsListener",
            "StreamListener",
        }
    ),
    safe_types={
        kind: "a typed parameter"
        for kind in (
            "int",
            "long",
            "short",
            "byte",
            "double",
            "float",
            "boolean",
            "Integer",
            "Long",
            "Short",
            "Byte",
            "Double",
            "Float",
            "Boolean",
            "BigDecimal",
            "BigInteger",
            "UUID",
            "LocalDate",
            "LocalDateTime",
            "Instant",
        )
    },
    sanitizers={
        "Integer.parseInt": "Integer.parseInt",
        "Integer.valueOf": "Integer.valueOf",
        "Long.parseLong": "Long.parseLong",
        "Long.valueOf": "Long.valueOf",
        "Short.parseShort": "Short.parseShort",
        "Double.parseDouble": "Double.parseDouble",
        "Double.valueOf": "Double.valueOf",
        "Float.parseFloat": "Float.parseFloat",
        "Boolean.parseBoolean": "Boolean.parseBoolean",
        "Boolean.valueOf": "Boolean.valueOf",
        "UUID.fromString": "UUID.fromString",
        "BigDecimal": "new BigDecimal",
        "BigInteger": "new BigInteger",
        "LocalDate.parse": "LocalDate.parse",
        "Statement.enquoteIdentifier": "Statement.enquoteIdentifier",
        "enquoteIdentifier": "Statement.enquoteIdentifier",
        "enquoteLiteral": "Statement.enquoteLiteral",
        "DSL.name": "DSL.name",
        "DSL.quotedName": "DSL.quotedName",
        "DSL.inline": "DSL.inline",
        "encodeForSQL": "ESAPI encodeForSQL",
        "quoteIdentifier": "quoteIdentifier",
        "escapeSql": "escapeSql",
    },
)
