/** The language status item: rules only, Claude (model), starting, or what went wrong. */
import * as vscode from 'vscode';
import { LANGUAGE_IDS } from './languages';
import { ClaudeState } from './settings';

export class Status implements vscode.Disposable {
  private readonly item: vscode.LanguageStatusItem;

  constructor() {
    this.item = vscode.languages.createLanguageStatusItem(
      'forge.status',
      LANGUAGE_IDS.map((language) => ({ language })),
    );
    this.item.name = 'Forge';
    this.item.command = { title: 'Show Logs', command: 'forge.showLogs' };
    this.starting();
  }

  starting(): void {
    this.item.text = 'Forge: starting';
    this.item.detail = undefined;
    this.item.busy = true;
    this.item.severity = vscode.LanguageStatusSeverity.Information;
  }

  ready(claude: ClaudeState): void {
    this.item.busy = false;
    this.item.text = claude.text;
    this.item.detail = claude.detail;
    this.item.severity = vscode.LanguageStatusSeverity.Information;
  }

  fail(message: string): void {
    this.item.busy = false;
    this.item.text = 'Forge: not running';
    this.item.detail = message;
    this.item.severity = vscode.LanguageStatusSeverity.Error;
  }

  dispose(): void {
    this.item.dispose();
  }
}
