import type { LockBackendView } from '../../src/shared/protocol';
import { h } from './dom';
import { lockBackendNotice } from './lockNotice';

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
