import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { isErrnoException, type ArtifactIssue } from '../errors';
import { writeFileAtomic } from '../fs/atomicWrite';
import { agentId, isoDateTime, taskId, toArtifactIssues } from '../schemas/common';
import { AGENT_KINDS, type RunEndReason } from './types';

/** Where sessions are kept: one small JSON file per task, so concurrent runs of different tasks never share a file. */
export const SESSIONS_DIR = '.fmes/sessions';

const sessionEntrySchema = z.object({
  /** Which CLI the session belongs to (a session id means nothing to another CLI). */
  cli: z.enum(AGENT_KINDS),
  /** The CLI's session id, as read from its latest result (or init). */
  sessionId: z.string().min(1),
  /** The CLI's cumulative cost for this session at its latest result: the base for the next delta. */
  totalCostUsd: z.number().nonnegative().default(0),
  updatedAt: isoDateTime,
  /** How the latest attempt ended. */
  lastOutcome: z.string().optional(),
  /** What the latest attempt said or failed with: seeds a fresh session when this one cannot be resumed. */
  summary: z.string().max(8_000).optional(),
});

export const sessionFileSchema = z.object({
  version: z.literal(1),
  taskId,
  /** Agent id → its session for this task. */
  agents: z.record(agentId, sessionEntrySchema),
});

export type SessionEntry = z.output<typeof sessionEntrySchema>;
export type SessionFile = z.output<typeof sessionFileSchema>;

/**
 * Task id → session id per agent. Resume reads the id the CLI reported last; cost deltas start from the
 * cumulative figure stored here. Writes are atomic; an invalid file is moved aside (never overwritten) and
 * reported with its file and field.
 */
export class SessionStore {
  constructor(
    private readonly root: string,
    private readonly onIssue: (file: string, issues: readonly ArtifactIssue[]) => void = () => {},
  ) {}

  fileOf(task: string): string {
    return path.join(this.root, SESSIONS_DIR, `${task}.json`);
  }

  /** The task's sessions; an unreadable or invalid file reads as none (and is reported). */
  read(task: string): SessionFile {
    const file = this.fileOf(task);
    const empty: SessionFile = { version: 1, taskId: task, agents: {} };
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      if (isErrnoException(e, 'ENOENT')) return empty;
      throw e;
    }
    const issues = this.validate(text);
    if (issues.length === 0) return sessionFileSchema.parse(JSON.parse(text));
    this.onIssue(file, issues);
    return empty;
  }

  get(task: string, agent: string): SessionEntry | undefined {
    return this.read(task).agents[agent];
  }

  /** All tasks with a stored session (for "Resume Session…"). */
  list(): SessionFile[] {
    let names: string[];
    try {
      names = fs.readdirSync(path.join(this.root, SESSIONS_DIR));
    } catch {
      return [];
    }
    return names
      .filter((n) => n.endsWith('.json'))
      .map((n) => this.read(n.slice(0, -5)))
      .filter((f) => Object.keys(f.agents).length > 0);
  }

  async put(
    task: string,
    agent: string,
    entry: Omit<SessionEntry, 'updatedAt'> & { updatedAt?: string },
  ): Promise<void> {
    const file = this.fileOf(task);
    await this.setAsideIfInvalid(file);
    const current = this.read(task);
    const next: SessionFile = {
      ...current,
      agents: { ...current.agents, [agent]: { ...entry, updatedAt: entry.updatedAt ?? new Date().toISOString() } },
    };
    await writeFileAtomic(file, `${JSON.stringify(sessionFileSchema.parse(next), null, 2)}\n`);
  }

  async setOutcome(task: string, agent: string, outcome: RunEndReason, summary: string | undefined): Promise<void> {
    const cur = this.get(task, agent);
    if (!cur) return;
    await this.put(task, agent, {
      ...cur,
      lastOutcome: outcome,
      summary: summary?.slice(0, 8_000) ?? cur.summary,
      updatedAt: undefined,
    });
  }

  private validate(text: string): ArtifactIssue[] {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      return [{ field: '', message: `not valid JSON (${(e as Error).message})` }];
    }
    const r = sessionFileSchema.safeParse(json);
    return r.success ? [] : toArtifactIssues(r.error);
  }

  private async setAsideIfInvalid(file: string): Promise<void> {
    let text: string;
    try {
      text = await fs.promises.readFile(file, 'utf8');
    } catch {
      return;
    }
    if (this.validate(text).length === 0) return;
    const aside = `${file}.invalid-${Date.now()}`;
    await fs.promises.rename(file, aside);
    this.onIssue(file, [{ field: '', message: `invalid; kept as ${path.basename(aside)} and started anew` }]);
  }
}
