"""FG704 retry-without-idempotency-key: a POST retried by hand with no idempotency key."""

from __future__ import annotations

from collections.abc import Iterator

from forge_lsp.core.model import Finding, Severity
from forge_lsp.rules.base import CheckContext, Rule, has_error
from forge_lsp.rules.families import network as net
from forge_lsp.rules.families import outbound_calls, retries
from forge_lsp.rules.families.network import innermost_function

_DOC = r"""
## What it does

**Flags a POST sent again by a hand-written retry loop when nothing in the function sends an
idempotency key.** The retry loop is the one FG702 describes (an attempt inside an error check
that leaves the loop on success and goes round on failure), whatever its backoff. The POST is
`requests.post` / `session.post` / `httpx...post` / `.request("POST", ...)` in Python,
`http.Post` / `client.Post` / `client.Do(req)` with a request built with `http.MethodPost` in Go,
`fetch(url, { method: "POST" })` / `axios.post` in JavaScript and TypeScript, and
`client.send(...)` / `postForObject` with an `HttpRequest` built with `.POST(...)` in Java, and
OkHttp `newCall(request).execute()` with a request built with `.post(body)` in Kotlin. The
range is the call inside the loop.

Not flagged: a function that mentions an idempotency key anywhere (`"Idempotency-Key"`,
`X-Idempotency-Key`, Stripe's `idempotency_key=`), GET/PUT/DELETE (idempotent by contract),
retries done by a library (whose idempotency handling is configured where it is built), and
test files (option `ignoreInTests`). The rule is function-local. No fix: the key must be
generated once per logical operation, outside the loop, and the server has to honour it.

**Where values come from.** The rule is syntactic and function-local: the HTTP method comes
from the call's name or a literal in the same function (`"POST"`, `http.MethodPost`, `method:
"POST"`, `.POST(...)`), and an idempotency key counts when its name appears anywhere in the
function's text. Out of reach: a request or its headers built in another function or file,
a client whose interceptor adds the key, a method chosen by a variable from configuration,
and whether the receiving service honours the key at all.

## Why it matters in production

A POST that times out **may well have succeeded**: the charge went through, the response was
lost on the way back. Retrying it blindly makes a second charge, a second order, a second
e-mail to the customer. It happens exactly when things are slow, so a brown-out at the payment
provider turns into a batch of double charges and a week of refunds, and the logs show one
"timeout, retrying" line per customer and no error at all. An idempotency key generated once
per operation and sent on every attempt lets the server answer the retry with the first
result instead of doing the work twice.

## Example

```python
for attempt in range(3):
    try:
        return requests.post(f"{PAYMENTS}/charges", json=charge, timeout=5)
    except requests.Timeout:
        time.sleep(2 ** attempt)
```

```go
req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
for attempt := 0; attempt < 3; attempt++ {
	resp, err := client.Do(req)
	if err == nil {
		return resp, nil
	}
	time.Sleep(time.Duration(1<<attempt) * 200 * time.Millisecond)
}
```

```typescript
for (let attempt = 0; attempt < 3; attempt++) {
  try {
    return await fetch(`${PAYMENTS}/charges`, { method: "POST", body: JSON.stringify(charge) });
  } catch (err) {
    await sleep(200 * 2 ** attempt);
  }
}
```

## Use instead

Generate the key **once**, before the loop, from the operation (the order id is ideal), and
send it on every attempt.

```python
headers = {"Idempotency-Key": f"charge-{order.id}"}
for attempt in range(3):
    try:
        return requests.post(f"{PAYMENTS}/charges", json=charge, headers=headers, timeout=5)
    except requests.Timeout:
        time.sleep(2 ** attempt + random.random())
```

```go
req.Header.Set("Idempotency-Key", "charge-"+order.ID)
```

```typescript
const headers = { "Idempotency-Key": `charge-${order.id}` };
```

```java
HttpRequest request = HttpRequest.newBuilder(uri)
        .header("Idempotency-Key", "charge-" + order.id())
        .POST(BodyPublishers.ofString(body)).build();
```

## How to test it

Make the stub server apply the POST and then drop the connection (or delay past the client
timeout) on the first attempt, and assert that the retry carries the same `Idempotency-Key`
and that exactly one charge exists afterwards.

## References

- [CWE-837: Improper Enforcement of a Single, Unique Action](https://cwe.mitre.org/data/definitions/837.html)
- [IETF draft: The Idempotency-Key HTTP Header Field](https://datatracker.ietf.org/doc/draft-ietf-httpapi-idempotency-key-header/)
- [Stripe: Idempotent requests](https://docs.stripe.com/api/idempotent_requests)
"""


class RetryWithoutIdempotencyKey(Rule):
    code = "FG704"
    name = "retry-without-idempotency-key"
    summary = "POST requests retried by a hand-written loop with no idempotency key"
    severity = Severity.WARNING
    cwe = 837
    languages = retries.LANGUAGES
    doc = _DOC
    options = (net.IGNORE_IN_TESTS,)

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        if net.skipped(ctx):
            return
        for retry in retries.retries(ctx):
            if has_error(retry.loop):
                continue
            function = innermost_function(ctx, retry.loop)
            if outbound_calls.has_idempotency_key(ctx, function):
                continue
            for node in retry.attempt:
                for call in retries.walk_calls(node):
                    method = outbound_calls.http_call(ctx, call)
                    if method in {"POST", "?"} and outbound_calls.posts_in_function(
                        ctx, function, method
                    ):
                        yield self.finding(
                            call,
                            "This POST is retried on failure with no idempotency key, so an "
                            "attempt that timed out after the server acted runs twice: send "
                            "an `Idempotency-Key` generated once, before the loop.",
                        )


RULE = RetryWithoutIdempotencyKey()
