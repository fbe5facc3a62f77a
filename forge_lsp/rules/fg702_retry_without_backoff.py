"""FG702 retry-without-backoff: hand-written retry loops with a fixed sleep, none, or no end."""

from __future__ import annotations

from collections.abc import Iterator

from forge_lsp.core.model import Confidence, Finding, Severity
from forge_lsp.rules.base import CheckContext, Rule, has_error
from forge_lsp.rules.families import network as net
from forge_lsp.rules.families import outbound_calls, retries

_LIBRARY = {
    "python": "`tenacity` (`wait_exponential_jitter`) or `backoff`",
    "go": "`cenkalti/backoff` or a doubling delay with `rand` jitter",
    "java": "Resilience4j `Retry` with `IntervalFunction.ofExponentialRandomBackoff` or Failsafe",
    "kotlin": "Resilience4j `Retry` or a doubling `delay` with `Random` jitter",
}
_JS_LIBRARY = "`p-retry` or a doubling delay with `Math.random()` jitter"

_DOC = r"""
## What it does

**Flags hand-written retry loops that hammer the dependency they are waiting for.** A retry
loop here is a loop whose body makes an attempt inside an error check (`try`/`except`,
`try`/`catch`, `if err != nil`), leaves the loop on success (an unconditional `break` or
`return` on the success path) and goes round again on failure. Three shapes are flagged:

- **A fixed sleep between attempts** (`time.sleep(1)`, `time.Sleep(time.Second)`,
  `await sleep(1000)`, `await new Promise(r => setTimeout(r, 1000))`, `Thread.sleep(1000)`,
  Kotlin's `delay(1000)`; in Python any call named `sleep`, `..._sleep` or `...Sleep`, like
  Twisted's `asyncSleep`): the range is the sleep call. A delay is fixed when it is a literal,
  a constant or a parameter, and nothing in the loop changes it.
- **A loop that never gives up**: `while True` / `for {}` / `while (true)` / `for (;;)` with
  no exit on the failure path (no counter, no `raise` on the last attempt, no `ctx.Done()`)
  and a fixed delay, or no delay around a network call: the range is the loop header.
- **A counted loop (`for attempt in range(3)`, `for i := 0; i < n; i++`) with no sleep at all
  around a network call** (`requests`, `http.Client.Do`,
  `fetch`, axios, `HttpClient.send`, `connect` / `getConnection` / `Dial` / `Ping`): the range
  is the loop header.

Not flagged: delays that grow with the attempt (`2 ** attempt`, `backoff *= 2`,
`time.Duration(i) * time.Second`), delays with jitter or from a helper call
(`random.uniform`, `backoff.next()`), retry libraries (`tenacity`, `backoff`, `urllib3.Retry`,
`p-retry`, Resilience4j), worker and polling loops (`job = queue.get()` goes round whether or
not it worked: no exit on success), loops over a list of hosts (fail-over, not retry), and
loops whose only success exit is conditional in a `while True` (`if job is None: break`),
loops whose failure path changes what the next attempt uses and does not wait (`path =
path[e.end:]`, following a referral, generating a new key: iterating, not retrying), loops
whose handlers catch only a not-ready signal (`SSL.WantReadError`, `BlockingIOError`,
`InterruptedError`: waiting for the same read to become possible, nothing failed), and test
files (option `ignoreInTests`).
Python, Go, JavaScript, TypeScript, Java and Kotlin (`while (true)`, `for (attempt in 0 until
n)`, `try`/`catch`; `repeat(n) { }` is not recognised yet). The rule is function-local. No
fix: the right budget and backoff are yours to choose.

**Severity.** A loop that never gives up, an immediate retry of a network call, and a fixed
sleep around a call the rule knows as remote (an HTTP client call, `connect`, `Dial`, `Ping`)
are warnings. A fixed sleep in a bounded loop whose attempt is some other call (a helper, a
lock, a statement through a wrapper) is information with low confidence: whether it retries
a shared remote dependency is not visible from the call.

**Where values come from.** The rule reads the delay through the loop only: a delay is fixed
when it is a literal, a constant or a parameter and no assignment in the loop changes it;
a call (jitter, a backoff helper) counts as growing. It does not follow the delay to where a
constant or parameter is defined (another file, configuration, the environment), does not
see into a helper that makes the attempt, and cannot know how many callers run the loop at
once.

## Why it matters in production

A dependency browns out for ten seconds. Every instance of every caller notices at the same
moment, and a fixed `sleep(1)` keeps them **in lockstep**: the recovering service takes one
synchronized wave of every retry, once a second, at exactly the load that knocked it over.
That is the retry storm that turns a ten-second blip into a forty-minute outage, and the
postmortem graph is a comb. A loop with no sleep is worse: each caller is a tight loop of
failed connects, a core pinned at 100% and logs filling the disk. A `while True` with no
bound never stops: the request that started it holds its worker, its connection and its memory
until the pod is killed, and nothing upstream ever hears that it failed.

## Example

```python
while True:
    try:
        return requests.get(url, timeout=5).json()
    except requests.RequestException:
        time.sleep(1)
```

```go
for i := 0; i < 5; i++ {
	resp, err := client.Do(req)
	if err == nil {
		return resp, nil
	}
	time.Sleep(time.Second)
}
```

```typescript
for (let attempt = 0; attempt < 5; attempt++) {
  try {
    return await fetch(url, { signal: AbortSignal.timeout(5000) });
  } catch (err) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}
```

```java
while (true) {
    try {
        return client.send(request, BodyHandlers.ofString());
    } catch (IOException e) {
        Thread.sleep(1000);
    }
}
```

## Use instead

Bound the attempts, **double the delay each time, cap it, and add jitter** so callers spread
out; or use a retry library that does exactly that.

```python
@tenacity.retry(stop=tenacity.stop_after_attempt(5),
                wait=tenacity.wait_exponential_jitter(initial=0.2, max=10))
def fetch_rates():
    return requests.get(url, timeout=5).json()
```

```go
for attempt := 0; attempt < 5; attempt++ {
	resp, err := client.Do(req)
	if err == nil {
		return resp, nil
	}
	delay := time.Duration(1<<attempt) * 100 * time.Millisecond
	time.Sleep(delay/2 + time.Duration(rand.Int63n(int64(delay/2))))
}
```

```typescript
for (let attempt = 0; attempt < 5; attempt++) {
  try {
    return await fetch(url, { signal: AbortSignal.timeout(5000) });
  } catch (err) {
    await sleep(Math.min(10_000, 200 * 2 ** attempt) * (0.5 + Math.random() / 2));
  }
}
```

```java
RetryConfig config = RetryConfig.custom().maxAttempts(5)
        .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(200, 2.0))
        .build();
```

## How to test it

Stub the dependency to fail N times, inject the sleep (or a fake clock) and assert on the
delays it was asked for: they must grow, stay under the cap, and stop after the budget, with
the last error surfacing to the caller.

```python
def test_backs_off_then_gives_up(monkeypatch):
    delays = []
    monkeypatch.setattr(time, "sleep", delays.append)
    responses.add(responses.GET, URL, status=503)
    with pytest.raises(requests.HTTPError):
        fetch_rates()
    assert len(delays) == 4 and delays == sorted(delays)
```

## References

- [CWE-400: Uncontrolled Resource Consumption](https://cwe.mitre.org/data/definitions/400.html)
- [CWE-834: Excessive Iteration](https://cwe.mitre.org/data/definitions/834.html)
- [AWS Architecture Blog: Exponential Backoff and Jitter](https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/)
- [Google SRE book: Addressing Cascading Failures](https://sre.google/sre-book/addressing-cascading-failures/)
"""


class RetryWithoutBackoff(Rule):
    code = "FG702"
    name = "retry-without-backoff"
    summary = "Retry loops with a fixed sleep, no sleep around an HTTP call, or no bound"
    severity = Severity.WARNING
    cwe = 400
    languages = retries.LANGUAGES
    doc = _DOC
    options = (net.IGNORE_IN_TESTS,)

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        if net.skipped(ctx):
            return
        library = _LIBRARY.get(ctx.language.name, _JS_LIBRARY)
        for retry in retries.retries(ctx):
            if retry.growing or has_error(retry.loop):
                continue
            if retry.progresses and not retry.sleeps:
                continue  # iterating towards an answer (next referral, next key), no waiting
            if not retry.bounded and (retry.sleeps or _calls_network(ctx, retry)):
                what = "a fixed delay" if retry.sleeps else "no delay at all"
                yield self.finding(
                    retry.loop,
                    f"This retry loop never gives up and waits {what} between attempts: "
                    f"bound the attempts and back off exponentially with jitter, e.g. {library}.",
                    end_node=retry.header,
                )
            elif retry.sleeps:
                sleep, arg = retry.sleeps[0]
                delay = f"`{ctx.text(arg)}`" if arg is not None else "a fixed delay"
                if _calls_network(ctx, retry):
                    yield self.finding(
                        sleep,
                        f"This retry waits a fixed {delay} between attempts, so every caller "
                        "retries in lockstep against a struggling dependency: grow the delay "
                        f"with the attempt and add jitter, e.g. {library}.",
                    )
                else:
                    # Bounded, and what is retried is no call the rule knows as remote (a
                    # helper, a local lock, a statement through a wrapper): whether a shared
                    # dependency is hammered is out of its reach.
                    yield self.finding(
                        sleep,
                        f"This bounded retry waits a fixed {delay} between attempts: if what it "
                        "retries is a shared remote dependency, every caller retries in "
                        "lockstep; grow the delay with the attempt and add jitter, "
                        f"e.g. {library}.",
                        severity=Severity.INFO,
                        confidence=Confidence.LOW,
                    )
            elif retry.counted and _calls_network(ctx, retry):
                yield self.finding(
                    retry.loop,
                    "This loop retries a network call immediately, with no delay between "
                    f"attempts: back off exponentially with jitter, e.g. {library}.",
                    end_node=retry.header,
                )


def _calls_network(ctx: CheckContext, retry: retries.Retry) -> bool:
    """Whether the attempt is an outbound call (HTTP, or a connect/dial/ping)."""
    return any(
        outbound_calls.http_call(ctx, call) is not None or outbound_calls.connects(ctx, call)
        for node in retry.attempt
        for call in retries.walk_calls(node)
    )


RULE = RetryWithoutBackoff()
