"""Code actions: on Forge's findings, the rule's quick fix (or Claude's verified fix, never the
preferred one), "Disable CODE for this line" and "Show documentation for CODE"; on any range,
Claude's tasks.

Edits are computed from the analysis of the document's current version and carry that version,
so a client never applies an edit computed for text it no longer has.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams

from forge_lsp.core.model import CLAUDE_SOURCE, Finding
from forge_lsp.engine.suppression import comment_text, merge_codes
from forge_lsp.lsp.analysis import Analysis
from forge_lsp.lsp.features import claude
from forge_lsp.lsp.features.commands import SHOW_RULE_DOC
from forge_lsp.lsp.features.diagnostics import claude_findings
from forge_lsp.lsp.forge_server import ForgeServer
from forge_lsp.lsp.lsp_convert import client_column, overlaps, text_edit


def register(server: ForgeServer) -> None:
    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(
            code_action_kinds=[types.CodeActionKind.QuickFix, claude.ACTION_KIND]
        ),
    )
    async def code_actions(
        ls: ForgeServer, params: types.CodeActionParams
    ) -> list[types.CodeAction] | None:
        only = params.context.only or [types.CodeActionKind.QuickFix, claude.ACTION_KIND]
        if not all(isinstance(kind, str) for kind in only):  # lsprotocol lets any value through
            raise JsonRpcInvalidParams("codeAction: context.only must list code action kinds")
        fixes = any(types.CodeActionKind.QuickFix.startswith(kind) for kind in only)
        ask = any(claude.ACTION_KIND.startswith(kind) for kind in only)
        if not fixes and not ask:
            return None
        uri = params.text_document.uri
        analysis = await ls.current_analysis(uri)
        if analysis is None or not analysis.checked:
            return None
        actions: list[types.CodeAction] = []
        if fixes:
            if analysis.tree is None and analysis.findings:
                # The document's tree was let go to save memory: parse it again, off the loop.
                analysis = await asyncio.to_thread(_with_tree, analysis)
            actions += _actions(ls, analysis, params.range)
        if ask:
            settings = await asyncio.to_thread(ls.settings.for_path, ls.path_of(uri))
            actions += claude.code_actions(uri, params.range, settings.claude.questions)
        return actions


def _with_tree(analysis: Analysis) -> Analysis:
    from forge_lsp.engine import checker

    assert analysis.spec is not None
    return replace(analysis, tree=checker.parse(analysis.spec, b"\n".join(analysis.lines)))


def _actions(ls: ForgeServer, analysis: Analysis, requested: types.Range) -> list[types.CodeAction]:
    encoding = ls.position_encoding
    fixes: list[types.CodeAction] = []
    others: list[types.CodeAction] = []
    documented: set[str] = set()
    rules = list(zip(analysis.findings, analysis.diagnostics, strict=True))
    for finding, diagnostic in rules + claude_findings(ls, analysis):
        if not overlaps(diagnostic.range, requested):
            continue
        if finding.fix is not None:
            edits = [text_edit(analysis.lines, e, encoding) for e in finding.fix.edits]
            fixes.append(
                types.CodeAction(
                    title=finding.fix.title,
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[diagnostic],
                    # A preferred fix is what "auto fix" applies without showing it first:
                    # only a rule's fix, written by Forge, earns that; Claude's is model
                    # output, verified but still offered for the user to choose.
                    is_preferred=finding.source != CLAUDE_SOURCE,
                    edit=_workspace_edit(ls, analysis, edits),
                )
            )
        if finding.source == CLAUDE_SOURCE:
            continue  # Claude's findings are not rules: no suppression comment, no rule doc
        disable = _disable_action(ls, analysis, finding, diagnostic)
        if disable is not None:
            others.append(disable)
        if finding.code not in documented:
            documented.add(finding.code)
            others.append(
                types.CodeAction(
                    title=f"Show documentation for {finding.code}",
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[diagnostic],
                    command=types.Command(
                        title=f"Show documentation for {finding.code}",
                        command=SHOW_RULE_DOC,
                        arguments=[finding.code],
                    ),
                )
            )
    return fixes + others


def _workspace_edit(
    ls: ForgeServer, analysis: Analysis, edits: list[types.TextEdit]
) -> types.WorkspaceEdit:
    workspace = ls.client_capabilities.workspace
    versioned = bool(
        workspace and workspace.workspace_edit and workspace.workspace_edit.document_changes
    )
    if versioned and analysis.version is not None:
        document = types.OptionalVersionedTextDocumentIdentifier(
            uri=analysis.uri, version=analysis.version
        )
        return types.WorkspaceEdit(
            document_changes=[types.TextDocumentEdit(text_document=document, edits=edits)]
        )
    return types.WorkspaceEdit(changes={analysis.uri: edits})


def _disable_action(
    ls: ForgeServer, analysis: Analysis, finding: Finding, diagnostic: types.Diagnostic
) -> types.CodeAction | None:
    edit = _suppression_edit(ls, analysis, finding)
    if edit is None:
        return None
    return types.CodeAction(
        title=f"Disable {finding.code} for this line",
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[diagnostic],
        edit=_workspace_edit(ls, analysis, [edit]),
    )


def _suppression_edit(
    ls: ForgeServer, analysis: Analysis, finding: Finding
) -> types.TextEdit | None:
    """Add the code to the line's suppression comment, or append one where a comment can go."""
    assert analysis.spec is not None
    encoding = ls.position_encoding
    for line_number in dict.fromkeys((finding.start.line, finding.end.line)):
        line = analysis.lines[line_number]
        existing = analysis.suppressions.get(line_number)
        if existing is not None:
            codes = merge_codes(existing, finding.code)
            replacement = f"forge: ignore[{', '.join(codes)}]"
            start = client_column(line, existing.start_column, encoding)
            end = client_column(line, existing.end_column, encoding)
            return types.TextEdit(
                types.Range(types.Position(line_number, start), types.Position(line_number, end)),
                replacement,
            )
        content_end = len(line.rstrip(b"\r"))
        if _comment_can_end_line(analysis, line_number, content_end):
            position = types.Position(line_number, client_column(line, content_end, encoding))
            comment = comment_text(analysis.spec.line_comment, [finding.code])
            return types.TextEdit(types.Range(position, position), f"  {comment}")
    return None


def _comment_can_end_line(analysis: Analysis, line_number: int, column: int) -> bool:
    """False when the end of the line is inside a string or block comment spanning lines."""
    if analysis.tree is None:
        return False
    node = analysis.tree.root_node.descendant_for_point_range(
        (line_number, column), (line_number, column)
    )
    while node is not None:
        spans_past = node.start_point < (line_number, column) < node.end_point
        if spans_past and node.end_point[0] > line_number and _is_text(node.type):
            return False
        node = node.parent
    return True


def _is_text(node_type: str) -> bool:
    return "string" in node_type or "template" in node_type or "comment" in node_type
