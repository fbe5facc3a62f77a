"""`python -m forge_lsp`: the same entry point as the `forge-lsp` console script."""

import sys

from forge_lsp.cli.main import main

sys.exit(main())
