"""A finding's fingerprint: who it is, whatever line it moved to.

Baselines (`forge-lsp check --baseline`) and SARIF's ``partialFingerprints`` need to recognise
a finding after the lines above it changed. The fingerprint is a hash of three things that do
not move with it:

- the rule's code;
- the name of the function it sits in (a function ``inner`` defined inside ``outer`` is
  ``outer.inner``; classes are not part of it, and module-level code has no name), so an edit
  elsewhere in the function, even in its signature, keeps it;
- the text of the finding's first line, with runs of whitespace made one space, so that
  re-indenting a block keeps it.

The line number and the message (which may name other lines) are left out. Two identical bad
lines in one function share a fingerprint; a baseline counts them, so a third copy is new.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from forge_lsp.core.model import Finding
from forge_lsp.engine.fixes import line_starts

if TYPE_CHECKING:
    import tree_sitter

    from forge_lsp.core.languages import LanguageSpec

_WHITESPACE = re.compile(rb"\s+")
_DIGEST_LENGTH = 20  # hex characters: 80 bits, far from colliding within one file


def fingerprint(code: str, function: str, line_text: str) -> str:
    """The hash of a finding's rule, function name and normalised first line."""
    digest = hashlib.sha256("\n".join((code, function, line_text)).encode("utf-8"))
    return digest.hexdigest()[:_DIGEST_LENGTH]


def fingerprints(
    source: bytes,
    root: tree_sitter.Node | None,
    spec: LanguageSpec | None,
    findings: Sequence[Finding],
) -> list[tuple[str, str]]:
    """``(fingerprint, function name)`` for each finding of `source`, in order; without a tree
    (Claude's findings), the function name is empty."""
    if not findings:
        return []
    starts = line_starts(source)
    found = []
    for finding in findings:
        line = min(max(finding.start.line, 0), len(starts) - 1)
        offset = min(starts[line] + finding.start.column, len(source))
        function = ""
        if root is not None and spec is not None:
            function = enclosing_function_name(root, spec, offset)
        text = normalised_line(source, starts, line)
        found.append((fingerprint(finding.code, function, text), function))
    return found


def normalised_line(source: bytes, starts: Sequence[int], line: int) -> str:
    """Line `line` (zero-based) of `source`, stripped, with whitespace runs made one space."""
    end = starts[line + 1] if line + 1 < len(starts) else len(source)
    text = _WHITESPACE.sub(b" ", source[starts[line] : end]).strip()
    return text.decode("utf-8", errors="replace")


def enclosing_function_name(root: tree_sitter.Node, spec: LanguageSpec, offset: int) -> str:
    """The dotted names of the named functions around byte `offset`, outermost first; inline
    functions (arrow functions, lambdas passed as arguments) have no name and are skipped."""
    node: tree_sitter.Node | None = root.descendant_for_byte_range(offset, offset)
    names: list[str] = []
    while node is not None:
        if node.type in spec.function_types and node.type not in spec.inline_function_types:
            name = node.child_by_field_name("name")
            if name is not None and name.text is not None:
                names.append(name.text.decode("utf-8", errors="replace"))
        node = node.parent
    return ".".join(reversed(names))
