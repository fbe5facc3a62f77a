"""A text the grammar's error recovery explodes on is given up within its budget, and the
editor and the command line say so and keep serving."""

from __future__ import annotations

import gc
import tracemalloc
from pathlib import Path

import pytest
import tree_sitter

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


def test_a_text_over_many_chunks_parses_as_from_the_bytes() -> None:
    spec = languages.LANGUAGES["python"]
    source = b"".join(b"def f%d(x):\n    return x + %d\n" % (i, i) for i in range(8_000))
    assert len(source) > 3 * checker.READ_CHUNK
    tree = checker.parse(spec, source)
    plain = tree_sitter.Parser(spec.grammar).parse(source)
    assert str(tree.root_node) == str(plain.root_node)
    last = tree.root_node.children[-1]
    assert last.text == b"def f7999(x):\n    return x + 7999"


def test_parsing_keeps_nothing_of_the_texts_it_read() -> None:
    # tree-sitter's binding keeps a reference to whatever a read callback returns: a server
    # parsing on every keystroke must not keep every version of the text.
    spec = languages.LANGUAGES["python"]
    source = b"def f(x):\n    return x + 1\n" * 4_000  # 108 KB
    checker.parse(spec, source)  # the thread's buffer, grammar and parser come first
    gc.collect()
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        for version in range(30):
            checker.parse(spec, source + b"# %d\n" % version)
        gc.collect()
        after, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert after - before < len(source), f"{(after - before) / 1e6:.1f} MB kept after 30 parses"


def test_a_parse_still_reads_when_the_thread_buffer_is_lent_out() -> None:
    # After a parse aborted half-way, tree-sitter could still hold the buffer it was reading.
    spec = languages.LANGUAGES["python"]
    checker.parse(spec, b"x = 1\n")
    held = memoryview(checker._read_buffer())  # an export: the buffer cannot be resized
    try:
        tree = checker.parse(spec, b"def f():\n    return 2\n")
    finally:
        held.release()
    assert tree.root_node.children[0].type == "function_definition"
