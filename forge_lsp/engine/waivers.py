"""Other tools' waiver comments: a line bandit, ruff, gosec, golangci-lint or Sonar was told to let
pass is let pass by Forge too, for the Forge rules that are the same check.

A team that runs those tools has already recorded its decisions in the code:
``cursor.execute(sql)  # nosec B608`` says someone looked at the SQL on that line and accepted
it, and Forge asking again under another name (FG101) is noise that teaches people to skip its
findings. But a waiver is a decision about one check, not a licence for the line: ``# nosec
B105`` (a hardcoded password) says nothing about SQL. So:

- a waiver that names ids waives a Forge rule when `TABLE` maps the rule to one of those ids for
  that tool;
- a waiver that names none (``# nosec``, ``# noqa``, ``//nolint``, ``NOSONAR``) waives every Forge
  rule that has an entry for that tool;
- a tool with no entry for a rule never waives it: ``print(x)  # nosec`` still gets FG602.

`TABLE` is the one place these equivalences live; docs/waivers.md shows it and a test keeps the
two equal. As for ``forge: ignore``, only text inside a real comment node counts, and a waiver
covers the findings that start or end on its line. gosec and golangci-lint also let a comment
above a statement or declaration cover all of it; Forge reads one line, as for its own
suppressions, so that a waiver reaches no further than what it sits beside.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    import tree_sitter


@dataclass(frozen=True, slots=True)
class Equivalents:
    """The checks of other tools that find what one Forge rule finds, as each tool names them."""

    bandit: tuple[str, ...] = ()  # test ids (B608); `# nosec` also takes their names
    ruff: tuple[str, ...] = ()  # ruff and flake8 codes (S608)
    gosec: tuple[str, ...] = ()  # rule ids (G201)
    golangci: tuple[str, ...] = ()  # golangci-lint linters (gosec, errcheck)
    sonar: tuple[str, ...] = ()  # rule keys (S2077); a bare NOSONAR waives a rule that has any


TOOLS = tuple(field.name for field in fields(Equivalents))

# Only checks that look for the same thing, in the code Forge reads. A rule missing here is one
# no tool checks the same way. golangci-lint runs gosec as its `gosec` linter, so every rule with
# a gosec id has `gosec` among its linters (a test holds that).
TABLE: dict[str, Equivalents] = {
    # SQL built from strings. B610/B611 (S610/S611): Django's `extra()` and `RawSQL` given
    # non-literal SQL, two of FG101's sinks. G201/G202: SQL from a format string, from `+`.
    "FG101": Equivalents(
        bandit=("B608", "B610", "B611"),
        ruff=("S608", "S610", "S611"),
        gosec=("G201", "G202"),
        golangci=("gosec",),
        sonar=("S2077", "S3649"),
    ),
    "FG201": Equivalents(
        bandit=("B105", "B106", "B107"),
        ruff=("S105", "S106", "S107"),
        gosec=("G101",),
        golangci=("gosec",),
        sonar=("S2068", "S6418"),
    ),
    # A key in a vendor's format. B105 and G101 go by the variable's name, and a waiver of
    # theirs (a placeholder, a test value) must not hide a value that has a live key's shape:
    # only Sonar's secret detectors look for the formats.
    "FG202": Equivalents(sonar=("S6290", "S6706")),
    "FG301": Equivalents(
        bandit=("B110", "B112"),
        ruff=("S110", "S112"),
        sonar=("S108", "S2486"),
    ),
    # G104 (errors unhandled) reports a dropped error result and one assigned to `_`; errcheck
    # reports both too (the second with `check-blank`).
    "FG302": Equivalents(gosec=("G104",), golangci=("errcheck", "gosec")),
    "FG303": Equivalents(gosec=("G104",), golangci=("errcheck", "gosec")),
    # G112: an `http.Server` without ReadHeaderTimeout; G114: `http.ListenAndServe` and kin,
    # which cannot set one. Both are shapes FG401 reports in Go.
    "FG401": Equivalents(
        bandit=("B113",),
        ruff=("S113",),
        gosec=("G112", "G114"),
        golangci=("gosec",),
    ),
    # B323 (S323): `ssl._create_unverified_context`, which FG402 reports too.
    "FG402": Equivalents(
        bandit=("B501", "B323"),
        ruff=("S501", "S323"),
        gosec=("G402",),
        golangci=("gosec",),
        sonar=("S4830", "S5527"),
    ),
    # B303/S303: MD5 and SHA-1 from pycryptodome and cryptography; B324/S324: from hashlib.
    # G401 is the call, G501/G505 the imports of crypto/md5 and crypto/sha1.
    "FG501": Equivalents(
        bandit=("B303", "B324"),
        ruff=("S303", "S324"),
        gosec=("G401", "G501", "G505"),
        golangci=("gosec",),
        sonar=("S4790", "S5344"),
    ),
    # pickle (and dill, shelve, jsonpickle, pandas.read_pickle), marshal, yaml.load.
    "FG502": Equivalents(
        bandit=("B301", "B302", "B506"),
        ruff=("S301", "S302", "S506"),
        sonar=("S5135",),
    ),
    "FG503": Equivalents(sonar=("S5659",)),
    # T201: `print`; forbidigo forbids `fmt.Print*` and `print`/`println` unless configured.
    "FG602": Equivalents(ruff=("T201",), golangci=("forbidigo",), sonar=("S106", "S2228")),
    # G010: `logging.warn`; UP005: `assertEquals` and the other unittest aliases; staticcheck's
    # SA1019: a deprecated function (`ioutil.ReadAll`).
    "FG801": Equivalents(
        ruff=("G010", "UP005"),
        golangci=("staticcheck",),
        sonar=("S1874",),
    ),
}

# Every test and blacklist entry of bandit 1.9.4 (`bandit -h`), by id and by the name its
# `nosec` also accepts. A word after `nosec` that names none of them is prose, and bandit reads a
# `nosec` whose words name no test as bare ("# nosec - reviewed"): a name missing here would
# widen a waiver, a name bandit does not know would narrow one.
_BANDIT_TESTS = """
B101 assert_used B102 exec_used B103 set_bad_file_permissions B104 hardcoded_bind_all_interfaces
B105 hardcoded_password_string B106 hardcoded_password_funcarg B107 hardcoded_password_default
B108 hardcoded_tmp_directory B110 try_except_pass B112 try_except_continue
B113 request_without_timeout B201 flask_debug_true B202 tarfile_unsafe_members B301 pickle
B302 marshal B303 md5 B304 ciphers B305 cipher_modes B306 mktemp_q B307 eval B308 mark_safe
B310 urllib_urlopen B311 random B312 telnetlib B313 xml_bad_cElementTree B314 xml_bad_ElementTree
B315 xml_bad_expatreader B316 xml_bad_expatbuilder B317 xml_bad_sax B318 xml_bad_minidom
B319 xml_bad_pulldom B321 ftplib B323 unverified_context B324 hashlib_insecure_functions
B401 import_telnetlib B402 import_ftplib B403 import_pickle B404 import_subprocess
B405 import_xml_etree B406 import_xml_sax B407 import_xml_expat B408 import_xml_minidom
B409 import_xml_pulldom B411 import_xmlrpclib B412 import_httpoxy B413 import_pycrypto
B415 import_pyghmi B501 request_with_no_cert_validation B502 ssl_with_bad_version
B503 ssl_with_bad_defaults B504 ssl_with_no_version B505 weak_cryptographic_key B506 yaml_load
B507 ssh_no_host_key_verification B508 snmp_insecure_version B509 snmp_weak_cryptography
B601 paramiko_calls B602 subprocess_popen_with_shell_equals_true
B603 subprocess_without_shell_equals_true B604 any_other_function_with_shell_equals_true
B605 start_process_with_a_shell B606 start_process_with_no_shell
B607 start_process_with_partial_path B608 hardcoded_sql_expressions
B609 linux_commands_wildcard_injection B610 django_extra_used B611 django_rawsql_used
B612 logging_config_insecure_listen B613 trojansource B614 pytorch_load
B615 huggingface_unsafe_download B701 jinja2_autoescape_false B702 use_of_mako_templates
B703 django_mark_safe B704 markupsafe_markup_xss
"""
BANDIT_NAMES = {name.lower(): id_ for id_, name in re.findall(r"(B\d{3}) (\w+)", _BANDIT_TESTS)}

Ids: TypeAlias = frozenset[str] | None  # the ids a waiver names; None: it names none, a bare waiver


def _index(tool: str) -> tuple[dict[str, frozenset[str]], frozenset[str]]:
    """For one tool: the Forge codes of each of its ids, and the codes it has any id for."""
    by_id: dict[str, set[str]] = {}
    for code, equivalents in TABLE.items():
        for id_ in getattr(equivalents, tool):
            by_id.setdefault(id_, set()).add(code)
    mapped = frozenset(code for code, equivalents in TABLE.items() if getattr(equivalents, tool))
    return {id_: frozenset(codes) for id_, codes in by_id.items()}, mapped


_INDEX = {tool: _index(tool) for tool in TOOLS}


def waived_codes(tool: str, ids: Ids) -> frozenset[str]:
    """The Forge codes a waiver of `tool` naming `ids` (None: naming none) covers."""
    by_id, mapped = _INDEX[tool]
    if ids is None:
        return mapped
    return frozenset(code for id_ in ids for code in by_id.get(id_, ()))


# Every waiver holds one of these, in some case. They are looked for in the lowered text with
# `bytes.find` (most files hold none, and this runs on every keystroke); only the comments that
# hold one are read.
_MARKERS = (b"nosec", b"nolint", b"nosonar", b"noqa")

# bandit: `#\s*nosec` (lower case), then its tests up to the next `#`, by id or name, separated
# by commas or spaces, after an optional colon.
_NOSEC = re.compile(rb"#\s*nosec\b:?([^#]*)")
_WORD = re.compile(r"\w+")
_BANDIT_ID = re.compile(r"B\d{3}", re.IGNORECASE)

# ruff and flake8: `#\s*noqa` in any case, then a colon and codes (upper case, separated by
# commas or spaces) up to the first word that is not one.
_NOQA = re.compile(rb"#\s*noqa\b([^#]*)", re.IGNORECASE)
_RUFF_CODE = re.compile(r"[A-Z]+[0-9]+")
_SEPARATORS = re.compile(r"[\s,]+")

# gosec: a comment whose text starts with `#nosec` (or a later line of it does), then rule ids
# up to the justification after `--`.
_GOSEC_TAG = re.compile(rb"(?m)^[ \t]*(#nosec)(?!\w)([^\n]*)")
_GOSEC_ID = re.compile(r"G\d{3}")
_JUSTIFICATION = re.compile(r"-{2,}")

# golangci-lint: `//nolint`, `//nolint:a,b`, `//nolint:a // why`; leading slashes and spaces
# are trimmed, as golangci-lint does.
_NOLINT = re.compile(rb"nolint(?=[ :]|$)")

# Sonar: NOSONAR anywhere in a comment, in capitals. NOSONAR(S1234) names rule keys.
_NOSONAR = re.compile(rb"\bNOSONAR\b(?:\(([^)]*)\))?")
_SONAR_KEY = re.compile(r"S\d+")


def find_waivers(source: bytes, root: tree_sitter.Node) -> dict[int, frozenset[str]]:
    """The Forge codes other tools' waiver comments cover, keyed by zero-based line."""
    lowered = source.lower()  # ASCII only: every offset stays
    found: dict[int, set[str]] = {}
    seen: set[int] = set()
    for start, end in _marker_spans(lowered):
        node = root.descendant_for_byte_range(start, end)
        if node is None or "comment" not in node.type or node.start_byte in seen:
            continue
        seen.add(node.start_byte)
        text = source[node.start_byte : node.end_byte]
        for tool, offset, ids in _waivers_in(text, _in_go(root, node)):
            codes = waived_codes(tool, ids)
            if codes:
                line = node.start_point[0] + text.count(b"\n", 0, offset)
                found.setdefault(line, set()).update(codes)
    return {line: frozenset(codes) for line, codes in found.items()}


def _marker_spans(lowered: bytes) -> Iterator[tuple[int, int]]:
    for marker in _MARKERS:
        start = lowered.find(marker)
        while start != -1:
            yield start, start + len(marker)
            start = lowered.find(marker, start + len(marker))


def _in_go(root: tree_sitter.Node, comment: tree_sitter.Node) -> bool:
    """Whether the comment is Go's, where gosec's and golangci-lint's waivers mean something.
    Of the grammars Forge parses, only Go's has both a `source_file` root (Rust and Kotlin too)
    and comments typed plain `comment` (JavaScript and TypeScript too); a test holds that."""
    return root.type == "source_file" and comment.type == "comment"


def _waivers_in(text: bytes, go: bool) -> Iterator[tuple[str, int, Ids]]:
    """Each waiver in one comment's text: the tool, its offset in the text, the ids it names."""
    if text.startswith(b"#"):  # Python's, the one language of Forge's with `#` comments
        yield from (("bandit", offset, ids) for offset, ids in _bandit(text))
        yield from (("ruff", offset, ids) for offset, ids in _ruff(text))
    elif go:
        yield from (("gosec", offset, ids) for offset, ids in _gosec(text))
        yield from (("golangci", offset, ids) for offset, ids in _golangci(text))
    yield from (("sonar", offset, ids) for offset, ids in _sonar(text))


def _bandit(text: bytes) -> Iterator[tuple[int, Ids]]:
    for match in _NOSEC.finditer(text):
        ids: set[str] = set()
        for word in _WORD.findall(match.group(1).decode(errors="replace")):
            if _BANDIT_ID.fullmatch(word):
                ids.add(word.upper())
            elif word.lower() in BANDIT_NAMES:
                ids.add(BANDIT_NAMES[word.lower()])
        yield match.start(), frozenset(ids) if ids else None


def _ruff(text: bytes) -> Iterator[tuple[int, Ids]]:
    for match in _NOQA.finditer(text):
        rest = match.group(1).decode(errors="replace").strip()
        colon = rest.startswith(":")
        words = _SEPARATORS.split(rest.removeprefix(":").strip())
        # After a colon, codes as ruff reads them: with none (nothing, or `s608` in lower case)
        # the directive is invalid and waives nothing. Without a colon, ruff and flake8 read the
        # waiver as bare whatever follows; Forge reads codes there too (noqa S608 names S608),
        # so that a waiver never reaches further than its author meant.
        codes = frozenset(
            itertools.takewhile(_RUFF_CODE.fullmatch, words if colon else map(str.upper, words))
        )
        yield match.start(), codes if colon or codes else None


def _gosec(text: bytes) -> Iterator[tuple[int, Ids]]:
    body = _without_delimiters(text)
    for match in _GOSEC_TAG.finditer(body):
        directive = _JUSTIFICATION.split(match.group(2).decode(errors="replace"), maxsplit=1)[0]
        ids = frozenset(_GOSEC_ID.findall(directive))
        yield match.start(1), ids or None


def _golangci(text: bytes) -> Iterator[tuple[int, Ids]]:
    if not text.startswith(b"//"):
        return
    directive = text.lstrip(b"/ ")
    if not _NOLINT.match(directive):
        return
    offset = len(text) - len(directive)
    if not directive.startswith(b"nolint:"):
        yield offset, None
        return
    listed = directive.removeprefix(b"nolint:").split(b"//")[0].decode(errors="replace")
    linters = {item.split()[0].lower() for item in listed.split(",") if item.strip()}
    yield offset, None if "all" in linters else frozenset(linters)


def _sonar(text: bytes) -> Iterator[tuple[int, Ids]]:
    for match in _NOSONAR.finditer(text):
        keys = frozenset(_SONAR_KEY.findall((match.group(1) or b"").decode(errors="replace")))
        yield match.start(), keys or None


def _without_delimiters(text: bytes) -> bytes:
    """A comment's text with `//`, `/*` and `*/` blanked out, every offset kept."""
    if text.startswith(b"/*") and text.endswith(b"*/") and len(text) >= 4:
        return b"  " + text[2:-2] + b"  "
    if text.startswith((b"//", b"/*")):
        return b"  " + text[2:]
    return text
