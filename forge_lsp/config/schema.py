"""The settings schema: each setting declared once, and the validator driven by the declarations.

A `Setting` names one setting (its field in the settings dataclass, its camelCase key and any
earlier names still read), its `Kind` (which validates a value and states the JSON type, the
choices and the bounds an editor's settings UI shows), whether a project file may set it, and
one line of description. Its default is the dataclass field's (`Section.defaults`). A `Section`
is one table of settings (the rules' top level, or `claude`); `Section.parse` validates one
source's table of it.

Keys may be written camelCase (editors), kebab-case or snake_case (TOML). An invalid value is
reported by name and skipped, so the lower-precedence value is used.
"""

from __future__ import annotations

import enum
import math
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any


def normalize(key: str) -> str:
    """A key as it is looked up: without dashes or underscores, lower case."""
    return key.replace("-", "").replace("_", "").lower()


@dataclass(frozen=True)
class Loaded:
    """The result of reading one source: the values it sets and the problems it has."""

    values: dict[str, Any]
    errors: list[str]


# --- kinds of value ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """What a setting accepts: `check` returns the value to keep or raises ValueError saying
    what was expected; the rest is what a JSON schema (VS Code's package.json) states."""

    json_type: str | tuple[str, ...]
    check: Callable[[object], Any]
    choices: tuple[str, ...] = ()
    low: float | None = None
    high: float | None = None

    def __call__(self, value: object) -> Any:
        return self.check(value)


def shown(value: object) -> str:
    """A value as an error message may show it (never a string's content: it may be secret)."""
    return f"a {type(value).__name__}" if not isinstance(value, (int, float, bool)) else repr(value)


@dataclass(frozen=True)
class WholeNumber:
    """An integer from `low` to `high`. A value outside the range is reported and skipped,
    never clamped: the user asked for something Forge will not do, and should hear so."""

    low: int
    high: int
    unit: str = ""  # named in the message, with the bounds grouped by thousands

    def __call__(self, value: object) -> int:
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not self.low <= value <= self.high
        ):
            if self.unit:
                raise ValueError(
                    f"expected a whole number of {self.unit} from {self.low:,} to "
                    f"{self.high:,}, got {value!r}"
                )
            raise ValueError(
                f"expected a whole number from {self.low} to {self.high}, got {value!r}"
            )
        return value


def whole_number(low: int, high: int, unit: str = "") -> Kind:
    """An integer setting from `low` to `high` (see `WholeNumber`)."""
    return Kind("integer", WholeNumber(low, high, unit), low=low, high=high)


def _number_check(low: float, high: float) -> Callable[[object], float]:
    def check(value: object) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"expected a number, got {shown(value)}")
        if math.isnan(value) or not low <= value <= high:
            raise ValueError(f"expected a number from {low:g} to {high:g}, got {value!r}")
        return float(value)

    return check


def number(low: float, high: float) -> Kind:
    """A number (integer or float) from `low` to `high`, kept as a float."""
    return Kind("number", _number_check(low, high), low=low, high=high)


def optional_number(low: float, high: float) -> Kind:
    """A number from `low` to `high`, or null (unset)."""
    check = _number_check(low, high)
    return Kind(
        ("number", "null"),
        lambda value: None if value is None else check(value),
        low=low,
        high=high,
    )


def _flag(value: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, got {value!r}")
    return value


FLAG = Kind("boolean", _flag)
OPTIONAL_FLAG = Kind(("boolean", "null"), _flag)  # null is the default only, never accepted


def _text(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"expected a non-empty string, got {shown(value)}")
    return value.strip()


TEXT = Kind("string", _text)
OPTIONAL_TEXT = Kind(("string", "null"), _text)


def choice(*options: str) -> Kind:
    """One of `options`."""

    def check(value: object) -> str:
        if value not in options:
            raise ValueError(f"expected one of {', '.join(options)}, got {value!r}")
        return str(value)

    return Kind("string", check, choices=options)


_USERINFO = re.compile(r"(?<=://)[^/@\s]+@")


def without_credentials(url: str) -> str:
    """A URL with any ``user:password@`` replaced, so a proxy's password is never printed."""
    return _USERINFO.sub("***@", url)


def _url(value: object) -> str:
    text = _text(value)
    if not re.match(r"^https?://[^\s/]+", text):
        # The message reaches the log and the user: never the URL's user:password@ part.
        raise ValueError(f"expected an http(s) URL, got {without_credentials(text)!r}")
    return text.rstrip("/")


OPTIONAL_URL = Kind(("string", "null"), _url)


def _string_list(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"expected a list of strings, got {value!r}")
    return tuple(value)


STRINGS = Kind("array", _string_list)


def _non_empty_strings(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError("expected a list of non-empty strings")
    return tuple(v.strip() for v in value)


NON_EMPTY_STRINGS = Kind("array", _non_empty_strings)


def _string_table(value: object) -> dict[str, str]:
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise ValueError("expected a table of header names to string values")
    return dict(value)


HEADERS = Kind("object", _string_table)


def table(check: Callable[[object], Any]) -> Kind:
    """A table (JSON object) that `check` validates."""
    return Kind("object", check)


# --- settings and sections ---------------------------------------------------------------------


class InProject(enum.Enum):
    """What a project file (untrusted: it comes with the repository) may do with a setting."""

    ALLOWED = "allowed"
    SECRET = "secret"  # a credential: never in a file that gets committed
    OFF_ONLY = "off only"  # may be set to false, not to true (Claude's `enabled`)
    DESTINATION = "destination"  # decides where requests go, with which credentials, at what price


_REFUSALS = {
    InProject.SECRET: (
        "an API key does not belong in a project file (it would be committed); it was "
        "ignored. Use ANTHROPIC_API_KEY or your editor's settings."
    ),
    InProject.OFF_ONLY: "a project may turn Claude off, not on; ignored",
    InProject.DESTINATION: (
        "where Claude's requests go, with which credentials and prices, is yours to decide, "
        "not the repository's; ignored. Set it in your editor's user settings, your "
        "environment or your own forge-lsp config file."
    ),
}


@dataclass(frozen=True)
class Setting:
    """One setting, declared once."""

    name: str  # the settings dataclass's field
    key: str  # camelCase, as editors write it (`forge.<section>.<key>`)
    kind: Kind
    description: str
    aliases: tuple[str, ...] = ()  # earlier keys, still read
    in_project: InProject = InProject.ALLOWED

    def refusal(self, value: object) -> str | None:
        """Why a project file may not set this setting to `value`, or None when it may."""
        if self.in_project is InProject.ALLOWED:
            return None
        if self.in_project is InProject.OFF_ONLY and value is not True:
            return None
        return _REFUSALS[self.in_project]


@dataclass(frozen=True)
class Section:
    """One table of settings: its declarations and the dataclass holding their defaults."""

    settings: tuple[Setting, ...]
    defaults: Any  # an instance of the settings dataclass
    # Tables within this one, by key: parsed with their own section (their values nest).
    nested: Mapping[str, Callable[[object, str, bool], Loaded]] = field(default_factory=dict)
    # Keys accepted and ignored (settings of an editor extension, not of the server).
    ignored: frozenset[str] = frozenset()
    # How a value that is not a table is named in the message that refuses it.
    shown: Callable[[object], str] = shown
    _lookup: dict[str, Setting] = field(init=False, repr=False, compare=False, default_factory=dict)

    def __post_init__(self) -> None:
        for setting in self.settings:
            for key in (setting.key, setting.name, *setting.aliases):
                self._lookup[normalize(key)] = setting

    def __iter__(self) -> Iterator[Setting]:
        return iter(self.settings)

    def find(self, key: str) -> Setting | None:
        """The setting a key (in any spelling, or an earlier name) names."""
        return self._lookup.get(normalize(key))

    def default(self, setting: Setting) -> Any:
        return getattr(self.defaults, setting.name)

    def parse(self, raw: object, origin: str, *, project: bool = False) -> Loaded:
        """Validate one source's table; `origin` names it in messages; `project` marks a file
        in the repository, where some settings are refused (`InProject`)."""
        if raw is None:
            return Loaded({}, [])
        if not isinstance(raw, Mapping):
            return Loaded({}, [f"{origin}: expected a table of settings, got {self.shown(raw)}"])
        values: dict[str, Any] = {}
        errors: list[str] = []
        for key, value in raw.items():
            normalized = normalize(str(key))
            nested = self.nested.get(normalized)
            if nested is not None:
                loaded = nested(value, f"{origin}.{key}", project)
                values[normalized], errors = loaded.values, errors + loaded.errors
                continue
            setting = self.find(str(key))
            if setting is None:
                if normalized not in self.ignored:
                    errors.append(f"{origin}.{key}: unknown setting")
                continue
            refusal = setting.refusal(value) if project else None
            if refusal is not None:
                errors.append(f"{origin}.{key}: {refusal}")
                continue
            try:
                values[setting.name] = setting.kind(value)
            except ValueError as problem:
                errors.append(f"{origin}.{key}: {problem}")
        return Loaded(values, errors)
