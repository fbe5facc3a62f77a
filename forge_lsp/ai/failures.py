"""Every way a Claude request can fail, as one message a user can act on.

The SDK retries 429, 529, 5xx and connection errors that happen before a stream starts
(`max_retries`); what reaches here has exhausted those retries or cannot be retried: a wrong
key, a bad request, or a stream that broke midway (a dropped connection raises the transport's
own `RemoteProtocolError`, a stalled one `ReadTimeout`, and an `event: error` inside the stream
an `APIStatusError` with status 200). A stream cut off midway keeps the text that arrived.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from forge_lsp.ai.settings import ClaudeSettings

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


def describe(error: BaseException, partial_text: str = "") -> ClaudeFailure:
    """The user's message for an exception raised by the SDK or its transport."""
    if isinstance(error, ClaudeFailure):
        return error.with_partial(partial_text)
    kind, message = _classify(error)
    if partial_text:
        message = (
            f"{message} The answer was cut off after {len(partial_text):,} characters; "
            "what arrived is kept above."
        )
    return ClaudeFailure(kind, message, partial_text)


def _classify(error: BaseException) -> tuple[str, str]:
    import anthropic
    import httpx2

    if isinstance(error, anthropic.AuthenticationError):
        return "auth", (
            "Claude rejected the API key (401). Check `ANTHROPIC_API_KEY` (or "
            "`forge.claude.apiKey`) and restart Forge."
        )
    if isinstance(error, anthropic.PermissionDeniedError):
        return "forbidden", (
            "This API key may not use this model or feature (403). Check the key's workspace "
            "and the `forge.claude.model` setting."
        )
    if isinstance(error, anthropic.NotFoundError):
        return "not-found", (
            f"Claude does not know this model or endpoint (404): {_api_message(error)} "
            "Check `forge.claude.model` and `forge.claude.baseUrl`."
        )
    if isinstance(error, anthropic.RateLimitError):
        wait = _retry_after(error)
        when = f"in {wait}" if wait else "in a minute"
        return "rate-limited", (
            f"Claude's rate limit for this key is reached (429), even after retrying. "
            f"Try again {when}, or raise the limit of the key's workspace."
        )
    if isinstance(error, anthropic.BadRequestError):
        return "bad-request", f"Claude refused the request (400): {_api_message(error)}"
    if isinstance(error, anthropic.APIStatusError):
        return _status_failure(error)
    if isinstance(error, (anthropic.APITimeoutError, httpx2.TimeoutException)):
        return "timeout", (
            "Claude did not answer in time. Try again, or raise `forge.claude.timeoutSeconds` "
            "if your network is slow."
        )
    if isinstance(error, anthropic.APIConnectionError):
        return "network", (
            "Forge could not reach Claude: the network or a proxy refused the connection. "
            "Check your connection, `HTTPS_PROXY` and `forge.claude.baseUrl`."
        )
    if isinstance(error, httpx2.TransportError):  # dropped mid-stream, after the SDK's retries
        return "cut-off", "The connection to Claude dropped in the middle of the answer."
    return "unexpected", f"Claude's request failed unexpectedly ({type(error).__name__})."


def _status_failure(error: Any) -> tuple[str, str]:
    status = getattr(error, "status_code", None)
    error_type = _error_type(error)
    if status == 529 or error_type == "overloaded_error":
        during = " during the answer" if status == 200 else ""
        return "overloaded", (
            f"Claude is overloaded right now{during} (529), even after retrying. "
            "Try again in a minute."
        )
    if status == 200:  # an `event: error` inside the stream
        return "stream-error", f"Claude's stream reported an error: {_api_message(error)}"
    if status == 402 or error_type == "billing_error":  # retrying cannot help: say so
        return "billing", (
            "Claude refused the request: the account's credit balance is too low (402). "
            "Add credits under Plans & Billing in the Anthropic Console, then try again."
        )
    if status == 413:
        return "too-large", "The selection is too large for one request: select less code."
    return "server", (
        f"Claude's service failed ({status}), even after retrying. Try again shortly; "
        "https://status.anthropic.com shows incidents."
    )


def _error_type(error: Any) -> str | None:
    body = getattr(error, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict):
            value = inner.get("type")
            return value if isinstance(value, str) else None
    return None


def _api_message(error: Any) -> str:
    body = getattr(error, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and isinstance(inner.get("message"), str):
            return str(inner["message"])
    return str(getattr(error, "message", "")) or type(error).__name__


def _retry_after(error: Any) -> str | None:
    response = getattr(error, "response", None)
    headers = getattr(response, "headers", None)
    if headers is None:
        return None
    value = headers.get("retry-after")
    try:
        seconds = round(float(value))
    except (TypeError, ValueError):
        return None
    if seconds < 90:
        return f"{seconds} s"
    return f"{round(seconds / 60)} min"
