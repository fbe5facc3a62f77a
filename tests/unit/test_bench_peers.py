"""The peer benchmark (bench/peers.py) reports a failing server instead of hanging or stopping,
types where it says it types, and reads the peers' fixed debounces from their own source.

No timings are asserted: the benchmark's figures are figures, not tests.
"""

from __future__ import annotations

import ast
import asyncio
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.fixture(scope="module")
def peers() -> Iterator[ModuleType]:
    """bench/peers.py, imported the way `python bench/run.py` imports it (bench/ on the path)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(BENCH))
        import peers as module

        yield module


def _type_at(text: str, line: int, column: int, count: int) -> str:
    lines = text.split("\n")
    lines[line] = lines[line][:column] + "x" * count + lines[line][column:]
    return "\n".join(lines)


def test_the_edit_is_inside_a_function_and_keeps_the_file_valid_python(peers) -> None:
    import codegen

    text = codegen.generate("python", 1000)
    line, column = codegen.string_in_function_edit_point(text)
    edited = _type_at(text, line, column, 20)
    tree = ast.parse(edited)  # every server checks real code, not one syntax error
    functions = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef) and node.lineno <= line + 1 <= node.end_lineno
    ]
    assert functions, "the edit must be in a function: Forge's incremental path"
    assert line > text.count("\n") // 2


def test_a_server_that_cannot_start_is_recorded_as_failed(peers, tmp_path: Path) -> None:
    cell = peers.StartupCell()
    peers._start_into(cell, [sys.executable, "-c", "pass"], None, tmp_path)
    assert cell.ms == [] and cell.rss_kb == []
    assert len(cell.failures) == 1


def test_a_server_that_starts_is_timed_and_measured(peers, tmp_path: Path) -> None:
    from lsp_client import bare_command

    cell = peers.StartupCell()
    peers._start_into(cell, bare_command(), None, tmp_path)
    assert cell.failures == []
    assert len(cell.ms) == 1 and cell.ms[0] > 0
    assert len(cell.rss_kb) == 1 and cell.rss_kb[0] > 0


def test_a_server_that_never_publishes_times_out_and_shows_a_dash(
    peers, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bare pygls answers `initialize` but publishes nothing: the run must end, say why, and
    leave the figures empty rather than hang or raise."""
    import codegen
    from lsp_client import bare_command

    monkeypatch.setattr(peers, "PUBLISH_TIMEOUT", 0.5)
    monkeypatch.setattr(peers, "SETTLE_SECONDS", 0)
    server = peers.Server("silent", bare_command, lambda: "0", None, True)
    path = tmp_path / "service.py"
    path.write_text(codegen.generate("python", 300))
    runs = asyncio.run(peers.measure_file(server, bare_command(), tmp_path, path, 3))
    assert [run.failure for run in runs] == ["timed out"]
    assert runs[0].open_ms is None and runs[0].change_ms == []

    results = peers.Results(1, (300,), 3, {}, {}, {}, runs, {"silent": None}, [], ["FG101"])
    table, notes = peers.diagnostics_table(results)
    row = table.splitlines()[-1]
    assert row.startswith("| silent |") and row.count("—") == 7
    assert notes and "timed out" in notes[0] and "0 of 3 edits" in notes[0]


def test_forge_is_timed_on_both_edits_and_reports_its_findings(peers, tmp_path: Path) -> None:
    import codegen
    from lsp_client import forge_command

    forge = next(server for server in peers.SERVERS if server.name == "Forge")
    path = tmp_path / "service.py"
    path.write_text(codegen.generate("python", 300))
    runs = asyncio.run(peers.measure_file(forge, forge_command(), tmp_path, path, 2))
    assert [run.edit for run in runs] == ["in a function", "top level (full check)"]
    for run in runs:
        assert run.failure is None
        assert len(run.change_ms) == 2
        assert run.open_count and run.open_count > 0
        assert run.last_count == run.open_count  # typing in a string changes no finding


def test_debounces_are_read_from_the_installed_peers(
    peers, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tools

    monkeypatch.setattr(tools, "tools_dir", lambda: tmp_path)
    assert peers.debounce_ms()["pylsp"] is None  # not installed: unknown, not guessed
    site = tmp_path / "python-lsp-server" / "lib" / "python3.11" / "site-packages"
    (site / "pylsp").mkdir(parents=True)
    (site / "pylsp" / "python_lsp.py").write_text("LINT_DEBOUNCE_S = 0.25  # 250 ms\n")
    jedi = tmp_path / "jedi-language-server" / "lib" / "python3.11" / "site-packages"
    (jedi / "jedi_language_server").mkdir(parents=True)
    (jedi / "jedi_language_server" / "server.py").write_text(
        '@jedi_utils.debounce(2, keyed_by="uri")\ndef _publish_diagnostics(\n'
    )
    found = peers.debounce_ms()
    assert found["pylsp"] == 250.0
    assert found["jedi-language-server"] == 2000.0


def test_ruff_rules_are_read_from_show_settings(peers) -> None:
    output = (
        "linter.unresolved_target_version = 3.10\n"
        "linter.rules.enabled = [\n"
        "\tunused-import (F401),\n"
        "\tblind-except (BLE001),\n"
        "\tsys-version-slice3 (YTT101),\n"
        "]\n"
        "linter.rules.should_fix = [\n\tunused-import (F401),\n]\n"
    )
    assert peers.enabled_rules(output) == ["F401", "BLE001", "YTT101"]
    assert peers.enabled_rules("no such block") == []
    assert peers.rule_families(["F401", "F811", "BLE001"]) == "2 F, 1 BLE"


def test_comparisons_name_the_faster_server(peers) -> None:
    assert peers.compare("Forge", 10, "pylsp", 600) == "Forge 60x faster than pylsp"
    assert peers.compare("Forge", 30, "ruff server", 10) == "ruff server 3.0x faster than Forge"
