"""The file's function index from the engine's whole-file query equals the one a tree walk gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from forge_lsp.core import languages
from forge_lsp.dataflow.flow import FileFlow
from forge_lsp.engine import checker
from forge_lsp.rules.query_batch import QueryBatch

FIXTURES = Path(__file__).parent.parent.parent / "fixtures" / "rules"


@pytest.mark.parametrize("language", sorted(languages.LANGUAGES))
def test_the_index_from_a_query_equals_the_walk(language: str) -> None:
    spec = languages.LANGUAGES[language]
    paths = sorted(p for p in FIXTURES.rglob("*.*") if languages.for_path(p) is spec)
    indexed = 0
    for path in paths:
        source = path.read_bytes()
        root = checker.parse(spec, source).root_node
        batch = QueryBatch(spec, root, None, "test:file")
        queried = FileFlow(spec.name, root, source, batch.matches, spec.grammar)
        walked = FileFlow(spec.name, root, source)
        by_query = {k: [n.id for n in v] for k, v in queried._index().items()}
        by_walk = {k: [n.id for n in v] for k, v in walked._index().items()}
        assert by_query == by_walk, path
        assert queried._callback_nodes == walked._callback_nodes, path
        indexed += len(by_walk)
    assert indexed > 0  # the fixtures hold functions the index found
