"""FG801's Go fixes edit imports, so each one must leave a compiling file on its own.

An editor applies one quick fix, re-checks, and offers the next: these tests do the same on
files with several `ioutil` uses (the fixture harness applies all fixes of a file at once,
which only fits files with one use). Without a Go toolchain here, "compiles" means: parses,
every `io.`/`os.`/`ioutil.` reference has its import, and no such import is unused.
"""

from __future__ import annotations

import re

import pytest

from forge_lsp.core import languages
from forge_lsp.engine import checker
from forge_lsp.engine.fixes import apply_edits

GO = languages.LANGUAGES["go"]
FG801 = checker.RuleSelection(select=("FG801",))

MANY_USES = """package exports

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/ioutil"
	"net/http"
	"path/filepath"
)

func decode(r *http.Request) (map[string]any, error) {
	body, err := ioutil.ReadAll(r.Body)
	if err != nil {
		return nil, fmt.Errorf("read body: %w", err)
	}
	r.Body = ioutil.NopCloser(bytes.NewReader(body))
	out := map[string]any{}
	return out, json.Unmarshal(body, &out)
}

func export(dir string, data []byte) (string, error) {
	tmp, err := ioutil.TempDir(dir, "export-")
	if err != nil {
		return "", err
	}
	out := filepath.Join(tmp, "orders.json")
	return out, ioutil.WriteFile(out, data, 0o600)
}
"""

MANY_USES_FIXED = """package exports

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
)

func decode(r *http.Request) (map[string]any, error) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, fmt.Errorf("read body: %w", err)
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	out := map[string]any{}
	return out, json.Unmarshal(body, &out)
}

func export(dir string, data []byte) (string, error) {
	tmp, err := os.MkdirTemp(dir, "export-")
	if err != nil {
		return "", err
	}
	out := filepath.Join(tmp, "orders.json")
	return out, os.WriteFile(out, data, 0o600)
}
"""

WITH_READDIR = """package reports

import (
	"fmt"
	"io/ioutil"
	"net/http"
)

func fetch(url string) ([]byte, error) {
	resp, err := http.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return ioutil.ReadAll(resp.Body)
}

func count(dir string) (string, error) {
	entries, err := ioutil.ReadDir(dir)
	if err != nil {
		return "", fmt.Errorf("list %s: %w", dir, err)
	}
	return fmt.Sprint(len(entries)), nil
}
"""

SINGLE_LINE_IMPORT = """package config

import "io/ioutil"

func load(path string) ([]byte, error) {
	return ioutil.ReadFile(path)
}

func save(path string, data []byte) error {
	return ioutil.WriteFile(path, data, 0o600)
}
"""

_IMPORT = re.compile(r'^\s*(?:import\s+)?"([\w/]+)"\s*$', re.MULTILINE)


def _compiles(source: str) -> bool:
    """Parses, and io/os/ioutil are imported exactly when referenced, each once."""
    if checker.parse(GO, source.encode()).root_node.has_error:
        return False
    imported = _IMPORT.findall(source)
    if len(imported) != len(set(imported)):
        return False
    for path, name in (("io", "io"), ("os", "os"), ("io/ioutil", "ioutil")):
        used = re.search(rf"\b{name}\.[A-Z]", source) is not None
        if used != (path in imported):
            return False
    return True


def _fixes(source: str) -> list:
    result = checker.check(source.encode(), GO, FG801)
    return [f for f in result.findings if f.fix is not None]


def _apply_one_at_a_time(source: str, pick: int) -> str:
    """Apply the `pick`-th (modulo) remaining fix, re-check, repeat: an editor session."""
    for _ in range(20):
        fixes = _fixes(source)
        if not fixes:
            return source
        chosen = fixes[pick % len(fixes)]
        source = apply_edits(source.encode(), chosen.fix.edits).decode()
        assert _compiles(source), f"{chosen.fix.title} broke the file:\n{source}"
    raise AssertionError("fixes did not converge")


@pytest.mark.parametrize("pick", [0, 1, -1])
def test_fixing_every_use_in_any_order_ends_clean(pick: int) -> None:
    assert _apply_one_at_a_time(MANY_USES, pick) == MANY_USES_FIXED


@pytest.mark.parametrize("source", [MANY_USES, WITH_READDIR, SINGLE_LINE_IMPORT])
def test_each_fix_alone_leaves_a_compiling_file(source: str) -> None:
    fixes = _fixes(source)
    assert fixes
    for finding in fixes:
        fixed = apply_edits(source.encode(), finding.fix.edits).decode()
        assert _compiles(fixed), f"{finding.fix.title}:\n{fixed}"


def test_a_remaining_readdir_keeps_the_import_and_the_fix_adds_io() -> None:
    [finding] = _fixes(WITH_READDIR)
    assert finding.fix.title == "Replace `ioutil.ReadAll` with `io.ReadAll`"
    fixed = apply_edits(WITH_READDIR.encode(), finding.fix.edits).decode()
    assert '\t"fmt"\n\t"io"\n\t"io/ioutil"\n' in fixed
    assert "return io.ReadAll(resp.Body)" in fixed
    [left] = checker.check(fixed.encode(), GO, FG801).findings
    assert left.fix is None and "ioutil.ReadDir" in left.message


def test_single_line_import_is_replaced_then_dropped() -> None:
    fixed = _apply_one_at_a_time(SINGLE_LINE_IMPORT, 0)
    assert 'import "os"\n' in fixed and "ioutil" not in fixed
    assert "return os.ReadFile(path)" in fixed and "return os.WriteFile(" in fixed


def test_a_local_named_like_the_target_package_gets_no_fix() -> None:
    source = SINGLE_LINE_IMPORT.replace("func load(path string)", "func load(os string)").replace(
        "ReadFile(path)", "ReadFile(os)"
    )
    [load, save] = checker.check(source.encode(), GO, FG801).findings
    assert load.fix is None and save.fix is not None
