"""Scaffold a new rule: its module, its fixtures, its README row and its generated doc.

    python scripts/new_rule.py FG705 unbounded-queue --languages python,go --severity warning

writes

- ``forge_lsp/rules/fg705_unbounded_queue.py``: the rule (found by the registry by its name),
  with a working example query per language and a doc whose sections are TODOs;
- ``tests/fixtures/rules/FG705/<language>/positive.<ext>`` and ``negative.<ext>``: a line the
  example query flags (marked ``expect: FG705``) and a safe twin;
- a row in README.md's rule table, and ``docs/rules/FG705.md`` plus the docs index, generated
  by ``scripts/gen_rule_docs.py``.

The new rule passes its tests at once (``pytest tests/rules -k FG705``) and shows its
findings end to end (``forge-lsp check tests/fixtures/rules/FG705/*/*``); then replace the
example with what the rule really finds. Refuses a code or a name some rule already has.
``--root`` writes into another checkout (the scaffold's test uses a temporary copy).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

from forge_lsp.core import languages
from forge_lsp.core.model import Severity

REPO = Path(__file__).resolve().parent.parent
CODE = re.compile(r"^FG\d{3}$")
NAME = re.compile(r"^[a-z]+(-[a-z]+)+$")  # as tests/rules/test_fixtures.py requires
_DECLARED_CODE = re.compile(r'^\s+code = "(FG\d{3})"', re.MULTILINE)
_DECLARED_NAME = re.compile(r'^\s+name = "([a-z-]+)"', re.MULTILINE)
_README_ROW = re.compile(r"^\| (FG\d{3}) \|")


class ScaffoldError(Exception):
    """A request the scaffold refuses; the message says why."""


@dataclass(frozen=True)
class Template:
    """What the scaffold writes for one language; `{fn}` is the example's function name."""

    title: str  # the language's name in prose
    fence: str  # the Markdown code fence's language
    query: str  # matches a call of `{fn}`, the whole call captured as @call
    positive: str
    negative: str


# A call of a function named after the rule (`fg705_example()`) is flagged: a name no real
# code and no other rule's fixture uses, so the example finds nothing but its own fixtures.
_JS_QUERY = '(call_expression function: (identifier) @fn (#eq? @fn "{fn}")) @call'
TEMPLATES: dict[str, Template] = {
    "python": Template(
        "Python",
        "python",
        '(call function: (identifier) @fn (#eq? @fn "{fn}")) @call',
        "def handler():\n    {fn}()  # expect: {code}\n",
        "def handler():\n    {fn}_done_right()\n",
    ),
    "go": Template(
        "Go",
        "go",
        '(call_expression function: (identifier) @fn (#eq? @fn "{fn}")) @call',
        "package fixtures\n\nfunc handler() {{\n\t{fn}() // expect: {code}\n}}\n",
        "package fixtures\n\nfunc handler() {{\n\t{fn}_done_right()\n}}\n",
    ),
    "javascript": Template(
        "JavaScript",
        "javascript",
        _JS_QUERY,
        "function handler() {{\n  {fn}(); // expect: {code}\n}}\n",
        "function handler() {{\n  {fn}_done_right();\n}}\n",
    ),
    "typescript": Template(
        "TypeScript",
        "typescript",
        _JS_QUERY,
        "function handler(): void {{\n  {fn}(); // expect: {code}\n}}\n",
        "function handler(): void {{\n  {fn}_done_right();\n}}\n",
    ),
    "tsx": Template(
        "TSX",
        "typescript",
        _JS_QUERY,
        "function handler(): void {{\n  {fn}(); // expect: {code}\n}}\n",
        "function handler(): void {{\n  {fn}_done_right();\n}}\n",
    ),
    "java": Template(
        "Java",
        "java",
        '(method_invocation name: (identifier) @fn (#eq? @fn "{fn}")) @call',
        "class Fixture {{\n    void handler() {{\n        {fn}(); // expect: {code}\n    }}\n}}\n",
        "class Fixture {{\n    void handler() {{\n        {fn}_done_right();\n    }}\n}}\n",
    ),
    "rust": Template(
        "Rust",
        "rust",
        '(call_expression function: (identifier) @fn (#eq? @fn "{fn}")) @call',
        "fn handler() {{\n    {fn}(); // expect: {code}\n}}\n",
        "fn handler() {{\n    {fn}_done_right();\n}}\n",
    ),
    "kotlin": Template(
        "Kotlin",
        "kotlin",
        '(call_expression (identifier) @fn (#eq? @fn "{fn}")) @call',
        "fun handler() {{\n    {fn}() // expect: {code}\n}}\n",
        "fun handler() {{\n    {fn}_done_right()\n}}\n",
    ),
}

RULE_MODULE = '''{docstring}

from __future__ import annotations

from collections.abc import Iterator

from forge_lsp.core.model import Finding, Severity
from forge_lsp.rules.base import CheckContext, Rule, has_error

# One tree-sitter query per language; `@call` is the node a finding spans. The example flags
# a call of `{fn}()`: replace it with what {code} finds, and the fixtures with real code.
QUERIES = {{
{queries}}}

_DOC = r"""
## What it does

**TODO: the verdict in one sentence: what the rule flags.** Then the forms it recognises in
each language, what is deliberately not flagged (and why), and whether there is a quick fix.

## Why it matters in production

TODO: the failure mode in production, named ("connection pool exhaustion under load"), and how
it shows up: what breaks, when, and what the logs do or do not say.

## Example

{examples}
## Use instead

TODO: the fix, in each language the rule checks.

## How to test it

TODO: how to write a test that fails on the flagged code and passes on the fix.

## References

- TODO: the CWE, the OWASP page, the library's documentation
"""


class {class_name}(Rule):
    code = "{code}"
    name = "{name}"
    summary = {summary_literal}
    severity = Severity.{severity}
    cwe = {cwe}
    languages = {languages}
    doc = _DOC

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        for _, match in ctx.matches(QUERIES[ctx.language.name]):
            call = match["call"][0]
            if has_error(call):
                continue  # half-typed code: wait until it parses
            yield self.finding(
                call,
                "`{fn}()` is the scaffold's example finding: replace {code}'s QUERIES "
                "with what the rule looks for",
            )


RULE = {class_name}()
'''


@dataclass(frozen=True)
class Request:
    code: str
    name: str
    languages: tuple[str, ...]
    severity: Severity
    summary: str
    cwe: int | None

    @property
    def module(self) -> str:
        return f"{self.code.lower()}_{self.name.replace('-', '_')}"

    @property
    def example_function(self) -> str:
        return f"{self.code.lower()}_example"

    @property
    def class_name(self) -> str:
        return "".join(part.capitalize() for part in self.name.split("-"))


def parse_languages(text: str) -> tuple[str, ...]:
    """`python,go` (or `all`) as language names, sorted; ScaffoldError for unknown ones."""
    if text.strip() == "all":
        names = set(languages.LANGUAGES)
    else:
        names = {name.strip().lower() for name in text.split(",") if name.strip()}
    if not names:
        raise ScaffoldError("--languages names no language")
    unknown = sorted(names - set(languages.LANGUAGES))
    if unknown:
        raise ScaffoldError(
            f"unknown language(s) {', '.join(unknown)}; known: {', '.join(languages.LANGUAGES)}"
        )
    untemplated = sorted(names - set(TEMPLATES))
    if untemplated:
        raise ScaffoldError(
            f"no scaffold template for {', '.join(untemplated)}: add one to TEMPLATES in "
            "scripts/new_rule.py"
        )
    return tuple(sorted(names))


def declared_rules(root: Path) -> dict[str, tuple[str, Path]]:
    """Code -> (name, module) of every rule module in `root`, read from its source."""
    found = {}
    for path in sorted((root / "forge_lsp" / "rules").glob("fg[0-9][0-9][0-9]_*.py")):
        text = path.read_text(encoding="utf-8")
        code = _DECLARED_CODE.search(text)
        name = _DECLARED_NAME.search(text)
        found[code.group(1) if code else path.name[:5].upper()] = (
            name.group(1) if name else "",
            path,
        )
    return found


def next_free_code(code: str, taken: set[str]) -> str | None:
    """The first code after `code` in the same hundred that no rule has (FG3xx stays FG3xx)."""
    number = int(code[2:])
    for candidate in range(number + 1, (number // 100 + 1) * 100):
        if f"FG{candidate:03d}" not in taken:
            return f"FG{candidate:03d}"
    return None


def refuse_taken(request: Request, root: Path) -> None:
    """ScaffoldError when the code, the name or any file the scaffold writes exists already."""
    if not (root / "forge_lsp" / "rules" / "registry.py").is_file():
        raise ScaffoldError(f"{root} is not a Forge checkout (no forge_lsp/rules/registry.py)")
    rules = declared_rules(root)
    if request.code in rules:
        free = next_free_code(request.code, set(rules))
        hint = f"; the next free code in its family is {free}" if free else ""
        raise ScaffoldError(f"{request.code} is taken by {rules[request.code][1].name}{hint}")
    for name, path in rules.values():
        if name == request.name:
            raise ScaffoldError(f"the name {request.name!r} is taken by {path.name}")
    for path in (
        root / "forge_lsp" / "rules" / f"{request.module}.py",
        root / "tests" / "fixtures" / "rules" / request.code,
        root / "docs" / "rules" / f"{request.code}.md",
    ):
        if path.exists():
            raise ScaffoldError(f"{path} exists already")


def rule_source(request: Request) -> str:
    """The rule module, already as `ruff format` writes it."""
    fn = request.example_function
    queries = "".join(
        f'    "{language}": """\n{TEMPLATES[language].query.format(fn=fn)}\n""",\n'
        for language in request.languages
    )
    blocks: dict[str, str] = {}  # code -> its fence: TypeScript and TSX share one example
    for language in request.languages:
        marker = re.compile(rf"\s*{re.escape(_comment(language))} expect: {request.code}")
        code = marker.sub("", TEMPLATES[language].positive.format(fn=fn, code=request.code))
        blocks.setdefault(code, TEMPLATES[language].fence)
    examples = "\n".join(f"```{fence}\n{code}```\n" for code, fence in blocks.items())
    return RULE_MODULE.format(
        docstring=_docstring(f"{request.code} {request.name}: {request.summary}"),
        code=request.code,
        name=request.name,
        summary_literal=_fitted(
            json.dumps(request.summary, ensure_ascii=False), len("    summary = ")
        ),
        fn=fn,
        queries=queries,
        examples=examples,
        class_name=request.class_name,
        severity=request.severity.name,
        cwe=request.cwe,
        languages=_fitted(
            "frozenset({" + ", ".join(f'"{language}"' for language in request.languages) + "})",
            len("    languages = "),
        ),
    )


_WIDTH = 100  # pyproject.toml's line-length


def _docstring(text: str) -> str:
    """A module docstring on one line, or wrapped when it does not fit."""
    if len(text) + 6 <= _WIDTH:
        return f'"""{text}"""'
    title, _, rest = text.partition(": ")
    return '"""' + title + ".\n\n" + textwrap.fill(rest, _WIDTH) + '\n"""'


def _fitted(expression: str, indent: int) -> str:
    """A class attribute's value as `ruff format` lays it out: on one line when it fits,
    else a string split in parenthesized parts or a call's argument on its own line."""
    if indent + len(expression) <= _WIDTH:
        return expression
    if expression.startswith("frozenset("):
        return "frozenset(\n        " + expression[len("frozenset(") : -1] + "\n    )"
    words = textwrap.wrap(json.loads(expression), _WIDTH - 12, drop_whitespace=False)
    parts = [json.dumps(word, ensure_ascii=False) for word in words]
    return "(\n" + "".join(f"        {part}\n" for part in parts) + "    )"


def _comment(language: str) -> str:
    return languages.LANGUAGES[language].line_comment


def fixture_files(request: Request, root: Path) -> dict[Path, str]:
    """Fixture path -> content, in the layout tests/rules/test_fixtures.py reads."""
    files = {}
    fn = request.example_function
    for language in request.languages:
        template = TEMPLATES[language]
        folder = root / "tests" / "fixtures" / "rules" / request.code / language
        ext = languages.LANGUAGES[language].extensions[0]
        comment = _comment(language)
        files[folder / f"positive{ext}"] = (
            f"{comment} {request.code}: a line ending in an expect comment naming {request.code} "
            "must produce that finding.\n" + template.positive.format(fn=fn, code=request.code)
        )
        files[folder / f"negative{ext}"] = (
            f"{comment} {request.code}: the safe forms; no rule may find anything here.\n"
            + template.negative.format(fn=fn, code=request.code)
        )
    return files


def readme_with_row(readme: str, request: Request) -> str:
    """README.md with the rule's row in the rule table, in code order."""
    # In the order of core/languages.py (Python first), as the other rows list them.
    ordered = [language for language in languages.LANGUAGES if language in request.languages]
    shown = ", ".join(TEMPLATES[language].title for language in ordered)
    row = (
        f"| {request.code} | `{request.name}`: {request.summary} | "
        f"{request.severity.label} | {shown} |"
    )
    lines = readme.splitlines(keepends=True)
    table = [i for i, line in enumerate(lines) if _README_ROW.match(line)]
    if not table:
        raise ScaffoldError("README.md has no rule table (rows starting `| FGnnn |`)")
    later = [i for i in table if lines[i][2:7] > request.code]  # `| FG101 |`: the code
    at = later[0] if later else table[-1] + 1
    lines.insert(at, row + "\n")
    return "".join(lines)


def generate_docs(root: Path) -> None:
    """Run `root`'s scripts/gen_rule_docs.py with `root` first on the import path."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(root), env.get("PYTHONPATH", "")) if p)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    script = root / "scripts" / "gen_rule_docs.py"
    done = subprocess.run(
        [sys.executable, str(script), "--out", str(root / "docs" / "rules")],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise ScaffoldError(f"scripts/gen_rule_docs.py failed:\n{done.stderr}")


def scaffold(request: Request, root: Path) -> list[Path]:
    """Write the rule's files into `root`; the paths written, docs included."""
    refuse_taken(request, root)
    written: dict[Path, str] = {
        root / "forge_lsp" / "rules" / f"{request.module}.py": rule_source(request),
        **fixture_files(request, root),
    }
    readme = root / "README.md"
    written[readme] = readme_with_row(readme.read_text(encoding="utf-8"), request)
    for path, content in written.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8", newline="\n")
    generate_docs(root)
    docs = root / "docs" / "rules"
    return [*written, docs / f"{request.code}.md", docs / "README.md"]


def parse_args(argv: list[str] | None) -> tuple[Request, Path]:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("code", help="the new code, FG<NNN>: the hundreds are the family")
    parser.add_argument("name", help="a kebab-case phrase: retry-without-backoff")
    parser.add_argument(
        "--languages",
        required=True,
        help=f"comma-separated, or `all`: {','.join(languages.LANGUAGES)}",
    )
    parser.add_argument(
        "--severity", default="warning", help="error, warning, info or hint (default: warning)"
    )
    parser.add_argument(
        "--summary", default="TODO: one line saying what the rule finds", help="the one-liner"
    )
    parser.add_argument("--cwe", type=int, default=None, help="the CWE number, if there is one")
    parser.add_argument("--root", type=Path, default=REPO, help="the checkout to write into")
    args = parser.parse_args(argv)
    code = args.code.strip().upper()
    if not CODE.match(code):
        parser.error(f"the code must be FG and three digits, like FG705: got {args.code!r}")
    if not NAME.match(args.name):
        parser.error(f"the name must be kebab-case words, like unbounded-queue: got {args.name!r}")
    try:
        severity = Severity.parse(args.severity)
        chosen = parse_languages(args.languages)
    except (ValueError, ScaffoldError) as error:
        parser.error(str(error))
    summary = " ".join(args.summary.split())
    request = Request(code, args.name, chosen, severity, summary, args.cwe)
    return request, args.root.resolve()


def main(argv: list[str] | None = None) -> int:
    request, root = parse_args(argv)
    try:
        written = scaffold(request, root)
    except ScaffoldError as error:
        print(f"new_rule.py: error: {error}", file=sys.stderr)
        return 1
    for path in written:
        print(f"wrote {path.relative_to(root)}")
    print(
        f"\nNext: `pytest tests/rules -k {request.code}` is green, and "
        f"`forge-lsp check tests/fixtures/rules/{request.code}/*/*` shows the example finding.\n"
        f"Replace QUERIES, the fixtures and the doc's TODOs, then run "
        "`python scripts/gen_rule_docs.py` (see CONTRIBUTING.md, section Add a rule)."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
