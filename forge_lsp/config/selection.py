"""Which rules run and how: the part of the settings the engine checks a file with.

It lives with the settings (the engine imports it from here) so that `Settings.selection()`
needs nothing above this layer; the rule registry is imported on first use only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from forge_lsp.core.model import Confidence, Finding, Severity

if TYPE_CHECKING:
    from forge_lsp.rules.base import Rule


# The option every rule accepts under `[tool.forge.rules.CODE]`, besides its declared ones.
RULE_MIN_CONFIDENCE = "minConfidence"


@dataclass(frozen=True)
class RuleSelection:
    """Which rules run and how: code prefixes selected and ignored, severities, options, and
    the least confidence a finding needs to be reported."""

    select: tuple[str, ...] = ("FG",)
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, Severity] = field(default_factory=dict)
    options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    # Findings less sure than this are left out (the `minConfidence` setting); LOW shows all.
    min_confidence: Confidence = Confidence.LOW

    def shows(self, finding: Finding) -> bool:
        """Whether `finding` is sure enough to report: at least as sure as the global floor
        and as its rule's own `minConfidence` option, if set (a rule's floor only raises it)."""
        own = self.options.get(finding.code, {}).get(RULE_MIN_CONFIDENCE)
        floor = self.min_confidence
        if isinstance(own, str):
            floor = min(floor, Confidence.parse(own))  # the stricter: HIGH is the smallest
        return passes_min_confidence(finding.confidence, floor)

    def enabled(self, code: str) -> bool:
        """A code runs when its longest matching select prefix beats every matching ignore."""
        selected = max((len(p) for p in self.select if code.startswith(p)), default=-1)
        ignored = max((len(p) for p in self.ignore if code.startswith(p)), default=-1)
        return selected > ignored

    def rules_for(self, language: str) -> list[Rule]:
        from forge_lsp.rules import registry  # loaded with the first check, not with settings

        return [
            rule
            for rule in registry.all_rules()
            if language in rule.languages and self.enabled(rule.code)
        ]

    def options_for(self, rule: Rule) -> dict[str, Any]:
        configured = self.options.get(rule.code, {})
        return {opt.name: configured.get(opt.name, opt.default) for opt in rule.options}


def passes_min_confidence(confidence: Confidence, minimum: Confidence) -> bool:
    """True when a finding of `confidence` is at least as sure as `minimum` (high passes every
    floor, low only the floor `low`, which is the default and shows everything)."""
    return confidence <= minimum  # Confidence counts from HIGH = 1: smaller is surer
