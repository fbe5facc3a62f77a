"""Checking open documents: one analysis per document version, parsed incrementally.

Every analysis runs in a worker thread. Analyses of one document are serialized by a lock, so
the previous tree can be edited and reused for the next parse. Callers decide whether a result
may still be published by comparing its version with the document's current one.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import tree_sitter
from lsprotocol import types

from forge_lsp import languages
from forge_lsp.config import Settings
from forge_lsp.languages import LanguageSpec
from forge_lsp.model import Finding
from forge_lsp.suppression import Suppression

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

    @property
    def checked(self) -> bool:
        return self.spec is not None and self.skipped is None


@dataclass
class _DocumentState:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    source: bytes = b""
    tree: tree_sitter.Tree | None = None
    spec_name: str | None = None
    latest: Analysis | None = None


def encode(text: str) -> bytes:
    # Lone surrogates can arrive over JSON; keep their bytes rather than fail.
    return text.encode("utf-8", "surrogatepass")


class Analyzer:
    """Produces the analysis of a document's current version, reusing cached results."""

    def __init__(self, settings_for: Callable[[Path | None], Settings]) -> None:
        self._settings_for = settings_for
        self._states: dict[str, _DocumentState] = {}

    def forget(self, uri: str) -> None:
        self._states.pop(uri, None)

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
            ):
                return cached
            try:
                analysis = await asyncio.to_thread(self._run, state, snapshot)
            except Exception:
                # The next analysis starts from a fresh parse rather than a suspect tree.
                state.tree, state.source = None, b""
                raise
            state.latest = analysis
            return analysis

    def _run(self, state: _DocumentState, snapshot: Snapshot) -> Analysis:
        started = time.perf_counter()
        spec = languages.for_document(snapshot.language_id, str(snapshot.path or snapshot.uri))
        base = Analysis(snapshot.uri, snapshot.version, snapshot.settings_generation, spec)
        if spec is None:
            return base
        settings = self._settings_for(snapshot.path)
        if snapshot.path is not None and settings.is_excluded(snapshot.path):
            return _replace_skipped(base, "excluded by the `exclude` setting")
        source = encode(snapshot.text)
        if len(source) > settings.max_file_size:
            return _replace_skipped(base, _too_big(len(source), settings.max_file_size))
        old_tree = self._edited_tree(state, spec, source)
        from forge_lsp import engine, lsp_convert, rule_docs

        result = engine.check(source, spec, settings.selection(), old_tree=old_tree)
        state.source, state.tree, state.spec_name = source, result.tree, spec.name
        lines = source.split(b"\n")
        diagnostics = [
            lsp_convert.diagnostic(f, lines, snapshot.encoding, rule_docs.doc_uri(f.code))
            for f in result.findings
        ]
        log.debug(
            "checked %s v%s: %d findings in %.1f ms",
            snapshot.uri,
            snapshot.version,
            len(result.findings),
            (time.perf_counter() - started) * 1000,
        )
        return Analysis(
            snapshot.uri,
            snapshot.version,
            snapshot.settings_generation,
            spec,
            lines,
            result.findings,
            diagnostics,
            result.suppressions,
            result.tree,
        )

    @staticmethod
    def _edited_tree(
        state: _DocumentState, spec: LanguageSpec, source: bytes
    ) -> tree_sitter.Tree | None:
        """The previous tree, edited to line up with `source`, when it can be reused."""
        if state.tree is None or state.spec_name != spec.name:
            return None
        from forge_lsp import incremental

        edit = incremental.diff(state.source, source)
        if edit is None:
            return state.tree
        state.tree.edit(
            start_byte=edit.start_byte,
            old_end_byte=edit.old_end_byte,
            new_end_byte=edit.new_end_byte,
            start_point=edit.start_point,
            old_end_point=edit.old_end_point,
            new_end_point=edit.new_end_point,
        )
        return state.tree


def _replace_skipped(base: Analysis, reason: str) -> Analysis:
    return Analysis(base.uri, base.version, base.settings_generation, base.spec, skipped=reason)


def _too_big(size: int, limit: int) -> str:
    return (
        f"it is {size / 1_000_000:.1f} MB, over the {limit / 1_000_000:.1f} MB limit "
        "(raise `maxFileSize` to check it)"
    )
