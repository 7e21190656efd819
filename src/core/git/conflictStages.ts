import { git } from './git';

/** The three sides of a conflicted file, from the index stages (empty when a side does not have the file). */
export interface ConflictStages {
  base: string;
  ours: string;
  theirs: string;
}

/**
 * Reads stages 1 (common ancestor), 2 (ours: the checkout's branch) and 3 (theirs: the agent's branch) of a
 * conflicted path: what a 3-way merge editor shows beside the result file.
 */
export async function conflictStages(root: string, relPath: string): Promise<ConflictStages> {
  const stage = async (n: 1 | 2 | 3) => {
    const r = await git(root, ['show', `:${n}:${relPath}`], { okExitCodes: [0, 128] });
    return r.exitCode === 0 ? r.stdout : '';
  };
  const [base, ours, theirs] = await Promise.all([stage(1), stage(2), stage(3)]);
  return { base, ours, theirs };
}
