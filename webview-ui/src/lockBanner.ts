import type { LockBackendView } from '../../src/shared/protocol';
import { h } from './dom';
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

/** The notice as the header shows it; a server that is down is an alert (read out by screen readers). */
export function renderLockBanner(view: LockBackendView | undefined): HTMLElement | undefined {
  const n = lockBackendNotice(view);
  if (!n) return undefined;
  return h(
    'div',
    {
      class: `lock-backend ${n.tone}`,
      attrs: { 'data-field': 'lockBackend', 'data-state': n.tone, ...(n.tone === 'down' ? { role: 'alert' } : {}) },
    },
    h('strong', {}, n.title),
    n.detail ? h('p', { class: 'detail' }, n.detail) : undefined,
  );
}
