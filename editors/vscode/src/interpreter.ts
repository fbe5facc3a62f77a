/**
 * Which Python runs the server: the `forge.interpreter` setting, else the Python extension's
 * active interpreter, else `python3` (`python` on Windows). No `vscode` import: unit-tested.
 */

export type InterpreterSource = 'setting' | 'python-extension' | 'default';

export interface Interpreter {
  command: string;
  source: InterpreterSource;
}

/** The parts of `ms-python.python`'s API Forge uses; every call is guarded. */
export interface PythonExtensionLike {
  isActive: boolean;
  activate(): Thenable<unknown>;
  exports: unknown;
}

export type Log = (message: string) => void;

export function defaultInterpreter(platform: NodeJS.Platform = process.platform): string {
  return platform === 'win32' ? 'python' : 'python3';
}

/** The interpreter from the Python extension's API, or undefined (never throws). */
export async function fromPythonExtension(
  extension: PythonExtensionLike | undefined,
  resource: unknown,
  log: Log,
): Promise<string | undefined> {
  if (!extension) {
    return undefined;
  }
  try {
    if (!extension.isActive) {
      await extension.activate();
    }
    const environments = (extension.exports as { environments?: Record<string, unknown> })
      ?.environments;
    const getActive = environments?.getActiveEnvironmentPath;
    if (typeof getActive !== 'function') {
      log('the Python extension has no environments API; not using it');
      return undefined;
    }
    const active = getActive.call(environments, resource) as { path?: unknown } | undefined;
    const resolve = environments?.resolveEnvironment;
    if (typeof resolve === 'function' && active) {
      try {
        const resolved = (await resolve.call(environments, active)) as
          | { executable?: { uri?: { fsPath?: unknown } } }
          | undefined;
        const executable = resolved?.executable?.uri?.fsPath;
        if (typeof executable === 'string' && executable) {
          return executable;
        }
      } catch (error) {
        log(`the Python extension could not resolve its environment: ${describe(error)}`);
      }
    }
    return typeof active?.path === 'string' && active.path ? active.path : undefined;
  } catch (error) {
    log(`the Python extension's API failed: ${describe(error)}`);
    return undefined;
  }
}

/** The interpreter in Forge's order of precedence. */
export async function resolveInterpreter(options: {
  setting: string | undefined;
  pythonExtension: () => Promise<string | undefined>;
  platform?: NodeJS.Platform;
}): Promise<Interpreter> {
  const setting = options.setting?.trim();
  if (setting) {
    return { command: setting, source: 'setting' };
  }
  const fromExtension = await options.pythonExtension();
  if (fromExtension) {
    return { command: fromExtension, source: 'python-extension' };
  }
  return { command: defaultInterpreter(options.platform), source: 'default' };
}

export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
