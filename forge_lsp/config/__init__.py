"""Forge's settings: one schema, the sources it is read from, and the order they combine in.

Every setting, for the rules and for Claude, is declared once (`schema.Setting`: its key and
earlier names, its kind with type, choices and range, whether a project file may set it, one
line of description) next to the dataclass that holds its default: `settings.RULE_SETTINGS`
(`Settings`) and `claude.CLAUDE_SETTINGS` (`ClaudeSettings`). Each source is validated against
those declarations (`schema.Section.parse`): an invalid value (of the wrong type, or a number
outside its range) is reported by name and skipped, and the lower-precedence value is used.
Keys may be written camelCase (editors), kebab-case or snake_case (TOML).

Sources, lowest precedence first, the same in the editor and in the terminal (a source a
front end does not have is skipped):

1. built-in defaults;
2. the environment, for what it names: ``ANTHROPIC_API_KEY`` (Claude's key) and
   ``ANTHROPIC_BASE_URL`` (its endpoint), used when no settings source below sets ``apiKey``
   or ``baseUrl``;
3. the user's own file, ``forge.toml`` in the user config folder (``~/.config/forge-lsp/`` on
   Linux): the place for settings of the person, not of a repository, such as a Claude
   backend, in the terminal and in every editor (`files.user_config`);
4. the editor: ``initializationOptions``, then ``workspace/configuration`` (section ``forge``);
5. the project: ``[tool.forge]`` in the nearest ``pyproject.toml`` that has one, or a
   ``forge.toml`` (preferred when both sit in the same folder); ``check --config FILE`` names
   it instead (`files.find_project_config`);
6. the command line: ``--select`` (which replaces ``select`` and ``ignore``), ``--ignore``
   (added to ``ignore``) and ``--model`` (``model`` and ``explainModel``)
   (`forge_lsp.cli.runner`, `terminal.for_terminal`).

The project file wins over the editor so that a repository's checks are the same in every
editor and in CI. A project file is untrusted input, though: what it may not decide (an API
key, turning Claude on, where requests go: `claude.DESTINATION_SETTINGS`) is refused there,
with one message each (`schema.InProject`).

Modules: `schema` (declarations and validation), `settings` (the rule settings), `claude`
(Claude's section), `prices` (Claude's prices), `files` (project and user files), `globs`
(`exclude`), `selection` (which rules run), `terminal` (the command line's last layers). The
names most callers use are re-exported here.

May import `core`, `dataflow` and `rules` (the rule registry, to check rule options and build a
selection); never the engine, Claude's runtime, the server or the command line. `prices` reads
the model table's data file (`forge_lsp/ai/models.toml`) without importing `forge_lsp.ai`.
"""

from forge_lsp.config.files import (
    NO_PROJECT,
    PROJECT_FILES,
    USER_FILE,
    ProjectConfig,
    find_project_config,
    load_toml,
    project_config_from,
    project_config_in,
    user_config,
    user_config_path,
)
from forge_lsp.config.globs import excluded
from forge_lsp.config.schema import Loaded, WholeNumber
from forge_lsp.config.settings import (
    DEFAULT_DEBOUNCE_MS,
    DEFAULT_MAX_FILE_SIZE,
    NUMBERS,
    Settings,
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
    "project_config_in",
    "user_config",
    "user_config_path",
    "validate_rule_options",
]
