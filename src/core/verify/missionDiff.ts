import { git } from '../git/git';
import type { PostRunContext } from '../orchestrator/postRun/postRunStep';

/**
 * What the mission's changes are measured against: the commit its branch started from, or (in place) the
 * snapshot taken before the run. Undefined when there is neither (nothing to diff).
 */
export function diffBase(ctx: PostRunContext): string | undefined {
  return ctx.record.baseCommit ?? ctx.record.snapshot;
}

/** The mission's diff as text for a model (audit, review), cut at `maxChars` with a note saying so. */
export async function missionDiffText(ctx: PostRunContext, maxChars = 120_000): Promise<string> {
  const base = diffBase(ctx);
  if (!base || ctx.changed.length === 0) return '(no changes)';
  const { stdout } = await git(ctx.cwd, ['diff', '--no-color', '--no-ext-diff', base, '--', ...ctx.changed]);
  return stdout.length > maxChars
    ? `${stdout.slice(0, maxChars)}\n… (diff cut at ${maxChars} of ${stdout.length} characters)`
    : stdout;
}
