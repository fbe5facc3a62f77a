"""The editor's side of baselines: findings recorded in the `baseline` file are shown as hints
(``baselineFindings = "hint"``, the default) or hidden (``"hide"``); new ones keep their
severity. The file is the one `forge-lsp check --write-baseline` writes (`engine.baselines`).

Runs in the analysis worker thread, after the rules: the fingerprints need the tree. A
baseline is read once and again only when its modification time or size changes. A file that
cannot be read is reported once (as an ignored setting) and the findings are shown as usual.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from forge_lsp.core.model import Finding, Severity

if TYPE_CHECKING:
    import tree_sitter

    from forge_lsp.config import Settings
    from forge_lsp.core.languages import LanguageSpec
    from forge_lsp.engine.baselines import Baseline

log = logging.getLogger(__name__)

BASELINE_NOTE = " (recorded in the baseline)"


class BaselineView:
    """Loads baselines (cached by file state) and applies one to a document's findings."""

    def __init__(self, report: Callable[[list[str]], None]) -> None:
        self._report = report
        self._lock = threading.Lock()
        self._loaded: dict[Path, tuple[tuple[int, int], Baseline | None]] = {}

    def apply(
        self,
        settings: Settings,
        document: Path | None,
        source: bytes,
        tree: tree_sitter.Tree,
        spec: LanguageSpec,
        findings: list[Finding],
    ) -> list[Finding]:
        """`findings` with the recorded ones turned into hints or left out."""
        if document is None or not findings or not settings.baseline:
            return findings
        file = settings.baseline_file(document)
        baseline = self._baseline(file) if file is not None else None
        if baseline is None:
            return findings
        from forge_lsp.engine.fingerprints import fingerprints

        ordered = sorted(findings, key=lambda f: (f.start, f.code))
        identities = fingerprints(source, tree.root_node, spec, ordered)
        known = baseline.known(baseline.relative(document.absolute()), [fp for fp, _ in identities])
        recorded = {id(f) for f, is_known in zip(ordered, known, strict=True) if is_known}
        if not recorded:
            return findings
        if settings.baseline_findings == "hide":
            return [f for f in findings if id(f) not in recorded]
        return [_as_hint(f) if id(f) in recorded else f for f in findings]

    def _baseline(self, file: Path) -> Baseline | None:
        from forge_lsp.engine.baselines import BaselineError, load

        try:
            stat = os.stat(file)
            state = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            state = (-1, -1)
        with self._lock:
            cached = self._loaded.get(file)
            if cached is not None and cached[0] == state:
                return cached[1]
            try:
                baseline: Baseline | None = load(file)
            except BaselineError as problem:
                baseline = None
                self._report([f"baseline: {problem}; findings are shown as usual"])
            self._loaded[file] = (state, baseline)
            return baseline


def _as_hint(finding: Finding) -> Finding:
    return replace(finding, severity=Severity.HINT, message=finding.message + BASELINE_NOTE)
