"""Settings from the editor and from project files, over real LSP."""

from __future__ import annotations

import pytest
from lsprotocol import types

from tests.e2e.session import HANDLER, Session


@pytest.mark.init_options({"severity": {"FG301": "critical"}, "selectt": ["FG1"]})
async def test_invalid_settings_get_one_message_naming_them_and_defaults_apply(
    session: Session,
) -> None:
    uri = session.open("files.py", HANDLER, "python")
    [finding] = await session.diagnostics(uri)
    assert finding.severity == types.DiagnosticSeverity.Warning  # the default severity
    warnings = [m for m in session.messages if m.type == types.MessageType.Warning]
    assert len(warnings) == 1
    assert "initializationOptions.severity" in warnings[0].message
    assert "'critical'" in warnings[0].message
    assert "initializationOptions.selectt: unknown setting" in warnings[0].message


@pytest.mark.init_options({"severity": {"FG301": "error"}})
async def test_editor_settings_set_severity(session: Session) -> None:
    uri = session.open("files.py", HANDLER, "python")
    [finding] = await session.diagnostics(uri)
    assert finding.severity == types.DiagnosticSeverity.Error


async def test_workspace_configuration_changes_apply_to_open_documents(session: Session) -> None:
    uri = session.open("files.py", HANDLER, "python")
    assert len(await session.diagnostics(uri)) == 1
    session.client.set_configuration({"ignore": ["FG3"]}, section="forge")
    published = len(session.published[uri])
    session.client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings=None)
    )
    if session.pulls:
        await session.until(lambda: session.client.diagnostic_refresh_count > 0, "a refresh")
        assert await session.diagnostics(uri) == []
    else:
        await session.until(
            lambda: (
                len(session.published[uri]) > published
                and not session.published[uri][-1].diagnostics
            ),
            "diagnostics re-published without FG301",
        )


async def test_project_file_settings_win_and_exclude_works(session: Session) -> None:
    session.write(
        "pyproject.toml",
        '[project]\nname = "svc"\n\n[tool.forge]\nexclude = ["generated/**"]\n\n'
        '[tool.forge.severity]\nFG301 = "hint"\n',
    )
    uri = session.open("app/files.py", HANDLER, "python")
    [finding] = await session.diagnostics(uri)
    assert finding.severity == types.DiagnosticSeverity.Hint
    excluded = session.open("generated/files.py", HANDLER, "python")
    assert await session.diagnostics(excluded) == []


async def test_forge_toml_serves_repositories_that_are_not_python(session: Session) -> None:
    session.write("forge.toml", 'ignore = ["FG301"]\n')
    uri = session.open("web/load.js", "try { read(); } catch (e) {}\n", "javascript")
    assert await session.diagnostics(uri) == []


async def test_invalid_project_file_is_reported_by_name_and_ignored(session: Session) -> None:
    session.write("pyproject.toml", '[tool.forge]\nmax-file-size = "big"\nselect = ["XX1"]\n')
    uri = session.open("files.py", HANDLER, "python")
    assert len(await session.diagnostics(uri)) == 1
    message = await session.until(
        lambda: next((m for m in session.messages if "pyproject.toml" in m.message), None),
        "a message naming the project file",
    )
    assert "max-file-size" in message.message and "'XX1'" in message.message
    broken = session.write("sub/pyproject.toml", "[tool.forge\n")
    other = session.open("sub/files.py", HANDLER, "python")
    assert len(await session.diagnostics(other)) == 1
    await session.until(
        lambda: any(str(broken) in m.message for m in session.messages),
        "a message about the unreadable TOML",
    )


async def test_a_debounce_out_of_range_is_reported_and_the_lower_layer_applies(
    session: Session,
) -> None:
    """81 minutes of debounce (a fuzzed session's settings) once left a file without
    diagnostics: the value is refused, said so, and initializationOptions' 0 ms applies."""
    uri = session.open("files.py", HANDLER, "python")
    assert len(await session.diagnostics(uri)) == 1
    settings = {"debounceMs": 4_888_238}
    session.client.set_configuration(settings, section="forge")
    session.client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"forge": settings})
    )
    warning = await session.until(
        lambda: next((m for m in session.messages if "forge.debounceMs" in m.message), None),
        "a message about forge.debounceMs",
    )
    assert warning.type == types.MessageType.Warning
    assert "from 0 to 2,000, got 4888238" in warning.message
    version = session.change(uri, "# edited\n" + HANDLER)
    [finding] = await session.diagnostics(uri, version)  # within seconds, not 81 minutes
    assert finding.code == "FG301"


@pytest.mark.init_options({"minConfidence": "sure"})
async def test_an_invalid_min_confidence_is_one_message_and_shows_everything(
    session: Session,
) -> None:
    uri = session.open("files.py", HANDLER, "python")
    [finding] = await session.diagnostics(uri)
    assert isinstance(finding.data, dict) and finding.data["confidence"] == "high"
    warnings = [m for m in session.messages if m.type == types.MessageType.Warning]
    assert len(warnings) == 1
    assert "initializationOptions.minConfidence: expected one of low, medium, high" in (
        warnings[0].message
    )


async def test_a_project_min_confidence_of_high_keeps_high_findings(session: Session) -> None:
    session.write("forge.toml", 'min-confidence = "high"\n')
    uri = session.open("files.py", HANDLER, "python")
    [finding] = await session.diagnostics(uri)
    assert finding.code == "FG301" and finding.data["confidence"] == "high"


# A parameter of unknown origin reaching SQL: issue 13 makes FG101 report it at medium.
PARAMETER_TO_SQL = (
    "def find_user_by_email(cursor, email):\n"
    "    cursor.execute(f\"SELECT id, name FROM users WHERE email = '{email}'\")\n"
    "    return cursor.fetchone()\n"
)


async def test_min_confidence_hides_a_less_sure_finding(session: Session) -> None:
    uri = session.open("repo.py", PARAMETER_TO_SQL, "python")
    [finding] = [d for d in await session.diagnostics(uri) if d.code == "FG101"]
    assert isinstance(finding.data, dict)
    confidence = finding.data["confidence"]
    if confidence == "high":
        # Enables itself once FG101 (dataflow, issue 13) reports unknown parameters at medium;
        # until then tests/unit/test_confidence.py covers the filter in the server's analysis.
        pytest.skip("FG101 reports no finding below high confidence yet")
    floor = "high" if confidence == "medium" else "medium"
    session.client.set_configuration({"minConfidence": floor}, section="forge")
    published = len(session.published[uri])
    session.client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings=None)
    )
    if session.pulls:
        await session.until(lambda: session.client.diagnostic_refresh_count > 0, "a refresh")
        assert [d for d in await session.diagnostics(uri) if d.code == "FG101"] == []
    else:
        await session.until(
            lambda: (
                len(session.published[uri]) > published
                and not [d for d in session.published[uri][-1].diagnostics if d.code == "FG101"]
            ),
            f"diagnostics re-published without the {confidence} FG101 finding",
        )


def _record_baseline(session: Session, name: str) -> None:
    """Write the baseline as a team would, with the command line, over the files on disk."""
    from forge_lsp.cli.main import main

    target = session.root / ".forge-baseline.json"
    assert main(["check", str(session.root / name), "-q", "--write-baseline", str(target)]) == 0


async def test_a_baseline_shows_recorded_findings_as_hints_and_new_ones_as_they_are(
    session: Session,
) -> None:
    session.write("forge.toml", 'baseline = ".forge-baseline.json"\n')
    session.write("app/files.py", HANDLER)
    _record_baseline(session, "app/files.py")
    uri = session.open("app/files.py", "import os\n\n" + HANDLER, "python")  # lines moved
    [recorded] = await session.diagnostics(uri)
    assert recorded.code == "FG301" and recorded.severity == types.DiagnosticSeverity.Hint
    assert recorded.message.endswith("(recorded in the baseline)")
    version = session.change(
        uri, "import os\n\n" + HANDLER + "\n\n" + HANDLER.replace("save", "keep")
    )
    found = await session.diagnostics(uri, version)
    assert sorted(d.severity for d in found) == [
        types.DiagnosticSeverity.Warning,  # the new copy, in a new function
        types.DiagnosticSeverity.Hint,
    ]


async def test_a_baseline_can_hide_what_it_recorded(session: Session) -> None:
    session.write("forge.toml", 'baseline = ".forge-baseline.json"\nbaseline-findings = "hide"\n')
    session.write("files.py", HANDLER)
    _record_baseline(session, "files.py")
    uri = session.open("files.py", HANDLER, "python")
    assert await session.diagnostics(uri) == []


async def test_a_missing_baseline_is_one_message_and_findings_show_as_usual(
    session: Session,
) -> None:
    session.write("forge.toml", 'baseline = "nowhere.json"\n')
    uri = session.open("files.py", HANDLER, "python")
    [finding] = await session.diagnostics(uri)
    assert finding.severity == types.DiagnosticSeverity.Warning
    message = await session.until(
        lambda: next((m for m in session.messages if "baseline" in m.message), None),
        "a message about the baseline",
    )
    assert "nowhere.json does not exist" in message.message
