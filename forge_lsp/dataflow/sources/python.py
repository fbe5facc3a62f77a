"""Python's sources and sanitizers: Flask, Django, FastAPI, stdin, sockets, message queues."""

from __future__ import annotations

from forge_lsp.dataflow.sources import SourceTable

TABLE = SourceTable(
    calls={
        # Flask
        "request.get_json": "request.get_json()",
        "request.get_data": "request.get_data()",
        "request.args.get": "request.args",
        "request.args.getlist": "request.args",
        "request.form.get": "request.form",
        "request.form.getlist": "request.form",
        "request.values.get": "request.values",
        "request.cookies.get": "request.cookies",
        "request.headers.get": "request.headers",
        "request.files.get": "request.files",
        # Django
        "request.GET.get": "request.GET",
        "request.GET.getlist": "request.GET",
        "request.POST.get": "request.POST",
        "request.POST.getlist": "request.POST",
        "request.COOKIES.get": "request.COOKIES",
        "request.META.get": "request.META",
        "request.headers.getlist": "request.headers",
        # stdin, sockets, queues
        "input": "stdin",
        "raw_input": "stdin",
        "sys.stdin.read": "stdin",
        "sys.stdin.readline": "stdin",
        "sys.stdin.readlines": "stdin",
        "recv": "a socket",
        "recvfrom": "a socket",
        "recv_into": "a socket",
        "recvmsg": "a socket",
    },
    attributes={
        "request.args": "request.args",
        "request.form": "request.form",
        "request.values": "request.values",
        "request.json": "request.json",
        "request.data": "request.data",
        "request.cookies": "request.cookies",
        "request.headers": "request.headers",
        "request.files": "request.files",
        "request.view_args": "request.view_args",
        "request.GET": "request.GET",
        "request.POST": "request.POST",
        "request.COOKIES": "request.COOKIES",
        "request.META": "request.META",
        "request.body": "request.body",
        "request.query_params": "request.query_params",
        "request.path_params": "request.path_params",
        "request.FILES": "request.FILES",
        "sys.stdin": "stdin",
        # kafka-python messages (`for message in consumer: message.value`)
        "message.value": "a message queue",
        "msg.value": "a message queue",
    },
    request_names=frozenset({"request", "req"}),
    parameter_markers={
        "Query(": "a FastAPI query parameter",
        "Path(": "a FastAPI path parameter",
        "Body(": "a FastAPI request body",
        "Header(": "a FastAPI header",
        "Cookie(": "a FastAPI cookie",
        "Form(": "a FastAPI form field",
        "File(": "a FastAPI upload",
    },
    parameter_types={
        "Request": "a request",
        "HttpRequest": "a request",
        "UploadFile": "a FastAPI upload",
    },
    # A route handler's plain parameters are path variables (Flask's `<id>`, FastAPI's `{id}`,
    # Django's path kwargs when routed through a view decorator).
    route_decorators=frozenset(
        {
            "route",
            "get",
            "post",
            "put",
            "patch",
            "delete",
            "api_view",
            "api_route",
            "websocket",
            # Django function views
            "require_GET",
            "require_POST",
            "require_safe",
            "require_http_methods",
            "login_required",
            "permission_required",
            "csrf_exempt",
        }
    ),
    trusted_markers=frozenset(
        {"Depends(", "Security(", "BackgroundTasks", "Session", "Response", "WebSocket"}
    ),
    view_methods=frozenset({"get", "post", "put", "patch", "delete", "head"}),
    callbacks={
        "basic_consume": (3, "a message queue"),
        "subscribe": (0, "a message queue"),
        "add_message_handler": (0, "a message queue"),
    },
    sanitizers={
        "int": "int()",
        "float": "float()",
        "bool": "bool()",
        "len": "len()",
        "uuid.UUID": "uuid.UUID()",
        "UUID": "uuid.UUID()",
        "Decimal": "Decimal()",
        "quote_ident": "quote_ident",
        "psycopg2.extensions.quote_ident": "quote_ident",
        "sql.Identifier": "sql.Identifier",
        "Identifier": "sql.Identifier",
        "sql.Literal": "sql.Literal",
        "format_table": "format_table",
        "format_column": "format_column",
        "quote_name": "quote_name",
        "quote_identifier": "quote_identifier",
        "quote": "quote",
        "escape_string": "escape_string",
        "shlex.quote": "shlex.quote",
        "secure_filename": "secure_filename",
    },
    # FastAPI converts a typed route parameter (`item_id: int`) and rejects what does not parse.
    safe_types={
        kind: "a typed parameter"
        for kind in ("int", "float", "bool", "UUID", "uuid.UUID", "datetime", "date", "Decimal")
    },
)
