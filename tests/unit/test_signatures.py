"""The per-file index of which declared functions return an error (`dataflow.signatures`)."""

from __future__ import annotations

import tree_sitter

from forge_lsp.core.languages import LANGUAGES
from forge_lsp.dataflow import signatures as sig

GO = b"""package store

import (
\t"database/sql"
\tyaml "gopkg.in/yaml.v3"
\t"github.com/minio/minio-go/v7"
)

type Store struct{ db *sql.DB }

func migrate(db *sql.DB) error { return nil }
func count() (int, error)      { return 0, nil }
func name() string             { return "" }
func (s *Store) save() (int64, error) { return 0, nil }
func (s *Store) Reset() error         { return nil }
func (c *Counter) Reset()             {}
func (s Store) flush() error          { return nil }
"""

RUST = b"""
use std::io;

fn load() -> Result<Config, Error> { todo!() }
fn read_all() -> io::Result<Vec<u8>> { todo!() }
fn parse() -> anyhow::Result<u8> { todo!() }
fn fmt_row() -> std::fmt::Result { todo!() }
fn pick() -> ParseResult<u8> { todo!() }
fn swap() -> Result<u64, u64> { todo!() }
fn maybe() -> Option<Result<u8, E>> { todo!() }
async fn publish() -> Result<(), E> { todo!() }
fn render() -> String { todo!() }

impl Store {
    fn save(&self) -> Result<(), E> { todo!() }
}

mod inner {
    fn nested() -> Result<(), E> { todo!() }
}

trait Sink {
    fn send(&self) -> Result<(), E>;
}
"""


def parse(language: str, source: bytes) -> tree_sitter.Node:
    parser = tree_sitter.Parser(LANGUAGES[language].grammar)
    return parser.parse(source).root_node


def test_go_functions_say_whether_the_last_result_is_an_error() -> None:
    index = sig.index(parse("go", GO), "go")
    returns = {n: s.returns_error for n in ("migrate", "count", "name") if (s := index.function(n))}
    assert returns == {"migrate": True, "count": True, "name": False}
    assert index.function("save") is None  # a method, not a plain function
    assert index.function("undeclared") is None


def test_go_methods_resolve_by_receiver_type_then_by_agreeing_name() -> None:
    index = sig.index(parse("go", GO), "go")
    save = index.method("save")
    assert save is not None and save.returns_error and save.owner == "Store"
    flush = index.method("flush", "Store")
    assert flush is not None and flush.returns_error
    # Declared with and without an error: unknown by name, known by type.
    assert index.method("Reset") is None
    typed = index.method("Reset", "Counter")
    assert typed is not None and not typed.returns_error
    # A type the file declares no method on (a library's) is not ours.
    assert index.method("save", "sql.DB") is None


def test_go_imports_are_package_names() -> None:
    index = sig.index(parse("go", GO), "go")
    assert {"sql", "yaml", "minio"} <= index.packages


def test_rust_result_types_and_aliases() -> None:
    index = sig.index(parse("rust", RUST), "rust")
    expected = {
        "load": True,
        "read_all": True,
        "parse": True,
        "fmt_row": False,  # `fmt::Result`: formatting, whose error carries nothing
        "pick": True,
        "swap": False,  # an either (compare-and-swap), not an error
        "maybe": False,  # an Option around it: the outer type decides
        "render": False,
        "nested": True,  # in a `mod` block
    }
    found = {name: s.returns_error for name in expected if (s := index.function(name))}
    assert found == expected
    publish = index.function("publish")
    assert publish is not None and publish.returns_error and publish.is_async


def test_rust_methods_in_impl_and_trait_blocks() -> None:
    index = sig.index(parse("rust", RUST), "rust")
    save = index.method("save", "Store")
    assert save is not None and save.returns_error
    send = index.method("send")
    assert send is not None and send.owner == "Sink"


def test_other_languages_have_no_signatures() -> None:
    index = sig.index(parse("python", b"def f():\n    return 1\n"), "python")
    assert not index.functions and not index.methods


def test_an_edit_to_a_signature_rechecks_its_callers() -> None:
    from forge_lsp.core import languages
    from forge_lsp.engine import checker, incremental, recheck

    spec = languages.LANGUAGES["go"]
    selection = checker.RuleSelection()
    source = b"package p\n\nfunc a() error { return nil }\n\nfunc b() {\n\ta()\n}\n"
    previous = checker.check(source, spec, selection)
    assert [f.code for f in previous.findings] == ["FG303"]
    at = source.index(b"error")
    new = source[:at] + source[at + len(b"error") :]  # `func a() { ... }` drops its error result
    edit = incremental.diff(source, new)
    assert edit is not None
    incremental.edit_tree(previous.tree, edit)
    result = recheck.check_after_edit(new, spec, selection, previous.tree, edit, previous.findings)
    assert [f.code for f in result.findings] == []


def test_findings_from_the_files_own_functions_have_medium_confidence() -> None:
    from forge_lsp.core import languages
    from forge_lsp.core.model import Confidence
    from forge_lsp.engine import checker

    source = b"""package p

import "os"

func sync() error { return nil }

func run() {
\tsync()
\tos.MkdirAll("/var/lib/p", 0o750)
}
"""
    found = checker.check(source, languages.LANGUAGES["go"], checker.RuleSelection()).findings
    assert [(f.code, f.start.line, f.confidence) for f in found] == [
        ("FG303", 7, Confidence.MEDIUM),
        ("FG303", 8, Confidence.HIGH),
    ]
