"""FG701 no-graceful-shutdown: a service's server started with nothing to drain it on SIGTERM."""

from __future__ import annotations

from collections.abc import Iterator

from forge_lsp.core.model import Confidence, Finding, Severity
from forge_lsp.rules.base import CheckContext, Rule
from forge_lsp.rules.families import ops

_ADVICE = {
    "python": "install a `signal.signal(SIGTERM, ...)` handler that calls `server.shutdown()`, "
    "or run it under a server that drains (gunicorn, uvicorn)",
    "go": "run it in a goroutine, wait on `signal.NotifyContext(ctx, syscall.SIGTERM)` and call "
    "`srv.Shutdown(ctx)` with a deadline",
    "java": "add `Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(10)))`",
    "kotlin": "add `Runtime.getRuntime().addShutdownHook(Thread { server.stop(10) })`",
    "rust": "chain `.with_graceful_shutdown(shutdown_signal())` on a future that waits for "
    "`SignalKind::terminate()` and Ctrl-C",
    "script": 'handle `process.on("SIGTERM", ...)` with `server.close()` (or use '
    "`http-terminator` / `@godaddy/terminus`)",
}

_DOC = r"""
## What it does

**Flags a service entry point that starts its server with nothing in the file to drain it on
SIGTERM.** The rule looks at the whole file (it is file-scoped): the server start is the range,
and any shutdown handling anywhere in the same file clears it, including an imported helper
whose path names a drain (`.../graceful`, `httpshutdown`, `graceful-shutdown`).

- **Go** (`package main` only): `http.ListenAndServe(...)`, `srv.ListenAndServe()` /
  `ListenAndServeTLS`, `srv.Serve(l)` and gin's `r.Run()`, in a file with no `.Shutdown(`,
  `.GracefulStop(` and no `signal.Notify` / `signal.NotifyContext`.
- **Node** (JavaScript, TypeScript): `app.listen(...)`, `server.listen(...)` and
  `http.createServer(...).listen(...)` (the receiver bound to `express()`, `createServer()`,
  `fastify()`, `new Koa()`, `NestFactory.create()`, or named `app` / `server`), in a file with no
  `process.on("SIGTERM" | "SIGINT", ...)` handler, no `enableShutdownHooks()` (NestJS) and no
  graceful library (`http-terminator`, `stoppable`, `@godaddy/terminus`, `lightship`,
  `close-with-grace`).
- **Python**: `serve_forever()` (`http.server`, `socketserver`, `asyncio` servers) under the
  `__main__` guard or at module level, in a file with no `signal.signal(...)` /
  `loop.add_signal_handler(...)`.
- **Java** and **Kotlin**: `HttpServer.create(...)` (`com.sun.net.httpserver`) then `.start()`,
  in a file with no `Runtime.getRuntime().addShutdownHook(...)` and no `server.stop(...)`.
- **Rust** (files with `fn main`): `axum::serve(...)`, `warp::serve(...)` and hyper 0.14's
  `Server::bind(...).serve(...)`, in a file with no `with_graceful_shutdown(...)` /
  `bind_with_graceful_shutdown(...)` and no `tokio::signal` (`ctrl_c()`,
  `SignalKind::terminate()`).

Test files are skipped (a test's server dies with the test run). Deliberately **not** flagged,
because the framework drains on SIGTERM by itself:
`uvicorn.run()`, aiohttp `web.run_app()`, Spring Boot (`SpringApplication.run`,
`runApplication<...>`), Ktor (`embeddedServer(...).start(wait = true)` registers a JVM shutdown
hook unless the `io.ktor.server.engine.ShutdownHook` property is `false`), actix-web's
`HttpServer` (drains on SIGTERM by default) and Rocket. Flask's `app.run()`
is the development server; running it in production is its own problem, and the deploy's WSGI
server (gunicorn drains on SIGTERM) is the fix, so it is not flagged here either. `serve_forever`
inside a library function (Django's `runserver`) is not an entry point. A Node `listen`
that passes on its function's own parameters and returns the server (`return
server.listen(...args)`, as in Koa's own `Application#listen`) is a wrapper: the caller, in
another file, owns that server and may drain it, so it is reported as information with low
confidence. `return app.listen(PORT)` with the file's own port stays a warning.

**Where values come from.** The rule reads no values: it matches the server start and
searches the text of the same file for shutdown handling, imports and a `package main` or
`__main__` guard. Out of reach: a drain installed in another file or package (a shared
`server` module, a `graceful` helper under another name), a process manager or container
runtime that drains for you (a `preStop` hook, PM2, systemd), and the entry point of a
service split across several files.

## Why it matters in production

Every deploy, autoscaler scale-in and node drain sends your process **SIGTERM**, then SIGKILL a
grace period later. A process with no handler dies on the SIGTERM itself: **every in-flight
request is cut mid-response**, clients see connection resets or 502s from the load balancer,
and half-done work (a charge captured, the order row never written) stays half done. It happens
on every rollout, so a service that deploys ten times a day serves ten bursts of errors a day,
and they look like flaky network, not like your code. A drain is a dozen lines: stop accepting,
let the running requests finish, close the pools, exit.

## Example

```go
func main() {
	http.HandleFunc("/orders", listOrders)
	log.Fatal(http.ListenAndServe(":8080", nil))
}
```

```javascript
const app = express();
app.get("/orders", listOrders);
app.listen(8080);
```

```python
if __name__ == "__main__":
    HTTPServer(("", 8080), OrdersHandler).serve_forever()
```

## Use instead

Stop accepting, drain with a deadline shorter than the orchestrator's grace period, then exit.

```go
srv := &http.Server{Addr: ":8080", Handler: mux, ReadHeaderTimeout: 5 * time.Second}
ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
defer stop()
go func() {
	if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Fatal(err)
	}
}()
<-ctx.Done()
shutdownCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
defer cancel()
srv.Shutdown(shutdownCtx)
```

```javascript
const server = app.listen(8080);
process.on("SIGTERM", () => {
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(1), 20_000).unref();
});
```

```python
server = ThreadingHTTPServer(("", 8080), OrdersHandler)
signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
server.serve_forever()
```

```java
HttpServer server = HttpServer.create(new InetSocketAddress(8080), 0);
Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(10)));
server.start();
```

```rust
axum::serve(listener, app)
    .with_graceful_shutdown(async {
        let mut term = signal(SignalKind::terminate()).expect("SIGTERM handler");
        tokio::select! { _ = term.recv() => {}, _ = tokio::signal::ctrl_c() => {} }
    })
    .await?;
```

## How to test it

Start the service, fire a slow request (a handler that sleeps two seconds), send the process
`SIGTERM` while it runs, and assert the request still completes with a 200 and the process exits
0 before the grace period. In Kubernetes, `kubectl rollout restart` under a load generator
(`hey`, `k6`) must show zero non-2xx responses.

## References

- [CWE-404: Improper Resource Shutdown or Release](https://cwe.mitre.org/data/definitions/404.html)
- [Kubernetes: termination of Pods](https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination)
- [Go `http.Server.Shutdown`](https://pkg.go.dev/net/http#Server.Shutdown)
- [Express: health checks and graceful shutdown](https://expressjs.com/en/advanced/healthcheck-graceful-shutdown.html)
"""


class NoGracefulShutdown(Rule):
    code = "FG701"
    name = "no-graceful-shutdown"
    summary = "A service's server is started with nothing in the file to drain it on SIGTERM."
    severity = Severity.WARNING
    cwe = 404
    languages = ops.LANGUAGES
    doc = _DOC
    file_scoped = True

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        starts = [s for s in ops.starts(ctx) if not s.handles_signals]
        if not starts or ops.handles_shutdown(ctx):
            return
        key = "script" if ctx.language.name in ops.SCRIPT else ctx.language.name
        for start in starts:
            if start.wrapper:
                # Started with the caller's port and handed back: the caller, in a file the
                # rule does not see, may drain it.
                yield self.finding(
                    start.call,
                    f"{start.what} starts a server with the caller's arguments and returns it, "
                    "and nothing in this file drains it on SIGTERM: if the caller does not "
                    f"either, every deploy cuts in-flight requests; {_ADVICE[key]}.",
                    severity=Severity.INFO,
                    confidence=Confidence.LOW,
                )
                continue
            yield self.finding(
                start.call,
                f"{start.what} starts serving with no SIGTERM handling in this file, so every "
                f"deploy kills the in-flight requests mid-response: {_ADVICE[key]}.",
            )


RULE = NoGracefulShutdown()
