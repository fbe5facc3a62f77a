"""Where the non-constant parts of a built SQL string come from, and what that makes a finding.

The evaluator says which expressions are holes in the SQL text; the dataflow layer says what
each is made of (`forge_lsp.dataflow.facts`). A hole's *position* matters too: a value (after
`=`, inside quotes, in `VALUES (...)`) can always be a bound parameter, while an identifier (a
table after `FROM`, anything in DDL or a `PRAGMA`) cannot, so it must be quoted or picked from
an allow-list instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from forge_lsp.core.model import Confidence, Severity
from forge_lsp.dataflow.facts import Fact, Origin, Value
from forge_lsp.rules.families.sql.evaluator import HOLE

# Statements that take no bound parameters anywhere: every hole in them is an identifier.
_NO_PARAMETERS = re.compile(
    r"""(?isx)^[\s(]*(?:
      create|drop|alter|truncate|grant|revoke|pragma|vacuum|analyze|use|describe|desc
      |show|comment\s+on|rename|attach|detach|savepoint|release|lock|reindex|refresh
      |set\s+(?:search_path|session|role|schema|names)
    )\b"""
)
# The text just before a hole that puts it where a value goes.
_VALUE_BEFORE = re.compile(
    r"""(?isx)(?:
      '|=|<|>|\blike|\bilike|\bin\s*\(|\bvalues\s*\(|\bbetween|\blimit|\boffset
      |\bthen|\belse|\bwhen|\bis|,|\(|\+|-|\*|/
    )\s*$"""
)

QUOTING = {
    "python": "the driver's identifier quoting (`psycopg.sql.Identifier`, SQLAlchemy's "
    "`quoted_name`)",
    "go": "`pq.QuoteIdentifier` or `pgx.Identifier{...}.Sanitize()`",
    "javascript": "`escapeId` (mysql) or `pg-format`'s `%I`",
    "java": "`Statement.enquoteIdentifier`",
    "kotlin": "`Statement.enquoteIdentifier`",
    "rust": "a quoting function of the driver",
}
QUOTING["typescript"] = QUOTING["tsx"] = QUOTING["javascript"]


@dataclass(frozen=True, slots=True)
class Verdict:
    """What a built SQL string deserves: no finding (None severity) or one of this weight."""

    severity: Severity | None
    confidence: Confidence = Confidence.LOW
    source: Fact | None = None  # the untrusted source, or the parameter, named in the message
    identifier: bool = False  # the decisive hole is an identifier position


NO_FINDING = Verdict(None)


def positions(text: str, holes: int) -> list[bool]:
    """For each hole, whether it sits where only an identifier can go. When the text's holes
    cannot be paired with the expressions (a merge of several assignments), every hole counts
    as a value, unless the whole statement takes no parameters."""
    no_parameters = _NO_PARAMETERS.search(text) is not None
    segments = text.split(HOLE)
    if len(segments) - 1 != holes:
        return [no_parameters] * holes
    out: list[bool] = []
    quotes = 0
    for before in segments[:-1]:
        # An odd number of single quotes before a hole puts it inside a string literal
        # (`LIKE '%<hole>%'`): a value, whatever precedes it within the quotes.
        quotes += before.count("'")
        value = quotes % 2 == 1 or _VALUE_BEFORE.search(before) is not None
        out.append(no_parameters or not value)
    return out


def judge(values: list[Value], identifiers: list[bool]) -> Verdict:
    """The verdict for a built string whose holes have these values and positions.

    Untrusted input anywhere: an error, high confidence. A parameter of the function where a
    value goes: a warning, medium (the function may be called with anything, and a placeholder
    is always possible). Anything else not constant: information, low confidence (an
    identifier from a parameter is the function's contract; a field or a library call's result
    is not known to be input). Every hole constant or sanitized: no finding.
    """
    untrusted: list[tuple[Fact, bool]] = []
    parameter: list[Fact] = []
    unknown = False
    for value, identifier in zip(values, identifiers, strict=False):
        for fact in value:
            if fact.origin is Origin.UNTRUSTED:
                untrusted.append((fact, identifier))
            elif fact.origin is Origin.PARAMETER:
                if identifier:
                    unknown = True
                else:
                    parameter.append(fact)
            elif fact.origin is Origin.UNKNOWN:
                unknown = True
    if untrusted:
        fact, identifier = min(untrusted, key=lambda pair: (pair[0].line, pair[0].detail))
        return Verdict(Severity.ERROR, Confidence.HIGH, fact, identifier)
    if parameter:
        fact = min(parameter, key=lambda f: f.detail)
        return Verdict(Severity.WARNING, Confidence.MEDIUM, fact)
    if unknown:
        return Verdict(Severity.INFO, Confidence.LOW, None, all(identifiers) and bool(identifiers))
    return NO_FINDING
