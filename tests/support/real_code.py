"""Real source code for the tests, fetched by pinned name and version into the user cache.

    python -m tests.support.real_code      # fetch what is missing, then list what is there

`tests/unit/test_redaction.py` checks that redaction leaves real code readable. It needs real
code in all seven languages, and a fresh clone has none, so this module fetches a small pinned
set the way `bench/corpus.py` fetches the bench's (and with its helpers), from the registries a
developer's machine and CI reach: PyPI, npm and Debian. Each registry is asked once for all of
its packages, the three at the same time: about 5 seconds on a cold cache, nothing once cached
under `~/.cache/forge-lsp/test-corpus/LANGUAGE/NAME-VERSION/` (platformdirs' user cache, so
$XDG_CACHE_HOME is honoured).

- Python: wheels (`pip download --only-binary :all:`: a pure-Python wheel is the library's
  source, and needs no build, unlike the sdists the bench takes), some folders of each;
- JavaScript and TypeScript: `npm pack` tarballs; the TypeScript packages ship their `src/`;
- Kotlin: npm packs too. Kotlin libraries are published as compiled jars (Maven, Debian), but
  React Native and Expo modules ship their Android sources, in Kotlin, inside the npm package;
- Java: the Android runtimes of Cordova and Capacitor, also from npm (Debian's
  `openjdk-17-source`, which the bench reads, is a 47 MB download);
- Go: Debian `golang-*-dev` packages (`apt-get download`, `dpkg-deb -x`), tests left out;
- Rust: Debian `librust-*-dev` packages, their `src/` folders.

The packages were picked for code near credentials (authentication, sessions, signing,
database drivers and connection strings, HTTP clients, keychains), where redaction is most
tempted to take out ordinary code. A registry that cannot be reached is not an error here:
`fetch()` names it in `Corpus.problems` and the caller decides (the tests fail in CI).
"""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from bench.corpus import DONE, GOCODE, Package, apt_download, run_client, untar, walk

CARGO = "usr/share/cargo/registry/"


def _pypi(name: str, version: str, *sources: str) -> Package:
    return Package("pypi", name, version, sources)


def _npm(name: str, version: str, *sources: str) -> Package:
    return Package("npm", name, version, tuple(f"package/{source}" for source in sources))


def _debian(name: str, version: str, *sources: str) -> Package:
    return Package("debian", name, version, sources)


# Each language's packages and the folders or files of each that hold its code.
REAL_CODE: dict[str, tuple[Package, ...]] = {
    "python": (
        _pypi("flask", "3.1.0", "flask"),
        _pypi("requests", "2.32.3", "requests"),
        _pypi(
            "Django",
            "5.1.4",
            "django/conf/global_settings.py",
            "django/contrib/auth",
            "django/contrib/sessions",
            "django/core/mail",
            "django/core/signing.py",
            "django/db/backends/mysql",
            "django/db/backends/postgresql",
            "django/middleware",
            "django/contrib/gis/gdal/geometries.py",
        ),
        _pypi("celery", "5.4.0", "celery/app/base.py", "celery/backends"),
    ),
    "javascript": (
        _npm("axios", "1.21.1", "lib"),
        _npm("express", "5.3.0", "lib"),
        _npm("pg", "8.23.1", "lib"),
        _npm(
            "mysql2",
            "3.24.6",
            "lib/auth_41.js",
            "lib/auth_plugins",
            "lib/commands",
            "lib/connection_config.js",
            "lib/packets",
        ),
        _npm("knex", "3.3.0", "lib/client.js", "lib/dialects/mysql", "lib/dialects/postgres"),
        _npm("sequelize", "6.37.8", "lib/sequelize.js", "lib/dialects/postgres"),
        _npm("mongoose", "9.12.1", "lib/connection.js", "lib/drivers"),
    ),
    "typescript": (
        _npm("@supabase/auth-js", "2.119.0", "src"),
        _npm("react-native-keychain", "10.0.0", "src"),
        _npm("expo-secure-store", "57.0.4", "src", "plugin/src"),
    ),
    "kotlin": (
        _npm("react-native-keychain", "10.0.0", "android/src/main/java"),
        _npm("expo-secure-store", "57.0.4", "android/src/main/java"),
    ),
    "java": (
        _npm("cordova-android", "15.1.0", "framework/src"),
        _npm("@capacitor/android", "8.5.2", "capacitor/src/main/java"),
    ),
    "go": (
        _debian("golang-github-lib-pq-dev", "1.10.7-2", GOCODE + "github.com/lib/pq"),
        _debian(
            "golang-github-go-sql-driver-mysql-dev",
            "1.5.0-2",
            GOCODE + "github.com/go-sql-driver/mysql",
        ),
    ),
    "rust": (
        _debian("librust-tokio-postgres-dev", "0.7.7-2", CARGO + "tokio-postgres-0.7.7/src"),
        _debian("librust-url-dev", "2.3.1-1", CARGO + "url-2.3.1/src"),
        _debian("librust-reqwest-dev", "0.11.13-1", CARGO + "reqwest-0.11.13/src"),
    ),
}
LANGUAGES = tuple(REAL_CODE)
SUFFIXES = {
    "python": ".py",
    "javascript": ".js",
    "typescript": ".ts",
    "kotlin": ".kt",
    "java": ".java",
    "go": ".go",
    "rust": ".rs",
}
# Declarations and tests are not the code redaction is sent (Rust's inline tests stay).
_LEFT_OUT = re.compile(r"\.d\.ts$|_test\.go$|/testdata/")


@dataclass(frozen=True)
class RealFile:
    """One real source file: where it is and the name tests give it."""

    path: Path
    name: str  # the package's folder and the path inside it: "flask-3.1.0/flask/app.py"
    language: str


@dataclass
class Corpus:
    """The real files of every language fetched, and why the others are missing."""

    problems: dict[str, str] = field(default_factory=dict)  # language: what went wrong

    def files(self, language: str) -> list[RealFile]:
        """The language's files, package by package in `REAL_CODE` order, sorted within."""
        found: list[RealFile] = []
        for package in REAL_CODE[language]:
            root = package_dir(language, package)
            for source in package.sources:
                paths = walk(root / source) if (root / source).is_dir() else [root / source]
                for path in paths:
                    name = f"{package.folder}/{path.relative_to(root).as_posix()}"
                    if name.endswith(SUFFIXES[language]) and not _LEFT_OUT.search(name):
                        found.append(RealFile(path, name, language))
        return found


def corpus_dir() -> Path:
    """Where the fetched packages are kept between runs."""
    return Path(platformdirs.user_cache_dir("forge-lsp")) / "test-corpus"


def package_dir(language: str, package: Package) -> Path:
    return corpus_dir() / language / package.folder


def fetch() -> Corpus:
    """Fetch what is not cached yet, each registry asked once, the three at the same time."""
    missing = [
        (language, package)
        for language, packages in REAL_CODE.items()
        for package in packages
        if not (package_dir(language, package) / DONE).is_file()
    ]
    corpus = Corpus()
    if not missing:
        return corpus
    corpus_dir().mkdir(parents=True, exist_ok=True)
    registries = sorted({package.registry for _, package in missing})
    with ThreadPoolExecutor(max_workers=len(registries)) as pool:
        for failures in pool.map(lambda registry: _fetch_registry(registry, missing), registries):
            for language, reason in failures.items():
                corpus.problems.setdefault(language, reason)
    return corpus


def _fetch_registry(registry: str, wanted: list[tuple[str, Package]]) -> dict[str, str]:
    """Download one registry's packages in one call and unpack each; the languages that failed,
    with the reason."""
    wanted = [(language, package) for language, package in wanted if package.registry == registry]
    packages = list({_pin(package): package for _, package in wanted}.values())
    failures: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix=".fetch-", dir=corpus_dir()) as name:
        work = Path(name)
        try:
            archives = _DOWNLOADERS[registry](packages, work)
        except (OSError, RuntimeError) as error:
            return {language: _reason(registry, error) for language, _ in wanted}
        for language, package in wanted:
            try:
                _unpack(language, package, archives[_pin(package)], work)
            except (OSError, RuntimeError, KeyError, zipfile.BadZipFile) as error:
                failures.setdefault(language, f"{package.name} {package.version}: {error}")
    return failures


def _pin(package: Package) -> tuple[str, str, str]:
    return package.registry, package.name, package.version


def _reason(registry: str, error: Exception) -> str:
    if isinstance(error, FileNotFoundError):
        client = {"pypi": "pip", "npm": "npm", "debian": "apt-get and dpkg-deb"}[registry]
        return f"{registry}: {client} cannot run here ({error})"
    return f"{registry}: {error}"


def _download_wheels(packages: list[Package], work: Path) -> dict[tuple[str, str, str], Path]:
    pip = [sys.executable, "-m", "pip", "download", "--disable-pip-version-check", "-q"]
    specs = [f"{package.name}=={package.version}" for package in packages]
    (work / "dl").mkdir()
    run_client([*pip, "--no-deps", "--only-binary", ":all:", "-d", str(work / "dl"), *specs], work)
    wheels = {_normal(path.name.split("-")[0]): path for path in (work / "dl").glob("*.whl")}
    return {_pin(package): wheels[_normal(package.name)] for package in packages}


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def _download_npm(packages: list[Package], work: Path) -> dict[tuple[str, str, str], Path]:
    (work / "dl").mkdir()
    specs = [f"{package.name}@{package.version}" for package in packages]
    run_client(["npm", "pack", "--loglevel=error", "--pack-destination", "dl", *specs], work)
    return {_pin(package): work / "dl" / f"{package.folder}.tgz" for package in packages}


def _download_debs(packages: list[Package], work: Path) -> dict[tuple[str, str, str], Path]:
    (work / "dl").mkdir()
    specs = [f"{package.name}={package.version}" for package in packages]
    try:
        run_client(["apt-get", "download", *specs], work / "dl")
    except RuntimeError:  # a pin Debian has replaced: the bench's fallback, one at a time
        archives = {}
        for index, package in enumerate(packages):
            (work / f"one-{index}").mkdir()
            archives[_pin(package)] = apt_download(package, work / f"one-{index}")
        return archives
    debs = {path.name.split("_")[0]: path for path in (work / "dl").glob("*.deb")}
    return {_pin(package): debs[package.name] for package in packages}


_DOWNLOADERS: dict[str, Callable[[list[Package], Path], dict[tuple[str, str, str], Path]]] = {
    "pypi": _download_wheels,
    "npm": _download_npm,
    "debian": _download_debs,
}


def _unpack(language: str, package: Package, archive: Path, work: Path) -> None:
    """Copy the package's sources out of its archive into the cache; the marker goes last."""
    unpacked = work / "x" / archive.name
    if not unpacked.is_dir():
        unpacked.parent.mkdir(parents=True, exist_ok=True)
        if archive.suffix == ".whl":
            with zipfile.ZipFile(archive) as wheel:
                wheel.extractall(unpacked)
        elif archive.suffix == ".deb":
            run_client(["dpkg-deb", "-x", str(archive), str(unpacked)], work)
        else:
            untar(archive, unpacked)
    missing = [source for source in package.sources if not (unpacked / source).exists()]
    if missing:
        raise RuntimeError(f"{archive.name} has no {', '.join(missing)}")
    target = package_dir(language, package)
    shutil.rmtree(target, ignore_errors=True)
    for source in package.sources:
        (target / source).parent.mkdir(parents=True, exist_ok=True)
        if (unpacked / source).is_dir():
            shutil.copytree(unpacked / source, target / source, symlinks=True)
        else:
            shutil.copy2(unpacked / source, target / source)
    (target / DONE).write_text(f"{package.registry} {archive.name}\n")


def main() -> int:
    """Fetch the corpus and print what it holds."""
    corpus = fetch()
    for language in LANGUAGES:
        if language in corpus.problems:
            print(f"{language}: not fetched: {corpus.problems[language]}")
            continue
        files = corpus.files(language)
        lines = sum(file.path.read_bytes().count(b"\n") for file in files)
        print(f"{language}: {len(files)} files, {lines:,} lines under {corpus_dir() / language}")
    return 1 if corpus.problems else 0


if __name__ == "__main__":
    sys.exit(main())
