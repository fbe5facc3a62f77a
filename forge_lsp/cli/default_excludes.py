"""What `check` leaves out by default: code nobody on the team wrote or would edit.

- folders of vendored and installed dependencies: `FOLDERS`;
- minified JavaScript: `SUFFIXES`;
- generated files: a marker in their first lines (`GENERATED_MARKERS`), as Go's convention
  (``// Code generated ... DO NOT EDIT.``), protobuf, Thrift and ``@generated`` tools write.

They apply to the files a folder walk finds; a file named on the command line is checked
unless ``--force-exclude`` is given, as with ``.gitignore``. ``--no-default-excludes`` turns
all of them off. README's "The command line" lists them.
"""

from __future__ import annotations

from pathlib import Path

FOLDERS = frozenset(
    {
        "node_modules",
        "bower_components",
        "vendor",
        "_vendor",
        "vendored",
        "third_party",
        "third-party",
    }
)
SUFFIXES = (".min.js", ".min.mjs", ".min.cjs")
GENERATED_MARKERS = (b"@generated", b"DO NOT EDIT")
_HEAD_LINES = 5  # markers sit at the top; a later "DO NOT EDIT" is a remark about some code
_HEAD_BYTES = 2048


def excluded(path: Path, is_dir: bool) -> bool:
    """Whether the walk leaves `path` out by default."""
    if is_dir:
        return path.name in FOLDERS
    return path.name.endswith(SUFFIXES)


def generated_marker(source: bytes) -> str | None:
    """The generated-file marker in the first lines of `source`, or None."""
    head = b"\n".join(source[:_HEAD_BYTES].split(b"\n", _HEAD_LINES)[:_HEAD_LINES])
    for marker in GENERATED_MARKERS:
        if marker in head:
            return marker.decode()
    return None
