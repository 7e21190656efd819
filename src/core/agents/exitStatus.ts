import type { RunOutcome } from './runTypes';
import { BREACHES } from './types';

const SIGNAL_NUMBERS: Readonly<Record<string, number>> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };

/**
 * The exit status of a run, the same for `fmes run` and the editor's agent terminal: 0 success, 3 a limit
 * stopped it, 127 the CLI could not be started, 4 a call awaits a person's approval, 128+n when stopped by signal n (130 for Ctrl+C, the default
 * for a stop), else 1.
 */
export function exitStatusOf(o: RunOutcome, signal: NodeJS.Signals | 'SIGINT' = 'SIGINT'): number {
  if (o.ok) return 0;
  if (o.reason === 'stopped') return 128 + (SIGNAL_NUMBERS[signal] ?? 2);
  if (BREACHES.includes(o.reason)) return 3;
  if (o.reason === 'spawnFailed') return 127;
  if (o.reason === 'awaitingApproval') return 4;
  return 1;
}
