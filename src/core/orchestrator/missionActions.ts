import * as path from 'node:path';
import { errorMessage } from '../errors';
import { git } from '../git/git';
import { abortMerge, conflictedFiles, mergeBranch, predictMerge } from '../git/merge';
import { rollback } from '../git/snapshot';
import type { MissionRecord } from '../schemas/mission';
import { writeInboxNote } from '../verify/inbox';
import type { MissionRunner } from './missionRunner';
import { check, nextStates, type MissionAction } from './missionTable';
import { MissionError, type MissionDeps } from './missionTypes';

export type MergeResult =
  | { merged: true; commit: string; record: MissionRecord }
  | { merged: false; conflicts: string[]; record: MissionRecord };

/**
 * What people do with a finished mission: merge its branch (3-way, conflicts left for the merge editor),
 * discard it (only when confirmed; its work is kept under a backup ref), roll it back to the snapshot, or
 * hand it to a person. Each asks the state table (missionTable.ts) first and records the new state.
 */
export class MissionActions {
  constructor(
    private readonly d: MissionDeps,
    private readonly runner: MissionRunner,
  ) {}

  /** The mission's record, when the state table lets it take `action`; the table's refusal otherwise. */
  private need(task: string, action: MissionAction): MissionRecord {
    const r = this.d.store.read(task);
    if (!r.ok)
      throw r.invalid
        ? new MissionError('invalidRecord', task, `${r.invalid.file} is invalid`, { file: r.invalid.file })
        : new MissionError('unknownMission', task, `there is no mission ${task}`);
    return check(r.record, action);
  }

  /**
   * Merges `fmes/<task>` into the main checkout's branch. A mission in `review` (undeclared changes, failed
   * tests) merges only with `approved`. On conflicts the merge stays in progress and the mission becomes
   * `conflicted`; calling merge again after the conflicts are resolved concludes it.
   */
  async merge(task: string, o: { approved?: boolean } = {}): Promise<MergeResult> {
    const rec = this.need(task, 'merge');
    if (rec.state === 'review' && !o.approved)
      throw new MissionError(
        'notConfirmed',
        task,
        `mission ${task} needs review (${rec.reason ?? 'cross-check warnings'}); merge it with approval`,
        { state: rec.state, action: 'merge', why: rec.reason },
      );
    if (!rec.branch)
      throw new MissionError(
        'noWorktree',
        task,
        `mission ${task} ran in place: its changes are already in the checkout`,
        { action: 'merge' },
      );
    if (rec.state === 'conflicted') return this.conclude(rec, !!o.approved);
    const r = await mergeBranch(this.d.root, rec.branch, `Merge ${rec.branch}: ${rec.title}`);
    if (!r.merged) {
      const record = await this.runner.set(task, 'conflicted', {
        conflicts: r.conflicts,
        reason: `merge conflicts in ${r.conflicts.join(', ')}`,
      });
      await this.runner.todo(record);
      return { merged: false, conflicts: r.conflicts, record };
    }
    return { merged: true, commit: r.commit, record: await this.merged(rec, r.commit, !!o.approved) };
  }

  /** After a person resolved the conflicts in the merge editor: commit the merge when none are left. */
  private async conclude(rec: MissionRecord, approved: boolean): Promise<MergeResult> {
    const left = await conflictedFiles(this.d.root);
    if (left.length) return { merged: false, conflicts: left, record: rec };
    const mergeHead = await git(this.d.root, ['rev-parse', '-q', '--verify', 'MERGE_HEAD'], { okExitCodes: [0, 1] });
    if (mergeHead.exitCode === 0) await git(this.d.root, ['commit', '--no-edit']);
    const head = (await git(this.d.root, ['rev-parse', 'HEAD'])).stdout.trim();
    const wt = this.runner.worktrees();
    if (!(await wt.isMerged(rec.taskId))) {
      // The person aborted the merge (or reset) instead: the mission is back to waiting for a merge.
      const record = await this.runner.set(rec.taskId, 'readyToMerge', {
        conflicts: undefined,
        reason: 'the merge was abandoned; merge again when ready',
      });
      return { merged: false, conflicts: [], record };
    }
    return { merged: true, commit: head, record: await this.merged(rec, head, approved) };
  }

  private async merged(rec: MissionRecord, commit: string, approved: boolean): Promise<MissionRecord> {
    let note = `merged as ${commit.slice(0, 10)}`;
    try {
      await this.runner.worktrees().remove(rec.taskId);
    } catch (e) {
      note += `; the worktree was kept: ${errorMessage(e)}`;
    }
    const record = await this.runner.set(rec.taskId, 'merged', { conflicts: undefined, reason: note });
    await this.runner.todo(record);
    // Back to the planner: a note it can pick up. A failure is said, never the merge's failure.
    await writeInboxNote(this.d.root, rec, { commit, via: this.d.me, approved, now: this.d.clock.now() }).catch(
      (e: unknown) => this.runner.note(rec.taskId, `could not write the planner's inbox note: ${errorMessage(e)}`),
    );
    return record;
  }

  /** Stops a conflicted merge: the checkout goes back to before it, the mission to ready-to-merge. */
  async abortMerge(task: string): Promise<MissionRecord> {
    this.need(task, 'abortMerge');
    await abortMerge(this.d.root);
    return this.runner.set(task, 'readyToMerge', { conflicts: undefined, reason: 'merge aborted' });
  }

  /** Files that still conflict, absolute, for the merge editor. */
  async conflicts(task: string): Promise<string[]> {
    this.need(task, 'conflicts');
    return (await conflictedFiles(this.d.root)).map((f) => path.join(this.d.root, f));
  }

  /** Conflicts a merge would have now, without touching anything. */
  async predict(task: string): Promise<string[]> {
    const rec = this.need(task, 'predict');
    if (!rec.branch) return [];
    return (await predictMerge(this.d.root, rec.branch)).conflicts;
  }

  /** Throws away the mission's branch and worktree, only when confirmed; the work is kept under a backup ref. */
  async discard(task: string, o: { confirmed: boolean }): Promise<{ record: MissionRecord; backupRef?: string }> {
    const rec = this.need(task, 'discard');
    if (!o.confirmed)
      throw new MissionError('notConfirmed', task, `discarding mission ${task} needs confirmation`, {
        action: 'discard',
      });
    let backupRef: string | undefined;
    if (rec.branch && (await this.runner.worktrees().find(task)))
      backupRef = (await this.runner.worktrees().remove(task, { discard: true })).backupRef;
    const record = await this.runner.set(task, 'discarded', {
      reason: backupRef ? `discarded; its work is kept at ${backupRef}` : 'discarded',
    });
    await this.runner.todo(record);
    return { record, backupRef };
  }

  /** Restores the mission's checkout to the snapshot taken before its first run (nothing untracked is deleted). */
  async rollBack(
    task: string,
  ): Promise<{ record: MissionRecord; restored: number; movedAside: number; trash?: string }> {
    const rec = this.need(task, 'rollBack');
    if (!rec.snapshot)
      throw new MissionError('badState', task, `mission ${task} has no snapshot`, { missing: 'snapshot' });
    const cwd = rec.worktree ? path.join(this.d.root, rec.worktree) : this.d.root;
    const r = await rollback(cwd, { ref: rec.snapshot });
    const record = await this.runner.set(task, 'rolledBack', {
      reason: `rolled back to ${rec.snapshot}${r.trash ? `; files the run created are in ${r.trash}` : ''}`,
    });
    await this.runner.todo(record);
    return { record, restored: r.restored.length, movedAside: r.movedAside.length, trash: r.trash };
  }

  /** Hands the mission to a person now: HANDOFF_REPORT.md with its state, attempts, costs and diff. */
  async handOff(
    task: string,
    reason = 'handed to a person on request',
  ): Promise<{ record: MissionRecord; file: string }> {
    const rec = this.need(task, 'handOff');
    const file = await this.runner.writeHandoff(rec, reason, !!rec.branch);
    // The table says where Hand Off leads: a final state keeps itself (with the handoff added), others become handedOff.
    const to = nextStates(rec.state, 'handOff')?.[0] ?? 'handedOff';
    const record =
      to === rec.state
        ? await this.runner.set(task, to, { handoff: file })
        : await this.runner.set(task, to, { handoff: file, reason });
    await this.runner.todo(record);
    return { record, file };
  }
}
