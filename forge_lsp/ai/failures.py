"""Every way a Claude request can fail, as one accurate message a user can act on.

What happened is read from what Forge saw (`forge_lsp.ai.wire`: each attempt's HTTP status,
the error type in its body or in an ``event: error`` of the stream, whether the body arrived
whole) and from Forge's own watchdog (a stall, the deadline), never from the SDK's exception
class or wording, which change between releases. The SDK retries 408, 409, 429, 5xx and
connection failures before a stream starts (`max_retries`); a message says "after N attempts"
only when there were several. A stream cut off midway keeps the text that arrived, and the
one message says so once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from forge_lsp.ai.wire import Attempt, Exchange
    from forge_lsp.config.claude import ClaudeSettings

Stop = Literal["stalled", "deadline"]

# A piece of a secret this long or longer is taken out of a message (shorter ones are too
# common to mean anything: `sk-ant-` is in every key).
SECRET_PIECE = 8
PROXY_VARIABLES = (
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "ALL_PROXY",
    "all_proxy",
)
_USERINFO = re.compile(r"://([^/@\s]+)@")


class ClaudeFailure(Exception):
    """A failed Claude request: `kind` for code and tests, `message` for the user."""

    def __init__(self, kind: str, message: str, partial_text: str = "") -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.partial_text = partial_text

    def with_partial(self, text: str) -> ClaudeFailure:
        return ClaudeFailure(self.kind, self.message, text)

    def without(self, secrets: Iterable[str]) -> ClaudeFailure:
        """The same failure with every piece of `secrets` taken out of its message: the
        message quotes what the API (or a gateway, or a proxy) answered, and an answer may
        echo the key it rejected."""
        message = self.message
        for secret in secrets:
            message = scrub(message, secret)
        return ClaudeFailure(self.kind, message, self.partial_text)


def secrets_of(settings: ClaudeSettings, environ: Mapping[str, str]) -> list[str]:
    """Everything secret that Forge sends with a request: the key, the auth token, the custom
    headers' values, and the credentials in the base URL and proxy URLs."""
    found = [settings.key(environ) or "", environ.get("ANTHROPIC_AUTH_TOKEN", "")]
    found += list(settings.headers.values())
    for url in (settings.base_url or "", *(environ.get(name, "") for name in PROXY_VARIABLES)):
        userinfo = _USERINFO.search(url)
        if userinfo:
            found += [userinfo.group(1), *userinfo.group(1).split(":", 1)]
    return [secret for secret in found if len(secret) >= SECRET_PIECE]


def scrub(text: str, secret: str) -> str:
    """`text` with every run of `SECRET_PIECE` or more characters of `secret` replaced."""
    if len(secret) < SECRET_PIECE:
        return text
    out: list[str] = []
    index = 0
    while index < len(text):
        length = 0
        piece = text[index : index + SECRET_PIECE]
        if len(piece) == SECRET_PIECE and piece in secret:
            length = SECRET_PIECE
            while index + length < len(text) and text[index : index + length + 1] in secret:
                length += 1
        if length:
            out.append("[secret removed]")
            index += length
        else:
            out.append(text[index])
            index += 1
    return "".join(out)


def explain(
    exchange: Exchange,
    *,
    task: str,
    partial_text: str = "",
    stopped: Stop | None = None,
    settings: ClaudeSettings,
    error: BaseException | None = None,
) -> ClaudeFailure:
    """The one message for a request that did not end in a whole answer.

    `partial_text` is what reached the user before the end (kept, and said so); `stopped` is
    set when Forge's own watchdog ended the request. `error` is only a last resort, for the
    error type of a body Forge could not read itself (a compressed one)."""
    kept = _kept(partial_text, task)
    if stopped == "stalled":
        return ClaudeFailure(
            "stalled",
            f"Claude sent nothing for {settings.stall_seconds:g} s, so Forge stopped waiting"
            f"{kept}. Try again, or raise `forge.claude.stallSeconds` if your network is slow.",
            partial_text,
        )
    if stopped == "deadline":
        return ClaudeFailure(
            "deadline",
            f"The {task} took longer than Forge's limit of {settings.deadline_seconds:g} s, so "
            f"Forge stopped it{kept}. Ask about less code, lower `forge.claude.effort`, or "
            "raise `forge.claude.deadlineSeconds`.",
            partial_text,
        )
    last = exchange.last
    if last is None:
        name = type(error).__name__ if error is not None else "no request"
        return ClaudeFailure(
            "unexpected",
            f"Forge could not send the request to Claude ({name}). `forge-lsp doctor` checks "
            "the setup.",
        )
    tries = f", after {len(exchange.attempts)} attempts" if exchange.retried else ""
    if last.status is None:
        host = urlsplit(settings.base_url).hostname if settings.base_url else None
        where = f" at {host}" if host else ""
        return ClaudeFailure(
            "network",
            f"Forge could not reach Claude{where}: the connection failed before any answer"
            f"{tries}. Check your connection, `HTTPS_PROXY` and `forge.claude.baseUrl`.",
        )
    error_type, api_message = _error_of(last, error)
    if last.status >= 400:
        kind, message = _status_failure(last, error_type, api_message, tries)
        return ClaudeFailure(kind, message)
    if last.error_in_stream or error_type is not None:
        if error_type == "overloaded_error":
            return ClaudeFailure(
                "overloaded",
                f"Claude is overloaded right now: it ended the {task} midway with an "
                f"overloaded_error{kept}. Try again in a minute.",
                partial_text,
            )
        detail = f"{error_type}: {api_message}" if api_message else str(error_type)
        return ClaudeFailure(
            "stream-error",
            f"Claude ended the {task} midway with an error ({detail}){kept}. Try again.",
            partial_text,
        )
    if not last.body_ended and (partial_text or last.bytes_received):
        return ClaudeFailure(
            "cut-off",
            f"The connection to Claude dropped in the middle of the {task}{kept}. Try again.",
            partial_text,
        )
    return ClaudeFailure(
        "unexpected", f"Claude's request failed unexpectedly (status {last.status})."
    )


def _kept(partial_text: str, task: str) -> str:
    if not partial_text or task == "review":  # a review's half-JSON is not shown
        return ""
    return f" after {len(partial_text):,} characters; what arrived is kept"


def _error_of(attempt: Attempt, error: BaseException | None) -> tuple[str | None, str | None]:
    """The API's error type and message: as Forge read them off the wire, else (a body Forge
    could not read, say compressed) from the body the SDK parsed."""
    if attempt.error_type is not None or attempt.error_message is not None:
        return attempt.error_type, attempt.error_message
    body = getattr(error, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict):
            kind, message = inner.get("type"), inner.get("message")
            return (
                kind if isinstance(kind, str) else None,
                message if isinstance(message, str) else None,
            )
    return None, None


def _status_failure(
    attempt: Attempt, error_type: str | None, api_message: str | None, tries: str
) -> tuple[str, str]:
    status = attempt.status
    said = api_message or error_type or "no reason given"
    if status == 401:
        return "auth", (
            "Claude rejected the API key (401). Check `ANTHROPIC_API_KEY` (or "
            "`forge.claude.apiKey`) and restart Forge."
        )
    if status == 403:
        return "forbidden", (
            "This API key may not use this model or feature (403). Check the key's workspace "
            "and the `forge.claude.model` setting."
        )
    if status == 404:
        return "not-found", (
            f"Claude does not know this model or endpoint (404): {said} "
            "Check `forge.claude.model` and `forge.claude.baseUrl`."
        )
    if status == 429:
        wait = _retry_after(attempt.retry_after)
        return "rate-limited", (
            f"Claude's rate limit for this key is reached (429{tries}). Try again "
            f"{wait}, or raise the limit of the key's workspace."
        )
    if status == 402 or error_type == "billing_error":  # retrying cannot help: say so
        return "billing", (
            "Claude refused the request: the account's credit balance is too low (402). "
            "Add credits under Plans & Billing in the Anthropic Console, then try again."
        )
    if status == 413:
        return "too-large", "The selection is too large for one request: select less code."
    if status == 400:
        return "bad-request", f"Claude refused the request (400): {said}"
    if status == 529 or error_type == "overloaded_error":
        return "overloaded", (
            f"Claude is overloaded right now (529{tries}). Try again in a minute."
        )
    return "server", (
        f"Claude's service failed ({status}{tries}). Try again shortly; "
        "https://status.anthropic.com shows incidents."
    )


def _retry_after(seconds: float | None) -> str:
    if seconds is None:
        return "in a minute"
    rounded = round(seconds)
    if rounded < 90:
        return f"in {rounded} s"
    return f"in {round(seconds / 60)} min"
