"""The serve path stays import-light, and the parser routes to the right command."""

from __future__ import annotations

import argparse
import subprocess
import sys

import pytest

from forge_lsp.cli import main

HEAVY = ("tree_sitter", "forge_lsp.engine.checker", "forge_lsp.config", "forge_lsp.rules", "pygls")


def test_importing_the_cli_loads_nothing_heavy():
    code = f"import sys, forge_lsp.cli.main;print([m for m in {HEAVY!r} if m in sys.modules])"
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert output.strip() == "[]"


@pytest.mark.parametrize(
    ("argv", "tcp"),
    [
        ([], None),
        (["--stdio"], None),
        (["serve"], None),
        (["--tcp", "127.0.0.1:2087"], ("127.0.0.1", 2087)),
        (["serve", "--tcp", "localhost:9000"], ("localhost", 9000)),
        (["serve", "--tcp", "[::1]:9001"], ("::1", 9001)),
        (["--tcp", "4000"], ("127.0.0.1", 4000)),
    ],
)
def test_serve_is_the_default_and_takes_tcp(monkeypatch, argv, tcp):
    calls: list[object] = []
    # The parser is built inside main(), so it picks up the patched handler.
    monkeypatch.setattr(main, "command_serve", lambda args: calls.append(args.tcp) or 0)
    assert main.main(argv) == 0
    assert calls == [tcp]


@pytest.mark.parametrize("value", ["host:", "host:99999", "x:y", ""])
def test_bad_tcp_addresses(value):
    with pytest.raises(argparse.ArgumentTypeError):
        main.parse_tcp(value)


def test_help_exits_0(capsys):
    assert main.main(["--help"]) == 0
    assert "check" in capsys.readouterr().out
