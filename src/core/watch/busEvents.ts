import { formatIssues, type ArtifactError, type ArtifactIssue } from '../errors';
import type { InboxNote } from '../schemas/inbox';
import type { LockRecord } from '../schemas/lock';
import type { Plan } from '../schemas/plan';
import type { Report } from '../schemas/report';

/** Everything the bus watcher reports. `initial` marks what was already there when watching began. */
export type BusEvent =
  | { type: 'lock.acquired'; file: string; path: string; record: LockRecord; initial: boolean }
  | { type: 'lock.renewed'; file: string; path: string; record: LockRecord }
  | { type: 'lock.released'; file: string; path: string | undefined; record: LockRecord | undefined }
  | { type: 'lock.broken'; file: string; path: string | undefined; record: LockRecord | undefined }
  | { type: 'lock.invalid'; file: string; path: string | undefined; issues: readonly ArtifactIssue[]; initial: boolean }
  | { type: 'report.arrived'; file: string; report: Report; initial: boolean }
  | { type: 'report.invalid'; file: string; error: ArtifactError; initial: boolean }
  | { type: 'report.removed'; file: string }
  | { type: 'plan.added'; file: string; plan: Plan; initial: boolean }
  | { type: 'plan.changed'; file: string; plan: Plan }
  | { type: 'plan.invalid'; file: string; error: ArtifactError; initial: boolean }
  | { type: 'plan.removed'; file: string }
  | { type: 'cost.changed'; file: string; initial: boolean }
  /** A merge note for the planner (`.antigravity/inbox/<task>.json`). */
  | { type: 'inbox.arrived'; file: string; note: InboxNote; initial: boolean }
  | { type: 'inbox.invalid'; file: string; error: ArtifactError; initial: boolean }
  | { type: 'ready' };

export type BusEventType = BusEvent['type'];

/** A one-line, human-readable description of an event (for `fmes watch` and the log). */
export function describeBusEvent(e: BusEvent): string {
  switch (e.type) {
    case 'lock.acquired':
      return `lock acquired: ${e.path} by ${e.record.agent}${e.record.intent ? ` (${e.record.intent})` : ''}`;
    case 'lock.renewed':
      return `lock renewed: ${e.path} by ${e.record.agent} until ${e.record.expiresAt}`;
    case 'lock.released':
      return `lock released: ${e.path ?? e.file}${e.record ? ` by ${e.record.agent}` : ''}`;
    case 'lock.broken':
      return `lock broken: ${e.path ?? e.file}${e.record ? ` (was ${e.record.agent})` : ''}`;
    case 'lock.invalid':
      return `invalid lock file ${e.file}: ${formatIssues(e.issues)}`;
    case 'report.arrived':
      return `report: ${e.report.taskId} ${e.report.status} by ${e.report.agent} (${e.file})`;
    case 'report.invalid':
    case 'plan.invalid':
    case 'inbox.invalid':
      return `invalid ${e.type.split('.')[0]}: ${e.error.message}`;
    case 'inbox.arrived':
      return `inbox: ${e.note.taskId} merged by ${e.note.mergedBy} (${e.file})`;
    case 'plan.added':
      return `plan added: ${e.plan.meta.id} "${e.plan.meta.title}" (${e.file})`;
    case 'plan.changed':
      return `plan changed: ${e.plan.meta.id} "${e.plan.meta.title}" (${e.file})`;
    case 'plan.removed':
      return `plan removed: ${e.file}`;
    case 'report.removed':
      return `report removed: ${e.file}`;
    case 'cost.changed':
      return `cost log updated: ${e.file}`;
    case 'ready':
      return 'watching';
  }
}
