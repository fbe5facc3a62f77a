"""JavaScript and TypeScript sources and sanitizers: Express, Koa, NestJS, stdin, queues."""

from __future__ import annotations

from forge_lsp.dataflow.sources import SourceTable

TABLE = SourceTable(
    calls={
        # Express
        "req.param": "req.param()",
        "req.get": "a request header",
        "req.header": "a request header",
        "request.get": "a request header",
        "request.header": "a request header",
        # Koa
        "ctx.get": "a request header",
        "ctx.cookies.get": "ctx.cookies",
        # stdin and sockets
        "process.stdin.read": "stdin",
        "readlineSync.question": "stdin",
        "prompt": "stdin",
    },
    attributes={
        # Express (and anything naming its request `req` or `request`)
        "req.query": "req.query",
        "req.params": "req.params",
        "req.body": "req.body",
        "req.headers": "req.headers",
        "req.cookies": "req.cookies",
        "req.signedCookies": "req.signedCookies",
        "req.files": "req.files",
        "req.file": "req.file",
        "req.hostname": "req.hostname",
        "req.path": "req.path",
        "req.url": "req.url",
        "req.originalUrl": "req.originalUrl",
        "request.query": "request.query",
        "request.params": "request.params",
        "request.body": "request.body",
        "request.headers": "request.headers",
        "request.cookies": "request.cookies",
        # Koa
        "ctx.request.body": "ctx.request.body",
        "ctx.request.query": "ctx.request.query",
        "ctx.request.headers": "ctx.request.headers",
        "ctx.query": "ctx.query",
        "ctx.params": "ctx.params",
        "ctx.headers": "ctx.headers",
        "ctx.querystring": "ctx.querystring",
        # kafkajs `eachMessage: async ({ message }) => message.value`
        "message.value": "a message queue",
        "msg.content": "a message queue",
        "process.stdin": "stdin",
    },
    request_names=frozenset({"req", "request", "ctx"}),
    parameter_markers={
        # NestJS parameter decorators
        "@Query(": "a NestJS @Query() parameter",
        "@Param(": "a NestJS @Param() parameter",
        "@Body(": "a NestJS @Body() parameter",
        "@Headers(": "a NestJS @Headers() parameter",
        "@Cookies(": "a NestJS @Cookies() parameter",
        "@UploadedFile(": "a NestJS upload",
    },
    callbacks={
        # amqplib `channel.consume(queue, (msg) => ...)`
        "consume": (0, "a message queue"),
    },
    # TypeScript parameters declared as numbers or booleans (NestJS's `ParseIntPipe` makes the
    # declaration true; elsewhere it is the author's word).
    safe_types={kind: "a typed parameter" for kind in ("number", "boolean", "bigint")},
    sanitizers={
        "parseInt": "parseInt()",
        "parseFloat": "parseFloat()",
        "Number": "Number()",
        "Number.parseInt": "parseInt()",
        "Number.parseFloat": "parseFloat()",
        "Math.floor": "Math.floor()",
        "Math.round": "Math.round()",
        "BigInt": "BigInt()",
        "Boolean": "Boolean()",
        "escapeId": "escapeId",
        "mysql.escapeId": "mysql.escapeId",
        "mysql.escape": "mysql.escape",
        "escape": "escape",
        "SqlString.escape": "SqlString.escape",
        "SqlString.escapeId": "SqlString.escapeId",
        "format.ident": "pg-format's format.ident",
        "format.literal": "pg-format's format.literal",
        "escapeIdentifier": "escapeIdentifier",
        "escapeLiteral": "escapeLiteral",
        "Prisma.sql": "Prisma.sql",
        "sql.identifier": "sql.identifier",
        "knex.ref": "knex.ref",
    },
)
