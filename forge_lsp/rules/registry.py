"""The single registry mapping rule codes to rules.

Every module named ``fgNNN_<name>.py`` in this package defines one rule as ``RULE``. Rule
modules are imported on first use, never at server start-up.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from functools import cache

from forge_lsp.rules.base import Rule

_RULE_MODULE = re.compile(r"^fg\d{3}_\w+$")


@cache
def all_rules() -> tuple[Rule, ...]:
    """Every rule, ordered by code."""
    import forge_lsp.rules as package

    rules: list[Rule] = []
    for info in pkgutil.iter_modules(package.__path__):
        if _RULE_MODULE.match(info.name):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            rules.append(module.RULE)
    codes = [rule.code for rule in rules]
    duplicated = {code for code in codes if codes.count(code) > 1}
    if duplicated:
        raise RuntimeError(f"rule codes defined twice: {sorted(duplicated)}")
    return tuple(sorted(rules, key=lambda rule: rule.code))


@cache
def rules_by_code() -> dict[str, Rule]:
    return {rule.code: rule for rule in all_rules()}


def get(code: str) -> Rule | None:
    """The rule with this code (case-insensitive), or None."""
    return rules_by_code().get(code.strip().upper())
