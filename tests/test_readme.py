"""The README stays true: it lists every rule, and its commands name real entry points."""

from __future__ import annotations

from pathlib import Path

from forge_lsp.rules import registry

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def test_readme_lists_every_rule_with_its_name() -> None:
    for rule in registry.all_rules():
        assert f"| {rule.code} | `{rule.name}`" in README, f"README lacks {rule.code}"


def test_readme_states_the_two_commands_ci_relies_on() -> None:
    assert ".venv/bin/forge-lsp check examples/" in README
    assert ".venv/bin/pip install -e '.[test]' && .venv/bin/pytest" in README
