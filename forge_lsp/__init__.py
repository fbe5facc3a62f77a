"""Forge LSP: a principal backend engineer inside the editor."""

__version__ = "0.1.0"
