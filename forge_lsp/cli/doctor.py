"""`forge-lsp doctor`: is Forge installed and set up right, and can it reach Claude?

One line per check, ``OK``, ``WARN`` or ``FAIL``, and a sentence saying what was found; exit
0 when nothing fails, else 1. The key is never printed: at most its first 7 and last 4
characters and its length. Proxy URLs are printed without their credentials. Each configured
model is looked up in Forge's model table: a legacy or unknown model is a warning, and so is a
model whose prompt cache needs a longer prompt than Forge's system prompt (every request then
pays the full input price for it). The connectivity test sends one ``messages.count_tokens``
request (free of charge) with Forge's system prompt through the same SDK client that Ask and
Review use, so a proxy, CA bundle or base URL problem shows up here exactly as it would there,
and the prompt's size is counted by the model's own tokenizer; ``--offline`` skips it.
"""

from __future__ import annotations

import asyncio
import os
import platform
import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TextIO

from forge_lsp.ai import models
from forge_lsp.config.claude import ClaudeSettings
from forge_lsp.config.terminal import masked_key, setup_hint, without_credentials

OK, WARN, FAIL = "OK", "WARN", "FAIL"
PROXY_VARIABLES = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY")
CA_VARIABLES = ("SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE")
CONNECTIVITY_TIMEOUT_SECONDS = 15.0
# Characters per token of Forge's English prompt under the current tokenizers (an estimate;
# the connectivity check counts exactly).
CHARS_PER_TOKEN = 3.3


@dataclass(frozen=True)
class Check:
    status: str
    name: str
    detail: str
    more: tuple[str, ...] = ()

    def lines(self) -> list[str]:
        return [f"{self.status:<4}  {self.name}: {self.detail}", *(f"      {m}" for m in self.more)]


def run(*, offline: bool, out: TextIO) -> int:
    """Run every check, print one line each, return 0 when none failed."""
    environ = dict(os.environ)
    checks: list[Check] = []

    def add(check: Check) -> None:
        checks.append(check)
        out.write("\n".join(check.lines()) + "\n")
        out.flush()

    add(_version())
    add(_grammars())
    settings_check, claude = _settings(Path.cwd())
    add(settings_check)
    from forge_lsp.config.terminal import for_terminal

    claude = for_terminal(claude, environ)
    for check in _claude(claude, environ):
        add(check)
    counted: int | None = None
    if offline:
        add(Check(OK, "connectivity", "skipped (--offline)"))
    elif not claude.is_on(environ):
        add(Check(WARN, "connectivity", "skipped: Claude is off"))
    else:
        connectivity, counted = asyncio.run(_connectivity(claude, environ))
        add(connectivity)
    for check in _models(claude, counted):
        add(check)
    add(_instructions(Path.cwd(), claude))
    for check in _folders():
        add(check)
    failed = sum(check.status == FAIL for check in checks)
    warned = sum(check.status == WARN for check in checks)
    verdict = f"{failed} failed" if failed else "all good"
    out.write(f"\n{verdict} ({len(checks)} checks, {warned} warnings)\n")
    return 1 if failed else 0


def _version() -> Check:
    from forge_lsp import __version__

    python = f"Python {platform.python_version()} ({sys.executable})"
    return Check(OK, "forge", f"forge-lsp {__version__} on {python}")


def _grammars() -> Check:
    from forge_lsp.core import languages

    loaded, broken = [], []
    for name, spec in languages.LANGUAGES.items():
        try:
            spec.grammar  # noqa: B018 - loading the grammar is the check
        except Exception as error:
            broken.append(f"{name}: {type(error).__name__}: {error}")
        else:
            loaded.append(name)
    if broken:
        return Check(FAIL, "grammars", f"{len(broken)} did not load", tuple(broken))
    return Check(OK, "grammars", ", ".join(loaded))


def _settings(cwd: Path) -> tuple[Check, ClaudeSettings]:
    from forge_lsp import config

    project = config.find_project_config(cwd)
    if project.path is None:
        return Check(OK, "settings", "no project file (defaults)"), ClaudeSettings()
    combined = config.combine(project.loaded.values, root=project.root)
    settings, errors = config.validate_rule_options(combined, str(project.path))
    errors = [*project.loaded.errors, *errors]
    if any("cannot be read as TOML" in error for error in errors):
        return Check(FAIL, "settings", f"{project.path} is not valid TOML", tuple(errors)), (
            settings.claude
        )
    if errors:
        detail = f"{project.path}: {len(errors)} setting{'s' * (len(errors) != 1)} ignored"
        return Check(WARN, "settings", detail, tuple(errors)), settings.claude
    return Check(OK, "settings", f"{project.path}"), settings.claude


def _instructions(cwd: Path, claude: ClaudeSettings) -> Check:
    """Whether this folder's project has `.forge/instructions.md`, how big, and if it is sent."""
    from forge_lsp import config
    from forge_lsp.ai import instructions

    name = "instructions"
    if not claude.project_instructions:
        return Check(OK, name, "not read: `claude.projectInstructions = false`")
    project = config.find_project_config(cwd)
    found = instructions.find(config.Settings(root=project.root, claude=claude), cwd / "-")
    if found.path is None:
        where = instructions.RELATIVE_PATH.as_posix()
        return Check(OK, name, f"none ({where} at the project or repository root)")
    if found.problem is not None:
        return Check(WARN, name, found.problem)
    redacted = sum(count for _, count in found.redacted_kinds)
    secrets = f", {redacted} secret{'s' * (redacted != 1)} redacted" if redacted else ""
    return Check(
        OK, name, f"{found.path}: {found.size:,} bytes, sent with every Claude request{secrets}"
    )


def _claude(claude: ClaudeSettings, environ: Mapping[str, str]) -> list[Check]:
    checks = []
    if claude.is_on(environ):
        why = (
            f"the {claude.backend} backend is configured"
            if claude.backend != "anthropic"
            else "a key is set"
        )
        checks.append(Check(OK, "claude", f"on ({why})"))
    elif claude.enabled is False:
        checks.append(Check(OK, "claude", "off: turned off by `claude.enabled = false`"))
    else:
        checks.append(Check(WARN, "claude", "off: no key", (setup_hint(claude),)))
    if claude.backend == "anthropic":
        key = claude.key(environ)
        if key:
            checks.append(Check(OK, "api key", f"set ({masked_key(key)}) from ANTHROPIC_API_KEY"))
        elif environ.get("ANTHROPIC_AUTH_TOKEN"):
            token = environ["ANTHROPIC_AUTH_TOKEN"]
            checks.append(Check(OK, "api key", f"ANTHROPIC_AUTH_TOKEN set ({masked_key(token)})"))
        else:
            checks.append(Check(WARN, "api key", "not set (ANTHROPIC_API_KEY)"))
    efforts = ", ".join(f"{task} {level}" for task, level in claude.effort.items())
    checks.append(
        Check(
            OK,
            "backend",
            f"{claude.backend}, model {claude.model} (explain: {claude.explain_model}); "
            f"effort {efforts}",
        )
    )
    if claude.base_url:
        from_environment = environ.get("ANTHROPIC_BASE_URL", "").strip().rstrip("/")
        source = "ANTHROPIC_BASE_URL" if from_environment == claude.base_url else "settings"
        checks.append(
            Check(OK, "base url", f"{without_credentials(claude.base_url)} (from {source})")
        )
    for name in PROXY_VARIABLES:
        if environ.get(name):
            checks.append(Check(OK, "proxy", f"{name}={without_credentials(environ[name])}"))
    for name in CA_VARIABLES:
        value = environ.get(name)
        if value:
            exists = Path(value).exists()
            status, note = (OK, "") if exists else (FAIL, ": no such file or folder")
            checks.append(Check(status, "ca bundle", f"{name}={value}{note}"))
    return checks


async def _connectivity(
    claude: ClaudeSettings, environ: Mapping[str, str]
) -> tuple[Check, int | None]:
    """One free `count_tokens` request, with Forge's system prompt, through the SDK client
    Forge uses for every task; the check and the prompt's size in tokens (None: not counted)."""
    from forge_lsp.ai import prompts, wire
    from forge_lsp.ai.client import build_sdk_client
    from forge_lsp.ai.failures import ClaudeFailure, explain, secrets_of

    quick = replace(
        claude,
        max_retries=0,
        stall_seconds=min(claude.stall_seconds, CONNECTIVITY_TIMEOUT_SECONDS),
    )
    started = time.perf_counter()
    sdk = None
    exchange, token = wire.begin()
    try:
        sdk = await asyncio.to_thread(build_sdk_client, quick, environ)
        counted = await sdk.messages.count_tokens(
            model=quick.model,
            system=prompts.system_prompt(),
            messages=[{"role": "user", "content": "Forge doctor"}],
        )
    except Exception as error:
        failure = (
            error
            if isinstance(error, ClaudeFailure)
            else explain(exchange, task="count", settings=quick, error=error)
        )
        failure = failure.without(secrets_of(claude, environ))
        return Check(FAIL, "connectivity", failure.message, (f"kind: {failure.kind}",)), None
    finally:
        wire.end(token)
        if sdk is not None:
            await sdk.close()
    elapsed = (time.perf_counter() - started) * 1000
    tokens = getattr(counted, "input_tokens", None)
    if not isinstance(tokens, int):
        return Check(
            WARN,
            "connectivity",
            f"count_tokens answered in {elapsed:.0f} ms but gave no token count: the base URL "
            "may not be Anthropic's API, or a proxy changed the answer",
        ), None
    return Check(
        OK,
        "connectivity",
        f"count_tokens answered in {elapsed:.0f} ms: Forge's system prompt is {tokens:,} tokens "
        f"for {quick.model} (no charge)",
    ), tokens


def _models(claude: ClaudeSettings, counted: int | None) -> list[Check]:
    """Each configured model against the table: known, current, and cached."""
    from forge_lsp.ai import prompts

    prices = dict(claude.prices) if claude.prices else models.default_prices()
    estimate = round(len(prompts.system_prompt()) / CHARS_PER_TOKEN)
    checks = []
    for tasks, model in _models_by_use(claude).items():
        name = f"model {model}"
        info = models.find(model)
        if info is None:
            warning = models.unknown_model_warning(model, prices)
            if warning:
                checks.append(Check(WARN, name, f"used for {tasks}", (warning,)))
            continue
        status = OK if info.status == "current" else WARN
        detail = f"{info.name}, {info.status}, used for {tasks}"
        if info.status != "current":
            newer = ", ".join(m.id for m in models.table().current())
            detail += f"; the current models are {newer}"
        checks.append(Check(status, name, detail))
        tokens = counted if counted is not None and model == claude.model else estimate
        about = "" if counted is not None and model == claude.model else "about "
        if tokens < info.min_cache_tokens:
            extra = info.price.cost(tokens, 0) - info.price.cost(0, 0, 0, tokens)
            checks.append(
                Check(
                    WARN,
                    "prompt cache",
                    f"{model} caches prompts of {info.min_cache_tokens:,} tokens or more; "
                    f"Forge's system prompt is {about}{tokens:,}, so it is never cached there: "
                    f"each {tasks} request pays about ${extra:.4f} more than a cached one",
                )
            )
        else:
            checks.append(
                Check(
                    OK,
                    "prompt cache",
                    f"{model}: Forge's system prompt ({about}{tokens:,} tokens) is cached "
                    f"(minimum {info.min_cache_tokens:,})",
                )
            )
    return checks


def _models_by_use(claude: ClaudeSettings) -> dict[str, str]:
    if claude.model == claude.explain_model:
        return {"ask, review and explain": claude.model}
    return {"ask and review": claude.model, "explain": claude.explain_model}


def _folders() -> list[Check]:
    import platformdirs

    checks = []
    for name, folder in (
        ("cache folder", Path(platformdirs.user_cache_dir("forge-lsp"))),
        ("ledger folder", Path(platformdirs.user_data_dir("forge-lsp"))),
    ):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=folder, prefix=".doctor-"):
                pass
        except OSError as problem:
            checks.append(Check(FAIL, name, f"{folder} is not writable ({problem.strerror})"))
        else:
            checks.append(Check(OK, name, f"{folder} is writable"))
    return checks
