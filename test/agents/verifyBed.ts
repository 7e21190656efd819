/**
 * Scratch repositories for the verification steps with the real CLIs (verify*.agent.test.ts): a committed
 * base, a plan whose body scripts the fake model per provider, and readers for the mission record and the
 * cost logs. One fake model API per test file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before } from 'node:test';
import type { AgentCli, Scratch } from './cliEnv';
import { startFakeModelApi, type FakeModelApi } from './fakeModelApi';
import { multiAgentWorkspace } from './runHarness';

import { git } from '../fixtures/git';

export { git };

/** The mission record's fields these tests read. */
export type Rec = {
  state: string;
  reason?: string;
  rules?: {
    violations: { file: string; line: number; rule: string; message: string; source?: string }[];
    unchecked: string[];
    audit?: { agent: string; ok: boolean; message: string };
  };
  review?: {
    agent: string;
    verdict: string;
    summary: string;
    rounds: number;
    comments: { file: string; line: number }[];
  };
  attempts: { agent: string; cli: string; ok: boolean }[];
  replans?: string[];
  replanOf?: string;
  worktree?: string;
};

export function record(dir: string, task: string): Rec {
  return JSON.parse(fs.readFileSync(path.join(dir, '.fmes/missions', `${task}.json`), 'utf8')) as Rec;
}

/** A file of the mission's checkout (its worktree, or the workspace for an in-place mission). */
export function missionFile(dir: string, task: string, file: string): string {
  return fs.readFileSync(path.join(dir, record(dir, task).worktree ?? '.', file), 'utf8');
}

/** The `agent` of every cost-log line, in file order. */
export function costAgents(dir: string): string[] {
  const logs = path.join(dir, '.claude/cost_logs');
  return fs
    .readdirSync(logs)
    .flatMap((f) => fs.readFileSync(path.join(logs, f), 'utf8').split('\n').filter(Boolean))
    .map((l) => (JSON.parse(l) as { agent: string }).agent);
}

/** Writes `.antigravity/plans/<id>.md` (risk low, rollback git revert) and returns its path. */
export function plan(dir: string, id: string, files: string[], body: string): string {
  const file = path.join(dir, '.antigravity/plans', `${id}.md`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(
    file,
    `---\nid: ${id}\ntitle: Mission ${id}\nfiles: [${files.join(', ')}]\nrisk: low\nrollback: git revert\n---\n\n${body}\n`,
  );
  return file;
}

export interface VerifyBed {
  api: () => FakeModelApi;
  /**
   * A repository whose config points `clis` at the fake, with `orchestrator` settings (and any other top-level
   * `config`) and `files` committed.
   */
  repo: (
    orchestrator: Record<string, unknown>,
    files: Record<string, string>,
    clis?: readonly AgentCli[],
    config?: Record<string, unknown>,
  ) => Promise<string>;
}

/** Call at the top of a test file: the fake model API lives for the file, the scratches are removed after it. */
export function verifyBed(): VerifyBed {
  let api: FakeModelApi | undefined;
  const scratches: Scratch[] = [];
  before(async () => {
    api = await startFakeModelApi();
  });
  after(async () => {
    await api?.close();
    for (const s of scratches) await s.cleanup();
  });
  const fake = (): FakeModelApi => {
    if (!api) throw new Error('the fake model API starts in before()');
    return api;
  };
  return {
    api: fake,
    repo: async (orchestrator, files, clis = ['claude', 'gemini'], config = {}) => {
      const s = await multiAgentWorkspace(clis, fake(), {
        ...config,
        orchestrator: { chain: ['claude'], retries: 0, ...orchestrator },
      });
      scratches.push(s);
      for (const [f, t] of Object.entries({
        ...files,
        '.gitignore': '.fmes/missions/\n.fmes/runs/\n.locks/\n.trees/\n.claude/\n.env\n',
      })) {
        fs.mkdirSync(path.dirname(path.join(s.dir, f)), { recursive: true });
        fs.writeFileSync(path.join(s.dir, f), t);
      }
      git(s.dir, 'add', '.');
      git(s.dir, 'commit', '-q', '-m', 'base');
      return s.dir;
    },
  };
}
