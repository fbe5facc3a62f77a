"""Forge's engine over files in a process pool, with no walking rules or report: the floor
under `forge-lsp check` (and its stand-in while the CLI did not exist).

    python bench/forge_pool_check.py PATH...

Prints the number of files, lines and findings as JSON.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import sys
from pathlib import Path

from forge_lsp.core import languages
from forge_lsp.engine import checker


def check_file(path: str) -> tuple[int, int]:
    """(lines, findings) of one file, checked with the default rule selection."""
    spec = languages.for_path(path)
    source = Path(path).read_bytes()
    if spec is None:
        return 0, 0
    result = checker.check(source, spec, checker.RuleSelection())
    return source.count(b"\n"), len(result.findings)


def source_files(roots: list[str]) -> list[str]:
    """The files named in `roots`, and every file under the folders in it, that Forge has a
    grammar for."""
    files = [root for root in roots if os.path.isfile(root) and languages.for_path(root)]
    for root in roots:
        for folder, _, names in os.walk(root):
            files += [os.path.join(folder, n) for n in names if languages.for_path(n)]
    return sorted(files)


def main(roots: list[str]) -> int:
    files = source_files(roots)
    with multiprocessing.get_context("fork").Pool() as pool:
        results = pool.map(check_file, files, chunksize=4)
    lines = sum(r[0] for r in results)
    findings = sum(r[1] for r in results)
    print(json.dumps({"files": len(files), "lines": lines, "findings": findings}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
