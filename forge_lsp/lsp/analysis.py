"""Checking open documents: one analysis per document version, parsed incrementally.

Every analysis runs in a worker thread. Analyses of one document are serialized by a lock, so
the previous tree can be edited and reused for the next parse. Callers decide whether a result
may still be published by comparing its version with the document's current one.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types

from forge_lsp.core import languages
from forge_lsp.core.languages import LanguageSpec
from forge_lsp.core.model import Finding
from forge_lsp.engine.suppression import Suppression
from forge_lsp.lsp.baseline_view import BaselineView
from forge_lsp.lsp.diagnostic_cache import DiagnosticCache

if TYPE_CHECKING:  # the engine, settings and tree-sitter load on the first check
    import tree_sitter

    from forge_lsp.config import Settings
    from forge_lsp.engine.checker import CheckResult
    from forge_lsp.rules.query_reuse import KeptMatch

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Snapshot:
    """What the event loop hands the worker: an immutable view of one document version."""

    uri: str
    version: int | None
    text: str
    language_id: str | None
    path: Path | None
    encoding: str
    settings_generation: int
    full: bool = False  # check the whole file even right after an edit inside a function


@dataclass(frozen=True)
class Analysis:
    """The result of checking one document version."""

    uri: str
    version: int | None
    settings_generation: int
    spec: LanguageSpec | None
    lines: list[bytes] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    diagnostics: list[types.Diagnostic] = field(default_factory=list)
    suppressions: dict[int, Suppression] = field(default_factory=dict)
    tree: tree_sitter.Tree | None = None
    skipped: str | None = None  # why the document was not checked, for the user
    # The skip is news to the user (too big, too slow to parse); an `exclude` they wrote is not.
    tell: bool = False
    partial: bool = False  # only the edited function was re-checked (see `recheck`)

    @property
    def checked(self) -> bool:
        return self.spec is not None and self.skipped is None


@dataclass
class _DocumentState:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    # What the next check builds on: the bytes last parsed, their tree and their findings.
    source: bytes = b""
    tree: tree_sitter.Tree | None = None
    findings: list[Finding] | None = None
    # The whole-file matches a re-check of one function builds on (`CheckResult.file_matches`).
    file_matches: dict[str, list[KeptMatch]] = field(default_factory=dict)
    spec_name: str | None = None
    settings_generation: int = -1
    diagnostics: DiagnosticCache = field(default_factory=DiagnosticCache)
    latest: Analysis | None = None

    def forget_tree(self) -> None:
        self.tree, self.source, self.findings, self.file_matches = None, b"", None, {}
        self.diagnostics = DiagnosticCache()  # it serves edits, as the tree does
        if self.latest is not None and self.latest.tree is not None:
            self.latest = replace(self.latest, tree=None)


# Syntax trees are what an open document costs (about 300 KB for 300 lines): keep them only
# for the documents edited most recently; the others re-parse in full on their next change.
TREES_KEPT = 32


def encode(text: str) -> bytes:
    # Lone surrogates can arrive over JSON; keep their bytes rather than fail.
    return text.encode("utf-8", "surrogatepass")


class Analyzer:
    """Produces the analysis of a document's current version, reusing cached results."""

    def __init__(
        self,
        settings_for: Callable[[Path | None], Settings],
        baselines: BaselineView | None = None,
    ) -> None:
        self._settings_for = settings_for
        self._baselines = baselines
        self._states: dict[str, _DocumentState] = {}
        self._with_trees: OrderedDict[str, None] = OrderedDict()

    def forget(self, uri: str) -> None:
        self._states.pop(uri, None)
        self._with_trees.pop(uri, None)

    @property
    def documents_held(self) -> int:
        """Documents with a kept analysis (each closed document is forgotten)."""
        return len(self._states)

    def latest(self, uri: str) -> Analysis | None:
        state = self._states.get(uri)
        return state.latest if state else None

    async def analyze(self, snapshot: Snapshot) -> Analysis:
        state = self._states.setdefault(snapshot.uri, _DocumentState())
        async with state.lock:
            cached = state.latest
            if (
                cached is not None
                and cached.version == snapshot.version
                and cached.settings_generation == snapshot.settings_generation
                and snapshot.version is not None
                and not (snapshot.full and cached.partial)
            ):
                return cached
            try:
                analysis = await asyncio.to_thread(self._run, state, snapshot)
            except Exception:
                # The next analysis starts from a fresh parse rather than a suspect tree.
                state.forget_tree()
                raise
            state.latest = analysis
            self._keep_tree(snapshot.uri)
            return analysis

    def _keep_tree(self, uri: str) -> None:
        self._with_trees[uri] = None
        self._with_trees.move_to_end(uri)
        while len(self._with_trees) > TREES_KEPT:
            oldest, _ = self._with_trees.popitem(last=False)
            state = self._states.get(oldest)
            if state is not None:
                state.forget_tree()

    def _run(self, state: _DocumentState, snapshot: Snapshot) -> Analysis:
        started = time.perf_counter()
        spec = languages.for_document(snapshot.language_id, str(snapshot.path or snapshot.uri))
        base = Analysis(snapshot.uri, snapshot.version, snapshot.settings_generation, spec)
        if spec is None:
            return base
        settings = self._settings_for(snapshot.path)
        if snapshot.path is not None and settings.is_excluded(snapshot.path):
            return _replace_skipped(base, "excluded by the `exclude` setting", tell=False)
        source = encode(snapshot.text)
        if len(source) > settings.max_file_size:
            return _replace_skipped(base, _too_big(len(source), settings.max_file_size), tell=True)
        from forge_lsp.engine.checker import ParseTooSlow  # the engine loads on the first check

        try:
            result = self._check(state, spec, settings, source, snapshot)
        except ParseTooSlow as slow:
            state.forget_tree()  # the next version parses afresh
            return _replace_skipped(base, str(slow), tell=True)
        state.source, state.tree, state.spec_name = source, result.tree, spec.name
        state.findings, state.settings_generation = result.findings, snapshot.settings_generation
        state.file_matches = result.file_matches
        findings = result.findings  # the state keeps them all: the next re-check builds on them
        if self._baselines is not None:
            findings = self._baselines.apply(
                settings, snapshot.path, source, result.tree, spec, findings
            )
        lines = source.split(b"\n")
        diagnostics = state.diagnostics.convert(
            findings, lines, snapshot.encoding, snapshot.settings_generation
        )
        log.debug(
            "checked %s v%s (%s): %d findings in %.1f ms",
            snapshot.uri,
            snapshot.version,
            "edited function" if result.partial else "whole file",
            len(findings),
            (time.perf_counter() - started) * 1000,
        )
        return Analysis(
            snapshot.uri,
            snapshot.version,
            snapshot.settings_generation,
            spec,
            lines,
            findings,
            diagnostics,
            result.suppressions,
            result.tree,
            partial=result.partial,
        )

    @staticmethod
    def _check(
        state: _DocumentState,
        spec: LanguageSpec,
        settings: Settings,
        source: bytes,
        snapshot: Snapshot,
    ) -> CheckResult:
        """Check `source`, building on the previous version where that is sound."""
        from forge_lsp.engine import checker, incremental, recheck

        selection = settings.selection()
        path = settings.project_path(snapshot.path) if snapshot.path else None
        if state.tree is None or state.spec_name != spec.name:
            return checker.check(source, spec, selection, path=path)
        edit = incremental.diff(state.source, source)
        if edit is None:
            return checker.check(source, spec, selection, old_tree=state.tree, path=path)
        before = state.tree.copy()  # as it was: whole-file queries build on its matches
        incremental.edit_tree(state.tree, edit)
        same_rules = state.settings_generation == snapshot.settings_generation
        if snapshot.full or not same_rules or state.findings is None:
            return checker.check(source, spec, selection, old_tree=state.tree, path=path)
        return recheck.check_after_edit(
            source,
            spec,
            selection,
            state.tree,
            edit,
            state.findings,
            path,
            old_tree=before,
            old_matches=state.file_matches,
        )


def _replace_skipped(base: Analysis, reason: str, *, tell: bool) -> Analysis:
    return Analysis(
        base.uri, base.version, base.settings_generation, base.spec, skipped=reason, tell=tell
    )


def _too_big(size: int, limit: int) -> str:
    """Why a file was skipped, in exact bytes: rounded to megabytes, a file just over the
    default limit read "1.0 MB, over the 1.0 MB limit", and one under a small limit "0.0 MB"."""
    from forge_lsp.config import NUMBERS

    ceiling = NUMBERS["max_file_size"].high
    if size > ceiling:
        advice = f"Forge checks no file over {ceiling:,} bytes"
    else:
        advice = "raise `maxFileSize` to check it"
    return f"it is {size:,} bytes, over the limit of {limit:,} ({advice})"
