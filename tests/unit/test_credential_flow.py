"""FG201, FG202 and FG601 with the dataflow layer: where a credential or a secret comes from.

Each case parses real code with the grammar Forge loads and runs every rule on it, so the
severity and confidence asserted here are what a user sees.
"""

from __future__ import annotations

from textwrap import dedent

import pytest

from forge_lsp.core import languages
from forge_lsp.core.model import Confidence, Finding, Severity
from forge_lsp.engine import checker
from forge_lsp.rules.families import credentials as cred


def findings(
    language: str, code: str, code_filter: str, path: str = "app/main", options: dict | None = None
) -> list[Finding]:
    spec = languages.LANGUAGES[language]
    selection = checker.RuleSelection(options=options or {})
    result = checker.check(dedent(code).encode(), spec, selection, path=path + spec.extensions[0])
    return [f for f in result.findings if f.code == code_filter]


def test_a_literal_through_two_assignments_is_a_hardcoded_password_with_high_confidence() -> None:
    found = findings(
        "java",
        """
        class Db {
            Connection open(String url) throws Exception {
                String data = "7e5tc4s3";
                String chosen = data;
                return DriverManager.getConnection(url, "root", chosen);
            }
        }
        """,
        "FG201",
    )
    assert [(f.start.line, f.severity, f.confidence) for f in found] == [
        (5, Severity.ERROR, Confidence.HIGH)
    ]
    assert "the literal 2 lines above" in found[0].message


def test_a_literal_on_one_path_only_is_a_fallback_warning_with_medium_confidence() -> None:
    found = findings(
        "go",
        """
        package m

        func f(req *http.Request) {
            configured := os.Getenv("REPORT_PASSWORD")
            if configured == "" {
                configured = "l0cal-Fallback"
            }
            req.SetBasicAuth("report", configured)
        }
        """,
        "FG201",
    )
    assert [(f.start.line, f.severity, f.confidence) for f in found] == [
        (8, Severity.WARNING, Confidence.MEDIUM)
    ]
    assert "falls back" in found[0].message


def test_an_environment_lookup_default_is_a_fallback_warning() -> None:
    found = findings("python", 'DB = os.getenv("DB_PASSWORD", "hunter2-dev")\n', "FG201")
    assert [(f.severity, f.confidence) for f in found] == [(Severity.WARNING, Confidence.MEDIUM)]


@pytest.mark.parametrize("value", ['""', '"changeme-${ENV}"', '"DB_PASSWORD"', '"<password>"'])
def test_placeholders_and_variable_names_reaching_a_sink_are_not_credentials(value: str) -> None:
    code = f"""
        def f():
            value = {value}
            return psycopg2.connect(host="db", password=value)
        """
    assert findings("python", code, "FG201") == []


def test_a_value_from_a_parameter_or_the_environment_is_not_hardcoded() -> None:
    code = """
        def f(secret_from_vault):
            a = os.environ["KEY"]
            jwt.encode({}, a)
            b = secret_from_vault
            hmac.new(b, b"m", "sha256")
        """
    assert findings("python", code, "FG201") == []


def test_a_constant_is_reported_where_it_is_written_when_its_name_says_credential() -> None:
    code = """
        const %s: &str = "abc123xyz-k3y-Qq";
        fn f() {
            let a = Aes256Gcm::new_from_slice(%s.as_bytes());
            let h = Hmac::<Sha256>::new_from_slice(%s.as_bytes());
        }
        """
    named = findings("rust", code % (("SECRET_KEY",) * 3), "FG201")
    assert [f.start.line for f in named] == [1]  # the declaration, not each use
    plain = findings("rust", code % (("MATERIAL",) * 3), "FG201")
    assert [f.start.line for f in plain] == [3, 4]  # each sink: the name says nothing


def test_a_regex_named_token_is_not_a_credential() -> None:
    code = 'val token = "([a-zA-Z0-9-!#$%&\'*+.^_`{|}~]+)"\n'
    assert findings("kotlin", code, "FG201") == []
    assert not cred.plausible(r"[A-Za-z0-9]+", cred.TOKEN)


def test_a_module_importing_a_testing_package_is_test_support() -> None:
    code = """
        from ...testing.provision import generate_driver_url

        def url_for(url):
            return url.set(password="test-pass-77")
        """
    assert findings("python", code, "FG201") == []
    options = {"FG201": {"ignoreInTests": False}}
    assert len(findings("python", code, "FG201", options=options)) == 1


def test_test_files_skip_self_made_private_keys_but_not_vendor_keys() -> None:
    key_block = (
        "-----BEGIN RSA PRIVATE KEY-----\\n"
        "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0\\n"
        "-----END RSA PRIVATE KEY-----"
    )
    code = f"""
        package m

        var privKey = "{key_block}"
        var stripeKey = "sk_live_vVn02mqB4R2e82Y0fepI9Zuc"
        """
    labels = lambda found: sorted(f.message.split(" in source")[0] for f in found)  # noqa: E731
    assert labels(findings("go", code, "FG202")) == ["Private key block", "Stripe live secret key"]
    in_test = findings("go", code, "FG202", path="auth/keys_test")
    assert labels(in_test) == ["Stripe live secret key"]
    everything = findings(
        "go", code, "FG202", path="auth/keys_test", options={"FG202": {"includeTests": True}}
    )
    assert len(everything) == 2


def test_a_secret_reaches_a_log_call_through_two_assignments() -> None:
    found = findings(
        "python",
        """
        def f(request):
            a2 = request.headers.get("Authorization")
            message = "header " + a2
            log.info(message)
        """,
        "FG601",
    )
    assert [f.start.line for f in found] == [4]
    assert 'made from `request.headers.get("Authorization")`' in found[0].message


@pytest.mark.parametrize(
    "derived", ["len(auth)", "hashlib.sha256(auth.encode()).hexdigest()", "auth is not None"]
)
def test_a_value_only_derived_from_a_secret_is_not_logged_as_one(derived: str) -> None:
    code = f"""
        def f(request):
            auth = request.headers["Authorization"]
            shown = {derived}
            log.info("auth %s", shown)
        """
    assert findings("python", code, "FG601") == []
