"""What SQL text looks like, and what names and format strings say about a value.

The constant parts of a built string are matched against SQL shapes (`looks_like_sql`); names
tell constants (`UPPER_CASE`) and SQL fragments (`where_sql`) apart from values; printf verbs
tell which arguments can only print numbers.
"""

from __future__ import annotations

import re

# The constant text of a built string looks like SQL when it starts a statement or holds a
# clause shape. Whitespace is required around keywords so URLs (`/select?from=`) and English
# ("failed to update ") do not count. `SAVEPOINT name` is deliberately absent: a savepoint name
# cannot be a bound parameter and is always a generated counter (`sp${depth}`).
_SQL_SHAPE = re.compile(
    r"""(?isx)
    \bselect\s(?:[^;]*?)\sfrom[\s\x00]
    | \bselect\s+(?:distinct\s|count\s*\(|\*\s)
    | \binsert\s+(?:ignore\s+|or\s+\w+\s+)?into\s
    | \bupdate\s+\S+\s+set\s
    | \bdelete\s+from\s
    | \b(?:replace|merge)\s+into\s
    | \bwhere\s+\S
    | \b(?:order|group)\s+by\s
    | \bvalues\s*\(
    | \b(?:create|drop|alter|truncate)\s+
      (?:(?:temporary|temp|unique|or\s+replace|if\s+(?:not\s+)?exists)\s+)*
      (?:table|index|view|database|schema|sequence|trigger|function|procedure|user|role|extension)\s
    | ^[\s(]*(?:pragma|vacuum|analyze|explain|describe
      |show\s+(?:tables|columns|databases|index|create)|set\s+\S+\s*(?:=|to\s)|grant|revoke|lock\s+tables?
      |call|exec|copy|listen|notify|use)\s
    | \b(?:inner|left|right|full|cross)\s+(?:outer\s+)?join\s
    | \bjoin\s+\S+\s+on\s
    | \bhaving\s+\S
    | \{\s*(?:\?\s*=\s*)?call\s
    | \blimit\s+(?:\d|\x00)
    """
)


def looks_like_sql(text: str) -> bool:
    """True when the constant parts of a built string read as SQL."""
    return _SQL_SHAPE.search(text) is not None


_UPPER_CONSTANT = re.compile(r"^_*[A-Z][A-Z0-9_]*[A-Z0-9]$")


def is_constant_name(name: str) -> bool:
    """UPPER_CASE names are constants by convention in all the languages checked."""
    return _UPPER_CONSTANT.match(name) is not None


_FRAGMENT_NAME = re.compile(
    r"(?:^|_)(?:sql|clause|condition|conditions|placeholders?|subquery|where)$"
    r"|[a-z](?:Sql|SQL|Clause|Condition|Conditions|Placeholders?|Subquery|Where)$"
)


def is_fragment_name(name: str) -> bool:
    """Names that hold SQL text themselves: `sql`, `where_sql`, `tablesCondition`."""
    return _FRAGMENT_NAME.search(name) is not None


# Printf-style conversions that only ever print numbers (or raise on a string), so the
# argument cannot carry SQL: `"LIMIT %d" % n`, `fmt.Sprintf("LIMIT %d", n)`.
_PRINTF_VERB = re.compile(
    r"%(?:\((?P<key>[^)]*)\))?[-+ #0]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlLqjzt]*(?P<verb>[a-zA-Z%])"
)
_NUMERIC_VERBS = frozenset("dibouxXeEfFgGtT%")


def printf_verbs(text: str) -> list[str]:
    """The conversion letters of a printf-style format, in order (`%%` excluded)."""
    return [m.group("verb") for m in _PRINTF_VERB.finditer(text) if m.group("verb") != "%"]


def numeric_verb(verb: str) -> bool:
    return verb in _NUMERIC_VERBS
