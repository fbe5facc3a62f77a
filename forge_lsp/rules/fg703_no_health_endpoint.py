"""FG703 no-health-endpoint: a service entry point serves routes but no health check."""

from __future__ import annotations

import re
from collections.abc import Iterator

from forge_lsp.core.model import Finding, Severity
from forge_lsp.rules.base import CheckContext, Rule, RuleOption
from forge_lsp.rules.families import ops

HEALTH_NAMES = frozenset(
    {
        "health",
        "healthz",
        "healthcheck",
        "health-check",
        "health_check",
        "ready",
        "readyz",
        "readiness",
        "live",
        "livez",
        "liveness",
        "ping",
        "status",
        "heartbeat",
        "actuator",
    }
)
_GENERIC = frozenset({"status", "ping", "ready", "live"})
_SIDECAR_NAMES = frozenset({"metrics", "debug", "pprof"})
# A health path anywhere in the file's strings (a constant, a middleware such as chi's
# `Heartbeat("/ping")`, a probe config) means someone thought of it: stay quiet.
_HEALTH_TEXT = re.compile(
    r"""["'`][^"'`\n]*/(?:health\w*|readyz?|readiness|livez?|liveness|ping|heartbeat)\b"""
    r"|Heartbeat\(|healthcheck|terminus|lightship",
    re.IGNORECASE,
)

_DOC = r"""
## What it does

**Flags a service entry point (the file that starts the server) that registers HTTP routes
but none of them is a health check.** A route counts as one when a path segment is
`health`, `healthz`, `healthcheck`, `ready`, `readyz`, `readiness`, `live`, `livez`,
`liveness`, `ping`, `status` or `heartbeat` (extend the list with the `routeNames` option).
A listener that serves only `/metrics` or `/debug/pprof` is a sidecar and is not flagged.
The range is the server start call. The rule is file-scoped, and it only looks at files that
both define routes and start the server, because routers split across files would otherwise
all be flagged:

- **Go** (`package main`): `http.HandleFunc` / `mux.Handle(Func)` (Go 1.22 `"GET /path"`
  patterns too), gin `r.GET`, chi / echo `r.Get`, started with `ListenAndServe`, `Serve` or
  gin's `Run`.
- **Node**: express / fastify / koa-router `app.get("/path", ...)` (and `post`, `put`...)
  in a file that calls `app.listen(...)`.
- **Python**: Flask `@app.route` / `@app.get`, FastAPI `@app.get` / `@router.get`, aiohttp
  `router.add_get`, in a file that starts the server (`app.run()`, `uvicorn.run()`,
  `web.run_app()`, `serve_forever()`).
- **Java** and **Kotlin**: `server.createContext("/path", ...)` with `com.sun.net.httpserver`.
- **Rust** (files with `fn main`): axum `.route("/path", get(...))` started with
  `axum::serve`; `nest`, `merge`, `service`, `fallback` make the list incomplete.

Stays quiet when the route list is incomplete (a router mounted from elsewhere:
`app.use("/api", orders)`, `include_router`, `register_blueprint`, chi `Mount`, a computed
path), when any string in the file names a health path, on Spring Boot (Actuator provides
`/actuator/health`; the routes live in controllers) and on Ktor, whose routes usually live in
`Application` modules across files. No fix: what "healthy" means is yours to
decide.

**Where values come from.** The rule reads route paths from string literals written at the
registration in this file; a path built from a variable or a constant defined elsewhere makes
the list incomplete, and the rule stays quiet. Out of reach: routers and handlers registered
in other files, health checks served by a sidecar, a gateway or the framework's
configuration, and what the orchestrator actually probes.

## Why it matters in production

Without a health route the orchestrator has two bad choices. With **no probe**, Kubernetes and
the load balancer send traffic to a pod the moment the process exists, before its pool is
connected, and keep sending it to a pod that is wedged (deadlocked, out of connections): users
get the errors until someone restarts it by hand. With a probe pointed at a **real route**
(`/orders`), every probe runs a database query, a slow database fails the probes of every pod
at once, and the whole fleet is restarted in the middle of the incident. A cheap `/healthz`
(liveness: the process answers) and a `/readyz` (readiness: dependencies reachable, not
draining) are what rolling deploys and graceful shutdown are built on.

## Example

```go
func main() {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /orders", listOrders)
	srv := &http.Server{Addr: ":8080", Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	log.Fatal(srv.ListenAndServe())
}
```

```javascript
app.get("/orders", listOrders);
app.listen(8080);
```

## Use instead

```go
mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
	w.WriteHeader(http.StatusNoContent)
})
mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
	if err := db.PingContext(r.Context()); err != nil || draining.Load() {
		http.Error(w, "not ready", http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusNoContent)
})
```

```javascript
app.get("/healthz", (req, res) => res.sendStatus(204));
```

```python
@app.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}
```

## How to test it

Hit `/healthz` in the service's smoke test and assert a 2xx; make `/readyz` return 503 when the
database is unreachable (stop the test container) and while draining after SIGTERM. Point the
Kubernetes `livenessProbe` at `/healthz` and the `readinessProbe` at `/readyz`.

## References

- [Kubernetes: liveness, readiness and startup probes](https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/)
- [Google SRE book: load balancing in the datacenter (health checking)](https://sre.google/sre-book/load-balancing-datacenter/)
- [Express: health checks and graceful shutdown](https://expressjs.com/en/advanced/healthcheck-graceful-shutdown.html)
"""


def is_health_path(path: str, names: frozenset[str]) -> bool:
    """Whether a route path (`/healthz`, `/api/v1/health/db`) names a health check.

    The generic words (`status`, `ping`, `ready`, `live`) count only outside a resource:
    `/orders/{id}/status` is an order's status, not the service's.
    """
    segments = [s for s in re.split(r"[/.]", path.lower()) if s]
    for index, segment in enumerate(segments):
        if segment not in names:
            continue
        if segment not in _GENERIC or not any(_is_param(s) for s in segments[:index]):
            return True
    return False


def _is_param(segment: str) -> bool:
    return segment.startswith((":", "{", "<", "*"))


class NoHealthEndpoint(Rule):
    code = "FG703"
    name = "no-health-endpoint"
    summary = "A service entry point registers HTTP routes but no health or readiness route."
    severity = Severity.INFO
    cwe = None
    languages = ops.LANGUAGES
    doc = _DOC
    file_scoped = True
    options = (
        RuleOption(
            "routeNames",
            list,
            [],
            'More path segments that count as a health check (e.g. `["alive", "_up"]`).',
        ),
    )

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        starts = ops.starts(ctx)
        if not starts:
            return
        routes = ops.routes(ctx)
        if not routes or any(r.path is None for r in routes):
            return  # no routes here, or some come from elsewhere: nothing certain to say
        names = HEALTH_NAMES | {str(n).lower() for n in ctx.options.get("routeNames") or ()}
        if any(is_health_path(r.path or "", names) for r in routes):
            return
        served = [r for r in routes if not is_health_path(r.path or "", _SIDECAR_NAMES)]
        if not served:
            return  # a metrics / pprof listener is a sidecar, not the service's API
        if _HEALTH_TEXT.search(ctx.source.decode("utf-8", "replace")):
            return
        count = len(served)
        noun = "route" if count == 1 else "routes"
        yield self.finding(
            starts[0].call,
            f"{starts[0].what} serves {count} {noun} and none is a health check, so the "
            "orchestrator can only probe a real endpoint or nothing: add a cheap `/healthz` "
            "(liveness) and a `/readyz` that checks dependencies.",
        )


RULE = NoHealthEndpoint()
