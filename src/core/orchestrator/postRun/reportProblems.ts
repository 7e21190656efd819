import type { PostRunStep } from './postRunStep';

/** What went wrong while collecting the report (several reports, an invalid one): said, but no hold by itself. */
export const reportProblemsStep: PostRunStep = {
  name: 'report problems',
  run: (ctx) => ({ reasons: [...ctx.collected.problems] }),
};
