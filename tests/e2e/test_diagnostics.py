"""Diagnostics over real LSP: push and pull, versions, positions, close, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types

from tests.e2e.session import Session

SWALLOWED = (
    "import requests\n\ntry:\n    requests.get(url, timeout=5)\nexcept Exception:\n    pass\n"
)


async def test_open_publishes_forge_diagnostics(session: Session) -> None:
    uri = session.open("service.py", SWALLOWED, "python")
    diagnostics = await session.diagnostics(uri)
    [finding] = [d for d in diagnostics if d.code == "FG301"]
    assert finding.source == "forge"
    assert finding.severity == types.DiagnosticSeverity.Warning
    assert finding.range.start == types.Position(4, 0)
    assert finding.code_description is not None
    assert finding.code_description.href.startswith("file://")
    assert finding.code_description.href.endswith("/FG301.md")
    assert isinstance(finding.data, dict) and finding.data["code"] == "FG301"
    assert finding.data["confidence"] == "medium"  # a catch-all around a call it cannot name


@pytest.mark.parametrize("name", ["My Project/svc.py", "v1.2+3~x/svc.py", "café/svc.py"])
async def test_documents_whose_uri_is_percent_encoded_are_checked(
    session: Session, name: str
) -> None:
    # Editors percent-encode spaces, `+` and non-ASCII letters in file URIs (`My%20Project`).
    uri = session.open(name, SWALLOWED, "python")
    assert "%" in uri
    assert [d.code for d in await session.diagnostics(uri)] == ["FG301"]
    version = session.change(uri, "raise", types.Range(types.Position(5, 4), types.Position(5, 8)))
    assert await session.diagnostics(uri, version) == []


async def test_change_rechecks_and_close_clears(session: Session) -> None:
    uri = session.open("service.py", SWALLOWED, "python")
    assert [d.code for d in await session.diagnostics(uri)] == ["FG301"]
    # Replace `pass` by a re-raise: an incremental edit of one line.
    version = session.change(uri, "raise", types.Range(types.Position(5, 4), types.Position(5, 8)))
    assert await session.diagnostics(uri, version) == []
    session.close(uri)
    if not session.pulls:
        await session.until(
            lambda: (
                not session.published[uri][-1].diagnostics
                and session.published[uri][-1].version is None
            ),
            "diagnostics cleared on close",
        )


async def test_rapid_edits_never_publish_an_old_version_after_a_newer_one(
    session: Session,
) -> None:
    uri = session.open("service.py", SWALLOWED, "python")
    await session.diagnostics(uri)
    # Toggle the handler's body between `pass` and `raise`, one incremental edit at a time,
    # ending on `raise`: 31 versions in flight at once.
    last = session.change(uri, "raise", _line_range(5, 4, 8))
    for index in range(30):
        last = session.change(uri, "pass " if index % 2 == 0 else "raise", _line_range(5, 4, 9))
    assert await session.diagnostics(uri, last) == []
    if not session.pulls:
        versions = [p.version for p in session.published[uri] if p.version is not None]
        assert versions == sorted(versions), f"published out of order: {versions}"
        assert versions[-1] == last


def _line_range(line: int, start: int, end: int) -> types.Range:
    return types.Range(types.Position(line, start), types.Position(line, end))


@pytest.mark.parametrize("prefix", ["", "😀😀 ", "中文字符 ", "é😀中 "])
async def test_positions_follow_the_negotiated_encoding(session: Session, prefix: str) -> None:
    line = f'const label = "{prefix}"; try {{ load(); }} catch (e) {{}}'
    uri = session.open("handler.js", line + "\n", "javascript")
    [finding] = [d for d in await session.diagnostics(uri) if d.code == "FG301"]
    catch_at = line.index("catch")
    before = line[:catch_at]
    expected = {
        "utf-8": len(before.encode("utf-8")),
        "utf-16": len(before.encode("utf-16-le")) // 2,
        "utf-32": len(before),
    }[_negotiated(session)]
    assert finding.range.start == types.Position(0, expected)


def _negotiated(session: Session) -> str:
    """The position encoding Forge picks: the client's first offer it supports (VS Code offers
    none: UTF-16; Neovim 0.11: UTF-8; eglot 1.14+: UTF-32 first)."""
    general = session.client.capabilities.general if session.client.capabilities else None
    offered = [str(e) for e in (general.position_encodings or [])] if general else []
    return next((e for e in offered if e in {"utf-8", "utf-16", "utf-32"}), "utf-16")


async def test_half_typed_code_neither_crashes_nor_invents_findings(session: Session) -> None:
    uri = session.open("draft.py", "def handler(req):\n    try:\n        x = (\n", "python")
    assert await session.diagnostics(uri) == []
    version = session.change(
        uri, "def handler(req):\n    try:\n        x()\n    except Exception:\n"
    )
    assert await session.diagnostics(uri, version) == []
    # The server is still serving.
    assert await session.hover(uri, 0, 1) is None


async def test_unknown_languages_are_ignored(session: Session) -> None:
    uri = session.open("notes.txt", "password = 'hunter2'\n", "plaintext")
    if session.pulls:
        assert await session.diagnostics(uri) == []
    known = session.open("service.py", SWALLOWED, "python")
    await session.diagnostics(known)
    assert uri not in session.published


@pytest.mark.init_options({"maxFileSize": 2000})
async def test_huge_files_are_skipped_with_a_message(session: Session) -> None:
    uri = session.open("generated.py", SWALLOWED * 100, "python")
    assert await session.diagnostics(uri) == []
    message = await session.until(
        lambda: next((m for m in session.messages if "generated.py" in m.message), None),
        "a message about the skipped file",
    )
    assert f"it is {len(SWALLOWED * 100):,} bytes, over the limit of 2,000" in message.message
    assert "raise `maxFileSize`" in message.message
    assert message.type == types.MessageType.Info


async def test_a_text_the_parser_gives_up_on_is_skipped_with_a_message(session: Session) -> None:
    # tree-sitter-kotlin's error recovery takes 48 s on this text without Forge's parse budget.
    slow = Path(__file__).parent.parent / "data" / "parse" / "kotlin_error_recovery_explodes.kt"
    uri = session.open("Slow.kt", slow.read_text(), "kotlin")
    assert await session.diagnostics(uri) == []
    message = await session.until(
        lambda: next((m for m in session.messages if "Slow.kt" in m.message), None),
        "a message about the text the parser gave up on",
    )
    assert "the kotlin parser gave up after" in message.message
    # The server keeps serving: the next document is checked as usual.
    other = session.open("service.py", SWALLOWED, "python")
    assert [d.code for d in await session.diagnostics(other)] == ["FG301"]


@pytest.mark.parametrize("profile", ["neovim"])  # 10 MB over the wire once is enough
@pytest.mark.init_options({"maxFileSize": 10_000_000})
async def test_a_file_over_the_largest_limit_says_no_setting_would_check_it(
    session: Session,
) -> None:
    text = "# generated\n" * 1_000_000  # 12,000,000 bytes
    uri = session.open("generated.py", text, "python")
    assert await session.diagnostics(uri) == []
    message = await session.until(
        lambda: next((m for m in session.messages if "generated.py" in m.message), None),
        "a message about the skipped file",
    )
    assert "it is 12,000,000 bytes, over the limit of 10,000,000" in message.message
    assert "Forge checks no file over 10,000,000 bytes" in message.message
    assert "raise" not in message.message


async def test_lone_surrogates_and_odd_text_do_not_crash(session: Session) -> None:
    uri = session.open(
        "odd.py", "x = '\udcff'\r\n\x00\ttry:\r\n    f()\r\nexcept:\r\n    pass\r\n", "python"
    )
    diagnostics = await session.diagnostics(uri)
    assert all(d.source == "forge" for d in diagnostics)
    assert await session.hover(uri, 0, 0) is None or True  # answered, not crashed


GO_LOOKUP = """package cache

func lookup(key string) (string, bool) {
	return key, true
}

func Get(key string) string {
	value, _ := lookup(key)
	return value
}
"""


async def test_file_wide_facts_are_caught_up_after_an_edit_inside_a_function(
    session: Session,
) -> None:
    # `lookup` returns (string, bool), so discarding its second result is fine...
    uri = session.open("cache.go", GO_LOOKUP, "go")
    assert await session.diagnostics(uri) == []
    # ...until its signature changes to return an error. The edit lies inside `lookup`; the
    # finding appears in `Get`. An edit in a signature is checked over the whole file at once
    # (callers read it); any quick check of one function is followed by a full one.
    line = GO_LOOKUP.splitlines()[2]
    start = line.index("bool")
    version = session.change(uri, "error", _line_range(2, start, start + 4))
    if session.pulls:
        found = await session.diagnostics(uri)  # what a client pulls right after the change
        if not found:
            await session.until(lambda: session.client.diagnostic_refresh_count > 0, "a refresh")
            found = await session.diagnostics(uri)
    else:
        await session.until(
            lambda: any(p.version == version and p.diagnostics for p in session.published[uri]),
            "the follow-up full check's diagnostics",
        )
        found = list(session.published[uri][-1].diagnostics)
    assert [(d.code, d.range.start.line) for d in found] == [("FG302", 7)]
