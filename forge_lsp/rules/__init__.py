"""Forge's hard rules: the offline checks, one module per rule, found by `registry`."""
