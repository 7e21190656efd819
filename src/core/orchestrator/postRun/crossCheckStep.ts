import { crossCheck } from '../crossCheck';
import type { PostRunStep } from './postRunStep';

/**
 * The plan's declared files against what the branch changed and what the report says: undeclared changes,
 * failed tests or a report that is not a success hold the merge for a person.
 */
export const crossCheckStep: PostRunStep = {
  name: 'cross-check',
  run: (ctx) => {
    const { report } = ctx.collected;
    const check = crossCheck(ctx.plan.meta.files, ctx.changed, report);
    const reasons = [
      ...(check.undeclared.length ? [`undeclared changes: ${check.undeclared.join(', ')}`] : []),
      ...(check.failedTests ? [`${check.failedTests} test(s) failed`] : []),
      ...(report.status !== 'success' ? [`the report says ${report.status}`] : []),
    ];
    return { reasons, hold: !check.ok || report.status !== 'success', patch: { crossCheck: check } };
  },
};
