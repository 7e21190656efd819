import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { FmesConfig } from '../core/config';
import type { LockView, MissionState } from '../core/missions/missionState';
import { setContext } from './context';
import { age } from './views/missionTree';
import { workspacePathOf } from './workspacePaths';

export interface LockActions {
  showLock(lock: LockView): unknown;
  notifyWhenFree(path: string): unknown;
  forceUnlock(lock: LockView): unknown;
}

const READONLY = 'workbench.action.files.setActiveEditorReadonlyInSession';
const RESET = 'workbench.action.files.resetActiveEditorReadonlyInSession';

/**
 * Makes files locked by someone else read-only in the editor, without writing any settings file.
 *
 * 1. When a locked file's editor is active, it is marked read-only for this session (VS Code's own
 *    "read-only in session" state, per file: typing, pasting and saving are refused with the editor's lock
 *    icon). The mark is reset when the lock goes.
 * 2. An edit that reaches a locked document anyway (an extension's workspace edit on a background tab) is
 *    undone at once; a reload from disk (the agent writing) is not an edit and is kept.
 * 3. A save of a locked document writes the disk's current content back, so the file on disk never changes;
 *    the person's text is kept for them to open.
 * Each first encounter with a lock shows a warning naming the agent and its intent, with Show Lock, Notify
 * When Free and Force Unlock.
 */
export class LockGuard implements vscode.Disposable {
  private readonly marked = new Set<string>();
  private readonly warned = new Map<string, string>();
  /** Text of each locked open document as last accepted (open, or reloaded from disk). */
  private readonly accepted = new Map<string, string>();
  private readonly kept = new Map<string, string>();
  private restoring = 0;
  private readonly subs: { dispose(): void }[] = [];

  constructor(
    private readonly state: MissionState,
    private readonly root: string,
    private readonly me: () => string,
    private readonly config: () => FmesConfig,
    private readonly actions: LockActions,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subs.push(
      vscode.window.onDidChangeActiveTextEditor((e) => void this.syncActive(e)),
      state.onDidChange(() => this.onLocksChanged()),
      vscode.workspace.onDidChangeTextDocument((e) => void this.onChange(e)),
      vscode.workspace.onWillSaveTextDocument((e) => this.onWillSave(e)),
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

  private async onChange(e: vscode.TextDocumentChangeEvent): Promise<void> {
    if (this.restoring > 0 || e.contentChanges.length === 0) return;
    const key = e.document.uri.toString();
    const blockers = this.blockers(e.document.uri);
    if (blockers.length === 0) return;
    // Not dirty after the change: VS Code reloaded the file from disk (the agent wrote it). Accept it.
    if (!e.document.isDirty) {
      this.accepted.set(key, e.document.getText());
      return;
    }
    const accepted = this.accepted.get(key);
    if (accepted === undefined || accepted === e.document.getText()) return;
    this.kept.set(key, e.document.getText());
    this.restoring++;
    try {
      const edit = new vscode.WorkspaceEdit();
      edit.replace(e.document.uri, fullRange(e.document), accepted);
      await vscode.workspace.applyEdit(edit);
    } finally {
      this.restoring--;
    }
    this.log.warn(`undid an edit to locked ${e.document.uri.fsPath}`);
    this.warnOnce(e.document.uri, blockers[0], 'edit', true);
  }

  private onWillSave(e: vscode.TextDocumentWillSaveEvent): void {
    const blockers = this.blockers(e.document.uri);
    if (blockers.length === 0) return;
    const key = e.document.uri.toString();
    let disk: string;
    try {
      disk = fs.readFileSync(e.document.uri.fsPath, 'utf8');
    } catch {
      return; // a new file the agent has not written yet: nothing on disk to protect
    }
    if (disk === e.document.getText()) return;
    this.kept.set(key, e.document.getText());
    e.waitUntil(Promise.resolve([vscode.TextEdit.replace(fullRange(e.document), disk)]));
    this.log.warn(`save of locked ${e.document.uri.fsPath} kept the file on disk unchanged`);
    this.warnOnce(e.document.uri, blockers[0], 'save', true);
  }

  private warnOnce(uri: vscode.Uri, lock: LockView, why: 'opened' | 'edit' | 'save', always = false): void {
    const key = uri.toString();
    const seen = `${lock.file}:${lock.token ?? ''}`;
    if (!always && this.warned.get(key) === seen) return;
    this.warned.set(key, seen);
    const p = workspacePathOf(this.root, uri) ?? uri.fsPath;
    const who = lock.agent ?? 'an unknown agent';
    const what = lock.intent ? ` (${lock.intent})` : '';
    const since = lock.acquiredAt ? ` for ${age(lock.acquiredAt)}` : '';
    const head = why === 'save' ? `Not saved: ${p} is locked` : why === 'edit' ? `Edit undone: ${p} is locked` : `${p} is locked`;
    const keep = this.kept.has(key) ? ['Open My Text'] : [];
    void vscode.window.showWarningMessage(`${head} by ${who}${what}${since}${lock.path !== p ? ` (folder ${lock.path})` : ''}. It is read-only until released.`, 'Show Lock', 'Notify When Free', 'Force Unlock', ...keep).then(async (choice) => {
      if (choice === 'Show Lock') await this.actions.showLock(lock);
      else if (choice === 'Notify When Free') await this.actions.notifyWhenFree(p);
      else if (choice === 'Force Unlock') await this.actions.forceUnlock(lock);
      else if (choice === 'Open My Text') {
        const doc = await vscode.workspace.openTextDocument({ content: this.kept.get(key) ?? '', language: (await vscode.workspace.openTextDocument(uri)).languageId });
        await vscode.window.showTextDocument(doc, { preview: false });
      }
    });
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
  }
}

function fullRange(doc: vscode.TextDocument): vscode.Range {
  return new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length));
}
