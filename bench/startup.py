"""Start-up: spawn to `initialize` result, and which heavy modules a new server has loaded."""

from __future__ import annotations

import asyncio
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from lsp_client import REPO_DIR, LspClient, bare_command, forge_command

# Modules that must not load before `initialize` is answered: top-level packages, and
# prefixes of Forge's own lazily loaded modules.
HEAVY_PACKAGES = frozenset(
    {
        "anthropic",
        "httpx",
        "httpx2",
        "httpcore",
        "pydantic",
        "tree_sitter_python",
        "tree_sitter_go",
        "tree_sitter_javascript",
        "tree_sitter_typescript",
        "tree_sitter_java",
    }
)
# Forge's own modules that load with the first check or Claude task, never at start-up. (The
# small `forge_lsp.config.claude` and `forge_lsp.ai.annotations` do load: settings and
# diagnostics need them.)
HEAVY_FORGE = (
    "forge_lsp.rules.fg",
    "forge_lsp.rules.families",
    "forge_lsp.report",
    "forge_lsp.ai.client",
    "forge_lsp.ai.service",
    "forge_lsp.ai.payload",
    "forge_lsp.ai.prompts",
    "forge_lsp.ai.redaction",
    "forge_lsp.ai.review",
    "forge_lsp.ai.ledger",
    "forge_lsp.ai.result_cache",
    "forge_lsp.lsp.features.claude_tasks",
)

BARE_IMPORTS = 'from pygls.lsp.server import LanguageServer; LanguageServer("bare", "0")'
_PROBE = """
import json, sys, time
start = time.perf_counter()
{imports}
elapsed = time.perf_counter() - start
print(json.dumps({{"modules": sorted(sys.modules), "seconds": elapsed}}))
"""


@dataclass
class Startup:
    """Spawn-to-initialize times and what the server imports."""

    forge_ms: list[float]
    bare_ms: list[float]
    probe: str
    heavy_loaded: list[str]
    module_count: int
    bare_module_count: int
    import_ms: float
    bare_import_ms: float

    @property
    def forge(self) -> float:
        return statistics.median(self.forge_ms)

    @property
    def bare(self) -> float:
        return statistics.median(self.bare_ms)


async def time_to_initialize(command: Sequence[str], env: Mapping[str, str] | None = None) -> float:
    """Milliseconds from spawning `command` (with `env`, default: this process's) to receiving
    its `initialize` result."""
    start = time.perf_counter()
    client = await LspClient.spawn(command, env)
    await client.initialize({"debounceMs": 0})
    elapsed = (time.perf_counter() - start) * 1000
    await client.shutdown()
    return elapsed


async def _times(command: Sequence[str], runs: int) -> list[float]:
    return [await time_to_initialize(command) for _ in range(runs)]


def probe_imports(imports: str) -> tuple[list[str], float]:
    """The modules a fresh interpreter holds after running `imports`, and how long it took."""
    code = _PROBE.format(imports=imports)
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO_DIR
    ).stdout
    data = json.loads(output)
    return data["modules"], data["seconds"]


def heavy(modules: list[str]) -> list[str]:
    """The heavy modules among `modules`: third-party top-level names and Forge's lazy ones."""
    found = {name.split(".")[0] for name in modules if name.split(".")[0] in HEAVY_PACKAGES}
    found.update(name for name in modules if name.startswith(HEAVY_FORGE))
    return sorted(found)


def server_imports() -> str:
    """What the real server process runs before it can answer `initialize`."""
    lines = [
        "import forge_lsp.cli.main",
        "from forge_lsp.lsp.server import create_server",
        "create_server()",
    ]
    return "\n".join(lines)


def measure(runs: int) -> Startup:
    """Interleave Forge and bare spawns `runs` times each, then probe what Forge imports."""
    forge_ms: list[float] = []
    bare_ms: list[float] = []
    for _ in range(runs):
        forge_ms += asyncio.run(_times(forge_command(), 1))
        bare_ms += asyncio.run(_times(bare_command(), 1))
    probe = server_imports()
    modules, seconds = probe_imports(probe)
    bare_modules, bare_seconds = probe_imports(BARE_IMPORTS)
    return Startup(
        forge_ms,
        bare_ms,
        probe.replace("\n", "; "),
        heavy(modules),
        len(modules),
        len(bare_modules),
        seconds * 1000,
        bare_seconds * 1000,
    )
