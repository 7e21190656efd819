import * as fs from 'node:fs';
import * as path from 'node:path';

/** Where each kind of artifact lives, relative to the workspace root. */
const LOCATIONS: { dir: string; suffix: string }[] = [
  { dir: '.locks', suffix: '.lock' },
  { dir: '.claude/outbox', suffix: '.json' },
  { dir: '.antigravity/plans', suffix: '.md' },
  { dir: '.claude/cost_logs', suffix: '.jsonl' },
  { dir: '.antigravity/inbox', suffix: '.json' },
];
const ROOT_FILES = ['HANDOFF_REPORT.md', 'handoff.md', '.fmes/rules.yaml'];
/** Handoffs written while HANDOFF_REPORT.md existed (`HANDOFF_REPORT-<task>-<stamp>.md`, see handoffs.ts). */
export const EXTRA_HANDOFF = /^HANDOFF_REPORT-[A-Za-z0-9._-]+\.md$/i;

/** Every artifact file on the bus (absolute paths), for "Validate Artifacts" and `fmes validate --all`. */
export function listBusArtifacts(root: string): string[] {
  const out: string[] = [];
  for (const { dir, suffix } of LOCATIONS) {
    let names: string[];
    try {
      names = fs.readdirSync(path.join(root, dir));
    } catch {
      continue;
    }
    for (const n of names.sort()) if (n.endsWith(suffix) && !n.startsWith('.tmp')) out.push(path.join(root, dir, n));
  }
  for (const f of ROOT_FILES) if (fs.existsSync(path.join(root, f))) out.push(path.join(root, f));
  let top: string[] = [];
  try {
    top = fs.readdirSync(root);
  } catch {
    // No workspace folder: nothing more to list.
  }
  for (const n of top.sort()) if (EXTRA_HANDOFF.test(n)) out.push(path.join(root, n));
  return out;
}
