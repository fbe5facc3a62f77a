"""Go's sources and sanitizers: net/http, gorilla/mux, gin, echo, fiber, stdin."""

from __future__ import annotations

from forge_lsp.dataflow.sources import SourceTable

_GIN = {
    name: "a gin request parameter"
    for name in (
        "Query", "DefaultQuery", "GetQuery", "QueryArray", "QueryMap", "Param", "PostForm",
        "DefaultPostForm", "GetPostForm", "PostFormArray", "PostFormMap", "GetHeader", "Cookie",
        "FormFile", "GetRawData", "ShouldBind", "ShouldBindJSON", "ShouldBindQuery",
        "ShouldBindUri", "ShouldBindWith", "ShouldBindHeader", "Bind", "BindJSON", "BindQuery",
        "BindUri",
    )
}  # fmt: skip
_ECHO = {
    name: "an echo request parameter"
    for name in (
        "QueryParam", "QueryParams", "QueryString", "Param", "FormValue", "FormParams",
        "Cookie", "Bind", "FormFile",
    )
}  # fmt: skip
_FIBER = {
    name: "a fiber request parameter"
    for name in ("Query", "Params", "FormValue", "Get", "Cookies", "Body", "BodyParser")
}
_REQUEST = {
    name: "the request"
    for name in (
        "FormValue",
        "PostFormValue",
        "PathValue",
        "Cookie",
        "FormFile",
        "UserAgent",
        "Referer",
    )
}

TABLE = SourceTable(
    calls={
        "URL.Query": "r.URL.Query()",
        "FormValue": "r.FormValue",
        "PostFormValue": "r.PostFormValue",
        "PathValue": "r.PathValue",
        "Header.Get": "a request header",
        "Header.Values": "a request header",
        "mux.Vars": "mux.Vars(r)",
        "chi.URLParam": "chi.URLParam",
        "httprouter.ParamsFromContext": "a route parameter",
        "QueryParam": "an echo query parameter",
        "ShouldBindJSON": "a gin request body",
        "ShouldBindQuery": "a gin query",
        "ShouldBindUri": "a gin path parameter",
    },
    attributes={
        "r.Body": "r.Body",
        "req.Body": "req.Body",
        "request.Body": "request.Body",
        "r.Form": "r.Form",
        "r.PostForm": "r.PostForm",
        "r.Header": "r.Header",
        "URL.RawQuery": "r.URL.RawQuery",
        "URL.Path": "r.URL.Path",
        "os.Stdin": "stdin",
    },
    typed_methods={
        "gin.Context": _GIN,
        "echo.Context": _ECHO,
        "fiber.Ctx": _FIBER,
        "http.Request": _REQUEST,
    },
    request_names=frozenset({"r", "req", "request", "c", "ctx"}),
    # Parameters of a numeric or boolean type cannot carry text.
    safe_types={
        kind: "a typed parameter"
        for kind in (
            "int",
            "int8",
            "int16",
            "int32",
            "int64",
            "uint",
            "uint8",
            "uint16",
            "uint32",
            "uint64",
            "float32",
            "float64",
            "bool",
            "uuid.UUID",
            "time.Time",
            "time.Duration",
        )
    },
    sanitizers={
        "strconv.Atoi": "strconv.Atoi",
        "strconv.ParseInt": "strconv.ParseInt",
        "strconv.ParseUint": "strconv.ParseUint",
        "strconv.ParseFloat": "strconv.ParseFloat",
        "strconv.ParseBool": "strconv.ParseBool",
        "strconv.Itoa": "strconv.Itoa",
        "strconv.FormatInt": "strconv.FormatInt",
        "strconv.FormatUint": "strconv.FormatUint",
        "strconv.FormatFloat": "strconv.FormatFloat",
        "strconv.FormatBool": "strconv.FormatBool",
        "strconv.Quote": "strconv.Quote",
        "uuid.Parse": "uuid.Parse",
        "uuid.MustParse": "uuid.MustParse",
        "pq.QuoteIdentifier": "pq.QuoteIdentifier",
        "pq.QuoteLiteral": "pq.QuoteLiteral",
        "Sanitize": "pgx.Identifier.Sanitize",
        "QuoteIdentifier": "QuoteIdentifier",
        "len": "len()",
    },
)
