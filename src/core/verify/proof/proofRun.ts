import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { errorMessage } from '../../errors';
import { writeFileAtomic } from '../../fs/atomicWrite';
import { git } from '../../git/git';
import type { PlanProof } from '../../schemas/plan';
import type { MissionProof } from '../../schemas/verify';
import { startApp } from './appServer';
import { comparePngs } from './compare';
import { screenshot, type Shot } from './screenshot';

/** Where proof pictures go, workspace-relative (beside the reports). */
export const PROOF_DIR = '.claude/outbox';

export function proofFiles(task: string): { image: string; baseImage: string; diffImage: string } {
  return {
    image: `${PROOF_DIR}/${task}-proof.png`,
    baseImage: `${PROOF_DIR}/${task}-proof-base.png`,
    diffImage: `${PROOF_DIR}/${task}-proof-diff.png`,
  };
}

export interface ProofOptions {
  /** The main workspace (pictures go to its outbox; the base worktree is made from its repository). */
  root: string;
  /** The mission's checkout. */
  cwd: string;
  task: string;
  spec: PlanProof;
  /** The commit to compare with; none: a picture without a comparison. */
  baseCommit?: string;
  /** Folders of the main checkout linked into the base worktree (node_modules), as in mission worktrees. */
  linkDirs: readonly string[];
  /** Share of changed pixels above which the mission is held. */
  threshold: number;
  env?: Readonly<Record<string, string>>;
}

/** Starts the app in `cwd`, takes the picture, stops the app (its whole process tree) whatever happened. */
export async function capture(cwd: string, spec: PlanProof, env?: Readonly<Record<string, string>>): Promise<Shot> {
  const timeoutMs = (spec.timeoutSec ?? 60) * 1000;
  const app = await startApp({ start: spec.start, cwd, url: spec.url, timeoutMs, env });
  try {
    return await screenshot({ url: spec.url, waitFor: spec.waitFor, timeoutMs });
  } finally {
    await app.stop();
  }
}

/**
 * The visual proof of a mission: the page on the branch, the same page on the base (a temporary detached
 * worktree, removed afterwards), and their pixel difference. Never throws: what went wrong is `error`, and a
 * proof with an error or a change above the threshold holds the mission.
 */
export async function runProof(o: ProofOptions): Promise<MissionProof> {
  const files = proofFiles(o.task);
  const write = (rel: string, png: Buffer) => writeFileAtomic(path.join(o.root, rel), png);
  let head: Shot;
  try {
    head = await capture(o.cwd, o.spec, o.env);
  } catch (e) {
    return { url: o.spec.url, changed: true, consoleErrors: [], error: `no picture of the branch: ${errorMessage(e)}` };
  }
  await write(files.image, head.png);
  const proof: MissionProof = {
    url: o.spec.url,
    image: files.image,
    changed: false,
    consoleErrors: head.consoleErrors,
  };
  if (!o.baseCommit) return proof;
  let base: Shot;
  try {
    base = await withBaseWorktree(o, (dir) => capture(dir, o.spec, o.env));
  } catch (e) {
    // The page may be new on the branch: there is nothing to compare with, which a person should see.
    return { ...proof, changed: true, error: `no picture of the base: ${errorMessage(e)}` };
  }
  const cmp = await comparePngs(base.png, head.png);
  await write(files.baseImage, base.png);
  await write(files.diffImage, cmp.diff);
  // Errors the base already had are not the mission's.
  const fresh = head.consoleErrors.filter((m) => !base.consoleErrors.includes(m));
  return {
    ...proof,
    baseImage: files.baseImage,
    diffImage: files.diffImage,
    changedShare: cmp.share,
    changed: cmp.share > o.threshold,
    consoleErrors: fresh,
  };
}

async function withBaseWorktree<T>(o: ProofOptions, f: (dir: string) => Promise<T>): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fmes-proof-base-'));
  fs.rmdirSync(dir);
  await git(o.root, ['worktree', 'add', '--detach', '--quiet', dir, o.baseCommit!]);
  try {
    for (const d of o.linkDirs) {
      const from = path.join(o.root, d);
      if (fs.existsSync(from) && !fs.existsSync(path.join(dir, d))) {
        fs.mkdirSync(path.dirname(path.join(dir, d)), { recursive: true });
        fs.symlinkSync(from, path.join(dir, d), 'dir');
      }
    }
    return await f(dir);
  } finally {
    await git(o.root, ['worktree', 'remove', '--force', dir]).catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
    await git(o.root, ['worktree', 'prune']).catch(() => undefined);
  }
}
