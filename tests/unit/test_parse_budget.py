"""A text the grammar's error recovery explodes on is given up within its budget, and the
editor and the command line say so and keep serving."""

from __future__ import annotations

from pathlib import Path

import pytest

from forge_lsp.cli import runner
from forge_lsp.core import languages
from forge_lsp.engine import checker

# A Kotlin fixture after a few random edits (an unclosed string, `#` in a `try`): 1.3 KB that
# tree-sitter-kotlin 1.1 takes 48 s and gigabytes of memory to parse.
SLOW = Path(__file__).parent.parent / "data" / "parse" / "kotlin_error_recovery_explodes.kt"


def test_a_parse_over_its_budget_stops_and_says_why() -> None:
    spec = languages.LANGUAGES["kotlin"]
    with pytest.raises(checker.ParseTooSlow, match=r"kotlin parser gave up after 1\.0 s"):
        checker.parse(spec, SLOW.read_bytes())  # without the budget: 48 s, then no error
    # The parser is usable again right after.
    tree = checker.parse(spec, b"fun f() = 1\n")
    assert not tree.root_node.has_error


def test_the_command_line_skips_the_file_with_the_reason(tmp_path: Path) -> None:
    path = tmp_path / "Slow.kt"
    path.write_bytes(SLOW.read_bytes())
    task = runner.Task(str(path), "Slow.kt", checker.RuleSelection(), 1_000_000)
    result = runner.check_file(task)
    assert result.skipped is not None and "kotlin parser gave up" in result.skipped
