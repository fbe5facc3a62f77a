"""Where FG401, FG402, FG701, FG702 and FG801 cannot be sure, they report information with low
confidence; where they can, they keep their warning or error. Each case has both sides."""

from __future__ import annotations

from forge_lsp.core import languages
from forge_lsp.core.model import Confidence, Severity
from forge_lsp.engine import checker


def _found(code: str, language: str, source: str) -> list[tuple[int, Severity, Confidence]]:
    spec = languages.LANGUAGES[language]
    result = checker.check(
        source.encode(), spec, checker.RuleSelection(), path=f"app/x{spec.extensions[0]}"
    )
    return [(f.start.line + 1, f.severity, f.confidence) for f in result.findings if f.code == code]


INFO = (Severity.INFO, Confidence.LOW)


def test_fg401_go_serve_outside_main_is_information() -> None:
    body = (
        'import "net/http"\n\nfunc Run(h http.Handler) error {\n'
        '\treturn http.ListenAndServe(":80", h)\n}\n'
    )
    assert [f[1:] for f in _found("FG401", "go", "package gin\n\n" + body)] == [INFO]
    assert [f[1:] for f in _found("FG401", "go", "package main\n\n" + body)] == [
        (Severity.WARNING, Confidence.HIGH)
    ]


def test_fg401_go_server_literal_outside_main_stays_a_warning() -> None:
    source = (
        'package api\n\nimport "net/http"\n\nfunc New(h http.Handler) *http.Server {\n'
        '\treturn &http.Server{Addr: ":80", Handler: h}\n}\n'
    )
    assert [f[1:] for f in _found("FG401", "go", source)] == [(Severity.WARNING, Confidence.HIGH)]


PG_SHAPE = """
function fromEnv() {
  switch (process.env.PGSSLMODE) {
    case "no-verify":
      return { rejectUnauthorized: false };
  }
  return true;
}
function fromConfig(config) {
  if (config.ssl === "no-verify") {
    config.ssl = { rejectUnauthorized: false };
  }
  if (err) {
    config.ssl = { rejectUnauthorized: false };
  }
  return new https.Agent({ rejectUnauthorized: false });
}
"""


def test_fg402_opt_in_branch_is_information_a_failure_fallback_is_not() -> None:
    found = _found("FG402", "javascript", PG_SHAPE)
    assert [(line, sev, conf) for line, sev, conf in found] == [
        (5, *INFO),
        (11, *INFO),
        (14, Severity.ERROR, Confidence.HIGH),
        (16, Severity.ERROR, Confidence.HIGH),
    ]


def test_fg402_opt_in_in_every_branch_shape() -> None:
    python = (
        "def c(url, insecure):\n    if insecure:\n"
        "        requests.get(url, verify=False, timeout=3)\n"
    )
    rust = (
        "fn c(insecure: bool) {\n    if insecure {\n"
        "        b.danger_accept_invalid_certs(true);\n    }\n}\n"
    )
    kotlin = (
        "fun c(m: String) {\n    when (m) {\n"
        '        "skip" -> b.hostnameVerifier { _, _ -> true }\n    }\n}\n'
    )
    assert [f[1:] for f in _found("FG402", "python", python)] == [INFO]
    assert [f[1:] for f in _found("FG402", "rust", rust)] == [INFO]
    assert [f[1:] for f in _found("FG402", "kotlin", kotlin)] == [INFO]


def test_fg402_a_branch_on_anything_but_a_setting_stays_an_error() -> None:
    source = (
        "import requests\n\n"
        'if __name__ == "__main__":\n'
        '    requests.get("https://x", verify=False, timeout=3)\n\n'
        "def h(resp, url):\n"
        "    if resp.status_code == 200:\n"
        "        requests.get(url, verify=False, timeout=3)\n"
    )
    assert [f[1:] for f in _found("FG402", "python", source)] == [
        (Severity.ERROR, Confidence.HIGH),
        (Severity.ERROR, Confidence.HIGH),
    ]


def test_fg701_a_listen_wrapper_is_information_an_entry_point_warns() -> None:
    wrapper = "class App {\n  listen(...args) {\n    return server.listen(...args);\n  }\n}\n"
    returned = "const app = express();\nfunction start() {\n  return app.listen(8080);\n}\n"
    started = "const app = express();\napp.listen(8080);\n"
    assert [f[1:] for f in _found("FG701", "javascript", wrapper)] == [INFO]
    assert [f[1:] for f in _found("FG701", "javascript", returned)] == [
        (Severity.WARNING, Confidence.HIGH)
    ]
    assert [f[1:] for f in _found("FG701", "javascript", started)] == [
        (Severity.WARNING, Confidence.HIGH)
    ]


RETRY = """
import time
import requests

def take(locks, name):
    for attempt in range(3):
        try:
            {call}
            return
        except RuntimeError:
            if attempt == 2:
                raise
            time.sleep(0.5)
"""


def test_fg702_bounded_fixed_sleep_warns_only_around_a_known_network_call() -> None:
    local = _found("FG702", "python", RETRY.replace("{call}", "locks.acquire(name)"))
    remote = _found("FG702", "python", RETRY.replace("{call}", "requests.get(name, timeout=3)"))
    assert [f[1:] for f in local] == [INFO]
    assert [f[1:] for f in remote] == [(Severity.WARNING, Confidence.HIGH)]


def test_fg801_still_working_apis_are_information_removed_ones_warn() -> None:
    go = 'package x\n\nimport "io/ioutil"\n\nvar b, _ = ioutil.ReadFile("a")\n'
    assert [f[1:] for f in _found("FG801", "go", go)] == [INFO]
    python = (
        "import asyncio\nimport logging\nimport unittest\n\nlog = logging.getLogger(__name__)\n\n"
        "async def run():\n    return asyncio.get_event_loop()\n\n"
        "def note():\n    log.warn('x')\n\n"
        "class T(unittest.TestCase):\n    def test_a(self):\n        self.assertEquals(1, 1)\n"
    )
    assert [(line, sev, conf) for line, sev, conf in _found("FG801", "python", python)] == [
        (8, *INFO),
        (11, *INFO),
        (15, Severity.WARNING, Confidence.HIGH),
    ]
