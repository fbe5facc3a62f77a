"""The real projects whose findings are judged by reading: pinned by name, fetched with
bench/corpus.py's own code into the same cache (`~/.cache/forge-lsp/bench-corpus/`).

Each project names the registry package that holds it (a `corpus.Package`: registry, name,
version, the folders kept from it) and the folders checked inside it (`checked`, from the
package's root; a subset of `sources` keeps the run and the judging small). A project whose
package is also in the speed corpus (requests, SQLAlchemy, gin, the JDK) uses the very same
`Package`, so both benches share one download.

Kotlin: no registry here carries a Kotlin service or library as source except as part of an
npm package for React Native; Expo's modules ship their Android code in Kotlin (expo-sqlite
runs SQL, expo-file-system does downloads, expo-updates fetches and stores updates), so they
stand in. A service in each language where one is reachable: httpbin, datasette, Trac,
roundup and buildbot, and the database clients mycli and pgcli (Python); goiardi, a Chef server
(Go); the JavaScript, TypeScript, Java and Rust entries are libraries
that services call (express, koa, knex, pg, tRPC's server, the JDK's HTTP client and server,
rusqlite, tokio-postgres, reqwest).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import corpus  # bench/corpus.py: the fetch code is shared, not copied
from corpus import Package

CARGO = "usr/share/cargo/registry/"


@dataclass(frozen=True)
class Project:
    """One judged project: its name in verdict keys, language, kind, package and checked folders."""

    name: str  # the key in verdicts.jsonl: never change it once findings are judged
    language: str  # the corpus language folder it is cached under
    kind: str  # "library" or "service"
    package: Package
    checked: tuple[str, ...]  # folders (or files) checked, from the package's root

    def root(self) -> Path:
        return corpus.package_dir(self.language, self.package)

    def paths(self) -> list[Path]:
        return [self.root() / part for part in self.checked]


def _corpus_package(language: str, name: str) -> Package:
    return next(p for p in corpus.LANGUAGES[language].packages if p.name == name)


def _go(name: str, version: str, path: str) -> Package:
    return Package("debian", name, version, (corpus.GOCODE + path,))


def _crate(name: str, version: str, crate: str) -> Package:
    return Package("debian", name, version, (CARGO + crate + "/src",))


_GIN = _corpus_package("go", "golang-github-gin-gonic-gin-dev")
_JDK = _corpus_package("java", "openjdk-17-source")
_GOIARDI = _go("golang-github-ctdk-goiardi-dev", "0.11.10-1", "github.com/ctdk/goiardi")
_RUSQLITE = _crate("librust-rusqlite-dev", "0.28.0-4", "rusqlite-0.28.0")
_REQWEST = _crate("librust-reqwest-dev", "0.11.13-1", "reqwest-0.11.13")
_TOKIO_POSTGRES = _crate("librust-tokio-postgres-dev", "0.7.7-2", "tokio-postgres-0.7.7")

PROJECTS: tuple[Project, ...] = (
    Project(
        "requests",
        "python",
        "library",
        _corpus_package("python", "requests"),
        ("src/requests",),
    ),
    Project(
        "sqlalchemy",
        "python",
        "library",
        _corpus_package("python", "SQLAlchemy"),
        ("lib/sqlalchemy/dialects", "lib/sqlalchemy/engine", "lib/sqlalchemy/pool"),
    ),
    Project(
        "httpbin",
        "python",
        "service",
        Package("pypi", "httpbin", "0.10.2", ("httpbin",)),
        ("httpbin",),
    ),
    Project(
        "datasette",
        "python",
        "service",
        Package("pypi", "datasette", "0.65.1", ("datasette",)),
        ("datasette",),
    ),
    Project(
        "trac",
        "python",
        "service",
        Package("pypi", "Trac", "1.6", ("trac",)),
        ("trac",),
    ),
    Project(
        "roundup",
        "python",
        "service",
        Package("pypi", "roundup", "2.6.0", ("roundup",)),
        ("roundup",),
    ),
    Project(
        "buildbot",
        "python",
        "service",
        Package("pypi", "buildbot", "4.3.0", ("buildbot",)),
        ("buildbot",),
    ),
    Project(
        "mycli",
        "python",
        "service",
        Package("pypi", "mycli", "2.30.1", ("mycli",)),
        ("mycli",),
    ),
    Project(
        "pgcli",
        "python",
        "service",
        Package("pypi", "pgcli", "4.7.1", ("pgcli",)),
        ("pgcli",),
    ),
    Project("gin", "go", "library", _GIN, _GIN.sources),
    Project("goiardi", "go", "service", _GOIARDI, _GOIARDI.sources),
    Project(
        "express",
        "javascript",
        "library",
        Package("npm", "express", "5.1.0", ("package/lib",)),
        ("package/lib",),
    ),
    Project(
        "koa",
        "javascript",
        "library",
        Package("npm", "koa", "3.0.0", ("package/lib",)),
        ("package/lib",),
    ),
    Project(
        "knex",
        "javascript",
        "library",
        Package("npm", "knex", "3.1.0", ("package/lib",)),
        ("package/lib",),
    ),
    Project(
        "pg",
        "javascript",
        "library",
        Package("npm", "pg", "8.16.3", ("package/lib",)),
        ("package/lib",),
    ),
    Project(
        "trpc-server",
        "typescript",
        "library",
        Package("npm", "@trpc/server", "11.4.3", ("package/src",)),
        ("package/src",),
    ),
    Project(
        "jdk-http",
        "java",
        "library",
        _JDK,
        ("jdk.httpserver", "java.net.http"),
    ),
    Project(
        "expo-sqlite",
        "kotlin",
        "library",
        Package("npm", "expo-sqlite", "15.2.14", ("package/android",)),
        ("package/android",),
    ),
    Project(
        "expo-file-system",
        "kotlin",
        "library",
        Package("npm", "expo-file-system", "18.1.11", ("package/android",)),
        ("package/android",),
    ),
    Project(
        "expo-updates",
        "kotlin",
        "library",
        Package("npm", "expo-updates", "0.28.17", ("package/android",)),
        ("package/android",),
    ),
    Project("rusqlite", "rust", "library", _RUSQLITE, _RUSQLITE.sources),
    Project("tokio-postgres", "rust", "library", _TOKIO_POSTGRES, _TOKIO_POSTGRES.sources),
    Project("reqwest", "rust", "library", _REQWEST, _REQWEST.sources),
)


def fetch(project: Project) -> str | None:
    """Fetch a project's package (once); the reason it cannot be had, or None."""
    try:
        corpus.fetch_package(project.language, project.package)
    except (OSError, RuntimeError) as error:
        return str(error)
    missing = [str(p) for p in project.paths() if not p.exists()]
    return f"no {', '.join(missing)}" if missing else None
