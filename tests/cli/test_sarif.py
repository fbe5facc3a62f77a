"""`check --format sarif` produces SARIF 2.1.0 that validates against the official schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from forge_lsp.rules import registry

from .conftest import CLEAN_PY, SWALLOWED_PY, write

SCHEMA_PATH = Path(__file__).parent.parent / "data" / "sarif-schema-2.1.0.json"


@pytest.fixture(scope="module")
def validator() -> jsonschema.Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def test_the_vendored_schema_is_the_official_one(validator):
    schema = validator.schema
    assert schema["$schema"] == "http://json-schema.org/draft-04/schema#"
    assert schema["id"].endswith("/sarif-schema-2.1.0.json")
    minimal = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "t"}}, "results": []}]}
    validator.validate(minimal)
    with pytest.raises(jsonschema.ValidationError):
        validator.validate({"version": "2.1.0", "runs": [{"tool": {"driver": {}}}]})


def test_an_empty_run_validates_and_lists_every_rule(tmp_path, cli, validator):
    write(tmp_path, {"clean.py": CLEAN_PY})
    result = cli("check", ".", "--format", "sarif")
    assert result.returncode == 0
    log = json.loads(result.stdout)
    validator.validate(log)
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "forge"
    ids = [rule["id"] for rule in driver["rules"]]
    # Rules may be added while the suite runs: every known rule is listed, in code order.
    assert set(ids) >= {r.code for r in registry.all_rules()} and ids == sorted(ids)
    assert log["runs"][0]["results"] == []


def test_rule_metadata(tmp_path, cli, validator):
    write(tmp_path, {"clean.py": CLEAN_PY})
    log = json.loads(cli("check", ".", "--format", "sarif").stdout)
    for descriptor in log["runs"][0]["tool"]["driver"]["rules"]:
        rule = registry.get(descriptor["id"])
        if rule is None:
            continue  # added after this test process loaded the registry
        assert descriptor["name"] == rule.name
        assert descriptor["shortDescription"]["text"] == rule.summary
        assert descriptor["help"]["markdown"].startswith(f"# {rule.code} ")
        # The project has no public home yet: no invented URL, the doc travels in `help`.
        assert "helpUri" not in descriptor
        assert descriptor["defaultConfiguration"]["level"] in {"error", "warning", "note"}
        if rule.cwe:
            assert {"security", f"CWE-{rule.cwe}"} <= set(descriptor["properties"]["tags"])


def test_results_have_utf16_columns_and_relative_uris(tmp_path, cli, validator, needs_fg301):
    line = 'const s = "😀"; try { f(); } catch (e) {}\n'
    write(tmp_path, {"web/app one.js": line, "bad.py": SWALLOWED_PY})
    result = cli("check", ".", "--format", "sarif")
    assert result.returncode == 1
    log = json.loads(result.stdout)
    validator.validate(log)
    run = log["runs"][0]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tmp_path.resolve().as_uri() + "/"
    results = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: r for r in run["results"]
    }
    assert set(results) == {"bad.py", "web/app%20one.js"}
    js = results["web/app%20one.js"]
    assert js["ruleId"] == "FG301"
    assert run["tool"]["driver"]["rules"][js["ruleIndex"]]["id"] == "FG301"
    location = js["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
    region = location["region"]
    utf16_index = len(line[: line.index("catch")].encode("utf-16-le")) // 2
    assert region["startColumn"] == utf16_index + 1  # one more than the code point column
    assert region["startLine"] == region["endLine"] == 1
    assert region["endColumn"] > region["startColumn"]
    json_finding = next(
        f for f in json.loads(cli("check", ".", "--format", "json").stdout) if f["path"] != "bad.py"
    )
    assert region["startColumn"] == json_finding["column"] + 1


def test_fixes_are_sarif_fixes(tmp_path, cli, validator):
    """Every fixable rule's fix_input fixture gives results whose fixes validate."""
    fixtures = Path(__file__).parent.parent / "fixtures" / "rules"
    inputs = sorted(fixtures.glob("*/*/fix_input.*"))
    if not inputs:
        pytest.skip("no fixable rule with fixtures yet")
    for index, source in enumerate(inputs):
        write(tmp_path, {f"case{index}/{source.name}": source.read_bytes()})
    log = json.loads(cli("check", ".", "--format", "sarif").stdout)
    validator.validate(log)
    fixes = [fix for r in log["runs"][0]["results"] for fix in r.get("fixes", [])]
    assert fixes, "fix_input fixtures produced no fixes"
    for fix in fixes:
        change = fix["artifactChanges"][0]
        assert change["replacements"][0]["deletedRegion"]["startLine"] >= 1
