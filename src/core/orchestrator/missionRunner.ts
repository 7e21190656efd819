// The mission loop: one plan from validation down the agents' failover chain to review, ready or handoff.
// Its named steps' bodies live beside it: missionGate, missionRoom, missionLocks, chainRun, missionCollect.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunOutcome } from '../agents/runTypes';
import { parsePlan } from '../artifacts/parseArtifact';
import { ArtifactError, errorMessage } from '../errors';
import { Emitter } from '../event';
import { Worktrees } from '../git/worktrees';
import { type MissionAttempt, type MissionRecord, type MissionStateName } from '../schemas/mission';
import type { Plan } from '../schemas/plan';
import type { MissionReview } from '../schemas/verify';
import { writeReplan } from '../verify/replan';
import { afterFailure, missionAttempt, requestFor, snapshotFor, type ChainRun } from './chainRun';
import { classifyPlan, type Classification } from './classify';
import { collectFromWorktree, collectInPlace } from './missionCollect';
import { approvalGate } from './missionGate';
import { missionHandoff } from './missionHandoff';
import { lockFiles, releaseLock } from './missionLocks';
import { waitForRoom } from './missionRoom';
import { check } from './missionTable';
import { runPostRunSteps } from './postRun/postRunSteps';
import {
  MissionError,
  type MissionDeps,
  type MissionEvent,
  type MissionOutcome,
  type StartOptions,
} from './missionTypes';
import { updateTodo } from './todoFile';
import { schemaText } from '../i18n/schemaText';

/**
 * One plan through the loop: validate → classify → approval gate → overlap check (wait or refuse) → shadow
 * worktree → snapshot → locks → agents down the failover chain (each failure rolled back) → report →
 * commit → cross-check → merge prediction → TODO.md. Ends ready to merge, in review, awaiting approval,
 * refused, rolled back or handed off; never throws for what an agent or a plan did wrong.
 */
export class MissionRunner {
  private readonly emitter = new Emitter<MissionEvent>();
  /** Re-plans this runner wrote and runs itself: absolute file → text (see ownPlanWrite). */
  private readonly ownPlans = new Map<string, string>();
  readonly onEvent = this.emitter.event;

  constructor(private readonly d: MissionDeps) {}

  worktrees(): Worktrees {
    return new Worktrees({
      root: this.d.root,
      log: this.d.log.child('git'),
      linkDirs: this.d.config().orchestrator.linkDirs,
    });
  }

  /**
   * Whether `file` holds what this runner wrote there itself (a re-plan it runs at once): the plan loop must not
   * take up the watcher's echo of that write as a new plan, or the re-plan would run twice. A person's later
   * edit differs from it and is a plan change like any other.
   */
  ownPlanWrite(file: string): boolean {
    const want = this.ownPlans.get(path.resolve(file));
    if (want === undefined) return false;
    try {
      return fs.readFileSync(file, 'utf8') === want;
    } catch {
      return false;
    }
  }

  async start(planFile: string, o: StartOptions = {}): Promise<MissionOutcome> {
    const abs = path.resolve(this.d.root, planFile);
    const rel = path.relative(this.d.root, abs).split(path.sep).join('/');
    const text = await fs.promises.readFile(abs, 'utf8').catch((e: NodeJS.ErrnoException) => {
      throw new ArtifactError('unreadable', rel, [
        { field: '', message: e.code === 'ENOENT' ? schemaText('noSuchFile') : e.message },
      ]);
    });
    const parsed = parsePlan(text, rel);
    if (!parsed.ok) throw parsed.error;
    const plan = parsed.value;
    const task = plan.meta.id;
    const prior = this.d.store.get(task);
    if (prior) check(prior, 'start');
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
      replanOf: o.replanOf ?? prior?.replanOf,
      replans: o.replans ?? prior?.replans,
      createdAt: prior?.createdAt ?? this.now(),
      updatedAt: this.now(),
    });
    const gate = approvalGate(this.d, plan, rel, text, c);
    if (gate !== 'go') {
      record = await this.set(task, gate.state, { reason: gate.reason, approval: gate.approval });
      return this.end(record, plan);
    }
    const blocked = await waitForRoom(this.d, plan, o.signal, (change) => this.set(task, 'waiting', change));
    if (blocked) {
      record = await this.set(task, 'refused', { reason: blocked, blockedBy: undefined });
      return this.end(record, plan);
    }
    try {
      return await this.execute(plan, rel, c, prior, !o.inPlace && cfg.worktrees, o.signal);
    } catch (e) {
      // Git or the file system failed under the loop (not a git repository, a disk error): the record says so
      // instead of staying `queued` forever, and the caller gets the error.
      await this.set(task, 'refused', { reason: `F-MES could not run the mission: ${errorMessage(e)}` }).catch(
        () => undefined,
      );
      throw e;
    }
  }

  private async execute(
    plan: Plan,
    rel: string,
    c: Classification,
    prior: MissionRecord | undefined,
    useWorktree: boolean,
    signal: AbortSignal | undefined,
  ): Promise<MissionOutcome> {
    const task = plan.meta.id;
    const cwd = useWorktree ? await this.prepareWorktree(task, c) : this.d.root;
    // A run that stopped for a person's approval continues its own session from where it stopped (the approved
    // call runs once, a rejected one is refused with the note), with the snapshot of before its first run.
    const paused = prior?.state === 'awaitingApproval' ? prior.attempts.at(-1) : undefined;
    const resume = paused?.reason === 'awaitingApproval' ? paused : undefined;
    const snap = await snapshotFor(task, cwd, resume ? prior?.snapshot : undefined);
    const record = await this.set(task, 'running', {
      snapshot: snap.ref,
      reason: undefined,
      blockedBy: undefined,
      approval: undefined,
    });
    await this.todo(record);
    const chain: ChainRun = {
      plan,
      planFile: rel,
      c,
      cwd,
      snapshotRef: snap.ref,
      worktree: useWorktree,
      signal,
      resumeCli: resume?.cli,
    };
    const { attempt, outcome } = await this.runChain(chain);
    if (!outcome) return this.end(this.d.store.get(task) ?? record, plan);
    return this.finishRun(chain, { attempt, outcome, before: snap.commit });
  }

  /** The mission's shadow worktree on `fmes/<task>`, recorded on the mission. */
  private async prepareWorktree(task: string, c: Classification): Promise<string> {
    const wt = await this.worktrees().create({ agent: c.chain[0], task });
    await this.set(task, 'queued', { worktree: wt.relPath, branch: wt.branch, baseCommit: wt.baseCommit });
    return wt.path;
  }

  /** Runs the chain's agents in turn; a failure is rolled back before the next agent starts. */
  private async runChain(o: ChainRun): Promise<{ attempt?: MissionAttempt; outcome?: RunOutcome }> {
    const task = o.plan.meta.id;
    const tried: MissionAttempt[] = [];
    const from = o.resumeCli ? Math.max(0, o.c.chain.indexOf(o.resumeCli as (typeof o.c.chain)[number])) : 0;
    for (const cli of o.c.chain.slice(from)) {
      const resume = cli === o.resumeCli && tried.length === 0;
      const started = this.d.clock.now();
      const { agent, outcome } = await this.runAgent(o, { cli, resume, earlier: tried });
      const attempt = await this.recordAttempt(task, { agent, cli, outcome });
      tried.push(attempt);
      if (outcome.ok) return { attempt, outcome: { ...outcome, startedAt: new Date(started).toISOString() } };
      const next = await afterFailure(o, agent, outcome, this);
      if (next === 'stop') return {};
      if (next === 'endChain') break;
    }
    const rec = this.d.store.get(task);
    const failed = `every agent in the chain failed: ${tried.map((a) => `${a.agent} (${a.reason})`).join(', ')}`;
    if (rec && !(await this.replan(o, rec, tried, failed))) await this.handOff(rec, failed, o.worktree);
    return {};
  }

  /**
   * Before the human handoff (orchestrator.replans): the planner writes a revised plan
   * `.antigravity/plans/<first id>-r<n>.md`, validated like any plan, and it runs as a new mission. This
   * mission ends handed off to it (its files are free for the new one); the last one's handoff lists every
   * re-plan. False when there is no re-plan left to try (or the planner gave none): the caller hands off.
   */
  private async replan(o: ChainRun, rec: MissionRecord, tried: MissionAttempt[], failed: string): Promise<boolean> {
    const cfg = this.d.config().orchestrator;
    const earlier = rec.replans ?? [];
    if (earlier.length >= cfg.replans || o.signal?.aborted) return false;
    const rootId = rec.replanOf ?? rec.taskId;
    const r = await writeReplan(
      {
        root: this.d.root,
        plan: o.plan,
        cwd: o.cwd,
        runEnv: this.d.runEnv,
        startRun: async (q) => (this.d.startRun ? this.d.startRun(q) : (await this.d.runner()).start(q)),
      },
      {
        planner: cfg.planner,
        planFile: o.planFile,
        rootId,
        n: earlier.length + 1,
        attempts: tried,
        claim: (file, text) => this.ownPlans.set(path.resolve(file), text),
      },
    );
    if ('problem' in r) {
      await this.handOff({ ...rec, replans: earlier }, `${failed}; no re-plan: ${r.problem}`, o.worktree);
      return true;
    }
    const replans = [...earlier, r.file];
    this.note(rec.taskId, `${cfg.planner} re-planned it as ${r.file}`);
    await this.set(rec.taskId, 'handedOff', { reason: `${failed}; re-planned as ${r.file}`, replans });
    await this.start(r.file, { signal: o.signal, inPlace: !o.worktree, replanOf: rootId, replans });
    return true;
  }

  /** One agent's run on the plan, with the plan's files locked for it; its events are forwarded as mission events. */
  private async runAgent(
    o: ChainRun,
    a: { cli: string; resume: boolean; earlier: readonly MissionAttempt[]; review?: MissionReview },
  ): Promise<{ agent: string; outcome: RunOutcome }> {
    const task = o.plan.meta.id;
    const agent = `${a.cli}@${task}`.slice(0, 64);
    const locks = await lockFiles(this.d, o.plan, agent);
    try {
      const request = requestFor(this.d, o, { ...a, agent });
      const run = this.d.startRun ? await this.d.startRun(request) : (await this.d.runner()).start(request);
      const sub = run.onEvent((event) => this.emitter.fire({ type: 'run', taskId: task, agent, event }));
      const onAbort = () => void run.stop('the mission was stopped');
      o.signal?.addEventListener('abort', onAbort, { once: true });
      try {
        return { agent, outcome: await run.done };
      } finally {
        o.signal?.removeEventListener('abort', onAbort);
        sub.dispose();
      }
    } finally {
      for (const l of locks) void releaseLock(this.d.log, l);
    }
  }

  /** Adds the run to the mission's attempts and cost. */
  private async recordAttempt(
    task: string,
    a: { agent: string; cli: string; outcome: RunOutcome },
  ): Promise<MissionAttempt> {
    const { outcome } = a;
    const attempt = missionAttempt(a);
    const rec = await this.d.store.update(
      task,
      (r) => ({ attempts: [...r.attempts, attempt], costUsd: r.costUsd + outcome.costUsd }),
      this.d.clock.now(),
    );
    this.fire(rec);
    return attempt;
  }

  /** After a successful run: collect the report and the changes, then the post-run steps decide review or ready. */
  private async finishRun(
    o: ChainRun,
    r: { attempt?: MissionAttempt; outcome: RunOutcome; before: string; round?: number },
  ): Promise<MissionOutcome> {
    const task = o.plan.meta.id;
    const { collected, changed } = o.worktree
      ? await collectFromWorktree(this.d.root, this.worktrees(), o, r)
      : await collectInPlace(this.d.root, o, r);
    const record = this.d.store.get(task);
    if (!record) throw new MissionError('unknownMission', task, `the record of mission ${task} is gone`);
    const verdict = await runPostRunSteps({
      root: this.d.root,
      plan: o.plan,
      record,
      cwd: o.cwd,
      collected,
      changed,
      log: this.d.log,
      note: (m) => this.note(task, m),
      config: this.d.config,
      startRun: async (request) =>
        this.d.startRun ? this.d.startRun(request) : (await this.d.runner()).start(request),
      runEnv: this.d.runEnv,
      reviewRound: r.round ?? 0,
    });
    // One round (orchestrator.review.rounds): the author answers the reviewer's comments in its own session,
    // then every post-run step runs again on the new changes.
    if (verdict.retry && (r.round ?? 0) < this.d.config().orchestrator.review.rounds) {
      await this.set(task, 'running', verdict.change);
      const cli = r.attempt?.cli ?? r.outcome.cli;
      this.note(task, `${cli} answers the review of ${verdict.retry.agent}`);
      const { agent, outcome } = await this.runAgent(o, { cli, resume: true, earlier: [], review: verdict.retry });
      const attempt = await this.recordAttempt(task, { agent, cli, outcome });
      if (outcome.ok) return this.finishRun(o, { attempt, outcome, before: r.before, round: (r.round ?? 0) + 1 });
      this.note(task, `${agent} could not answer the review (${outcome.reason}: ${outcome.message})`);
    }
    return this.end(await this.set(task, verdict.state, verdict.change), o.plan);
  }

  private async handOff(rec: MissionRecord, reason: string, worktree: boolean): Promise<void> {
    const full = rec.replans?.length ? `${reason}; re-plans tried: ${rec.replans.join(', ')}` : reason;
    const file = await this.writeHandoff(rec, full, worktree);
    await this.set(rec.taskId, 'handedOff', { reason: full, handoff: file, replans: rec.replans });
  }

  /** Writes the mission's handoff report (with the worktree's diff summary when `worktree`); returns its file. */
  async writeHandoff(rec: MissionRecord, reason: string, worktree: boolean): Promise<string> {
    const diffStat = worktree
      ? await this.worktrees()
          .diffStat(rec.taskId)
          .catch(() => undefined)
      : undefined;
    return missionHandoff(this.d.root, rec, { reason, diffStat, agent: this.d.me, now: this.d.clock.now() });
  }

  private async end(record: MissionRecord, plan: Plan): Promise<MissionOutcome> {
    await this.todo(record, plan);
    return { taskId: record.taskId, state: record.state, record };
  }

  /** Puts the mission's line in TODO.md; a failure is a note, never the mission's failure. */
  async todo(record: MissionRecord, plan?: Plan): Promise<void> {
    try {
      await updateTodo(
        this.d.root,
        { taskId: record.taskId, title: plan?.meta.title ?? record.title, state: record.state, note: record.reason },
        { locks: this.d.locks, agent: this.d.me, now: this.d.clock.now() },
      );
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
