"""Model output shown as Markdown: links that would run something in the editor are taken out.

Claude's answers, explanations and review findings are untrusted text: the reviewed code may
carry comments that talk the model into writing a link such as
`[Apply the fix](command:workbench.action.terminal.sendSequence?...)`, which an editor that
trusts the Markdown would run on a click. So wherever model text is rendered (answer documents,
hovers), every link destination, autolink and HTML `href`/`src` whose scheme is not `http`,
`https`, `mailto` or `file` is replaced by `#forge-removed-link`; the link's text stays. The
destination is judged the way a renderer reads it (HTML entities decoded, backslash escapes
and invisible characters dropped), so `&#99;ommand:` is caught too. Code (fenced blocks and
inline code spans) is left alone: a renderer shows it as text, never as a link.
"""

from __future__ import annotations

import html
import re

ALLOWED_SCHEMES = frozenset({"http", "https", "mailto", "file"})
REMOVED = "#forge-removed-link"

# What opens a destination: `](` (inline link), `]:` (reference definition), `<` (autolink),
# and HTML attributes that load or follow a URL.
_DESTINATION = re.compile(
    r"""(?P<lead>\]\(\s*<?|\]:\s*<?|<|\b(?:href|src|action|formaction)\s*=\s*["']?)"""
    r"""(?P<target>[^\s)>"']+)""",
    re.IGNORECASE,
)
_FENCE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(?<!\\)(?P<ticks>`+)(?!`).*?(?<!`)(?P=ticks)(?!`)")
_SCHEME = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*):")


def neutralise_links(markdown: str) -> str:
    """`markdown` with every link to a disallowed scheme pointed at `REMOVED` instead."""
    if ":" not in markdown:
        return markdown  # no scheme anywhere: the common case, at no cost
    out: list[str] = []
    prose: list[str] = []
    fence: str | None = None
    for line in markdown.splitlines(keepends=True):
        opened = _FENCE.match(line)
        if fence is None and opened:
            out.append(_prose("".join(prose)))
            prose = []
            fence = opened["fence"]
            out.append(line)
        elif fence is not None:
            out.append(line)
            closing = line.strip()
            if closing.startswith(fence[0] * len(fence)) and set(closing) == {fence[0]}:
                fence = None
        else:
            prose.append(line)
    out.append(_prose("".join(prose)))
    return "".join(out)


def _prose(text: str) -> str:
    """Text outside fenced code: its code spans kept, its links judged."""
    if not text:
        return text
    pieces: list[str] = []
    last = 0
    for span in _CODE_SPAN.finditer(text):
        pieces.append(_DESTINATION.sub(_judged, text[last : span.start()]))
        pieces.append(span.group(0))
        last = span.end()
    pieces.append(_DESTINATION.sub(_judged, text[last:]))
    return "".join(pieces)


def _judged(match: re.Match[str]) -> str:
    if allowed(match["target"]):
        return match.group(0)
    return match["lead"] + REMOVED


def allowed(target: str) -> bool:
    """Whether a link destination is safe to leave: no scheme (a relative link or an
    anchor), or one of `ALLOWED_SCHEMES`, as a renderer would read it."""
    normal = html.unescape(target).replace("\\", "")
    normal = "".join(ch for ch in normal if ch.isprintable() and not ch.isspace())
    scheme = _SCHEME.match(normal)
    return scheme is None or scheme["scheme"].lower() in ALLOWED_SCHEMES
