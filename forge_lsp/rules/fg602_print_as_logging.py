"""FG602 print-as-logging: `print`, `console.log`, `System.out.println` in service code."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable

import tree_sitter

from forge_lsp.core.model import Finding, Severity
from forge_lsp.rules.base import CheckContext, Rule, RuleOption, ancestors, has_error
from forge_lsp.rules.families import credentials, log_calls

Node = tree_sitter.Node

# Folders whose code is run by hand, not served: scripts, CLIs, demos, benchmarks.
_TOOL_FOLDERS = frozenset(
    {"scripts", "script", "bin", "tools", "tool", "cmd", "examples", "example", "demo",
     "demos", "bench", "benchmarks", "benchmark", "docs", "doc", "samples", "sample", "cli",
     "build", "management", "commands", "command", "migrations"}
)  # fmt: skip
_TOOL_FILES = re.compile(
    r"^(setup\.py|noxfile\.py|fabfile\.py|manage\.py|__main__\.py|cli\.py|\w+_cli\.py"
    r"|build\.rs|main\.kts|\w+\.config\.[cm]?[jt]s|gulpfile\.[cm]?js|Gruntfile\.js)$"
)
# Imports that make a file a command-line program, whose output *is* its interface.
_CLI_IMPORTS = {
    "python": re.compile(r"^(argparse|optparse|click|typer|fire|docopt|rich_click|getopt)$"),
    "javascript": re.compile(
        r"^(commander|yargs|meow|minimist|cac|sade|arg|clipanion|@oclif/.*|inquirer|ora|chalk"
        r"|prompts|enquirer|yargs/.*)$"
    ),
    "go": re.compile(r"^(github\.com/spf13/cobra|github\.com/urfave/cli(/v\d)?|flag)$"),
    "java": re.compile(r"^(picocli\..*|org\.apache\.commons\.cli\..*|com\.beust\.jcommander\..*)$"),
    "kotlin": re.compile(r"^(com\.github\.ajalt\.clikt\..*|kotlinx\.cli\..*)$"),
    "rust": re.compile(r"^(clap|structopt|argh|pico_args|lexopt)(::.*)?$"),
}
_CLI_IMPORTS["typescript"] = _CLI_IMPORTS["tsx"] = _CLI_IMPORTS["javascript"]
# Go files that already log through one of these, and print besides.
_GO_LOGGERS = re.compile(
    r"^(log|log/slog|go\.uber\.org/zap|github\.com/sirupsen/logrus|github\.com/rs/zerolog(/log)?"
    r"|k8s\.io/klog(/v2)?|github\.com/golang/glog|github\.com/hashicorp/go-hclog"
    r"|github\.com/go-kit/(kit/)?log)$"
)
_STRING_CONTENT = re.compile(r"""^[`'"]|[`'"]$""")
_STD_STREAMS = frozenset({"sys.stdout", "sys.stderr"})


def _imports(ctx: CheckContext) -> list[str]:
    """Modules the file imports at its top level (only module-level code can change them)."""
    names: list[str] = []
    for node in ctx.root.children:
        kind = node.type
        if kind in ("import_statement", "import_from_statement", "future_import_statement"):
            module = node.child_by_field_name("module_name") or node.child_by_field_name("name")
            if kind == "import_statement":
                names.extend(ctx.text(n).split(".")[0] for n in node.named_children)
            elif module is not None:
                names.append(ctx.text(module).split(".")[0])
            source = node.child_by_field_name("source")  # JS `import x from "commander"`
            if source is not None:
                names.append(_STRING_CONTENT.sub("", ctx.text(source)))
        elif kind in ("lexical_declaration", "variable_declaration"):
            names.extend(re.findall(r"""require\(\s*['"]([^'"]+)['"]\s*\)""", ctx.text(node)))
        elif kind == "import_declaration":  # Go, Java
            names.extend(re.findall(r'"([^"]+)"', ctx.text(node)))
            if ctx.language.name == "java":
                names.append(ctx.text(node).removeprefix("import").strip(" ;\n").split()[-1])
        elif kind in ("import", "import_header", "import_list"):  # Kotlin
            names.extend(re.findall(r"import\s+([\w.]+)", ctx.text(node)))
        elif kind == "use_declaration":  # Rust
            names.append(ctx.text(node).removeprefix("use").strip(" ;").lstrip(":"))
    return names


def _is_program(ctx: CheckContext) -> bool:
    """A script or CLI by its shape: shebang, `__main__` guard, `package main`, CLI imports."""
    language = ctx.language.name
    if ctx.source.startswith(b"#!"):
        return True
    pattern = _CLI_IMPORTS[language]
    if any(pattern.match(name) for name in _imports(ctx)):
        return True
    for node in ctx.root.children:
        if language == "python" and node.type == "if_statement":
            condition = node.child_by_field_name("condition")
            text = ctx.text(condition) if condition is not None else ""
            if "__name__" in text and "__main__" in text:
                return True
        if (
            language == "go"
            and node.type == "package_clause"
            and ctx.text(node).split()[-1] == "main"
        ):
            return True
    return False


def _imports_go_logger(ctx: CheckContext) -> bool:
    return any(_GO_LOGGERS.match(name) for name in _imports(ctx))


def _in_tool_path(path: str | None, extra: list[str]) -> bool:
    if path is None:
        return False
    normal = path.replace("\\", "/")
    parts = normal.split("/")
    if any(p in _TOOL_FOLDERS for p in parts[:-1]) or _TOOL_FILES.match(parts[-1]):
        return True
    if "src/bin/" in normal:  # Rust binaries
        return True
    return any(fnmatch.fnmatch(normal, glob) for glob in extra)


_FUNCTION_TYPES = frozenset(
    {"function_definition", "function_declaration", "method_declaration", "function_item",
     "method_definition", "arrow_function", "function_expression"}
)  # fmt: skip


# A print inside `logQuery()`, `printBanner()` or `debugDump()` *is* the output mechanism.
_OUTPUT_WORDS = frozenset(
    {"log", "logger", "logging", "print", "printer", "debug", "dump", "trace", "show",
     "display", "banner", "pretty", "usage", "help", "repl", "console", "echo", "report",
     "warn", "warning", "note", "notify", "emit", "say", "dprint", "dlog", "vprint"}
)  # fmt: skip
_DEBUG_GUARD = re.compile(r"(?i)debug|dbg|verbos|trace|dump|profil")
_GUARDS = frozenset({"if_statement", "if_expression"})


def _function_name(node: Node, ctx: CheckContext) -> str | None:
    name = node.child_by_field_name("name")
    if name is None and node.type in ("arrow_function", "function_expression"):
        parent = node.parent
        name = parent.child_by_field_name("name") if parent is not None else None
    return ctx.text(name) if name is not None else None


def _file_is_output(path: str | None) -> bool:
    """`logger.js`, `SimpleConsoleLogger.ts`, `debug_utils.py`: the file implements output."""
    if path is None:
        return False
    stem = path.replace("\\", "/").rsplit("/", 1)[-1].split(".")[0]
    return any(word in _OUTPUT_WORDS for word in credentials.words(stem))


def _deliberate(node: Node, ctx: CheckContext) -> bool:
    """Inside a `main` function, test code, a function that implements output, or behind a
    debug flag (`if (debug) System.err.println(...)`)."""
    for parent in ancestors(node):
        if parent.type in _GUARDS:
            condition = parent.child_by_field_name("condition")
            if condition is not None and _DEBUG_GUARD.search(ctx.text(condition)):
                return True
        elif parent.type == "binary_expression":  # `options.debug && console.log(...)`
            left = parent.child_by_field_name("left")
            operator = parent.child_by_field_name("operator")
            if (
                left is not None
                and operator is not None
                and ctx.text(operator) == "&&"
                and left.end_byte <= node.start_byte
                and _DEBUG_GUARD.search(ctx.text(left))
            ):
                return True
        name = _function_name(parent, ctx) if parent.type in _FUNCTION_TYPES else None
        if name is not None and (
            name == "main" or any(w in _OUTPUT_WORDS for w in credentials.words(name))
        ):
            return True
        if parent.type == "mod_item":  # Rust `#[cfg(test)] mod tests`
            module = parent.child_by_field_name("name")
            if module is not None and ctx.text(module) == "tests":
                return True
    return credentials.in_test_code(node, ctx.source)


_DOC = r"""
## What it does

**Flags print statements standing in for logging in service code**: `print()` in Python,
`console.log` / `console.info` / `console.debug` in JavaScript and TypeScript,
`System.out.println` / `System.err.println` / `e.printStackTrace()` in Java, `println` in
Kotlin, `fmt.Println` / `Printf` / `Print` in Go files that also import a logger (`log`,
`log/slog`, zap, logrus, zerolog...; option `goWithoutLogger` drops that condition; never
`fmt.Fprintf(w, ...)` to a writer) and
`println!` / `eprintln!` / `dbg!` in Rust. The range is the function name.

Programs whose output *is* their interface are skipped: test files and test code, files under
`scripts/`, `bin/`, `tools/`, `cmd/`, `cli/`, `examples/`, `bench/`, `docs/` and Rust
`src/bin/`, files named `setup.py`, `manage.py`, `__main__.py`, `cli.py`, `build.rs`,
`*.config.js`, files starting with a shebang, Python files with an `if __name__ ==
"__main__":` guard, Go `package main` files, files importing a CLI library (argparse, click,
typer, commander, yargs, cobra, picocli, clikt, clap...), `print(..., file=f)` to a file that
is not stdout or stderr, and prints inside a function named `main`. `console.warn` and
`console.error` are not flagged: in Node they go to stderr, which is where a container's log
collector looks. No fix: the right logger is not in scope for a mechanical rewrite.

**Where values come from.** No values are read: the rule is syntactic. It goes by the name of
the call, the file's path and imports, the name of the enclosing function and the text of a
`debug` condition around it, all in this file. Out of reach: whether the process's stdout is
collected and parsed by the platform, whether a file is a command-line tool run from another
file or a script, and a logger configured in another module that redirects `print`.

## Why it matters in production

A print is a log line with everything useful stripped off: no level, no timestamp, no logger
name, no request id, no structure for the log pipeline to index. You cannot turn it off in
production or up during an incident; it ignores the handlers, filters and redaction your
logging config sets up; and in Python it is block-buffered when stdout is a pipe, so the
line that explains the crash is still in the buffer when the container is killed.
`printStackTrace()` writes the stack to stderr with nothing tying it to the request that
failed. At 3 a.m. you grep for the order id and the one line that mattered is not there.

## Example

```python
def charge(order):
    print(f"charging order {order.id}")
```

```typescript
console.log("refund created", refund.id);
```

```java
} catch (IOException e) {
    e.printStackTrace();
}
```

```go
fmt.Println("payment failed:", err)
```

## Use instead

The module's logger, with a level and structured fields:

```python
log = logging.getLogger(__name__)
log.info("charging order", extra={"order_id": order.id})
```

```typescript
logger.info({ refundId: refund.id }, "refund created");
```

```java
log.error("Reading the order file failed", e);
```

```go
slog.Error("payment failed", "order_id", order.ID, "err", err)
```

```rust
tracing::info!(order_id = %order.id, "charging order");
```

## How to test it

Capture the logger in a test (`caplog` in pytest, a `ListAppender` in logback, an in-memory
slog handler) and assert on the record's level and fields; a print can only be asserted by
capturing stdout, which is a sign it was never part of the design.

## References

- [The Twelve-Factor App: XI. Logs](https://12factor.net/logs)
- [OWASP Logging Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Logging_Cheat_Sheet.html)
- [CWE-778: Insufficient Logging](https://cwe.mitre.org/data/definitions/778.html)
"""

_ADVICE = {
    "python": "use the module's `logging` logger",
    "go": "use `log/slog` (or the service's logger)",
    "java": "use the class's SLF4J logger",
    "kotlin": "use the class's logger",
    "rust": "use `tracing` or `log` macros",
}


class PrintAsLogging(Rule):
    code = "FG602"
    name = "print-as-logging"
    summary = (
        "`print`, `console.log`, `System.out.println`, `fmt.Println`, `println!` in service code"
    )
    severity = Severity.INFO
    cwe = 778
    languages = frozenset(
        {"python", "go", "javascript", "typescript", "tsx", "java", "kotlin", "rust"}
    )
    options = (
        RuleOption(
            "ignorePaths",
            list,
            [],
            "Further globs (matched against the project-relative path) of files that are "
            "programs rather than services, e.g. `ops/*.py`.",
        ),
        RuleOption(
            "allowInMain",
            bool,
            True,
            "Skip prints inside a function named `main`, Go `package main` files and Python "
            'files with an `if __name__ == "__main__":` guard.',
        ),
        RuleOption(
            "goWithoutLogger",
            bool,
            False,
            "Also flag `fmt.Print*` in Go files that import no logging package (`log`, "
            "`log/slog`, zap, logrus, zerolog, klog...). Off by default: such packages often "
            "print on purpose (generators, debug helpers), and a file that already logs and "
            "prints besides is the clear case.",
        ),
    )
    doc = _DOC

    def check(self, ctx: CheckContext) -> Iterable[Finding]:
        if ctx.in_test_file or _in_tool_path(ctx.path, list(ctx.options.get("ignorePaths", []))):
            return
        if _file_is_output(ctx.path):
            return
        allow_main = bool(ctx.options.get("allowInMain", True))
        if allow_main and ctx.memo("fg602:program", lambda: _is_program(ctx)):
            return
        language = ctx.language.name
        if (
            language == "go"
            and not ctx.options.get("goWithoutLogger", False)
            and not ctx.memo("fg602:go-logger", lambda: _imports_go_logger(ctx))
        ):
            return
        advice = _ADVICE.get(language, "use the service's logger (pino, winston)")
        for _, captures in ctx.matches(log_calls.print_queries(language)):
            call, name = captures["call"][0], captures["name"][0]
            if has_error(call) or (allow_main and _deliberate(call, ctx)):
                continue
            if language == "python" and _writes_to_file(captures["args"][0], ctx):
                continue
            start = name
            if (
                language == "java"
                and name.parent is not None
                and ctx.text(name) != "printStackTrace"
            ):
                start = name.parent.child_by_field_name("object") or name
            yield self.finding(start, _message(ctx, start, name, advice), end_node=name)


def _message(ctx: CheckContext, start: Node, name: Node, advice: str) -> str:
    called = ctx.text(name)
    if called == "printStackTrace":
        return (
            "`printStackTrace()` dumps the stack to stderr with no level, timestamp or request "
            f"id: {advice} and pass the exception as the last argument"
        )
    if start is not name:
        called = f"{ctx.text(start)}.{called}"
    if ctx.language.name == "rust":
        called += "!"
    return f"`{called}` is logging without a level, timestamp or request id: {advice}"


def _writes_to_file(args: Node, ctx: CheckContext) -> bool:
    """`print(row, file=out)` writes a file, not a log line (stdout and stderr still count)."""
    for arg in args.named_children:
        if arg.type == "keyword_argument":
            key, value = arg.child_by_field_name("name"), arg.child_by_field_name("value")
            if key is not None and value is not None and ctx.text(key) == "file":
                return ctx.text(value) not in _STD_STREAMS
    return False


RULE = PrintAsLogging()
