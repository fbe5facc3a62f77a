"""The rule scaffold (`scripts/new_rule.py`) makes a rule that loads, passes its fixtures, shows
its finding end to end and prints its doc: all in a temporary copy of the checkout, so the
repository itself is never written."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
SCRIPT = ROOT / "scripts" / "new_rule.py"
CODE = "FG990"
NAME = "scaffolded-example-rule"
MODULE = "fg990_scaffolded_example_rule"
LANGUAGES = ("go", "java", "javascript", "kotlin", "python", "rust", "tsx", "typescript")


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run Python in `cwd` with the copy's `forge_lsp` first on the import path."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(cwd), os.environ.get("PYTHONPATH", "")]),
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONIOENCODING": "utf-8",
    }
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


def copy_checkout(into: Path) -> Path:
    """What the scaffold and the rule's tests need of the checkout."""
    for folder in ("forge_lsp", "scripts", "docs/rules"):
        shutil.copytree(ROOT / folder, into / folder, ignore=shutil.ignore_patterns("__pycache__"))
    for file in ("README.md", "pyproject.toml", "tests/rules/test_fixtures.py"):
        (into / file).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / file, into / file)
    return into


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the checkout with FG990 scaffolded in every language."""
    copy = copy_checkout(tmp_path_factory.mktemp("checkout"))
    done = run(
        str(SCRIPT), CODE, NAME, "--languages", "all", "--severity", "info", "--root", str(copy),
        cwd=copy,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return copy


def test_writes_the_rule_its_fixtures_readme_row_and_docs(checkout: Path) -> None:
    assert (checkout / "forge_lsp" / "rules" / f"{MODULE}.py").is_file()
    for language in LANGUAGES:
        folder = checkout / "tests" / "fixtures" / "rules" / CODE / language
        assert sorted(p.stem for p in folder.iterdir()) == ["negative", "positive"]
    readme = (checkout / "README.md").read_text(encoding="utf-8")
    assert f"| {CODE} | `{NAME}`" in readme  # what tests/test_readme.py asks of every rule
    assert (checkout / "docs" / "rules" / f"{CODE}.md").is_file()
    assert run("scripts/gen_rule_docs.py", "--check", cwd=checkout).returncode == 0


def test_the_registry_loads_the_rule(checkout: Path) -> None:
    done = run(
        "-c",
        "from forge_lsp.rules import registry; rule = registry.get('fg990'); "
        "print(rule.name, rule.severity.label, ','.join(sorted(rule.languages)))",
        cwd=checkout,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [NAME, "info", ",".join(LANGUAGES)]


def test_its_fixtures_pass_the_fixture_test(checkout: Path) -> None:
    done = run(
        "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/rules/test_fixtures.py",
        "-k", CODE, cwd=checkout,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    # A positive and a negative file per language, plus the doc and fixture checks of the rule.
    assert re.search(rf"\b{2 * len(LANGUAGES) + 2} passed\b", done.stdout), done.stdout


def test_check_reports_the_example_finding(checkout: Path) -> None:
    fixtures = f"tests/fixtures/rules/{CODE}/python"
    done = run(
        "-m", "forge_lsp", "check", f"{fixtures}/positive.py", f"{fixtures}/negative.py",
        cwd=checkout,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert done.stdout.startswith(f"{fixtures}/positive.py:3:5 {CODE} "), done.stdout
    assert len(done.stdout.splitlines()) == 1


def test_forge_lsp_rule_prints_its_doc(checkout: Path) -> None:
    done = run("-m", "forge_lsp", "rule", CODE, cwd=checkout)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"# {CODE} {NAME}\n")
    assert "## What it does" in done.stdout and "## How to test it" in done.stdout


@pytest.mark.skipif(importlib.util.find_spec("ruff") is None, reason="ruff is not installed")
def test_the_rule_module_is_lint_and_format_clean(checkout: Path) -> None:
    module = f"forge_lsp/rules/{MODULE}.py"
    for args in (["check", module], ["format", "--check", module]):
        done = run("-m", "ruff", *args, cwd=checkout)
        assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize(
    ("code", "name", "error"),
    [
        ("FG101", "brand-new-rule", "FG101 is taken by fg101_sql_built_from_strings.py"),
        ("FG991", "secret-in-log", "the name 'secret-in-log' is taken"),
        (CODE, "another-new-rule", f"{CODE} is taken by {MODULE}.py"),
    ],
    ids=["taken-code", "taken-name", "scaffolded-code"],  # not codes: `-k FG101` is FG101's
)
def test_refuses_a_taken_code_or_name(checkout: Path, code: str, name: str, error: str) -> None:
    before = sorted(checkout.rglob("*"))
    done = run(str(SCRIPT), code, name, "--languages", "python", "--root", str(checkout), cwd=ROOT)
    assert done.returncode == 1
    assert error in done.stderr
    assert sorted(checkout.rglob("*")) == before


def test_the_repository_is_left_alone(checkout: Path) -> None:
    assert not list((ROOT / "forge_lsp" / "rules").glob("fg990_*"))
    assert not (ROOT / "tests" / "fixtures" / "rules" / CODE).exists()
    assert not (ROOT / "docs" / "rules" / f"{CODE}.md").exists()
    assert f"| {CODE} |" not in (ROOT / "README.md").read_text(encoding="utf-8")
