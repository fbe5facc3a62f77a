"""The `claude` settings: whether Forge may call Claude, through which backend, and how.

Each is declared once in `CLAUDE_SETTINGS` (validated by `forge_lsp.config.schema`), its
default in `ClaudeSettings`. They come from the sources every setting comes from, in the same
order (`forge_lsp.config`): the user's file (``[claude]``), the editor
(`initializationOptions.claude`, then `workspace/configuration` section `forge.claude`) and
the project file (`[tool.forge.claude]`), later sources winning key by key, with the
environment (``ANTHROPIC_API_KEY``, ``ANTHROPIC_BASE_URL``) below them all for the key and
the base URL. A project file may not decide for the person at the keyboard: an API key
(never in a project file), turning Claude *on*, and everything that decides where a request
goes or which credentials and prices it is sent and counted with (`DESTINATION_SETTINGS`:
the base URL, backend, cloud project and region, extra headers, and the prices the daily
budget trusts). A repository is untrusted input: a `baseUrl` committed in it would send the
user's key and code to a server of its choosing. Those are ignored in project files, with one
message naming each.

Claude is on when a key or a cloud backend is configured (a key in the settings or in
`ANTHROPIC_API_KEY`; `backend = "bedrock"` or `"vertex"`), unless `enabled` is false.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from forge_lsp.config.schema import (
    FLAG,
    HEADERS,
    NON_EMPTY_STRINGS,
    OPTIONAL_FLAG,
    OPTIONAL_TEXT,
    OPTIONAL_URL,
    TEXT,
    InProject,
    Loaded,
    Section,
    Setting,
    choice,
    number,
    optional_number,
    table,
    whole_number,
)

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
    prices: Mapping[str, Any] = field(default_factory=dict)  # model -> prices.Price; {}: defaults
    explain_on_hover: bool = False  # call Claude on plain hover: off unless the user opts in
    project_instructions: bool = True  # send .forge/instructions.md (`ai.instructions`)
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


_DESTINATION = InProject.DESTINATION

CLAUDE_SETTINGS = (
    Setting(
        "enabled",
        "enabled",
        OPTIONAL_FLAG,
        "Claude actions on or off (unset: on when a key or a cloud backend is configured).",
        in_project=InProject.OFF_ONLY,
    ),
    Setting(
        "backend",
        "backend",
        choice(*BACKENDS),
        "Where Claude runs: Anthropic's API, Amazon Bedrock or Google Vertex AI.",
        in_project=_DESTINATION,
    ),
    Setting(
        "api_key",
        "apiKey",
        OPTIONAL_TEXT,
        "The Anthropic API key (unset: ANTHROPIC_API_KEY).",
        in_project=InProject.SECRET,
    ),
    Setting(
        "base_url",
        "baseUrl",
        OPTIONAL_URL,
        "Anthropic API endpoint, a gateway or proxy (unset: ANTHROPIC_BASE_URL, else Anthropic's).",
        in_project=_DESTINATION,
    ),
    Setting(
        "headers",
        "headers",
        HEADERS,
        "Extra HTTP headers sent with every Claude request (for gateways).",
        in_project=_DESTINATION,
    ),
    Setting("model", "model", TEXT, "Model for Ask and Review."),
    Setting("explain_model", "explainModel", TEXT, "Model for Explain (and explain on hover)."),
    Setting(
        "max_tokens",
        "maxTokens",
        whole_number(1_024, 64_000),  # thinking needs room before an answer
        "Cap on each task's room for its answer, in tokens; thinking counts against it.",
    ),
    Setting(
        "stall_seconds",
        "stallSeconds",
        number(1.0, 600.0),
        "Seconds without a byte from Claude after which the request has stalled.",
        aliases=("timeoutSeconds",),
    ),
    Setting(
        "deadline_seconds",
        "deadlineSeconds",
        number(5.0, 3_600.0),
        "The longest one task may take in all, retries included.",
    ),
    Setting(
        "max_retries",
        "maxRetries",
        whole_number(0, 10),
        "Retries on rate limits, overload, server errors and failed connections.",
    ),
    Setting(
        "aws_region",
        "awsRegion",
        OPTIONAL_TEXT,
        "Bedrock: AWS region (unset: AWS_REGION).",
        in_project=_DESTINATION,
    ),
    Setting(
        "aws_profile",
        "awsProfile",
        OPTIONAL_TEXT,
        "Bedrock: AWS profile (unset: the usual AWS credentials).",
        in_project=_DESTINATION,
    ),
    Setting(
        "vertex_project",
        "vertexProject",
        OPTIONAL_TEXT,
        "Vertex AI: Google Cloud project (unset: from the environment).",
        in_project=_DESTINATION,
    ),
    Setting(
        "vertex_region",
        "vertexRegion",
        OPTIONAL_TEXT,
        "Vertex AI: region (unset: from the environment).",
        in_project=_DESTINATION,
    ),
    Setting("exclude", "exclude", NON_EMPTY_STRINGS, "Globs of files whose code is never sent."),
    Setting(
        "min_confidence",
        "minConfidence",
        number(0.0, 1.0),
        "Review findings below this confidence are not shown.",
    ),
    Setting(
        "max_findings",
        "maxFindings",
        whole_number(1, 200),
        "Most review findings shown for one selection.",
    ),
    Setting(
        "questions",
        "questions",
        NON_EMPTY_STRINGS,
        'Preset questions, each offered as an "Ask Forge: ..." code action.',
    ),
    Setting(
        "daily_budget_usd",
        "dailyBudgetUsd",
        optional_number(0.0, 1_000_000.0),
        "Ask before a request that could take today's spending over this many US dollars.",
    ),
    Setting(
        "prices",
        "prices",
        table(_prices),
        "Prices in US dollars per million tokens, by model id, over Forge's list prices.",
        in_project=_DESTINATION,
    ),
    Setting(
        "explain_on_hover",
        "explainOnHover",
        FLAG,
        "Let a plain hover call Claude to explain the function under the pointer.",
    ),
    Setting(
        "project_instructions",
        "projectInstructions",
        FLAG,
        "Send the project's .forge/instructions.md with every Claude request for it.",
        in_project=InProject.OFF_ONLY,
    ),
    Setting(
        "context_lines",
        "contextLines",
        whole_number(0, 200),
        "Lines around the selection sent as context (0: none).",
    ),
    Setting(
        "effort",
        "effort",
        table(_effort),
        "How hard Claude thinks for each task: one level, or a table of task = level.",
    ),
)

CLAUDE = Section(CLAUDE_SETTINGS, ClaudeSettings())

# What decides where a request goes, with which credentials, or what the budget trusts: the
# user's own settings only (the editor's user settings, the environment, the user's config
# file), never a project file.
DESTINATION_SETTINGS = frozenset(s.name for s in CLAUDE_SETTINGS if s.in_project is _DESTINATION)


def parse(raw: object, origin: str, *, project: bool = False) -> Loaded:
    """Validate one source's `claude` table; `project` marks a file in the repository."""
    return CLAUDE.parse(raw, origin, project=project)


def combine(*layers: Mapping[str, Any]) -> ClaudeSettings:
    merged: dict[str, Any] = {}
    for layer in layers:
        merged.update(layer)
    return replace(ClaudeSettings(), **merged)
