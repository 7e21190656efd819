import type { LockBackendView } from '../../src/shared/protocol';
import { t } from './l10n';

/** What the header says about the lock backend: nothing for `.locks/`, a line for a server, an alert when down. */
export interface LockBackendNotice {
  tone: 'ok' | 'down';
  title: string;
  /** The host's message: which server, and what to check. */
  detail?: string;
}

export function lockBackendNotice(view: LockBackendView | undefined): LockBackendNotice | undefined {
  if (!view || view.kind === 'file') return undefined;
  if (view.ok) return { tone: 'ok', title: t('Locks live on {0}', view.where) };
  return {
    tone: 'down',
    title: t('Lock server down: {0}. Writes by agents are denied until it answers.', view.where),
    ...(view.message ? { detail: view.message } : {}),
  };
}
