"""Forge's settings: what they are, how each source is validated, and how sources combine.

Sources, lowest precedence first:

1. built-in defaults;
2. the user's own file, ``forge.toml`` in the user config folder (``~/.config/forge-lsp/`` on
   Linux): the place for settings of the person, not of a repository, such as a Claude
   backend, in the terminal and in every editor;
3. the editor: ``initializationOptions``, then ``workspace/configuration`` (section ``forge``);
4. the project: ``[tool.forge]`` in the nearest ``pyproject.toml`` that has one, or a
   ``forge.toml`` (preferred when both sit in the same folder).

The project file wins over the editor so that a repository's checks are the same in every
editor and in CI. A project file is untrusted input, though: what it may not decide (an API
key, turning Claude on, where requests go) is ignored there (`forge_lsp.config.claude`).

Keys may be written camelCase (editors), kebab-case or snake_case (TOML). An invalid value (of
the wrong type, or a number outside its range) is reported by name, skipped, and the
lower-precedence value is used.
"""

from forge_lsp.config.files import (
    NO_PROJECT,
    PROJECT_FILES,
    USER_FILE,
    ProjectConfig,
    find_project_config,
    load_toml,
    project_config_from,
    user_config,
    user_config_path,
)
from forge_lsp.config.globs import excluded
from forge_lsp.config.settings import (
    DEFAULT_DEBOUNCE_MS,
    DEFAULT_MAX_FILE_SIZE,
    NUMBERS,
    Loaded,
    Settings,
    WholeNumber,
    combine,
    parse,
    validate_rule_options,
)

__all__ = [
    "DEFAULT_DEBOUNCE_MS",
    "DEFAULT_MAX_FILE_SIZE",
    "NO_PROJECT",
    "NUMBERS",
    "PROJECT_FILES",
    "USER_FILE",
    "Loaded",
    "ProjectConfig",
    "Settings",
    "WholeNumber",
    "combine",
    "excluded",
    "find_project_config",
    "load_toml",
    "parse",
    "project_config_from",
    "user_config",
    "user_config_path",
    "validate_rule_options",
]
