"""No module of the package grows past 800 lines: a longer one is split along its seams.

`rules/families/sql/` shows the shape a split takes: a package whose modules each hold one
part (what SQL text looks like, the shared evaluator, one module per language) and whose
``__init__`` keeps the names the rest of the code imports.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent.parent / "forge_lsp"
MAX_LINES = 800


def module_sizes() -> dict[Path, int]:
    return {
        path: len(path.read_text(encoding="utf-8").splitlines())
        for path in sorted(PACKAGE.rglob("*.py"))
    }


def test_the_package_is_found() -> None:
    sizes = module_sizes()
    assert PACKAGE / "rules" / "registry.py" in sizes, f"no modules found under {PACKAGE}"


def test_no_module_exceeds_the_limit() -> None:
    too_long = [
        f"{path.relative_to(PACKAGE.parent)}: {lines} lines"
        for path, lines in module_sizes().items()
        if lines > MAX_LINES
    ]
    assert not too_long, (
        f"modules over {MAX_LINES} lines; split them along their seams "
        f"(see forge_lsp/rules/families/sql/): {too_long}"
    )
