/** The VS Code language ids Forge checks (forge_lsp/core/languages.py). */
export const LANGUAGE_IDS = [
  'python',
  'go',
  'java',
  'javascript',
  'javascriptreact',
  'typescript',
  'typescriptreact',
  'rust',
  'kotlin',
];
