"""What every layer shares: findings and fixes (`model`), the languages Forge checks and their
grammars (`languages`), text positions across encodings (`positions`), and the process's
garbage-collector tuning (`gc_tuning`).

The bottom layer: it may import no other Forge package. Keep it small and cheap to import;
the server imports it before answering `initialize`.
"""
