"""Server-side check cost in-process: where the time of one check goes, full vs incremental.

Stages are timed by running the engine's steps one by one (parse, suppressions, each rule,
conversion to LSP diagnostics, JSON serialization) and, as a cross-check, `checker.check` and the
server's own `Analyzer` end to end.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TypeVar

import tree_sitter
from codegen import EXTENSIONS
from lsprotocol import types
from pygls.protocol import default_converter

from forge_lsp.core import languages
from forge_lsp.core.model import Finding
from forge_lsp.engine import checker, incremental
from forge_lsp.engine.checker import RuleSelection
from forge_lsp.engine.suppression import find_suppressions
from forge_lsp.lsp import lsp_convert
from forge_lsp.lsp.analysis import Analyzer, Snapshot
from forge_lsp.lsp.settings_store import SettingsStore
from forge_lsp.rules import rule_docs
from forge_lsp.rules.base import CheckContext, Rule
from forge_lsp.rules.query_batch import QueryBatch

T = TypeVar("T")
STAGES = ("parse", "suppress", "rules", "convert", "serialize")
CONVERTER = default_converter()


@dataclass
class StageTimes:
    """Milliseconds per stage, one list entry per run."""

    stages: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    rules: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))

    def median(self, stage: str) -> float:
        return statistics.median(self.stages[stage])

    def rule_medians(self) -> dict[str, float]:
        return {code: statistics.median(times) for code, times in self.rules.items()}


@dataclass
class FileCost:
    """The cost split of one generated file, full parse vs after a one-character edit."""

    language: str
    lines: int
    findings: int
    full: StageTimes
    edited: StageTimes
    diff_ms: list[float]
    check_full_ms: list[float]
    check_edited_ms: list[float]
    analyzer_ms: list[float]


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def _timed(times: list[float], action: Callable[[], T]) -> T:
    start = time.perf_counter()
    result = action()
    times.append(_ms(start))
    return result


def run_stages(
    source: bytes, spec: languages.LanguageSpec, old_tree: tree_sitter.Tree | None, out: StageTimes
) -> tree_sitter.Tree:
    """Run one check stage by stage, recording each stage's time; returns the new tree."""
    selection = RuleSelection()
    tree: tree_sitter.Tree = _timed(
        out.stages["parse"], partial(checker.parse, spec, source, old_tree)
    )
    _timed(out.stages["suppress"], lambda: find_suppressions(source, tree.root_node))
    findings: list[Finding] = _timed(
        out.stages["rules"], partial(checker.run_rules, source, tree, spec, selection)
    )
    for rule in selection.rules_for(spec.name):
        # Each rule alone: its own query pass and its own memos, as if no other rule ran.
        queries = QueryBatch(spec, tree.root_node, None, plan=f"bench:{rule.code}")
        options = selection.options_for(rule)
        context = CheckContext(source, tree, spec, options, shared={}, queries=queries)
        _timed(out.rules[rule.code], partial(_run_rule, rule, context))
    start = time.perf_counter()
    lines = source.split(b"\n")
    diagnostics = [
        lsp_convert.diagnostic(f, lines, "utf-16", rule_docs.doc_uri(f.code)) for f in findings
    ]
    out.stages["convert"].append(_ms(start))
    params = types.PublishDiagnosticsParams(uri="file:///x", diagnostics=diagnostics, version=1)
    _timed(out.stages["serialize"], lambda: json.dumps(CONVERTER.unstructure(params)))
    return tree


def _run_rule(rule: Rule, context: CheckContext) -> list[Finding]:
    return list(rule.check(context))


def insert_at(source: bytes, offset: int, char: bytes) -> bytes:
    return source[:offset] + char + source[offset:]


def line_offset(text: str, line: int, column: int) -> int:
    """Byte offset of an ASCII (line, column) position."""
    lines = text.encode().split(b"\n")
    return sum(len(item) + 1 for item in lines[:line]) + column


def measure_file(language: str, text: str, point: tuple[int, int], runs: int) -> FileCost:
    """Time `runs` full checks and `runs` checks after one-character edits of `text`."""
    spec = languages.LANGUAGES[language]
    source = text.encode()
    cost = FileCost(
        language,
        text.count("\n"),
        len(checker.check(source, spec, RuleSelection()).findings),
        StageTimes(),
        StageTimes(),
        [],
        [],
        [],
        [],
    )
    for _ in range(runs):
        run_stages(source, spec, None, cost.full)
        _timed(cost.check_full_ms, lambda: checker.check(source, spec, RuleSelection()))
    tree = checker.parse(spec, source)
    offset = line_offset(text, *point)
    for index in range(runs):
        edited = insert_at(source, offset + index, b"abcdefghij"[index % 10 : index % 10 + 1])
        old_tree = _edited_copy(tree, source, edited, cost.diff_ms)
        spare = _edited_copy(tree, source, edited, [])
        tree = run_stages(edited, spec, old_tree, cost.edited)
        _timed(
            cost.check_edited_ms,
            partial(checker.check, edited, spec, RuleSelection(), old_tree=spare),
        )
        source = edited
    cost.analyzer_ms = asyncio.run(_analyzer_times(language, text, point, runs))
    return cost


def _edited_copy(
    tree: tree_sitter.Tree, old: bytes, new: bytes, diff_ms: list[float]
) -> tree_sitter.Tree:
    """A copy of `tree` edited to line up with `new` (the diff is timed, as the server does)."""
    start = time.perf_counter()
    edit = incremental.diff(old, new)
    diff_ms.append(_ms(start))
    copy = tree.copy()
    assert edit is not None
    incremental.edit_tree(copy, edit)
    return copy


async def _analyzer_times(
    language: str, text: str, point: tuple[int, int], runs: int
) -> list[float]:
    """The server's own `Analyzer` on successive versions (includes the worker-thread hop)."""
    store = SettingsStore(lambda problems: None)
    store.set_editor({"debounceMs": 0}, None)
    analyzer = Analyzer(store.for_path)
    with tempfile.TemporaryDirectory(prefix="forge-bench-") as folder:
        path = Path(folder) / f"service.{EXTENSIONS[language]}"
        uri = path.as_uri()
        lines = text.split("\n")
        await analyzer.analyze(Snapshot(uri, 0, text, language, path, "utf-16", 1))
        times = []
        for version in range(1, runs + 1):
            line = lines[point[0]]
            lines[point[0]] = line[: point[1]] + "x" + line[point[1] :]
            snapshot = Snapshot(uri, version, "\n".join(lines), language, path, "utf-16", 1)
            start = time.perf_counter()
            await analyzer.analyze(snapshot)
            times.append(_ms(start))
        return times
