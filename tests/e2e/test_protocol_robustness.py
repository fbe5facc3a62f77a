"""What careless clients send: Forge answers, keeps serving and shows no "Error in server"."""

from __future__ import annotations

from lsprotocol import types

from tests.e2e.session import HANDLER, Session


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
