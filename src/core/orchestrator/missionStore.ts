import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatIssues, isErrnoException, type ArtifactIssue } from '../errors';
import { writeFileAtomic } from '../fs/atomicWrite';
import { toArtifactIssues } from '../schemas/common';
import { missionRecordSchema, type MissionRecord } from '../schemas/mission';
import { schemaText } from '../i18n/schemaText';

/** One JSON file per mission, so concurrent missions never share a file. */
export const MISSIONS_DIR = '.fmes/missions';

export interface InvalidMission {
  /** Workspace-relative file name. */
  file: string;
  issues: ArtifactIssue[];
}

export type MissionRead =
  { ok: true; record: MissionRecord } | { ok: false; invalid: InvalidMission } | { ok: false; invalid?: undefined };

/**
 * `.fmes/missions/<task>.json`: where each mission stands. Writes are atomic (temp file + rename); a file a
 * person or a crash left invalid is reported with its field and never overwritten by `update` (the caller
 * decides; `put` replaces it only when told to).
 */
export class MissionStore {
  constructor(readonly root: string) {}

  fileOf(task: string): string {
    return path.join(this.root, MISSIONS_DIR, `${task}.json`);
  }

  relFileOf(task: string): string {
    return `${MISSIONS_DIR}/${task}.json`;
  }

  /** The record of a task: `ok:false` with no `invalid` when there is none. */
  read(task: string): MissionRead {
    return this.readFile(this.fileOf(task));
  }

  get(task: string): MissionRecord | undefined {
    const r = this.read(task);
    return r.ok ? r.record : undefined;
  }

  /** Every record, newest first, with the files that did not parse. */
  list(): { records: MissionRecord[]; invalid: InvalidMission[] } {
    let names: string[];
    try {
      names = fs
        .readdirSync(path.join(this.root, MISSIONS_DIR))
        .filter((n) => n.endsWith('.json') && !n.startsWith('.'));
    } catch (e) {
      if (isErrnoException(e, 'ENOENT')) return { records: [], invalid: [] };
      throw e;
    }
    const records: MissionRecord[] = [];
    const invalid: InvalidMission[] = [];
    for (const n of names) {
      const r = this.readFile(path.join(this.root, MISSIONS_DIR, n));
      if (r.ok) records.push(r.record);
      else if (r.invalid) invalid.push(r.invalid);
    }
    records.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
    return { records, invalid };
  }

  /** Writes a record (validated first: a bad record is a bug here and throws rather than lands). */
  async put(record: MissionRecord): Promise<MissionRecord> {
    const checked = missionRecordSchema.parse(record);
    await writeFileAtomic(this.fileOf(checked.taskId), `${JSON.stringify(checked, null, 2)}\n`);
    return checked;
  }

  /**
   * Applies `change` to the stored record and writes it, stamping `updatedAt`. Missions of one task are
   * driven by one orchestrator at a time (it holds the task's plan lock), so read-modify-write is safe here.
   */
  async update(
    task: string,
    change: (r: MissionRecord) => Partial<MissionRecord>,
    now = Date.now(),
  ): Promise<MissionRecord> {
    const r = this.read(task);
    if (!r.ok)
      throw new Error(r.invalid ? `${r.invalid.file}: ${formatIssues(r.invalid.issues)}` : `no mission ${task}`);
    return this.put({ ...r.record, ...change(r.record), updatedAt: new Date(now).toISOString() });
  }

  private readFile(file: string): MissionRead {
    const rel = path.relative(this.root, file).split(path.sep).join('/');
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      if (isErrnoException(e, 'ENOENT')) return { ok: false };
      return {
        ok: false,
        invalid: {
          file: rel,
          issues: [{ field: '', message: schemaText('unreadableSaid', { said: (e as Error).message }) }],
        },
      };
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      return {
        ok: false,
        invalid: {
          file: rel,
          issues: [{ field: '', message: schemaText('notJsonSaid', { said: (e as Error).message }) }],
        },
      };
    }
    const parsed = missionRecordSchema.safeParse(json);
    if (!parsed.success) return { ok: false, invalid: { file: rel, issues: toArtifactIssues(parsed.error) } };
    return { ok: true, record: parsed.data };
  }
}
