import * as path from 'node:path';
import * as vscode from 'vscode';
import { git } from '../../core/git/git';
import { missionDiff, safeRev } from '../../core/dashboard/missionDiff';
import { MissionStore } from '../../core/orchestrator/missionStore';
import { ArtifactError, errorMessage } from '../../core/errors';
import type { DashboardState } from '../../shared/protocol';

/** Read-only documents of one file at one revision: `fmes-rev:/<path>?<rev>`. */
export const REV_SCHEME = 'fmes-rev';

/**
 * Shows a file as it is at a commit, for the diff editor. A content provider rather than temp files: nothing
 * to clean up, and the documents are read-only (a person cannot "fix" the old side by mistake). Not the git
 * extension's `git:` URIs: that extension may be disabled, and its URI format is its own to change.
 */
export class RevisionContent implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly reg: vscode.Disposable;

  constructor(private readonly root: string) {
    this.reg = vscode.workspace.registerTextDocumentContentProvider(REV_SCHEME, this);
  }

  static uri(file: string, rev: string): vscode.Uri {
    return vscode.Uri.from({ scheme: REV_SCHEME, path: `/${file}`, query: rev });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const rev = uri.query;
    const file = uri.path.replace(/^\//, '');
    if (!safeRev(rev)) return '';
    try {
      return (await git(this.root, ['show', `${rev}:${file}`], { timeoutMs: 15_000 })).stdout;
    } catch {
      return ''; // added or deleted on this side: an empty side is what the diff should show
    }
  }

  dispose(): void {
    this.reg.dispose();
  }
}

/** Opens VS Code's diff editor on `file` of mission `taskId`: its start commit (left) against its branch. */
export async function openMissionDiff(root: string, taskId: string, file: string): Promise<void> {
  const m = new MissionStore(root).get(taskId);
  if (!m || !safeRev(m.baseCommit) || !safeRev(m.branch))
    throw new ArtifactError('unreadable', taskId, [
      { field: 'branch', message: 'the mission has no branch to compare' },
    ]);
  // Only a file the branch changed: the name came from the page, and the page shows what agents wrote.
  const d = await missionDiff(root, m.baseCommit, m.branch);
  if (!d.files.some((f) => f.file === file))
    throw new ArtifactError('unreadable', file, [{ field: '', message: `mission ${taskId} did not change it` }]);
  const left = RevisionContent.uri(file, m.baseCommit);
  const right = RevisionContent.uri(file, m.branch);
  const title = `${path.posix.basename(file)} (${m.baseCommit.slice(0, 7)} ↔ ${m.branch})`;
  await vscode.commands.executeCommand('vscode.diff', left, right, title, { preview: true });
}

/** Adds each mission's diff to the state; a mission whose diff cannot be read is shown without one. */
export async function withDiffs(root: string, s: DashboardState, log: vscode.LogOutputChannel): Promise<void> {
  const records = new MissionStore(root);
  await Promise.all(
    s.missions.map(async (row) => {
      const m = records.get(row.taskId);
      if (!m || !safeRev(m.baseCommit) || !safeRev(m.branch)) return;
      try {
        row.diff = await missionDiff(root, m.baseCommit, m.branch);
      } catch (e) {
        log.debug(`dashboard: no diff for ${row.taskId}: ${errorMessage(e)}`);
      }
    }),
  );
}
