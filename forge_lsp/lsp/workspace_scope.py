"""Which documents Forge's commands and Claude's tasks may work on.

A command's arguments come from whoever sends `workspace/executeCommand`: a code action Forge
offered, but also a keybinding, another extension, or a URI pasted from an answer. So a command
works only on a document that is open in the editor and, when the editor declared a workspace
(workspace folders, or else a root folder), lies inside it once symlinks are resolved: a
command can never make Forge read, or send to Claude, a file the user did not open in this
project. An unsaved buffer (`untitled:`) is the editor's own text and is accepted; any other
scheme is refused. With no workspace at all, every open document is accepted.

Only commands and Claude's tasks are restricted: diagnostics, hovers on rule findings and quick
fixes work on any open document, inside the workspace or not.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from pygls.uris import to_fs_path

ACCEPTED_SCHEMES = ("file", "untitled")


def refusal(uri: str, roots: Iterable[Path]) -> str | None:
    """Why a command may not work on the open document `uri`, or None when it may.

    `roots` are the workspace folders the editor declared (empty: no workspace)."""
    scheme = uri.split(":", 1)[0].lower() if ":" in uri else ""
    if scheme not in ACCEPTED_SCHEMES:
        return (
            f"{uri} is not a file (scheme {scheme or 'none'!r}); Forge's commands work on "
            "files of the workspace and unsaved editors only"
        )
    if scheme == "untitled":
        return None
    folders = [root for root in roots]
    if not folders:
        return None
    fs_path = to_fs_path(uri)
    if not fs_path:
        return f"{uri} does not name a file"
    try:
        resolved = Path(fs_path).resolve()
        inside = any(resolved.is_relative_to(folder.resolve()) for folder in folders)
    except (OSError, RuntimeError, ValueError):  # a symlink loop, an invalid path
        inside = False
    if inside:
        return None
    return (
        f"{fs_path} is outside the workspace folders, so Forge's commands do not work on it "
        "(nothing was read or sent). Open the file's folder as the workspace to use them there."
    )
