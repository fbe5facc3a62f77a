"""The real code the benchmark checks, fetched by name from package registries into the user cache.

    python bench/corpus.py          # fetch what is missing, then list what is there

Every package is pinned, fetched once with the registry's own client and unpacked under
`~/.cache/forge-lsp/bench-corpus/LANGUAGE/NAME-VERSION/` ($XDG_CACHE_HOME is honoured), so a
fresh machine that reaches only PyPI, npm and Debian builds the same corpus:

- Python: sdists (`pip download --no-deps --no-binary NAME`), their library folders only;
- TypeScript and JavaScript: `npm pack` tarballs (zod, rxjs and effect ship their .ts sources);
- Go: Debian `golang-*-dev` packages (`apt-get download`, `dpkg-deb -x`; usr/share/gocode);
- Java: Debian `openjdk-17-source` (its src.zip), a few modules of the JDK's own library.

A language whose fetch fails is skipped with the reason (`Skipped`); the others go on. The
batch figures take growing, deterministic prefixes of each language's files (`subset`), so the
small set is part of the medium one, which is part of the large one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

DONE = ".fetched"  # written last in a package's folder: the fetch finished


@dataclass(frozen=True)
class Package:
    """One pinned registry package and the folders in it that hold the code to check."""

    registry: str  # "pypi", "npm" or "debian"
    name: str
    version: str
    sources: tuple[str, ...]  # folders (tests: or files) inside the unpacked package, from its root

    @property
    def folder(self) -> str:
        return f"{self.name.replace('/', '-').lstrip('@')}-{self.version}"


@dataclass(frozen=True)
class Language:
    """A language's corpus: its packages in the order their files are taken, and its files."""

    name: str
    suffix: str
    packages: tuple[Package, ...]
    exclude_suffix: str = ""  # e.g. ".d.ts": declarations, not code

    def keeps(self, path: Path) -> bool:
        name = path.name
        return name.endswith(self.suffix) and not (
            self.exclude_suffix and name.endswith(self.exclude_suffix)
        )


GOCODE = "usr/share/gocode/src/"
JDK_MODULES = (  # the JDK modules a backend service calls into; about 400k lines in all
    "java.base/java/net",
    "java.base/java/util",
    "java.naming",
    "java.net.http",
    "java.sql",
    "jdk.httpserver",
)


def _go(name: str, version: str, path: str) -> Package:
    return Package("debian", name, version, (GOCODE + path,))


LANGUAGES: dict[str, Language] = {
    language.name: language
    for language in (
        Language(
            "python",
            ".py",
            (
                Package("pypi", "requests", "2.32.3", ("src/requests",)),
                Package("pypi", "flask", "3.1.0", ("src/flask",)),
                Package("pypi", "celery", "5.4.0", ("celery",)),
                Package("pypi", "SQLAlchemy", "2.0.36", ("lib/sqlalchemy",)),
                Package("pypi", "Django", "5.1.4", ("django",)),
            ),
        ),
        Language(
            "typescript",
            ".ts",
            (
                Package("npm", "zod", "4.6.7", ("package/src",)),
                Package("npm", "rxjs", "7.8.2", ("package/src",)),
                Package("npm", "effect", "4.1.0", ("package/src",)),
            ),
            exclude_suffix=".d.ts",
        ),
        Language(
            "javascript",
            ".js",
            (Package("npm", "mongoose", "9.12.1", ("package/lib",)),),
        ),
        Language(
            "go",
            ".go",
            (
                _go("golang-github-lib-pq-dev", "1.10.7-2", "github.com/lib/pq"),
                _go("golang-github-gin-gonic-gin-dev", "1.8.1-1", "github.com/gin-gonic/gin"),
                _go("golang-github-jackc-pgx-v4-dev", "4.15.0-4", "github.com/jackc/pgx"),
                _go("golang-github-jmoiron-sqlx-dev", "1.3.5-1", "github.com/jmoiron/sqlx"),
                _go(
                    "golang-github-go-sql-driver-mysql-dev",
                    "1.5.0-2",
                    "github.com/go-sql-driver/mysql",
                ),
                _go("golang-github-gorilla-mux-dev", "1.8.0-1", "github.com/gorilla/mux"),
                _go("golang-github-spf13-cobra-dev", "1.6.1-1", "github.com/spf13/cobra"),
                _go(
                    "golang-github-prometheus-client-golang-dev",
                    "1.14.0-3",
                    "github.com/prometheus/client_golang",
                ),
                _go(
                    "golang-github-minio-minio-go-v7-dev",
                    "7.0.46-1",
                    "github.com/minio/minio-go",
                ),
                _go("golang-google-grpc-dev", "1.33.3-2", "google.golang.org/grpc"),
            ),
        ),
        Language(
            "java",
            ".java",
            (Package("debian", "openjdk-17-source", "17.0.21.1+2-1~deb12u1", JDK_MODULES),),
        ),
    )
}


@dataclass(frozen=True)
class Skipped:
    """A language left out of this run, and why (the bench goes on without it)."""

    language: str
    reason: str


def corpus_dir() -> Path:
    """Where the corpus lives (XDG cache, next to the peers in bench-tools/)."""
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "forge-lsp" / "bench-corpus"


def package_dir(language: str, package: Package) -> Path:
    return corpus_dir() / language / package.folder


def run_client(command: list[str], cwd: Path) -> None:
    """Run a registry client; a failure raises RuntimeError with the client's own error text
    (the bench skips the language with it; tests/support/real_code.py reports it)."""
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    if result.returncode != 0:
        said = [line.strip() for line in (result.stderr + result.stdout).splitlines()]
        errors = [line for line in said if line.lower().startswith(("error", "npm error", "e:"))]
        reason = " / ".join(errors[:2] or said[-1:]) or f"exit status {result.returncode}"
        raise RuntimeError(f"`{' '.join(command[:4])} ...` failed: {reason}")


def only_entry(folder: Path) -> Path:
    """The single file or folder an archive or client left in `folder`."""
    entries = list(folder.iterdir())
    if len(entries) != 1:
        raise RuntimeError(f"expected one entry in {folder}, found {len(entries)}")
    return entries[0]


def untar(archive: Path, into: Path) -> None:
    """Unpack a registry tarball (npm pack, sdist) into `into`."""
    with tarfile.open(archive) as tar:
        if hasattr(tarfile, "data_filter"):
            tar.extractall(into, filter="data")
        else:  # Python < 3.11.4: no extraction filters; these are registry tarballs
            tar.extractall(into)


def _fetch_pypi(package: Package, work: Path) -> Path:
    spec = f"{package.name}=={package.version}"
    pip = [sys.executable, "-m", "pip", "download", "--disable-pip-version-check", "-q"]
    # Only this package from source: its build backend (for the metadata pip reads) from wheels.
    run_client([*pip, "--no-deps", "--no-binary", package.name, "-d", str(work / "dl"), spec], work)
    untar(only_entry(work / "dl"), work / "x")
    return only_entry(work / "x")  # the sdist's top folder, NAME-VERSION/


def _fetch_npm(package: Package, work: Path) -> Path:
    (work / "dl").mkdir()
    spec = f"{package.name}@{package.version}"
    run_client(
        ["npm", "pack", "--loglevel=error", "--pack-destination", str(work / "dl"), spec], work
    )
    untar(only_entry(work / "dl"), work / "x")
    return work / "x"  # holds package/


def apt_download(package: Package, work: Path) -> Path:
    """`apt-get download` the pinned version, or the archive's current one if the pin is gone
    (Debian replaces security updates); the folder name keeps the pinned version either way."""
    (work / "dl").mkdir()
    try:
        run_client(["apt-get", "download", f"{package.name}={package.version}"], work / "dl")
    except RuntimeError:
        try:
            run_client(["apt-get", "download", package.name], work / "dl")
        except RuntimeError as error:
            raise RuntimeError(f"{error} (no package lists? `apt-get update` once)") from error
        fetched = only_entry(work / "dl").name
        print(f"[corpus] {package.name} {package.version} is gone: {fetched}", file=sys.stderr)
    return only_entry(work / "dl")


def _fetch_debian(package: Package, work: Path) -> Path:
    deb = apt_download(package, work)
    (work / "fetched").write_text(deb.name)
    run_client(["dpkg-deb", "-x", str(deb), str(work / "x")], work)
    source_zips = list((work / "x").rglob("src.zip"))
    if source_zips:  # openjdk-*-source: take the chosen modules out of the JDK's src.zip
        with zipfile.ZipFile(source_zips[0]) as archive:
            wanted = [
                name
                for name in archive.namelist()
                if name.startswith(tuple(m + "/" for m in package.sources))
            ]
            archive.extractall(work / "jdk", wanted)
            return work / "jdk"
    return work / "x"


FETCHERS: dict[str, Callable[[Package, Path], Path]] = {
    "pypi": _fetch_pypi,
    "npm": _fetch_npm,
    "debian": _fetch_debian,
}


def fetch_package(language: str, package: Package) -> Path:
    """The package's source folders, fetched and unpacked on first use (a failed fetch leaves
    nothing behind that counts: the marker is written last)."""
    target = package_dir(language, package)
    if (target / DONE).is_file():
        return target
    print(f"[corpus] fetching {package.name} {package.version}", file=sys.stderr, flush=True)
    shutil.rmtree(target, ignore_errors=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".fetch-", dir=target.parent) as name:
        root = FETCHERS[package.registry](package, Path(name))
        missing = [source for source in package.sources if not (root / source).is_dir()]
        if missing:
            raise RuntimeError(f"{package.name} {package.version} has no {', '.join(missing)}")
        for source in package.sources:  # only the code: sdists also hold docs and tests
            (target / source).parent.mkdir(parents=True, exist_ok=True)
            (root / source).rename(target / source)
        fetched = Path(name, "fetched")  # what a fallback really fetched, where it differs
        said = fetched.read_text() if fetched.is_file() else f"{package.name} {package.version}"
    (target / DONE).write_text(f"{package.registry} {said}\n")
    return target


def fetch(language: str) -> Skipped | None:
    """Fetch every package of one language; the reason it cannot be had, if one fails."""
    try:
        for package in LANGUAGES[language].packages:
            fetch_package(language, package)
    except (OSError, RuntimeError, tarfile.TarError, zipfile.BadZipFile) as error:
        return Skipped(language, str(error))
    return None


def walk(root: Path) -> Iterator[Path]:
    """Regular files under `root`, in sorted path order, not following symbolic links."""
    for folder, dirs, names in os.walk(root):
        dirs.sort()
        for name in sorted(names):
            path = Path(folder, name)
            if not path.is_symlink():
                yield path


def files(language: str) -> list[Path]:
    """A language's files to check: package by package in `LANGUAGES` order, sorted within."""
    spec = LANGUAGES[language]
    found: list[Path] = []
    for package in spec.packages:
        root = package_dir(language, package)
        for source in package.sources:
            found += [p for p in walk(root / source) if spec.keeps(p)]
    return found


def line_count(path: Path) -> int:
    return path.read_bytes().count(b"\n")


def subset(paths: list[Path], lines: int) -> list[Path]:
    """The first files of `paths` holding at least `lines` lines (all of them if fewer)."""
    taken: list[Path] = []
    total = 0
    for path in paths:
        if total >= lines:
            break
        taken.append(path)
        total += line_count(path)
    return taken


def real_file(language: str, package_name: str, relative: str) -> Path:
    """A file inside a fetched package (it may not exist when the fetch was skipped)."""
    package = next(p for p in LANGUAGES[language].packages if p.name == package_name)
    return package_dir(language, package) / relative


def main() -> int:
    """Fetch every language and print what the corpus holds."""
    for language in LANGUAGES:
        skipped = fetch(language)
        if skipped:
            print(f"{language}: skipped: {skipped.reason}")
            continue
        paths = files(language)
        total = sum(line_count(p) for p in paths)
        print(f"{language}: {len(paths)} files, {total:,} lines under {corpus_dir() / language}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
