/**
 * A first plan for people new to F-MES (the walkthrough's "Write a first plan" and F-MES: New Plan…): a valid
 * plan whose comments say what each field does, so saving it as it is already gives a mission to start.
 */

/** The folder plans live in, workspace-relative. */
export const PLANS_DIR = '.antigravity/plans';

/** A task id from the time: `T-<yyyymmdd>-<hhmm>` (local time), path-safe as task ids must be. */
export function planIdAt(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `T-${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}`;
}

/** The plan's text. `title` is written as a YAML double-quoted string, so any one line is safe. */
export function planTemplate(o: { id: string; title: string }): string {
  const title = o.title.replace(/[\r\n]+/g, ' ').trim() || 'My first mission';
  return [
    '---',
    `id: ${o.id}`,
    `title: ${JSON.stringify(title)}`,
    '# The agent that starts it: claude, gemini, codex, or auto (the routing rules pick).',
    'agent: auto',
    '# Every file or folder (ending in /) the agent may change; F-MES locks them while it runs.',
    'files: [src/]',
    '# low, medium or high: high waits for a person to approve it before anything runs.',
    'risk: low',
    `rollback: discard the fmes/${o.id} branch`,
    '# Limits of one run (optional).',
    'maxTurns: 20',
    'budgetUsd: 1',
    '---',
    '',
    `# ${title}`,
    '',
    '1. Say what to change, step by step, as you would to a colleague.',
    '2. Say how to check it (the tests to run).',
    '',
  ].join('\n');
}
