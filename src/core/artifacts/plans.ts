import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ArtifactIssue } from '../errors';
import type { Plan } from '../schemas/plan';
import { validateFile } from './parseArtifact';

/** Where planners put plans, relative to the workspace root. */
export const PLANS_DIR = '.antigravity/plans';

export interface PlanEntry {
  /** Workspace-relative, with `/` separators. */
  file: string;
  plan: Plan;
}

export interface InvalidPlanEntry {
  /** Workspace-relative, with `/` separators. */
  file: string;
  issues: readonly ArtifactIssue[];
}

export interface PlanListing {
  valid: PlanEntry[];
  invalid: InvalidPlanEntry[];
}

/** Reads and validates every `.antigravity/plans/*.md`, in name order. Never throws for bad content. */
export async function readPlans(root: string): Promise<PlanListing> {
  let names: string[];
  try {
    names = fs.readdirSync(path.join(root, PLANS_DIR));
  } catch {
    return { valid: [], invalid: [] };
  }
  const listing: PlanListing = { valid: [], invalid: [] };
  // Dot files are editors' swap files and half-written temp files, not plans.
  for (const name of names.filter((n) => n.endsWith('.md') && !n.startsWith('.')).sort()) {
    const file = `${PLANS_DIR}/${name}`;
    const r = await validateFile(path.join(root, file), 'plan');
    if (r.kind === 'plan' && r.ok) listing.valid.push({ file, plan: r.value });
    else if (!r.ok) listing.invalid.push({ file, issues: r.error.issues });
  }
  return listing;
}

/** The valid plans whose `id` is `id` (more than one when planners reused an id). */
export function plansWithId(listing: PlanListing, id: string): PlanEntry[] {
  return listing.valid.filter((e) => e.plan.meta.id === id);
}
