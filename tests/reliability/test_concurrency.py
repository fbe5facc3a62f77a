"""Twenty reviews at once on twenty documents, with typing in most of them while their reviews
stream: every result lands on its own document, at the version it belongs to.

What "the version it belongs to" means comes from forge_lsp/ai/annotations.py: a review's
findings are placed in the text the review started from and then follow every edit made since,
exactly as they follow later edits. So for a document edited during its review:

- lines inserted above the finding move it down by as many lines;
- an edit elsewhere (not touching the finding's own text) leaves it where it is;
- an edit of the finding's own text drops it (what Claude said about that code no longer holds);

and the diagnostics published for the edited version carry the finding so moved, or none.
"""

from __future__ import annotations

import asyncio
import re

import pytest
from lsprotocol import types

from tests.reliability.claude_support import (
    FETCH,
    KEEPALIVE_EXPIRY_SECONDS,
    MODEL_CASES,
    SERVICE,
    Harness,
    harness_fixture,
)
from tests.support.fake_messages_api import RecordedRequest, Reply

pytestmark = pytest.mark.asyncio(loop_scope="module")

harness = harness_fixture(cases=[case for case in MODEL_CASES if case[0] == "visual-studio-code"])

DOCUMENTS = 20
FLAGGED_LINE = 6  # `    return response.json()[...]` in SERVICE, zero-based
ABOVE = types.Range(types.Position(0, 0), types.Position(0, 0))
FLAGGED_WORD = types.Range(types.Position(FLAGGED_LINE, 11), types.Position(FLAGGED_LINE, 19))
ELSEWHERE = types.Range(types.Position(10, 11), types.Position(10, 12))  # `1` of `return 1`
# What happens to document i while its review streams, by i % 4: (edit, where the finding ends)
EDITS: dict[int, tuple[tuple[str, types.Range] | None, int | None]] = {
    0: (None, FLAGGED_LINE),  # untouched
    1: (("import json\n", ABOVE), FLAGGED_LINE + 1),  # a line inserted above: moved down
    2: (("resp", FLAGGED_WORD), None),  # its own code edited: dropped
    3: (("2", ELSEWHERE), FLAGGED_LINE),  # an edit further down: stays
}


def _source(index: int) -> str:
    flagged = f'return response.json()["item_{index}"]'
    return SERVICE.replace("return response.json()", flagged)


def _document_of(request: RecordedRequest) -> int | None:
    """Which document a request's code came from."""
    found = re.search(r"item_(\d+)", request.text)
    return int(found.group(1)) if found else None


def _reply_for(request: RecordedRequest) -> Reply | None:
    """A slow review quoting the code of the document the request came from."""
    index = _document_of(request)
    if index is None:
        return None
    finding = {
        "category": "error-handling",
        "severity": "warning",
        "confidence": 0.9,
        "quote": f'return response.json()["item_{index}"]',
        "title": f"Finding for document {index}",
        "explanation": "Check the status first.",
        "replacement": None,
    }
    return Reply(
        structured={"findings": [finding]},
        chunks=12,
        slow_stream=0.06,
    )


def _claude(params: types.PublishDiagnosticsParams) -> list[types.Diagnostic]:
    return [d for d in params.diagnostics if d.source == "forge (claude)"]


async def test_twenty_reviews_with_typing_land_on_their_own_documents_and_versions(
    harness: Harness,
) -> None:
    h = harness
    before = await h.at_rest()
    requests, mark = len(h.api.message_requests), len(h.session.messages)
    uris = [h.open_case(f"concurrent_{i}", _source(i)) for i in range(DOCUMENTS)]
    for uri in uris:
        await h.session.diagnostics(uri)
    h.api.respond = _reply_for
    try:
        reviews = [h.run("forge.review", uri, FETCH) for uri in uris]
        running = [asyncio.ensure_future(review) for review in reviews]

        def streaming(index: int) -> bool:
            return any(
                _document_of(r) == index and r.events_sent >= 2 and r.finished_at is None
                for r in h.api.message_requests[requests:]
            )

        versions = {}
        for index, uri in enumerate(uris):  # type while each review streams
            edit, _ = EDITS[index % 4]
            if edit is None:
                continue
            await h.session.until(lambda i=index: streaming(i), f"review {index} streaming")
            versions[index] = h.session.change(uri, *edit)
            if index == 1:  # a review streams at the fake: the server counts it in flight
                busy = await h.status()
                assert busy["claudeTasksInFlight"] >= 1 and busy["progressTokens"] >= 1, busy
        results = await asyncio.gather(*running)
    finally:
        h.api.respond = lambda request: None

    assert all(r["status"] == "done" and r["findings"] == 1 for r in results), results
    sent = h.api.message_requests[requests:]
    assert len(sent) == DOCUMENTS  # one request each, none repeated, none lost
    assert sorted(_document_of(r) for r in sent) == list(range(DOCUMENTS))  # type: ignore[type-var]
    summaries = [m.message for m in h.messages_since(mark)]
    assert summaries.count("Forge found 1 issue in 4 lines.") == DOCUMENTS, summaries

    for index, uri in enumerate(uris):
        _, line = EDITS[index % 4]
        version = versions.get(index, 1)

        def landed(uri: str = uri, version: int = version, line: int | None = line):
            """The publish of the document's current version that holds the review's outcome."""
            for params in reversed(h.session.published[uri]):
                if params.version != version:
                    continue
                found = _claude(params)
                if (line is None and not found) or (line is not None and found):
                    return params
            return None

        await h.session.until(landed, f"document {index}'s review at version {version}")
        last = h.session.published[uri][-1]
        assert last.version == version  # nothing older published after it
        found = _claude(last)
        if line is None:
            assert found == [], (index, found)
            continue
        [finding] = found
        assert finding.range.start.line == line, (index, finding.range)
        assert f"document {index}" in finding.message, (index, finding.message)

    for uri in uris:  # nothing landed on a document it was not about
        for params in h.session.published[uri]:
            index = uris.index(uri)
            for diagnostic in _claude(params):
                assert f"document {index}" in diagnostic.message
    for uri in uris:
        h.session.close(uri)
    # The SDK keeps each of the 20 connections alive for a while: bounded by the concurrency,
    # and every server socket but the event loop's pair is one the fake still sees open.
    after = await h.at_rest(max_pooled=DOCUMENTS)
    assert after.documents == before.documents
    status = await h.status()
    assert status["caches"]["claudeAnnotations"] == 0  # closed documents drop their findings
    # Idle past their expiry, the next request closes them: back to the baseline.
    await asyncio.sleep(KEEPALIVE_EXPIRY_SECONDS + 0.5)
    uri = h.open_case("after_the_crowd")
    assert (await h.run("forge.explain", uri, FETCH))["status"] == "done"
    h.session.close(uri)
    await h.at_rest()
