import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import type { RunOutcome, RunRequest } from '../agents/runTypes';
import { parsePlan } from '../artifacts/parseArtifact';
import { ArtifactError, errorMessage } from '../errors';
import { Emitter } from '../event';
import { git, resolveCommit } from '../git/git';
import { parseNulList } from '../git/parsers';
import { rollback, takeSnapshot } from '../git/snapshot';
import { Worktrees } from '../git/worktrees';
import { holderAgent } from '../../hot/locks/holders';
import type { LockLease } from '../../hot/locks/lockBackend';
import { ApprovalStore } from '../safety/approvals';
import { type MissionAttempt, type MissionRecord, type MissionStateName } from '../schemas/mission';
import type { Plan } from '../schemas/plan';
import type { MissionReview } from '../schemas/verify';
import { writeReplan } from '../verify/replan';
import { reviewFeedback } from '../verify/review';
import { classifyPlan, type Classification } from './classify';
import { missionHandoff } from './missionHandoff';
import { missionPrompt } from './missionPrompt';
import { collectReport, type CollectedReport } from './missionReport';
import { check } from './missionTable';
import { runPostRunSteps } from './postRun/postRunSteps';
import { MissionError, type MissionDeps, type MissionEvent, type MissionOutcome } from './missionTypes';
import { checkOverlap, type Blocker } from './overlap';
import { updateTodo } from './todoFile';
import { schemaText } from '../i18n/schemaText';

/** Missions whose files are spoken for: a new plan must not overlap them. */
const CLAIMING: readonly MissionStateName[] = ['running', 'review', 'readyToMerge', 'conflicted'];

/** One mission's way down its failover chain. */
interface ChainRun {
  plan: Plan;
  /** The plan file, workspace-relative. */
  planFile: string;
  c: Classification;
  /** Where the agents work: the shadow worktree or the main checkout. */
  cwd: string;
  /** What a failed run is rolled back to. */
  snapshotRef: string;
  worktree: boolean;
  signal?: AbortSignal;
  /** The CLI whose paused session continues (after an approval); the chain starts there. */
  resumeCli?: string;
}

export interface StartOptions {
  signal?: AbortSignal;
  /** Run in the main checkout instead of a shadow worktree (overrides `orchestrator.worktrees`). */
  inPlace?: boolean;
  /** The first mission this one re-plans, and the re-plan files so far (this one's last). */
  replanOf?: string;
  replans?: string[];
}

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
    const snap = await this.snapshotFor(task, cwd, resume ? prior?.snapshot : undefined);
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

  /** The snapshot Roll Back returns to: the one kept from before a paused run, else a new one. */
  private async snapshotFor(
    task: string,
    cwd: string,
    kept: string | undefined,
  ): Promise<{ ref: string; commit: string }> {
    const commit = kept ? await resolveCommit(cwd, kept) : undefined;
    return kept && commit ? { ref: kept, commit } : takeSnapshot(cwd, `mission/${task}`);
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
      const next = await this.afterFailure(o, agent, outcome);
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
    const locks = await this.lockFiles(o.plan, agent);
    try {
      const request = this.requestFor(o, { ...a, agent });
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
      for (const l of locks) void this.release(l);
    }
  }

  private async release(l: LockLease): Promise<void> {
    try {
      await l.release();
    } catch (e) {
      this.d.log.warn(`could not release ${l.path}: ${String(e)}`);
    }
  }

  private requestFor(
    o: ChainRun,
    a: { cli: string; agent: string; resume: boolean; earlier: readonly MissionAttempt[]; review?: MissionReview },
  ): RunRequest {
    const prompt = missionPrompt(o.plan, o.planFile, { earlier: [...a.earlier], worktree: o.worktree });
    return {
      cli: a.cli as RunRequest['cli'],
      agentId: a.agent,
      taskId: o.plan.meta.id,
      prompt: a.review ? `${reviewFeedback(a.review)}\n\n${prompt}` : prompt,
      cwd: o.cwd,
      maxTurns: o.c.limits.maxTurns,
      budgetUsd: o.c.limits.budgetUsd,
      timeoutSec: o.c.limits.timeoutSec,
      allowedTools: o.plan.meta.allowedTools,
      resume: a.resume,
      retries: this.d.config().orchestrator.retries,
      env: this.d.runEnv,
      // In place, the sandbox lets the agent write only the plan's files and its report's folder.
      writable: o.worktree ? undefined : [...o.plan.meta.files, '.claude/outbox'],
    };
  }

  /** Adds the run to the mission's attempts and cost. */
  private async recordAttempt(
    task: string,
    a: { agent: string; cli: string; outcome: RunOutcome },
  ): Promise<MissionAttempt> {
    const { outcome } = a;
    const attempt: MissionAttempt = {
      agent: a.agent,
      cli: a.cli,
      runId: outcome.runId,
      ok: outcome.ok,
      reason: outcome.reason,
      message: outcome.message,
      costUsd: outcome.costUsd,
      turns: outcome.turns,
      startedAt: outcome.startedAt,
      finishedAt: outcome.finishedAt,
    };
    const rec = await this.d.store.update(
      task,
      (r) => ({ attempts: [...r.attempts, attempt], costUsd: r.costUsd + outcome.costUsd }),
      this.d.clock.now(),
    );
    this.fire(rec);
    return attempt;
  }

  /**
   * After a failed run: a run waiting for approval stops the mission there (its changes stay for the resumed
   * session); any other failure is rolled back, then the mission stops (stopped), ends the chain (the day's
   * budget is spent for every agent) or tries the next agent.
   */
  private async afterFailure(
    o: ChainRun,
    agent: string,
    outcome: RunOutcome,
  ): Promise<'stop' | 'endChain' | 'nextAgent'> {
    const task = o.plan.meta.id;
    if (outcome.reason === 'awaitingApproval') {
      await this.set(task, 'awaitingApproval', {
        reason: `${agent} waits for approval of ${outcome.pendingApprovals.join(', ')} (fmes approve <id>, then run the mission again)`,
        approval: outcome.pendingApprovals[0],
      });
      return 'stop';
    }
    const back = await rollback(o.cwd, { ref: o.snapshotRef });
    this.note(
      task,
      `${agent} failed (${outcome.reason}: ${outcome.message}); rolled back ${back.restored.length} file(s)${back.movedAside.length ? `, moved ${back.movedAside.length} new file(s) to ${back.trash}` : ''}`,
    );
    if (outcome.reason === 'stopped') {
      await this.set(task, 'rolledBack', { reason: outcome.message });
      return 'stop';
    }
    return outcome.reason === 'dailyBudget' ? 'endChain' : 'nextAgent';
  }

  /** After a successful run: collect the report and the changes, then the post-run steps decide review or ready. */
  private async finishRun(
    o: ChainRun,
    r: { attempt?: MissionAttempt; outcome: RunOutcome; before: string; round?: number },
  ): Promise<MissionOutcome> {
    const task = o.plan.meta.id;
    const { collected, changed } = o.worktree ? await this.collectFromWorktree(o, r) : await this.collectInPlace(o, r);
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

  private async collectFromWorktree(
    o: ChainRun,
    r: { attempt?: MissionAttempt; outcome: RunOutcome },
  ): Promise<{ collected: CollectedReport; changed: string[] }> {
    const task = o.plan.meta.id;
    const { outcome } = r;
    const wt = this.worktrees();
    // The report leaves the worktree before the commit: it belongs to the bus, not to the branch.
    const collected = await collectReport({
      root: this.d.root,
      cwd: o.cwd,
      taskId: task,
      agent: r.attempt?.agent ?? outcome.agentId,
      sinceMs: Date.parse(outcome.startedAt),
      outcome,
      changedFiles: () => wt.changedFiles(task),
    });
    await wt.commitAll(
      task,
      `${task}: ${o.plan.meta.title}\n\nF-MES mission by ${outcome.agentId} (run ${outcome.runId}).`,
      { name: outcome.agentId, email: `${outcome.cli}@fmes.invalid` },
    );
    return { collected, changed: await wt.changedFiles(task) };
  }

  private async collectInPlace(
    o: ChainRun,
    r: { outcome: RunOutcome; before: string },
  ): Promise<{ collected: CollectedReport; changed: string[] }> {
    const task = o.plan.meta.id;
    // In place, the checkout may hold a person's own uncommitted work: only what changed since the snapshot counts.
    const after = await takeSnapshot(o.cwd, `mission/${task}/after`);
    const changed = await changedBetween(o.cwd, r.before, after.commit);
    const collected = await collectReport({
      root: this.d.root,
      cwd: o.cwd,
      taskId: task,
      agent: r.outcome.agentId,
      sinceMs: Date.parse(r.outcome.startedAt),
      outcome: r.outcome,
      changedFiles: async () => changed,
    });
    return { collected, changed };
  }

  /** The approval gate for high-risk and destructive plans: one approval per plan text. */
  private approvalGate(
    plan: Plan,
    rel: string,
    text: string,
    c: Classification,
  ): 'go' | { state: MissionStateName; reason: string; approval?: string } {
    if (!c.approval.required) return 'go';
    const store = new ApprovalStore(this.d.root);
    const input = { planFile: rel, taskId: plan.meta.id, sha256: createHash('sha256').update(text).digest('hex') };
    const found = store.find(this.d.me, 'plan', input);
    if (found?.status === 'approved') {
      store.use(found);
      return 'go';
    }
    if (found?.status === 'rejected')
      return {
        state: 'refused',
        reason: `rejected by ${found.decidedBy ?? 'a person'}${found.note ? `: ${found.note}` : ''}`,
        approval: found.id,
      };
    const a =
      found ??
      store.request({
        agent: this.d.me,
        taskId: plan.meta.id,
        tool: 'plan',
        toolInput: input,
        summary: `run plan ${rel}: ${plan.meta.title}`,
        reason: c.approval.reasons.join('; '),
      });
    return {
      state: 'awaitingApproval',
      reason: `needs approval (${c.approval.reasons.join('; ')}): fmes approve ${a.id}, then run the mission again`,
      approval: a.id,
    };
  }

  /** Waits while the plan's files overlap held locks, running missions or unmerged dependencies; the reason when refused. */
  private async waitForRoom(plan: Plan, signal?: AbortSignal): Promise<string | undefined> {
    const cfg = this.d.config().orchestrator;
    const deadline = this.d.clock.now() + cfg.waitTimeoutSec * 1000;
    let announced = false;
    for (;;) {
      // Stopped while waiting: never start the agent, even if the files came free at that very moment.
      if (signal?.aborted) return 'stopped while waiting for its files';
      const blockers = await this.blockers(plan);
      if (blockers.length === 0) return undefined;
      const text = blockers
        .map((b) =>
          b.kind === 'mission' && b.path === '' ? b.by : `${b.path} (${b.kind} ${b.heldPath} held by ${b.by})`,
        )
        .join('; ');
      if (cfg.onConflict === 'refuse' || this.d.clock.now() >= deadline || signal?.aborted) return `overlaps: ${text}`;
      if (!announced) {
        announced = true;
        await this.set(plan.meta.id, 'waiting', { reason: `waits for: ${text}`, blockedBy: blockers.map((b) => b.by) });
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  private async blockers(plan: Plan): Promise<Blocker[]> {
    const task = plan.meta.id;
    const { records } = this.d.store.list();
    const running = records
      .filter((r) => r.taskId !== task && CLAIMING.includes(r.state))
      .map((r) => ({ taskId: r.taskId, files: r.files }));
    // Stale locks do not block: the lock step breaks them. An invalid lock file with no path names nothing to overlap.
    const backend = this.d.lockBackend?.();
    const all =
      backend && backend.kind !== 'file'
        ? [
            ...(await backend.status()),
            ...this.d.locks.status({ markers: true }).filter((s) => s.holder.kind === 'marker'),
          ]
        : this.d.locks.status({ markers: true });
    const locks = all
      .filter((s) => !s.staleness.stale && s.holder.path !== undefined)
      .map((s) => ({ path: s.holder.path!, agent: holderAgent(s.holder) }));
    const v = checkOverlap(plan.meta.files, { locks, running, me: this.d.me });
    const out = v.ok ? [] : [...v.blockers];
    for (const dep of plan.meta.dependsOn ?? []) {
      const r = records.find((x) => x.taskId === dep);
      if (r?.state !== 'merged')
        out.push({ path: '', by: `depends on ${dep} (${r?.state ?? 'not started'})`, kind: 'mission', heldPath: '' });
    }
    return out;
  }

  private async lockFiles(plan: Plan, agent: string): Promise<LockLease[]> {
    const held: LockLease[] = [];
    const backend = this.d.lockBackend?.();
    try {
      for (const f of plan.meta.files) {
        const l = await (backend ?? this.d.locks).acquire(f, {
          agent,
          intent: `mission ${plan.meta.id}: ${plan.meta.title}`.slice(0, 200),
          waitMs: 30_000,
        });
        held.push(l);
        // A Redis lock bound to this process holds a short lease: its heartbeat keeps it for the whole run.
        if (backend && backend.kind !== 'file') {
          const ttl = Date.parse(l.record.expiresAt) - Date.parse(l.record.acquiredAt);
          l.startHeartbeat(Math.max(1000, ttl / 3), (e) => this.d.log.warn(`lost the lock on ${l.path}: ${String(e)}`));
        }
      }
    } catch (e) {
      for (const h of held) await this.release(h);
      throw e;
    }
    return held;
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

/** Paths that differ between two snapshot commits (both sides of renames), minus F-MES's own bus folders. */
async function changedBetween(cwd: string, a: string, b: string): Promise<string[]> {
  const { stdout } = await git(cwd, ['diff', '--name-only', '--no-renames', '-z', a, b]);
  return parseNulList(stdout).filter(
    (p) => !p.startsWith('.fmes/') && !p.startsWith('.locks/') && !p.startsWith('.claude/'),
  );
}
