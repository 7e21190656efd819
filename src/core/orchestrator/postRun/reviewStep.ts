import { authorOf, pickReviewer, runReview } from '../../verify/review';
import type { PostRunStep } from './postRunStep';

/**
 * Cross-model review (`orchestrator.review`): a reviewer of another vendor than the author reads the plan, the
 * diff and the report and approves or requests changes with file:line comments. Requested changes, a reviewer
 * that fails, and a review that cannot be cross-model hold the merge; the dashboard shows the review.
 */
export const reviewStep: PostRunStep = {
  name: 'review',
  run: async (ctx) => {
    const cfg = ctx.config?.().orchestrator.review;
    if (!cfg || cfg.agent === '' || !cfg.when.includes(ctx.plan.meta.risk)) return { patch: { review: undefined } };
    const author = authorOf(ctx);
    const reviewer = pickReviewer(cfg, author, ctx.record.chain);
    if (reviewer === undefined) return {};
    if (reviewer === 'sameVendor')
      return {
        reasons: [`review: no reviewer of another vendor than the author (${author ?? 'unknown'})`],
        hold: true,
        patch: { review: undefined },
      };
    const r = await runReview(ctx, reviewer, ctx.reviewRound ?? 0);
    if (!r.review)
      return { reasons: [`review by ${reviewer} failed: ${r.problem}`], hold: true, patch: { review: undefined } };
    const changes = r.review.verdict === 'request_changes';
    return {
      reasons: changes
        ? [
            `${r.review.agent} requests changes${r.review.summary ? `: ${r.review.summary}` : ''}`,
            ...r.review.comments.map((c) => `${c.file}:${c.line}: ${c.message}`),
          ]
        : [],
      hold: changes,
      patch: { review: r.review },
      ...(changes ? { retry: r.review } : {}),
    };
  },
};
