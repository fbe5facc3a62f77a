/**
 * Forge's settings as the extension sees them: which keys the server reads (the package.json
 * schema must list each one; tests compare them) and what the server is sent. No `vscode`
 * import: unit-tested.
 */

/** `forge.*` keys the server reads (forge_lsp/config/settings.py `RULE_SETTINGS`). */
export const SERVER_SETTINGS = [
  'select',
  'ignore',
  'severity',
  'exclude',
  'rules',
  'maxFileSize',
  'debounceMs',
  'minConfidence',
  'baseline',
  'baselineFindings',
] as const;

/** `forge.claude.*` keys the server reads (forge_lsp/config/claude.py `_FIELDS`), except `apiKey`. */
export const CLAUDE_SETTINGS = [
  'enabled',
  'backend',
  'baseUrl',
  'headers',
  'model',
  'explainModel',
  'maxTokens',
  'stallSeconds',
  'deadlineSeconds',
  'maxRetries',
  'awsRegion',
  'awsProfile',
  'vertexProject',
  'vertexRegion',
  'exclude',
  'minConfidence',
  'maxFindings',
  'questions',
  'dailyBudgetUsd',
  'prices',
  'explainOnHover',
  'projectInstructions',
  'contextLines',
  'effort',
] as const;

/**
 * A server setting deliberately left out of the schema: in VS Code the key lives in
 * SecretStorage (Forge: Set API Key) and reaches the server only through its environment.
 */
export const OMITTED_SERVER_SETTINGS = ['claude.apiKey'];

/** Settings only the extension reads (the server accepts and ignores them). */
export const EXTENSION_SETTINGS = ['interpreter', 'trace.server'] as const;

/** Every `forge.*` key the package.json schema must declare. */
export function schemaKeys(): string[] {
  return [
    ...SERVER_SETTINGS.map((key) => `forge.${key}`),
    ...CLAUDE_SETTINGS.map((key) => `forge.claude.${key}`),
    ...EXTENSION_SETTINGS.map((key) => `forge.${key}`),
  ];
}

export type Settings = Record<string, unknown>;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function withoutNulls(value: Record<string, unknown>): Record<string, unknown> {
  // A null default means "unset" in the schema; the server wants the key absent instead.
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== null && v !== undefined),
  );
}

/**
 * The `forge` section as the server receives it (as initializationOptions and in answer to
 * workspace/configuration): unset (null) values dropped, never an API key, and Claude off in an
 * untrusted workspace whatever the settings say. `onApiKey` is told when a key was dropped.
 */
export function settingsForServer(
  raw: unknown,
  trusted: boolean,
  onApiKey: () => void = () => undefined,
): Settings {
  const settings: Settings = isObject(raw) ? withoutNulls({ ...raw }) : {};
  let claude: Settings = isObject(settings.claude) ? withoutNulls({ ...settings.claude }) : {};
  if ('apiKey' in claude) {
    delete claude.apiKey;
    onApiKey();
  }
  if (!trusted) {
    claude = { ...claude, enabled: false };
  }
  if (Object.keys(claude).length) {
    settings.claude = claude;
  } else {
    delete settings.claude;
  }
  return settings;
}

export interface ClaudeState {
  on: boolean;
  text: string;
  detail: string;
}

/**
 * What the status item says about Claude, following the server's rule (Claude is on with a key
 * or a cloud backend, unless turned off); a project file may still turn it off.
 */
export function claudeState(options: {
  trusted: boolean;
  claude: Settings | undefined;
  hasStoredKey: boolean;
  env: NodeJS.ProcessEnv;
}): ClaudeState {
  const claude = options.claude ?? {};
  const model = typeof claude.model === 'string' && claude.model ? claude.model : 'claude-sonnet-5-5';
  if (!options.trusted) {
    return {
      on: false,
      text: 'Forge: rules only',
      detail: 'Restricted Mode: Claude is off until you trust this workspace',
    };
  }
  if (claude.enabled === false) {
    return { on: false, text: 'Forge: rules only', detail: 'forge.claude.enabled is false' };
  }
  const backend = typeof claude.backend === 'string' ? claude.backend : 'anthropic';
  if (backend !== 'anthropic') {
    return { on: true, text: `Forge: Claude (${model})`, detail: `through ${backend}` };
  }
  if (options.hasStoredKey) {
    return { on: true, text: `Forge: Claude (${model})`, detail: 'key from Forge: Set API Key' };
  }
  if (options.env.ANTHROPIC_API_KEY || options.env.ANTHROPIC_AUTH_TOKEN) {
    return { on: true, text: `Forge: Claude (${model})`, detail: 'key from the environment' };
  }
  return {
    on: false,
    text: 'Forge: rules only',
    detail: 'Run "Forge: Set API Key" to use Claude',
  };
}
