"""Checks that an answer follows Forge's answer format (the spec's formatting rules).

The checker reads Markdown the way an editor renders it, block by block, so that a ``###`` or a
table inside a fenced or indented code block never counts as structure. What it checks, and the
decisions behind each check:

- **Answer first**: the first block is a paragraph (a prose sentence or a ``**bold**``
  statement), not a heading, list, table, quote, rule or code; and it opens without
  pleasantries ("Great question!").
- **Sections**: headings of level 1 and 2 (``#``, ``##`` and their setext forms with ``===`` and
  ``---`` underlines) are refused; major sections use ``###``, deeper levels are free.
- **Code**: every fenced block names a language; indented code blocks are refused (no language
  id possible); an unclosed fence is reported (usually a cut-off answer).
- **Design proposals** (``design=True``): a heading containing "Failure Modes" or "Operational
  Considerations".
- **Code needs tests**: when the answer contains code (``has_code``; ``None`` detects it from
  fenced blocks in program languages, so a ``text`` or ``json`` block alone does not count),
  either test code in a fenced block or a heading containing "Test" ("Testing", "Testing
  Strategy", "How to test it").
- **Building** (``building=True``): a "Recommended Next Steps" heading, and no heading of the same
  or a higher level after it.
- **Comparison tables**: a table whose header names approaches, options, pros, cons or
  trade-offs must have exactly the columns Approach | Pros | Cons | When to Use. Other tables
  (a list of endpoints, say) are free.

Bold critical terms and the voice are judgement calls and are not checked.

Explanations (the explain task) are two parts separated by a line holding only ``---`` with blank
lines around it: a 2-4 sentence short form for the hover, then the long form.
:func:`split_explanation` cuts them apart and :func:`check_explanation` checks both.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal[
    "paragraph", "heading", "fence", "indented_code", "list", "table", "quote", "html", "rule"
]

_FENCE_OPEN = re.compile(r"^[ \t]*(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_ATX = re.compile(r"^ {0,3}(?P<hashes>#{1,6})(?:[ \t]+(?P<text>.*?))?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(?P<char>=+|-+)[ \t]*$")
_RULE = re.compile(r"^ {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$")
_LIST_ITEM = re.compile(r"^ {0,3}(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|$)")
_QUOTE = re.compile(r"^ {0,3}>")
_HTML = re.compile(r"^ {0,3}<(?:[A-Za-z/!?])")
_TABLE_DELIMITER = re.compile(r"^[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
_SEPARATOR = re.compile(r"^ {0,3}---[ \t]*$")

_PLEASANTRY = re.compile(
    r"^\W*(?:(?:great|good|excellent|interesting) question|(?:sure|certainly|of course)\s*[!,]|"
    r"happy to help|i'?d be (?:happy|glad)|thanks for)",
    re.IGNORECASE,
)

# Fenced blocks in these languages are output, data or prose, not code that needs tests.
_NON_CODE_LANGUAGES = frozenset(
    {
        "text", "txt", "plain", "plaintext", "console", "output", "log", "markdown", "md",
        "json", "jsonc", "yaml", "yml", "toml", "ini", "csv", "mermaid", "http",
    }
)  # fmt: skip

_TEST_CODE = re.compile(
    r"\bfunc\s+(?:\(\w+\s+\*?\w+\)\s+)?(?:Test|Fuzz|Benchmark)\w*\s*\("  # Go
    r"|\bt\.Run\(|\bhttptest\."  # Go
    r"|\b(?:async\s+)?def\s+test_\w*|\bimport\s+pytest\b|@pytest\."  # Python
    r"|@Test\b|@ParameterizedTest\b"  # Java, Kotlin
    r"|#\[(?:tokio::)?test\]|#\[cfg\(test\)\]"  # Rust
    r"|\b(?:describe|it|test)\s*\(\s*['\"`]"  # JavaScript, TypeScript
)

_COMPARISON_WORDS = frozenset(
    {
        "approach", "approaches", "option", "options", "alternative", "alternatives", "pros",
        "cons", "trade-off", "trade-offs", "tradeoff", "tradeoffs", "advantages",
        "disadvantages", "when to use",
    }
)  # fmt: skip
_COMPARISON_COLUMNS = ("approach", "pros", "cons", "when to use")


@dataclass
class Block:
    """One top-level Markdown block; ``line`` is one-based, as editors show it."""

    kind: BlockKind
    line: int
    text: str = ""
    level: int = 0
    language: str = ""
    body: list[str] = field(default_factory=list)
    closed: bool = True
    cells: tuple[str, ...] = ()


def parse_blocks(markdown: str) -> list[Block]:
    """The top-level blocks of ``markdown``, with fenced and indented code kept opaque."""
    return list(_Parser(markdown.splitlines()).blocks())


class _Parser:
    """A line-oriented subset of CommonMark/GFM block parsing, enough for structure checks."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = [line.expandtabs(4) for line in lines]
        self.index = 0

    def blocks(self) -> Iterator[Block]:
        paragraph: Block | None = None  # the paragraph a lazy line or setext underline joins
        in_list = False
        previous_blank = True
        while self.index < len(self.lines):
            line = self.lines[self.index]
            number = self.index + 1
            if not line.strip():
                paragraph = None
                previous_blank = True
                self.index += 1
                continue
            indent = len(line) - len(line.lstrip(" "))
            fence = _FENCE_OPEN.match(line)
            if fence and not (fence["fence"][0] == "`" and "`" in fence["info"]):
                paragraph, previous_blank = None, False
                in_list = in_list and indent >= 2
                yield self._fence(fence["fence"], fence["info"], number)
                continue
            self.index += 1
            if in_list and (indent >= 2 or not previous_blank) and not _starts_block(line):
                previous_blank = False  # a list item's continuation or lazy line
                continue
            if indent >= 4 and paragraph is None and not in_list:
                yield self._indented_code(line, number)
                previous_blank = False
                continue
            in_list = False
            if paragraph is not None and (underline := _SETEXT.match(line)):
                paragraph.kind = "heading"
                paragraph.level = 1 if underline["char"][0] == "=" else 2
                paragraph = None
                continue
            previous_blank = False
            block = self._block(line, number)
            if block.kind == "paragraph" and paragraph is not None:
                continue  # continuation line of the open paragraph
            paragraph = block if block.kind == "paragraph" else None
            in_list = block.kind == "list"
            yield block

    def _block(self, line: str, number: int) -> Block:
        heading = _ATX.match(line)
        if heading:
            text = re.sub(r"[ \t]+#+[ \t]*$", "", heading["text"] or "")
            return Block("heading", number, text.strip(), level=len(heading["hashes"]))
        if _RULE.match(line):
            return Block("rule", number, line.strip())
        if _LIST_ITEM.match(line):
            return Block("list", number, line.strip())
        if _QUOTE.match(line):
            return Block("quote", number, line.strip())
        if _HTML.match(line):
            return Block("html", number, line.strip())
        following = self.lines[self.index] if self.index < len(self.lines) else ""
        if "|" in line and "|" in following and _TABLE_DELIMITER.match(following):
            self.index += 1
            while self.index < len(self.lines) and "|" in self.lines[self.index]:
                self.index += 1
            return Block("table", number, line.strip(), cells=_cells(line))
        return Block("paragraph", number, line.strip())

    def _fence(self, marker: str, info: str, number: int) -> Block:
        closing = re.compile(rf"^[ \t]*{re.escape(marker[0])}{{{len(marker)},}}[ \t]*$")
        self.index += 1
        body: list[str] = []
        while self.index < len(self.lines):
            line = self.lines[self.index]
            self.index += 1
            if closing.match(line):
                return Block("fence", number, info.strip(), language=_language(info), body=body)
            body.append(line)
        return Block(
            "fence", number, info.strip(), language=_language(info), body=body, closed=False
        )

    def _indented_code(self, first: str, number: int) -> Block:
        body = [first]
        while self.index < len(self.lines):
            line = self.lines[self.index]
            if line.strip() and len(line) - len(line.lstrip(" ")) < 4:
                break
            body.append(line)
            self.index += 1
        return Block("indented_code", number, first.strip(), body=body)


def _starts_block(line: str) -> bool:
    """Whether a line at column 0-3 would open a new block even inside a list's lazy text."""
    if len(line) - len(line.lstrip(" ")) >= 4:
        return False
    return bool(_ATX.match(line) or _RULE.match(line) or _QUOTE.match(line))


def _language(info: str) -> str:
    words = info.strip().split()
    return words[0].strip("{}.").lower() if words else ""


def _cells(row: str) -> tuple[str, ...]:
    row = row.strip()
    row = row.removeprefix("|")
    if row.endswith("|") and not row.endswith("\\|"):
        row = row[:-1]
    return tuple(_plain(cell) for cell in re.split(r"(?<!\\)\|", row))


def _plain(text: str) -> str:
    """Lower-case text without Markdown emphasis, code marks or leading emoji."""
    text = re.sub(r"[*_`]", "", text)
    text = re.sub(r"^[^\w]+", "", text.strip())
    return re.sub(r"\s+", " ", text).strip().lower()


def check_answer(
    markdown: str, *, design: bool = False, has_code: bool | None = None, building: bool = False
) -> list[str]:
    """Problems with ``markdown`` as a Forge answer, one sentence each; empty when it conforms.

    ``design``: the answer proposes a significant design. ``has_code``: the answer gives code
    (``None`` detects it). ``building``: the user is building something concrete.
    """
    blocks = parse_blocks(markdown)
    if not blocks:
        return ["The answer is empty."]
    problems: list[str] = []
    problems += _answer_first(blocks[0])
    problems += _headings(blocks)
    problems += _code_blocks(blocks)
    headings = [block for block in blocks if block.kind == "heading"]
    if design and not _has_heading(headings, "failure modes", "operational considerations"):
        problems.append(
            "Design proposal without a 'Failure Modes' or 'Operational Considerations' section."
        )
    if (_contains_code(blocks) if has_code is None else has_code) and not _has_tests(blocks):
        problems.append(
            "Code without test code or a testing strategy: add a test in a fenced block or a "
            "'### Testing' section."
        )
    if building:
        problems += _next_steps(headings)
    problems += _tables(blocks)
    return problems


def _answer_first(first: Block) -> list[str]:
    described = {
        "heading": "a heading",
        "list": "a list",
        "table": "a table",
        "fence": "a code block",
        "indented_code": "a code block",
        "quote": "a block quote",
        "html": "HTML",
        "rule": "a horizontal rule",
    }
    if first.kind != "paragraph":
        return [
            f"Answer first: the answer opens with {described[first.kind]} (line {first.line}); "
            "lead with the answer in a prose sentence or a **bold** statement."
        ]
    if _PLEASANTRY.match(first.text):
        return [
            f"Answer first: the answer opens with a pleasantry ({first.text[:40]!r}); "
            "lead with the answer itself."
        ]
    return []


def _headings(blocks: list[Block]) -> list[str]:
    return [
        f"Heading level: '{'#' * block.level} {block.text}' (line {block.line}) is a level-"
        f"{block.level} heading; major sections use ###."
        for block in blocks
        if block.kind == "heading" and block.level < 3
    ]


def _code_blocks(blocks: list[Block]) -> list[str]:
    problems = []
    for block in blocks:
        if block.kind == "fence" and not block.language:
            problems.append(
                f"Code fence without a language id (line {block.line}); write ```go, ```sql, "
                "```yaml..."
            )
        if block.kind == "fence" and not block.closed:
            problems.append(f"Code fence opened at line {block.line} is never closed.")
        if block.kind == "indented_code":
            problems.append(
                f"Indented code block (line {block.line}); use a fenced block with a language id."
            )
    return problems


def _contains_code(blocks: list[Block]) -> bool:
    return any(
        block.kind == "indented_code"
        or (block.kind == "fence" and block.language not in _NON_CODE_LANGUAGES)
        for block in blocks
    )


def _has_tests(blocks: list[Block]) -> bool:
    for block in blocks:
        if block.kind == "heading" and "test" in _plain(block.text):
            return True
        if block.kind == "fence" and _TEST_CODE.search("\n".join(block.body)):
            return True
    return False


def _has_heading(headings: list[Block], *names: str) -> bool:
    return any(name in _plain(block.text) for block in headings for name in names)


def _next_steps(headings: list[Block]) -> list[str]:
    positions = [
        index
        for index, block in enumerate(headings)
        if "recommended next steps" in _plain(block.text)
    ]
    if not positions:
        return ["Building something concrete but no 'Recommended Next Steps' section at the end."]
    section = headings[positions[-1]]
    later = [block for block in headings[positions[-1] + 1 :] if block.level <= section.level]
    if later:
        return [
            f"'Recommended Next Steps' is not the last section: '{later[0].text}' "
            f"(line {later[0].line}) follows it."
        ]
    return []


def _tables(blocks: list[Block]) -> list[str]:
    problems = []
    for block in blocks:
        if block.kind != "table" or not _COMPARISON_WORDS.intersection(block.cells):
            continue
        if block.cells != _COMPARISON_COLUMNS:
            problems.append(
                f"Comparison table (line {block.line}) has the columns "
                f"{' | '.join(block.cells)}; use Approach | Pros | Cons | When to Use."
            )
    return problems


def split_explanation(markdown: str) -> tuple[str, str]:
    """The short (hover) and long (document) forms of an explanation.

    They are separated by the first line holding only ``---`` outside code. Without one, the
    first paragraph is the short form and the whole answer the long form, so a hover always has
    something to show.
    """
    lines = markdown.splitlines()
    fence: str | None = None
    for index, line in enumerate(lines):
        opened = _FENCE_OPEN.match(line)
        if fence is None and opened:
            fence = opened["fence"]
        elif fence is not None and re.match(
            rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$", line
        ):
            fence = None
        elif fence is None and _SEPARATOR.match(line):
            short = "\n".join(lines[:index]).strip()
            return short, "\n".join(lines[index + 1 :]).strip()
    paragraph: list[str] = []
    for line in lines:
        if line.strip():
            paragraph.append(line.strip())
        elif paragraph:
            break
    return " ".join(paragraph), markdown.strip()


def check_explanation(markdown: str) -> list[str]:
    """Problems with an explain answer: the separator, the short form, then the whole format."""
    problems: list[str] = []
    if not any(_SEPARATOR.match(line) for line in markdown.splitlines()):
        problems.append("Explanation without a '---' line between the short and the long form.")
    short, _long = split_explanation(markdown)
    short_blocks = parse_blocks(short)
    if [block.kind for block in short_blocks] != ["paragraph"]:
        problems.append("Short form: one plain paragraph expected, without headings or code.")
    sentences = len(re.findall(r"[.!?](?=\s|$)", re.sub(r"`[^`]*`", "code", short)))
    if not 2 <= sentences <= 4:
        problems.append(f"Short form: {sentences} sentence(s); the hover needs 2 to 4.")
    return problems + check_answer(markdown)
