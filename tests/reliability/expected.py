"""What a fresh check of a document says: the oracle for the server's incremental state.

The server re-parses incrementally and re-checks only the edited function; `forge-lsp check`
parses and checks the whole file from scratch. Both use the same engine, so after any sequence
of edits the server's diagnostics for a text must equal a fresh run's on that text.

The numeric settings are the oracle's own knowledge, as the README documents them, not read from
`forge_lsp.config`: a value outside its range must be refused (the value from the layer below,
in the end the default, applies) and named in a warning that gives the range and the value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lsprotocol import types
from lsprotocol.converters import get_converter

from forge_lsp.config import Settings
from forge_lsp.core import languages
from forge_lsp.engine import checker
from forge_lsp.lsp import lsp_convert
from forge_lsp.lsp.analysis import encode

_converter = get_converter()


@dataclass(frozen=True)
class Documented:
    """A numeric setting as the README documents it: its range and its default."""

    low: int
    high: int
    default: int

    def accepts(self, value: object) -> bool:
        return (
            isinstance(value, int)
            and not isinstance(value, bool)
            and self.low <= value <= self.high
        )

    def problem(self, origin: str, key: str, value: object) -> tuple[str, str, str]:
        """What the warning about a refused `value` must say, in this order, in any wording
        around them: the setting, its range and (last) the value."""
        return (f"{origin}.{key}:", f"from {self.low:,} to {self.high:,}", f"got {value!r}")


# Editor keys (normalized: no dashes or underscores, lower case) -> their documented range.
NUMBERS = {
    "debouncems": Documented(0, 2_000, 150),
    "maxfilesize": Documented(1_000, 10_000_000, 1_000_000),
}


def _normalize(key: object) -> str:
    return str(key).replace("-", "").replace("_", "").lower()


def effective_number(key: str, layers: Sequence[object]) -> int:
    """The value Forge must use for numeric setting `key` given the editor's raw layers, lowest
    precedence first: the last value it accepts from the highest layer that has one."""
    documented = NUMBERS[_normalize(key)]
    for layer in reversed(layers):
        if not isinstance(layer, Mapping):
            continue  # the whole layer is refused
        accepted = [
            value
            for name, value in layer.items()
            if _normalize(name) == _normalize(key) and documented.accepts(value)
        ]
        if accepted:
            return int(accepted[-1])
    return documented.default


def refused_numbers(origin: str, layer: object) -> dict[tuple[str, str], tuple[str, str, str]]:
    """The numeric settings of one raw layer that must be refused: (key, repr of the value) ->
    what the warning about each must say."""
    if not isinstance(layer, Mapping):
        return {}
    refused = {}
    for key, value in layer.items():
        documented = NUMBERS.get(_normalize(key))
        if documented is not None and not documented.accepts(value):
            refused[(str(key), repr(value))] = documented.problem(origin, str(key), value)
    return refused


def comparable(diagnostics: list[types.Diagnostic]) -> list[dict[str, Any]]:
    """Diagnostics as plain JSON, without the rule doc's link (a file in the user cache)."""
    plain = [_converter.unstructure(d) for d in diagnostics]
    for item in plain:
        item.pop("codeDescription", None)
    return plain


def fresh_diagnostics(
    text: str, language_id: str, path: Path, settings: Settings, encoding: str
) -> list[dict[str, Any]] | None:
    """A from-scratch check's diagnostics for `text`, or None for a language Forge does not
    check (the server publishes nothing for those)."""
    spec = languages.for_document(language_id, str(path))
    if spec is None:
        return None
    source = encode(text)
    if settings.is_excluded(path) or len(source) > settings.max_file_size:
        return []
    result = checker.check(source, spec, settings.selection(), path=settings.project_path(path))
    lines = source.split(b"\n")
    return comparable([lsp_convert.diagnostic(f, lines, encoding, None) for f in result.findings])
