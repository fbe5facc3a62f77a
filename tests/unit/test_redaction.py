"""Secret redaction: no planted secret survives, ordinary code passes through unchanged."""

from __future__ import annotations

import os
import re

import pytest

from forge_lsp.ai.redaction import Redacted, payload_digest, placeholder, redact, shannon_entropy
from forge_lsp.rules.families import credentials as cred
from tests.data.planted_secrets import AWS_ID, PLANTED
from tests.support import real_code

HIGH = "high-entropy-string"


@pytest.mark.parametrize(
    "planted", PLANTED, ids=[f"{p.kind}-{p.language}-{i}" for i, p in enumerate(PLANTED)]
)
def test_no_planted_secret_survives(planted):
    result = redact(planted.snippet, planted.language)
    for piece in planted.secret.split("\n"):
        assert piece not in result.text
    assert placeholder(planted.kind) in result.text
    assert result.kinds.get(planted.kind, 0) >= 1
    assert result.count == sum(result.kinds.values())


def test_the_corpus_covers_every_format_the_rules_know():
    planted_kinds = {p.kind for p in PLANTED}
    assert {fmt.id for fmt in cred.FORMATS} <= planted_kinds
    assert {"password", "secret", "api-key", "token", "authorization"} <= planted_kinds
    assert "high-entropy-string" in planted_kinds


def test_every_secret_in_one_payload_is_removed_at_once():
    payload = "\n".join(p.snippet for p in PLANTED)
    result = redact(payload, None)
    for planted in PLANTED:
        for piece in planted.secret.split("\n"):
            assert piece not in result.text, planted.kind


def test_quotes_and_names_stay_so_the_code_still_reads():
    result = redact('db_password = "Zq8vR2mKx9"\nuser = "app"\n', "python")
    assert result.text == 'db_password = "<redacted:password>"\nuser = "app"\n'
    assert result.kinds == {"password": 1}


def test_a_bearer_scheme_stays_and_only_the_credential_goes():
    text = 'req.Header.Set("Authorization", "Bearer q8Fz2LmN0pQr7sTuVwXy")'
    assert redact(text, "go").text == (
        'req.Header.Set("Authorization", "Bearer <redacted:authorization>")'
    )


def test_url_password_keeps_user_and_host():
    text = 'url = "postgres://app:Zq8vR2mKx9@db.internal:5432/app"'
    assert redact(text, "python").text == (
        'url = "postgres://app:<redacted:password>@db.internal:5432/app"'
    )


@pytest.mark.parametrize(
    "text",
    [
        'password = os.environ["DB_PASSWORD"]',
        "password = getpass.getpass()",
        'password = "<your password>"',
        'api_key = "${API_KEY}"',
        'token = "REDACTED"',
        'AWS_ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE"',  # AWS's documented example
        'PASSWORD_FIELD = "password"',
        'request_id = "550e8400-e29b-41d4-a716-446655440000"',  # UUIDs are ids, not secrets
        'sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"',
        "class OptimisticLockCanNotBeUsedError_1(Exception): pass",
        'path = "src/main/resources/application2Config.properties"',
        "const x = require_utils_ipaddr.isIPv4MappedIPv6(remoteAddr);",
        "if (typeof this.password === 'function') {",
        'expect(decode("TWFueSBoYW5kcyBtYWtlIGxpZ2h0IHdvcms=")).toBe("Many hands make light work")',
        "MAX = 1.7976931348623157e308",
        '"""Attaches HTTP Basic Authentication to the given Request object."""',
        "packet.writeString('mysql_native_password', 'latin1');",
        "@sensitive_post_parameters('password', 'credit_card')",
        '_hexdig = "0123456789ABCDEFabcdef"',
        "const convertIPv4MappedIPv6ToIPv4 = (ipv6binary) => ipv6binary & 4294967295n;",
        "class MySqlBigInt53Builder extends MySqlColumnBuilderWithAutoIncrement {",
        "console.log(doc.author); // '5144cf8050f071d979c118a7' (an ObjectId)",
        "# See https://example.com/docs/4fe29514fd584807ac9f2a04f6754767/index.html",
    ],
)
def test_ordinary_code_is_left_alone(text):
    assert redact(text, "python") == Redacted(text)


def test_unquoted_values_are_secrets_only_in_configuration():
    assert redact("password = hunter2Zq8", "yaml").text == "password = <redacted:password>"
    # In code an unquoted right-hand side is an expression, not a value.
    assert redact("password = hunter2Zq8", "python").count == 0


def test_a_fragment_that_does_not_parse_is_still_redacted():
    fragment = 'ssword": "x", "password": "Zq8vR2mKx9", "to'
    assert "Zq8vR2mKx9" not in redact(fragment, "javascript").text


def test_a_pem_block_cut_by_the_selection_is_redacted_to_the_end_of_its_material():
    body = ["MIIEowIBAAKCAQEA7bq98Xn+qL3vWz2k" * 2, "Zx9q+Lm2Kp8Rt4Wn7Yb3Vc6Xd1Fg5Hj0" * 2]
    text = "-----BEGIN RSA PRIVATE KEY-----\n" + "\n".join(body) + "\n"
    result = redact(text, "plaintext")
    assert result.text == "<redacted:private-key>\n"


def test_counts_name_kinds_never_values():
    other = "AKIA" + AWS_ID[4:][::-1]
    result = redact(f'a = "{AWS_ID}"\nb = "{other}"\n', "python")
    assert result.kinds == {"aws-access-key-id": 2}
    assert result.count == 2
    assert AWS_ID[4:] not in repr(result) and other[4:] not in repr(result)


def test_entropy_of_random_text_is_higher_than_of_words():
    assert shannon_entropy("") == 0
    assert shannon_entropy("aaaa") == 0
    assert shannon_entropy("q8Fz2LmN0pQr7sTuVwXy") > shannon_entropy("passwordpassword")


def test_payload_digest_is_short_stable_and_never_the_text():
    digest = payload_digest("secret code")
    assert digest == payload_digest("secret code")
    assert digest != payload_digest("secret code ")
    assert len(digest) == 16
    assert "secret" not in digest


# --- precision on real code ----------------------------------------------------------------

# What redaction takes out of the real code `tests/support/real_code.py` fetches (about 150,000
# lines in seven languages), by file, line and kind. None of it is a working secret: there are
# example values in documentation and in a test, which a reader cannot tell from secrets either
# (the line still reads: `password: '<redacted:password>'`), and one false positive.
EXPECTED_REDACTIONS: dict[str, str] = {
    # Signed values in the module docstring: HMAC signatures look like any token.
    **{
        f"Django-5.1.4/django/core/signing.py:{line} {HIGH}": "a signed value in a docstring"
        for line in (7, 16, 18, 20, 27)
    },
    # The one false positive: a Sphinx anchor, a mangled C++ name (`_CPPv417OGR_G_Export...`),
    # reads as random base64url (`OGR`, `To`, `Wkb` are too short to count as words).
    f"Django-5.1.4/django/contrib/gis/gdal/geometries.py:408 {HIGH}": "a URL anchor in a comment",
    "mongoose-9.12.1/package/lib/connection.js:341 password": "`mongodb://val:psw@` in a doc",
    "mongoose-9.12.1/package/lib/connection.js:360 password": "`mongodb://val:psw@` in a doc",
    "supabase-auth-js-2.119.0/package/src/GoTrueClient.ts:1217 password": "`'some-password'`",
    # RFC 7617's example credential (Aladdin:open sesame) in an inline #[cfg(test)] test.
    "librust-reqwest-dev-0.11.13-1/usr/share/cargo/registry/reqwest-0.11.13/src/connect.rs:1101"
    " authorization": "a Basic credential in a test",
}
# Each language's lines when the corpus was pinned: a fetch that comes back nearly empty fails.
MINIMUM_LINES = {
    "python": 35_000,
    "javascript": 30_000,
    "typescript": 17_000,
    "kotlin": 3_500,
    "java": 19_000,
    "go": 13_000,
    "rust": 29_000,
}
_PLACEHOLDER_RE = re.compile(r"<redacted:([\w-]+)>")


@pytest.fixture(scope="module")
def real_corpus() -> real_code.Corpus:
    return real_code.fetch()


@pytest.mark.parametrize("language", real_code.LANGUAGES)
def test_real_code_reads_the_same_after_redaction(language: str, real_corpus: real_code.Corpus):
    if language in real_corpus.problems:
        problem = f"no real {language} code: {real_corpus.problems[language]}"
        if os.environ.get("CI"):
            pytest.fail(f"{problem}. CI reaches PyPI, npm and Debian; it must fetch it.")
        pytest.skip(f"{problem} (`python -m tests.support.real_code` fetches it); runs in CI")
    redacted: list[str] = []
    lines = 0
    for real in real_corpus.files(language):
        text = real.path.read_text(encoding="utf-8")
        result = redact(text, language)
        lines += text.count("\n")
        assert result.text.count("\n") == text.count("\n"), real.name  # no line is eaten
        for number, (before, after) in enumerate(
            zip(text.split("\n"), result.text.split("\n"), strict=True), start=1
        ):
            if before != after:
                kinds = sorted(set(_PLACEHOLDER_RE.findall(after))) or ["?"]
                redacted += [f"{real.name}:{number} {kind}" for kind in kinds]
    unexpected = [f"{line}\n" for line in redacted if line not in EXPECTED_REDACTIONS]
    assert not unexpected, "ordinary code redacted:\n" + "".join(unexpected)
    assert lines >= MINIMUM_LINES[language], f"only {lines} lines of real {language} code"


def test_redacting_twice_changes_nothing_more():
    # The preview shows the payload once redacted; sending it must not redact placeholders.
    once = redact("\n".join(p.snippet for p in PLANTED), None)
    assert redact(once.text, None) == Redacted(once.text)
    assert redact("", "python") == Redacted("")
