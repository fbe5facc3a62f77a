"""The files a command line names: folders walked (honouring ``.gitignore`` and each project's
``exclude`` globs), files named explicitly, and the paths shown for them.

Files named on the command line are checked even when ``.gitignore``, the project's
``exclude`` globs or the default excludes (`default_excludes`) leave them out (as ruff does);
``--force-exclude`` applies them to those files too.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path

from forge_lsp.cli import default_excludes, walk
from forge_lsp.cli.errors import UsageError
from forge_lsp.cli.settings import SettingsResolver
from forge_lsp.core import languages


def absolute(path: str | Path) -> Path:
    """An absolute, normalized path (symbolic links kept, so reported paths look familiar)."""
    return Path(os.path.abspath(path))


def display_path(path: Path, cwd: Path) -> str:
    """`path` relative to the current folder when it lies under it, else absolute."""
    try:
        return path.relative_to(cwd).as_posix()
    except ValueError:
        return str(path)


def collect_files(
    arguments: Sequence[str],
    resolver: SettingsResolver,
    force_exclude: bool,
    use_default_excludes: bool = True,
) -> Iterator[tuple[Path, bool]]:
    """Every file to check, with whether it was named explicitly; UsageError for missing paths."""
    roots = [absolute(argument) for argument in arguments]
    missing = [arg for arg, root in zip(arguments, roots, strict=True) if not root.exists()]
    if missing:
        raise UsageError(f"no such file or folder: {', '.join(missing)}")
    exclude: walk.ExcludeFn = resolver.excluded
    if use_default_excludes:

        def exclude(path: Path, is_dir: bool) -> bool:
            return default_excludes.excluded(path, is_dir) or resolver.excluded(path, is_dir)

    for root in roots:
        if root.is_dir():
            for path in walk.walk(root, _has_language, exclude):
                yield path, False
        elif not force_exclude or not _force_excluded(root, resolver, use_default_excludes):
            yield root, True


def _has_language(path: Path) -> bool:
    return languages.for_path(path) is not None


def _force_excluded(path: Path, resolver: SettingsResolver, use_default_excludes: bool) -> bool:
    if walk.is_path_ignored(path) or resolver.excluded(path):
        return True
    if not use_default_excludes:
        return False
    # The folders a walk from the current folder would have entered to reach the file.
    try:
        inside = path.parent.relative_to(absolute(os.getcwd())).parts
    except ValueError:
        inside = ()
    return default_excludes.excluded(path, False) or any(
        name in default_excludes.FOLDERS for name in inside
    )
