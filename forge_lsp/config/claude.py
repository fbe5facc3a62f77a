"""The `claude` settings: whether Forge may call Claude, through which backend, and how.

They come from the editor (`initializationOptions.claude`, then `workspace/configuration`
section `forge.claude`) and from the project file (`[tool.forge.claude]`), the project winning
key by key like every other setting, except what a repository may not decide for the person at
the keyboard: an API key (never in a project file), turning Claude *on*, and everything that
decides where a request goes or which credentials and prices it is sent and counted with
(`DESTINATION_SETTINGS`: the base URL, backend, cloud project and region, extra headers, and
the prices the daily budget trusts). A repository is untrusted input: a `baseUrl` committed in
it would send the user's key and code to a server of its choosing. Those are ignored in
project files, with one message naming each.

Claude is on when a key or a cloud backend is configured (a key in the settings or in
`ANTHROPIC_API_KEY`; `backend = "bedrock"` or `"vertex"`), unless `enabled` is false.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

# How hard the model thinks (`output_config.effort`), lowest first.
Effort = Literal["low", "medium", "high", "xhigh", "max"]
EFFORTS: tuple[Effort, ...] = ("low", "medium", "high", "xhigh", "max")

Backend = Literal["anthropic", "bedrock", "vertex"]
BACKENDS: tuple[Backend, ...] = ("anthropic", "bedrock", "vertex")

# The current Sonnet for Ask and Review, the current fast model for Explain (a hover must be
# quick, and explanations are short): see forge_lsp/ai/models.toml and docs/claude-models.md.
DEFAULT_MODEL = "claude-sonnet-5-5"
DEFAULT_EXPLAIN_MODEL = "claude-haiku-5-5"
# How hard the model thinks per task (`output_config.effort`), where the model accepts it.
DEFAULT_EFFORT: Mapping[str, Effort] = {"ask": "medium", "review": "medium", "explain": "low"}
TASKS = ("ask", "review", "explain")
DEFAULT_QUESTIONS = (
    "What fails first under load here, and how would I see it in production?",
    "How should this be tested?",
)


@dataclass(frozen=True)
class ClaudeSettings:
    """Every Claude setting, with its default."""

    enabled: bool | None = None  # None: on when a key or a cloud backend is configured
    backend: Backend = "anthropic"
    api_key: str | None = field(default=None, repr=False)  # editor settings only
    base_url: str | None = None  # else ANTHROPIC_BASE_URL, else the SDK's default
    headers: Mapping[str, str] = field(default_factory=dict, repr=False)
    model: str = DEFAULT_MODEL
    explain_model: str = DEFAULT_EXPLAIN_MODEL
    max_tokens: int = 8192  # a cap on each task's own room (thinking counts against it)
    stall_seconds: float = 30.0  # nothing received for this long: the request has stalled
    deadline_seconds: float = 300.0  # the longest one task may take, retries included
    max_retries: int = 2
    aws_region: str | None = None
    aws_profile: str | None = None
    vertex_project: str | None = None
    vertex_region: str | None = None
    exclude: tuple[str, ...] = ()  # globs of files whose code is never sent
    min_confidence: float = 0.6
    max_findings: int = 20
    questions: tuple[str, ...] = DEFAULT_QUESTIONS  # preset "Ask Forge" code actions
    daily_budget_usd: float | None = None
    prices: Mapping[str, Any] = field(default_factory=dict)  # model -> ledger.Price; {}: defaults
    explain_on_hover: bool = False  # call Claude on plain hover: off unless the user opts in
    context_lines: int = 20  # lines around the selection sent as context (0: none)
    effort: Mapping[str, Effort] = field(default_factory=lambda: dict(DEFAULT_EFFORT))

    def key(self, environ: Mapping[str, str]) -> str | None:
        """The Anthropic API key: the editor's setting, else `ANTHROPIC_API_KEY`."""
        return self.api_key or environ.get("ANTHROPIC_API_KEY") or None

    def is_on(self, environ: Mapping[str, str]) -> bool:
        if self.enabled is False:
            return False
        if self.backend != "anthropic":
            return True
        return self.key(environ) is not None or bool(environ.get("ANTHROPIC_AUTH_TOKEN"))

    def setup_hint(self) -> str:
        """What to do when Claude is off, in one message."""
        if self.enabled is False:
            return (
                "Claude is turned off (`forge.claude.enabled = false`). Turn it on to use "
                "Ask, Review and Explain; the offline rules keep working without it."
            )
        return (
            "Forge needs Claude for this, and no key is set. Set `ANTHROPIC_API_KEY` in the "
            "environment the editor starts Forge from (or `forge.claude.apiKey` in the editor's "
            'settings), or set `forge.claude.backend` to "bedrock" or "vertex". The offline '
            "rules work without it."
        )


@dataclass(frozen=True)
class ClaudeLoaded:
    values: dict[str, Any]
    errors: list[str]


def _normalize(key: str) -> str:
    return key.replace("-", "").replace("_", "").lower()


def _bool(value: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, got {value!r}")
    return value


def _text(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"expected a non-empty string, got {_shown(value)}")
    return value.strip()


def _shown(value: object) -> str:
    return f"a {type(value).__name__}" if not isinstance(value, (int, float, bool)) else repr(value)


def _backend(value: object) -> Backend:
    if value not in BACKENDS:
        raise ValueError(f"expected one of {', '.join(BACKENDS)}, got {value!r}")
    return value


def _url(value: object) -> str:
    text = _text(value)
    if not re.match(r"^https?://[^\s/]+", text):
        from forge_lsp.config.terminal import without_credentials

        # The message reaches the log and the user: never the URL's user:password@ part.
        raise ValueError(f"expected an http(s) URL, got {without_credentials(text)!r}")
    return text.rstrip("/")


def _headers(value: object) -> dict[str, str]:
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise ValueError("expected a table of header names to string values")
    return dict(value)


def _number(low: float, high: float) -> Any:
    def check(value: object) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"expected a number, got {_shown(value)}")
        if math.isnan(value) or not low <= value <= high:
            raise ValueError(f"expected a number from {low:g} to {high:g}, got {value!r}")
        return float(value)

    return check


def _int(low: int, high: int) -> Any:
    def check(value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValueError(f"expected a whole number from {low} to {high}, got {value!r}")
        return value

    return check


def _strings(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError("expected a list of non-empty strings")
    return tuple(v.strip() for v in value)


def _budget(value: object) -> float | None:
    if value is None:
        return None
    return _number(0.0, 1_000_000.0)(value)


def _effort(value: object) -> dict[str, Effort]:
    """One level for every task, or a table of task -> level (unnamed tasks keep defaults)."""
    if isinstance(value, str):
        value = dict.fromkeys(TASKS, value)
    if not isinstance(value, Mapping):
        raise ValueError(f"expected one of {', '.join(EFFORTS)}, or a table of task = level")
    levels = dict(DEFAULT_EFFORT)
    for task, level in value.items():
        if task not in TASKS:
            raise ValueError(f"{task!r} is not a task (expected {', '.join(TASKS)})")
        if level not in EFFORTS:
            raise ValueError(
                f"the {task} effort must be one of {', '.join(EFFORTS)}, got {level!r}"
            )
        levels[task] = level
    return levels


def _prices(value: object) -> Mapping[str, Any]:
    """The price table (USD per million tokens) over Forge's defaults; see `prices`."""
    from forge_lsp.config.prices import parse_prices  # reads the model table on first use

    return parse_prices(value)


_FIELDS: dict[str, tuple[str, Any]] = {
    "enabled": ("enabled", _bool),
    "backend": ("backend", _backend),
    "apikey": ("api_key", _text),
    "baseurl": ("base_url", _url),
    "headers": ("headers", _headers),
    "model": ("model", _text),
    "explainmodel": ("explain_model", _text),
    "maxtokens": ("max_tokens", _int(1_024, 64_000)),  # thinking needs room before an answer
    "stallseconds": ("stall_seconds", _number(1.0, 600.0)),
    "deadlineseconds": ("deadline_seconds", _number(5.0, 3_600.0)),
    "maxretries": ("max_retries", _int(0, 10)),
    "awsregion": ("aws_region", _text),
    "awsprofile": ("aws_profile", _text),
    "vertexproject": ("vertex_project", _text),
    "vertexregion": ("vertex_region", _text),
    "exclude": ("exclude", _strings),
    "minconfidence": ("min_confidence", _number(0.0, 1.0)),
    "maxfindings": ("max_findings", _int(1, 200)),
    "questions": ("questions", _strings),
    "dailybudgetusd": ("daily_budget_usd", _budget),
    "prices": ("prices", _prices),
    "explainonhover": ("explain_on_hover", _bool),
    "contextlines": ("context_lines", _int(0, 200)),
    "effort": ("effort", _effort),
}

# Earlier names of settings, still read.
_ALIASES = {"timeoutseconds": "stallseconds"}

# What decides where a request goes, with which credentials, or what the budget trusts: the
# user's own settings only (the editor's user settings, the environment, the user's config
# file), never a project file.
DESTINATION_SETTINGS = frozenset(
    {
        "backend",
        "base_url",
        "headers",
        "aws_region",
        "aws_profile",
        "vertex_project",
        "vertex_region",
        "prices",
    }
)


def parse(raw: object, origin: str, *, project: bool = False) -> ClaudeLoaded:
    """Validate one source's `claude` table; `project` marks a file in the repository."""
    if raw is None:
        return ClaudeLoaded({}, [])
    if not isinstance(raw, Mapping):
        return ClaudeLoaded({}, [f"{origin}: expected a table of settings, got {_shown(raw)}"])
    values: dict[str, Any] = {}
    errors: list[str] = []
    for key, value in raw.items():
        normalized = _normalize(str(key))
        known = _FIELDS.get(_ALIASES.get(normalized, normalized))
        if known is None:
            errors.append(f"{origin}.{key}: unknown setting")
            continue
        name, validate = known
        if project and name == "api_key":
            errors.append(
                f"{origin}.{key}: an API key does not belong in a project file (it would be "
                "committed); it was ignored. Use ANTHROPIC_API_KEY or your editor's settings."
            )
            continue
        if project and name == "enabled" and value is True:
            errors.append(f"{origin}.{key}: a project may turn Claude off, not on; ignored")
            continue
        if project and name in DESTINATION_SETTINGS:
            errors.append(
                f"{origin}.{key}: where Claude's requests go, with which credentials and "
                "prices, is yours to decide, not the repository's; ignored. Set it in your "
                "editor's user settings, your environment or your own forge-lsp config file."
            )
            continue
        try:
            values[name] = validate(value)
        except ValueError as problem:
            errors.append(f"{origin}.{key}: {problem}")
    return ClaudeLoaded(values, errors)


def combine(*layers: Mapping[str, Any]) -> ClaudeSettings:
    merged: dict[str, Any] = {}
    for layer in layers:
        merged.update(layer)
    return replace(ClaudeSettings(), **merged)
