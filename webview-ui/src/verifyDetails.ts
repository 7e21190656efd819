import type { VerifyView } from '../../src/shared/verifyView';
import { t, tn } from './l10n';

type Child = Node | string | undefined | false;

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) if (c !== undefined && c !== false) e.append(c);
  return e;
}

/** A link to a workspace file, handled by main.ts's one click listener like every other file link. */
const fileLink = (file: string, label = file) => el('a', { class: 'file-link', href: '#', 'data-file': file }, label);
const place = (file: string, line: number) => fileLink(file, `${file}:${line}`);

function figure(src: string | undefined, caption: string, file?: string): HTMLElement | undefined {
  if (!src) return undefined;
  // Only data: PNGs arrive here (the protocol checks it); the CSP allows no other image source but the webview's.
  return el(
    'figure',
    { class: 'proof-image' },
    el('img', { src, alt: caption, loading: 'lazy' }),
    el('figcaption', {}, file ? fileLink(file, caption) : caption),
  );
}

/** The verification of a mission under its merge prompt: rule violations, the visual proof, the review. */
export function verifyDetails(v: VerifyView): HTMLElement {
  const box = el('div', { class: 'verify', 'data-verify': '' });
  const r = v.rules;
  if (r && (r.violations.length || r.unchecked.length || r.audit))
    box.append(
      el(
        'div',
        { class: 'verify-rules', 'data-verify-part': 'rules' },
        el('h4', {}, tn(r.violations.length, 'Rules: {0} violation', 'Rules: {0} violations')),
        el(
          'ul',
          {},
          ...r.violations.map((x) =>
            el('li', {}, place(x.file, x.line), ` ${x.rule}: ${x.message}`, x.source ? ` (${x.source})` : undefined),
          ),
          ...r.unchecked.map((u) => el('li', { class: 'unchecked' }, t('not checked: {0}', u))),
        ),
        r.audit && el('p', { class: 'audit' }, t('Audit: {0}', r.audit)),
      ),
    );
  const p = v.proof;
  if (p)
    box.append(
      el(
        'div',
        { class: 'verify-proof', 'data-verify-part': 'proof' },
        el(
          'h4',
          {},
          t('Visual proof of {0}: ', p.url),
          p.error
            ? p.error
            : p.changedShare === undefined
              ? t('no base to compare with')
              : p.changed
                ? t('{0}% changed (above the threshold)', (p.changedShare * 100).toFixed(2))
                : t('{0}% changed', (p.changedShare * 100).toFixed(2)),
        ),
        el(
          'div',
          { class: 'proof-images' },
          figure(p.image, t('This branch'), p.imageFile),
          figure(p.baseImage, t('Base')),
          figure(p.diffImage, t('Difference'), p.diffFile),
        ),
        p.consoleErrors.length > 0 &&
          el('ul', { class: 'console-errors' }, ...p.consoleErrors.map((m) => el('li', {}, t('console: {0}', m)))),
      ),
    );
  const rv = v.review;
  if (rv)
    box.append(
      el(
        'div',
        { class: `verify-review verdict-${rv.verdict}`, 'data-verify-part': 'review' },
        el(
          'h4',
          {},
          rv.verdict === 'approve'
            ? t('Review by {0}: approved', rv.agent)
            : t('Review by {0}: changes requested', rv.agent),
        ),
        rv.summary && el('p', {}, rv.summary),
        el('ul', {}, ...rv.comments.map((c) => el('li', {}, place(c.file, c.line), ` ${c.message}`))),
      ),
    );
  if (v.replans?.length)
    box.append(
      el(
        'div',
        { class: 'verify-replans', 'data-verify-part': 'replans' },
        el('h4', {}, t('Re-plans')),
        el('ul', {}, ...v.replans.map((f) => el('li', {}, fileLink(f)))),
      ),
    );
  return box;
}
