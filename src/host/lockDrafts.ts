import * as path from 'node:path';
import * as vscode from 'vscode';
import { DraftStore } from '../core/drafts/draftStore';

/**
 * The host side of drafts (src/core/drafts/draftStore.ts): keeps what a person typed into a locked file and
 * offers it back, once, when no lock blocks the file any more: Compare opens the diff editor with the draft
 * on the left and the real file on the right (editable), so the person takes what they want with its arrows.
 */
export class LockDrafts {
  private readonly store: DraftStore;
  /** Files with a draft not yet offered back. */
  private readonly waiting = new Set<string>();

  constructor(
    private readonly root: string,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.store = new DraftStore(root);
    // Drafts kept before a reload are offered back too.
    for (const rel of this.store.list()) this.waiting.add(rel);
  }

  /** Keeps `text` as the draft of workspace path `rel`; returns the draft's workspace-relative name. */
  keep(rel: string, text: string): string | undefined {
    try {
      const file = this.store.write(rel, text);
      if (!file) {
        this.log.warn(`draft of ${rel} refused: the path or the drafts folder is not safe to write`);
        return undefined;
      }
      this.waiting.add(rel);
      this.log.info(`kept the text typed into locked ${rel} as a draft`);
      return path.relative(this.root, file).split(path.sep).join('/');
    } catch (e) {
      this.log.error(`could not keep a draft of ${rel}: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
  }

  has(rel: string): boolean {
    return this.store.has(rel);
  }

  draftUri(rel: string): vscode.Uri | undefined {
    const file = this.store.pathOf(rel);
    return file ? vscode.Uri.file(file) : undefined;
  }

  async openDraft(rel: string): Promise<void> {
    const uri = this.draftUri(rel);
    if (uri) await vscode.window.showTextDocument(uri, { preview: false });
  }

  /** Offers each waiting draft whose file `isFree` says is writable again. */
  offerFreed(isFree: (rel: string) => boolean): void {
    for (const rel of [...this.waiting]) {
      if (!isFree(rel)) continue;
      if (this.store.read(rel) === undefined) {
        this.waiting.delete(rel);
        continue;
      }
      this.waiting.delete(rel);
      void this.offer(rel);
    }
  }

  private async offer(rel: string): Promise<void> {
    const compare = vscode.l10n.t('Compare');
    const open = vscode.l10n.t('Open Draft');
    const discard = vscode.l10n.t('Discard Draft');
    const choice = await vscode.window.showInformationMessage(
      vscode.l10n.t('{0} is free again. The text you typed while it was locked is kept as a draft.', rel),
      compare,
      open,
      discard,
    );
    const draft = this.draftUri(rel);
    if (!draft) return;
    if (choice === compare) {
      const file = vscode.Uri.file(path.join(this.root, ...rel.split('/')));
      await vscode.commands.executeCommand(
        'vscode.diff',
        draft,
        file,
        vscode.l10n.t('{0}: your draft ↔ the file', path.posix.basename(rel)),
      );
    } else if (choice === open) await this.openDraft(rel);
    else if (choice === discard) {
      this.store.remove(rel);
      this.log.info(`draft of ${rel} discarded`);
    }
  }
}
