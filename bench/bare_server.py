"""A bare pygls 2 language server: the start-up baseline Forge is compared with."""

from pygls.lsp.server import LanguageServer


def main() -> None:
    """Serve over stdio with no features registered."""
    LanguageServer("bare", "0").start_io()


if __name__ == "__main__":
    main()
