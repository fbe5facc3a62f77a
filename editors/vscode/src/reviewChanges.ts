/**
 * Forge: Review Changes, the choices the quick pick offers and what the server is sent for each
 * (`forge.reviewChanges`, forge_lsp/lsp/features/review_changes.py). No `vscode` import:
 * unit-tested.
 */

export type ChangeKind = 'uncommitted' | 'staged' | 'base';

export interface ChangeChoice {
  kind: ChangeKind;
  label: string;
  detail: string;
}

export const CHANGE_CHOICES: readonly ChangeChoice[] = [
  {
    kind: 'uncommitted',
    label: 'Uncommitted changes',
    detail: 'The working tree against HEAD: staged and unstaged edits, and new files',
  },
  {
    kind: 'staged',
    label: 'Staged changes',
    detail: 'What the next commit holds, as staged',
  },
  {
    kind: 'base',
    label: 'Changes since a branch or commit...',
    detail: 'Everything since a revision, as a pull request would show it',
  },
];

/** The server command's one argument for a choice (`ref` only for `base`). */
export function reviewChangesArgument(
  kind: ChangeKind,
  ref?: string,
): Record<string, string | boolean> {
  if (kind === 'staged') {
    return { staged: true };
  }
  if (kind === 'base') {
    const revision = ref?.trim();
    if (!revision) {
      throw new Error('a branch, tag or commit is needed');
    }
    return { base: revision };
  }
  return {};
}
