"""Random LSP sessions against the real server: it stays up, answers every request without an
internal error, never publishes diagnostics for a version it no longer holds, and its
incremental state never drifts from a fresh check.

Runs are reproducible (Hypothesis derandomized) unless FORGE_FUZZ_SEED is set;
FORGE_FUZZ_EXAMPLES sets how many examples each editor profile runs (a longer hunt:
FORGE_FUZZ_EXAMPLES=500). A failure prints the steps of the failing sequence. Hypothesis does
not shrink it unless FORGE_FUZZ_SHRINK=1: all examples share one server, so shrinking replays
sequences against a server the failure may have left broken, for minutes.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tests.reliability.fuzzer import SessionFuzzer, fuzz_settings

MAX_OPERATIONS = 25


@fuzz_settings(default_examples=70)
@given(data=st.data())
async def test_random_sessions(fuzzer: SessionFuzzer, data: st.DataObject) -> None:
    await fuzzer.run_example(data, MAX_OPERATIONS)
