"""A finding's confidence survives every path it takes (checks, re-checks after an edit,
severity overrides, suppressions), reaches every output (LSP data and hover, JSON, SARIF,
text), and `minConfidence` hides the findings below it, in the engine both the CLI and the
server check with."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from pathlib import Path

import pytest

from forge_lsp import config
from forge_lsp.config.selection import RuleSelection, passes_min_confidence
from forge_lsp.core import languages
from forge_lsp.core.model import Confidence, Severity
from forge_lsp.engine import checker, incremental, recheck
from forge_lsp.lsp import lsp_convert
from forge_lsp.lsp.analysis import Analyzer, Snapshot
from forge_lsp.lsp.features.hover import rule_hover_markdown
from forge_lsp.lsp.settings_store import SettingsStore
from forge_lsp.report import Position, Reported, sarif, text
from forge_lsp.report import json as json_report
from forge_lsp.report.convert import report_findings
from tests.support.confidence import SWALLOWED_PY, report_at

PYTHON = languages.LANGUAGES["python"]
HANDLER = b"def f{n}():\n    try:\n        work()\n    except Exception:\n        pass\n\n"
MEDIUM, LOW, HIGH = Confidence.MEDIUM, Confidence.LOW, Confidence.HIGH


def handlers(count: int) -> bytes:
    return b"".join(HANDLER.replace(b"{n}", str(n).encode()) for n in range(count))


@pytest.mark.parametrize(
    ("confidence", "minimum", "shown"),
    [
        (HIGH, LOW, True),
        (MEDIUM, LOW, True),
        (LOW, LOW, True),
        (HIGH, MEDIUM, True),
        (MEDIUM, MEDIUM, True),
        (LOW, MEDIUM, False),
        (HIGH, HIGH, True),
        (MEDIUM, HIGH, False),
        (LOW, HIGH, False),
    ],
)
def test_passes_min_confidence(confidence: Confidence, minimum: Confidence, shown: bool) -> None:
    assert passes_min_confidence(confidence, minimum) is shown


# --- the engine -------------------------------------------------------------------------------


def test_the_engine_hides_findings_below_the_floor_and_keeps_the_rest(monkeypatch) -> None:
    report_at(monkeypatch, "FG301", MEDIUM)
    source = handlers(3)
    shown = checker.check(source, PYTHON, RuleSelection(min_confidence=MEDIUM)).findings
    assert [f.confidence for f in shown] == [MEDIUM] * 3
    assert checker.check(source, PYTHON, RuleSelection(min_confidence=HIGH)).findings == []
    assert len(checker.check(source, PYTHON, RuleSelection()).findings) == 3  # default: low


def test_severity_overrides_and_suppressions_keep_the_confidence(monkeypatch) -> None:
    report_at(monkeypatch, "FG301", LOW)
    source = handlers(2).replace(b"    except Exception:\n", b"    except Exception:  # x\n", 1)
    source = source.replace(b"# x", b"# forge: ignore[FG301]")
    selection = RuleSelection(severity={"FG301": Severity.ERROR})
    [finding] = checker.check(source, PYTHON, selection).findings  # the other is suppressed
    assert finding.severity is Severity.ERROR and finding.confidence is LOW


def test_a_recheck_after_an_edit_keeps_carried_and_fresh_findings_confidence(monkeypatch) -> None:
    report_at(monkeypatch, "FG301", MEDIUM)
    source = handlers(20)
    selection = RuleSelection()
    previous = checker.check(source, PYTHON, selection)
    at = source.index(b"work()", len(source) // 2)
    new = source[:at] + b"#" + source[at:]  # inside one function: a partial re-check
    edit = incremental.diff(source, new)
    assert edit is not None
    incremental.edit_tree(previous.tree, edit)
    result = recheck.check_after_edit(
        new, PYTHON, selection, previous.tree, edit, previous.findings
    )
    assert result.partial and len(result.findings) == 20
    assert {f.confidence for f in result.findings} == {MEDIUM}
    # Lines above the edit carried over unchanged, lines below it moved: both kept it.
    assert [f.start for f in result.findings] == [
        f.start for f in checker.check(new, PYTHON, selection).findings
    ]


def test_a_shifted_finding_keeps_its_confidence_and_data(monkeypatch) -> None:
    report_at(monkeypatch, "FG301", LOW)
    source = handlers(1)
    [finding] = checker.check(source, PYTHON, RuleSelection()).findings
    new = b"import os\n" + source
    edit = incremental.diff(source, new)
    assert edit is not None
    moved = incremental.shifted(finding, edit)
    assert moved is not None and moved.start.line == finding.start.line + 1
    assert moved.confidence is LOW and moved.data == finding.data


# --- the setting ------------------------------------------------------------------------------


def test_min_confidence_parses_in_any_key_style_and_case() -> None:
    for key in ("minConfidence", "min-confidence", "min_confidence"):
        loaded = config.parse({key: "Medium"}, "forge")
        assert loaded.errors == [] and loaded.values == {"min_confidence": "medium"}
    assert config.combine({"min_confidence": "high"}).selection().min_confidence is HIGH
    assert config.Settings().selection().min_confidence is LOW


@pytest.mark.parametrize("value", ["sure", "", 2, None, ["high"]])
def test_an_invalid_min_confidence_is_one_message_and_the_default(value: object) -> None:
    loaded = config.parse({"minConfidence": value}, "forge")
    assert loaded.values == {}
    [error] = loaded.errors
    assert error.startswith("forge.minConfidence: expected one of low, medium, high, got ")


def test_a_project_file_may_set_min_confidence(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.forge]\nmin-confidence = "medium"\n')
    found = config.find_project_config(tmp_path)
    assert found.loaded.errors == []
    assert found.loaded.values == {"min_confidence": "medium"}


def test_an_invalid_editor_value_falls_back_to_the_lower_layer_once() -> None:
    reported: list[list[str]] = []
    store = SettingsStore(reported.append)
    store.set_editor({"minConfidence": "medium"})
    store.set_editor(None, {"minConfidence": "certain"})
    assert store.for_path(None).min_confidence == "medium"  # initializationOptions'
    assert reported == [["forge.minConfidence: expected one of low, medium, high, got 'certain'"]]
    store.set_editor(None, {"minConfidence": "certain"})
    assert len(reported) == 1  # once per session
    store.set_editor({"minConfidence": "certain"}, None)
    assert store.for_path(None).min_confidence == "low"  # in the end, the default
    assert reported[-1] == [
        "initializationOptions.minConfidence: expected one of low, medium, high, got 'certain'"
    ]


def _rule_floor(value: object) -> tuple[config.Settings, list[str]]:
    combined = config.combine({"rules": {"FG301": {"min-confidence": value}}})
    return config.validate_rule_options(combined, "forge.toml")


def test_a_rules_own_min_confidence_raises_its_floor_only(monkeypatch) -> None:
    settings, errors = _rule_floor("Medium")
    assert errors == [] and settings.rules == {"FG301": {"minConfidence": "medium"}}
    report_at(monkeypatch, "FG301", LOW)
    source = handlers(1)
    assert checker.check(source, PYTHON, settings.selection()).findings == []
    # The stricter floor wins: a rule's own `low` does not bring back what the global hides.
    lowered, _ = _rule_floor("low")
    strict = dataclasses.replace(lowered, min_confidence="medium")
    assert checker.check(source, PYTHON, strict.selection()).findings == []
    assert len(checker.check(source, PYTHON, lowered.selection()).findings) == 1
    # Other rules keep the global floor, and no rule is handed the option.
    other = RuleSelection(options={"FG301": {"minConfidence": "high"}})
    [low] = checker.check(source, PYTHON, RuleSelection()).findings
    assert not other.shows(low) and other.shows(dataclasses.replace(low, code="FG602"))
    fg301 = next(r for r in other.rules_for("python") if r.code == "FG301")
    assert "minConfidence" not in other.options_for(fg301)


def test_an_invalid_rule_min_confidence_is_reported_and_dropped() -> None:
    settings, errors = _rule_floor(0.5)
    assert settings.rules == {}
    assert errors == [
        "forge.toml.rules.FG301.min-confidence: expected one of low, medium, high, got 0.5"
    ]


# --- the server -------------------------------------------------------------------------------


def _analyze(settings: config.Settings, text_: str) -> list[dict[str, object]]:
    analyzer = Analyzer(lambda _path: settings)
    snapshot = Snapshot("file:///a.py", 1, text_, "python", None, "utf-16", 0)
    analysis = asyncio.run(analyzer.analyze(snapshot))
    return [d.data for d in analysis.diagnostics if isinstance(d.data, dict)]


def test_the_server_hides_low_findings_under_min_confidence_medium(monkeypatch) -> None:
    report_at(monkeypatch, "FG301", LOW)
    shown = _analyze(config.Settings(), SWALLOWED_PY)
    assert [(d["code"], d["confidence"]) for d in shown] == [("FG301", "low")]
    assert _analyze(config.Settings(min_confidence="medium"), SWALLOWED_PY) == []


def test_diagnostic_data_names_the_confidence_even_over_a_claude_score(monkeypatch) -> None:
    report_at(monkeypatch, "FG301", MEDIUM)
    [finding] = checker.check(SWALLOWED_PY.encode(), PYTHON, RuleSelection()).findings
    lines = SWALLOWED_PY.encode().split(b"\n")
    assert lsp_convert.diagnostic(finding, lines, "utf-16", None).data == {
        "code": "FG301",
        "confidence": "medium",
    }
    scored = dataclasses.replace(finding, data={"confidence": 0.9})  # as Claude's review sets
    data = lsp_convert.diagnostic(scored, lines, "utf-16", None).data
    assert isinstance(data, dict) and data["confidence"] == "medium"


def test_hover_names_a_confidence_below_high_on_the_finding_line() -> None:
    medium = rule_hover_markdown("FG301", "Swallowed", "medium")
    assert medium is not None
    assert medium.splitlines()[0] == "**Forge FG301** · Swallowed (confidence: medium)"
    high = rule_hover_markdown("FG301", "Swallowed", "high")
    assert high is not None and high.splitlines()[0] == "**Forge FG301** · Swallowed"


# --- the reports ------------------------------------------------------------------------------


def _reported(monkeypatch, confidence: Confidence) -> Reported:
    report_at(monkeypatch, "FG301", confidence)
    source = SWALLOWED_PY.encode()
    findings = checker.check(source, PYTHON, RuleSelection()).findings
    [reported] = report_findings("bad.py", source, findings)
    return reported


@pytest.mark.parametrize("confidence", list(Confidence))
def test_json_has_a_confidence_per_finding(monkeypatch, confidence: Confidence) -> None:
    [row] = json.loads(json_report.render([_reported(monkeypatch, confidence)]))
    assert row["confidence"] == confidence.label


@pytest.mark.parametrize(("confidence", "rank"), [(HIGH, 90), (MEDIUM, 60), (LOW, 30)])
def test_sarif_states_the_confidence_as_rank_and_property(
    monkeypatch, confidence: Confidence, rank: int
) -> None:
    reported = _reported(monkeypatch, confidence)
    log = json.loads(sarif.render([reported], [], version="0", cwd=Path.cwd()))
    [result] = log["runs"][0]["results"]
    assert result["rank"] == rank
    assert result["properties"] == {"confidence": confidence.label}


def test_text_names_the_confidence_only_when_it_is_not_high(monkeypatch) -> None:
    high = text.format_finding(_reported(monkeypatch, HIGH))
    assert high.startswith("bad.py:3:1 FG301 [warning] ")
    medium = text.format_finding(_reported(monkeypatch, MEDIUM))
    assert medium.startswith("bad.py:3:1 FG301 [warning, medium] ")
    low = text.format_finding(_reported(monkeypatch, LOW))
    assert low.startswith("bad.py:3:1 FG301 [warning, low] ")


def test_a_report_record_is_high_unless_told() -> None:
    start = Position(1, 1, 1)
    assert Reported("a.py", "FG301", "n", "warning", "m", start, start, None).confidence == "high"
