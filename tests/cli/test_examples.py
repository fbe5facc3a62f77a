"""The README's first command: `forge-lsp check examples/` finds real problems in all five
languages, each where the example service plants it."""

from __future__ import annotations

import subprocess
import sys
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent

EXPECTED = {
    "python/orders.py": {
        "FG101",
        "FG201",
        "FG202",
        "FG301",
        "FG401",
        "FG502",
        "FG601",
        "FG702",
        "FG704",
    },
    "go/orders.go": {"FG101", "FG201", "FG302", "FG402", "FG501", "FG801"},
    "go/cmd/orders/main.go": {"FG701", "FG703"},
    "node/server.js": {"FG101", "FG201", "FG202", "FG304", "FG401", "FG503"},
    "node/refunds.ts": {"FG101", "FG202", "FG301"},
    "java/src/main/java/com/example/orders/OrderRepository.java": {"FG101", "FG201", "FG301"},
    "rust/src/orders.rs": {"FG101", "FG201", "FG305"},
    "kotlin/OrderSync.kt": {"FG101", "FG301"},
}

SAFE_LINES = {
    "python/orders.py": "customer_id = ?",
    "java/src/main/java/com/example/orders/OrderRepository.java": "customer_id = ?",
    "node/server.js": "WHERE id = $1",
    "rust/src/orders.rs": "customer_id = $1",
    "kotlin/OrderSync.kt": "customer_id = ?",
}


def test_examples_have_findings_in_all_five_languages() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "forge_lsp", "check", "examples/"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 1, run.stderr
    found: dict[str, set[str]] = defaultdict(set)
    for line in run.stdout.splitlines():
        location, code, _message = line.split(" ", 2)
        path = location.split(":")[0].removeprefix("examples/orders-service/")
        found[path].add(code)
    assert dict(found) == EXPECTED
    # The safe twins in the same files (parameterized queries) are not findings.
    for path, safe in SAFE_LINES.items():
        text = (REPO / "examples/orders-service" / path).read_text().splitlines()
        line = next(n for n, content in enumerate(text, 1) if safe in content)
        assert f"{path}:{line}:" not in run.stdout
