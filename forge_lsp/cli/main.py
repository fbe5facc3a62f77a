"""The `forge-lsp` command line: run the language server, check files, show the rules.

    forge-lsp                       run the language server on stdio
    forge-lsp --tcp 127.0.0.1:2087  ... or on a TCP socket (also `forge-lsp serve --tcp ...`)
    forge-lsp check PATH...         check files and folders, like a linter
    forge-lsp rules                 list the rules
    forge-lsp rule FG101            show one rule's documentation
    forge-lsp ask FILE[:A-B] "Q"    ask Forge (Claude) about some code; the answer streams
    forge-lsp check --ai PATH...    ... and have Claude review each checked file
    forge-lsp review [--base REF]   have Claude review a change (git), not whole files
    forge-lsp doctor                check the installation, settings, key and connectivity

This module stays import-light: starting the server must not load the engine, the rules,
tree-sitter or the settings code, so every heavy import happens inside the command that needs
it. Exit codes: 0 no findings, 1 findings (0 with ``--exit-zero``; those ``--min-confidence``
hides do not count), 2 usage error (and, for the Claude commands, Claude off or no key, or a
file refused), 3 a Claude request failed, 130 Ctrl-C.
``doctor``: 0 when no check fails, 1 otherwise.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TextIO

from forge_lsp import __version__
from forge_lsp.cli.errors import (
    EXIT_CLAUDE_FAILED,
    EXIT_FINDINGS,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    UsageError,
)

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

    from forge_lsp.cli.check_filters import FindingFilter
    from forge_lsp.cli.runner import Task
    from forge_lsp.cli.settings import SettingsResolver
    from forge_lsp.report import FileResult, Reported, RuleInfo

FORMATS = ("text", "json", "sarif", "gitlab")
FAIL_ON_CHOICES = ("error", "warning", "info")  # `check_filters.SEVERITIES` that can fail


def parse_tcp(value: str) -> tuple[str, int]:
    """``HOST:PORT`` (``[::1]:PORT`` for IPv6; a bare ``PORT`` means 127.0.0.1)."""
    host, _, port = value.rpartition(":")
    host = host.strip("[]") or "127.0.0.1"
    try:
        number = int(port)
    except ValueError:
        number = -1
    if not 0 <= number <= 65535:
        raise argparse.ArgumentTypeError(f"expected HOST:PORT, got {value!r}")
    return host, number


def positive_int(value: str) -> int:
    """An integer >= 1 (for ``--jobs``)."""
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value!r}")
    return number


def _add_serve_options(parser: argparse.ArgumentParser, default: object) -> None:
    parser.add_argument(
        "--tcp",
        metavar="HOST:PORT",
        type=parse_tcp,
        default=default,
        help="listen on a TCP socket instead of stdio",
    )
    parser.add_argument(
        "--stdio",
        action="store_true",
        default=default,
        help="talk LSP over stdin/stdout (the default; accepted for editors that pass it)",
    )


def _add_check_parser(commands: argparse._SubParsersAction) -> None:
    check = commands.add_parser(
        "check",
        help="check files and folders",
        description="Check files and folders (walked honouring .gitignore and `exclude`).",
    )
    check.add_argument("paths", nargs="+", metavar="PATH", help="files or folders to check")
    check.add_argument("--format", choices=FORMATS, default="text", help="output format")
    check.add_argument(
        "--select", action="append", metavar="CODES", help="only these codes or prefixes"
    )
    check.add_argument(
        "--ignore", action="append", metavar="CODES", help="leave out these codes or prefixes"
    )
    check.add_argument(
        "--min-confidence",
        choices=("high", "medium", "low"),
        metavar="LEVEL",
        help="report only findings at least this sure: high, medium or low (default: the "
        "minConfidence setting, low: all); hidden findings do not set the exit code",
    )
    check.add_argument(
        "--exit-zero", action="store_true", help="exit with 0 even when there are findings"
    )
    check.add_argument(
        "--fail-on",
        choices=FAIL_ON_CHOICES,
        metavar="LEVEL",
        help="exit 1 only for findings at least this severe: error, warning or info "
        "(default: any finding)",
    )
    check.add_argument(
        "--baseline", metavar="FILE", help="leave out the findings recorded in this baseline"
    )
    check.add_argument(
        "--write-baseline",
        metavar="FILE",
        help="record the current findings in FILE (JSON) and exit 0, reporting nothing",
    )
    check.add_argument(
        "--new-since",
        metavar="REF",
        help="report only findings on lines added or changed since git revision REF "
        "(the working tree, staged or not; untracked files are new)",
    )
    check.add_argument(
        "--no-default-excludes",
        action="store_true",
        help="also check vendored folders (vendor/, third_party/, node_modules/...), "
        "minified JavaScript and generated files",
    )
    check.add_argument(
        "--no-cache",
        action="store_true",
        help="check every file again: neither read nor write the result cache",
    )
    check.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE")
    check.add_argument(
        "--jobs", "-j", type=positive_int, metavar="N", help="worker processes (default: CPUs)"
    )
    check.add_argument(
        "--config", metavar="FILE", help="use this forge.toml/pyproject.toml for every file"
    )
    check.add_argument(
        "--statistics", action="store_true", help="print counts per rule instead of findings"
    )
    check.add_argument(
        "--force-exclude",
        action="store_true",
        help="apply .gitignore and `exclude` to files named on the command line too",
    )
    check.add_argument(
        "--quiet", "-q", action="store_true", help="print no summary and no notes on stderr"
    )
    check.add_argument(
        "--ai", action="store_true", help="then have Claude review each checked file (needs a key)"
    )
    check.add_argument(
        "--ai-max-lines",
        type=positive_int,
        default=800,
        metavar="N",
        help="with --ai: skip files longer than N lines (default 800)",
    )
    check.add_argument(
        "--ai-max-files",
        type=positive_int,
        default=20,
        metavar="N",
        help="with --ai: review at most N files (default 20)",
    )
    check.add_argument("--model", metavar="MODEL", help="with --ai: the Claude model to use")
    check.set_defaults(handler=command_check)


def _add_claude_parsers(commands: argparse._SubParsersAction) -> None:
    ask = commands.add_parser(
        "ask",
        help="ask Forge (Claude) about some code",
        description=(
            "Ask Forge about lines of a file; the answer streams to stdout. FILE:START-END "
            "names lines (1-based, inclusive), FILE:LINE the function around that line, FILE "
            "the whole file. Exit codes: 0 answered, 2 refused or no key, 3 Claude failed."
        ),
    )
    ask.add_argument("target", metavar="FILE[:START-END]")
    ask.add_argument("question", metavar="QUESTION")
    ask.add_argument("--model", metavar="MODEL", help="the Claude model (default: settings)")
    ask.add_argument(
        "--preview", action="store_true", help="print exactly what would be sent; send nothing"
    )
    ask.add_argument("--quiet", "-q", action="store_true", help="no usage line on stderr")
    ask.add_argument(
        "--yes", action="store_true", help="send even when it may go over the daily budget"
    )
    ask.set_defaults(handler=command_ask)
    review = commands.add_parser(
        "review",
        help="have Forge (Claude) review a change: uncommitted, staged, or since a revision",
        description=(
            "Review what changed (git): each changed range with the function around it, never "
            "unchanged files. Default: the working tree against HEAD. Exit codes: 0 no "
            "finding, 1 findings on changed lines, 2 usage error, refused or over the caps, "
            "3 a review failed."
        ),
    )
    review.add_argument("paths", nargs="*", default=["."], metavar="PATH", help="limit to these")
    which = review.add_mutually_exclusive_group()
    which.add_argument("--base", metavar="REF", help="review the change since git revision REF")
    which.add_argument("--staged", action="store_true", help="review the staged change")
    review.add_argument("--format", choices=FORMATS, default="text", help="output format")
    review.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE")
    review.add_argument("--model", metavar="MODEL", help="the Claude model (default: settings)")
    review.add_argument(
        "--max-files", type=positive_int, default=20, metavar="N", help="refuse more files"
    )
    review.add_argument(
        "--max-lines",
        type=positive_int,
        default=1_500,
        metavar="N",
        help="refuse a change that sends more lines (default 1500)",
    )
    review.add_argument(
        "--preview", action="store_true", help="print exactly what would be sent; send nothing"
    )
    review.add_argument(
        "--yes", action="store_true", help="send even when it may go over the daily budget"
    )
    review.add_argument("--quiet", "-q", action="store_true", help="no notes on stderr")
    review.set_defaults(handler=command_review)
    doctor = commands.add_parser(
        "doctor",
        help="check the installation, settings, Claude key and connectivity",
        description="Check Forge's setup; one line per check: OK, WARN or FAIL. Exit 1 on FAIL.",
    )
    doctor.add_argument(
        "--offline", action="store_true", help="skip the connectivity test (no request)"
    )
    doctor.set_defaults(handler=command_doctor)


def build_parser() -> argparse.ArgumentParser:
    """The whole command line."""
    parser = argparse.ArgumentParser(
        prog="forge-lsp",
        description="Forge: a language server, and a checker for the command line and CI.",
    )
    parser.add_argument("--version", action="version", version=f"forge-lsp {__version__}")
    _add_serve_options(parser, None)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    serve = commands.add_parser("serve", help="run the language server (the default)")
    _add_serve_options(serve, argparse.SUPPRESS)
    serve.set_defaults(handler=command_serve)
    _add_check_parser(commands)
    _add_claude_parsers(commands)
    rules = commands.add_parser("rules", help="list the rules")
    rules.add_argument("--format", choices=("text", "json"), default="text")
    rules.set_defaults(handler=command_rules)
    rule = commands.add_parser("rule", help="show a rule's documentation")
    rule.add_argument("code", metavar="CODE")
    rule.set_defaults(handler=command_rule)
    return parser


# --- commands --------------------------------------------------------------------------------


def command_serve(args: argparse.Namespace) -> int:
    """Run the language server (stdio, or TCP with ``--tcp``)."""
    from forge_lsp.core import gc_tuning

    gc_tuning.relax()  # before the 300 ms of imports: they need no collections either
    from forge_lsp.lsp.server import serve

    return serve(args.tcp)


def command_rules(args: argparse.Namespace) -> int:
    """List every rule as a table or as JSON."""
    from forge_lsp.report import json as json_report
    from forge_lsp.report import text as text_report
    from forge_lsp.report.convert import rule_infos

    infos = rule_infos()
    if args.format == "json":
        sys.stdout.write(json_report.render_rules(infos))
    else:
        sys.stdout.write(text_report.rules_table(infos))
    return EXIT_OK


def command_rule(args: argparse.Namespace) -> int:
    """Print one rule's documentation (Markdown)."""
    from forge_lsp.rules import registry

    rule = registry.get(args.code)
    if rule is None:
        print(f"forge-lsp: error: no rule has the code {args.code!r}", file=sys.stderr)
        print("Run `forge-lsp rules` to list them.", file=sys.stderr)
        return EXIT_USAGE
    sys.stdout.write(rule.markdown())
    return EXIT_OK


def command_ask(args: argparse.Namespace) -> int:
    """Ask Forge about some code; the answer streams to stdout."""
    from forge_lsp.cli import ask

    return ask.run(
        args.target,
        args.question,
        model=args.model,
        preview=args.preview,
        quiet=args.quiet,
        yes=args.yes,
        out=sys.stdout,
    )


def command_review(args: argparse.Namespace) -> int:
    """Have Claude review a change; print the findings on changed lines."""
    from forge_lsp.cli import review
    from forge_lsp.cli.check_review import claude_rule_infos
    from forge_lsp.cli.files import absolute
    from forge_lsp.cli.settings import SettingsResolver, Warnings
    from forge_lsp.report import json as json_report
    from forge_lsp.report import sarif
    from forge_lsp.report.text import format_finding

    options = review.Options(
        tuple(args.paths),
        args.base,
        args.staged,
        args.model,
        args.max_files,
        args.max_lines,
        args.preview,
        args.yes,
        args.quiet,
    )
    resolver = SettingsResolver(None, None, None, Warnings())
    with _Output(None if args.preview else args.output) as out:
        findings, code = review.run(options, resolver, out)
        if args.preview or code == EXIT_USAGE:
            return code
        if args.format == "json":
            out.write(json_report.render(findings))
        elif args.format == "sarif":
            cwd = absolute(os.getcwd())
            out.write(sarif.render(findings, claude_rule_infos(), version=__version__, cwd=cwd))
        elif args.format == "gitlab":
            from forge_lsp.report import gitlab

            out.write(gitlab.render(findings, claude_rule_infos(), version=__version__))
        else:
            out.writelines(format_finding(f) + "\n" for f in findings)
        out.flush()
    return code


def command_doctor(args: argparse.Namespace) -> int:
    """Check the installation and the Claude setup; 1 when a check fails."""
    from forge_lsp.cli import doctor

    return doctor.run(offline=args.offline, out=sys.stdout)


def command_check(args: argparse.Namespace) -> int:
    """Check files and folders; print the report and a summary; 1 when there are findings."""
    from forge_lsp.cli import runner
    from forge_lsp.cli.files import absolute
    from forge_lsp.cli.settings import SettingsResolver, Warnings, parse_codes

    warnings = Warnings()
    cwd = absolute(os.getcwd())
    _refuse_conflicts(args)
    select = parse_codes(args.select, "--select")
    ignore = parse_codes(args.ignore, "--ignore")
    config_file = absolute(args.config) if args.config else None
    resolver = SettingsResolver(select, ignore, config_file, warnings, args.min_confidence)
    if args.ai:
        _claude_ready(args, resolver)  # fail fast, before any checking
    tasks = runner.make_tasks(
        args.paths,
        resolver,
        args.force_exclude,
        cwd,
        not args.no_default_excludes,
        use_cache=not args.no_cache,
    )
    filters = _finding_filter(args, cwd)
    jobs = args.jobs or os.cpu_count() or 1
    if args.write_baseline:
        return _write_baseline(args, runner.run(tasks, jobs), cwd)
    failed = False
    results = map(filters.apply, runner.run(tasks, jobs))
    with _Output(args.output) as out:
        if args.ai:
            findings, checked, failed = _report_with_claude(args, tasks, jobs, out, cwd, resolver)
        else:
            findings, checked = _report(args, results, out, cwd)
    if not args.quiet:
        from forge_lsp.report.text import summary

        for note in filters.notes():
            print(f"forge-lsp: note: {note}", file=sys.stderr)
        print(summary(findings, checked), file=sys.stderr)
    if failed:
        return EXIT_CLAUDE_FAILED
    from forge_lsp.cli.check_filters import fails

    return EXIT_FINDINGS if fails(findings, args.fail_on) and not args.exit_zero else EXIT_OK


def _refuse_conflicts(args: argparse.Namespace) -> None:
    """Usage errors for options that cannot go together."""
    if args.statistics and args.format in ("sarif", "gitlab"):
        raise UsageError(f"--statistics cannot be combined with --format {args.format}")
    if args.write_baseline:
        for given, option in ((args.ai, "--ai"), (args.new_since, "--new-since")):
            if given:
                raise UsageError(f"--write-baseline records every finding; drop {option}")
        if args.baseline:
            raise UsageError("--write-baseline replaces a baseline; drop --baseline")
    if args.ai and (args.baseline or args.new_since):
        raise UsageError("--ai reviews whole files; use it without --baseline and --new-since")


def _finding_filter(args: argparse.Namespace, cwd: Path) -> FindingFilter:
    """The baseline and the changed lines the options ask for (UsageError if unusable)."""
    from forge_lsp.cli.check_filters import FindingFilter
    from forge_lsp.cli.files import absolute

    baseline = changes = None
    if args.baseline:
        from forge_lsp.engine import baselines

        try:
            baseline = baselines.load(absolute(args.baseline))
        except baselines.BaselineError as problem:
            raise UsageError(f"--baseline: {problem}") from None
    if args.new_since:
        from forge_lsp.core.git_changes import ChangesError, changed_lines

        try:
            changes = changed_lines([absolute(path) for path in args.paths], args.new_since)
        except ChangesError as problem:
            raise UsageError(str(problem)) from None
    return FindingFilter(cwd, baseline, args.baseline or "", changes, args.new_since or "")


def _write_baseline(args: argparse.Namespace, results: Iterable[FileResult], cwd: Path) -> int:
    """Record every finding in the ``--write-baseline`` file; exit 0."""
    from forge_lsp.cli.files import absolute
    from forge_lsp.engine.baselines import BaselineError
    from forge_lsp.report import baseline as baselines

    findings: list[Reported] = []
    notes = _SkipNotes(args.quiet)
    for result in results:
        notes.tell(result)
        findings.extend(result.findings)
    notes.finish()
    try:
        recorded = baselines.write(absolute(args.write_baseline), findings, cwd)
    except BaselineError as problem:
        raise UsageError(f"--write-baseline: {problem}") from None
    if not args.quiet:
        files = len({entry.path for entry in recorded})
        print(
            f"forge-lsp: recorded {len(findings)} finding{'s' * (len(findings) != 1)} "
            f"of {files} file{'s' * (files != 1)} in {args.write_baseline}",
            file=sys.stderr,
        )
    return EXIT_OK


def _claude_ready(args: argparse.Namespace, resolver: SettingsResolver) -> None:
    """Exit 2 with the setup hint when Claude is off for any path to check."""
    from forge_lsp.cli.files import absolute
    from forge_lsp.config.terminal import for_terminal, setup_hint

    for argument in args.paths:
        path = absolute(argument)
        folder = path if path.is_dir() else path.parent
        claude = for_terminal(resolver.for_folder(folder).claude, os.environ, args.model)
        if not claude.is_on(os.environ):
            raise UsageError(f"--ai: {setup_hint(claude)}")


def _report_with_claude(
    args: argparse.Namespace,
    tasks: Sequence[Task],
    jobs: int,
    out: TextIO,
    cwd: Path,
    resolver: SettingsResolver,
) -> tuple[list[Reported], int, bool]:
    """The offline check, then Claude's review of the checked files, reported together."""
    from pathlib import Path

    from forge_lsp.cli import runner
    from forge_lsp.cli.check_review import ReviewFile, review_files
    from forge_lsp.cli.settings import Warnings

    findings: list[Reported] = []
    checked = 0
    files = []
    by_display = {task.display: task for task in tasks}
    notes = _SkipNotes(args.quiet)
    for result in runner.run(tasks, jobs):
        notes.tell(result)
        checked += result.checked
        findings.extend(result.findings)
        task = by_display.get(result.path)
        if result.checked and task is not None:
            path = Path(task.path)
            files.append(ReviewFile(path, task.display, resolver.for_folder(path.parent)))
    notes.finish()
    warnings = Warnings()
    ai = review_files(
        files,
        max_lines=args.ai_max_lines,
        max_files=args.ai_max_files,
        model=args.model,
        note=(lambda m: None) if args.quiet else (lambda m: warnings.warn(m, "note")),
        warn=warnings.warn,
    )
    findings = sorted([*findings, *ai.findings], key=lambda f: f.sort_key())
    if not args.quiet:
        print(
            f"forge-lsp: note: Claude reviewed {ai.reviewed} file{'s' * (ai.reviewed != 1)}"
            f" and found {len(ai.findings)} issue{'s' * (len(ai.findings) != 1)}",
            file=sys.stderr,
        )
    if args.format == "text" and not args.statistics:
        from forge_lsp.report.text import format_finding

        out.writelines(format_finding(f) + "\n" for f in findings)
    else:
        out.write(_render(args, findings, cwd))
    out.flush()
    return findings, checked, ai.failures > 0


class _Output:
    """stdout, or the ``--output`` file (written as UTF-8)."""

    def __init__(self, path: str | None) -> None:
        self._path = path
        self._file: TextIO | None = None

    def __enter__(self) -> TextIO:
        if self._path is None:
            return sys.stdout
        try:
            self._file = open(self._path, "w", encoding="utf-8", newline="\n")
        except OSError as problem:
            raise UsageError(f"--output: cannot write {self._path}: {problem.strerror}") from None
        return self._file

    def __exit__(self, *exc_info: object) -> None:
        if self._file is not None:
            self._file.close()


def _report(
    args: argparse.Namespace, results: Iterable[FileResult], out: TextIO, cwd: Path
) -> tuple[list[Reported], int]:
    """Consume the results: stream text findings, or gather them for JSON and SARIF."""
    from forge_lsp.report.text import format_finding

    stream = args.format == "text" and not args.statistics
    findings: list[Reported] = []
    checked = 0
    notes = _SkipNotes(args.quiet)
    for result in results:
        notes.tell(result)
        checked += result.checked
        findings.extend(result.findings)
        if stream:
            out.writelines(format_finding(f) + "\n" for f in result.findings)
    notes.finish()
    if not stream:
        out.write(_render(args, findings, cwd))
    out.flush()
    return findings, checked


class _SkipNotes:
    """Tell on stderr which files were not checked: each unreadable or too big one as it
    comes, the generated ones as one count at the end (a tree may hold hundreds)."""

    def __init__(self, quiet: bool) -> None:
        self._quiet = quiet
        self._generated = 0

    def tell(self, result: FileResult) -> None:
        if result.error is not None:
            print(f"forge-lsp: error: cannot read {result.path}: {result.error}", file=sys.stderr)
        elif result.generated:
            self._generated += 1
        elif result.skipped is not None and not self._quiet:
            print(f"forge-lsp: note: skipped {result.path}: {result.skipped}", file=sys.stderr)

    def finish(self) -> None:
        if self._generated and not self._quiet:
            count = self._generated
            print(
                f"forge-lsp: note: left out {count} generated file{'s' * (count != 1)} "
                "(--no-default-excludes checks them)",
                file=sys.stderr,
            )


def _render(args: argparse.Namespace, findings: list[Reported], cwd: Path) -> str:
    """The JSON, SARIF or statistics report of all findings."""
    from collections import Counter

    from forge_lsp.report import json as json_report
    from forge_lsp.report import sarif, text
    from forge_lsp.report.convert import rule_infos

    infos: list[RuleInfo] = rule_infos()
    if getattr(args, "ai", False):
        from forge_lsp.cli.check_review import claude_rule_infos

        infos += claude_rule_infos()
    by_code = {info.code: info for info in infos}
    if args.statistics and args.format == "json":
        return json_report.render_statistics(Counter(f.code for f in findings), by_code)
    if args.statistics:
        return text.statistics(findings, by_code)
    if args.format == "json":
        return json_report.render(findings)
    if args.format == "gitlab":
        from forge_lsp.report import gitlab

        return gitlab.render(findings, infos, version=__version__)
    return sarif.render(findings, infos, version=__version__, cwd=cwd)


# --- entry point -----------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line and run the command; returns the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # argparse: --help, --version, or a usage error
        return exit_.code if isinstance(exit_.code, int) else EXIT_USAGE
    handler: Callable[[argparse.Namespace], int] = getattr(args, "handler", command_serve)
    if handler is not command_serve and (args.tcp is not None or args.stdio):
        print("forge-lsp: error: --tcp and --stdio only apply to the server", file=sys.stderr)
        return EXIT_USAGE
    if handler is not command_serve:
        _quiet_logs()
    return _run(handler, args)


def _quiet_logs() -> None:
    """A command prints Forge's own messages, not log lines: Python would print warnings
    logged with no handler configured ("claude review request failed: bad-request") to stderr
    beside them. `FORGE_LOG_LEVEL` turns the log on, for debugging."""
    level = os.environ.get("FORGE_LOG_LEVEL")
    if level:
        logging.basicConfig(
            level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
        )
        for name in ("anthropic", "httpx", "httpx2", "httpcore", "httpcore2"):
            logging.getLogger(name).setLevel(logging.WARNING)  # they log whole requests
    else:
        logging.getLogger("forge_lsp").addHandler(logging.NullHandler())


def _run(handler: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """Run a command, turning usage errors, Ctrl-C and closed pipes into exit codes."""
    try:
        return handler(args)
    except KeyboardInterrupt:
        print("forge-lsp: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`forge-lsp check . | head`): stop quietly.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FINDINGS
    except UsageError as problem:
        print(f"forge-lsp: error: {problem}", file=sys.stderr)
        return EXIT_USAGE
