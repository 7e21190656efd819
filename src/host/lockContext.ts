import * as path from 'node:path';
import type * as vscode from 'vscode';
import type { WorkspaceModel } from '../core/model/workspaceModel';
import { setContext } from './context';

/**
 * Keeps the context keys the Explorer's lock actions use in step with the locks: Release Lock shows on paths this
 * person holds, Force Unlock and Show Lock on paths others hold, Lock for Me on the rest (`resourcePath in …`).
 */
export class LockContext implements vscode.Disposable {
  private readonly sub: { dispose(): void };
  private last = '';

  constructor(
    private readonly state: WorkspaceModel,
    private readonly root: string,
    private readonly me: () => string,
  ) {
    this.sub = state.onDidChange(() => this.update());
    this.update();
  }

  update(): void {
    const mine: string[] = [];
    const others: string[] = [];
    for (const l of this.state.lockViews) (l.agent === this.me() ? mine : others).push(path.join(this.root, l.path));
    const key = JSON.stringify([mine, others]);
    if (key === this.last) return;
    this.last = key;
    void setContext('fmes:myLockedPaths', mine);
    void setContext('fmes:lockedPaths', others);
  }

  dispose(): void {
    this.sub.dispose();
  }
}
