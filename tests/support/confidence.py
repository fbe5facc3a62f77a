"""Real findings at a lower confidence, for tests of the confidence plumbing.

No rule on this branch emits medium or low findings yet (FG101's dataflow will). `report_at`
wraps a registered rule's real `check`, so each finding it makes by real tree-sitter matching
carries the given confidence: the engine, the reports and the server then handle a medium or
low finding exactly as they will handle FG101's.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

import pytest

from forge_lsp.core.model import Confidence, Finding
from forge_lsp.rules import registry
from forge_lsp.rules.base import CheckContext

# One swallowed exception: FG301 reports it at line 3, column 1 (1-based).
SWALLOWED_PY = "try:\n    db.commit()\nexcept Exception:\n    pass\n"


def report_at(monkeypatch: pytest.MonkeyPatch, code: str, confidence: Confidence) -> None:
    """Make rule `code` report its real findings at `confidence` (undone after the test)."""
    rule = registry.get(code)
    assert rule is not None, code
    real = rule.check

    def check(ctx: CheckContext) -> Iterable[Finding]:
        return [dataclasses.replace(f, confidence=confidence) for f in real(ctx)]

    monkeypatch.setattr(rule, "check", check)
