"""FG301's reading of what surrounds an empty handler: comments, test files, the option."""

from __future__ import annotations

import pytest

from forge_lsp.core import languages
from forge_lsp.engine import checker
from forge_lsp.rules.families import handler_context as hc

PYTHON = languages.LANGUAGES["python"]


@pytest.mark.parametrize(
    "comment",
    ["# ignore", "// ignored", "/* do nothing */", "// empty", "# pass", "// noop", "// no-op",
     "/* ignore */", "// best effort", "# TODO handle this properly", "//", "# Ignore errors."],
)  # fmt: skip
def test_a_label_gives_no_reason(comment: str) -> None:
    assert not hc.gives_reason(comment)


@pytest.mark.parametrize(
    "comment",
    ["# already released by the other worker", "// shouldn't happen", "# Invalid header.",
     "/* optional */", "// expected: the key may be missing", "# ignore, the cache is cold",
     "// retry on the next tick"],
)  # fmt: skip
def test_a_reason_excuses(comment: str) -> None:
    assert hc.gives_reason(comment)


SOURCE = b"""
def sync(client):
    try:
        client.push()
        client.mark()
    except ValueError:
        pass
"""


def _codes(path: str, options: dict[str, object] | None = None) -> list[str]:
    selection = checker.RuleSelection(options={"FG301": options or {}})
    result = checker.check(SOURCE, PYTHON, selection, path=path)
    return [f.code for f in result.findings if f.code == "FG301"]


def test_test_files_are_skipped_unless_include_tests() -> None:
    assert _codes("app/sync.py") == ["FG301"]
    assert _codes("tests/test_sync.py") == []
    assert _codes("tests/test_sync.py", {"includeTests": True}) == ["FG301"]


def test_failure_is_the_answer_only_for_lookups_and_parses() -> None:
    parse = frozenset({"ValueError"})
    assert hc.failure_is_answer(parse, "return int(raw)")
    assert not hc.failure_is_answer(parse, "client.push()")
    assert hc.failure_is_answer(frozenset({"KeyError", "IndexError"}), "x = d[k][0]")
    assert hc.lost_failure(frozenset({"OSError"}), "handle.read()")
    assert hc.lost_failure(frozenset({"Timeout"}), "conn.commit()")
    assert not hc.lost_failure(frozenset({"KeyError"}), "cache.close()")


def test_vendored_and_minified_scripts_are_skipped() -> None:
    script = languages.LANGUAGES["javascript"]
    source = b"function f() { try { a(); b(); } catch (e) {} }\n"

    def codes(path: str) -> list[str]:
        result = checker.check(source, script, checker.RuleSelection(), path=path)
        return [f.code for f in result.findings if f.code == "FG301"]

    assert codes("app/static/js/app.js") == ["FG301"]
    assert codes("app/static/js/vendor/jquery.js") == []
    assert codes("app/static/js/codemirror.min.js") == []
