import { errorMessage } from '../../errors';
import { predictMerge } from '../../git/merge';
import type { PostRunStep } from './postRunStep';

/**
 * The conflicts a merge of the mission's branch would have now (`git merge-tree`, nothing touched): shown
 * with the merge prompt, never a hold (the person may merge and resolve). In-place missions have no branch.
 */
export const mergePredictionStep: PostRunStep = {
  name: 'merge prediction',
  run: async (ctx) => {
    if (!ctx.record.branch) return { patch: { predictedConflicts: undefined } };
    const p = await predictMerge(ctx.root, ctx.record.branch).catch((e: unknown) => {
      ctx.note(`could not predict the merge: ${errorMessage(e)}`);
      return undefined;
    });
    const predicted = p?.conflicts;
    return {
      reasons: predicted?.length ? [`merge will conflict in ${predicted.join(', ')}`] : [],
      patch: { predictedConflicts: predicted },
    };
  },
};
