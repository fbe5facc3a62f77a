/**
 * Starting, stopping and restarting the Forge language server (`python -m forge_lsp`).
 */
import * as path from 'path';
import { execFile } from 'child_process';
import * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  RevealOutputChannelOn,
  ServerOptions,
  State,
} from 'vscode-languageclient/node';
import { buildServerEnvironment, bundledPythonPath } from './environment';
import { Interpreter, fromPythonExtension, resolveInterpreter, describe } from './interpreter';
import { LANGUAGE_IDS } from './languages';
import { PREFLIGHT_SCRIPT, parsePreflight } from './preflight';
import { claudeState, settingsForServer } from './settings';
import { Status } from './status';

export const API_KEY_SECRET = 'forge.anthropicApiKey';
const PYTHON_EXTENSION = 'ms-python.python';
const MAX_RESTARTS = 3;

export class ForgeServer implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private queue: Promise<void> = Promise.resolve();
  private interpreter: Interpreter | undefined;
  private warnedAboutKeySetting = false;
  private crashes = 0;
  private keyInUse: string | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    readonly log: vscode.LogOutputChannel,
    private readonly status: Status,
    private readonly askQuestion: () => Promise<string | undefined>,
  ) {}

  get running(): LanguageClient | undefined {
    return this.client?.state === State.Running ? this.client : undefined;
  }

  get interpreterSource(): Interpreter['source'] | undefined {
    return this.interpreter?.source;
  }

  /** Start, or stop and start again; calls are serialized. */
  restart(reason: string): Promise<void> {
    this.queue = this.queue.then(async () => {
      this.log.info(`starting the server (${reason})`);
      try {
        await this.stopClient();
        await this.startClient();
      } catch (error) {
        // The queue must never reject: later restarts and commands wait on it.
        const message = `Forge's server did not start: ${describe(error)}`;
        this.log.error(message);
        this.status.fail(message);
        void this.offerLogs(message);
      }
    });
    return this.queue;
  }

  stop(): Promise<void> {
    this.queue = this.queue.then(() => this.stopClient().catch(() => undefined));
    return this.queue;
  }

  dispose(): void {
    void this.stop();
  }

  /** Run one of the server's commands (forge.ask, forge.review, ...). */
  async execute(command: string, args: unknown[]): Promise<unknown> {
    await this.queue; // a command given during a restart waits for it
    const client = this.running;
    if (!client) {
      this.status.fail('The Forge server is not running');
      void this.offerLogs(
        'Forge\'s server is not running. Restart it with "Forge: Restart Server".',
      );
      return undefined;
    }
    try {
      const result = await client.sendRequest(ExecuteCommandRequest.type, {
        command,
        arguments: args,
      });
      this.log.info(`${command}: ${summarize(result)}`);
      return result;
    } catch (error) {
      this.log.error(`${command} failed: ${describe(error)}`);
      void vscode.window.showErrorMessage(`Forge: ${describe(error)}`, 'Show Logs').then((pick) => {
        if (pick) this.log.show();
      });
      return undefined;
    }
  }

  protocolRange(range: vscode.Range): unknown {
    return this.client?.code2ProtocolConverter.asRange(range);
  }

  protocolUri(uri: vscode.Uri): string {
    return this.client?.code2ProtocolConverter.asUri(uri) ?? uri.toString();
  }

  async claude(): Promise<ReturnType<typeof claudeState>> {
    const key = await this.context.secrets.get(API_KEY_SECRET);
    return claudeState({
      trusted: vscode.workspace.isTrusted,
      claude: vscode.workspace.getConfiguration('forge').get('claude'),
      hasStoredKey: Boolean(key),
      env: process.env,
    });
  }

  /** Restart when the stored key is not the one the server runs with (another window set it). */
  async keyChanged(): Promise<void> {
    const key = vscode.workspace.isTrusted
      ? await this.context.secrets.get(API_KEY_SECRET)
      : undefined;
    // Checked and set after the await, in one step: Set API Key and the secrets event both
    // land here, and only the first restarts.
    if (key !== this.keyInUse) {
      this.keyInUse = key;
      await this.restart('the API key changed');
    }
  }

  async refreshStatus(): Promise<void> {
    if (this.running) {
      this.status.ready(await this.claude());
    }
  }

  private async stopClient(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) {
      try {
        await client.stop(5000);
      } catch (error) {
        this.log.warn(`the server did not stop cleanly: ${describe(error)}`);
      }
      await client.dispose().catch(() => undefined);
    }
  }

  private async startClient(): Promise<void> {
    this.status.starting();
    const trusted = vscode.workspace.isTrusted;
    const resource = vscode.window.activeTextEditor?.document.uri;
    this.interpreter = await resolveInterpreter({
      setting: vscode.workspace.getConfiguration('forge', resource).get<string>('interpreter'),
      pythonExtension: () =>
        fromPythonExtension(vscode.extensions.getExtension(PYTHON_EXTENSION), resource, (m) =>
          this.log.warn(m),
        ),
    });
    const python = this.interpreter.command;
    this.log.info(`interpreter: ${python} (from ${this.interpreter.source})`);
    const libs = path.join(this.context.extensionPath, 'bundled', 'libs');
    const preflight = await runPreflight(python, libs);
    if (!preflight.ok) {
      this.log.error(preflight.message);
      this.status.fail(preflight.message);
      void this.offerLogs(preflight.message);
      return;
    }
    this.log.info(`Python ${preflight.version}; server from ${preflight.location}`);
    const key = trusted ? await this.context.secrets.get(API_KEY_SECRET) : undefined;
    this.keyInUse = key;
    const env = buildServerEnvironment({
      base: process.env,
      pythonPath: bundledPythonPath(libs, preflight.version),
      apiKey: key,
      trusted,
    });
    const serverOptions: ServerOptions = {
      command: python,
      args: ['-m', 'forge_lsp'],
      // Outside the workspace: `python -m` puts the working folder first on sys.path.
      options: { cwd: this.context.extensionPath, env },
    };
    const client = new LanguageClient('forge', 'Forge', serverOptions, this.clientOptions(trusted));
    this.client = client;
    this.crashes = 0;
    try {
      await client.start();
    } catch (error) {
      const message = `Forge's server did not start with ${python}: ${describe(error)}`;
      this.log.error(message);
      this.status.fail(message);
      void this.offerLogs(message);
      return;
    }
    this.status.ready(await this.claude());
  }

  private clientOptions(trusted: boolean): LanguageClientOptions {
    const sanitize = (raw: unknown) =>
      settingsForServer(raw, trusted, () => {
        if (!this.warnedAboutKeySetting) {
          this.warnedAboutKeySetting = true;
          this.log.warn(
            'forge.claude.apiKey in settings is not sent to the server; use "Forge: Set API Key"',
          );
        }
      });
    return {
      documentSelector: LANGUAGE_IDS.flatMap((language) => [
        { scheme: 'file', language },
        { scheme: 'untitled', language },
      ]),
      outputChannel: this.log,
      traceOutputChannel: this.log,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      initializationOptions: sanitize(vscode.workspace.getConfiguration().get('forge')),
      // The server's Markdown (hovers, rule docs) never runs commands or raw HTML.
      markdown: { isTrusted: false, supportHtml: false },
      initializationFailedHandler: (error) => {
        // No message here: start() then rejects, and startClient shows the one message.
        this.log.error(`Forge's server failed to initialize: ${describe(error)}`);
        return false;
      },
      errorHandler: {
        error: () => ({ action: ErrorAction.Continue, handled: true }),
        closed: () => {
          if (!this.client) {
            return { action: CloseAction.DoNotRestart, handled: true };
          }
          this.crashes += 1;
          if (this.crashes <= MAX_RESTARTS) {
            this.log.warn(`the server stopped; restarting (${this.crashes}/${MAX_RESTARTS})`);
            return { action: CloseAction.Restart, handled: true };
          }
          const message = `Forge's server stopped ${this.crashes} times and was not restarted.`;
          this.status.fail(message);
          void this.offerLogs(message);
          return { action: CloseAction.DoNotRestart, handled: true };
        },
      },
      middleware: {
        workspace: {
          configuration: async (params, token, next) => {
            const result = await next(params, token);
            if (!Array.isArray(result)) {
              return result;
            }
            return result.map((value, index) =>
              params.items[index]?.section === 'forge' ? sanitize(value) : value,
            );
          },
        },
        executeCommand: async (command, args, next) => {
          if (['forge.ask', 'forge.review', 'forge.explain'].includes(command) && !trusted) {
            void showRestrictedMode();
            return undefined;
          }
          // The server's "Ask Forge..." code action carries no question: ask for one.
          if (command === 'forge.ask' && args.length === 2) {
            const question = await this.askQuestion();
            if (!question) {
              return undefined;
            }
            return next(command, [...args, question]);
          }
          return next(command, args);
        },
      },
    };
  }

  /** The one error message of a failed start: what to do, and a way to the logs. */
  async offerLogs(message: string): Promise<void> {
    const pick = await vscode.window.showErrorMessage(message, 'Show Logs', 'Open Settings');
    if (pick === 'Show Logs') {
      this.log.show();
    } else if (pick === 'Open Settings') {
      void vscode.commands.executeCommand('workbench.action.openSettings', 'forge.interpreter');
    }
  }
}

export async function showRestrictedMode(): Promise<void> {
  const pick = await vscode.window.showWarningMessage(
    'Forge: Claude is off in Restricted Mode (this workspace is not trusted). The offline ' +
      'rules keep working; trust the workspace to use Ask, Review and Explain.',
    'Manage Workspace Trust',
  );
  if (pick) {
    void vscode.commands.executeCommand('workbench.trust.manage');
  }
}

function runPreflight(python: string, libs: string): Promise<ReturnType<typeof parsePreflight>> {
  return new Promise((resolve) => {
    execFile(
      python,
      ['-c', PREFLIGHT_SCRIPT, libs],
      { timeout: 30_000, env: { ...process.env, PYTHONSAFEPATH: '1' }, cwd: libs },
      (error, stdout) => resolve(parsePreflight(python, String(stdout ?? ''), error ?? undefined)),
    );
  });
}

function summarize(result: unknown): string {
  if (result && typeof result === 'object' && 'status' in result) {
    return String((result as { status: unknown }).status);
  }
  return 'done';
}
