"""What careless clients send: Forge answers, keeps serving and shows no "Error in server"."""

from __future__ import annotations

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams, JsonRpcInvalidRequest

from tests.e2e.session import HANDLER, Session
from tests.support import raw_jsonrpc

# Protocol handling is the same for every editor: one profile (Neovim: UTF-8 positions) will do.
pytestmark = pytest.mark.parametrize("profile", ["neovim"])


def _errors_shown(session: Session) -> list[str]:
    return [m.message for m in session.messages if m.type == types.MessageType.Error]


async def test_a_change_to_a_document_that_is_not_open_is_ignored(session: Session):
    """pygls failed on the missing document and showed the user "Error in server: KeyError"
    (found by the session fuzzer)."""
    never_opened = (session.root / "never.py").as_uri()
    session.client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(uri=never_opened, version=3),
            [types.TextDocumentContentChangeWholeDocument(text=HANDLER)],
        )
    )
    uri = session.open("app.py", HANDLER, "python")
    session.close(uri)
    session.client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            [types.TextDocumentContentChangeWholeDocument(text=HANDLER)],
        )
    )
    other = session.open("other.py", HANDLER, "python")

    assert [d.code for d in await session.diagnostics(other)] == ["FG301"]
    assert await session.hover(never_opened, 2, 8) is None
    assert _errors_shown(session) == []


@pytest.mark.parametrize(
    ("method", "params"),
    [
        (types.TEXT_DOCUMENT_HOVER, {"textDocument": 5, "position": {"line": 0, "character": 0}}),
        (types.TEXT_DOCUMENT_HOVER, {"textDocument": {"uri": "file:///x.py"}}),
        (types.TEXT_DOCUMENT_CODE_ACTION, {"textDocument": {"uri": "file:///x.py"}, "range": []}),
        (types.WORKSPACE_EXECUTE_COMMAND, {"command": 12, "arguments": "forge.ask"}),
        (types.TEXT_DOCUMENT_DIAGNOSTIC, None),
        # lsprotocol lets any value through as a kind: Forge failed on it (an internal error).
        (
            types.TEXT_DOCUMENT_CODE_ACTION,
            {
                "textDocument": {"uri": "file:///x.py"},
                "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
                "context": {"diagnostics": [], "only": [5, ""]},
            },
        ),
    ],
)
async def test_malformed_params_get_invalid_params(session: Session, method: str, params: object):
    """pygls never answered these (the client waited forever) and showed "Error in server:
    Invalid Params" (found by the malformed-params fuzzer)."""
    with pytest.raises(JsonRpcException) as raised:
        await raw_jsonrpc.request(session.client, method, params)
    assert raised.value.code == JsonRpcInvalidParams.CODE

    uri = session.open("app.py", HANDLER, "python")  # still serving
    assert [d.code for d in await session.diagnostics(uri)] == ["FG301"]
    assert _errors_shown(session) == []


async def test_a_malformed_notification_is_ignored(session: Session):
    """A notification without a method name once got an answer with a null id, which the
    client could not read (found by the malformed-params fuzzer)."""
    raw_jsonrpc.notify(session.client, types.TEXT_DOCUMENT_DID_OPEN, {"textDocument": "app.py"})
    raw_jsonrpc.notify(session.client, None, None)
    uri = session.open("app.py", HANDLER, "python")
    assert [d.code for d in await session.diagnostics(uri)] == ["FG301"]
    assert _errors_shown(session) == []


async def test_a_request_without_a_method_name_gets_invalid_request(session: Session):
    with pytest.raises(JsonRpcException) as raised:
        await raw_jsonrpc.request(session.client, ["textDocument/hover"], {})
    assert raised.value.code == JsonRpcInvalidRequest.CODE


async def test_a_cancel_with_an_id_of_the_wrong_type_is_ignored(session: Session):
    """pygls failed on an unhashable id and showed "Error in server: unhashable type" (found by
    the malformed-params fuzzer)."""
    raw_jsonrpc.notify(session.client, types.CANCEL_REQUEST, {"id": []})
    raw_jsonrpc.notify(session.client, types.CANCEL_REQUEST, {"id": {"a": 1}})
    uri = session.open("app.py", HANDLER, "python")
    assert [d.code for d in await session.diagnostics(uri)] == ["FG301"]
    assert _errors_shown(session) == []


async def test_an_edit_below_a_unicode_line_separator_lands_on_the_editors_line(session: Session):
    """U+2028 is no line break to LSP (or to editors), but pygls split lines at it: the edit of
    line 1 below landed in line 0 and Forge's copy of the document drifted from the editor's
    (found by the session fuzzer, once its model counted lines as editors do)."""
    uri = session.open("app.py", 's = "\u2028"\nx = 1\n', "python")
    await session.diagnostics(uri)
    end_of_x = types.Position(1, 5)
    version = session.change(uri, HANDLER.rstrip("\n"), types.Range(types.Position(1, 0), end_of_x))

    found = await session.diagnostics(uri, version)
    assert [(d.code, d.range.start.line) for d in found] == [("FG301", 4)]
