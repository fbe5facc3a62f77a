"""What a rule is, and the context it checks a parsed file in.

A rule is one module under `forge_lsp.rules` holding its documentation, its metadata and its
check. Checks match with tree-sitter queries (compiled once per grammar, run in C) and keep the
Python they run per match small.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

import tree_sitter

from forge_lsp.core.languages import LANGUAGES, LanguageSpec
from forge_lsp.core.model import Confidence, Edit, Finding, Fix, Point, Severity
from forge_lsp.dataflow.flow import FileFlow
from forge_lsp.rules.query_batch import Match, QueryBatch
from forge_lsp.rules.query_batch import compile_query as compile_query  # for scoped queries

DOC_SECTIONS = (
    "What it does",
    "Why it matters in production",
    "Example",
    "Use instead",
    "How to test it",
    "References",
)


@dataclass(frozen=True, slots=True)
class RuleOption:
    """A per-rule option users may set under ``[tool.forge.rules.CODE]``."""

    name: str
    # bool, str or list (of str). A numeric kind would first need a range and its check in
    # `config.validate_rule_options`, as numeric settings have (`config.NUMBERS`).
    kind: type
    default: Any
    description: str


T = TypeVar("T")


@dataclass(slots=True)
class CheckContext:
    """One parsed file, as a rule sees it.

    When `byte_range` is set, only that part of the file is being re-checked (after an edit
    inside it): queries return matches intersecting it, and findings outside it are dropped.
    The whole tree stays available for looking around a match.
    """

    source: bytes
    tree: tree_sitter.Tree
    language: LanguageSpec
    options: dict[str, Any] = field(default_factory=dict)
    byte_range: tuple[int, int] | None = None
    shared: dict[str, Any] = field(default_factory=dict)
    path: str | None = None  # the file's path, when it has one
    queries: QueryBatch | None = None  # the check's shared query pass over `byte_range`
    file_queries: QueryBatch | None = None  # its shared pass over the whole file

    @property
    def in_test_file(self) -> bool:
        """Whether the file is a test by its name or folder (`tests/`, `*_test.go`, ...)."""
        return self.path is not None and is_test_path(self.path)

    @property
    def root(self) -> tree_sitter.Node:
        return self.tree.root_node

    def matches(self, query_source: str) -> list[Match]:
        """The matches of a tree-sitter query over the file (or range).

        Every rule's whole-file queries share one pass over the tree (`query_batch`); do not
        mutate the returned list, another rule may be handed the same one.
        """
        if self.byte_range is None:
            return self.file_matches(query_source)
        if self.queries is None:
            self.queries = QueryBatch(self.language, self.root, self.byte_range, plan="default")
        return self.queries.matches(query_source)

    @property
    def span(self) -> tuple[int, int]:
        """The bytes this check reports in: the re-checked range, or the whole file. A rule
        scanning the text itself (a regex over `source`) scans this, not the whole file."""
        return self.byte_range if self.byte_range is not None else (0, len(self.source))

    def file_matches(self, query_source: str) -> list[Match]:
        """The matches of a query over the whole file, even in a re-check of one range (for
        imports, module-level bindings, counts). Shares the check's whole-file pass."""
        if self.file_queries is None:
            self.file_queries = QueryBatch(self.language, self.root, None, plan="default:file")
        return self.file_queries.matches(query_source)

    def memo(self, key: str, compute: Callable[[], T]) -> T:
        """A value computed once per check and shared by every rule (e.g. a file's bindings)."""
        if key not in self.shared:
            self.shared[key] = compute()
        return self.shared[key]

    def text(self, node: tree_sitter.Node) -> str:
        return self.source[node.start_byte : node.end_byte].decode("utf-8", "replace")

    @property
    def flow(self) -> FileFlow:
        """Where the file's values come from (`forge_lsp.dataflow`): built lazily, function by
        function, and shared by every rule of the check."""
        # In a re-check of one function the file's function index comes from the whole-file
        # query pass, carried across edits; a full check walks the tree (holding every call's
        # match for the whole file would cost more memory than the walk costs time there).
        partial = self.queries is not None and self.queries is not self.file_queries
        return self.memo(
            "dataflow",
            lambda: FileFlow(
                self.language.name,
                self.root,
                self.source,
                self.file_matches if partial else None,
                self.language.grammar,
            ),
        )


class Rule:
    """Base of every rule. Subclasses set the class attributes and implement `check`."""

    code: ClassVar[str]
    name: ClassVar[str]
    summary: ClassVar[str]  # one line: what the rule finds
    severity: ClassVar[Severity]
    cwe: ClassVar[int | None]
    languages: ClassVar[frozenset[str]]
    doc: ClassVar[str]  # Markdown with the DOC_SECTIONS as `## ` headings
    fixable: ClassVar[bool] = False
    options: ClassVar[tuple[RuleOption, ...]] = ()
    # A rule whose findings depend on the whole file (is there a shutdown handler anywhere?)
    # rather than on the function around each match: it re-runs over the whole file even when
    # an edit re-checks only one function.
    file_scoped: ClassVar[bool] = False

    def check(self, ctx: CheckContext) -> Iterable[Finding]:
        raise NotImplementedError

    def finding(
        self,
        node: tree_sitter.Node,
        message: str,
        *,
        end_node: tree_sitter.Node | None = None,
        fix: Fix | None = None,
        severity: Severity | None = None,
        confidence: Confidence = Confidence.HIGH,
    ) -> Finding:
        """A finding spanning `node` (or from `node` to `end_node`) with this rule's metadata
        (`severity` overrides the rule's own, for findings whose weight depends on the flow)."""
        last = end_node or node
        return Finding(
            code=self.code,
            message=message,
            severity=self.severity if severity is None else severity,
            start=point(node.start_point),
            end=point(last.end_point),
            fix=fix,
            confidence=confidence,
        )

    def markdown(self) -> str:
        """The full rule doc as Markdown, with a title line."""
        cwe = f" · CWE-{self.cwe}" if self.cwe else ""
        header = f"# {self.code} {self.name}\n\n*{self.severity.label}{cwe}* · {self.summary}\n\n"
        return header + self.doc.strip() + "\n"


def lines_below(later: tree_sitter.Node, earlier: tree_sitter.Node) -> str:
    """Where `later` is, relative to `earlier` ("on the same line", "3 lines below").

    Messages say this rather than an absolute line number, which an edit above would make
    wrong while the finding itself carries over unchanged.
    """
    distance = later.start_point[0] - earlier.start_point[0]
    if distance == 0:
        return "on the same line"
    if distance == 1:
        return "on the next line"
    return f"{distance} lines below"


def line_from(line: int, node: tree_sitter.Node) -> str:
    """Where the zero-based `line` is, seen from `node` ("on the same line", "2 lines above").

    For messages that name where a value came from: relative, like `lines_below`, so a finding
    carried over an edit above it stays true.
    """
    distance = node.start_point[0] - line
    if distance == 0:
        return "on the same line"
    if distance == 1:
        return "on the line above"
    if distance == -1:
        return "on the line below"
    return f"{distance} lines above" if distance > 0 else f"{-distance} lines below"


def point(ts_point: tree_sitter.Point | tuple[int, int]) -> Point:
    return Point(ts_point[0], ts_point[1])


def replace_node(node: tree_sitter.Node, new_text: str) -> Edit:
    return Edit(point(node.start_point), point(node.end_point), new_text)


def has_error(node: tree_sitter.Node) -> bool:
    """True when the node contains a syntax error: rules skip half-typed code there."""
    return node.has_error or node.is_missing


def ancestors(node: tree_sitter.Node) -> Iterator[tree_sitter.Node]:
    parent = node.parent
    while parent is not None:
        yield parent
        parent = parent.parent


# Each language's test conventions (forge_lsp/core/languages.py), applied to every file.
_TEST_FOLDERS = frozenset(folder for spec in LANGUAGES.values() for folder in spec.test_folders)
_TEST_FILE = re.compile(
    "|".join(
        dict.fromkeys(
            f"(?:{pattern})" for spec in LANGUAGES.values() for pattern in spec.test_files
        )
    )
)


def is_test_path(path: str) -> bool:
    """Whether a path names test code: a test folder (`tests/`, `src/test/`, `__tests__/`) or
    a test file by each language's convention."""
    parts = path.replace("\\", "/").split("/")
    return _TEST_FILE.search(parts[-1]) is not None or any(p in _TEST_FOLDERS for p in parts[:-1])


_SECTION_RE = re.compile(r"^## (.+?)\s*$", re.MULTILINE)


def doc_sections(doc: str) -> list[str]:
    """The `## ` section titles of a rule doc, in order."""
    return _SECTION_RE.findall(doc)
