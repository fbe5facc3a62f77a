"""Bundle the Forge server and its dependencies into bundled/libs for the .vsix.

Some dependencies ship compiled code built for one CPython version (tree-sitter, pydantic-core,
jiter), so one `pip install --target` would only work with the Python that ran it. This installs
the server once per supported CPython (3.10-3.14) for one platform, then keeps what is the same
for all of them once:

    bundled/libs/common/    identical for every version (forge_lsp, pygls, anthropic, ...)
    bundled/libs/cp3XY/     what differs (compiled extensions), one folder per version

The extension puts bundled/libs/cp3XY (for the interpreter it runs) and bundled/libs/common first
on PYTHONPATH. Usage (from editors/vscode): python scripts/bundle_server.py [--platform TAG]
"""

from __future__ import annotations

import argparse
import filecmp
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent  # editors/vscode
REPO = HERE.parent.parent
VERSIONS = ("3.10", "3.11", "3.12", "3.13", "3.14")
# vsce targets to pip platform tags (newest first: pip takes any listed tag).
PLATFORMS = {
    "linux-x64": ["manylinux_2_28_x86_64", "manylinux2014_x86_64", "manylinux_2_5_x86_64"],
    "linux-arm64": ["manylinux_2_28_aarch64", "manylinux2014_aarch64"],
    "darwin-x64": ["macosx_10_12_x86_64", "macosx_10_9_x86_64", "macosx_10_9_universal2"],
    "darwin-arm64": ["macosx_11_0_arm64", "macosx_10_9_universal2"],
    "win32-x64": ["win_amd64"],
}


def run(*args: str) -> None:
    print("+", " ".join(args), flush=True)
    subprocess.run(args, check=True)


def same_tree(a: Path, b: Path) -> bool:
    if a.is_file() or b.is_file():
        return a.is_file() and b.is_file() and filecmp.cmp(a, b, shallow=False)
    comparison = filecmp.dircmp(a, b)
    if comparison.left_only or comparison.right_only or comparison.funny_files:
        return False
    _, mismatch, errors = filecmp.cmpfiles(a, b, comparison.common_files, shallow=False)
    if mismatch or errors:
        return False
    return all(same_tree(a / d, b / d) for d in comparison.common_dirs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", default="linux-x64", choices=sorted(PLATFORMS))
    parser.add_argument("--out", type=Path, default=HERE / "bundled" / "libs")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as temp:
        work = Path(temp)
        # The server itself as a wheel (non-editable), then every version from wheels only.
        run(
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-qq",
            "--no-deps",
            "-w",
            str(work / "dist"),
            str(REPO),
        )
        wheel = next((work / "dist").glob("forge_lsp-*.whl"))
        platform_args = [arg for tag in PLATFORMS[args.target] for arg in ("--platform", tag)]
        trees = {}
        for version in VERSIONS:
            tag = "cp" + version.replace(".", "")
            trees[tag] = work / tag
            run(
                sys.executable,
                "-m",
                "pip",
                "install",
                "-qq",
                "--disable-pip-version-check",
                "--no-compile",
                "--no-warn-conflicts",
                "--no-warn-script-location",
                "--target",
                str(trees[tag]),
                "--only-binary=:all:",
                "--implementation",
                "cp",
                "--python-version",
                version,
                *platform_args,
                str(wheel),
            )

        shutil.rmtree(args.out, ignore_errors=True)
        common = args.out / "common"
        common.mkdir(parents=True)
        first, *others = trees.values()
        for entry in sorted(first.iterdir()):
            if entry.name in ("bin", "__pycache__"):
                continue
            if all((t / entry.name).exists() and same_tree(entry, t / entry.name) for t in others):
                shutil.move(str(entry), common / entry.name)
                for t in others:
                    shutil.rmtree(t / entry.name) if (t / entry.name).is_dir() else (
                        t / entry.name
                    ).unlink()
        for tag, tree in trees.items():
            destination = args.out / tag
            destination.mkdir()
            for entry in sorted(tree.iterdir()):
                if entry.name not in ("bin", "__pycache__"):
                    shutil.move(str(entry), destination / entry.name)
    sizes = {
        p.name: sum(f.stat().st_size for f in p.rglob("*") if f.is_file())
        for p in args.out.iterdir()
    }
    for name, size in sorted(sizes.items()):
        print(f"{name}: {size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
