import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import type { RunOutcome, RunRequest } from '../agents/runTypes';
import { parsePlan } from '../artifacts/parseArtifact';
import { ArtifactError, errorMessage } from '../errors';
import { Emitter } from '../event';
import { git, resolveCommit } from '../git/git';
import { parseNulList } from '../git/parsers';
import { predictMerge } from '../git/merge';
import { rollback, takeSnapshot } from '../git/snapshot';
import { Worktrees } from '../git/worktrees';
import { holderAgent } from '../locks/holders';
import type { LockHandle } from '../locks/lockHandle';
import { ApprovalStore } from '../safety/approvals';
import { FINAL_MISSION_STATES, type MissionAttempt, type MissionRecord, type MissionStateName } from '../schemas/mission';
import type { Plan } from '../schemas/plan';
import { classifyPlan, type Classification } from './classify';
import { crossCheck } from './crossCheck';
import { missionHandoff } from './missionHandoff';
import { missionPrompt } from './missionPrompt';
import { collectReport } from './missionReport';
import { MissionError, type MissionDeps, type MissionEvent, type MissionOutcome } from './missionTypes';
import { checkOverlap, type Blocker } from './overlap';
import { updateTodo } from './todoFile';

/** Missions whose files are spoken for: a new plan must not overlap them. */
const CLAIMING: readonly MissionStateName[] = ['running', 'review', 'readyToMerge', 'conflicted'];

export interface StartOptions {
  signal?: AbortSignal;
  /** Run in the main checkout instead of a shadow worktree (overrides `orchestrator.worktrees`). */
  inPlace?: boolean;
}

/**
 * One plan through the loop: validate → classify → approval gate → overlap check (wait or refuse) → shadow
 * worktree → snapshot → locks → agents down the failover chain (each failure rolled back) → report →
 * commit → cross-check → merge prediction → TODO.md. Ends ready to merge, in review, awaiting approval,
 * refused, rolled back or handed off; never throws for what an agent or a plan did wrong.
 */
export class MissionRunner {
  private readonly emitter = new Emitter<MissionEvent>();
  readonly onEvent = this.emitter.event;

  constructor(private readonly d: MissionDeps) {}

  worktrees(): Worktrees {
    return new Worktrees({ root: this.d.root, log: this.d.log.child('git'), linkDirs: this.d.config().orchestrator.linkDirs });
  }

  async start(planFile: string, o: StartOptions = {}): Promise<MissionOutcome> {
    const abs = path.resolve(this.d.root, planFile);
    const rel = path.relative(this.d.root, abs).split(path.sep).join('/');
    const text = await fs.promises.readFile(abs, 'utf8').catch((e: NodeJS.ErrnoException) => {
      throw new ArtifactError('unreadable', rel, [{ field: '', message: e.code === 'ENOENT' ? 'no such file' : e.message }]);
    });
    const parsed = parsePlan(text, rel);
    if (!parsed.ok) throw parsed.error;
    const plan = parsed.value;
    const task = plan.meta.id;
    const prior = this.d.store.get(task);
    if (prior && !FINAL_MISSION_STATES.includes(prior.state) && prior.state !== 'awaitingApproval' && prior.state !== 'queued' && prior.state !== 'waiting') {
      throw new MissionError('alreadyRunning', task, `mission ${task} is ${prior.state}; merge, discard or roll it back first`);
    }
    if (prior?.state === 'merged') throw new MissionError('badState', task, `mission ${task} is already merged; give the plan a new id to run it again`);
    const cfg = this.d.config().orchestrator;
    const c = classifyPlan(plan, cfg);
    let record = await this.put({
      version: 1,
      taskId: task,
      title: plan.meta.title,
      planFile: rel,
      state: 'queued',
      chain: c.chain,
      taskType: c.taskType,
      complexity: c.complexity,
      files: plan.meta.files,
      attempts: prior?.attempts ?? [],
      costUsd: prior?.costUsd ?? 0,
      createdAt: prior?.createdAt ?? this.now(),
      updatedAt: this.now(),
    });
    const gate = this.approvalGate(plan, rel, text, c);
    if (gate !== 'go') {
      record = await this.set(task, gate.state, { reason: gate.reason, approval: gate.approval });
      return this.end(record, plan);
    }
    const blocked = await this.waitForRoom(plan, o.signal);
    if (blocked) {
      record = await this.set(task, 'refused', { reason: blocked, blockedBy: undefined });
      return this.end(record, plan);
    }
    try {
      return await this.execute(plan, rel, c, prior, !o.inPlace && cfg.worktrees, o.signal);
    } catch (e) {
      // Git or the file system failed under the loop (not a git repository, a disk error): the record says so
      // instead of staying `queued` forever, and the caller gets the error.
      await this.set(task, 'refused', { reason: `F-MES could not run the mission: ${errorMessage(e)}` }).catch(() => undefined);
      throw e;
    }
  }

  private async execute(plan: Plan, rel: string, c: Classification, prior: MissionRecord | undefined, useWorktree: boolean, signal: AbortSignal | undefined): Promise<MissionOutcome> {
    const task = plan.meta.id;
    let record: MissionRecord;
    let cwd = this.d.root;
    if (useWorktree) {
      const wt = await this.worktrees().create({ agent: c.chain[0], task });
      cwd = wt.path;
      record = await this.set(task, 'queued', { worktree: wt.relPath, branch: wt.branch, baseCommit: wt.baseCommit });
    }
    // A run that stopped for a person's approval continues its own session from where it stopped (the approved
    // call runs once, a rejected one is refused with the note), with the snapshot of before its first run.
    const paused = prior?.state === 'awaitingApproval' ? prior.attempts.at(-1) : undefined;
    const resume = paused?.reason === 'awaitingApproval' ? paused : undefined;
    const kept = resume && prior?.snapshot ? await resolveCommit(cwd, prior.snapshot) : undefined;
    const snap = kept && prior?.snapshot ? { ref: prior.snapshot, commit: kept } : await takeSnapshot(cwd, `mission/${task}`);
    record = await this.set(task, 'running', { snapshot: snap.ref, reason: undefined, blockedBy: undefined, approval: undefined });
    await this.todo(record);
    const { attempt, outcome } = await this.runChain(plan, rel, c, cwd, snap.ref, useWorktree, signal, resume?.cli);
    if (!outcome) return this.end(this.d.store.get(task) ?? record, plan);
    return this.finishRun(plan, attempt, outcome, cwd, useWorktree, snap.commit);
  }

  /** Runs the chain's agents in turn; a failure is rolled back before the next agent starts. */
  private async runChain(plan: Plan, planFile: string, c: Classification, cwd: string, snapshotRef: string, worktree: boolean, signal?: AbortSignal, resumeCli?: string): Promise<{ attempt?: MissionAttempt; outcome?: RunOutcome }> {
    const task = plan.meta.id;
    const runner = await this.d.runner();
    const tried: MissionAttempt[] = [];
    const from = resumeCli ? Math.max(0, c.chain.indexOf(resumeCli as (typeof c.chain)[number])) : 0;
    for (const cli of c.chain.slice(from)) {
      const resume = cli === resumeCli && tried.length === 0;
      const agent = `${cli}@${task}`.slice(0, 64);
      const started = this.d.clock.now();
      const locks = await this.lockFiles(plan, agent);
      let outcome: RunOutcome;
      try {
        const request: RunRequest = {
          cli: cli,
          agentId: agent,
          taskId: task,
          prompt: missionPrompt(plan, planFile, { earlier: tried, worktree }),
          cwd,
          maxTurns: c.limits.maxTurns,
          budgetUsd: c.limits.budgetUsd,
          timeoutSec: c.limits.timeoutSec,
          allowedTools: plan.meta.allowedTools,
          resume,
          retries: this.d.config().orchestrator.retries,
          env: this.d.runEnv,
        };
        const run = this.d.startRun ? await this.d.startRun(request) : runner.start(request);
        const sub = run.onEvent((event) => this.emitter.fire({ type: 'run', taskId: task, agent, event }));
        const onAbort = () => void run.stop('the mission was stopped');
        signal?.addEventListener('abort', onAbort, { once: true });
        try {
          outcome = await run.done;
        } finally {
          signal?.removeEventListener('abort', onAbort);
          sub.dispose();
        }
      } finally {
        for (const l of locks) l.release();
      }
      const attempt: MissionAttempt = { agent, cli, runId: outcome.runId, ok: outcome.ok, reason: outcome.reason, message: outcome.message, costUsd: outcome.costUsd, turns: outcome.turns, startedAt: outcome.startedAt, finishedAt: outcome.finishedAt };
      tried.push(attempt);
      const rec = await this.d.store.update(task, (r) => ({ attempts: [...r.attempts, attempt], costUsd: r.costUsd + outcome.costUsd }), this.d.clock.now());
      this.fire(rec);
      if (outcome.ok) return { attempt, outcome: { ...outcome, startedAt: new Date(started).toISOString() } };
      if (outcome.reason === 'awaitingApproval') {
        await this.set(task, 'awaitingApproval', { reason: `${agent} waits for approval of ${outcome.pendingApprovals.join(', ')} (fmes approve <id>, then run the mission again)`, approval: outcome.pendingApprovals[0] });
        return {};
      }
      const back = await rollback(cwd, { ref: snapshotRef });
      this.note(task, `${agent} failed (${outcome.reason}: ${outcome.message}); rolled back ${back.restored.length} file(s)${back.movedAside.length ? `, moved ${back.movedAside.length} new file(s) to ${back.trash}` : ''}`);
      if (outcome.reason === 'stopped') {
        await this.set(task, 'rolledBack', { reason: outcome.message });
        return {};
      }
      if (outcome.reason === 'dailyBudget') break; // another agent would spend from the same day's budget
    }
    const rec = this.d.store.get(task);
    if (rec) await this.handOff(rec, `every agent in the chain failed: ${tried.map((a) => `${a.agent} (${a.reason})`).join(', ')}`, worktree);
    return {};
  }

  private async finishRun(plan: Plan, attempt: MissionAttempt | undefined, outcome: RunOutcome, cwd: string, worktree: boolean, before: string): Promise<MissionOutcome> {
    const task = plan.meta.id;
    const wt = this.worktrees();
    let changed: string[];
    if (worktree) {
      // The report leaves the worktree before the commit: it belongs to the bus, not to the branch.
      const collected = await collectReport({ root: this.d.root, cwd, taskId: task, agent: attempt?.agent ?? outcome.agentId, sinceMs: Date.parse(outcome.startedAt), outcome, changedFiles: () => wt.changedFiles(task) });
      await wt.commitAll(task, `${task}: ${plan.meta.title}\n\nF-MES mission by ${outcome.agentId} (run ${outcome.runId}).`, { name: outcome.agentId, email: `${outcome.cli}@fmes.invalid` });
      changed = await wt.changedFiles(task);
      return this.review(plan, collected, changed);
    }
    // In place, the checkout may hold a person's own uncommitted work: only what changed since the snapshot counts.
    const after = await takeSnapshot(cwd, `mission/${task}/after`);
    changed = await changedBetween(cwd, before, after.commit);
    const collected = await collectReport({ root: this.d.root, cwd, taskId: task, agent: outcome.agentId, sinceMs: Date.parse(outcome.startedAt), outcome, changedFiles: async () => changed });
    return this.review(plan, collected, changed);
  }

  private async review(plan: Plan, collected: Awaited<ReturnType<typeof collectReport>>, changed: string[]): Promise<MissionOutcome> {
    const task = plan.meta.id;
    const check = crossCheck(plan.meta.files, changed, collected.report);
    const rec = this.d.store.get(task);
    let predicted: string[] | undefined;
    if (rec?.branch) {
      const p = await predictMerge(this.d.root, rec.branch).catch((e: unknown) => {
        this.note(task, `could not predict the merge: ${errorMessage(e)}`);
        return undefined;
      });
      predicted = p?.conflicts;
    }
    const reasons = [
      ...collected.problems,
      ...(check.undeclared.length ? [`undeclared changes: ${check.undeclared.join(', ')}`] : []),
      ...(check.failedTests ? [`${check.failedTests} test(s) failed`] : []),
      ...(collected.report.status !== 'success' ? [`the report says ${collected.report.status}`] : []),
      ...(predicted?.length ? [`merge will conflict in ${predicted.join(', ')}`] : []),
    ];
    const state: MissionStateName = check.ok && collected.report.status === 'success' ? 'readyToMerge' : 'review';
    const record = await this.set(task, state, { report: collected.file, crossCheck: check, predictedConflicts: predicted, reason: reasons.length ? reasons.join('; ') : undefined });
    return this.end(record, plan);
  }

  /** The approval gate for high-risk and destructive plans: one approval per plan text. */
  private approvalGate(plan: Plan, rel: string, text: string, c: Classification): 'go' | { state: MissionStateName; reason: string; approval?: string } {
    if (!c.approval.required) return 'go';
    const store = new ApprovalStore(this.d.root);
    const input = { planFile: rel, taskId: plan.meta.id, sha256: createHash('sha256').update(text).digest('hex') };
    const found = store.find(this.d.me, 'plan', input);
    if (found?.status === 'approved') {
      store.use(found);
      return 'go';
    }
    if (found?.status === 'rejected') return { state: 'refused', reason: `rejected by ${found.decidedBy ?? 'a person'}${found.note ? `: ${found.note}` : ''}`, approval: found.id };
    const a = found ?? store.request({ agent: this.d.me, taskId: plan.meta.id, tool: 'plan', toolInput: input, summary: `run plan ${rel}: ${plan.meta.title}`, reason: c.approval.reasons.join('; ') });
    return { state: 'awaitingApproval', reason: `needs approval (${c.approval.reasons.join('; ')}): fmes approve ${a.id}, then run the mission again`, approval: a.id };
  }

  /** Waits while the plan's files overlap held locks, running missions or unmerged dependencies; the reason when refused. */
  private async waitForRoom(plan: Plan, signal?: AbortSignal): Promise<string | undefined> {
    const cfg = this.d.config().orchestrator;
    const deadline = this.d.clock.now() + cfg.waitTimeoutSec * 1000;
    let announced = false;
    for (;;) {
      // Stopped while waiting: never start the agent, even if the files came free at that very moment.
      if (signal?.aborted) return 'stopped while waiting for its files';
      const blockers = this.blockers(plan);
      if (blockers.length === 0) return undefined;
      const text = blockers.map((b) => (b.kind === 'mission' && b.path === '' ? b.by : `${b.path} (${b.kind} ${b.heldPath} held by ${b.by})`)).join('; ');
      if (cfg.onConflict === 'refuse' || this.d.clock.now() >= deadline || signal?.aborted) return `overlaps: ${text}`;
      if (!announced) {
        announced = true;
        await this.set(plan.meta.id, 'waiting', { reason: `waits for: ${text}`, blockedBy: blockers.map((b) => b.by) });
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  private blockers(plan: Plan): Blocker[] {
    const task = plan.meta.id;
    const { records } = this.d.store.list();
    const running = records.filter((r) => r.taskId !== task && CLAIMING.includes(r.state)).map((r) => ({ taskId: r.taskId, files: r.files }));
    // Stale locks do not block: the lock step breaks them. An invalid lock file with no path names nothing to overlap.
    const locks = this.d.locks
      .status({ markers: true })
      .filter((s) => !s.staleness.stale && s.holder.path !== undefined)
      .map((s) => ({ path: s.holder.path!, agent: holderAgent(s.holder) }));
    const v = checkOverlap(plan.meta.files, { locks, running, me: this.d.me });
    const out = v.ok ? [] : [...v.blockers];
    for (const dep of plan.meta.dependsOn ?? []) {
      const r = records.find((x) => x.taskId === dep);
      if (r?.state !== 'merged') out.push({ path: '', by: `depends on ${dep} (${r?.state ?? 'not started'})`, kind: 'mission', heldPath: '' });
    }
    return out;
  }

  private async lockFiles(plan: Plan, agent: string): Promise<LockHandle[]> {
    const held: LockHandle[] = [];
    try {
      for (const f of plan.meta.files) {
        held.push(await this.d.locks.acquire(f, { agent, intent: `mission ${plan.meta.id}: ${plan.meta.title}`.slice(0, 200), waitMs: 30_000 }));
      }
    } catch (e) {
      for (const h of held) h.release();
      throw e;
    }
    return held;
  }

  private async handOff(rec: MissionRecord, reason: string, worktree: boolean): Promise<void> {
    const diffStat = worktree ? await this.worktrees().diffStat(rec.taskId).catch(() => undefined) : undefined;
    const file = await missionHandoff(this.d.root, rec, { reason, diffStat, agent: this.d.me, now: this.d.clock.now() });
    await this.set(rec.taskId, 'handedOff', { reason, handoff: file });
  }

  private async end(record: MissionRecord, plan: Plan): Promise<MissionOutcome> {
    await this.todo(record, plan);
    return { taskId: record.taskId, state: record.state, record };
  }

  /** Puts the mission's line in TODO.md; a failure is a note, never the mission's failure. */
  async todo(record: MissionRecord, plan?: Plan): Promise<void> {
    try {
      await updateTodo(this.d.root, { taskId: record.taskId, title: plan?.meta.title ?? record.title, state: record.state, note: record.reason }, { locks: this.d.locks, agent: this.d.me, now: this.d.clock.now() });
    } catch (e) {
      this.note(record.taskId, `could not update TODO.md: ${errorMessage(e)}`);
    }
  }

  private async put(r: MissionRecord): Promise<MissionRecord> {
    const rec = await this.d.store.put(r);
    this.fire(rec);
    return rec;
  }

  async set(task: string, state: MissionStateName, change: Partial<MissionRecord> = {}): Promise<MissionRecord> {
    const rec = await this.d.store.update(task, () => ({ ...change, state }), this.d.clock.now());
    this.fire(rec);
    return rec;
  }

  private fire(record: MissionRecord): void {
    this.emitter.fire({ type: 'state', record });
  }

  note(taskId: string, message: string): void {
    this.d.log.info(`${taskId}: ${message}`);
    this.emitter.fire({ type: 'note', taskId, message });
  }

  private now(): string {
    return new Date(this.d.clock.now()).toISOString();
  }

  dispose(): void {
    this.emitter.dispose();
  }
}

/** Paths that differ between two snapshot commits (both sides of renames), minus F-MES's own bus folders. */
async function changedBetween(cwd: string, a: string, b: string): Promise<string[]> {
  const { stdout } = await git(cwd, ['diff', '--name-only', '--no-renames', '-z', a, b]);
  return parseNulList(stdout).filter((p) => !p.startsWith('.fmes/') && !p.startsWith('.locks/') && !p.startsWith('.claude/'));
}
