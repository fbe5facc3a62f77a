/** Forge for VS Code: a thin client that starts `python -m forge_lsp` and wires its commands. */
import * as vscode from 'vscode';
import { askQuestion, registerCommands } from './commands';
import { API_KEY_SECRET, ForgeServer } from './server';
import { Status } from './status';

let server: ForgeServer | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const log = vscode.window.createOutputChannel('Forge', { log: true });
  const status = new Status();
  server = new ForgeServer(context, log, status, askQuestion);
  context.subscriptions.push(log, status, server);
  registerCommands(context, server);
  const forge = server;

  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('forge.interpreter')) {
        void forge.restart('forge.interpreter changed');
      } else if (event.affectsConfiguration('forge.claude')) {
        void forge.refreshStatus(); // the server itself hears of it (didChangeConfiguration)
      }
    }),
    context.secrets.onDidChange((event) => {
      if (event.key === API_KEY_SECRET) {
        void forge.keyChanged();
      }
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      void forge.restart('the workspace is now trusted');
    }),
  );
  watchPythonExtension(context, forge);
  await forge.restart('activation');
}

export async function deactivate(): Promise<void> {
  await server?.stop();
}

/** Restart when the Python extension's active interpreter (the one Forge uses) changes. */
function watchPythonExtension(context: vscode.ExtensionContext, forge: ForgeServer): void {
  const extension = vscode.extensions.getExtension('ms-python.python');
  if (!extension) {
    return;
  }
  void Promise.resolve(extension.isActive ? undefined : extension.activate()).then(
    () => {
      try {
        const environments = extension.exports?.environments;
        const onChange = environments?.onDidChangeActiveEnvironmentPath;
        if (typeof onChange === 'function') {
          context.subscriptions.push(
            onChange.call(environments, () => {
              if (forge.interpreterSource === 'python-extension') {
                void forge.restart('the Python interpreter changed');
              }
            }),
          );
        }
      } catch (error) {
        forge.log.warn(`cannot follow the Python extension's interpreter: ${String(error)}`);
      }
    },
    () => undefined,
  );
}
