/** The palette and context-menu commands. Claude's tasks run as the server's commands. */
import * as vscode from 'vscode';
import { LANGUAGE_IDS } from './languages';
import { CHANGE_CHOICES, reviewChangesArgument } from './reviewChanges';
import { API_KEY_SECRET, ForgeServer, showRestrictedMode } from './server';

type Task = 'ask' | 'review' | 'explain';

export async function askQuestion(): Promise<string | undefined> {
  const question = await vscode.window.showInputBox({
    title: 'Ask Forge',
    prompt: 'Your question about the selected code',
    placeHolder: 'What fails first under load here?',
    ignoreFocusOut: true,
    validateInput: (value) => (value.trim() ? undefined : 'Type a question, or press Escape'),
  });
  return question?.trim() || undefined;
}

/** The editor's selection, or for an empty one the current line (ask, explain) or the file. */
function target(task: Task): { editor: vscode.TextEditor; range: vscode.Range } | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showInformationMessage('Forge: open a file and select some code first.');
    return undefined;
  }
  if (!LANGUAGE_IDS.includes(editor.document.languageId)) {
    void vscode.window.showInformationMessage(
      `Forge works on Python, Go, Java, JavaScript, TypeScript, Rust and Kotlin files, not ` +
        `${editor.document.languageId}.`,
    );
    return undefined;
  }
  const selection = editor.selection;
  if (!selection.isEmpty) {
    return { editor, range: selection };
  }
  if (task === 'review') {
    const last = editor.document.lineAt(editor.document.lineCount - 1);
    return { editor, range: new vscode.Range(0, 0, last.lineNumber, last.text.length) };
  }
  return { editor, range: editor.document.lineAt(selection.active.line).range };
}

async function runTask(server: ForgeServer, task: Task): Promise<void> {
  if (!vscode.workspace.isTrusted) {
    return showRestrictedMode();
  }
  const chosen = target(task);
  if (!chosen) {
    return;
  }
  const args: unknown[] = [
    server.protocolUri(chosen.editor.document.uri),
    server.protocolRange(chosen.range),
  ];
  if (task === 'ask') {
    const question = await askQuestion();
    if (!question) {
      return;
    }
    args.push(question);
  }
  await server.execute(`forge.${task}`, args);
}

async function previewPayload(server: ForgeServer): Promise<void> {
  const pick = await vscode.window.showQuickPick(
    [
      { label: 'Review', task: 'review' as Task },
      { label: 'Ask', task: 'ask' as Task },
      { label: 'Explain', task: 'explain' as Task },
    ],
    { title: 'Forge: Preview Payload', placeHolder: 'Which task would send the selection?' },
  );
  const chosen = pick && target(pick.task);
  if (!pick || !chosen) {
    return;
  }
  await server.execute('forge.previewPayload', [
    server.protocolUri(chosen.editor.document.uri),
    server.protocolRange(chosen.range),
    pick.task,
  ]);
}

/** Forge: Review Changes: pick which change, then the server reviews it (it asks before sending). */
async function reviewChanges(server: ForgeServer): Promise<void> {
  if (!vscode.workspace.isTrusted) {
    return showRestrictedMode();
  }
  const pick = await vscode.window.showQuickPick(
    CHANGE_CHOICES.map((choice) => ({
      label: choice.label,
      detail: choice.detail,
      change: choice.kind,
    })),
    { title: 'Forge: Review Changes', placeHolder: 'Which change should Forge review?' },
  );
  if (!pick) {
    return;
  }
  let ref: string | undefined;
  if (pick.change === 'base') {
    ref = await vscode.window.showInputBox({
      title: 'Forge: Review Changes',
      prompt: 'Review everything since this branch, tag or commit',
      value: 'origin/main',
      ignoreFocusOut: true,
      validateInput: (value) => (value.trim() ? undefined : 'Name a branch, tag or commit'),
    });
    if (!ref?.trim()) {
      return;
    }
  }
  await server.execute('forge.reviewChanges', [reviewChangesArgument(pick.change, ref)]);
}

async function setApiKey(context: vscode.ExtensionContext, server: ForgeServer): Promise<void> {
  const key = await vscode.window.showInputBox({
    title: 'Forge: Set API Key',
    prompt:
      'Your Anthropic API key. It is kept in VS Code\'s secret storage and given to the Forge ' +
      'server through its environment only.',
    placeHolder: 'sk-ant-...',
    password: true,
    ignoreFocusOut: true,
    validateInput: (value) => (value.trim() ? undefined : 'Paste a key, or press Escape'),
  });
  if (!key?.trim()) {
    return;
  }
  await context.secrets.store(API_KEY_SECRET, key.trim());
  server.log.info('API key stored in SecretStorage');
  await server.keyChanged();
  void vscode.window.showInformationMessage(
    vscode.workspace.isTrusted
      ? 'Forge: API key saved; the server restarted with Claude on.'
      : 'Forge: API key saved. Claude stays off until you trust this workspace.',
  );
}

async function clearApiKey(context: vscode.ExtensionContext, server: ForgeServer): Promise<void> {
  await context.secrets.delete(API_KEY_SECRET);
  server.log.info('API key removed from SecretStorage');
  await server.keyChanged();
  void vscode.window.showInformationMessage(
    'Forge: API key removed; the server restarted with the rules only' +
      (process.env.ANTHROPIC_API_KEY ? ' (ANTHROPIC_API_KEY in the environment still applies).' : '.'),
  );
}

export function registerCommands(context: vscode.ExtensionContext, server: ForgeServer): void {
  const commands: Record<string, () => unknown> = {
    'forge.askSelection': () => runTask(server, 'ask'),
    'forge.reviewSelection': () => runTask(server, 'review'),
    'forge.explainSelection': () => runTask(server, 'explain'),
    'forge.previewSelectionPayload': () => previewPayload(server),
    'forge.reviewWorkspaceChanges': () => reviewChanges(server),
    'forge.usage': () => server.execute('forge.showUsage', []),
    'forge.setApiKey': () => setApiKey(context, server),
    'forge.clearApiKey': () => clearApiKey(context, server),
    'forge.restartServer': () => server.restart('Forge: Restart Server'),
    'forge.showLogs': () => server.log.show(),
  };
  for (const [id, run] of Object.entries(commands)) {
    context.subscriptions.push(vscode.commands.registerCommand(id, run));
  }
}
