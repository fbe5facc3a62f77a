"""Every rule has docs and fixtures, and every fixture file yields exactly the findings it marks.

Fixture layout: ``tests/fixtures/rules/<CODE>/<language>/`` holds

- ``positive.<ext>``: each line that must produce a finding ends with a comment
  ``expect: CODE`` (several codes separated by commas); the finding must *start* on that line.
  ``expect: CODE(error)`` (or ``warning``, ``info``) also asserts the finding's severity;
  a plain ``expect: CODE`` accepts any severity.
- ``negative.<ext>``: the safe forms; no ``expect:`` markers, so no finding of any rule (info
  included).
- other files whose stem ends with ``_positive`` / ``_negative`` (``flows_positive.py``,
  ``flows_negative.py``: the dataflow shapes of a rule) are read the same way.
- for fixable rules, ``fix_input.<ext>`` and ``fix_output.<ext>``: applying every fix of the
  rule to the input gives the output, and the output has no finding of that rule.

Every file is checked with *all* rules, so a fixture also proves other rules stay quiet on it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from forge_lsp.core import languages
from forge_lsp.engine import checker
from forge_lsp.engine.fixes import apply_edits
from forge_lsp.rules import registry
from forge_lsp.rules.base import DOC_SECTIONS, doc_sections

FIXTURES = Path(__file__).parent.parent / "fixtures" / "rules"
EXPECT = re.compile(r"expect:\s*((?:[A-Z]+[0-9]+(?:\((?:error|warning|info)\))?[, ]*)+)")
MARKER = re.compile(r"([A-Z]+[0-9]+)(?:\((error|warning|info)\))?")
ALL_RULES = checker.RuleSelection()


def fixture_files() -> list[Path]:
    """Positive and negative fixtures (fix fixtures are checked by `test_fix_fixtures`)."""
    return sorted(
        p
        for p in FIXTURES.rglob("*")
        if p.is_file() and languages.for_path(p) and not p.stem.startswith("fix_")
    )


def expected_severities(source: str) -> dict[tuple[int, str], str | None]:
    """(line, code) -> the severity its marker asks for, or None for "any severity"."""
    markers: dict[tuple[int, str], str | None] = {}
    for line_number, line in enumerate(source.splitlines()):
        for match in EXPECT.finditer(line):
            for code, severity in MARKER.findall(match.group(1)):
                markers[(line_number, code)] = severity or None
    return markers


def expected_markers(source: str) -> set[tuple[int, str]]:
    return set(expected_severities(source))


def is_negative(path: Path) -> bool:
    return path.stem == "negative" or path.stem.endswith("_negative")


def check_file(path: Path) -> checker.CheckResult:
    spec = languages.for_path(path)
    assert spec is not None
    return checker.check(path.read_bytes(), spec, ALL_RULES)


@pytest.mark.parametrize("path", fixture_files(), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_fixture_findings_match_markers(path: Path) -> None:
    result = check_file(path)
    found = {(f.start.line, f.code) for f in result.findings}
    severities = expected_severities(path.read_text(encoding="utf-8"))
    expected = set(severities)
    if is_negative(path):
        assert not expected, "negative fixtures carry no expect markers"
    describe = {
        (f.start.line, f.code): f"{f.start.line + 1}: {f.code}({f.severity.name.lower()}) "
        f"{f.message}"
        for f in result.findings
    }
    unexpected = sorted(describe[key] for key in found - expected)
    missing = sorted(f"{line + 1}: {code}" for line, code in expected - found)
    # Every finding on a marked line must have the marked severity (when one is marked).
    wrong = sorted(
        f"{describe[(f.start.line, f.code)]} (expected {wanted})"
        for f in result.findings
        if (wanted := severities.get((f.start.line, f.code))) and f.severity.name.lower() != wanted
    )
    assert not unexpected and not missing and not wrong, (
        f"unexpected={unexpected} missing={missing} wrong_severity={wrong}"
    )


def test_markers_read_codes_and_severities() -> None:
    source = "x()  # expect: FG101(error), FG705\ny()  // expect: FG101(info)\nz()  # expect: FG1\n"
    assert expected_severities(source) == {
        (0, "FG101"): "error",
        (0, "FG705"): None,
        (1, "FG101"): "info",
        (2, "FG1"): None,
    }


@pytest.mark.parametrize("rule", registry.all_rules(), ids=lambda r: r.code)
def test_rule_has_doc_sections_in_order(rule) -> None:
    assert doc_sections(rule.doc) == list(DOC_SECTIONS)
    assert rule.name and rule.summary and rule.languages
    assert re.fullmatch(r"FG\d{3}", rule.code)
    assert re.fullmatch(r"[a-z]+(-[a-z]+)+", rule.name), "names are kebab-case phrases"


@pytest.mark.parametrize("rule", registry.all_rules(), ids=lambda r: r.code)
def test_rule_has_fixtures_for_every_language(rule) -> None:
    for language in sorted(rule.languages):
        spec = languages.LANGUAGES[language]
        folder = FIXTURES / rule.code / language
        ext = spec.extensions[0]
        positive = folder / f"positive{ext}"
        assert positive.is_file(), f"missing {positive}"
        assert (folder / f"negative{ext}").is_file(), f"missing negative fixture in {folder}"
        codes = {code for _, code in expected_markers(positive.read_text(encoding="utf-8"))}
        assert rule.code in codes, f"{positive} marks no {rule.code} finding"
    if rule.fixable:  # a fix may exist for some languages only (yaml.load -> yaml.safe_load)
        assert any((FIXTURES / rule.code).rglob("fix_input.*")), (
            f"fixable rule {rule.code} has no fix_input fixture"
        )


def fix_inputs() -> list[Path]:
    return sorted(FIXTURES.rglob("fix_input.*"))


@pytest.mark.parametrize("path", fix_inputs(), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_fix_fixtures(path: Path) -> None:
    code = path.parent.parent.name
    result = check_file(path)
    fixes = [f.fix for f in result.findings if f.code == code and f.fix is not None]
    assert fixes, f"{path} yields no {code} fix"
    fixed = apply_edits(path.read_bytes(), [edit for fix in fixes for edit in fix.edits])
    expected = path.with_name(path.name.replace("fix_input", "fix_output")).read_bytes()
    assert fixed.decode() == expected.decode()
    spec = languages.for_path(path)
    assert spec is not None
    after = checker.check(fixed, spec, ALL_RULES)
    assert not [f for f in after.findings if f.code == code]
    assert not after.tree.root_node.has_error, "a fix must not introduce syntax errors"
