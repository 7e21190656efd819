// Room for a plan to run: what blocks its files (held locks, claiming missions, unmerged dependencies), and
// the wait for them to come free.
import { holderAgent } from '../../hot/locks/holders';
import type { MissionRecord, MissionStateName } from '../schemas/mission';
import type { Plan } from '../schemas/plan';
import type { MissionDeps } from './missionTypes';
import { checkOverlap, type Blocker } from './overlap';

/** Missions whose files are spoken for: a new plan must not overlap them. */
const CLAIMING: readonly MissionStateName[] = ['running', 'review', 'readyToMerge', 'conflicted'];

/**
 * Waits while the plan's files overlap held locks, running missions or unmerged dependencies; the reason when
 * refused. `waiting` records the wait once, when it starts.
 */
export async function waitForRoom(
  d: MissionDeps,
  plan: Plan,
  signal: AbortSignal | undefined,
  waiting: (change: Partial<MissionRecord>) => Promise<unknown>,
): Promise<string | undefined> {
  const cfg = d.config().orchestrator;
  const deadline = d.clock.now() + cfg.waitTimeoutSec * 1000;
  let announced = false;
  for (;;) {
    // Stopped while waiting: never start the agent, even if the files came free at that very moment.
    if (signal?.aborted) return 'stopped while waiting for its files';
    const blockers = await blockersOf(d, plan);
    if (blockers.length === 0) return undefined;
    const text = blockers
      .map((b) =>
        b.kind === 'mission' && b.path === '' ? b.by : `${b.path} (${b.kind} ${b.heldPath} held by ${b.by})`,
      )
      .join('; ');
    if (cfg.onConflict === 'refuse' || d.clock.now() >= deadline || signal?.aborted) return `overlaps: ${text}`;
    if (!announced) {
      announced = true;
      await waiting({ reason: `waits for: ${text}`, blockedBy: blockers.map((b) => b.by) });
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function blockersOf(d: MissionDeps, plan: Plan): Promise<Blocker[]> {
  const task = plan.meta.id;
  const { records } = d.store.list();
  const running = records
    .filter((r) => r.taskId !== task && CLAIMING.includes(r.state))
    .map((r) => ({ taskId: r.taskId, files: r.files }));
  // Stale locks do not block: the lock step breaks them. An invalid lock file with no path names nothing to overlap.
  const backend = d.lockBackend?.();
  const all =
    backend && backend.kind !== 'file'
      ? [...(await backend.status()), ...d.locks.status({ markers: true }).filter((s) => s.holder.kind === 'marker')]
      : d.locks.status({ markers: true });
  const locks = all
    .filter((s) => !s.staleness.stale && s.holder.path !== undefined)
    .map((s) => ({ path: s.holder.path!, agent: holderAgent(s.holder) }));
  const v = checkOverlap(plan.meta.files, { locks, running, me: d.me });
  const out = v.ok ? [] : [...v.blockers];
  for (const dep of plan.meta.dependsOn ?? []) {
    const r = records.find((x) => x.taskId === dep);
    if (r?.state !== 'merged')
      out.push({ path: '', by: `depends on ${dep} (${r?.state ?? 'not started'})`, kind: 'mission', heldPath: '' });
  }
  return out;
}
