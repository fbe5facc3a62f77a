"""FG302's weighing of a discarded Go error: which types always encode, which imports name a
library call, and the severity a snippet's discard gets."""

from __future__ import annotations

import pytest

from forge_lsp.core import languages
from forge_lsp.core.model import Confidence, Severity
from forge_lsp.engine import checker
from forge_lsp.rules.families.error_results import plain_type


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("map[string]string", True),
        ("map[string][]string", True),
        ("[]map[string]int64", True),
        ("*string", True),
        ("map[string]interface{}", False),
        ("map[string]float64", False),  # NaN does not encode
        ("time.Time", False),  # years past 9999 do not
        ("Order", False),  # a struct: a field or a Marshaler may fail
        ("map[Key]string", False),
    ],
)
def test_plain_types_always_encode(text: str, plain: bool) -> None:
    assert plain_type(text) is plain


def fg302(source: str) -> list[tuple[int, Severity, Confidence]]:
    found = checker.check(source.encode(), languages.LANGUAGES["go"], checker.RuleSelection())
    return [(f.start.line, f.severity, f.confidence) for f in found.findings if f.code == "FG302"]


def test_an_aliased_import_is_resolved_to_its_path() -> None:
    source = """package p

import (
\tgversion "github.com/hashicorp/go-version"
\tother "example.com/version"
)

func F(r string) {
\ta, _ := gversion.NewConstraint(r)
\tb, _ := other.NewConstraint(r)
\t_, _ = a, b
}
"""
    assert fg302(source) == [
        (8, Severity.WARNING, Confidence.MEDIUM),  # a parse of a parameter
        (9, Severity.INFO, Confidence.LOW),  # not the library Forge knows
    ]


def test_a_constant_reaching_through_a_variable_cannot_fail() -> None:
    source = """package p

import "regexp"

func F(name string, pattern string) bool {
\tp := `^[a-z]+$`
\tok, _ := regexp.MatchString(p, name)
\tother, _ := regexp.MatchString(pattern, name)
\treturn ok && other
}
"""
    assert fg302(source) == [(7, Severity.WARNING, Confidence.MEDIUM)]


def test_a_parse_of_an_unexported_functions_parameter_is_information() -> None:
    source = """package p

import "strconv"

func less(a, b string) bool {
\tx, _ := strconv.Atoi(a)
\ty, _ := strconv.Atoi(b)
\treturn x < y
}

func Less(a, b string) bool {
\treturn less(a, b)
}
"""
    assert fg302(source) == [(5, Severity.INFO, Confidence.LOW), (6, Severity.INFO, Confidence.LOW)]
