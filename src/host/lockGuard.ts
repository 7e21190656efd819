import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { FmesConfig } from '../core/config';
import { writeFileAtomicSync } from '../core/fs/atomicWrite';
import type { LockView, WorkspaceModel } from '../core/model/workspaceModel';
import { setContext } from './context';
import { LockDrafts } from './lockDrafts';
import { age } from './views/missionTree';
import { workspacePathOf } from './workspacePaths';

export interface LockActions {
  showLock(lock: LockView): unknown;
  notifyWhenFree(path: string): unknown;
  forceUnlock(lock: LockView): unknown;
}

const READONLY = 'workbench.action.files.setActiveEditorReadonlyInSession';
const RESET = 'workbench.action.files.resetActiveEditorReadonlyInSession';
const REVERT = 'workbench.action.files.revert';

/**
 * Makes files locked by someone else read-only in the editor, without writing any settings file.
 *
 * 1. When a locked file's editor is active, it is marked read-only for this session (VS Code's own
 *    "read-only in session" state, per file: typing, pasting and saving are refused with the editor's lock
 *    icon). The mark is reset when the lock goes.
 * 2. An edit that reaches a locked document anyway (an extension's workspace edit on a background tab)
 *    cannot be refused by any API; it is warned about and kept off the disk by 3. A reload from disk (the
 *    agent writing) is not an edit and becomes the accepted text.
 * 3. A save of a locked document writes the disk's current content back, so the file on disk never changes;
 *    the person's text is kept for them to open. Saves that skip save participants (VS Code saves files a
 *    refactoring changed without an open editor) are put back right after: the accepted text is written
 *    again, atomically, but only if the file still holds what the editor saved.
 * 4. VS Code's "set writeable" on a locked file's editor (the lock icon's link, or File: Set Active Editor
 *    Writeable in Session) is refused, not recorded as an override: the lock is the agent's promise that
 *    nobody else writes the file, and an override nobody else sees would break it silently. The first edit
 *    after the toggle makes the editor read-only again, keeps the typed text as a draft named after the file
 *    (.fmes/drafts/<path>), puts the buffer back to the disk's text and says why. Force Unlock is the
 *    recorded way to take a file from an agent.
 * 5. Typed text is never dropped: every refused edit or save is kept as a draft (src/host/lockDrafts.ts),
 *    offered back (Compare / Open Draft / Discard Draft) when the lock frees.
 * Each first encounter with a lock shows a warning naming the agent and its intent, with at most three short
 * buttons (a fourth would be cut off in the notification).
 */
export class LockGuard implements vscode.Disposable {
  private readonly marked = new Set<string>();
  private readonly warned = new Map<string, string>();
  /** Text of each locked open document as last accepted (open, or reloaded from disk). */
  private readonly accepted = new Map<string, string>();
  private readonly kept = new Map<string, string>();
  private readonly pendingAccept = new Map<string, NodeJS.Timeout>();
  private readonly subs: { dispose(): void }[] = [];
  private readonly drafts: LockDrafts;
  /** Documents whose "set writeable" is being undone now: their further edits are part of the same refusal. */
  private readonly refusing = new Set<string>();

  constructor(
    private readonly state: WorkspaceModel,
    private readonly root: string,
    private readonly me: () => string,
    private readonly config: () => FmesConfig,
    private readonly actions: LockActions,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.drafts = new LockDrafts(root, log);
    this.subs.push(
      vscode.window.onDidChangeActiveTextEditor((e) => void this.syncActive(e)),
      state.onDidChange(() => this.onLocksChanged()),
      vscode.workspace.onDidChangeTextDocument((e) => this.onChange(e)),
      vscode.workspace.onWillSaveTextDocument((e) => this.onWillSave(e)),
      vscode.workspace.onDidSaveTextDocument((d) => this.onDidSave(d)),
      vscode.workspace.onDidCloseTextDocument((d) => this.accepted.delete(d.uri.toString())),
    );
    this.onLocksChanged();
  }

  /** The locks that make `uri` unwritable for this person. */
  blockers(uri: vscode.Uri): LockView[] {
    if (!this.config().readOnlyLockedFiles) return [];
    const p = workspacePathOf(this.root, uri);
    return p === undefined ? [] : this.state.blockersOf(p, this.me());
  }

  /** True when the active editor's file is marked read-only by the guard. */
  isMarked(uri: vscode.Uri): boolean {
    return this.marked.has(uri.toString());
  }

  private onLocksChanged(): void {
    for (const doc of vscode.workspace.textDocuments) {
      const key = doc.uri.toString();
      if (this.blockers(doc.uri).length > 0) {
        if (!this.accepted.has(key)) this.accepted.set(key, doc.getText());
      } else this.accepted.delete(key);
    }
    void this.syncActive(vscode.window.activeTextEditor);
    this.drafts.offerFreed(
      (rel) => this.blockers(vscode.Uri.file(path.join(this.root, ...rel.split('/')))).length === 0,
    );
  }

  private async syncActive(editor: vscode.TextEditor | undefined): Promise<void> {
    if (!editor || editor.document.uri.scheme !== 'file') {
      void setContext('fmes:activeFileLocked', false);
      return;
    }
    const uri = editor.document.uri;
    const key = uri.toString();
    const blockers = this.blockers(uri);
    void setContext('fmes:activeFileLocked', blockers.length > 0);
    // The commands act on the active editor: only run them while it is still this one.
    if (blockers.length > 0 && !this.marked.has(key)) {
      if (vscode.window.activeTextEditor !== editor) return;
      await vscode.commands.executeCommand(READONLY);
      this.marked.add(key);
      if (!this.accepted.has(key)) this.accepted.set(key, editor.document.getText());
      this.log.info(`read-only: ${uri.fsPath} (locked by ${blockers[0].agent ?? 'unknown'})`);
    } else if (blockers.length === 0 && this.marked.has(key)) {
      if (vscode.window.activeTextEditor !== editor) return;
      await vscode.commands.executeCommand(RESET);
      this.marked.delete(key);
      this.log.info(`writable again: ${uri.fsPath}`);
    }
    if (blockers.length > 0) this.warnOnce(uri, blockers[0], 'opened');
  }

  private onChange(e: vscode.TextDocumentChangeEvent): void {
    if (e.contentChanges.length === 0) return;
    const blockers = this.blockers(e.document.uri);
    if (blockers.length === 0) return;
    // Not dirty after the change: VS Code reloaded the file from disk (the agent wrote it), or the editor
    // itself saved an edit (a refactoring's auto-save). Decide a moment later, when any save event has come:
    // a reload is accepted only if no save of ours intervened and the document matches the disk.
    if (!e.document.isDirty) {
      this.acceptLater(e.document);
      return;
    }
    const key = e.document.uri.toString();
    const editor = vscode.window.activeTextEditor;
    if (this.refusing.has(key)) return;
    // Typing in an editor the guard made read-only: the person used "set writeable". Refuse it.
    if (this.marked.has(key) && editor?.document === e.document) {
      void this.refuseWritable(editor, blockers[0]);
      return;
    }
    // An edit reached a locked document that has no read-only editor (a refactoring's workspace edit). It
    // cannot be refused here; the save guards below keep it off the disk. Say so once.
    this.warnOnce(e.document.uri, blockers[0], 'edit');
  }

  /**
   * Undoes VS Code's "set writeable" on a locked file: read-only first (no more keystrokes land), then the
   * text as it is now is kept as a draft, then the buffer goes back to the disk's text.
   */
  private async refuseWritable(editor: vscode.TextEditor, lock: LockView): Promise<void> {
    const doc = editor.document;
    const key = doc.uri.toString();
    this.refusing.add(key);
    try {
      if (vscode.window.activeTextEditor?.document === doc) await vscode.commands.executeCommand(READONLY);
      const rel = workspacePathOf(this.root, doc.uri);
      const text = doc.getText();
      const draft = rel !== undefined && text !== this.accepted.get(key) ? this.drafts.keep(rel, text) : undefined;
      if (draft) this.kept.set(key, text);
      // Revert only what the draft holds: without a draft the text stays in the (read-only) buffer.
      if (draft && doc.isDirty && vscode.window.activeTextEditor?.document === doc)
        await vscode.commands.executeCommand(REVERT);
      this.log.warn(
        `refused "set writeable" on ${doc.uri.fsPath}: locked by ${lock.agent ?? 'unknown'}${draft ? `; text kept in ${draft}` : ''}`,
      );
      this.warnOnce(doc.uri, lock, 'writable', true, draft);
    } finally {
      this.refusing.delete(key);
    }
  }

  private onWillSave(e: vscode.TextDocumentWillSaveEvent): void {
    const blockers = this.blockers(e.document.uri);
    if (blockers.length === 0) return;
    let disk: string;
    try {
      disk = fs.readFileSync(e.document.uri.fsPath, 'utf8');
    } catch {
      return; // a new file the agent has not written yet: nothing on disk to protect
    }
    if (disk === e.document.getText()) return;
    this.keep(e.document);
    e.waitUntil(Promise.resolve([vscode.TextEdit.replace(fullRange(e.document), disk)]));
    this.log.warn(`save of locked ${e.document.uri.fsPath} kept the file on disk unchanged`);
    this.warnOnce(e.document.uri, blockers[0], 'save', true);
  }

  private acceptLater(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    clearTimeout(this.pendingAccept.get(key));
    const t = setTimeout(() => {
      this.pendingAccept.delete(key);
      if (doc.isClosed || doc.isDirty) return;
      let disk: string;
      try {
        disk = fs.readFileSync(doc.uri.fsPath, 'utf8');
      } catch {
        return;
      }
      if (disk === doc.getText()) this.accepted.set(key, disk);
    }, 250);
    this.pendingAccept.set(key, t);
  }

  private onDidSave(doc: vscode.TextDocument): void {
    const blockers = this.blockers(doc.uri);
    if (blockers.length === 0) return;
    const key = doc.uri.toString();
    clearTimeout(this.pendingAccept.get(key));
    this.pendingAccept.delete(key);
    const accepted = this.accepted.get(key);
    const saved = doc.getText();
    if (accepted === undefined || accepted === saved) return;
    let disk: string;
    try {
      disk = fs.readFileSync(doc.uri.fsPath, 'utf8');
    } catch {
      return;
    }
    if (disk !== saved) return; // someone (the agent) wrote since: theirs stands
    this.keep(doc);
    writeFileAtomicSync(doc.uri.fsPath, accepted);
    this.log.warn(`put back ${doc.uri.fsPath}: it was saved while locked by ${blockers[0].agent ?? 'unknown'}`);
    this.warnOnce(doc.uri, blockers[0], 'save', true);
  }

  /** Keeps a refused document's text: in memory for Open Draft, and on disk as the file's draft. */
  private keep(doc: vscode.TextDocument): string | undefined {
    const text = doc.getText();
    this.kept.set(doc.uri.toString(), text);
    const rel = workspacePathOf(this.root, doc.uri);
    return rel === undefined ? undefined : this.drafts.keep(rel, text);
  }

  private warnOnce(
    uri: vscode.Uri,
    lock: LockView,
    why: 'opened' | 'edit' | 'save' | 'writable',
    always = false,
    draft?: string,
  ): void {
    const key = uri.toString();
    const seen = `${lock.file}:${lock.token ?? ''}`;
    if (!always && this.warned.get(key) === seen) return;
    this.warned.set(key, seen);
    const p = workspacePathOf(this.root, uri) ?? uri.fsPath;
    const who = lock.agent ?? 'an unknown agent';
    const what = lock.intent ? ` (${lock.intent})` : '';
    const since = lock.acquiredAt ? ` for ${age(lock.acquiredAt)}` : '';
    const folder = lock.path !== p ? ` (folder ${lock.path})` : '';
    const message =
      why === 'writable'
        ? vscode.l10n.t(
            '{0} is locked by {1}{2}: F-MES made it read-only again.{3}',
            p,
            who,
            what,
            draft ? vscode.l10n.t(' Your text is kept in {0} and offered back when the lock is released.', draft) : '',
          )
        : `${
            why === 'save'
              ? `Not saved: ${p} is locked`
              : why === 'edit'
                ? `${p} was edited but is locked; the change will not be saved`
                : `${p} is locked`
          } by ${who}${what}${since}${folder}. It is read-only until released.`;
    // At most three buttons: a fourth is cut off in the notification. With a draft, Open Draft replaces
    // Force Unlock (which stays one click away under Show Lock).
    const hasDraft = this.kept.has(key);
    const showLock = vscode.l10n.t('Show Lock');
    const notify = vscode.l10n.t('Notify When Free');
    const force = vscode.l10n.t('Force Unlock');
    const openDraft = vscode.l10n.t('Open Draft');
    const buttons = hasDraft ? [openDraft, showLock, notify] : [showLock, notify, force];
    void vscode.window.showWarningMessage(message, ...buttons).then(async (choice) => {
      if (choice === showLock) await this.actions.showLock(lock);
      else if (choice === notify) await this.actions.notifyWhenFree(p);
      else if (choice === force) await this.actions.forceUnlock(lock);
      else if (choice === openDraft) {
        const rel = workspacePathOf(this.root, uri);
        if (rel !== undefined && this.drafts.has(rel)) return this.drafts.openDraft(rel);
        const doc = await vscode.workspace.openTextDocument({
          content: this.kept.get(key) ?? '',
          language: (await vscode.workspace.openTextDocument(uri)).languageId,
        });
        await vscode.window.showTextDocument(doc, { preview: false });
      }
    });
  }

  dispose(): void {
    for (const t of this.pendingAccept.values()) clearTimeout(t);
    for (const s of this.subs) s.dispose();
  }
}

function fullRange(doc: vscode.TextDocument): vscode.Range {
  return new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length));
}
