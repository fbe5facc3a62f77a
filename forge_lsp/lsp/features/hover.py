"""Hover: the rule doc for a finding under the cursor, or for the codes a suppression names;
Claude's explanation of a finding it reported or of a range the user asked it to explain."""

from __future__ import annotations

import asyncio

from lsprotocol import types

from forge_lsp.core.model import Finding
from forge_lsp.lsp import workspace_scope
from forge_lsp.lsp.analysis import Analysis
from forge_lsp.lsp.features.diagnostics import claude_findings
from forge_lsp.lsp.forge_server import ForgeServer
from forge_lsp.lsp.lsp_convert import client_column, client_range, contains


def rule_hover_markdown(
    code: str, message: str | None = None, confidence: str | None = None
) -> str | None:
    """The hover text of a rule: the finding's message (if any, with its confidence when that
    is not high), then the rule's doc."""
    from forge_lsp.rules import registry

    rule = registry.get(code)
    if rule is None:
        return None
    unsure = f" (confidence: {confidence})" if confidence and confidence != "high" else ""
    lead = f"**Forge {rule.code}** · {message}{unsure}\n\n---\n\n" if message else ""
    return lead + rule.markdown()


def _confidence(diagnostic: types.Diagnostic) -> str | None:
    data = diagnostic.data
    value = data.get("confidence") if isinstance(data, dict) else None
    return value if isinstance(value, str) else None


def _suppression_codes(analysis: Analysis, position: types.Position, encoding: str) -> list[str]:
    suppression = analysis.suppressions.get(position.line)
    if suppression is None or position.line >= len(analysis.lines):
        return []
    line = analysis.lines[position.line]
    start = client_column(line, suppression.start_column, encoding)
    end = client_column(line, suppression.end_column, encoding)
    if not start <= position.character <= end:
        return []
    return sorted(code for code in suppression.codes if code != "*")


def _claude_finding_markdown(finding: Finding) -> str:
    explanation = finding.data.get("explanation")
    body = f"\n\n{explanation}" if isinstance(explanation, str) and explanation else ""
    return f"**Forge (Claude)** · {finding.message}{body}"


def _explanations(ls: ForgeServer, analysis: Analysis, position: types.Position) -> list[str]:
    """Claude's short explanations of ranges around the position (from "Explain with Forge")."""
    if not analysis.lines:
        return []
    source = b"\n".join(analysis.lines)
    encoding = ls.position_encoding
    found = []
    for explanation in ls.annotations.explanations(analysis.uri, source):
        span = client_range(analysis.lines, explanation.start, explanation.end, encoding)
        if contains(span, position):
            more = (
                f"\n\n[The full explanation]({explanation.document_uri})"
                if explanation.document_uri
                else ""
            )
            found.append(f"**Forge explains**\n\n{explanation.markdown}{more}")
    return found


async def _explain_on_hover(ls: ForgeServer, params: types.HoverParams) -> str | None:
    """Claude's explanation of the function under the cursor, only with `explainOnHover`."""
    uri = params.text_document.uri
    snapshot = ls.snapshot(uri)
    if snapshot is None:
        return None
    settings = await asyncio.to_thread(ls.settings.for_path, snapshot.path)
    if not settings.claude.explain_on_hover:
        return None  # the default: a plain hover never calls Claude
    if workspace_scope.refusal(uri, ls.workspace_roots()) is not None:
        return None  # Claude's tasks, like commands, stay inside the workspace
    from forge_lsp.lsp.features import claude_tasks
    from forge_lsp.lsp.features.claude_target import Target

    at = params.position
    target = Target(
        uri, snapshot.version, snapshot.text, snapshot.language_id, snapshot.path, at, at
    )
    short = await claude_tasks.explain_for_hover(ls, target)
    return f"**Forge explains**\n\n{short}" if short else None


def register(server: ForgeServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_HOVER)
    async def hover(ls: ForgeServer, params: types.HoverParams) -> types.Hover | None:
        analysis = await ls.current_analysis(params.text_document.uri)
        if analysis is None or not analysis.checked:
            return None
        sections = [
            rule_hover_markdown(str(d.code), d.message, _confidence(d))
            for d in analysis.diagnostics
            if contains(d.range, params.position)
        ]
        sections += [
            _claude_finding_markdown(finding)
            for finding, d in claude_findings(ls, analysis)
            if contains(d.range, params.position)
        ]
        sections += _explanations(ls, analysis, params.position)
        if not sections:
            codes = _suppression_codes(analysis, params.position, ls.position_encoding)
            sections = [rule_hover_markdown(code) for code in codes]
        text = "\n\n---\n\n".join(s for s in sections if s)
        if not text:
            text = await _explain_on_hover(ls, params) or ""
        if not text:
            return None
        from forge_lsp.ai.untrusted_markdown import neutralise_links

        text = neutralise_links(text)  # Claude's text is untrusted: no link may run anything
        return types.Hover(contents=types.MarkupContent(kind=_hover_kind(ls), value=text))


def _hover_kind(ls: ForgeServer) -> types.MarkupKind:
    """Markdown, unless the client lists hover formats without it (eglot without markdown-mode
    offers only plaintext): then the same text as plaintext, which Markdown reads as."""
    document = ls.client_capabilities.text_document
    formats = document.hover.content_format if document and document.hover else None
    if formats and types.MarkupKind.Markdown not in formats:
        return types.MarkupKind.PlainText
    return types.MarkupKind.Markdown
