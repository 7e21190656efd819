import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Core } from '../../core/createCore';
import { LockError, TrustError } from '../../core/errors';
import { describeHolder, type Holder } from '../../hot/locks/holders';
import type { LockView, WorkspaceModel } from '../../core/model/workspaceModel';
import { Commands } from '../../shared/ids';
import type { HeldLocks } from '../heldLocks';
import { age } from '../views/missionTree';
import { workspacePathOf } from '../workspacePaths';
import { registerCommand } from './registerCommand';

export interface LockCommandDeps {
  core: Core;
  state: WorkspaceModel;
  held: HeldLocks;
  log: vscode.LogOutputChannel;
  me: () => string;
  trusted: () => boolean;
}

/** Lock commands: Acquire, Release, Force Unlock, Lock for Me, Show Lock, Notify When Free. */
export class LockCommands implements vscode.Disposable {
  private readonly waiting = new Set<string>();
  private readonly subs: vscode.Disposable[] = [];

  constructor(private readonly d: LockCommandDeps) {
    const reg = (id: Parameters<typeof registerCommand>[0], fn: (...a: never[]) => unknown) =>
      this.subs.push(registerCommand(id, d.log, fn));
    reg(Commands.acquireLock, (uri?: vscode.Uri) => this.acquire(uri, false));
    reg(Commands.lockForMe, (uri?: vscode.Uri, all?: vscode.Uri[]) => this.lockForMe(uri, all));
    reg(Commands.releaseLock, (arg?: vscode.Uri | { lock: LockView } | LockView) => this.release(arg));
    reg(Commands.forceUnlock, (arg?: vscode.Uri | { lock: LockView } | LockView) => this.forceUnlock(arg));
    reg(Commands.showLock, (arg?: vscode.Uri | { lock: LockView } | LockView) => this.showLock(arg));
    reg(Commands.notifyWhenFree, (arg?: vscode.Uri | string | { lock: LockView } | LockView) =>
      this.notifyWhenFree(arg),
    );
    const sub = d.state.onDidChange(() => this.checkWaiting());
    this.subs.push({ dispose: () => sub.dispose() });
  }

  private requireTrust(action: string): void {
    if (!this.d.trusted()) throw new TrustError(action);
  }

  /** Acquire Lock: a file or folder (argument, active editor, or a picker), with an intent. */
  async acquire(uri: vscode.Uri | undefined, quick: boolean): Promise<string | undefined> {
    this.requireTrust('Locking');
    const target = uri ?? vscode.window.activeTextEditor?.document.uri ?? (await this.pickTarget());
    if (!target) return undefined;
    // Locks are on paths in the workspace: an unsaved buffer has none yet, a file elsewhere is no agent's business.
    if (target.scheme !== 'file') {
      void vscode.window.showWarningMessage(
        target.scheme === 'untitled'
          ? 'F-MES: an unsaved editor has no path to lock yet: save it in the workspace first.'
          : `F-MES: only files on disk can be locked, not ${target.toString(true)}.`,
      );
      return undefined;
    }
    const rel = path.relative(this.d.core.root, target.fsPath);
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) {
      void vscode.window.showWarningMessage(
        `F-MES: ${target.fsPath} is ${rel === '' ? 'the workspace itself' : 'outside the workspace'} (${this.d.core.root}): lock a file or folder inside it.`,
      );
      return undefined;
    }
    const p = this.d.core.paths.normalize(target.fsPath);
    const intent = quick
      ? `edited by ${this.d.me()} in the editor`
      : await vscode.window.showInputBox({
          title: `Lock ${p}`,
          prompt: 'What are you about to do? (shown to agents and people)',
          value: 'editing by hand',
        });
    if (intent === undefined) return undefined;
    try {
      const h = await this.d.held.acquire(p, this.d.me(), intent);
      this.d.log.info(`locked ${h.path} for ${this.d.me()}`);
      void vscode.window.setStatusBarMessage(`$(lock) Locked ${h.path}`, 3000);
      return h.path;
    } catch (e) {
      if (!LockError.is(e, 'held')) throw e;
      const holders = (e.details?.holders ?? []) as Holder[];
      const choice = await vscode.window.showWarningMessage(
        `${p} is locked: ${holders.map(describeHolder).join('; ')}`,
        'Notify When Free',
      );
      if (choice) this.watchFor(p);
      return undefined;
    }
  }

  private async lockForMe(uri: vscode.Uri | undefined, all: vscode.Uri[] | undefined): Promise<void> {
    const targets = all && all.length > 0 ? all : [uri];
    for (const t of targets) await this.acquire(t, true);
  }

  async release(arg: vscode.Uri | { lock: LockView } | LockView | undefined): Promise<void> {
    this.requireTrust('Releasing a lock');
    let p = this.pathOf(arg);
    if (p === undefined) {
      const mine = this.d.state.lockViews.filter((l) => l.agent === this.d.me());
      const pick = await vscode.window.showQuickPick(
        mine.map((l) => ({ label: l.path, description: l.intent })),
        { title: 'Release which lock?', placeHolder: mine.length ? undefined : 'You hold no locks' },
      );
      p = pick?.label;
    }
    if (p === undefined) return;
    // The editor's own locks by their lease; any other of this person's on the workspace's backend (Redis too).
    if (!this.d.held.release(p)) await this.d.core.lockBackend.release(p, { agent: this.d.me() });
    void vscode.window.setStatusBarMessage(`$(unlock) Released ${p}`, 3000);
  }

  async forceUnlock(arg: vscode.Uri | { lock: LockView } | LockView | undefined): Promise<boolean> {
    this.requireTrust('Force unlock');
    let lock = this.lockOf(arg);
    if (!lock) {
      const pick = await vscode.window.showQuickPick(
        this.d.state.lockViews.map((l) => ({
          label: l.path,
          description: `${l.agent ?? '?'} · ${l.intent ?? ''}`,
          lock: l,
        })),
        { title: 'Force unlock which lock?' },
      );
      lock = pick?.lock;
    }
    if (!lock) return false;
    const holder = lock.agent ?? 'an unknown holder';
    const ok = await vscode.window.showWarningMessage(
      `Force unlock ${lock.path}?`,
      {
        modal: true,
        detail: `${holder}${lock.intent ? ` is working on: ${lock.intent}` : ' holds it'}${lock.acquiredAt ? ` (for ${age(lock.acquiredAt)})` : ''}. Its work may then conflict with yours. The break is recorded ${this.d.core.lockBackend.kind === 'file' ? 'in .locks/.broken/breaks.jsonl' : `on ${this.d.core.lockBackend.where}`}.`,
      },
      'Force Unlock',
    );
    if (ok !== 'Force Unlock') return false;
    const reason = await vscode.window.showInputBox({
      title: `Why unlock ${lock.path}?`,
      value: `forced from the editor by ${this.d.me()}`,
    });
    if (reason === undefined) return false;
    const rec = await this.d.core.lockBackend.forceBreak(lock.path, { by: this.d.me(), reason });
    this.d.log.warn(`force-unlocked ${lock.path} (held by ${holder}): ${reason}; kept as ${rec.archivedAs}`);
    void vscode.window.showInformationMessage(`Unlocked ${lock.path}. The break was recorded.`);
    return true;
  }

  async showLock(arg: vscode.Uri | { lock: LockView } | LockView | undefined): Promise<void> {
    const lock = this.lockOf(arg);
    if (!lock) {
      const p = this.pathOf(arg);
      void vscode.window.showInformationMessage(
        p === undefined ? 'F-MES: no file is open to look up a lock for.' : `F-MES: no lock covers ${p}.`,
      );
      return;
    }
    await vscode.commands.executeCommand(Commands.showMissionPanel);
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(lock.file));
    await vscode.window.showTextDocument(doc, { preview: true, preserveFocus: false });
  }

  notifyWhenFree(arg: vscode.Uri | string | { lock: LockView } | LockView | undefined): void {
    const p = typeof arg === 'string' ? arg : this.pathOf(arg);
    if (p === undefined) return;
    this.watchFor(p);
    void vscode.window.setStatusBarMessage(`$(bell) F-MES will tell you when ${p} is free`, 3000);
  }

  /** Paths someone asked to hear about, for tests. */
  get waitingFor(): string[] {
    return [...this.waiting];
  }

  private watchFor(p: string): void {
    this.waiting.add(p);
    this.checkWaiting();
  }

  private checkWaiting(): void {
    for (const p of [...this.waiting]) {
      if (this.d.state.blockersOf(p, this.d.me()).length > 0) continue;
      this.waiting.delete(p);
      void vscode.window.showInformationMessage(`${p} is free now.`, 'Open', 'Lock for Me').then(async (c) => {
        const uri = vscode.Uri.file(path.join(this.d.core.root, p));
        if (c === 'Open') await vscode.commands.executeCommand('vscode.open', uri);
        if (c === 'Lock for Me') await this.acquire(uri, true);
      });
    }
  }

  private pathOf(arg: vscode.Uri | { lock: LockView } | LockView | undefined): string | undefined {
    if (!arg)
      return vscode.window.activeTextEditor
        ? workspacePathOf(this.d.core.root, vscode.window.activeTextEditor.document.uri)
        : undefined;
    if (arg instanceof vscode.Uri) return workspacePathOf(this.d.core.root, arg);
    return 'lock' in arg ? arg.lock.path : arg.path;
  }

  private lockOf(arg: vscode.Uri | { lock: LockView } | LockView | undefined): LockView | undefined {
    if (arg && !(arg instanceof vscode.Uri)) return 'lock' in arg ? arg.lock : arg;
    const p = this.pathOf(arg);
    if (p === undefined) return undefined;
    const touching = this.d.state.locksTouching(p);
    return touching.find((l) => l.path === p) ?? touching.find((l) => l.agent !== this.d.me()) ?? touching[0];
  }

  private async pickTarget(): Promise<vscode.Uri | undefined> {
    const picked = await vscode.window.showOpenDialog({
      defaultUri: vscode.Uri.file(this.d.core.root),
      canSelectFiles: true,
      canSelectFolders: true,
      canSelectMany: false,
      openLabel: 'Lock',
    });
    return picked?.[0];
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
  }
}
