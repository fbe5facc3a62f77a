"""FG101 sql-built-from-strings: SQL text built from non-constant parts reaches a query call."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import tree_sitter

from forge_lsp.core.model import Confidence, Finding, Severity
from forge_lsp.dataflow import ir
from forge_lsp.dataflow.facts import UNKNOWN_VALUE, Origin, Value
from forge_lsp.rules.base import (
    CheckContext,
    Rule,
    RuleOption,
    has_error,
    line_from,
    lines_below,
)
from forge_lsp.rules.families import sql
from forge_lsp.rules.families.sql import callers, origins

Node = tree_sitter.Node

_PYTHON_METHODS = (
    "execute executemany executescript exec_driver_sql raw extra text RawSQL "
    "mogrify"  # psycopg's `cursor.mogrify` renders the statement it is given
)
_GO_METHODS = (
    "Query QueryContext QueryRow QueryRowContext Exec ExecContext Prepare PrepareContext "
    "Select SelectContext Get GetContext Queryx QueryxContext QueryRowx QueryRowxContext "
    "MustExec MustExecContext Preparex PreparexContext NamedExec NamedExecContext NamedQuery "
    "NamedQueryContext Raw"
)
_JS_METHODS = (
    "query execute raw whereRaw orWhereRaw andWhereRaw havingRaw orHavingRaw andHavingRaw "
    "orderByRaw groupByRaw joinRaw fromRaw onRaw selectRaw $queryRawUnsafe $executeRawUnsafe"
)
_JAVA_METHODS = (
    "execute executeQuery executeUpdate executeLargeUpdate addBatch prepareStatement prepareCall "
    "query queryForObject queryForList queryForMap queryForRowSet queryForStream queryForLong "
    "queryForInt update batchUpdate createQuery createNativeQuery createSQLQuery execSQL rawQuery "
    "compileStatement"
)
# sqlx / postgres / tokio-postgres / rusqlite methods whose first argument is the statement.
_RUST_METHODS = (
    "execute query query_one query_opt query_raw batch_execute simple_query prepare "
    "prepare_cached query_row query_map execute_batch fetch_all fetch_one fetch_optional"
)
# sqlx / diesel free functions taking the statement (`sqlx::query!` is a macro: checked at
# compile time and parameterized, so it is not a call and never matches).
_RUST_FUNCTIONS = "query query_as query_scalar query_with query_as_with raw_sql sql_query"
_KOTLIN_METHODS = _JAVA_METHODS + " exec"


def _any_of(names: str) -> str:
    return " ".join(f'"{name}"' for name in names.split())


_PYTHON_SINKS = f"""
(call
  function: (attribute object: (_) @receiver attribute: (identifier) @method)
  arguments: (argument_list) @args
  (#any-of? @method {_any_of(_PYTHON_METHODS)})) @call
(call
  function: (identifier) @method
  arguments: (argument_list) @args
  (#any-of? @method "text" "RawSQL")) @call
"""
_GO_SINKS = f"""
(call_expression
  function: (selector_expression operand: (_) @receiver field: (field_identifier) @method)
  arguments: (argument_list) @args
  (#any-of? @method {_any_of(_GO_METHODS)})) @call
"""
_JS_SINKS = f"""
(call_expression
  function: (member_expression object: (_) @receiver property: (property_identifier) @method)
  arguments: (arguments) @args
  (#any-of? @method {_any_of(_JS_METHODS)})) @call
; The TypeScript grammars parse `await pool.query<Row>(sql)` as a call of an await expression.
(call_expression
  function: (await_expression
    (member_expression object: (_) @receiver property: (property_identifier) @method))
  arguments: (arguments) @args
  (#any-of? @method {_any_of(_JS_METHODS)})) @call
"""
_JAVA_SINKS = f"""
(method_invocation
  object: (_) @receiver
  name: (identifier) @method
  arguments: (argument_list) @args
  (#any-of? @method {_any_of(_JAVA_METHODS)})) @call
"""
_RUST_SINKS = f"""
(call_expression
  function: (scoped_identifier name: (identifier) @method)
  arguments: (arguments) @args
  (#any-of? @method {_any_of(_RUST_FUNCTIONS)})) @call
(call_expression
  function: (generic_function function: (scoped_identifier name: (identifier) @method))
  arguments: (arguments) @args
  (#any-of? @method {_any_of(_RUST_FUNCTIONS)})) @call
(call_expression
  function: (identifier) @method
  arguments: (arguments) @args
  (#any-of? @method "sql_query" "raw_sql" "query_as" "query_scalar")) @call
(call_expression
  function: (field_expression value: (_) @receiver field: (field_identifier) @method)
  arguments: (arguments) @args
  (#any-of? @method {_any_of(_RUST_METHODS)})) @call
"""
_KOTLIN_SINKS = f"""
(call_expression
  (navigation_expression (_) @receiver (identifier) @method .)
  (value_arguments) @args
  (#any-of? @method {_any_of(_KOTLIN_METHODS)})) @call
; Exposed: `exec("...")` inside a `transaction` block.
(call_expression (identifier) @method (value_arguments) @args (#eq? @method "exec")) @call
"""

# Python keyword arguments that carry SQL when no positional argument does.
_PYTHON_SQL_KEYWORDS = frozenset({"sql", "statement", "operation", "query", "raw_query"})
# `QuerySet.extra(where=[...], select={...})`: each string is spliced into the query.
_EXTRA_KEYWORDS = frozenset({"where", "select", "order_by", "tables"})


def _named(node: Node | None) -> list[Node]:
    if node is None:
        return []
    return [c for c in node.named_children if c.type != "comment"]


def _python_candidates(method: str, args: Node) -> list[Node]:
    """The argument(s) of a Python sink that hold SQL text."""
    named = _named(args)
    if method == "extra":
        found: list[Node] = []
        for arg in named:
            key, value = arg.child_by_field_name("name"), arg.child_by_field_name("value")
            if arg.type != "keyword_argument" or key is None or value is None:
                continue
            if key.text and key.text.decode() in _EXTRA_KEYWORDS:
                found.extend(_collection_items(value))
        return found
    positional = [a for a in named if a.type != "keyword_argument"]
    if positional:
        return (
            positional[:1] if positional[0].type not in {"list_splat", "dictionary_splat"} else []
        )
    for arg in named:
        key, value = arg.child_by_field_name("name"), arg.child_by_field_name("value")
        if (
            key is not None
            and value is not None
            and key.text
            and key.text.decode() in _PYTHON_SQL_KEYWORDS
        ):
            return [value]
    return []


def _collection_items(value: Node) -> list[Node]:
    if value.type in {"list", "tuple"}:
        return _named(value)
    if value.type == "dictionary":
        return [v for p in _named(value) if (v := p.child_by_field_name("value")) is not None]
    return [value]


def _first(method: str, args: Node) -> list[Node]:
    named = _named(args)
    return named[:1]


def _go_candidates(method: str, args: Node) -> list[Node]:
    # `db.Query(sql)`, `db.QueryContext(ctx, sql)`, pgx `conn.Query(ctx, sql)`,
    # sqlx `db.Select(&dest, sql)`, `db.SelectContext(ctx, &dest, sql)`: the SQL is one of the
    # first three arguments, and the first string among them.
    return _named(args)[:3]


def _js_candidates(method: str, args: Node) -> list[Node]:
    named = _named(args)
    if not named:
        return []
    first = named[0]
    if first.type == "object":
        # node-postgres `query({ text, values })`, mysql2 `query({ sql, values })`.
        for pair in _named(first):
            key, value = pair.child_by_field_name("key"), pair.child_by_field_name("value")
            if pair.type != "pair" or key is None or value is None or not key.text:
                continue
            if key.text.decode().strip("'\"") in {"text", "sql"}:
                return [value]
        return []
    return [first]


def _kotlin_first(method: str, args: Node) -> list[Node]:
    """The value of the first argument (`value_argument` wraps it, maybe with a name)."""
    named = _named(args)
    if not named or not named[0].named_children:
        return []
    return [named[0].named_children[-1]]


@dataclass(frozen=True, slots=True)
class _SinkSpec:
    query: str
    candidates: Callable[[str, Node], list[Node]]
    # Several candidates: stop at the first that is the query text (Go's ctx/dest arguments).
    scan: bool = False
    # Sinks that take a clause, not a statement (`whereRaw("age > " + n)`): the method name
    # already says the text is SQL, so no keyword is required in it.
    fragments: frozenset[str] = frozenset()


_PYTHON_FRAGMENTS = frozenset({"extra", "RawSQL"})
# knex's `*Raw` clause builders and Prisma's unsafe raw calls: unambiguous by name.
_JS_FRAGMENTS = frozenset(
    [
        "whereRaw",
        "orWhereRaw",
        "andWhereRaw",
        "havingRaw",
        "orHavingRaw",
        "andHavingRaw",
        "orderByRaw",
        "groupByRaw",
        "joinRaw",
        "fromRaw",
        "onRaw",
        "$queryRawUnsafe",
        "$executeRawUnsafe",
    ]
)
_SINKS: dict[str, _SinkSpec] = {
    "python": _SinkSpec(_PYTHON_SINKS, _python_candidates, fragments=_PYTHON_FRAGMENTS),
    "go": _SinkSpec(_GO_SINKS, _go_candidates, scan=True),
    "javascript": _SinkSpec(_JS_SINKS, _js_candidates, fragments=_JS_FRAGMENTS),
    "typescript": _SinkSpec(_JS_SINKS, _js_candidates, fragments=_JS_FRAGMENTS),
    "tsx": _SinkSpec(_JS_SINKS, _js_candidates, fragments=_JS_FRAGMENTS),
    "java": _SinkSpec(_JAVA_SINKS, _first),
    "rust": _SinkSpec(_RUST_SINKS, _first),
    "kotlin": _SinkSpec(_KOTLIN_SINKS, _kotlin_first),
}

_ADVICE = "pass values as query parameters (and identifiers through the driver's quoting function)"


_DOC = """
## What it does

**Flags SQL text glued together from non-constant strings and handed to a query call.** The
construction can be concatenation (`+`, `+=`), a Python f-string, `%` formatting or
`str.format()`, a JavaScript template literal, Go's `fmt.Sprintf`, Java's `String.format` /
`formatted` or `StringBuilder.append`. The sinks are the common database APIs: DB-API
`cursor.execute` / `executemany` / `executescript`, SQLAlchemy `text()` and `exec_driver_sql`,
Django `raw` / `extra` / `RawSQL`; Go `database/sql`, sqlx and pgx `Query` / `QueryRow` / `Exec` /
`Select` / `Get` (and their `Context` variants); node-postgres and mysql2 `query` / `execute`,
knex `raw` / `whereRaw` / `orderByRaw`, Sequelize and TypeORM `query`, Prisma
`$queryRawUnsafe` / `$executeRawUnsafe`; JDBC `execute*` / `addBatch` / `prepareStatement` /
`prepareCall`, Spring `JdbcTemplate`, JPA `createQuery` / `createNativeQuery`, Android
`execSQL` / `rawQuery`. Rust: `format!`, `+` and `push_str` reaching sqlx (`sqlx::query`,
`query_as`, `query_scalar`, `raw_sql`, `.execute(&q)` on a pool), `postgres` /
`tokio_postgres` (`query`, `execute`, `batch_execute`, `simple_query`), `diesel::sql_query` and
rusqlite (`execute`, `prepare`, `query_row`); the `sqlx::query!` macros are checked at compile
time and bind their arguments, so they never match. Kotlin: string templates (`"$x"`,
`"${x}"`), `+` and `String.format` reaching the JDBC and Spring sinks above and Exposed's raw
`exec("...")`.

The string is followed through the function's assignments, so the two-step form
(`sql = f"..."`, then `cursor.execute(sql)`) is reported on the line that built it, and a
statement built in a loop (`where += " AND " + key + " = ?"`), a list joined with `join`, a
`StringBuilder`, `strings.Builder`, `buildString { }` or `push_str` is read part by part. The
finding spans the built-string expression. A tagged template that parameterizes
(`` sql`...` ``, Prisma `` $queryRaw`...` ``) never matches. Two naming conventions are
trusted: a parameter called like SQL (`where_sql`, `tablesCondition`) is a clause composed
elsewhere, not a value, and a variable called `quoted*` / `escaped*` was quoted by its author.
`SAVEPOINT` names are generated counters and are not flagged. Test files (`tests/`,
`test_*.py`, `*_test.go`, `*.spec.ts`, `src/test/`) are skipped unless the `includeTests` option
is set: tests compose SQL from their own fixtures, not from anyone's input.

### Where the values come from

Forge's dataflow layer says what each non-constant part of the SQL is made of, on every path
that reaches the query: reaching definitions respect branches (`if`/`else`, `switch`, `match`),
loops, `try`, early returns and raises, and a branch behind a constant condition
(`if DEBUG:` with `DEBUG = False`) counts for nothing. A reassignment on one path does not hide
the other: after `p = request.getParameter("name"); if (p == null) p = "";` the value is still
the request's.

- **Sources** (untrusted input), per framework: Flask `request.args` / `form` / `values` /
  `json` / `cookies` / `headers` / `files` and route parameters (`@app.route("/<name>")`);
  Django `request.GET` / `POST` / `COOKIES` / `META` / `body`; FastAPI `Query()` / `Path()` /
  `Body()` / `Header()` / `Cookie()` / `Form()` parameters; Go `net/http` (`r.URL.Query()`,
  `r.FormValue`, `r.PathValue`, `r.Header`, `r.Body`), gorilla `mux.Vars`, chi `URLParam`, gin
  (`c.Query`, `c.Param`, `c.PostForm`, `ShouldBind*`), echo (`c.QueryParam`, `c.Param`,
  `c.FormValue`) and fiber; Express `req.query` / `params` / `body` / `headers` / `cookies`,
  Koa `ctx.query` / `ctx.params` / `ctx.request.body`, NestJS `@Query()` / `@Param()` /
  `@Body()` / `@Headers()` parameters; servlets (`request.getParameter`, `getHeader`,
  `getCookies`, `getInputStream`...), Spring `@RequestParam` / `@PathVariable` /
  `@RequestBody` / `@RequestHeader`, JAX-RS `@QueryParam` / `@PathParam` / `@FormParam`; Ktor
  `call.parameters`, `call.request.queryParameters`, `call.receive*()`; actix `web::Query` /
  `web::Path` / `web::Json` / `HttpRequest`, axum `Query` / `Path` / `Json` / `Form` /
  `HeaderMap`, rocket route parameters; and stdin, sockets and message-queue callbacks in every
  language. The tables are in `forge_lsp/dataflow/sources/`.
- **Sanitizers**: numeric parses (`int()`, `strconv.Atoi`, `parseInt`, `Integer.parseInt`,
  `toInt()`, `.parse::<i64>()`), UUID parses, the drivers' quoting functions (`quote_ident`,
  `sql.Identifier`, `format_table`, `quote_name`, `pq.QuoteIdentifier`, `escapeId`,
  `pg-format`'s `format.ident`, `Statement.enquoteIdentifier`) and a parameter declared with a
  type that cannot carry text (`@PathVariable long id`, `Path<u32>`, `item_id: int`,
  `id int64`, and a Python parameter whose default is a number, `limit=0`). A value that only
  reaches the SQL through one is not a finding.
- **Allow-lists**: a membership test with an early exit on the failing arm (`if sort not in
  SORTABLE: abort(400)`, `if (!ALLOWED.contains(col)) throw ...`, `if !sortable[col] { return }`),
  the arm where a membership test in a constant collection held, a lookup in a constant map
  (`SORT_COLUMNS[key]`, `.get(key, "name")`), an anchored full regex match, `isdigit()`. Any
  collection counts when the failing arm leaves (`sortable_columns` read from the database is
  still a list of identifiers). Where `if x:` / `if (x)` fails, `x` is None, empty or zero:
  harmless.
- **Constant on every path**: literals, `UPPER_CASE` and module-level constants, collections of
  literals read with a constant key, and same-file functions that return constants. No finding.
- **Same-file helpers**: a helper that builds and returns the SQL
  (`def by_name(n): return "... '" + n + "'"`) is read through, with its parameters bound to
  the caller's arguments (two helpers deep), and reported at the call with the caller's facts.
  A helper that holds the query and whose parameter reaches it
  (`def find(cur, email): cur.execute("..." + email)`) gets its own finding (a parameter,
  below), and each same-file call passing untrusted input gets an error at that argument. A
  private helper (Python `_name`, Go lowercase, Java/Kotlin/TypeScript `private`, Rust without
  `pub`) that every same-file caller (at least one) calls with constants or sanitized values has
  no finding: nothing else can call it.

**Severity and confidence** follow the origin. Untrusted input reaching the SQL is an
**error**, high confidence, and the message names the source and its line. A parameter of the
function, origin unknown, in a value position is a **warning**, medium confidence, reported once
at the function, not at every caller. Anything else the rule cannot place (a field, a library
call's result, a parameter used as an identifier, which is the function's contract) is
**information**, low confidence: visible, and filtered out by `--min-confidence medium`.

**Identifier and value positions.** A hole after `=`, `LIKE`, `IN (`, `VALUES (`, `LIMIT` or
inside quotes is a value: a bound parameter always works, and the message says so. A hole
where a table or column name goes (after `FROM`, `ORDER BY`, anything in DDL — `CREATE`,
`DROP`, `ALTER`, `GRANT` — or a `PRAGMA`, which take no parameters) is an identifier: the
message names the quoting function to use or asks for an allow-list.

**Out of reach.** Values that cross files (a helper imported from another module, a handler
registered in another file), services (a value read from a queue or an HTTP API is only known
when the read is a listed source), fields set elsewhere (`self.table` assigned in another
method), values read back from the database (a name stored by one request and used in SQL by
another: second-order injection) and callbacks passed through libraries. Those holes are
information, not warnings.

## Why it matters in production

This is **SQL injection**, still the cheapest way into a database. One crafted `id` of
`0 OR 1=1` dumps the users table; `'; DROP TABLE orders; --` takes the afternoon with it; a
`UNION SELECT` on a search box exfiltrates password hashes a page at a time while your
dashboards show a healthy p99. It does not even need an attacker: the first customer called
O'Brien turns the signup endpoint into a 500, and nobody knows why until the on-call reads the
stack trace at 3 AM.

Built SQL also hurts the database on a good day: every distinct literal is a new statement
text, so the plan cache churns, prepared-statement reuse drops to zero and
`pg_stat_statements` fills with near-duplicates you cannot aggregate.

## Example

```python
def find_user(cursor, email):
    cursor.execute(f"SELECT id, name FROM users WHERE email = '{email}'")
    return cursor.fetchone()
```

```go
func FindUser(ctx context.Context, db *sql.DB, email string) (*User, error) {
	q := fmt.Sprintf("SELECT id, name FROM users WHERE email = '%s'", email)
	row := db.QueryRowContext(ctx, q)
	// ...
}
```

```typescript
const { rows } = await pool.query(`SELECT id, name FROM users WHERE email = '${email}'`);
```

```java
ResultSet rs = stmt.executeQuery("SELECT id, name FROM users WHERE email = '" + email + "'");
```

```rust
let q = format!("SELECT id, name FROM users WHERE email = '{}'", email);
let users = sqlx::query_as::<_, User>(&q).fetch_all(&pool).await?;
```

```kotlin
val rs = stmt.executeQuery("SELECT id, name FROM users WHERE email = '$email'")
```

## Use instead

Pass values as **bound parameters**: the driver sends them out of band and the statement text
stays constant. Identifiers (table and column names) cannot be parameters; pick them from an
allow-list or quote them with the driver's quoting function.

```python
cursor.execute("SELECT id, name FROM users WHERE email = %s", (email,))
# SQLAlchemy
session.execute(text("SELECT id, name FROM users WHERE email = :email"), {"email": email})
```

```go
row := db.QueryRowContext(ctx, "SELECT id, name FROM users WHERE email = $1", email)
```

```typescript
const { rows } = await pool.query("SELECT id, name FROM users WHERE email = $1", [email]);
// Prisma: the tagged template binds every ${value}
const users = await prisma.$queryRaw`SELECT id, name FROM users WHERE email = ${email}`;
```

```java
try (PreparedStatement ps = conn.prepareStatement("SELECT id, name FROM users WHERE email = ?")) {
    ps.setString(1, email);
    try (ResultSet rs = ps.executeQuery()) { /* ... */ }
}
```

```rust
let users = sqlx::query_as!(User, "SELECT id, name FROM users WHERE email = $1", email)
    .fetch_all(&pool)
    .await?;
```

```kotlin
val users = jdbc.query("SELECT id, name FROM users WHERE email = ?", userMapper, email)
```

For a dynamic `ORDER BY` or column list, map the input onto a fixed set of identifiers:

```python
SORTABLE = {"name": "name", "created": "created_at"}
column = SORTABLE.get(sort, "created_at")
cursor.execute(f"SELECT id, name FROM users ORDER BY {column} LIMIT %s", (limit,))
```

Forge reads the lookup in the constant map as an allow-list: the last line has no finding.

## How to test it

Write the test the attacker would: call the repository function with hostile input and assert
the query still means what you wrote.

```python
HOSTILE = ["x' OR '1'='1", "o'brien@example.com", "'; DROP TABLE users; --"]

@pytest.mark.parametrize("email", HOSTILE)
def test_find_user_treats_input_as_data(db, email):
    assert find_user(db.cursor(), email) is None  # no row leaks, no syntax error
    assert table_exists(db, "users")
```

Keep a case with a quote in legitimate data (`O'Brien`) so a regression fails a test instead of
returning a 500, and run it against the real database engine (testcontainers), not a mock: only
the driver proves the values are bound.

## References

- [CWE-89: Improper Neutralization of Special Elements used in an SQL Command](https://cwe.mitre.org/data/definitions/89.html)
- [OWASP SQL Injection Prevention Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/SQL_Injection_Prevention_Cheat_Sheet.html)
- [OWASP Top 10 A03:2021 Injection](https://owasp.org/Top10/A03_2021-Injection/)
- [PEP 249: paramstyle](https://peps.python.org/pep-0249/#paramstyle)
- [Go: Avoiding SQL injection risk](https://go.dev/doc/database/sql-injection)
- [node-postgres: parameterized queries](https://node-postgres.com/features/queries#parameterized-query)
"""


class SqlBuiltFromStrings(Rule):
    code = "FG101"
    name = "sql-built-from-strings"
    summary = "SQL text built from non-constant strings reaches a database query call"
    severity = Severity.ERROR
    cwe = 89
    languages = frozenset(
        {"python", "go", "javascript", "typescript", "tsx", "java", "rust", "kotlin"}
    )
    fixable = False
    options = (
        RuleOption(
            "includeTests",
            bool,
            False,
            "Also check test files (`tests/`, `test_*.py`, `*_test.go`, `*.spec.ts`, "
            "`src/test/`): off by default, since tests build SQL from their own fixtures' table "
            "names, not from anyone's input.",
        ),
    )
    doc = _DOC

    def check(self, ctx: CheckContext) -> Iterable[Finding]:
        spec = _SINKS.get(ctx.language.name)
        if spec is None or (ctx.in_test_file and not ctx.options.get("includeTests")):
            return
        evaluator_type = sql.EVALUATORS[ctx.language.name]
        evaluator: sql.Evaluator | None = None
        reported: set[tuple[int, int]] = set()
        for sink in _sinks(ctx, spec, ctx.matches(spec.query)):
            evaluator = evaluator or evaluator_type(ctx)
            for arg in spec.candidates(sink.method, sink.args):
                built = evaluator.evaluate(arg)
                if sink.method not in spec.fragments and not sql.looks_like_sql(built.text):
                    continue
                values = _values(ctx, built)
                verdict = _verdict(built, values) if built.dynamic else origins.NO_FINDING
                if verdict.severity not in {None, Severity.ERROR} and _callers_harmless(
                    ctx, sink.call, values
                ):
                    verdict = origins.NO_FINDING  # a private helper only ever given constants
                for site in built.sites if verdict.severity is not None else ():
                    key = (site.node.start_byte, site.node.end_byte)
                    if key not in reported:
                        reported.add(key)
                        message = _message(ctx, site, sink.label, arg, sink.call, verdict)
                        yield self.finding(
                            site.node,
                            message,
                            severity=verdict.severity,
                            confidence=verdict.confidence,
                        )
                if spec.scan:
                    break
        yield from self._callers(ctx, spec, evaluator_type)

    def _callers(
        self, ctx: CheckContext, spec: _SinkSpec, evaluator_type: type[sql.Evaluator]
    ) -> Iterable[Finding]:
        """Untrusted arguments of same-file calls of a helper whose parameter reaches its SQL
        (`find(cur, request.args["email"])` with `def find(cur, email): cur.execute(... email)`):
        an error at the argument, besides the helper's own finding."""
        helpers: dict[int, tuple[ir.FunctionIR, list[tuple[_Sink, set[str]]]]] = {}
        evaluator: sql.Evaluator | None = None
        for sink in _sinks(ctx, spec, ctx.file_matches(spec.query)):
            helper = callers.helper_of(ctx, sink.call)
            if helper is None:
                continue
            evaluator = evaluator or evaluator_type(ctx)
            for arg in spec.candidates(sink.method, sink.args):
                built = evaluator.evaluate(arg)
                if not built.dynamic or (
                    sink.method not in spec.fragments and not sql.looks_like_sql(built.text)
                ):
                    continue
                params = {
                    f.detail
                    for value in _values(ctx, built)
                    for f in value
                    if f.origin is Origin.PARAMETER
                }
                if params:
                    entry = helpers.setdefault(helper.node.id, (helper, []))
                    entry[1].append((sink, params))
                if spec.scan:
                    break
        reported: set[int] = set()
        for helper, sinks in helpers.values():
            for call in callers.calls_of(ctx, helper, in_range=True):
                for sink, params in sinks:
                    for param in sorted(params):
                        argument = call.arguments.get(param)
                        if argument is None or argument.id in reported:
                            continue
                        found = callers.untrusted(ctx.flow.value(argument))
                        if not found:
                            continue
                        reported.add(argument.id)
                        source = found[0]
                        line = f" ({line_from(source.line, argument)})" if source.line >= 0 else ""
                        where = line_from(helper.node.start_point[0], argument)
                        message = (
                            f"Untrusted input from {_quoted(source.detail)}{line} reaches SQL "
                            f"built in `{helper.name}()` {where}, which passes it to "
                            f"`{sink.label}`: {_ADVICE}"
                        )
                        yield self.finding(
                            argument, message, severity=Severity.ERROR, confidence=Confidence.HIGH
                        )


@dataclass(frozen=True, slots=True)
class _Sink:
    call: Node
    method: str
    args: Node
    label: str


def _sinks(ctx: CheckContext, spec: _SinkSpec, matches: list) -> Iterable[_Sink]:
    """The live sink calls among a query's matches."""
    for _, caps in matches:
        call, method, args = caps["call"][0], caps["method"][0], caps["args"][0]
        if has_error(call) or ctx.flow.is_dead(call):
            continue  # broken, or behind a condition that is never true
        method_name = ctx.text(method)
        label = _sink_label(ctx, caps.get("receiver", [None])[0], method_name)
        if method.parent is not None and method.parent.type == "scoped_identifier":
            label = f"{ctx.text(method.parent)}()"  # rust `sqlx::query_as()`
        yield _Sink(call, method_name, args, label)


def _callers_harmless(ctx: CheckContext, call: Node, values: list[Value]) -> bool:
    """The SQL's non-constant parts are parameters of a private helper, and every same-file
    call of it passes constants or sanitized values for them (at least one call)."""
    params = {f.detail for value in values for f in value if f.origin is Origin.PARAMETER}
    if not params or any(
        f.origin not in {Origin.CONSTANT, Origin.SANITIZED, Origin.PARAMETER}
        for value in values
        for f in value
    ):
        return False
    helper = callers.helper_of(ctx, call)
    if helper is None or not callers.is_private(ctx, helper):
        return False
    calls = callers.calls_of(ctx, helper, in_range=False)
    return bool(calls) and all(
        param in c.arguments and callers.harmless(ctx.flow.value(c.arguments[param]))
        for c in calls
        for param in params
    )


def _sink_label(ctx: CheckContext, receiver: Node | None, method: str) -> str:
    """`cursor.execute()` for a named receiver, `.execute()` for a computed one."""
    if receiver is None:
        return f"{method}()"
    name = receiver
    if receiver.type in {"attribute", "member_expression", "selector_expression", "field_access"}:
        name = _last_name(receiver) or receiver
    if name.type in {"identifier", "property_identifier", "field_identifier", "this", "self"}:
        return f"{ctx.text(name)}.{method}()"
    if name.type in {"call", "call_expression", "method_invocation"}:
        callee = name.child_by_field_name("function") or name.child_by_field_name("name")
        if callee is None and name.named_child_count:  # kotlin: no field names
            callee = name.named_children[0]
        inner = _last_name(callee) if callee is not None else None
        if inner is not None:
            return f"{ctx.text(inner)}().{method}()"
    return f".{method}()"


def _last_name(node: Node) -> Node | None:
    if node.type in {"identifier", "property_identifier", "field_identifier"}:
        return node
    if node.type in {"navigation_expression", "scoped_identifier"} and node.named_child_count:
        return node.named_children[-1]
    for field_name in ("attribute", "property", "field", "name"):
        child = node.child_by_field_name(field_name)
        if child is not None:
            return child
    return None


def _quoted(label: str) -> str:
    """`request.args` in code quotes; a description (`a request parameter`) as it is."""
    return label if " " in label else f"`{label}`"


def _values(ctx: CheckContext, built: sql.Built) -> list[Value]:
    """Where each hole of a built string gets its value (one UNKNOWN when it has none)."""
    return [ctx.flow.value(hole) for hole in built.holes or ()] or [UNKNOWN_VALUE]


def _verdict(built: sql.Built, values: list[Value]) -> origins.Verdict:
    """How much a dynamic SQL string matters, from where its holes' values come from."""
    holes = built.holes or ()
    identifiers = origins.positions(built.text, len(holes)) if holes else [False]
    return origins.judge(values, identifiers)


def _message(
    ctx: CheckContext,
    site: sql.Site,
    label: str,
    arg: Node,
    call: Node,
    verdict: origins.Verdict,
) -> str:
    advice = _ADVICE
    if verdict.identifier:
        quoting = origins.QUOTING.get(ctx.language.name, "the driver's quoting function")
        advice = f"pick the identifier from an allow-list or quote it with {quoting}"
    inline = call.start_byte <= site.node.start_byte and site.node.end_byte <= call.end_byte
    where = "" if inline else " here"
    reaches = f"reaches `{label}`"
    if not inline:
        via = " ".join(ctx.text(arg).split())
        via = via if len(via) <= 40 else via[:37] + "..."
        reaches = f"reaches `{label}` {lines_below(call, site.node)} through `{via}`"
    source = verdict.source
    if source is not None and source.origin is Origin.UNTRUSTED:
        line = f" ({line_from(source.line, site.node)})" if source.line >= 0 else ""
        return (
            f"Untrusted input from {_quoted(source.detail)}{line} is spliced into SQL built with "
            f"{site.how}{where}, which {reaches}: {advice}"
        )
    if source is not None and source.origin is Origin.PARAMETER:
        return (
            f"SQL built with {site.how}{where} from parameter `{source.detail}` {reaches}: {advice}"
        )
    return f"SQL built with {site.how}{where} {reaches}: {advice}"


RULE = SqlBuiltFromStrings()
