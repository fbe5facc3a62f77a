"""The rule settings (`Settings`): what each is, how one source's values are validated, and how
validated sources combine. The sources and their order are in `forge_lsp.config`."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from forge_lsp.config import claude
from forge_lsp.config.claude import ClaudeSettings
from forge_lsp.config.globs import excluded
from forge_lsp.config.schema import (
    OPTIONAL_TEXT,
    STRINGS,
    Kind,
    Loaded,
    Section,
    Setting,
    WholeNumber,
    choice,
    normalize,
    table,
    whole_number,
)
from forge_lsp.config.selection import RULE_MIN_CONFIDENCE, RuleSelection
from forge_lsp.core.model import Confidence, Severity

DEFAULT_MAX_FILE_SIZE = 1_000_000
DEFAULT_DEBOUNCE_MS = 150


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
    min_confidence: str = Confidence.LOW.label  # one of CONFIDENCES; "low" shows every finding
    # A baseline file (`forge-lsp check --write-baseline`), relative to the project root, and
    # what the editor does with the findings recorded there: show them as hints, or hide them.
    baseline: str | None = None
    baseline_findings: str = "hint"  # one of BASELINE_FINDINGS
    # Where `exclude` patterns are anchored: the project file's folder, if any.
    root: Path | None = None
    claude: ClaudeSettings = field(default_factory=ClaudeSettings)

    def selection(self) -> RuleSelection:
        return RuleSelection(
            self.select,
            self.ignore,
            dict(self.severity),
            dict(self.rules),
            Confidence.parse(self.min_confidence),
        )

    def project_path(self, path: Path) -> str:
        """`path` relative to the project root when it lies under it (what rules see, so a
        checkout under a folder named `test` does not make every file a test)."""
        if self.root is not None:
            try:
                return path.resolve().relative_to(self.root.resolve()).as_posix()
            except ValueError:
                pass
        return path.as_posix()

    def baseline_file(self, document: Path) -> Path | None:
        """The `baseline` file for `document`: absolute as written, else relative to the
        project root, else to the git repository holding the document (None when unset)."""
        if not self.baseline:
            return None
        written = Path(self.baseline).expanduser()
        if written.is_absolute():
            return written
        base = self.root
        if base is None:
            base = next((f for f in document.parents if (f / ".git").exists()), None)
        return base / written if base is not None else None

    def is_excluded(self, path: Path) -> bool:
        """True when `path` (or a folder above it) matches an `exclude` glob."""
        if not self.exclude:
            return False
        try:
            relative = path.resolve().relative_to(self.root.resolve()) if self.root else path
        except ValueError:
            relative = path
        return excluded(relative.as_posix(), self.exclude)


_CODE = re.compile(r"^FG\d{0,3}$")


def _code_list(value: object) -> tuple[str, ...]:
    codes = tuple(code.strip().upper() for code in STRINGS(value))
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


CODES = Kind("array", _code_list)

# The `minConfidence` choices, from "show everything" to "only the surest".
CONFIDENCES = tuple(level.label for level in reversed(Confidence))


def _confidence(value: object) -> str:
    # Case-insensitive like the severities ("Medium" is no slip worth a warning).
    label = value.strip().lower() if isinstance(value, str) else value
    if label not in CONFIDENCES:
        raise ValueError(f"expected one of {', '.join(CONFIDENCES)}, got {value!r}")
    return str(label)


CONFIDENCE = Kind("string", _confidence, choices=CONFIDENCES)
BASELINE_FINDINGS = ("hint", "hide")

RULE_SETTINGS = (
    Setting("select", "select", CODES, "Rule code prefixes to run (FG runs every rule)."),
    Setting("ignore", "ignore", CODES, "Rule code prefixes to skip; the longer prefix wins."),
    Setting("severity", "severity", table(_severities), "Per-rule severity overrides."),
    Setting("exclude", "exclude", STRINGS, "Globs of files not to check (nor send to Claude)."),
    Setting("rules", "rules", table(_rule_options), "Per-rule options, by rule code."),
    Setting(
        "max_file_size",
        "maxFileSize",
        # Below 1 KB nearly every file would be skipped: such a value is a unit slip (megabytes
        # or kilobytes written as bytes), not a wish. A full check of 10 MB takes 10-20 s and
        # 0.5-0.8 GB: a bigger file would get no timely diagnostics anyway.
        whole_number(1_000, 10_000_000, "bytes"),
        "Files bigger than this many bytes are skipped, with a message.",
    ),
    Setting(
        "debounce_ms",
        "debounceMs",
        # Peers wait 500 ms (pylsp) and 1,000 ms (jedi-language-server); past 2 s stale
        # diagnostics look like a server that stopped working.
        whole_number(0, 2_000, "milliseconds"),
        "Milliseconds to wait after typing before re-checking a file (editor only).",
    ),
    Setting(
        "min_confidence",
        "minConfidence",
        CONFIDENCE,
        "Hide rule findings less sure than this: low shows all, medium hides low, high shows "
        "only high.",
    ),
    Setting(
        "baseline",
        "baseline",
        OPTIONAL_TEXT,
        "A baseline file written by `forge-lsp check --write-baseline`, relative to the "
        "project root: its findings are shown as hints, or hidden (editor only).",
    ),
    Setting(
        "baseline_findings",
        "baselineFindings",
        choice(*BASELINE_FINDINGS),
        "What the editor does with findings recorded in the baseline: hint or hide.",
    ),
)

# Every numeric setting has a range (README, "Configuration", says why these).
NUMBERS = {s.name: s.kind.check for s in RULE_SETTINGS if isinstance(s.kind.check, WholeNumber)}

# Settings that belong to the editor extension (VS Code's launcher) are accepted and ignored.
EXTENSION_KEYS = frozenset({"trace", "interpreter", "serverargs"})


def _claude(value: object, origin: str, project: bool) -> Loaded:
    return claude.parse(value, origin, project=project)


RULES = Section(
    RULE_SETTINGS,
    Settings(),
    nested={"claude": _claude},
    ignored=EXTENSION_KEYS,
    shown=lambda value: type(value).__name__,
)


def parse(raw: object, origin: str, *, project: bool = False) -> Loaded:
    """Validate one source's settings (a mapping); `origin` names it in messages; `project`
    marks a file in the repository (which may not set a key or turn Claude on)."""
    return RULES.parse(raw, origin, project=project)


def validate_rule_options(settings: Settings, origin: str) -> tuple[Settings, list[str]]:
    """Check per-rule options against the rules' declared options (imports the rule registry).

    Every rule also accepts `minConfidence` (the floor of its own findings, above the global
    one). Unknown rules, unknown options and values of the wrong type are dropped and reported.
    """
    from forge_lsp.rules import registry

    errors: list[str] = []
    clean: dict[str, dict[str, Any]] = {}
    for code, options in settings.rules.items():
        rule = registry.get(code)
        if rule is None:
            errors.append(f"{origin}.rules.{code}: no rule has this code")
            continue
        declared = {normalize(option.name): option for option in rule.options}
        for key, value in options.items():
            if normalize(key) == normalize(RULE_MIN_CONFIDENCE):
                try:
                    clean.setdefault(code, {})[RULE_MIN_CONFIDENCE] = _confidence(value)
                except ValueError as problem:
                    errors.append(f"{origin}.rules.{code}.{key}: {problem}")
                continue
            option = declared.get(normalize(key))
            if option is None:
                known = ", ".join([*(o.name for o in rule.options), RULE_MIN_CONFIDENCE])
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
    claude_settings: dict[str, Any] = {}
    for layer in layers:
        merged.update(layer)
        claude_settings.update(layer.get("claude", {}))  # key by key within the table too
    merged["claude"] = claude.combine(claude_settings)
    return Settings(**merged, root=root)
