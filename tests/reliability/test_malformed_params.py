"""Malformed messages against the real server: valid params with one part dropped, retyped or
replaced, sent as raw JSON-RPC. A request gets a result (the change left it valid) or a proper
JSON-RPC error (InvalidParams, or InvalidRequest / MethodNotFound where those apply), never an
internal error and never silence; a notification gets nothing; either way the server keeps
serving, logs no traceback and shows the user no error.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, note
from hypothesis import strategies as st
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from tests.reliability import inputs
from tests.reliability.fuzzer import TIMEOUT, SessionFuzzer, fuzz_settings
from tests.reliability.health import server_failures
from tests.support import raw_jsonrpc

# The JSON-RPC errors a malformed request may get: InvalidParams, InvalidRequest, MethodNotFound.
PROPER_ERRORS = (-32602, -32600, -32601)
SOURCE = (
    "import requests\n"
    "def load(path):\n"
    "    try:\n"
    "        return requests.get(path).text\n"
    "    except Exception:\n"
    "        pass\n"
)

FORGE_REQUESTS = {
    types.TEXT_DOCUMENT_HOVER,
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.WORKSPACE_EXECUTE_COMMAND,
    types.TEXT_DOCUMENT_DIAGNOSTIC,
}

pytestmark = pytest.mark.parametrize("profile", ["visual-studio-code"])


def _range(a: int, b: int, c: int, d: int) -> dict[str, Any]:
    return {"start": {"line": a, "character": b}, "end": {"line": c, "character": d}}


def valid_messages(uri: str) -> list[tuple[str, dict[str, Any], bool]]:
    """(method, params, is a request) for everything Forge handles, all well-formed."""
    document = {"uri": uri}
    diagnostic = {
        "range": _range(4, 4, 4, 20),
        "message": "swallowed",
        "severity": 2,
        "code": "FG301",
        "source": "forge",
    }
    return [
        (
            types.TEXT_DOCUMENT_HOVER,
            {"textDocument": document, "position": {"line": 4, "character": 6}},
            True,
        ),
        (
            types.TEXT_DOCUMENT_CODE_ACTION,
            {
                "textDocument": document,
                "range": _range(4, 0, 5, 8),
                "context": {"diagnostics": [diagnostic], "only": ["quickfix"]},
            },
            True,
        ),
        (
            types.WORKSPACE_EXECUTE_COMMAND,
            {"command": "forge.showRuleDoc", "arguments": ["FG301"]},
            True,
        ),
        (
            types.WORKSPACE_EXECUTE_COMMAND,
            {"command": "forge.previewPayload", "arguments": [uri, _range(1, 0, 5, 0), "review"]},
            True,
        ),
        (types.TEXT_DOCUMENT_DIAGNOSTIC, {"textDocument": document, "previousResultId": "1"}, True),
        (types.TEXT_DOCUMENT_DOCUMENT_SYMBOL, {"textDocument": document}, True),
        (
            types.TEXT_DOCUMENT_DID_CHANGE,
            {
                "textDocument": {"uri": uri, "version": 1000},
                "contentChanges": [{"range": _range(0, 0, 0, 0), "text": "# é\n"}],
            },
            False,
        ),
        (types.TEXT_DOCUMENT_DID_SAVE, {"textDocument": document, "text": SOURCE}, False),
        (
            types.TEXT_DOCUMENT_DID_OPEN,
            {
                "textDocument": {
                    "uri": uri.replace("app.py", "other.py"),
                    "languageId": "python",
                    "version": 1,
                    "text": SOURCE,
                }
            },
            False,
        ),
        (
            types.WORKSPACE_DID_CHANGE_CONFIGURATION,
            {"settings": {"forge": {"select": ["FG"]}}},
            False,
        ),
        (types.CANCEL_REQUEST, {"id": 12345}, False),
    ]


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a part of a JSON value (the value itself included)."""
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*prefix, index))
    return found


def mutate(params: dict[str, Any], data: st.DataObject) -> Any:
    """The params with one part dropped or replaced by any JSON value (often another type)."""
    path = data.draw(st.sampled_from(_paths(params)), label="part")
    replacement = data.draw(inputs.json_values, label="replacement")
    if not path:
        return replacement
    mutated = copy.deepcopy(params)
    parent = mutated
    for step in path[:-1]:
        parent = parent[step]
    if data.draw(st.booleans(), label="drop it?"):
        del parent[path[-1]]
    else:
        parent[path[-1]] = replacement
    return mutated


@fuzz_settings(default_examples=300)
@given(data=st.data())
async def test_malformed_messages(fuzzer: SessionFuzzer, data: st.DataObject) -> None:
    client = fuzzer.client
    uri = (fuzzer.root / "app.py").as_uri()
    if not fuzzer.examples:
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "python", 1, SOURCE))
        )
    fuzzer.examples += 1
    stderr_start, messages_start = len(fuzzer.stderr.lines), len(client.messages)

    method, params, is_request = data.draw(st.sampled_from(valid_messages(uri)), label="message")
    if data.draw(st.integers(0, 7), label="another method?") == 0:
        method = data.draw(inputs.json_values, label="method")
    sent = mutate(params, data)
    note(f"{method} {sent!r}")
    if is_request:
        try:
            await raw_jsonrpc.request(client, method, sent, TIMEOUT)
            fuzzer.seen["results"] += 1
        except JsonRpcException as error:
            assert error.code in PROPER_ERRORS, f"{method} {sent!r}: error {error.code} {error}"
            if error.code == -32601:
                assert method not in FORGE_REQUESTS, f"{method}: MethodNotFound"
            fuzzer.seen[f"error {error.code}"] += 1
        except TimeoutError:
            pytest.fail(f"{method} {sent!r}: no answer in {TIMEOUT:.0f} s")
    else:
        raw_jsonrpc.notify(client, method, sent)
        fuzzer.seen["notifications"] += 1

    # Still serving: a well-formed request is answered (the document may have closed).
    await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri), types.Position(4, 6))
    )
    problems = server_failures(client, fuzzer.stderr, stderr_start, messages_start)
    assert not problems, f"{method} {sent!r}:\n" + "\n".join(problems)
