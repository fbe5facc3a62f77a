"""The rule engine: parse a file with tree-sitter, run the selected rules, apply suppressions
(Forge's own, and other tools' waivers of the same check).

Pure and thread-safe: the server runs it in a worker thread and the CLI in worker processes.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import re
import signal
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import tree_sitter

from forge_lsp.config.selection import RuleSelection
from forge_lsp.core.languages import LanguageSpec
from forge_lsp.core.model import Finding
from forge_lsp.dataflow.flow import FileFlow
from forge_lsp.engine.suppression import Suppression, find_suppressions
from forge_lsp.engine.waivers import find_waivers
from forge_lsp.rules.base import CheckContext, Rule
from forge_lsp.rules.query_batch import QueryBatch, learned_queries
from forge_lsp.rules.query_reuse import KeptMatch, Reuse

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The findings of one file, and what a server keeps for the next incremental parse."""

    findings: list[Finding]
    tree: tree_sitter.Tree
    suppressions: dict[int, Suppression]
    # True when only the edited function was re-checked and the rest carried over.
    partial: bool = False
    # The whole-file matches a re-check of one function asks for, for the next version's
    # (see `query_reuse`): a server keeps them with the tree.
    file_matches: dict[str, list[KeptMatch]] = field(default_factory=dict)


_local = threading.local()


def _parser(spec: LanguageSpec) -> tree_sitter.Parser:
    # Parsers are not thread-safe: one per thread and language.
    parsers: dict[str, tree_sitter.Parser] = _local.__dict__.setdefault("parsers", {})
    parser = parsers.get(spec.name)
    if parser is None:
        parser = parsers[spec.name] = tree_sitter.Parser(spec.grammar)
    return parser


# How long a parse may take before Forge gives up on the text: a second, plus a second per
# megabyte (grammars parse 10-20 MB a second, so a sane file never comes close). Some grammars'
# error recovery explodes on a few stray characters: tree-sitter-kotlin 1.1 spends 48 s and
# gigabytes on a 1.3 KB file with an unclosed string and a `#` in the middle of a `try`.
PARSE_SECONDS = 1.0
PARSE_SECONDS_PER_MB = 1.0


class ParseTooSlow(Exception):
    """The grammar did not finish parsing the text within its time budget."""

    def __init__(self, language: str, seconds: float) -> None:
        # Why the file went unchecked, for a report; the message adds what an editor does next.
        self.reason = (
            f"the {language} parser gave up after {seconds:.1f} s on this text (a grammar's "
            "error recovery can explode on a few stray characters)"
        )
        super().__init__(f"{self.reason}; checking resumes with the next edit")


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM while tree-sitter calls back into Python: a KeyboardInterrupt
    raised inside the read or progress callback crashes the parser (SIGSEGV). The signal is
    delivered, and Python raises, the moment the parse returns. Only the main thread receives
    signals; elsewhere (the server's analysis threads) and without `pthread_sigmask` (Windows)
    this does nothing."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(
        signal, "pthread_sigmask"
    ):
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


READ_CHUNK = 65_536


def _read_buffer() -> bytearray:
    """The buffer a parse on this thread hands tree-sitter its text through, refilled on every
    read. tree-sitter's binding (0.26.1) keeps a reference to every object a read callback
    returns, forever: returning slices of the text leaked the whole text on every parse (the
    server grew 26 MB over 36,000 keystrokes). A buffer that lives as long as its thread costs
    nothing however many references pile up on it. tree-sitter releases the buffer before it
    reads again, so it can be refilled."""
    buffer: bytearray | None = _local.__dict__.get("read_buffer")
    if buffer is None:
        buffer = _local.read_buffer = bytearray()
    return buffer


def parse(
    spec: LanguageSpec, source: bytes, old_tree: tree_sitter.Tree | None = None
) -> tree_sitter.Tree:
    """Parse `source`; pass the previous tree (already `edit`ed) to re-parse incrementally.
    Raises `ParseTooSlow` when the grammar takes longer than its budget."""
    source = utf8_safe(source)
    budget = PARSE_SECONDS + PARSE_SECONDS_PER_MB * len(source) / 1_000_000
    deadline = time.monotonic() + budget
    parser = _parser(spec)
    buffer = _read_buffer()

    def read(offset: int, _point: object) -> bytearray:
        nonlocal buffer
        chunk = source[offset : offset + READ_CHUNK]
        try:
            buffer[:] = chunk
        except BufferError:  # still lent out after an aborted parse: this thread takes another
            buffer = _local.read_buffer = bytearray(chunk)
        return buffer

    def too_slow(*_state: object) -> bool:
        return time.monotonic() > deadline

    try:
        # A read callback, not the bytes: tree-sitter only asks the progress callback then.
        with _signals_held():
            if old_tree is None:
                timed = parser.parse(read, progress_callback=too_slow)
            else:
                timed = parser.parse(read, old_tree, progress_callback=too_slow)
    except ValueError:
        parser.reset()  # a halted parser resumes where it stopped unless reset
        if time.monotonic() > deadline:
            raise ParseTooSlow(spec.name, budget) from None
        raise
    # A tree read through a callback calls back into Python whenever a query needs its text
    # (and crashes if Ctrl-C lands there): re-read it from the bytes, which reuses every node
    # of the tree just built (a few milliseconds for 300 KB).
    return parser.parse(source, timed)


_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")


def utf8_safe(source: bytes) -> bytes:
    """`source` with every byte that is not valid UTF-8 replaced by `?`, so every offset stays.

    Query predicates (`#eq?`, `#match?`) decode the text they test, and one invalid byte (a
    Latin-1 file, a lone surrogate from JSON) would fail the whole query pass.
    """
    try:
        source.decode("utf-8")
    except UnicodeDecodeError:
        # surrogateescape decodes each invalid byte to one lone surrogate: one `?` each.
        text = source.decode("utf-8", "surrogateescape")
        return _ESCAPED_BYTE.sub("?", text).encode("utf-8")
    return source


def check(
    source: bytes,
    spec: LanguageSpec,
    selection: RuleSelection,
    *,
    old_tree: tree_sitter.Tree | None = None,
    path: str | None = None,
) -> CheckResult:
    """Check one file's bytes with every rule the selection enables for its language."""
    tree = parse(spec, source, old_tree)
    found = rules_pass(source, tree, spec, selection, path=path)
    return finish(source, tree, selection, found.findings, file_matches=found.file_matches)


def run_rules(
    source: bytes,
    tree: tree_sitter.Tree,
    spec: LanguageSpec,
    selection: RuleSelection,
    byte_range: tuple[int, int] | None = None,
    path: str | None = None,
) -> list[Finding]:
    """The raw findings of every enabled rule, over the file or one byte range of it.

    With a byte range, only function-local rules run (over that range) and file-scoped rules
    run over the whole file: `recheck` needs both after an edit inside a function.
    """
    return rules_pass(source, tree, spec, selection, byte_range, path).findings


@dataclass(frozen=True, slots=True)
class RulesPass:
    """The raw findings of a check, and the whole-file matches to keep for the next one."""

    findings: list[Finding]
    file_matches: dict[str, list[KeptMatch]]


def rules_pass(
    source: bytes,
    tree: tree_sitter.Tree,
    spec: LanguageSpec,
    selection: RuleSelection,
    byte_range: tuple[int, int] | None = None,
    path: str | None = None,
    reuse: Reuse | None = None,
) -> RulesPass:
    """`run_rules`, keeping the whole-file matches a re-check of one function asks for; with
    `reuse` (an edit inside one function) the whole-file queries build on the previous ones."""
    findings: list[Finding] = []
    shared: dict[str, Any] = {}  # per-check values rules compute once (ctx.memo)
    # One query pass over the whole file, and (for a partial check) one over the range.
    root = tree.root_node
    plan = "full" if byte_range is None else "partial"
    whole = QueryBatch(spec, root, None, f"{plan}:file", reuse)
    ranged = whole if byte_range is None else QueryBatch(spec, root, byte_range, f"{plan}:range")
    for rule in selection.rules_for(spec.name):
        options = selection.options_for(rule)
        rule_range = None if rule.file_scoped else byte_range
        ctx = CheckContext(
            source,
            tree,
            spec,
            options,
            rule_range,
            shared,
            path,
            queries=ranged,
            file_queries=whole,
        )
        findings.extend(_run_rule(rule, ctx))
    # The dataflow points back at itself through the syntax tree: drop it now rather than
    # leave every checked file's tree to a cycle collector the CLI runs rarely.
    flow = shared.get("dataflow")
    if isinstance(flow, FileFlow):
        flow.close()
    return RulesPass(findings, whole.kept(learned_queries(spec.name, "partial:file")))


def file_scoped_codes(selection: RuleSelection, language: str) -> frozenset[str]:
    """Codes of the enabled rules whose findings depend on the whole file."""
    return frozenset(r.code for r in selection.rules_for(language) if r.file_scoped)


def finish(
    source: bytes,
    tree: tree_sitter.Tree,
    selection: RuleSelection,
    findings: list[Finding],
    *,
    partial: bool = False,
    file_matches: dict[str, list[KeptMatch]] | None = None,
) -> CheckResult:
    """Apply suppression comments (and other tools' waivers: `waivers`), the confidence floor
    and severity overrides; sort; package the result. Every check (full or after an edit, in
    the editor or the CLI) ends here, so a finding below `selection.min_confidence` is never
    published, fixed or counted."""
    suppressions = find_suppressions(source, tree.root_node)
    waivers = find_waivers(source, tree.root_node)
    kept = [
        _with_severity(finding, selection)
        for finding in _unique(findings)
        if selection.shows(finding)
        and not _suppressed(finding, suppressions)
        and not _waived(finding, waivers)
    ]
    kept.sort(key=lambda f: (f.start, f.code))
    return CheckResult(kept, tree, suppressions, partial, file_matches or {})


def _run_rule(rule: Rule, ctx: CheckContext) -> list[Finding]:
    # One broken rule must never take the others (or the server) down.
    try:
        return list(rule.check(ctx))
    except Exception:
        log.exception(
            "rule %s failed on a %s file; its findings are skipped", rule.code, ctx.language.name
        )
        return []


def _suppressed(finding: Finding, suppressions: Mapping[int, Suppression]) -> bool:
    for line in {finding.start.line, finding.end.line}:
        suppression = suppressions.get(line)
        if suppression is not None and suppression.covers(finding.code):
            return True
    return False


def _waived(finding: Finding, waivers: Mapping[int, frozenset[str]]) -> bool:
    return any(
        finding.code in waivers.get(line, ()) for line in (finding.start.line, finding.end.line)
    )


def _with_severity(finding: Finding, selection: RuleSelection) -> Finding:
    severity = selection.severity.get(finding.code)
    if severity is None or severity == finding.severity:
        return finding
    return dataclasses.replace(finding, severity=severity)  # keeps confidence and data


def _unique(findings: Iterable[Finding]) -> list[Finding]:
    seen: set[tuple[str, object, object]] = set()
    unique = []
    for finding in findings:
        key = (finding.code, finding.start, finding.end)
        if key not in seen:
            seen.add(key)
            unique.append(finding)
    return unique
