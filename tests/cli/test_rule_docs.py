"""The generated rule docs (`scripts/gen_rule_docs.py`) are up to date."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from forge_lsp.rules import registry

ROOT = Path(__file__).resolve().parent.parent.parent
SCRIPT = ROOT / "scripts" / "gen_rule_docs.py"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, cwd=ROOT
    )


def test_docs_are_up_to_date():
    result = run("--check")
    assert result.returncode == 0, (
        "docs/rules is stale; run `python scripts/gen_rule_docs.py`\n" + result.stderr
    )


def test_generate_check_and_stale_files(tmp_path):
    out = tmp_path / "rules"
    assert run("--check", "--out", str(out)).returncode == 1  # nothing written yet
    assert run("--out", str(out)).returncode == 0
    assert run("--check", "--out", str(out)).returncode == 0
    index = (out / "README.md").read_text(encoding="utf-8")
    for rule in registry.all_rules():
        doc = (out / f"{rule.code}.md").read_text(encoding="utf-8")
        # The title line only: rule docs may be edited while the suite runs.
        assert doc.splitlines()[0] == rule.markdown().splitlines()[0]
        assert f"[{rule.code}]({rule.code}.md)" in index
    (out / "FG999.md").write_text("# gone\n", encoding="utf-8")
    stale = run("--check", "--out", str(out))
    assert stale.returncode == 1 and "FG999.md" in stale.stderr
    run("--out", str(out))
    assert not (out / "FG999.md").exists()
