/**
 * The server's process environment. The API key travels only here (never in settings or LSP
 * traffic), and only into a trusted workspace. No `vscode` import: unit-tested.
 */
import * as path from 'path';

/** Variables that turn Claude on: kept out of a server started for an untrusted workspace. */
export const CREDENTIAL_VARIABLES = ['ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN'];

export interface EnvironmentOptions {
  base: NodeJS.ProcessEnv;
  /** Folders put first on PYTHONPATH (the bundled server), in order. */
  pythonPath: string[];
  /** The key from SecretStorage, if one was set. */
  apiKey: string | undefined;
  trusted: boolean;
  delimiter?: string;
}

export function buildServerEnvironment(options: EnvironmentOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...options.base };
  const delimiter = options.delimiter ?? path.delimiter;
  const existing = env.PYTHONPATH ? [env.PYTHONPATH] : [];
  if (options.pythonPath.length) {
    env.PYTHONPATH = [...options.pythonPath, ...existing].join(delimiter);
  }
  // The workspace's folders must never shadow the bundled server (python -m puts the working
  // folder first on sys.path; the launcher also starts it outside the workspace).
  env.PYTHONSAFEPATH = '1';
  env.PYTHONUNBUFFERED = '1';
  if (!options.trusted) {
    for (const name of CREDENTIAL_VARIABLES) {
      delete env[name];
    }
  } else if (options.apiKey) {
    env.ANTHROPIC_API_KEY = options.apiKey;
  }
  return env;
}

/** The bundled folders for a CPython version: its compiled packages, then the shared ones. */
export function bundledPythonPath(libs: string, version: string | undefined): string[] {
  const folders: string[] = [];
  const tag = version?.match(/^(\d+)\.(\d+)$/);
  if (tag) {
    folders.push(path.join(libs, `cp${tag[1]}${tag[2]}`));
  }
  folders.push(path.join(libs, 'common'));
  return folders;
}
