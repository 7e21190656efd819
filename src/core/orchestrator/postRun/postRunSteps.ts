import type { MissionStateName } from '../../schemas/mission';
import type { MissionRecord } from '../../schemas/mission';
import type { MissionReview } from '../../schemas/verify';
import { crossCheckStep } from './crossCheckStep';
import { mergePredictionStep } from './mergePredictionStep';
import type { PostRunContext, PostRunStep } from './postRunStep';
import { proofStep } from './proofStep';
import { reportProblemsStep } from './reportProblems';
import { reviewStep } from './reviewStep';
import { rulesStep } from './rulesStep';

/**
 * The checks between an agent's successful run and the merge decision, in order. The lifecycle's one place
 * for a new one: add its file beside these and its entry here.
 */
export const POST_RUN_STEPS: readonly PostRunStep[] = [
  reportProblemsStep,
  crossCheckStep,
  rulesStep,
  proofStep,
  reviewStep,
  mergePredictionStep,
];

/** Runs the steps in turn; the mission is ready to merge when none holds it, else in review with every reason. */
export async function runPostRunSteps(
  ctx: PostRunContext,
  steps: readonly PostRunStep[] = POST_RUN_STEPS,
): Promise<{ state: MissionStateName; change: Partial<MissionRecord>; retry?: MissionReview }> {
  const reasons: string[] = [];
  let hold = false;
  let patch: Partial<MissionRecord> = {};
  let retry: MissionReview | undefined;
  for (const step of steps) {
    const found = await step.run(ctx);
    reasons.push(...(found.reasons ?? []));
    hold ||= !!found.hold;
    patch = { ...patch, ...found.patch };
    retry ??= found.retry;
    ctx.log.debug(`${ctx.plan.meta.id}: ${step.name}${found.hold ? ' holds the merge' : ''}`);
  }
  return {
    state: hold ? 'review' : 'readyToMerge',
    change: { ...patch, report: ctx.collected.file, reason: reasons.length ? reasons.join('; ') : undefined },
    ...(retry ? { retry } : {}),
  };
}
