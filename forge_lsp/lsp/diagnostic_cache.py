"""Findings to LSP diagnostics, reusing the previous version's where nothing they read changed.

After a keystroke, every finding outside the edited function is carried over, and most are
unchanged: converting all of them again (a UTF-16 column for each end, a doc link, an attrs
object per field) cost more than the re-check in a file with hundreds of findings. A diagnostic
is a function of its finding (with its `data`), the lines of its start and end, the client's
position encoding and the settings; the cache is dropped when the encoding or the settings
change, and findings with a fix (whose edits read other lines) are always converted.
"""

from __future__ import annotations

from collections.abc import Sequence

from lsprotocol import types

from forge_lsp.core.model import Finding

# A finding's diagnostic and what it was made from: the finding (for its `data`, which
# equality leaves out) and the lines of its start and end.
_Entry = tuple[Finding, types.Diagnostic, bytes, bytes]


class DiagnosticCache:
    """The diagnostics of one document's last version, by finding."""

    def __init__(self) -> None:
        self._entries: dict[Finding, _Entry] = {}
        self._made_for: tuple[str, int] | None = None  # (encoding, settings generation)

    def convert(
        self,
        findings: Sequence[Finding],
        lines: Sequence[bytes],
        encoding: str,
        settings_generation: int,
    ) -> list[types.Diagnostic]:
        """Every finding's diagnostic, in order; keeps them for the next version."""
        previous = self._entries if self._made_for == (encoding, settings_generation) else {}
        entries: dict[Finding, _Entry] = {}
        uris: dict[str, str | None] = {}
        diagnostics = []
        for finding in findings:
            start, end = finding.start.line, finding.end.line
            if finding.fix is not None or end >= len(lines):
                diagnostics.append(_diagnostic(finding, lines, encoding, uris))
                continue
            first, last = lines[start], lines[end]
            entry = previous.get(finding)
            if (
                entry is None
                or entry[2] != first
                or entry[3] != last
                or entry[0].data != finding.data
            ):
                entry = (finding, _diagnostic(finding, lines, encoding, uris), first, last)
            entries[finding] = entry
            diagnostics.append(entry[1])
        self._entries, self._made_for = entries, (encoding, settings_generation)
        return diagnostics


def _diagnostic(
    finding: Finding, lines: Sequence[bytes], encoding: str, uris: dict[str, str | None]
) -> types.Diagnostic:
    from forge_lsp.lsp import lsp_convert  # loaded on the first check, as the rules are
    from forge_lsp.rules import rule_docs

    if finding.code not in uris:
        uris[finding.code] = rule_docs.doc_uri(finding.code)
    return lsp_convert.diagnostic(finding, lines, encoding, uris[finding.code])
