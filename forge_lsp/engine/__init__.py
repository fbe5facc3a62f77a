"""Checking a file: run the enabled rules over a tree-sitter tree (`checker`), re-check only the
edited function after an edit (`recheck`, `incremental`), honour suppression comments
(`suppression`) and apply fixes to text (`fixes`).

May import `core`, `dataflow`, `rules` and `config`. It knows nothing of the editor, Claude or
the command line: the LSP layer and the CLI both call it, with their own notion of a document or
a file.
"""
