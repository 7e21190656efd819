import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Core } from '../../core/createCore';
import { LockError, TrustError } from '../../core/errors';
import { describeHolder, type Holder } from '../../hot/locks/holders';
import type { LockLease } from '../../hot/locks/lockBackend';
import type { LockView, WorkspaceModel } from '../../core/model/workspaceModel';
import { Commands } from '../../shared/ids';
import type { HeldLocks } from '../heldLocks';
import { age } from '../views/missionTree';
import { workspacePathOf } from '../workspacePaths';
import { lockedText, notReleasedText, releasedText } from '../lockFeedbackText';
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

  /**
   * Acquire Lock: a file or folder (argument, active editor, or a picker), with an intent. Says what it locked
   * (a notification with Release and Show Lock) unless `announce` is false (Lock for Me on several files says
   * it once for all).
   */
  async acquire(uri: vscode.Uri | undefined, quick: boolean, announce = true): Promise<string | undefined> {
    const lease = await this.acquireLease(uri, quick);
    if (lease && announce) this.announceLocked([lease.path], ttlOf(lease));
    return lease?.path;
  }

  private async acquireLease(uri: vscode.Uri | undefined, quick: boolean): Promise<LockLease | undefined> {
    this.requireTrust('Locking');
    const target = uri ?? vscode.window.activeTextEditor?.document.uri ?? (await this.pickTarget());
    if (!target) return undefined;
    // Locks are on paths in the workspace: an unsaved buffer has none yet, a file elsewhere is no agent's business.
    if (target.scheme !== 'file') {
      this.warn(
        target.scheme === 'untitled'
          ? vscode.l10n.t('F-MES: an unsaved editor has no path to lock yet: save it in the workspace first.')
          : vscode.l10n.t('F-MES: only files on disk can be locked, not {0}.', target.toString(true)),
      );
      return undefined;
    }
    const rel = path.relative(this.d.core.root, target.fsPath);
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) {
      this.warn(
        rel === ''
          ? vscode.l10n.t(
              'F-MES: {0} is the workspace itself ({1}): lock a file or folder inside it.',
              target.fsPath,
              this.d.core.root,
            )
          : vscode.l10n.t(
              'F-MES: {0} is outside the workspace ({1}): lock a file or folder inside it.',
              target.fsPath,
              this.d.core.root,
            ),
      );
      return undefined;
    }
    const p = this.d.core.paths.normalize(target.fsPath);
    const intent = quick
      ? `edited by ${this.d.me()} in the editor`
      : await vscode.window.showInputBox({
          title: vscode.l10n.t('Lock {0}', p),
          prompt: vscode.l10n.t('What are you about to do? (shown to agents and people)'),
          value: 'editing by hand',
        });
    if (intent === undefined) return undefined;
    try {
      const h = await this.d.held.acquire(p, this.d.me(), intent);
      this.d.log.info(`locked ${h.path} for ${this.d.me()}`);
      return h;
    } catch (e) {
      if (!LockError.is(e, 'held')) throw e;
      const holders = (e.details?.holders ?? []) as Holder[];
      const notify = vscode.l10n.t('Notify When Free');
      const show = vscode.l10n.t('Show Lock');
      const text = vscode.l10n.t('{0} is locked: {1}', p, holders.map((h) => describeHolder(h, uiLocale())).join('; '));
      this.said(text);
      // Not awaited: the command ends now; the buttons act whenever the person clicks.
      void vscode.window.showWarningMessage(text, notify, show).then((c) => {
        if (c === notify) this.watchFor(p);
        if (c === show) void this.showLock(target);
      });
      return undefined;
    }
  }

  private async lockForMe(uri: vscode.Uri | undefined, all: vscode.Uri[] | undefined): Promise<void> {
    const targets = all && all.length > 0 ? all : [uri];
    const taken: LockLease[] = [];
    for (const t of targets) {
      const lease = await this.acquireLease(t, true);
      if (lease) taken.push(lease);
    }
    if (taken.length)
      this.announceLocked(
        taken.map((l) => l.path),
        ttlOf(taken[0]),
      );
  }

  private announceLocked(paths: string[], ttlMs: number): void {
    const text = lockedText(paths, this.d.me(), ttlMs, vscode.l10n);
    this.said(text);
    const release = vscode.l10n.t('Release');
    const show = vscode.l10n.t('Show Lock');
    const buttons = paths.length === 1 ? [release, show] : [release];
    void vscode.window.showInformationMessage(text, ...buttons).then(async (c) => {
      if (c === release) for (const p of paths) await this.release(p);
      if (c === show) await this.showLock(vscode.Uri.file(path.join(this.d.core.root, paths[0])));
    });
  }

  /** The last message a lock command showed (notifications cannot be read back through the API), for tests. */
  lastMessage: string | undefined;

  private said(text: string): void {
    this.lastMessage = text;
    this.d.log.info(text);
  }

  private warn(text: string): void {
    this.said(text);
    void vscode.window.showWarningMessage(text);
  }

  async release(arg: vscode.Uri | { lock: LockView } | LockView | string | undefined): Promise<void> {
    this.requireTrust('Releasing a lock');
    let p = typeof arg === 'string' ? arg : this.pathOf(arg);
    if (p === undefined) {
      const mine = this.d.state.lockViews.filter((l) => l.agent === this.d.me());
      const pick = await vscode.window.showQuickPick(
        mine.map((l) => ({ label: l.path, description: l.intent })),
        {
          title: vscode.l10n.t('Release which lock?'),
          placeHolder: mine.length ? undefined : vscode.l10n.t('You hold no locks'),
        },
      );
      p = pick?.label;
    }
    if (p === undefined) return;
    const me = this.d.me();
    // The editor's own locks by their lease; any other of this person's on the workspace's backend (Redis too).
    if (!this.d.held.release(p))
      try {
        await this.d.core.lockBackend.release(p, { agent: me });
      } catch (e) {
        if (!LockError.is(e, 'notHeld') && !LockError.is(e, 'notHolder')) throw e;
        const lock = this.d.state.locksTouching(p).find((l) => l.path === p);
        const text = notReleasedText(p, me, LockError.is(e, 'notHeld') ? undefined : (lock?.agent ?? '?'), vscode.l10n);
        this.said(text);
        if (LockError.is(e, 'notHeld')) void vscode.window.showInformationMessage(text);
        else {
          const show = vscode.l10n.t('Show Lock');
          const force = vscode.l10n.t('Force Unlock');
          void vscode.window.showWarningMessage(text, show, force).then(async (c) => {
            if (c === show && lock) await this.showLock(lock);
            if (c === force && lock) await this.forceUnlock(lock);
          });
        }
        return;
      }
    const text = releasedText(p, me, vscode.l10n);
    this.said(text);
    const again = vscode.l10n.t('Lock Again');
    const freed = p;
    void vscode.window.showInformationMessage(text, again).then(async (c) => {
      if (c === again) await this.acquire(vscode.Uri.file(path.join(this.d.core.root, freed)), true);
    });
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
        { title: vscode.l10n.t('Force unlock which lock?') },
      );
      lock = pick?.lock;
    }
    if (!lock) return false;
    const holder = lock.agent ?? vscode.l10n.t('an unknown holder');
    const force = vscode.l10n.t('Force Unlock');
    const who = lock.intent
      ? vscode.l10n.t('{0} is working on: {1}', holder, lock.intent)
      : vscode.l10n.t('{0} holds it', holder);
    const since = lock.acquiredAt ? ' ' + vscode.l10n.t('(for {0})', age(lock.acquiredAt)) : '';
    const ok = await vscode.window.showWarningMessage(
      vscode.l10n.t('Force unlock {0}?', lock.path),
      {
        modal: true,
        detail: `${who}${since}. ${
          this.d.core.lockBackend.kind === 'file'
            ? vscode.l10n.t(
                'Its work may then conflict with yours. The break is recorded in .locks/.broken/breaks.jsonl.',
              )
            : vscode.l10n.t(
                'Its work may then conflict with yours. The break is recorded on {0}.',
                this.d.core.lockBackend.where,
              )
        }`,
      },
      force,
    );
    if (ok !== force) return false;
    const reason = await vscode.window.showInputBox({
      title: vscode.l10n.t('Why unlock {0}?', lock.path),
      value: `forced from the editor by ${this.d.me()}`,
    });
    if (reason === undefined) return false;
    const rec = await this.d.core.lockBackend.forceBreak(lock.path, { by: this.d.me(), reason });
    this.d.log.warn(`force-unlocked ${lock.path} (held by ${holder}): ${reason}; kept as ${rec.archivedAs}`);
    void vscode.window.showInformationMessage(vscode.l10n.t('Unlocked {0}. The break was recorded.', lock.path));
    return true;
  }

  async showLock(arg: vscode.Uri | { lock: LockView } | LockView | undefined): Promise<void> {
    const lock = this.lockOf(arg);
    if (!lock) {
      const p = this.pathOf(arg);
      void vscode.window.showInformationMessage(
        p === undefined
          ? vscode.l10n.t('F-MES: no file is open to look up a lock for.')
          : vscode.l10n.t('F-MES: no lock covers {0}.', p),
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
    void vscode.window.setStatusBarMessage('$(bell) ' + vscode.l10n.t('F-MES will tell you when {0} is free', p), 3000);
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
      const open = vscode.l10n.t('Open');
      const lockForMe = vscode.l10n.t('Lock for Me');
      void vscode.window
        .showInformationMessage(vscode.l10n.t('{0} is free now.', p), open, lockForMe)
        .then(async (c) => {
          const uri = vscode.Uri.file(path.join(this.d.core.root, p));
          if (c === open) await vscode.commands.executeCommand('vscode.open', uri);
          if (c === lockForMe) await this.acquire(uri, true);
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
      openLabel: vscode.l10n.t('Lock'),
    });
    return picked?.[0];
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
  }
}

/** A lease's lifetime, as its record states it. */
function ttlOf(l: LockLease): number {
  return Date.parse(l.record.expiresAt) - Date.parse(l.record.acquiredAt);
}

/** The holder lines' language: VS Code's display language (Korean or English), not the process's LANG. */
function uiLocale(): 'ko' | 'en' {
  return vscode.env.language.toLowerCase().startsWith('ko') ? 'ko' : 'en';
}
