"""The planted-secrets corpus as whole source files, one per language Forge sends to Claude.

`tests/data/planted_secrets.py` holds one snippet per secret format in the syntax of several
languages (what `redact()` is unit-tested on). Here those snippets, plus every format that
`forge_lsp.rules.families.credentials.FORMATS` knows and the generic secrets (hex, base64,
base64url, JWT, URL with password, private key blocks, connection strings) written out in each of
Forge's languages, become one file per language laid out as an editor would send it: secrets
above a function (the context before a selection), inside it (the selection) and below it (the
context after). Each file's `secrets` are what must never leave the machine and `kinds` the
placeholders that must appear in their place.
"""

from __future__ import annotations

from dataclasses import dataclass

from forge_lsp.core import languages
from forge_lsp.rules.families import credentials
from tests.data import planted_secrets as planted

# Every language of Forge's registry and its corpus file's extension. A language added there
# fails `every_file` until the tables below (_STATEMENT, _MULTILINE, _FUNCTION) write it.
LANGUAGES: dict[str, str] = {
    spec.name: spec.extensions[0].removeprefix(".") for spec in languages.LANGUAGES.values()
}
# The shortest piece of a secret that counts as leaked.
WINDOW = 8
# Fixed parts of key formats: public, and in Forge's own key's header too (`sk-ant-api03-`).
PUBLIC_PREFIXES = ("sk-ant-api03-", "github_pat_", "sk-proj-", "hooks.slack.com")

# One sample value per format (the private key is written out per language below).
FORMAT_SAMPLES: dict[str, str] = {
    "aws-access-key-id": planted.AWS_ID,
    "aws-secret-access-key": planted.AWS_SECRET,
    "github-token": planted.GITHUB["ghp"],
    "gitlab-token": planted.GITLAB,
    "slack-token": planted.SLACK_BOT,
    "slack-webhook": planted.SLACK_HOOK,
    "stripe-live-key": planted.STRIPE,
    "google-api-key": planted.GOOGLE,
    "jwt": planted.JWT,
    "anthropic-key": planted.ANTHROPIC,
    "openai-key": planted.OPENAI_PROJECT,
    "npm-token": planted.NPM,
}
# Generic secrets with no vendor format: (placeholder kind, variable name, value, secret part).
GENERIC: list[tuple[str, str, str, str]] = [
    ("high-entropy-string", "signing_seed", planted.HIGH_HEX, planted.HIGH_HEX),
    ("high-entropy-string", "upload_salt", planted.HIGH_BASE64, planted.HIGH_BASE64),
    ("high-entropy-string", "cursor_seed", planted.HIGH_BASE64URL, planted.HIGH_BASE64URL),
    (
        "password",
        "database_url",
        f"postgresql://orders:{planted.PASSWORDS[2]}@db.prod.internal:5432/orders",
        planted.PASSWORDS[2],
    ),
    (
        "password",
        "sql_server",
        f"Server=db;Database=orders;User Id=app;Password={planted.PASSWORDS[4]};",
        planted.PASSWORDS[4],
    ),
]
_STATEMENT: dict[str, str] = {
    "python": '{name} = "{value}"',
    "go": 'var {name} = "{value}"',
    "javascript": 'const {name} = "{value}";',
    "typescript": 'const {name}: string = "{value}";',
    "java": 'static final String {name} = "{value}";',
    "kotlin": 'val {name} = "{value}"',
    "rust": 'const {name}: &str = "{value}";',
}
_MULTILINE: dict[str, tuple[str, str]] = {  # how each language opens and closes a raw block
    "python": ('{name} = """', '"""'),
    "go": ("var {name} = `", "`"),
    "javascript": ("const {name} = `", "`;"),
    "typescript": ("const {name}: string = `", "`;"),
    "java": ('static final String {name} = """', '""";'),
    "kotlin": ('val {name} = """', '"""'),
    "rust": ('const {name}: &str = r#"', '"#;'),
}
# A function to hold the selection: opening line, indentation, closing lines.
_FUNCTION: dict[str, tuple[str, str, str]] = {
    "python": ("def handler(request):", "    ", "    return request\n"),
    "go": ("func handler(request string) string {", "\t", "\treturn request\n}\n"),
    "javascript": ("function handler(request) {", "  ", "  return request;\n}\n"),
    "typescript": ("function handler(request: string): string {", "  ", "  return request;\n}\n"),
    "java": (
        "class Handler {\n  String handler(String request) {",
        "    ",
        "    return request;\n  }\n}\n",
    ),
    "kotlin": ("fun handler(request: String): String {", "    ", "    return request\n}\n"),
    "rust": ("fn handler(request: &str) -> &str {", "    ", "    request\n}\n"),
}
# TSX writes all three as TypeScript does.
_STATEMENT["tsx"] = _STATEMENT["typescript"]
_MULTILINE["tsx"] = _MULTILINE["typescript"]
_FUNCTION["tsx"] = _FUNCTION["typescript"]


@dataclass(frozen=True)
class Secret:
    kind: str
    value: str  # what must never be sent (every line of it, every 8-character piece)


@dataclass(frozen=True)
class SourceFile:
    """One file of the corpus and where its parts are (zero-based lines)."""

    language: str
    name: str
    text: str
    secrets: tuple[Secret, ...]
    function_start: int  # the line `def handler...` / `func handler...` is on
    function_end: int  # the function's last line
    plain_line: int  # a line inside the function with no finding on it (for hovers)

    @property
    def kinds(self) -> set[str]:
        return {secret.kind for secret in self.secrets}

    @property
    def language_id(self) -> str:
        """The LSP language id an editor opens the file with."""
        return languages.LANGUAGES[self.language].lsp_ids[0]


def _name(kind: str, index: int) -> str:
    # The AWS secret key is only a secret next to AWS words (FG202's rule); the others get
    # neutral names, so that the format alone, not a credential-like name, has to catch them.
    base = "aws_secret_access_key" if kind == "aws-secret-access-key" else "setting"
    return f"{base}_{index}"


def _format_blocks(language: str) -> list[tuple[list[str], list[Secret]]]:
    """Every format FORMATS knows and every generic secret, written in `language`."""
    blocks: list[tuple[list[str], list[Secret]]] = []
    statement = _STATEMENT[language]
    for index, (kind, value) in enumerate(FORMAT_SAMPLES.items()):
        secret = value.rsplit("/", 1)[1] if kind == "slack-webhook" else value
        line = statement.format(name=_name(kind, index), value=value)
        blocks.append(([line], [Secret(kind, secret)]))
    for index, (kind, name, value, secret) in enumerate(GENERIC):
        line = statement.format(name=f"{name}_{index}", value=value)
        blocks.append(([line], [Secret(kind, secret)]))
    opening, closing = _MULTILINE[language]
    body = planted.PEM_RSA
    pem = [
        opening.format(name="signing_key") + "-----BEGIN RSA PRIVATE KEY-----",
        *body,
        "-----END RSA PRIVATE KEY-----" + closing,
    ]
    blocks.append((pem, [Secret("private-key", "\n".join(body))]))
    return blocks


def build(language: str) -> SourceFile:
    """The corpus file for `language`: a third of its secrets above the function, a third in
    it, a third below."""
    snippets = [p for p in planted.PLANTED if p.language == language]
    # A key block cut off by the end of a selection (no END line) runs to the end of the file.
    cut = [p for p in snippets if "-----BEGIN" in p.snippet and "-----END" not in p.snippet]
    blocks: list[tuple[list[str], list[Secret]]] = [
        (p.snippet.rstrip("\n").split("\n"), [Secret(p.kind, p.secret)])
        for p in snippets
        if p not in cut
    ]
    blocks += _format_blocks(language)
    opening, indent, closing = _FUNCTION[language]
    comment = languages.LANGUAGES[language].line_comment
    thirds = [blocks[i::3] for i in range(3)]
    lines: list[str] = [f"{comment} {language} service settings" if language != "python" else "# x"]
    for block_lines, _ in thirds[0]:
        lines += block_lines
    function_start = len(lines)
    lines += opening.split("\n")
    plain_line = len(lines)
    lines.append(
        indent + ("request = request.strip()" if language == "python" else f"{comment} plain")
    )
    for block_lines, _ in thirds[1]:
        lines += [indent + line if line else line for line in block_lines]
    lines += closing.rstrip("\n").split("\n")
    function_end = len(lines) - 1
    for block_lines, _ in thirds[2]:
        lines += block_lines
    for p in cut:
        lines += p.snippet.rstrip("\n").split("\n")
    secrets = tuple(secret for block in blocks for secret in block[1])
    secrets += tuple(Secret(p.kind, p.secret) for p in cut)
    return SourceFile(
        language,
        f"corpus_{language}.{LANGUAGES[language]}",
        "\n".join(lines) + "\n",
        secrets,
        function_start,
        function_end,
        plain_line,
    )


def every_file() -> list[SourceFile]:
    unwritten = [
        name
        for name in LANGUAGES
        if name not in _STATEMENT.keys() & _MULTILINE.keys() & _FUNCTION.keys()
    ]
    assert not unwritten, (
        f"tests/security/corpus.py: write {unwritten} in _STATEMENT, _MULTILINE, _FUNCTION"
    )
    return [build(language) for language in LANGUAGES]


def covered_formats() -> set[str]:
    """The format ids planted in every language (the test checks it is all of FORMATS)."""
    return set(FORMAT_SAMPLES) | {"private-key"}


def format_ids() -> set[str]:
    return {fmt.id for fmt in credentials.FORMATS}


def pieces(secret: str) -> list[str]:
    """Every `WINDOW`-character piece of every line of a secret (a shorter line whole)."""
    found: list[str] = []
    for line in secret.split("\n"):
        line = line.strip()
        if len(line) <= WINDOW:
            found.append(line)
        else:
            found += [line[i : i + WINDOW] for i in range(len(line) - WINDOW + 1)]
    return [
        piece for piece in found if piece and not any(piece in prefix for prefix in PUBLIC_PREFIXES)
    ]


def leaks(sent: str, secrets: tuple[Secret, ...] | list[Secret]) -> list[str]:
    """The pieces of `secrets` found in `sent`, as `kind: piece` (empty when none leaked)."""
    return [
        f"{secret.kind}: {piece}"
        for secret in secrets
        for piece in pieces(secret.value)
        if piece in sent
    ]
