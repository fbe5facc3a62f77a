"""Real Emacs eglot, in batch mode, against the real Forge server over stdio.

`eglot_forge.el` configures Forge with the README's eglot snippet, starts it with M-x eglot in
a temp project, and drives flymake diagnostics, hover, the suppression quick fix from eglot's
code-action menu, and Forge with Claude (Review selection and Ask Forge... from the same menu,
against the project's fake Messages API started here). It writes what Emacs saw to a JSON file
and keeps eglot's events buffer; Emacs runs once per module and each test checks one surface.

Emacs comes from Debian (`emacs-nox`, `elpa-eglot`; `.ci/run` installs them). Without it the
tests skip, except in CI (`CI` set), where they must run.
"""

from __future__ import annotations

import json
import os
import re
import shutil
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
HARNESS = HERE / "eglot_forge.el"
REPO = HERE.parent.parent
SNIPPET = re.compile(r"^;; BEGIN README SNIPPET\n(.*?)^;; END README SNIPPET$", re.S | re.M)
EXCEPT_LINE = "    except Exception:"
PYTHON_SOURCE = f"""\
def run():
    try:
        risky()
{EXCEPT_LINE}
        pass
"""

pytestmark = pytest.mark.skipif(os.name == "nt", reason="the forge-lsp shim is a POSIX script")


@dataclass
class EmacsRun:
    result: dict[str, Any]
    returncode: int
    output: str
    events: str
    seconds: float

    def explain(self, message: str) -> str:
        shown = {k: v for k, v in self.result.items() if k not in {"hover"}}
        result = json.dumps(shown, indent=1, ensure_ascii=False)
        events = "\n".join(self.events.splitlines()[-120:])
        return (
            f"{message}\n--- harness error: {self.result.get('error')}\n"
            f"--- emacs exit code {self.returncode}, {self.seconds:.1f} s\n"
            f"--- result (hover left out):\n{result}\n--- emacs output:\n{self.output}\n"
            f"--- *EGLOT events* (tail):\n{events}"
        )

    def get(self, key: str) -> Any:
        if key not in self.result:
            pytest.fail(self.explain(f"the harness did not get as far as {key!r}"))
        return self.result[key]


@pytest.fixture(scope="module")
def emacs_run(tmp_path_factory: pytest.TempPathFactory) -> EmacsRun:
    emacs = shutil.which("emacs")
    if emacs is None:
        if os.environ.get("CI"):
            pytest.fail("emacs is not installed: .ci/run installs emacs-nox and elpa-eglot")
        pytest.skip("emacs not installed (apt-get install emacs-nox elpa-eglot); runs in CI")
    base = tmp_path_factory.mktemp("emacs")
    project = editor_project(base, PYTHON_SOURCE, "EMACS")
    out = base / "out"
    out.mkdir()
    project.env.update(
        {
            "HOME": str(base / "home"),  # no ~/.emacs.d, no eglot state from the user
            "FORGE_EMACS_OUT": str(out),
        }
    )
    command = [emacs, "-Q", "--batch", "-l", str(HARNESS)]
    proc, seconds = run_editor(command, project, base)
    result_file = out / "result.json"
    result = (
        json.loads(result_file.read_text(encoding="utf-8"))
        if result_file.exists()
        else {"error": "no result.json"}
    )
    events_file = out / "events.txt"
    events = (
        events_file.read_text(encoding="utf-8", errors="replace") if events_file.exists() else ""
    )
    run = EmacsRun(result, proc.returncode, proc.stdout + proc.stderr, events, seconds)
    print(f"\nemacs run: {seconds:.2f} s, steps {result.get('steps')}")
    return run


def test_harness_completed(emacs_run: EmacsRun) -> None:
    assert emacs_run.result.get("ok") is True and emacs_run.returncode == 0, emacs_run.explain(
        "the Emacs harness failed"
    )


def test_starts_with_readme_config(emacs_run: EmacsRun) -> None:
    assert emacs_run.get("program") == ["forge-lsp"], emacs_run.explain("not the README's program")
    assert emacs_run.get("server_info") == "forge-lsp", emacs_run.explain("serverInfo")


def test_flymake_shows_the_finding(emacs_run: EmacsRun) -> None:
    [d] = [d for d in emacs_run.get("diagnostics") if d["code"] == "FG301"]
    assert d["source"] == "forge", emacs_run.explain("source")
    assert d["text"].startswith("forge [FG301]: "), emacs_run.explain("flymake text")
    assert (d["line"], d["character"]) == (3, 4), emacs_run.explain("position")
    assert d["covered"] == "except Exception:", emacs_run.explain("range in the buffer")


def test_hover_shows_rule_doc(emacs_run: EmacsRun) -> None:
    hover = emacs_run.get("hover")
    assert hover and "FG301" in hover and "What it does" in hover, emacs_run.explain("hover")


def test_disable_quick_fix_edits_the_buffer(emacs_run: EmacsRun) -> None:
    assert "Disable FG301 for this line" in emacs_run.get("code_actions"), emacs_run.explain(
        "quick fix not offered"
    )
    line = emacs_run.get("edited_line")
    assert line == EXCEPT_LINE + "  # forge: ignore[FG301]", emacs_run.explain("edited line")
    codes = [d["code"] for d in emacs_run.get("remaining")]
    assert "FG301" not in codes, emacs_run.explain("FG301 still shown after the edit")


def test_claude_review_shows_in_flymake(emacs_run: EmacsRun) -> None:
    assert "Review selection with Forge" in emacs_run.get("review_offered"), emacs_run.explain(
        "review not offered"
    )
    [d] = emacs_run.get("claude_diagnostics")
    assert d["source"] == "forge (claude)", emacs_run.explain("Claude diagnostic source")
    assert d["code"].startswith("FGC"), emacs_run.explain("Claude diagnostic code")
    assert d["covered"] == "return response.json()", emacs_run.explain("range is the quote")
    assert d["text"].startswith("forge (claude) [FGC"), emacs_run.explain("flymake text")
    assert "FG101" in emacs_run.get("claude_rule_codes"), emacs_run.explain("rules beside it")
    said = " ".join(emacs_run.get("claude_messages"))
    assert "Forge found 1 issue in 4 lines." in said, emacs_run.explain("no closing message")


def test_claude_finding_hover_explains(emacs_run: EmacsRun) -> None:
    hover = emacs_run.get("claude_hover")
    assert hover and "raise_for_status" in hover, emacs_run.explain("hover on Claude's finding")


def test_ask_forge_names_or_opens_the_answer_document(emacs_run: EmacsRun) -> None:
    assert "Ask Forge..." in emacs_run.get("ask_offered"), emacs_run.explain("ask not offered")
    shown = emacs_run.get("ask_shown")
    if shown:  # eglot >= 1.14 (Emacs 30) opens it through window/showDocument
        path = Path(emacs_run.get("ask_buffer"))
        assert path.as_uri() == shown[0], emacs_run.explain("the answer was not opened")
    else:  # eglot 1.9 cannot: Forge names the file in a message
        said = [m for m in emacs_run.get("claude_messages") if "answer is in" in m]
        assert said, emacs_run.explain("no message naming the answer document")
        path = Path(said[0].split("answer is in ", 1)[1].strip())
    text = path.read_text(encoding="utf-8")
    assert "A `5xx` error page is decoded as JSON" in text, emacs_run.explain("answer content")


def test_server_shuts_down(emacs_run: EmacsRun) -> None:
    assert emacs_run.get("stopped") is True, emacs_run.explain("server still running")


def eglot_protocol_problems(events: str) -> list[str]:
    """Entries of *EGLOT events* showing a protocol problem: an error reply either way, an
    internal error, a log message at warning or error level, and the server's stderr at
    WARNING or above."""
    problems = []
    for entry in re.split(r"^(?=\[[a-z-]+\])", events, flags=re.M):
        head = entry.split("\n", 1)[0]
        if head.startswith("[stderr]"):
            problems += protocol_problems_in_stderr(entry)
            continue
        error_reply = head.startswith(("[server-reply]", "[client-reply]")) and ":error" in entry
        internal = head.startswith("[internal]") and re.search(r":error|warn", entry, re.I)
        log_message = '"window/logMessage"' in entry and re.search(r":type [12]\b", entry)
        if error_reply or internal or log_message:
            problems.append(entry)
    return problems


def test_no_protocol_errors_in_eglot_events(emacs_run: EmacsRun) -> None:
    assert "[server-reply]" in emacs_run.events, emacs_run.explain("no events buffer saved")
    problems = eglot_protocol_problems(emacs_run.events)
    assert not problems, emacs_run.explain("protocol problems:\n" + "\n".join(problems))


def test_hover_kind_is_one_eglot_advertised(emacs_run: EmacsRun) -> None:
    """eglot without markdown-mode advertises plaintext hovers only."""
    advertised = re.search(
        r":hover\s*\(:dynamicRegistration \S+ :contentFormat\s*\[([^\]]*)\]", emacs_run.events
    )
    assert advertised, emacs_run.explain("no hover capability in initialize")
    kinds = set(re.findall(r'"(\w+)"', advertised.group(1)))
    sent = set(re.findall(r'\(:kind "(\w+)" :value', emacs_run.events))
    assert sent and sent <= kinds, emacs_run.explain(f"hover kinds {sent}, advertised {kinds}")


@pytest.mark.parametrize("doc", ["README.md", "docs/editors.md"])
def test_docs_have_the_snippet(doc: str) -> None:
    """What users copy is what this test runs."""
    match = SNIPPET.search(HARNESS.read_text(encoding="utf-8"))
    assert match, f"{HARNESS.name} lacks the README SNIPPET markers"
    assert match.group(1).strip() in (REPO / doc).read_text(encoding="utf-8"), (
        f"{doc} must contain the eglot snippet of {HARNESS.name} verbatim:\n{match.group(1)}"
    )


def test_the_events_check_catches_problems() -> None:
    """The protocol check above is not vacuous: each kind of problem in eglot 1.9's format."""
    clean = '[server-reply] (id:4) Sat Nov 28:\n(:id 4 :jsonrpc "2.0" :result nil)\n'
    error = '[server-reply] (id:5) Sat:\n(:id 5 :error (:code -32602 :message "bad"))\n'
    refused = '[client-reply] (id:x) Sat:\n(:jsonrpc "2.0" :id "x" :error (:code -32601))\n'
    log = (
        '[server-notification] Sat:\n(:method "window/logMessage" :params (:type 1 :message "x"))\n'
    )
    stderr = "[stderr] 2026-11-28 09:30:08,011 WARNING forge_lsp.lsp.server: something\n"
    assert eglot_protocol_problems(clean) == []
    for bad in (error, refused, log, stderr):
        assert eglot_protocol_problems(clean + bad), bad
