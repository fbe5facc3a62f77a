"""Claude settings and messages for the command line (`ask`, `check --ai`, `doctor`).

The command line applies the editor's order (`forge_lsp.config`) to the sources it has, lowest
precedence first: the defaults; the environment (``ANTHROPIC_API_KEY``, ``ANTHROPIC_BASE_URL``),
where no settings source sets ``apiKey`` or ``baseUrl``; the user's own config file
(``forge.toml`` in the user config folder, ``[claude]``); the project file
(``[tool.forge.claude]`` or ``forge.toml``'s ``[claude]``); and then the command's own options
(``--model``). It is the person at the keyboard (or the CI job) who decides where requests go:
a project file never holds a key, a base URL, a backend or prices (`forge_lsp.config.claude`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from forge_lsp.config.claude import ClaudeSettings
from forge_lsp.config.schema import without_credentials as without_credentials


def for_terminal(
    settings: ClaudeSettings, environ: Mapping[str, str], model: str | None = None
) -> ClaudeSettings:
    """`settings` (defaults, user file and project file) with `--model` on top, and
    ``ANTHROPIC_BASE_URL`` where no settings source set a base URL (as in the editor, where
    the SDK reads it then). The key is looked up the same way, by `ClaudeSettings.key`."""
    base_url = environ.get("ANTHROPIC_BASE_URL", "").strip()
    if base_url and settings.base_url is None:
        settings = replace(settings, base_url=base_url.rstrip("/"))
    if model:
        settings = replace(settings, model=model, explain_model=model)
    return settings


def setup_hint(settings: ClaudeSettings) -> str:
    """What to do when Claude is off, for someone at a terminal."""
    if settings.enabled is False:
        return (
            "Claude is turned off for this project (`claude.enabled = false` in its "
            "settings). The offline checks (`forge-lsp check`) work without it."
        )
    from forge_lsp.config import user_config_path

    return (
        "Forge needs Claude for this, and no key is set. Set one in the environment "
        '(`export ANTHROPIC_API_KEY=sk-ant-...`), or set `backend = "bedrock"` or "vertex" '
        f"under [claude] in your own config file ({user_config_path()}). `forge-lsp doctor` "
        "checks the setup; the offline checks (`forge-lsp check`) work without a key."
    )


def masked_key(key: str) -> str:
    """A key as it may be shown: its first 7 and last 4 characters at most, and its length.
    A short key shows only its length (7 + 4 characters would be most of it)."""
    if len(key) >= 24:
        return f"{key[:7]}…{key[-4:]}, {len(key)} chars"
    return f"{len(key)} chars"
