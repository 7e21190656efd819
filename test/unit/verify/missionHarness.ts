import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AgentRun } from '../../../src/core/agents/agentRun';
import type { RunOutcome, RunRequest } from '../../../src/core/agents/runTypes';
import { parseConfig } from '../../../src/core/config';
import type { Core } from '../../../src/core/createCore';
import { Emitter } from '../../../src/core/event';
import type { MissionService } from '../../../src/core/orchestrator/missionService';
import { makeWorkspace, testCore, writeIn } from '../../fixtures/workspace';

// The lifecycle without agent CLIs (as missionService.test.ts does): each run is a stand-in decided by the test.
// The real CLIs go through the same paths in test/agents/verify.agent.test.ts.

export const GIT_ENV = {
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'Pat Merger',
  GIT_AUTHOR_EMAIL: 'pat@example.com',
  GIT_COMMITTER_NAME: 'Pat Merger',
  GIT_COMMITTER_EMAIL: 'pat@example.com',
};

// The merge commit's committer is who the inbox note says merged.
Object.assign(process.env, GIT_ENV);

export function git(root: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: root, env: { ...process.env, ...GIT_ENV }, encoding: 'utf8' });
}

/** What a stand-in run does: write files into its checkout, answer with text, succeed or fail. */
export interface FakeStep {
  files?: Record<string, string>;
  resultText?: string;
  ok?: boolean;
  message?: string;
}

function fakeRun(request: RunRequest, step: FakeStep): AgentRun {
  const events = new Emitter();
  const now = new Date().toISOString();
  for (const [f, text] of Object.entries(step.files ?? {})) {
    fs.mkdirSync(path.dirname(path.join(request.cwd!, f)), { recursive: true });
    fs.writeFileSync(path.join(request.cwd!, f), text);
  }
  const ok = step.ok ?? true;
  const outcome: RunOutcome = {
    runId: `run-${request.taskId}-${Math.random().toString(36).slice(2, 8)}`,
    agentId: request.agentId ?? request.cli,
    cli: request.cli,
    taskId: request.taskId,
    ok,
    reason: ok ? 'success' : 'apiError',
    message: step.message ?? (ok ? 'finished' : 'the model API failed'),
    sessionId: undefined,
    costUsd: 0.01,
    turns: 1,
    attempts: 1,
    exitCode: ok ? 0 : 1,
    resultText: step.resultText ?? 'done',
    denials: 0,
    pendingApprovals: [],
    transcript: '.fmes/runs/x.jsonl',
    startedAt: now,
    finishedAt: now,
  };
  return {
    onEvent: events.event,
    done: Promise.resolve(outcome),
    stop: () => Promise.resolve(outcome),
  } as unknown as AgentRun;
}

export interface Harness {
  root: string;
  core: Core;
  missions: MissionService;
  runs: RunRequest[];
  plan(id: string, extra?: string, files?: string[]): string;
  dispose(): void;
}

/**
 * A git workspace with F-MES's core; `script(request)` decides each run (the author's by `taskId`, the
 * reviewer's and auditor's by their `<task>-<role>` task ids).
 */
export async function harness(
  files: Record<string, string>,
  script: (request: RunRequest) => FakeStep,
  orchestrator?: Record<string, unknown>,
): Promise<Harness> {
  const ws = makeWorkspace({
    ...files,
    '.gitignore': `${files['.gitignore'] ?? ''}.fmes/missions/\n.fmes/runs/\n.locks/\n.trees/\n.claude/\n`,
  });
  const { config, issues } = parseConfig({ orchestrator: orchestrator ?? {} });
  if (issues.length) throw new Error(JSON.stringify(issues));
  git(ws.root, 'init', '-q', '-b', 'main');
  git(ws.root, 'add', '.');
  git(ws.root, 'commit', '-q', '-m', 'init');
  const core = testCore(ws.root);
  const runs: RunRequest[] = [];
  const missions = await core.createMissions({
    config: () => config,
    startRun: (request) => {
      runs.push(request);
      return Promise.resolve(fakeRun(request, script(request)));
    },
  });
  return {
    root: ws.root,
    core,
    missions,
    runs,
    plan: (id, extra = '', planFiles = ['src/']) =>
      writeIn(
        ws.root,
        `.antigravity/plans/${id}.md`,
        `---\nid: ${id}\ntitle: Plan ${id}\nfiles: [${planFiles.join(', ')}]\nrisk: low\nrollback: discard\n${extra}---\nDo it.\n`,
      ),
    dispose: () => {
      core.dispose();
      ws.cleanup();
    },
  };
}
