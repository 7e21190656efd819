import { runProof } from '../../verify/proof/proofRun';
import type { PostRunStep } from './postRunStep';

/**
 * The plan's visual proof (`proof:` in its front matter): a screenshot of the page on the branch beside the
 * base's and their difference. A change above `orchestrator.proofThreshold`, new console errors, or no picture
 * at all hold the merge for a person, who sees both pictures in the dashboard.
 */
export const proofStep: PostRunStep = {
  name: 'visual proof',
  run: async (ctx) => {
    const spec = ctx.plan.meta.proof;
    if (!spec) return { patch: { proof: undefined } };
    const cfg = ctx.config?.().orchestrator;
    const proof = await runProof({
      root: ctx.root,
      cwd: ctx.cwd,
      task: ctx.plan.meta.id,
      spec,
      baseCommit: ctx.record.baseCommit ?? ctx.record.snapshot,
      linkDirs: cfg?.linkDirs ?? ['node_modules'],
      threshold: cfg?.proofThreshold ?? 0.01,
    });
    const reasons = [
      ...(proof.error ? [`visual proof: ${proof.error}`] : []),
      ...(proof.changedShare !== undefined && proof.changed
        ? [`visual change: ${(proof.changedShare * 100).toFixed(2)}% of ${spec.url} differs from the base`]
        : []),
      ...proof.consoleErrors.map((m) => `console error on ${spec.url}: ${m}`),
    ];
    return { reasons, hold: proof.changed || proof.consoleErrors.length > 0, patch: { proof } };
  },
};
