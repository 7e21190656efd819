import type { AgentRunner } from '../agents/agentRunner';
import type { AgentRun } from '../agents/agentRun';
import type { RunEvent, RunRequest } from '../agents/runTypes';
import type { Clock } from '../clock';
import type { FmesConfig } from '../config';
import { FmesError } from '../errors';
import type { Logger } from '../log';
import type { LockBackend } from '../../hot/locks/lockBackend';
import type { LockManager } from '../../hot/locks/lockManager';
import type { MissionRecord, MissionStateName } from '../schemas/mission';
import type { MissionStore } from './missionStore';

export interface MissionDeps {
  /** The main workspace. */
  root: string;
  config: () => FmesConfig;
  log: Logger;
  clock: Clock;
  locks: LockManager;
  /** The configured lock backend (createCore's); without it, the file backend over `locks`. */
  lockBackend?: () => LockBackend;
  store: MissionStore;
  /** Started lazily: merging or discarding never loads the runner. */
  runner: () => Promise<AgentRunner>;
  /** The id F-MES acts under when it writes TODO.md, handoffs and approval requests. */
  me: string;
  /** Variables for every agent run (tests point the CLIs at a fake model API here). */
  runEnv?: Readonly<Record<string, string>>;
  /** Starts a run where people can watch it (the editor: an integrated terminal); default `runner.start`. */
  startRun?: (request: RunRequest) => Promise<AgentRun>;
}

export interface StartOptions {
  signal?: AbortSignal;
  /** Run in the main checkout instead of a shadow worktree (overrides `orchestrator.worktrees`). */
  inPlace?: boolean;
  /** The first mission this one re-plans, and the re-plan files so far (this one's last). */
  replanOf?: string;
  replans?: string[];
}

/** What a mission reports while it goes: the CLI prints these, the editor notifies and refreshes. */
export type MissionEvent =
  | { type: 'state'; record: MissionRecord }
  | { type: 'run'; taskId: string; agent: string; event: RunEvent }
  | { type: 'note'; taskId: string; message: string };

export interface MissionOutcome {
  taskId: string;
  state: MissionStateName;
  record: MissionRecord;
}

export type MissionErrorReason =
  /** No record of the mission exists. */
  | 'unknownMission'
  /** The mission's record exists but cannot be read or fails its schema (`details.file`). */
  | 'invalidRecord'
  | 'badState'
  | 'alreadyRunning'
  | 'noWorktree'
  | 'notConfirmed';

/** What a MissionError is about, for the adapters that word it (the CLI's Korean): never parsed from the message. */
export interface MissionErrorDetails {
  /** The record file (`invalidRecord`). */
  file?: string;
  /** The mission's state when refused. */
  state?: string;
  /** The action refused (a MissionAction of missionTable.ts). */
  action?: string;
  /** Why a merge needs review (the record's own reason). */
  why?: string;
  /** What the mission lacks (`badState`: `snapshot`). */
  missing?: 'snapshot';
}

/** A mission action that does not apply (merge of a running mission, discard without confirmation, …). */
export class MissionError extends FmesError<MissionErrorReason> {
  readonly kind = 'mission';
  constructor(
    reason: MissionErrorReason,
    readonly taskId: string,
    message: string,
    readonly details: MissionErrorDetails = {},
  ) {
    super(reason, message);
  }

  static is(e: unknown, reason?: MissionErrorReason): e is MissionError {
    return e instanceof MissionError && (reason === undefined || e.reason === reason);
  }
}

/**
 * The exit status of `fmes mission run`: 0 ready to merge or merged, 4 waits for a person, 5 handed off, 75 refused
 * or waiting for room (as a held lock), 1 otherwise.
 */
export function missionExitCode(state: MissionStateName): number {
  switch (state) {
    case 'readyToMerge':
    case 'merged':
      return 0;
    case 'review':
    case 'awaitingApproval':
    case 'conflicted':
      return 4;
    case 'handedOff':
      return 5;
    case 'refused':
    case 'waiting':
      return 75;
    default:
      return 1;
  }
}
