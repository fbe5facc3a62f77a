"""The engine: selection by prefix, suppression comments, incremental parsing, odd input."""

from __future__ import annotations

import random

import pytest

from forge_lsp.core import languages
from forge_lsp.core.model import Edit, Point
from forge_lsp.engine import checker, incremental
from forge_lsp.engine.fixes import apply_edits

PYTHON = languages.LANGUAGES["python"]
SWALLOW = b"try:\n    work()\nexcept Exception:\n    pass\n"


@pytest.mark.parametrize(
    ("select", "ignore", "code", "enabled"),
    [
        (("FG",), (), "FG101", True),
        (("FG",), ("FG1",), "FG101", False),
        (("FG",), ("FG1",), "FG301", True),
        (("FG101",), ("FG1",), "FG101", True),  # the longer prefix wins
        (("FG3",), (), "FG101", False),
    ],
)
def test_selection_by_longest_prefix(
    select: tuple[str, ...], ignore: tuple[str, ...], code: str, enabled: bool
) -> None:
    assert checker.RuleSelection(select, ignore).enabled(code) is enabled


def codes(source: bytes) -> list[str]:
    return [f.code for f in checker.check(source, PYTHON, checker.RuleSelection()).findings]


def test_suppression_comments_name_the_rule() -> None:
    assert codes(SWALLOW) == ["FG301"]
    quiet = SWALLOW.replace(b"Exception:", b"Exception:  # forge: ignore[FG301]")
    assert codes(quiet) == []
    other = SWALLOW.replace(b"Exception:", b"Exception:  # forge: ignore[FG101]")
    assert codes(other) == ["FG301"]
    bare = SWALLOW.replace(b"Exception:", b"Exception:  # forge: ignore")
    assert codes(bare) == []


def test_a_marker_inside_a_string_suppresses_nothing() -> None:
    source = b'try { f(); } catch (e) {} const note = "forge: ignore[FG301]";\n'
    found = checker.check(source, languages.LANGUAGES["javascript"], checker.RuleSelection())
    assert [f.code for f in found.findings] == ["FG301"]
    assert found.suppressions == {}


def test_severity_override() -> None:
    from forge_lsp.core.model import Severity

    selection = checker.RuleSelection(severity={"FG301": Severity.HINT})
    [finding] = checker.check(SWALLOW, PYTHON, selection).findings
    assert finding.severity == Severity.HINT


@pytest.mark.parametrize(
    "source",
    [b"", b"\xff\xfe\x00garbage", b"try:\n" * 500, b"def (:\n\texcept", "é😀".encode() * 1000],
)
def test_odd_input_never_raises(source: bytes) -> None:
    for spec in languages.LANGUAGES.values():
        checker.check(source, spec, checker.RuleSelection())


def test_incremental_reparse_matches_a_full_parse() -> None:
    rng = random.Random(7)
    old = SWALLOW * 40 + "label = '中文 😀'\n".encode()
    tree = checker.parse(PYTHON, old)
    for _ in range(200):
        start = rng.randrange(len(old) + 1)
        end = min(len(old), start + rng.randrange(4))
        new = old[:start] + rng.choice([b"", b"x", b"\n", b"(", "😀".encode()]) + old[end:]
        edit = incremental.diff(old, new)
        if edit is not None:
            incremental.edit_tree(tree, edit)
        tree = checker.parse(PYTHON, new, tree)
        assert str(tree.root_node) == str(checker.parse(PYTHON, new).root_node)
        old = new


def test_diff_finds_the_single_changed_span() -> None:
    edit = incremental.diff(b"abc\ndef\n", b"abc\ndXYf\n")
    assert edit is not None
    assert (edit.start_byte, edit.old_end_byte, edit.new_end_byte) == (5, 6, 7)
    assert (edit.start_point, edit.old_end_point, edit.new_end_point) == ((1, 1), (1, 2), (1, 3))
    assert incremental.diff(b"same", b"same") is None


def test_apply_edits_in_any_order_and_refuses_overlaps() -> None:
    source = b"one two three\n"
    edits = [Edit(Point(0, 8), Point(0, 13), "3"), Edit(Point(0, 0), Point(0, 3), "1")]
    assert apply_edits(source, edits) == b"1 two 3\n"
    with pytest.raises(ValueError):
        apply_edits(
            source, [Edit(Point(0, 0), Point(0, 5), ""), Edit(Point(0, 3), Point(0, 6), "")]
        )


def test_language_detection() -> None:
    assert languages.for_path("a/b.TSX").name == "tsx"  # type: ignore[union-attr]
    assert languages.for_document("typescript", "/x/view.tsx").name == "tsx"  # type: ignore[union-attr]
    assert languages.for_document("plaintext", "/x/notes.txt") is None
    assert languages.for_document(None, "/x/main.go").name == "go"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("path", "is_test"),
    [
        ("tests/test_orders.py", True),
        ("app/test_orders.py", True),
        ("app/orders_test.py", True),
        ("conftest.py", True),
        ("pkg/store_test.go", True),
        ("web/cart.spec.ts", True),
        ("web/cart.test.jsx", True),
        ("web/__tests__/cart.js", True),
        ("src/test/java/com/acme/OrderRepositoryTest.java", True),
        ("app/orders.py", False),
        ("pkg/store.go", False),
        ("src/main/java/com/acme/Testimony.java", False),
        ("web/latest.ts", False),
    ],
)
def test_test_files_are_recognized_by_name_and_folder(path: str, is_test: bool) -> None:
    from forge_lsp.rules.base import is_test_path

    assert is_test_path(path) is is_test


def test_test_files_skip_name_based_credentials_but_not_real_key_formats() -> None:
    source = (
        b'form = {"password": "anewpassword"}\n'
        b'token = "ghp_9Zq2Lk7Vb4Nw1Xe8Rt5Yu3Io6Pa0Sd2Fg7Hj"\n'  # forge: ignore[FG202] (fake)
        b'cursor.execute(f"SELECT * FROM {table}")\n'
    )

    def found(path: str) -> list[str]:
        result = checker.check(source, PYTHON, checker.RuleSelection(), path=path)
        return [f.code for f in result.findings]

    assert found("app/forms.py") == ["FG201", "FG202", "FG101"]
    assert found("tests/test_forms.py") == ["FG202"]
    options = {"FG201": {"ignoreInTests": False}, "FG101": {"includeTests": True}}
    selection = checker.RuleSelection(options=options)
    result = checker.check(source, PYTHON, selection, path="tests/test_forms.py")
    assert [f.code for f in result.findings] == ["FG201", "FG202", "FG101"]


@pytest.mark.parametrize("name", sorted(languages.LANGUAGES))
def test_every_language_grammar_loads_and_parses(name: str) -> None:
    spec = languages.LANGUAGES[name]
    tree = checker.parse(spec, b"// x\n")
    assert tree.root_node.type in {"module", "program", "source_file"}
    assert languages.for_path(f"src/main{spec.extensions[0]}") is spec
