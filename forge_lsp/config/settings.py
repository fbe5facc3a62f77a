"""The rule settings (`Settings`): what each is, how one source's values are validated, and how
validated sources combine. The sources and their order are in `forge_lsp.config`."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from forge_lsp.config.globs import excluded
from forge_lsp.config.selection import RuleSelection
from forge_lsp.core.model import Severity

if TYPE_CHECKING:  # Claude's settings load with the first check
    from forge_lsp.config.claude import ClaudeSettings

DEFAULT_MAX_FILE_SIZE = 1_000_000
DEFAULT_DEBOUNCE_MS = 150


@dataclass(frozen=True)
class WholeNumber:
    """A whole-number setting's range. A value outside it is reported and skipped, never
    clamped: the user asked for something Forge will not do, and should hear so."""

    low: int
    high: int
    unit: str

    def __call__(self, value: object) -> int:
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not self.low <= value <= self.high
        ):
            raise ValueError(
                f"expected a whole number of {self.unit} from {self.low:,} to {self.high:,}, "
                f"got {value!r}"
            )
        return value


# Every numeric setting has a range (README, "Configuration", says why these).
NUMBERS = {
    # Below 1 KB nearly every file would be skipped: such a value is a unit slip (megabytes
    # or kilobytes written as bytes), not a wish. A full check of 10 MB takes 10-20 s and
    # 0.5-0.8 GB: a bigger file would get no timely diagnostics anyway.
    "max_file_size": WholeNumber(1_000, 10_000_000, "bytes"),
    # Peers wait 500 ms (pylsp) and 1,000 ms (jedi-language-server); past 2 s stale
    # diagnostics look like a server that stopped working.
    "debounce_ms": WholeNumber(0, 2_000, "milliseconds"),
}


@dataclass(frozen=True)
class Settings:
    """Every setting the offline engine and the server understand, with its default."""

    select: tuple[str, ...] = ("FG",)
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, Severity] = field(default_factory=dict)
    exclude: tuple[str, ...] = ()
    rules: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    debounce_ms: int = DEFAULT_DEBOUNCE_MS
    # Where `exclude` patterns are anchored: the project file's folder, if any.
    root: Path | None = None
    claude: ClaudeSettings = field(default_factory=lambda: _claude_settings().ClaudeSettings())

    def selection(self) -> RuleSelection:
        return RuleSelection(self.select, self.ignore, dict(self.severity), dict(self.rules))

    def project_path(self, path: Path) -> str:
        """`path` relative to the project root when it lies under it (what rules see, so a
        checkout under a folder named `test` does not make every file a test)."""
        if self.root is not None:
            try:
                return path.resolve().relative_to(self.root.resolve()).as_posix()
            except ValueError:
                pass
        return path.as_posix()

    def is_excluded(self, path: Path) -> bool:
        """True when `path` (or a folder above it) matches an `exclude` glob."""
        if not self.exclude:
            return False
        try:
            relative = path.resolve().relative_to(self.root.resolve()) if self.root else path
        except ValueError:
            relative = path
        return excluded(relative.as_posix(), self.exclude)


def _claude_settings() -> Any:
    from forge_lsp.config import claude

    return claude


@dataclass(frozen=True)
class Loaded:
    """The result of reading one source: the values it sets and the problems it has."""

    values: dict[str, Any]
    errors: list[str]


def _normalize(key: str) -> str:
    return key.replace("-", "").replace("_", "").lower()


_KEYS = {
    "select": "select",
    "ignore": "ignore",
    "severity": "severity",
    "exclude": "exclude",
    "rules": "rules",
    "maxfilesize": "max_file_size",
    "debouncems": "debounce_ms",
}
_CODE = re.compile(r"^FG\d{0,3}$")


def parse(raw: object, origin: str, *, project: bool = False) -> Loaded:
    """Validate one source's settings (a mapping); `origin` names it in messages; `project`
    marks a file in the repository (which may not set a key or turn Claude on)."""
    if raw is None:
        return Loaded({}, [])
    if not isinstance(raw, Mapping):
        return Loaded({}, [f"{origin}: expected a table of settings, got {_kind(raw)}"])
    values: dict[str, Any] = {}
    errors: list[str] = []
    for key, value in raw.items():
        if _normalize(str(key)) == "claude":
            claude = _claude_settings().parse(value, f"{origin}.{key}", project=project)
            values["claude"], errors = claude.values, errors + claude.errors
            continue
        name = _KEYS.get(_normalize(str(key)))
        if name is None:
            if _normalize(str(key)) not in _LATER_KEYS:
                errors.append(f"{origin}.{key}: unknown setting")
            continue
        try:
            values[name] = _VALIDATORS[name](value)
        except ValueError as problem:
            errors.append(f"{origin}.{key}: {problem}")
    return Loaded(values, errors)


# Settings that belong to the editor extension (VS Code's launcher) are accepted here.
_LATER_KEYS = {"trace", "interpreter", "serverargs"}


def _kind(value: object) -> str:
    return type(value).__name__


def _string_list(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"expected a list of strings, got {value!r}")
    return tuple(value)


def _code_list(value: object) -> tuple[str, ...]:
    codes = tuple(code.strip().upper() for code in _string_list(value))
    for code in codes:
        if not _CODE.match(code):
            raise ValueError(f"{code!r} is not a Forge rule code or prefix (like FG101 or FG1)")
    return codes


def _severities(value: object) -> dict[str, Severity]:
    if not isinstance(value, Mapping):
        raise ValueError(f"expected a table of CODE = severity, got {value!r}")
    result = {}
    for code, name in value.items():
        code = str(code).upper()
        if not _CODE.match(code) or len(code) != 5:
            raise ValueError(f"{code!r} is not a Forge rule code")
        if not isinstance(name, str):
            raise ValueError(f"severity of {code} must be a string, got {name!r}")
        try:
            result[code] = Severity.parse(name)
        except ValueError:
            raise ValueError(
                f"severity of {code} is {name!r}; use one of error, warning, info, hint"
            ) from None
    return result


def _rule_options(value: object) -> dict[str, dict[str, Any]]:
    if not isinstance(value, Mapping):
        raise ValueError(f"expected a table of rule codes, got {value!r}")
    result: dict[str, dict[str, Any]] = {}
    for code, options in value.items():
        if not isinstance(options, Mapping):
            raise ValueError(f"options of {code} must be a table, got {options!r}")
        result[str(code).upper()] = dict(options)
    return result


_VALIDATORS: dict[str, Callable[[object], Any]] = {
    "select": _code_list,
    "ignore": _code_list,
    "severity": _severities,
    "exclude": _string_list,
    "rules": _rule_options,
    **NUMBERS,
}


def validate_rule_options(settings: Settings, origin: str) -> tuple[Settings, list[str]]:
    """Check per-rule options against the rules' declared options (imports the rule registry).

    Unknown rules, unknown options and values of the wrong type are dropped and reported.
    """
    from forge_lsp.rules import registry

    errors: list[str] = []
    clean: dict[str, dict[str, Any]] = {}
    for code, options in settings.rules.items():
        rule = registry.get(code)
        if rule is None:
            errors.append(f"{origin}.rules.{code}: no rule has this code")
            continue
        declared = {_normalize(option.name): option for option in rule.options}
        for key, value in options.items():
            option = declared.get(_normalize(key))
            if option is None:
                known = ", ".join(o.name for o in rule.options) or "none"
                errors.append(f"{origin}.rules.{code}.{key}: unknown option (known: {known})")
            elif not _option_value_ok(option.kind, value):
                errors.append(
                    f"{origin}.rules.{code}.{key}: expected {option.kind.__name__}, got {value!r}"
                )
            else:
                clean.setdefault(code, {})[option.name] = value
    for code in settings.severity:
        if registry.get(code) is None:
            errors.append(f"{origin}.severity.{code}: no rule has this code")
    return replace(settings, rules=clean), errors


def _option_value_ok(kind: type, value: object) -> bool:
    if kind is list:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, kind)


def combine(*layers: Mapping[str, Any], root: Path | None = None) -> Settings:
    """Settings from validated layers, later layers winning key by key."""
    merged: dict[str, Any] = {}
    claude: dict[str, Any] = {}
    for layer in layers:
        merged.update(layer)
        claude.update(layer.get("claude", {}))  # key by key within the table too
    merged["claude"] = _claude_settings().combine(claude)
    return Settings(**merged, root=root)
