"""Planted secrets: one snippet per secret format Forge knows, in the syntax of several languages.

Each entry is `PlantedSecret(kind, language, snippet, secret)`: `redact(snippet, language)` must
remove every line of `secret` and report `kind`. The secrets are generated here from a fixed
seed rather than written out, so no working-looking key sits in the repository for scanners
(ours included) to report, and every run plants the same values.

The formats are those of `forge_lsp.rules.families.credentials.FORMATS` (FG202); `test_redaction.py`
checks that every format id there has at least one entry here.
"""

from __future__ import annotations

import base64
import json
import random
import string
from dataclasses import dataclass

_RANDOM = random.Random(20261128)
_ALNUM = string.ascii_letters + string.digits
_BASE32 = string.ascii_uppercase + "234567"
_B64URL = _ALNUM + "_-"


@dataclass(frozen=True, slots=True)
class PlantedSecret:
    kind: str
    language: str
    snippet: str
    secret: str


def _pick(alphabet: str, length: int) -> str:
    """Random text with every class of the alphabet present (real keys are like that)."""
    while True:
        value = "".join(_RANDOM.choice(alphabet) for _ in range(length))
        classes = [c for c in (string.ascii_lowercase, string.ascii_uppercase, string.digits)
                   if any(ch in c for ch in alphabet)]  # fmt: skip
        if all(any(ch in c for ch in value) for c in classes):
            return value


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _jwt() -> str:
    header = _b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    claims = {"sub": _pick(string.digits, 9), "role": "admin", "iat": 1764300000}
    return f"{header}.{_b64url(json.dumps(claims).encode())}.{_pick(_B64URL, 43)}"


def _pem_body(lines: int = 6) -> list[str]:
    return [_pick(_ALNUM + "+/", 64) for _ in range(lines)] + [_pick(_ALNUM + "+/", 24) + "=="]


def _password() -> str:
    return _pick(_ALNUM, 6) + _RANDOM.choice("!^*~") + _pick(_ALNUM, 5)


AWS_ID = "AKIA" + _pick(_BASE32.replace("A", ""), 16)
AWS_SECRET = _pick(_ALNUM + "/+", 40)
GITHUB = {prefix: f"{prefix}_{_pick(_ALNUM, 36)}" for prefix in ("ghp", "gho", "ghu", "ghs", "ghr")}
GITHUB_PAT = f"github_pat_{_pick(_ALNUM, 22)}_{_pick(_ALNUM, 59)}"
GITLAB = "glpat-" + _pick(_ALNUM + "_-", 20)
SLACK_BOT = f"xoxb-{_pick(string.digits, 12)}-{_pick(string.digits, 13)}-{_pick(_ALNUM, 24)}"
SLACK_USER = f"xoxp-{_pick(string.digits, 12)}-{_pick(string.digits, 12)}-{_pick(_ALNUM, 32)}"
SLACK_HOOK = (
    f"https://hooks.slack.com/services/T{_pick(_BASE32, 8)}/B{_pick(_BASE32, 10)}/"
    f"{_pick(_ALNUM, 24)}"
)
STRIPE = "sk_" + "live_" + _pick(_ALNUM, 24)
STRIPE_RESTRICTED = "rk_" + "live_" + _pick(_ALNUM, 34)
GOOGLE = "AIza" + _pick(_ALNUM + "_-", 35)
JWT = _jwt()
ANTHROPIC = "sk-ant-api03-" + _pick(_B64URL, 93) + "AA"
OPENAI_LEGACY = "sk-" + _pick(_ALNUM, 20) + "T3BlbkFJ" + _pick(_ALNUM, 20)
OPENAI_PROJECT = "sk-proj-" + _pick(_B64URL, 120)
NPM = "npm_" + _pick(_ALNUM, 36)
PEM_RSA = _pem_body()
PEM_EC = _pem_body(3)
PEM_PKCS8 = _pem_body(4)
PEM_OPENSSH = _pem_body(5)
PEM_PARTIAL = _pem_body(3)
PASSWORDS = [_password() for _ in range(20)]
HIGH_BASE64 = _pick(_ALNUM + "+/", 44)
HIGH_BASE64URL = _pick(_B64URL, 32)
HIGH_HEX = _pick("0123456789abcdef", 64)
HIGH_HEX_UPPER = _pick("0123456789ABCDEF", 40)
API_KEY = _pick(_ALNUM, 18)
TOKEN = _pick(_ALNUM, 16)
CREDENTIAL = _pick(_ALNUM, 14)
BEARER = _pick(_B64URL, 40)
BASIC = base64.b64encode(f"deploy:{PASSWORDS[19]}".encode()).decode()

_NL = "\\n"


def _pem(kind: str, body: list[str]) -> str:
    return "\n".join(
        [f"-----BEGIN {kind}PRIVATE KEY-----", *body, f"-----END {kind}PRIVATE KEY-----"]
    )


PLANTED: list[PlantedSecret] = [
    # --- FG202 vendor formats ----------------------------------------------------------------
    PlantedSecret("aws-access-key-id", "python", f'AWS_ACCESS_KEY_ID = "{AWS_ID}"\n', AWS_ID),
    PlantedSecret(
        "aws-secret-access-key",
        "python",
        f'session = boto3.Session(\n    aws_access_key_id="{AWS_ID}",\n'
        f'    aws_secret_access_key="{AWS_SECRET}",\n)\n',
        AWS_SECRET,
    ),
    PlantedSecret(
        "aws-secret-access-key",
        "go",
        f'creds := credentials.NewStaticCredentials("{AWS_ID}", "{AWS_SECRET}", "")\n',
        AWS_SECRET,
    ),
    PlantedSecret(
        "aws-access-key-id",
        "yaml",
        f"aws:\n  access_key_id: {AWS_ID}\n  region: eu-west-1\n",
        AWS_ID,
    ),
    *(
        PlantedSecret(
            "github-token", "typescript", f'const gh = new Octokit({{ auth: "{t}" }});\n', t
        )
        for t in GITHUB.values()
    ),
    PlantedSecret(
        "github-token",
        "go",
        f"// token: {GITHUB_PAT}\nclient := github.NewClient(nil)\n",
        GITHUB_PAT,
    ),
    PlantedSecret(
        "gitlab-token", "python", f"gl = gitlab.Gitlab(url, private_token='{GITLAB}')\n", GITLAB
    ),
    PlantedSecret(
        "slack-token", "javascript", f"const web = new WebClient('{SLACK_BOT}');\n", SLACK_BOT
    ),
    PlantedSecret(
        "slack-token", "java", f'Slack.getInstance().methods("{SLACK_USER}");\n', SLACK_USER
    ),
    PlantedSecret(
        "slack-webhook",
        "python",
        f'requests.post("{SLACK_HOOK}", json=msg)\n',
        SLACK_HOOK.rsplit("/", 1)[1],
    ),
    PlantedSecret("stripe-live-key", "ruby", f'Stripe.api_key = "{STRIPE}"\n', STRIPE),
    PlantedSecret(
        "stripe-live-key", "go", f"stripe.Key = `{STRIPE_RESTRICTED}`\n", STRIPE_RESTRICTED
    ),
    PlantedSecret(
        "google-api-key",
        "kotlin",
        f'val maps = GeoApiContext.Builder().apiKey("{GOOGLE}")\n',
        GOOGLE,
    ),
    PlantedSecret(
        "jwt",
        "javascript",
        f"fetch(url, {{ headers: {{ Authorization: 'Bearer {JWT}' }} }});\n",
        JWT,
    ),
    PlantedSecret("jwt", "python", f"# sample token for local testing: {JWT}\n", JWT),
    PlantedSecret(
        "anthropic-key", "python", f'client = Anthropic(api_key="{ANTHROPIC}")\n', ANTHROPIC
    ),
    PlantedSecret(
        "openai-key",
        "typescript",
        f'const openai = new OpenAI({{ apiKey: "{OPENAI_PROJECT}" }});\n',
        OPENAI_PROJECT,
    ),
    PlantedSecret("openai-key", "python", f'openai.api_key = "{OPENAI_LEGACY}"\n', OPENAI_LEGACY),
    PlantedSecret("npm-token", "dotenv", f"//registry.npmjs.org/:_authToken={NPM}\n", NPM),
    PlantedSecret(
        "private-key", "python", f'KEY = """{_pem("RSA ", PEM_RSA)}"""\n', "\n".join(PEM_RSA)
    ),
    PlantedSecret(
        "private-key", "go", f"var key = []byte(`{_pem('EC ', PEM_EC)}`)\n", "\n".join(PEM_EC)
    ),
    PlantedSecret(
        "private-key",
        "java",
        'private static final String KEY = "-----BEGIN PRIVATE KEY-----\\n"\n'
        + "".join(f'    + "{line}{_NL}"\n' for line in PEM_PKCS8)
        + '    + "-----END PRIVATE KEY-----";\n',
        "\n".join(PEM_PKCS8),
    ),
    PlantedSecret(
        "private-key", "plaintext", _pem("OPENSSH ", PEM_OPENSSH) + "\n", "\n".join(PEM_OPENSSH)
    ),
    # A selection that stops inside the key: no END line.
    PlantedSecret(
        "private-key",
        "javascript",
        "const key = `-----BEGIN RSA PRIVATE KEY-----\n" + "\n".join(PEM_PARTIAL[:3]) + "\n",
        "\n".join(PEM_PARTIAL[:3]),
    ),
    # --- passwords in connection strings -----------------------------------------------------
    PlantedSecret(
        "password",
        "python",
        f'engine = create_engine("postgresql://app:{PASSWORDS[0]}@db.prod.internal/app")\n',
        PASSWORDS[0],
    ),
    PlantedSecret(
        "password",
        "javascript",
        f"const redis = new Redis('redis://:{PASSWORDS[1]}@cache.internal:6379/0');\n",
        PASSWORDS[1],
    ),
    PlantedSecret(
        "password",
        "go",
        f'db, err := sql.Open("mysql", "app:{PASSWORDS[2]}@tcp(db:3306)/orders")\n',
        PASSWORDS[2],
    ),
    PlantedSecret(
        "password",
        "python",
        f'DSN = "host=db.internal user=app password={PASSWORDS[3]} dbname=orders"\n',
        PASSWORDS[3],
    ),
    PlantedSecret(
        "password",
        "java",
        'String url = "Server=db;User Id=app;Password=' + PASSWORDS[4] + ';";\n',
        PASSWORDS[4],
    ),
    PlantedSecret(
        "password",
        "yaml",
        f"spring:\n  datasource:\n    url: jdbc:postgresql://app:{PASSWORDS[5]}@db/app\n",
        PASSWORDS[5],
    ),
    # --- credential-like names (FG201) -------------------------------------------------------
    PlantedSecret("password", "python", f'db_password = "{PASSWORDS[6]}"\n', PASSWORDS[6]),
    PlantedSecret(
        "password",
        "python",
        f"conn = psycopg.connect(user='app', password='{PASSWORDS[7]}')\n",
        PASSWORDS[7],
    ),
    PlantedSecret("password", "go", f'const dbPassword = "{PASSWORDS[8]}"\n', PASSWORDS[8]),
    PlantedSecret(
        "password",
        "go",
        f'cfg := mysql.Config{{User: "app", Passwd: "{PASSWORDS[9]}"}}\n',
        PASSWORDS[9],
    ),
    PlantedSecret(
        "password",
        "java",
        f'private static final String PASSWORD = "{PASSWORDS[10]}";\n',
        PASSWORDS[10],
    ),
    PlantedSecret(
        "password", "java", f'dataSource.setPassword("{PASSWORDS[11]}");\n', PASSWORDS[11]
    ),
    PlantedSecret(
        "password", "kotlin", f'val adminPassword: String = "{PASSWORDS[12]}"\n', PASSWORDS[12]
    ),
    PlantedSecret(
        "password",
        "rust",
        f'let pool = PgConnectOptions::new().password("{PASSWORDS[13]}");\n',
        PASSWORDS[13],
    ),
    PlantedSecret(
        "password",
        "typescript",
        f'const config = {{ user: "app", password: "{PASSWORDS[14]}" }};\n',
        PASSWORDS[14],
    ),
    PlantedSecret(
        "password", "yaml", f"database:\n  user: app\n  password: {PASSWORDS[15]}\n", PASSWORDS[15]
    ),
    PlantedSecret("password", "dotenv", f"export DB_PASSWORD={PASSWORDS[16]}\n", PASSWORDS[16]),
    PlantedSecret(
        "password", "properties", f"spring.datasource.password = {PASSWORDS[17]}\n", PASSWORDS[17]
    ),
    PlantedSecret(
        "password", "java", f'props.put("mail.smtp.password", "{PASSWORDS[18]}");\n', PASSWORDS[18]
    ),
    PlantedSecret(
        "secret",
        "python",
        f'app.config["SECRET_KEY"] = "{HIGH_BASE64URL[:24]}"\n',
        HIGH_BASE64URL[:24],
    ),
    PlantedSecret(
        "secret",
        "javascript",
        f"app.use(session({{ secret: 'keyboard {PASSWORDS[0][:5]}' }}));\n",
        f"keyboard {PASSWORDS[0][:5]}",
    ),
    PlantedSecret("secret", "go", f'var jwtSecret = []byte("{PASSWORDS[1]}")\n', PASSWORDS[1]),
    PlantedSecret("api-key", "python", f'client = Client(api_key="{API_KEY}")\n', API_KEY),
    PlantedSecret("token", "typescript", f'const accessToken = "{TOKEN}";\n', TOKEN),
    PlantedSecret("credential", "java", f'String credentials = "{CREDENTIAL}";\n', CREDENTIAL),
    PlantedSecret(
        "authorization", "python", f'headers = {{"Authorization": "Bearer {BEARER}"}}\n', BEARER
    ),
    PlantedSecret(
        "authorization", "go", f'req.Header.Set("Authorization", "Basic {BASIC}")\n', BASIC
    ),
    PlantedSecret(
        "authorization",
        "shellscript",
        f'curl -H "Authorization: Bearer {BEARER[::-1]}" https://api.internal/v1\n',
        BEARER[::-1],
    ),
    # --- generic high-entropy strings --------------------------------------------------------
    PlantedSecret(
        "high-entropy-string", "python", f'DEFAULTS = {{"signing": "{HIGH_BASE64}"}}\n', HIGH_BASE64
    ),
    PlantedSecret(
        "high-entropy-string", "javascript", f"// staging: {HIGH_BASE64URL}\n", HIGH_BASE64URL
    ),
    PlantedSecret(
        "high-entropy-string", "go", f'hmac.New(sha256.New, []byte("{HIGH_HEX}"))\n', HIGH_HEX
    ),
    PlantedSecret(
        "high-entropy-string",
        "java",
        f'cipher.init(Cipher.ENCRYPT_MODE, key("{HIGH_HEX_UPPER}"));\n',
        HIGH_HEX_UPPER,
    ),
    PlantedSecret(
        "high-entropy-string",
        "rust",
        f'const SEED: &str = "{HIGH_BASE64[::-1]}";\n',
        HIGH_BASE64[::-1],
    ),
]
