"""What the fuzzer sends: source text, positions, settings and command arguments.

Text is mostly real code (the bundled examples and the rules' fixtures), cut, spliced and
sprinkled with the characters that break position arithmetic, so that rules actually fire and
edits land inside their findings. Positions are drawn against the document as the client
holds it, in the client's position encoding: inside lines, between the halves of a surrogate
pair or a UTF-8 sequence, past the end of a line, past the end of the document, and huge.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from hypothesis import strategies as st
from lsprotocol import types

from tests.reliability.expected import NUMBERS, Documented

ROOT = Path(__file__).resolve().parents[2]

# LSP language id -> (file extension, the fixture folder name and seed extensions).
LANGUAGES: dict[str, tuple[str, tuple[str, ...]]] = {
    "python": (".py", (".py",)),
    "go": (".go", (".go",)),
    "javascript": (".js", (".js",)),
    "typescript": (".ts", (".ts",)),
    "java": (".java", (".java",)),
}
# A language id Forge does not know, with file names that do and do not name a language.
UNKNOWN_LANGUAGE = "cobol"
UNKNOWN_EXTENSIONS = (".txt", ".py", "")

# Characters whose widths differ between UTF-8, UTF-16 and UTF-32, line breaks of every kind,
# and the punctuation that opens strings and comments.
TRICKY = [
    "é",  # 2 UTF-8 bytes
    "中文",  # 3 bytes each
    "😀",  # 4 bytes, a surrogate pair in UTF-16
    "👩‍💻",  # a ZWJ sequence of two pairs
    "e\u0301",  # a combining mark
    "\r\n",
    "\n",
    "\t",
    " ",
    '"',
    "'",
    "`",
    "#",
    "//",
    "/*",
    "*/",
    '"""',
    "{",
    "}",
    "(",
    ")",
    "\\",
    "\x00",
]
# Line breaks that some tools count and others do not (LSP counts \n, \r\n and \r only).
EXOTIC = ["\r", "\u2028", "\x0c", "\x85"]


@cache
def seeds(language_id: str) -> tuple[str, ...]:
    """Real source files of a language: the bundled examples and every rule fixture, those
    with the most findings first (Hypothesis draws the first elements most often)."""
    if language_id not in LANGUAGES:
        return seeds("python") + seeds("go")
    _, extensions = LANGUAGES[language_id]
    found = [
        path
        for folder in (ROOT / "examples", ROOT / "tests" / "fixtures" / "rules")
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.suffix in extensions
    ]
    found.sort(
        key=lambda path: (path.parts[-1].startswith("negative"), "examples" not in path.parts)
    )
    return tuple(path.read_text(encoding="utf-8") for path in found)


def fragment(language_id: str) -> st.SearchStrategy[str]:
    """A short piece of text to insert: a few lines of real code, tricky characters, or both."""
    lines = st.sampled_from(seeds(language_id)).flatmap(
        lambda seed: st.tuples(
            st.just(seed.splitlines(keepends=True)),
            st.integers(0, max(0, seed.count("\n"))),
            st.integers(0, 4),
        )
    )
    real = lines.map(lambda t: "".join(t[0][t[1] : t[1] + t[2]]))
    tricky = st.lists(st.sampled_from(TRICKY), max_size=6).map("".join)
    exotic = st.lists(st.sampled_from(TRICKY + EXOTIC), min_size=1, max_size=4).map("".join)
    return st.one_of(
        real,
        tricky,
        st.tuples(real, tricky).map("".join),
        st.text(max_size=12),
        exotic,
    )


def source_text(language_id: str) -> st.SearchStrategy[str]:
    """A whole document: a real file, part of one, two spliced, or one with insertions."""
    seed = st.sampled_from(seeds(language_id))

    def part(text: str) -> st.SearchStrategy[str]:
        lines = text.splitlines(keepends=True)
        return st.tuples(st.integers(0, len(lines)), st.integers(0, len(lines))).map(
            lambda ab: "".join(lines[min(ab) : max(ab)])
        )

    def sprinkle(text: str) -> st.SearchStrategy[str]:
        return st.lists(
            st.tuples(st.integers(0, len(text)), fragment(language_id)), max_size=4
        ).map(lambda inserts: _insert_all(text, inserts))

    return st.one_of(
        seed,  # whole files three times as often as each other kind: they have findings
        seed,
        seed,
        seed.flatmap(part),
        st.tuples(seed.flatmap(part), seed.flatmap(part)).map("".join),
        seed.flatmap(sprinkle),
        seed.map(lambda text: text.replace("\n", "\r\n")),
        fragment(language_id),
        st.just(""),
    )


def _insert_all(text: str, inserts: list[tuple[int, str]]) -> str:
    for offset, piece in sorted(inserts, reverse=True):
        text = text[:offset] + piece + text[offset:]
    return text


# --- positions ---------------------------------------------------------------------------

UINTEGER_MAX = 2**31 - 1


def units(line: str, encoding: str) -> int:
    """The length of a line (without its break) in the client's position units."""
    line = line.rstrip("\r\n")
    if encoding == "utf-8":
        return len(line.encode("utf-8", "surrogatepass"))
    if encoding == "utf-32":
        return len(line)
    return len(line.encode("utf-16-le", "surrogatepass")) // 2


def position(lines: list[str], encoding: str) -> st.SearchStrategy[types.Position]:
    """A position in (or around) a document whose lines, as the client splits them, are
    `lines`: any unit of a line (so also inside a character), past its end, past the last
    line, or huge."""
    count = len(lines)

    def on_line(line: int) -> st.SearchStrategy[types.Position]:
        length = units(lines[line], encoding) if line < count else 0
        character = st.one_of(
            st.integers(0, length),
            st.integers(length, length + 4),
            st.just(UINTEGER_MAX),
        )
        return character.map(lambda c: types.Position(line, c))

    line = st.one_of(
        st.integers(0, max(0, count - 1)),
        st.integers(count, count + 3),
        st.just(UINTEGER_MAX),
    )
    return line.flatmap(on_line)


def range_(lines: list[str], encoding: str) -> st.SearchStrategy[types.Range]:
    """A range between two such positions, in either order (reversed ranges included)."""
    point = position(lines, encoding)
    return st.tuples(point, point, st.booleans()).map(
        lambda t: (
            types.Range(*sorted(t[:2], key=lambda p: (p.line, p.character)))
            if t[2]
            else types.Range(t[0], t[1])
        )
    )


# --- JSON values, settings and command arguments -------------------------------------------

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**31), 2**31),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=10,
)

RULE_CODES = ["FG101", "FG201", "FG301", "FG302", "FG401", "FG601", "FG602", "FG8", "FG"]


def _setting(name: str, valid: st.SearchStrategy[Any]) -> st.SearchStrategy[tuple[str, Any]]:
    return st.tuples(st.just(name), st.one_of(valid, json_values))


def _number_setting(
    names: tuple[str, ...], valid: st.SearchStrategy[int]
) -> st.SearchStrategy[tuple[str, Any]]:
    """Mostly the editor's camelCase key, sometimes another spelling Forge accepts."""
    return st.tuples(st.sampled_from(names), st.one_of(valid, json_values))


def bounded(
    documented: Documented, usual: st.SearchStrategy[int], found: tuple[int, ...] = ()
) -> st.SearchStrategy[int]:
    """A whole number for a setting with a range: `usual`, an end of the range, or (as often
    as those) one just outside it, far outside it, huge, or a value a long run once found."""
    low, high = documented.low, documented.high
    return st.one_of(
        usual,
        st.sampled_from([low, high]),
        st.sampled_from([low - 1, high + 1, -(2**31), 2**53, 2**64, *found]),
        st.one_of(st.integers(high + 1, 2**63), st.integers(-(2**63), low - 1)),
    )


# Claude never gets a usable key or a cloud backend here: a fuzzed setting must not make a
# test reach the network. Every other Claude setting is fair game.
_claude = st.dictionaries(
    st.sampled_from(
        [
            "enabled",
            "backend",
            "apiKey",
            "model",
            "maxTokens",
            "questions",
            "explainOnHover",
            "contextLines",
            "exclude",
            "minConfidence",
            "prices",
            "unknownClaudeKey",
        ]
    ),
    st.one_of(
        scalars.filter(lambda v: not isinstance(v, str) or v in ("", "azure")),
        st.lists(scalars, max_size=3),
    ),
    max_size=4,
)

forge_settings: st.SearchStrategy[Any] = st.one_of(
    st.lists(
        st.one_of(
            _setting("select", st.lists(st.sampled_from(RULE_CODES), max_size=3)),
            _setting("ignore", st.lists(st.sampled_from(RULE_CODES), max_size=3)),
            _setting(
                "severity",
                st.dictionaries(
                    st.sampled_from(RULE_CODES[:7]),
                    st.sampled_from(["error", "warning", "info", "hint", "loud"]),
                    max_size=3,
                ),
            ),
            _setting(
                "exclude", st.lists(st.sampled_from(["**/*.go", "*.py", "**/ex1*/**"]), max_size=2)
            ),
            # Small sizes, so that whole files are sometimes skipped as too big.
            _number_setting(
                ("maxFileSize", "max-file-size"),
                bounded(NUMBERS["maxfilesize"], st.integers(1_000, 5_000)),
            ),
            # Short waits, so that examples stay quick; 81 minutes once went unnoticed.
            _number_setting(
                ("debounceMs", "debounce_ms"),
                bounded(NUMBERS["debouncems"], st.integers(0, 30), found=(4_888_238,)),
            ),
            _setting(
                "rules",
                st.dictionaries(st.sampled_from(RULE_CODES[:7]), json_values, max_size=2),
            ),
            st.tuples(st.just("claude"), st.one_of(_claude, json_values)),
            st.tuples(st.text(max_size=10), json_values),  # unknown keys
        ),
        max_size=5,
    ).map(dict),
    json_values,
)


def location_arguments(
    uris: list[str], lines: list[str], encoding: str
) -> st.SearchStrategy[list[Any]]:
    """Arguments shaped like Forge's `[uri, range, question]`, with every part sometimes wrong."""
    uri = st.one_of(
        st.sampled_from(uris),
        st.just("file:///nowhere/never-opened.py"),
        st.just("untitled:Untitled-1"),
        st.text(max_size=10),
        json_values,
    )
    good_range = range_(lines, encoding).map(
        lambda r: {
            "start": {"line": r.start.line, "character": r.start.character},
            "end": {"line": r.end.line, "character": r.end.character},
        }
    )
    bad_range = st.one_of(
        json_values,
        st.fixed_dictionaries({"start": json_values, "end": json_values}),
        st.fixed_dictionaries(
            {"start": st.fixed_dictionaries({"line": st.integers(-5, 5), "character": scalars})}
        ),
    )
    question = st.one_of(st.text(max_size=30), json_values)
    return st.one_of(
        st.tuples(uri, st.one_of(good_range, bad_range)).map(list),
        st.tuples(uri, st.one_of(good_range, bad_range), question).map(list),
        st.lists(json_values, max_size=4),
    )
