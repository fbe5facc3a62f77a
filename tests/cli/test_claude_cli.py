"""The Claude commands of the CLI against the project's fake Messages API: `ask`, `check --ai`
and `doctor`, each run as a subprocess with the real SDK, its own cache and data folders."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pytest

from tests.editors.support import CLAUDE_FINDING
from tests.support.fake_messages_api import FakeMessagesAPI, RecordedRequest, Reply

from .conftest import Result, write

SCHEMA_PATH = Path(__file__).parent.parent / "data" / "sarif-schema-2.1.0.json"
ANSWER = (
    "**Pass a timeout: this call can hold the worker forever.**\n\n"
    "### Why\n\n`requests.get` waits without limit on a stalled upstream.\n"
)
SERVICE = (
    "import requests\n"
    "\n"
    "\n"
    "def fetch(url):\n"
    "    response = requests.get(url)\n"
    "    return response.json()\n"
    "\n"
    "\n"
    "def other():\n"
    "    return 1\n"
)
FINDING = {**CLAUDE_FINDING, "replacement": None}  # the editors' finding, no fix proposed


def new_key() -> str:
    """A key shaped like Anthropic's (108 characters), made up for this run."""
    return "sk-ant-api03-" + secrets.token_urlsafe(72)[:95]


@pytest.fixture
def key() -> str:
    return new_key()


@pytest.fixture
def api() -> Iterator[FakeMessagesAPI]:
    with FakeMessagesAPI(default=Reply(text=ANSWER, chunks=5)) as fake:
        yield fake


def start(
    tmp_path: Path,
    *args: str,
    api: FakeMessagesAPI | None = None,
    key: str | None = None,
    extra_env: dict[str, str] | None = None,
) -> subprocess.Popen[str]:
    """Start `python -m forge_lsp ARGS` in `tmp_path/project`, pointed at the fake, with its
    own cache and data folders (and no key unless `key`)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("ANTHROPIC_")
        # Unbuffered output would hide a missing flush from the streaming test.
        and k not in ("HTTPS_PROXY", "https_proxy", "PYTHONUNBUFFERED")
    }
    env |= {
        "PYTHONIOENCODING": "utf-8",
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
    }
    if api is not None:
        env["ANTHROPIC_BASE_URL"] = api.base_url
    if key is not None:
        env["ANTHROPIC_API_KEY"] = key
    env |= extra_env or {}
    project = tmp_path / "project"
    project.mkdir(exist_ok=True)
    return subprocess.Popen(
        [sys.executable, "-m", "forge_lsp", *args],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env=env,
    )


def finish(process: subprocess.Popen[str]) -> Result:
    stdout, stderr = process.communicate(timeout=60)
    return Result(process.returncode, stdout, stderr)


def run(
    tmp_path: Path,
    *args: str,
    api: FakeMessagesAPI | None = None,
    key: str | None = None,
    extra_env: dict[str, str] | None = None,
) -> Result:
    return finish(start(tmp_path, *args, api=api, key=key, extra_env=extra_env))


def project(tmp_path: Path, files: dict[str, str | bytes]) -> None:
    write(tmp_path / "project", {"forge.toml": "[claude]\nmax-retries = 0\n", **files})


def user_message(api: FakeMessagesAPI, index: int = 0) -> str:
    return str(api.message_requests[index].body["messages"][0]["content"])


# --- ask -------------------------------------------------------------------------------------


def test_ask_streams_the_answer_and_prints_usage(tmp_path, api, key, claude_model):
    project(tmp_path, {"svc.py": SERVICE})
    api.script(Reply(text=ANSWER, chunks=5, slow_stream=0.1))
    question = ("ask", "svc.py:4-6", "Is this safe under load?", "--model", claude_model)
    process = start(tmp_path, *question, api=api, key=key)
    assert process.stdout is not None
    first = os.read(process.stdout.fileno(), 65536).decode("utf-8")
    assert first and ANSWER.startswith(first) and first != ANSWER
    assert api.completed_streams == 0  # printed while the answer was still streaming
    result = finish(process)
    assert result.returncode == 0, result.stderr
    assert first + result.stdout == ANSWER  # the answer alone on stdout
    assert "input tokens" in result.stderr and "output tokens" in result.stderr
    assert claude_model in result.stderr and "about $" in result.stderr  # priced exactly
    [sent] = api.message_requests
    assert sent.body["stream"] is True and sent.body["model"] == claude_model
    assert sent.body["output_config"] == {"effort": "medium"}
    assert not {"temperature", "top_p", "top_k", "thinking", "tool_choice"} & set(sent.body)
    user = user_message(api)
    assert "lines 4-6" in user and "Is this safe under load?" in user
    assert "<selection>\ndef fetch(url):\n    response = requests.get(url)\n" in user
    assert "FG401" in user  # the offline finding in the range, stated as known
    assert key in (sent.headers.get("x-api-key"), sent.headers.get("authorization", "")[7:])
    # The ledger counted it: a repeat comes from the cache, sends nothing, costs nothing.
    again = run(tmp_path, *question, api=api, key=key)
    assert again.returncode == 0 and again.stdout == ANSWER
    assert "From Forge's cache" in again.stderr and len(api.message_requests) == 1


def test_ask_one_line_widens_to_its_function_and_model_option(tmp_path, api, key):
    project(tmp_path, {"svc.py": SERVICE})
    result = run(tmp_path, "ask", "svc.py:5", "Why?", "--model", "claude-haiku-4-5", "-q",
                 api=api, key=key)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # --quiet: no usage line
    assert api.message_requests[0].body["model"] == "claude-haiku-4-5"
    user = user_message(api)
    assert "lines 4-6" in user
    assert (
        "<selection>\ndef fetch(url):\n" in user
        and "def other" not in user.split("</selection>")[0]
    )


def test_preview_prints_the_payload_and_sends_nothing(tmp_path, api, key):
    project(tmp_path, {"svc.py": SERVICE})
    result = run(tmp_path, "ask", "svc.py:4-6", "Safe?", "--preview", api=api, key=key)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("# What Forge would send for ask")
    body = json.loads(result.stdout.split("````json\n", 1)[1].split("\n````", 1)[0])
    assert "Safe?" in body["messages"][0]["content"]
    assert api.requests == []


def test_no_key_prints_the_setup_hint_and_exits_2(tmp_path, api):
    project(tmp_path, {"svc.py": SERVICE})
    result = run(tmp_path, "ask", "svc.py:4-6", "Safe?", api=api)
    assert result.returncode == 2 and result.stdout == ""
    assert "ANTHROPIC_API_KEY" in result.stderr
    assert api.requests == []


def test_a_rejected_key_fails_ask_with_exit_3_and_doctor_with_fail(tmp_path, key):
    project(tmp_path, {"svc.py": SERVICE})
    with FakeMessagesAPI(api_key=new_key()) as api:
        asking = start(tmp_path, "ask", "svc.py:4-6", "Safe?", api=api, key=key)
        checking = start(tmp_path, "doctor", api=api, key=key)
        ask, doctor = finish(asking), finish(checking)
    assert ask.returncode == 3
    assert "rejected the API key (401)" in ask.stderr and ask.stdout == ""
    assert doctor.returncode == 1
    assert "FAIL  connectivity: Claude rejected the API key (401)" in doctor.stdout
    for output in (ask.stdout, ask.stderr, doctor.stdout, doctor.stderr):
        assert key not in output


def test_a_dropped_stream_keeps_the_partial_answer_and_exits_3(tmp_path, api, key, claude_model):
    project(tmp_path, {"svc.py": SERVICE})
    api.script(Reply(text="First part of the answer. " * 8, chunks=8, drop_after=9))
    result = run(tmp_path, "ask", "svc.py:4-6", "Safe?", "--model", claude_model, api=api, key=key)
    assert result.returncode == 3
    assert result.stdout.startswith("First part of the answer.")
    [message] = result.stderr.splitlines()  # Forge's one message, no log line beside it
    assert message.startswith("forge-lsp: error: The connection to Claude dropped in the middle")
    assert "what arrived is kept" in message and "could not reach" not in message


def test_the_whole_file_goes_without_its_planted_secret_and_a_big_one_is_refused(
    tmp_path, api, key
):
    planted = "AKIAZ7Q3R5T2W6X4Y6NB"
    code = f'AWS_KEY = "{planted}"\n' + SERVICE
    project(tmp_path, {"keys.py": code, "big.py": "x = 1\n" * 900})
    result = run(tmp_path, "ask", "keys.py", "What does this do?", api=api, key=key)
    assert result.returncode == 0, result.stderr
    assert "lines 1-11" in user_message(api) and "def other():" in user_message(api)
    assert api.message_requests and not api.saw(planted)
    assert "AWS_KEY" in user_message(api)  # the code went, the secret did not
    big = run(tmp_path, "ask", "big.py", "What is this?", api=api, key=key)
    assert big.returncode == 2 and "900 lines" in big.stderr and "START-END" in big.stderr
    bad = run(tmp_path, "ask", "keys.py:8-99", "What?", api=api, key=key)
    assert bad.returncode == 2 and "has 11 lines" in bad.stderr
    assert len(api.message_requests) == 1


def test_an_excluded_file_is_refused_and_nothing_is_sent(tmp_path, api, key):
    write(tmp_path / "project", {"forge.toml": '[claude]\nexclude = ["secret/**"]\n'})
    write(tmp_path / "project", {"secret/svc.py": SERVICE})
    result = run(tmp_path, "ask", "secret/svc.py", "Safe?", api=api, key=key)
    assert result.returncode == 2 and "Nothing was sent" in result.stderr
    assert api.requests == []


def test_over_the_daily_budget_nothing_is_sent_without_yes(tmp_path, api, key):
    project(tmp_path, {"forge.toml": "[claude]\ndaily-budget-usd = 0.000001\n", "svc.py": SERVICE})
    result = run(tmp_path, "ask", "svc.py:4-6", "Safe?", api=api, key=key)
    assert result.returncode == 2 and "daily Claude budget" in result.stderr
    assert "--yes" in result.stderr and api.requests == []


# --- check --ai ------------------------------------------------------------------------------


def review(respond_findings: list[dict[str, object]]) -> Reply:
    """A review's answer, sent however the request asks (structured outputs or a tool)."""
    return Reply(structured={"findings": respond_findings})


@pytest.fixture
def reviewing() -> Iterator[FakeMessagesAPI]:
    with FakeMessagesAPI(default=review([FINDING])) as fake:
        yield fake


def test_check_ai_adds_claudes_findings_to_every_format(tmp_path, reviewing, key, claude_model):
    project(tmp_path, {"svc.py": SERVICE, "big.py": "def f():\n    return 1\n" * 10})
    model = ("--model", claude_model)
    text = run(
        tmp_path, "check", ".", "-j", "1", "--ai", "--ai-max-lines", "15", *model,
        api=reviewing, key=key,
    )  # fmt: skip
    assert text.returncode == 1, text.stderr
    lines = text.stdout.splitlines()
    assert "svc.py:5:16 FG401" in " ".join(lines)
    assert (
        "svc.py:6:5 FGC300 [warning] A non-JSON error page raises an unhandled ValueError" in lines
    )
    assert "skipped" not in text.stderr or "big.py" in text.stderr
    assert "Claude did not review big.py: 20 lines, more than --ai-max-lines (15)" in text.stderr
    assert len(reviewing.message_requests) == 1  # svc.py only
    sent = reviewing.message_requests[0].body
    assert "tool_choice" not in sent  # the current models refuse it: structured outputs
    assert sent["output_config"]["format"]["type"] == "json_schema"
    assert "lines 1-10" in sent["messages"][0]["content"]
    assert "Found 2 findings (1 FG401, 1 FGC300)" in text.stderr

    # The other formats, at once (each answered from the result cache: nothing more is sent).
    started = [
        start(
            tmp_path,
            "check",
            ".",
            "-j1",
            "--ai",
            "--ai-max-lines",
            "15",
            *model,
            *extra,
            api=reviewing,
            key=key,
        )
        for extra in (("--format", "json"), ("--statistics",), ("--format", "sarif"))
    ]
    as_json, stats, sarif = (finish(process) for process in started)
    assert len(reviewing.message_requests) == 1
    claude = [f for f in json.loads(as_json.stdout) if f["code"] == "FGC300"]
    assert claude == [
        {
            "path": "svc.py",
            "line": 6,
            "column": 5,
            "endLine": 6,
            "endColumn": 27,
            "code": "FGC300",
            "name": "error-handling",
            "severity": "warning",
            "message": FINDING["title"],
            "fix": None,
            "source": "forge (claude)",
            # Claude's own score is filtered by `claude.minConfidence`; what is shown is high.
            "confidence": "high",
            "fingerprint": None,  # Claude's findings are never in a baseline
        }
    ]

    assert "1  FGC300  error-handling" in stats.stdout

    log = json.loads(sarif.stdout)
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.validators.validator_for(schema)(schema).validate(log)
    run_ = log["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    [result] = [r for r in run_["results"] if r["ruleId"] == "FGC300"]
    assert rules[result["ruleIndex"]]["id"] == "FGC300"
    assert result["properties"] == {"source": "forge (claude)", "confidence": "high"}
    assert result["rank"] == 90


def test_check_ai_limits_files_skips_excluded_ones_and_survives_a_failed_review(tmp_path, key):
    files = {f"m{i}.py": SERVICE for i in range(4)}
    write(
        tmp_path / "project",
        {"forge.toml": '[claude]\nmax-retries = 0\nexclude = ["m3.py"]\n', **files},
    )

    def respond(request: RecordedRequest) -> Reply:
        return Reply(status=500) if "m1.py" in request.text else review([FINDING])

    with FakeMessagesAPI(respond=respond) as api:
        result = run(tmp_path, "check", ".", "-j", "1", "--ai", "--ai-max-files", "2",
                     api=api, key=key)  # fmt: skip
    assert "Claude did not review m3.py: it matches" in result.stderr
    assert "first 2 of 3 files (--ai-max-files)" in result.stderr
    assert "Claude's review of m1.py failed: Claude's service failed (500)" in result.stderr
    assert result.returncode == 3  # a review failed; the offline report is still complete
    codes = [line.split()[1] for line in result.stdout.splitlines()]
    assert codes == ["FG401", "FGC300", "FG401", "FG401", "FG401"]  # m0 reviewed, m1 failed
    assert len(api.message_requests) == 2
    assert not any(api.saw(f"m{i}.py") for i in (2, 3))


def test_check_ai_without_a_key_fails_fast(tmp_path, reviewing):
    project(tmp_path, {"svc.py": SERVICE})
    result = run(tmp_path, "check", ".", "-j", "1", "--ai", api=reviewing)
    assert result.returncode == 2 and result.stdout == ""
    assert "ANTHROPIC_API_KEY" in result.stderr and "findings" not in result.stderr
    assert reviewing.requests == []


def test_check_ai_on_a_legacy_model_reviews_through_a_forced_tool(tmp_path, reviewing, key):
    project(tmp_path, {"svc.py": SERVICE})
    result = run(tmp_path, "check", ".", "-j1", "--ai", "--model", "claude-sonnet-5",
                 api=reviewing, key=key)  # fmt: skip
    assert "svc.py:6:5 FGC300" in result.stdout, result.stderr
    [sent] = reviewing.message_requests
    assert sent.body["tool_choice"] == {"type": "tool", "name": "report_findings"}


# --- privacy and destination -------------------------------------------------------------------


def test_the_path_sent_is_never_absolute(tmp_path, reviewing, key):
    """No project file: `check --ai` on an absolute path, and `ask` about a file outside the
    current folder, send the path relative to the current folder, else the file's name."""
    write(tmp_path / "project", {"src/svc.py": SERVICE})
    write(tmp_path / "elsewhere", {"lib.py": SERVICE})
    absolute = str(tmp_path / "project" / "src" / "svc.py")
    checked = run(tmp_path, "check", absolute, "--ai", "-j1",
                  extra_env={"ANTHROPIC_BASE_URL": reviewing.base_url}, key=key)  # fmt: skip
    assert "FGC300" in checked.stdout, checked.stderr
    outside = str(tmp_path / "elsewhere" / "lib.py")
    asked = run(tmp_path, "ask", f"{outside}:4-6", "Safe?", api=reviewing, key=key)
    assert asked.returncode == 0, asked.stderr
    first, second = (user_message(reviewing, i) for i in range(2))
    assert "src/svc.py" in first and "lib.py" in second
    for sent in reviewing.message_requests:
        assert str(tmp_path) not in sent.text and str(Path.home()) + "/" not in sent.text


def test_check_ai_does_not_review_a_file_whose_project_turns_claude_off(tmp_path, reviewing, key):
    """Claude on where the check starts, off in a project below it: that project's files stay
    on the machine, as they would in an editor."""
    project(tmp_path, {"svc.py": SERVICE})
    write(tmp_path / "project", {"sub/forge.toml": "[claude]\nenabled = false\n"})
    write(tmp_path / "project", {"sub/private.py": SERVICE})
    result = run(tmp_path, "check", ".", "-j1", "--ai", api=reviewing, key=key)
    assert "svc.py:6:5 FGC300" in result.stdout, result.stderr
    assert "sub/private.py:6:5 FGC300" not in result.stdout
    assert "Claude did not review sub/private.py: its project turns Claude off" in result.stderr
    [sent] = reviewing.message_requests
    assert "svc.py" in sent.text and not reviewing.saw("private.py")


def test_the_path_sent_is_not_absolute_with_a_config_file_elsewhere(tmp_path, reviewing, key):
    """`--config` names a project file outside the checked tree: its folder is no project root
    of the file, so the path sent is relative to the current folder."""
    write(tmp_path / "conf", {"forge.toml": "[claude]\nmax-retries = 0\n"})
    write(tmp_path / "project", {"src/svc.py": SERVICE})
    config = str(tmp_path / "conf" / "forge.toml")
    result = run(tmp_path, "check", "src", "-j1", "--ai", "--config", config,
                 api=reviewing, key=key)  # fmt: skip
    assert "FGC300" in result.stdout, result.stderr
    [sent] = reviewing.message_requests
    assert "src/svc.py" in user_message(reviewing)
    assert str(tmp_path) not in sent.text and str(Path.home()) + "/" not in sent.text


@pytest.mark.parametrize(
    ("setting", "toml"),
    [
        ("baseUrl", 'base-url = "{decoy}"'),
        ("headers", 'headers = {{ "X-Planted" = "from-the-repo" }}'),
        ("backend", 'backend = "vertex"'),
        ("vertexProject", 'vertex-project = "attacker"'),
        ("vertexRegion", 'vertex-region = "us-east5"'),
        ("awsRegion", 'aws-region = "us-east-1"'),
        ("awsProfile", 'aws-profile = "attacker"'),
        ("prices", 'prices = {{ "claude-sonnet-5-5" = {{ input = 0, output = 0 }} }}'),
    ],
)
def test_a_repository_cannot_decide_where_requests_go(tmp_path, api, key, setting, toml):
    """Each setting that decides a request's destination, credentials or budget, planted in a
    project file, is ignored with a message naming it; the user's own base URL (their config
    file) is used, and the decoy server the repository named receives nothing."""
    with FakeMessagesAPI(default=Reply(text="stolen")) as decoy:
        planted = toml.format(decoy=decoy.base_url)
        write(tmp_path / "project", {
            "pyproject.toml": f"[tool.forge.claude]\nmax-retries = 0\n{planted}\n",
            "svc.py": SERVICE,
        })  # fmt: skip
        config = tmp_path / "config"
        write(config / "forge-lsp", {"forge.toml": f'[claude]\nbase-url = "{api.base_url}"\n'})
        result = run(tmp_path, "ask", "svc.py:4-6", "Safe?", key=key,
                     extra_env={"XDG_CONFIG_HOME": str(config)})  # fmt: skip
        assert decoy.requests == []
    assert result.returncode == 0, result.stderr
    assert result.stdout == ANSWER
    assert "is yours to decide, not the repository's; ignored" in result.stderr
    assert setting.replace("U", "-u").replace("P", "-p").replace("R", "-r").lower() in (
        result.stderr.lower()
    )
    [sent] = api.message_requests
    assert "x-planted" not in sent.headers


def test_an_unknown_model_is_used_with_one_warning_and_counted_at_the_highest_price(tmp_path, key):
    project(tmp_path, {"svc.py": SERVICE, "forge.toml": "[claude]\ndaily-budget-usd = 0.05\n"})
    with FakeMessagesAPI(default=Reply(text=ANSWER)) as api:
        result = run(tmp_path, "ask", "svc.py:4-6", "Safe?", "--model", "claude-next-9",
                     api=api, key=key)  # fmt: skip
    # The fake does not know it either (404), but the warning and the budget came first.
    assert "Forge does not know the model 'claude-next-9'" in result.stderr
    assert "claude-sonnet-5-5" in result.stderr  # the known ones are named
    assert "daily Claude budget" in result.stderr  # at Fable's price, not $0
    assert api.requests == []


# --- doctor ----------------------------------------------------------------------------------


def test_doctor_all_good_against_the_fake_and_the_key_never_printed(tmp_path, api, key):
    project(tmp_path, {})
    result = run(tmp_path, "doctor", api=api, key=key)
    assert result.returncode == 0, result.stdout
    out = result.stdout
    assert f"api key: set ({key[:7]}…{key[-4:]}, {len(key)} chars)" in out
    assert "OK    connectivity: count_tokens answered" in out
    assert "Forge's system prompt is" in out and "tokens for claude-sonnet-5-5" in out
    assert "OK    model claude-sonnet-5-5: Claude Sonnet 5.5, current" in out
    assert "OK    prompt cache: claude-haiku-5-5" in out  # Explain's model caches it too
    assert "effort ask medium, review medium, explain low" in out
    assert f"base url: {api.base_url} (from ANTHROPIC_BASE_URL)" in out
    assert "OK    grammars: python" in out and "OK    cache folder" in out
    assert [r.path for r in api.requests] == ["/v1/messages/count_tokens"]
    assert key not in out and key not in result.stderr
    assert key[7:-4] not in out


def test_doctor_offline_and_invalid_settings(tmp_path, api, key):
    write(tmp_path / "project", {"forge.toml": "[claude]\nmodel = 3\nmax-retries = 0\n"})
    result = run(tmp_path, "doctor", "--offline", api=api, key=key)
    assert result.returncode == 0, result.stdout
    assert "connectivity: skipped (--offline)" in result.stdout
    assert "WARN  settings:" in result.stdout and "model: expected a non-empty string" in (
        result.stdout
    )
    assert api.requests == []
    no_key = run(tmp_path, "doctor", "--offline")
    assert "WARN  claude: off: no key" in no_key.stdout and no_key.returncode == 0


def test_doctor_warns_about_legacy_models_short_prompts_and_missing_counts(tmp_path, key):
    write(tmp_path / "project", {"forge.toml": '[claude]\nexplain-model = "claude-haiku-4-5"\n'})
    with FakeMessagesAPI(count_tokens_body={}) as api:
        result = run(tmp_path, "doctor", api=api, key=key)
    out = result.stdout
    assert "WARN  model claude-haiku-4-5: Claude Haiku 4.5, legacy" in out
    assert "WARN  prompt cache: claude-haiku-4-5 caches prompts of 4,096 tokens or more" in out
    assert "so it is never cached there" in out
    assert "WARN  connectivity: count_tokens answered" in out and "no token count" in out
    assert "None tokens" not in out


def test_doctor_hides_proxy_credentials_and_fails_on_a_missing_ca_bundle(tmp_path):
    project(tmp_path, {})
    proxy = {"HTTPS_PROXY": "http://alice:hunter2@proxy.internal:3128"}
    result = run(tmp_path, "doctor", "--offline",
                 extra_env={**proxy, "SSL_CERT_FILE": str(tmp_path / "missing.pem")})  # fmt: skip
    assert "OK    proxy: HTTPS_PROXY=http://***@proxy.internal:3128" in result.stdout
    assert "hunter2" not in result.stdout and "alice" not in result.stdout
    assert "FAIL  ca bundle: SSL_CERT_FILE=" in result.stdout and result.returncode == 1


# --- helpers, in process ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("svc.py", ("svc.py", None, None)),
        ("svc.py:12", ("svc.py", 12, 12)),
        ("src/svc.py:3-40", ("src/svc.py", 3, 40)),
        ("odd:name.py", ("odd:name.py", None, None)),
    ],
)
def test_targets(text, expected):
    from forge_lsp.cli.ask import parse_target

    target = parse_target(text)
    assert (target.path.as_posix(), target.start, target.end) == expected


@pytest.mark.parametrize("text", ["svc.py:0", "svc.py:9-3", "svc.py:0-2"])
def test_bad_ranges_are_usage_errors(text):
    from forge_lsp.cli.ask import parse_target
    from forge_lsp.cli.errors import UsageError

    with pytest.raises(UsageError):
        parse_target(text)


def test_a_key_is_shown_by_its_ends_only_and_a_short_one_by_its_length():
    from forge_lsp.config.terminal import masked_key

    key = new_key()
    assert masked_key(key) == f"{key[:7]}…{key[-4:]}, 108 chars"
    assert masked_key("sk-short-key") == "12 chars"
