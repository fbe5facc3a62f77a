"""The rule every `textDocument/publishDiagnostics` must keep, checked as each one arrives.

The server handles the client's notifications in the order they were sent and sends its own
messages in order, so each publish reflects the documents as they stood after some prefix of
what the client sent, and later publishes reflect the same or longer prefixes. Forge publishes
a document's diagnostics only while their version is the document's current version, and one
empty publish without a version when the document closes. So, for a publish to be right, there
must be a prefix of the client's messages, no shorter than the one the previous publish needed,
after which:

- a publish with a version: the document is open at exactly that version;
- a publish without a version: the client's last message about the document closed it, and
  the diagnostics are empty.

Any response tells the client more: the server reads messages in order and applies document
changes as it reads them, so once it answers a request it had handled every document message
sent before that request, and every later publish must reflect at least that prefix.

This catches a publish for a version the client has since replaced ("stale"), for a version it
never sent, for a document it closed (after the close was handled), and any publish that goes
back in time. It cannot tell two states with the same version apart (a document closed and
reopened at version 1): the end-of-example comparison with a fresh check covers content.
"""

from __future__ import annotations

from dataclasses import dataclass, field

CLOSED = None
NEVER = -1  # the client has sent nothing about the document yet


@dataclass
class PublishOrder:
    """What the client sent about each document, and the violations seen so far."""

    # (uri, version) when the client opened or changed a document; (uri, CLOSED) on close.
    sent: list[tuple[str, int | None]] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    # The server had handled at least `sent[:handled]` when it sent the last publish.
    handled: int = 0

    def opened(self, uri: str, version: int) -> None:
        self.sent.append((uri, version))

    def changed(self, uri: str, version: int) -> None:
        self.sent.append((uri, version))

    def closed(self, uri: str) -> None:
        self.sent.append((uri, CLOSED))

    def answered(self, sent_before: int) -> None:
        """A response arrived to a request sent after `sent[:sent_before]`."""
        self.handled = max(self.handled, sent_before)

    def published(self, uri: str, version: int | None, diagnostics: int) -> None:
        """Check one publish the moment it arrives (`diagnostics`: how many it carries)."""
        if version is None and diagnostics:
            self.violations.append(f"{uri}: {diagnostics} diagnostics published without a version")
            return
        prefix = self._first_prefix(uri, version)
        if prefix is None:
            latest = self._state(uri, len(self.sent))
            holds = {CLOSED: "a closed document", NEVER: "no such document"}.get(
                latest, f"version {latest}"
            )
            self.violations.append(
                f"{uri}: diagnostics published for "
                f"{'a closed document' if version is None else f'version {version}'} "
                f"while the client holds {holds} "
                f"(after {len(self.sent)} document messages; the server had handled at least "
                f"{self.handled} of them)"
            )
            return
        self.handled = prefix

    def _first_prefix(self, uri: str, version: int | None) -> int | None:
        """The shortest prefix, at least `handled` long, after which `uri` is at `version`."""
        state = self._state(uri, self.handled)
        if state == version:
            return self.handled
        for index in range(self.handled, len(self.sent)):
            sent_uri, sent_version = self.sent[index]
            if sent_uri == uri:
                state = sent_version
                if state == version:
                    return index + 1
        return None

    def _state(self, uri: str, prefix: int) -> int | None:
        """The version of `uri` after `sent[:prefix]` (CLOSED after a close, NEVER before
        anything was sent about it)."""
        state: int | None = NEVER
        for sent_uri, sent_version in self.sent[:prefix]:
            if sent_uri == uri:
                state = sent_version
        return state
