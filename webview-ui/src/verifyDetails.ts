import type { VerifyView } from '../../src/shared/verifyView';

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
        el('h4', {}, `Rules: ${r.violations.length} violation(s)`),
        el(
          'ul',
          {},
          ...r.violations.map((x) =>
            el('li', {}, place(x.file, x.line), ` ${x.rule}: ${x.message}`, x.source ? ` (${x.source})` : undefined),
          ),
          ...r.unchecked.map((u) => el('li', { class: 'unchecked' }, `not checked: ${u}`)),
        ),
        r.audit && el('p', { class: 'audit' }, `Audit: ${r.audit}`),
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
          `Visual proof of ${p.url}: `,
          p.error
            ? p.error
            : p.changedShare === undefined
              ? 'no base to compare with'
              : `${(p.changedShare * 100).toFixed(2)}% changed${p.changed ? ' (above the threshold)' : ''}`,
        ),
        el(
          'div',
          { class: 'proof-images' },
          figure(p.image, 'This branch', p.imageFile),
          figure(p.baseImage, 'Base'),
          figure(p.diffImage, 'Difference', p.diffFile),
        ),
        p.consoleErrors.length > 0 &&
          el('ul', { class: 'console-errors' }, ...p.consoleErrors.map((m) => el('li', {}, `console: ${m}`))),
      ),
    );
  const rv = v.review;
  if (rv)
    box.append(
      el(
        'div',
        { class: `verify-review verdict-${rv.verdict}`, 'data-verify-part': 'review' },
        el('h4', {}, `Review by ${rv.agent}: ${rv.verdict === 'approve' ? 'approved' : 'changes requested'}`),
        rv.summary && el('p', {}, rv.summary),
        el('ul', {}, ...rv.comments.map((c) => el('li', {}, place(c.file, c.line), ` ${c.message}`))),
      ),
    );
  if (v.replans?.length)
    box.append(
      el(
        'div',
        { class: 'verify-replans', 'data-verify-part': 'replans' },
        el('h4', {}, 'Re-plans'),
        el('ul', {}, ...v.replans.map((f) => el('li', {}, fileLink(f)))),
      ),
    );
  return box;
}
