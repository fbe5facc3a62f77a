"""Review selection: the schema Claude answers in, and its answer turned into findings.

Claude reports a review as data in one strict schema, `REVIEW_SCHEMA`: through structured
outputs (`OUTPUT_FORMAT`, a JSON text) on the models that refuse forced tool use, and as the
input of one forced tool call, ``report_findings`` (`REVIEW_TOOL`), on the legacy models that
take it (`forge_lsp.ai.request_shape` picks). What comes back is still untrusted data (a
schema is a request, not a guarantee, and the reviewed code may try to talk the model into
anything), so
`parse_answer` re-validates every field and never raises, and `review_findings` places each
finding by its quote inside the selection (`forge_lsp.ai.anchoring`), filters it, and offers
its replacement as a fix only once `forge_lsp.ai.verify_fix` has checked it on a copy.

Codes: every Claude finding carries a stable code per category, ``FGC`` ("Forge, Claude")
plus the hundreds of the rule family it sits beside, so the codes sort next to the rule codes,
can be silenced like them (``# forge: ignore[FGC100]``; the suppression syntax takes letters
and digits only) and never collide with a rule code (rules are ``FG`` and a digit):

=====================  ======  =====================  ======
category               code    category               code
=====================  ======  =====================  ======
sql-injection          FGC100  retries-idempotency    FGC710
credentials            FGC200  concurrency            FGC900
error-handling         FGC300  resource-leak          FGC910
timeouts               FGC400  performance            FGC920
security               FGC500  correctness            FGC930
observability          FGC600  maintainability        FGC940
shutdown               FGC700  testing                FGC950
=====================  ======  =====================  ======

A published finding's ``data`` holds plain JSON: ``category``, ``confidence``, ``title``,
``explanation`` (Markdown in Forge's voice; a replacement that was not verified is appended
there, with the reason), ``replacement`` (the model's text, or None; informational only: the
one edit Forge ever offers is the finding's ``fix``), and ``fix`` (``"verified"``,
``"rejected"`` or ``"none"``) with ``fix_rejected`` (the reason, or None). A replacement equal
to the quoted code (whitespace around it and CRLF line ends aside) proposes nothing and counts
as none: ``replacement`` None, ``fix`` ``"none"``, no suggestion in the explanation.
"""

from __future__ import annotations

import contextlib
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from forge_lsp.ai import anchoring, verify_fix
from forge_lsp.core.languages import LanguageSpec
from forge_lsp.core.model import CLAUDE_SOURCE, Finding, Point, Severity
from forge_lsp.engine.checker import RuleSelection

SOURCE = CLAUDE_SOURCE
TOOL_NAME = "report_findings"

CATEGORY_CODES: dict[str, str] = {
    "sql-injection": "FGC100",
    "credentials": "FGC200",
    "error-handling": "FGC300",
    "timeouts": "FGC400",
    "shutdown": "FGC700",
    "retries-idempotency": "FGC710",
    "concurrency": "FGC900",
    "resource-leak": "FGC910",
    "security": "FGC500",
    "performance": "FGC920",
    "observability": "FGC600",
    "correctness": "FGC930",
    "maintainability": "FGC940",
    "testing": "FGC950",
}
CATEGORIES: tuple[str, ...] = tuple(CATEGORY_CODES)
SEVERITIES: tuple[str, ...] = ("error", "warning", "info", "hint")

# Caps on untrusted output: a runaway answer must not become a runaway editor.
MAX_FINDINGS = 50
MAX_QUOTE_CHARS = 4_000
MAX_TITLE_CHARS = 200
MAX_EXPLANATION_CHARS = 8_000
MAX_REPLACEMENT_CHARS = 8_000

# The answer's schema, as strict as structured outputs and strict tools allow: every object
# closed (`additionalProperties: false`), every field required, categories and severities
# enumerated. Numeric bounds are not accepted there, so the confidence's range is in its
# description and `parse_answer` enforces it.
REVIEW_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["findings"],
    "properties": {
        "findings": {
            "type": "array",
            "description": "The findings, most important first.",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": [
                    "category",
                    "severity",
                    "confidence",
                    "quote",
                    "title",
                    "explanation",
                    "replacement",
                ],
                "properties": {
                    "category": {"type": "string", "enum": list(CATEGORIES)},
                    "severity": {"type": "string", "enum": list(SEVERITIES)},
                    "confidence": {
                        "type": "number",
                        "description": (
                            "From 0 to 1: how sure you are that this is a real problem."
                        ),
                    },
                    "quote": {
                        "type": "string",
                        "description": (
                            "The exact code the finding is about, copied from the "
                            "selection: one or more whole lines or a contiguous part."
                        ),
                    },
                    "title": {
                        "type": "string",
                        "description": "One line: the verdict, as a diagnostic message.",
                    },
                    "explanation": {
                        "type": "string",
                        "description": (
                            "Markdown in Forge's voice: the failure mode in production, "
                            "the fix, and how to test it."
                        ),
                    },
                    "replacement": {
                        "anyOf": [{"type": "string"}, {"type": "null"}],
                        "description": (
                            "Code that replaces exactly the quoted code, or null when "
                            "the fix is not a local edit."
                        ),
                    },
                },
            },
        }
    },
}
REVIEW_INSTRUCTION = (
    "Report every finding of your review of the selected code, and nothing else. "
    "Each finding quotes the exact code it is about, copied character for character "
    "from the selection (one or more whole lines, or a contiguous part of one), so "
    "that Forge can place it. Report an empty list when the code has no issue worth "
    "a reviewer's comment."
)
# For models that take a forced tool call (the legacy ones): the schema as a strict tool.
REVIEW_TOOL: dict[str, Any] = {
    "name": TOOL_NAME,
    "description": REVIEW_INSTRUCTION,
    "input_schema": REVIEW_SCHEMA,
    "strict": True,
}
TOOL_CHOICE: dict[str, str] = {"type": "tool", "name": TOOL_NAME}
# For models that refuse forced tool use (the current ones): the same schema as structured
# outputs (`output_config.format`); the answer is a JSON text.
OUTPUT_FORMAT: dict[str, Any] = {"type": "json_schema", "schema": REVIEW_SCHEMA}


@dataclass(frozen=True, slots=True)
class ProposedFinding:
    """One finding as Claude reported it, validated but not yet placed in the document."""

    category: str
    severity: Severity
    confidence: float
    quote: str
    title: str
    explanation: str
    replacement: str | None = None

    @property
    def code(self) -> str:
        return CATEGORY_CODES[self.category]


@dataclass(frozen=True)
class ReviewOutcome:
    """The placed findings of one review, in document order, and what was dropped and why."""

    findings: list[Finding]
    dropped_unplaceable: int = 0
    dropped_low_confidence: int = 0
    dropped_over_limit: int = 0
    fixes_rejected: dict[int, str] = field(default_factory=dict)  # index in findings -> reason

    @property
    def dropped(self) -> int:
        return self.dropped_unplaceable + self.dropped_low_confidence + self.dropped_over_limit

    def summary(self, lines: int) -> str:
        """The sentence every review ends with, so that no review ends in silence."""
        count = len(self.findings)
        span = f"{lines} line{'' if lines == 1 else 's'}"
        if count:
            head = f"Forge found {count} issue{'' if count == 1 else 's'} in {span}."
        elif self.dropped:
            head = f"Forge placed no findings in {span}."
        else:
            head = f"No issues in {span}."
        notes = [
            f"{number} {what}"
            for number, what in (
                (self.dropped_unplaceable, "whose quoted code is not in the selection"),
                (self.dropped_low_confidence, "below the confidence threshold"),
                (self.dropped_over_limit, "over the maximum number of findings"),
            )
            if number
        ]
        if not notes:
            return head
        more = "finding" if self.dropped == 1 else "findings"
        return f"{head} Claude reported {self.dropped} more {more}, not shown: {'; '.join(notes)}."


def lines_in(text: str, selection: tuple[int, int]) -> int:
    """How many lines a selection of ``str`` offsets touches (a final newline ends a line)."""
    start, end = sorted(max(0, min(x, len(text))) for x in selection)
    if start == end:
        return 0
    return text.count("\n", start, end - 1) + 1


def parse_answer(data: object) -> tuple[list[ProposedFinding], list[str]]:
    """The valid findings of a review's answer (the structured output, or the input of a
    ``report_findings`` call) and a sentence per problem found.

    Never raises: anything malformed is skipped and described, so one bad finding costs only
    itself. A JSON string is accepted too (structured outputs arrive as text).
    """
    problems: list[str] = []
    if isinstance(data, (str, bytes)):
        try:
            data = json.loads(data)
        except ValueError:
            return [], ["the tool input is not valid JSON"]
    if not isinstance(data, Mapping):
        return [], [f"the tool input is a {type(data).__name__}, not an object"]
    raw = data.get("findings")
    if not isinstance(raw, list):
        return [], ["the tool input has no list of findings"]
    extra = sorted(str(key) for key in data if key != "findings")
    if extra:
        problems.append(f"ignored unknown fields: {', '.join(extra)[:200]}")
    if len(raw) > MAX_FINDINGS:
        problems.append(f"{len(raw) - MAX_FINDINGS} findings beyond the first {MAX_FINDINGS}")
        raw = raw[:MAX_FINDINGS]
    findings: list[ProposedFinding] = []
    for index, item in enumerate(raw):
        finding, finding_problems = _parse_finding(item)
        problems.extend(f"finding {index + 1}: {problem}" for problem in finding_problems)
        if finding is not None:
            findings.append(finding)
    return findings, problems


def _parse_finding(item: object) -> tuple[ProposedFinding | None, list[str]]:
    if not isinstance(item, Mapping):
        return None, [f"a {type(item).__name__}, not an object"]
    problems: list[str] = []
    category = item.get("category")
    if not isinstance(category, str) or category.strip().lower() not in CATEGORY_CODES:
        problems.append(f"unknown category {_show(category)}")
    severity: Severity | None = None
    raw_severity = item.get("severity")
    if isinstance(raw_severity, str):
        with contextlib.suppress(ValueError):
            severity = Severity.parse(raw_severity)
    if severity is None:
        problems.append(f"unknown severity {_show(raw_severity)}")
    confidence = item.get("confidence")
    if (
        isinstance(confidence, bool)
        or not isinstance(confidence, (int, float))
        or not math.isfinite(confidence)
        or not 0 <= confidence <= 1
    ):
        problems.append(f"confidence {_show(confidence)} is not a number from 0 to 1")
    quote = item.get("quote")
    if not isinstance(quote, str) or not quote.strip():
        problems.append("no quoted code")
    elif len(quote) > MAX_QUOTE_CHARS:
        # A cut quote would place the finding on part of the code: drop it instead.
        problems.append(f"the quote is longer than {MAX_QUOTE_CHARS} characters")
    title = item.get("title")
    if not isinstance(title, str) or not title.strip():
        problems.append("no title")
    explanation = item.get("explanation", "")
    if not isinstance(explanation, str):
        problems.append("the explanation is not text")
    replacement = item.get("replacement")
    if replacement is not None and not isinstance(replacement, str):
        problems.append("the replacement is neither text nor null")
    if problems:
        return None, problems
    assert isinstance(category, str) and isinstance(title, str) and isinstance(quote, str)
    assert isinstance(explanation, str) and severity is not None
    assert isinstance(confidence, (int, float)) and not isinstance(confidence, bool)
    if replacement is not None and len(replacement) > MAX_REPLACEMENT_CHARS:
        problems.append(f"the replacement is longer than {MAX_REPLACEMENT_CHARS} characters")
        replacement = None  # cut code is wrong code: keep the finding, drop the fix
    return ProposedFinding(
        category=category.strip().lower(),
        severity=severity,
        confidence=float(confidence),
        quote=quote,
        title=_cap(" ".join(title.split()), MAX_TITLE_CHARS),
        explanation=_cap(explanation.strip(), MAX_EXPLANATION_CHARS),
        replacement=replacement,
    ), problems


def _cap(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _show(value: object) -> str:
    """A short, safe rendering of a rejected value for a problem sentence."""
    return _cap(repr(value), 60)


def review_findings(
    proposed: Iterable[ProposedFinding],
    document_text: str,
    selection: tuple[int, int],
    min_confidence: float,
    max_findings: int,
    *,
    spec: LanguageSpec | None = None,
    selection_ok: bool = True,
    rules: RuleSelection | None = None,
) -> ReviewOutcome:
    """Place, filter and (with `spec`) verify the fixes of a review's findings.

    `selection` is the reviewed range as ``str`` offsets of `document_text` (see
    `anchoring.selection_offsets` to get them from Points). Findings below `min_confidence`
    are dropped first, then findings whose quote is not in the selection; of the rest, the
    `max_findings` most severe (then most confident) are kept, in document order.

    A replacement is checked by `verify_fix.verify_replacement` against the whole document
    (`selection_ok` as it defines it) after two adjustments: for a quote placed only with
    whitespace ignored it loses its surrounding whitespace (so does the range), and in a CRLF
    document its newlines become CRLF. Without a `spec` (a language Forge cannot parse) no
    replacement becomes a fix.
    """
    confident: list[ProposedFinding] = []
    low = 0
    for finding in proposed:
        if finding.confidence < min_confidence:
            low += 1
        else:
            confident.append(finding)
    placed: list[_Placed] = []
    unplaceable = 0
    for finding in confident:
        match = anchoring.locate(finding.quote, document_text, selection)
        if match is None:
            unplaceable += 1
            continue
        start = anchoring.point_at(document_text, match.start)
        end = anchoring.point_at(document_text, match.end)
        if _unchanged(finding.replacement, finding.quote, document_text[match.start : match.end]):
            # "Replace this code with itself" proposes nothing: no fix, no suggestion to read.
            finding = replace(finding, replacement=None)
        placed.append(_Placed(finding, start, end, match.exact))
    ranked = sorted(placed, key=lambda p: (p.finding.severity, -p.finding.confidence, p.start))
    limit = max(0, max_findings)
    kept = sorted(ranked[:limit], key=lambda p: (p.start, p.end, p.finding.code))

    source = document_text.encode("utf-8", "surrogatepass")
    selection_range = (
        anchoring.point_at(document_text, selection[0]),
        anchoring.point_at(document_text, selection[1]),
    )
    base = None
    if spec is not None and any(p.finding.replacement is not None for p in kept):
        base = verify_fix.baseline(source, spec, rules)
    findings: list[Finding] = []
    rejected: dict[int, str] = {}
    for place in kept:
        verdict = _verify(place, source, spec, selection_range, selection_ok, rules, base)
        if isinstance(verdict, verify_fix.Rejection):
            rejected[len(findings)] = verdict.reason
        findings.append(_to_finding(place.finding, place.start, place.end, verdict, spec))
    return ReviewOutcome(findings, unplaceable, low, len(ranked) - len(kept), rejected)


def _unchanged(replacement: str | None, *code: str) -> bool:
    """Whether a replacement is one of the quoted texts once line endings and the whitespace
    around it are set aside."""
    if replacement is None:
        return False
    normal = replacement.replace("\r\n", "\n").strip()
    return any(normal == text.replace("\r\n", "\n").strip() for text in code)


@dataclass(frozen=True, slots=True)
class _Placed:
    finding: ProposedFinding
    start: Point
    end: Point
    exact: bool


def _verify(
    place: _Placed,
    source: bytes,
    spec: LanguageSpec | None,
    selection_range: tuple[Point, Point],
    selection_ok: bool,
    rules: RuleSelection | None,
    base: verify_fix.Baseline | None,
) -> verify_fix.VerifiedFix | verify_fix.Rejection | None:
    replacement = place.finding.replacement
    if replacement is None:
        return None
    if spec is None:
        return verify_fix.Rejection("Forge cannot check code in this language")
    if not place.exact:
        # The range was trimmed to the code's first and last non-blank characters: so is
        # the replacement, or its (mismatched) surrounding whitespace would pile up.
        replacement = replacement.strip()
    if b"\r\n" in source:
        # Models write \n; a CRLF file keeps CRLF (and a fix never mixes the two).
        replacement = replacement.replace("\r\n", "\n").replace("\n", "\r\n")
    return verify_fix.verify_replacement(
        source,
        spec,
        (place.start, place.end),
        replacement,
        selection_range,
        selection_ok,
        title=f"Forge: {place.finding.title}",
        rules=rules,
        base=base,
    )


def _to_finding(
    finding: ProposedFinding,
    start: Point,
    end: Point,
    verdict: verify_fix.VerifiedFix | verify_fix.Rejection | None,
    spec: LanguageSpec | None,
) -> Finding:
    explanation = finding.explanation
    status = "none"
    reason = None
    if isinstance(verdict, verify_fix.Rejection):
        status, reason = "rejected", verdict.reason
        explanation = _with_unverified_replacement(
            explanation, finding.replacement or "", reason, spec
        )
    elif verdict is not None:
        status = "verified"
    return Finding(
        code=finding.code,
        message=finding.title,
        severity=finding.severity,
        start=start,
        end=end,
        fix=verdict.fix if isinstance(verdict, verify_fix.VerifiedFix) else None,
        source=SOURCE,
        data={
            "category": finding.category,
            "confidence": finding.confidence,
            "title": finding.title,
            "explanation": explanation,
            "replacement": finding.replacement,
            "fix": status,
            "fix_rejected": reason,
        },
    )


def _with_unverified_replacement(
    explanation: str, replacement: str, reason: str, spec: LanguageSpec | None
) -> str:
    language = spec.name if spec is not None else "text"
    # A fence longer than any backtick run inside keeps the model's text from closing it.
    fence = "`" * max(3, _longest_backtick_run(replacement) + 1)
    return (
        f"{explanation}\n\n### Suggested replacement (not offered as a quick fix)\n\n"
        f"Forge did not verify this change: {reason}. Review it before using it.\n\n"
        f"{fence}{language}\n{replacement.rstrip()}\n{fence}\n"
    )


def _longest_backtick_run(text: str) -> int:
    longest = current = 0
    for char in text:
        current = current + 1 if char == "`" else 0
        longest = max(longest, current)
    return longest
