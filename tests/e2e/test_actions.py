"""Hover, code actions and commands over real LSP."""

from __future__ import annotations

import pytest
from lsprotocol import types

from tests.e2e.session import HANDLER, Session, command_of


def _whole_line(line: int) -> types.Range:
    return types.Range(types.Position(line, 0), types.Position(line, 1))


def _actions_by_title(actions: list[types.CodeAction | types.Command]) -> dict[str, object]:
    return {action.title: action for action in actions}


def _apply(text: str, edits: list[types.TextEdit], utf8: bool) -> str:
    """Apply LSP text edits to text (positions in UTF-8 bytes or UTF-16 units)."""
    lines = text.split("\n")
    for edit in sorted(
        edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True
    ):
        assert edit.range.start.line == edit.range.end.line
        line = lines[edit.range.start.line]
        codec = "utf-8" if utf8 else "utf-16-le"
        width = 1 if utf8 else 2
        raw = line.encode(codec)
        start, end = edit.range.start.character * width, edit.range.end.character * width
        lines[edit.range.start.line] = (
            raw[:start] + edit.new_text.encode(codec) + raw[end:]
        ).decode(codec)
    return "\n".join(lines)


def _edits(action: types.CodeAction) -> list[types.TextEdit]:
    assert action.edit is not None
    if action.edit.document_changes:
        [change] = action.edit.document_changes
        assert isinstance(change, types.TextDocumentEdit)
        return [e for e in change.edits if isinstance(e, types.TextEdit)]
    assert action.edit.changes
    [edits] = action.edit.changes.values()
    return list(edits)


@pytest.mark.parametrize("profile", ["emacs-eglot-1.9"])
async def test_hover_is_plaintext_for_a_client_without_markdown(session: Session) -> None:
    uri = session.open("files.py", HANDLER, "python")
    [finding] = await session.diagnostics(uri)
    hover = await session.client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri), finding.range.start)
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert hover.contents.kind == types.MarkupKind.PlainText
    assert "FG301" in hover.contents.value


async def test_hover_on_a_finding_shows_the_rule_doc(session: Session) -> None:
    uri = session.open("files.py", HANDLER, "python")
    [finding] = await session.diagnostics(uri)
    text = await session.hover(uri, finding.range.start.line, finding.range.start.character + 2)
    assert text is not None
    assert text.startswith("**Forge FG301**")
    for section in ("## What it does", "## Why it matters in production", "## How to test it"):
        assert section in text
    assert await session.hover(uri, 0, 1) is None  # nothing to say off the findings


async def test_disable_for_this_line_inserts_a_suppression_that_silences_it(
    session: Session,
) -> None:
    uri = session.open("files.py", HANDLER, "python")
    [finding] = await session.diagnostics(uri)
    actions = _actions_by_title(await session.code_actions(uri, finding.range, [finding]))
    assert set(actions) >= {"Disable FG301 for this line", "Show documentation for FG301"}
    disable = actions["Disable FG301 for this line"]
    assert isinstance(disable, types.CodeAction)
    assert disable.kind == types.CodeActionKind.QuickFix
    if disable.edit and disable.edit.document_changes:
        [change] = disable.edit.document_changes
        assert isinstance(change, types.TextDocumentEdit)
        assert change.text_document.version == 1  # tied to the text it was computed for
    fixed = _apply(HANDLER, _edits(disable), utf8=False)
    assert fixed.splitlines()[3] == "    except Exception:  # forge: ignore[FG301]"
    version = session.change(uri, fixed)
    assert await session.diagnostics(uri, version) == []
    # Hovering the suppression comment explains the rule it silences.
    text = await session.hover(uri, 3, fixed.splitlines()[3].index("ignore"))
    assert text is not None and "# FG301 swallowed-exception" in text


async def test_disable_merges_into_an_existing_suppression(session: Session) -> None:
    text = HANDLER.replace("except Exception:", "except Exception:  # forge: ignore[FG101]")
    uri = session.open("files.py", text, "python")
    [finding] = await session.diagnostics(uri)
    actions = _actions_by_title(await session.code_actions(uri, finding.range, [finding]))
    disable = actions["Disable FG301 for this line"]
    assert isinstance(disable, types.CodeAction)
    fixed = _apply(text, _edits(disable), utf8=False)
    assert fixed.splitlines()[3] == "    except Exception:  # forge: ignore[FG101, FG301]"


async def test_suppression_uses_the_languages_comment_syntax(session: Session) -> None:
    source = "function load() {\n  try {\n    read();\n  } catch (e) {}\n}\n"
    uri = session.open("load.js", source, "javascript")
    [finding] = [d for d in await session.diagnostics(uri) if d.code == "FG301"]
    actions = _actions_by_title(await session.code_actions(uri, finding.range, [finding]))
    disable = actions["Disable FG301 for this line"]
    assert isinstance(disable, types.CodeAction)
    fixed = _apply(source, _edits(disable), utf8=False)
    assert fixed.splitlines()[3] == "  } catch (e) {}  // forge: ignore[FG301]"


async def test_code_actions_elsewhere_offer_only_claudes_tasks(session: Session) -> None:
    uri = session.open("files.py", HANDLER, "python")
    await session.diagnostics(uri)
    actions = await session.code_actions(uri, _whole_line(0))
    titles = [a.title for a in actions]
    assert titles[:3] == ["Ask Forge...", "Review selection with Forge", "Explain with Forge"]
    assert all(not isinstance(a, types.CodeAction) or a.kind == "refactor" for a in actions)


async def test_show_documentation_opens_the_rule_doc(session: Session) -> None:
    uri = session.open("files.py", HANDLER, "python")
    [finding] = await session.diagnostics(uri)
    actions = _actions_by_title(await session.code_actions(uri, finding.range, [finding]))
    show = actions["Show documentation for FG301"]
    command = command_of(show)
    result = await session.client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=command.command, arguments=command.arguments)
    )
    assert result is True
    [shown] = session.opened_documents()  # a message naming it, for clients that cannot show it
    assert shown.endswith("/FG301.md") and shown.startswith("file://")


@pytest.mark.parametrize("arguments", [[], ["FG999"], [42], ["FG301", "extra"]])
async def test_bad_command_arguments_get_a_json_rpc_error(
    session: Session, arguments: list[object]
) -> None:
    with pytest.raises(Exception) as raised:
        await session.client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="forge.showRuleDoc", arguments=arguments)
        )
    assert "rule" in str(raised.value)
    assert not session.shown_documents
    # And the server keeps serving.
    uri = session.open("files.py", HANDLER, "python")
    assert len(await session.diagnostics(uri)) == 1


async def test_quick_fix_replaces_a_deprecated_api_and_its_import(session: Session) -> None:
    source = (
        "package orders\n\nimport (\n"
        '\t"fmt"\n\t"io/ioutil"\n\t"net/http"\n)\n\n'
        "func body(r *http.Request) ([]byte, error) {\n"
        "\tdata, err := ioutil.ReadAll(r.Body)\n"
        "\tif err != nil {\n"
        '\t\treturn nil, fmt.Errorf("read body: %w", err)\n'
        "\t}\n"
        "\treturn data, nil\n"
        "}\n"
    )
    uri = session.open("orders.go", source, "go")
    [finding] = await session.diagnostics(uri)
    assert finding.code == "FG801"
    actions = _actions_by_title(await session.code_actions(uri, finding.range, [finding]))
    fix = actions["Replace `ioutil.ReadAll` with `io.ReadAll`"]
    assert isinstance(fix, types.CodeAction)
    assert fix.kind == types.CodeActionKind.QuickFix and fix.is_preferred
    fixed = _apply(source, _edits(fix), utf8=False)
    assert '\t"io"\n' in fixed and "ioutil" not in fixed
    assert "data, err := io.ReadAll(r.Body)" in fixed
    version = session.change(uri, fixed)
    assert await session.diagnostics(uri, version) == []
