import type { WebviewCommand } from '../../src/shared/protocol';

export type Child = Node | string | undefined | false;

/** Builds an element; text children become text nodes, so no string from the state is ever parsed as HTML. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { class?: string; attrs?: Record<string, string> } = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props.class) el.className = props.class;
  for (const [k, v] of Object.entries(props.attrs ?? {})) el.setAttribute(k, v);
  for (const c of children) if (c !== undefined && c !== false) el.append(c);
  return el;
}

/** A custom element (the @vscode-elements ones), built the same way. */
export function custom(tag: string, attrs: Record<string, string>, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  for (const c of children) if (c !== undefined && c !== false) el.append(c);
  return el;
}

/**
 * The one place HTML from the state is inserted: markdown the host rendered with raw HTML escaped and links
 * checked (src/core/dashboard/renderMarkdown.ts). The page's CSP would stop a script even if one got through.
 * It is parsed into a detached element; the patcher then moves only what changed into the page.
 */
export function trustedMarkdown(html: string, cls: string): HTMLElement {
  const div = h('div', { class: `markdown ${cls}` });
  div.innerHTML = html;
  return div;
}

/**
 * An action button: VS Code's own button (vscode-button), which takes Enter and Space and shows the focus
 * ring. It carries its command as data; main.ts's one click handler sends it (no listener per button, so the
 * patcher can keep the element across updates). `key` makes it the same element across updates.
 */
export function button(
  label: string,
  ariaLabel: string,
  command: WebviewCommand | 'refresh',
  opts: { secondary?: boolean; disabled?: boolean; title?: string } = {},
): HTMLElement {
  const attrs: Record<string, string> = {
    'aria-label': ariaLabel,
    'data-key': `button:${ariaLabel}`,
    'data-command': typeof command === 'string' ? command : JSON.stringify(command),
  };
  if (opts.secondary) attrs.secondary = '';
  if (opts.disabled) {
    attrs.disabled = '';
    attrs['aria-disabled'] = 'true';
  }
  if (opts.title) attrs.title = opts.title;
  return custom('vscode-button', attrs, label);
}

/** A link to a workspace file; clicks are handled once for the page (main.ts), markdown links included. */
export function fileLink(file: string, label = file): HTMLAnchorElement {
  return h('a', { class: 'file-link', attrs: { href: '#', 'data-file': file } }, label);
}

export function fields(pairs: [string, Child][]): HTMLElement {
  const dl = h('dl', { class: 'fields' });
  for (const [k, v] of pairs) if (v !== undefined && v !== false && v !== '') dl.append(h('dt', {}, k), h('dd', {}, v));
  return dl;
}

export function list(items: readonly string[], render: (s: string) => Child = (s) => s): HTMLElement {
  return h('ul', { class: 'files' }, ...items.map((s) => h('li', { attrs: { 'data-key': s } }, render(s))));
}

export function table(headers: string[], rows: HTMLElement[], caption: string): HTMLElement | undefined {
  if (rows.length === 0) return undefined;
  return h(
    'table',
    {},
    h('caption', { class: 'visually-hidden' }, caption),
    h('thead', {}, h('tr', {}, ...headers.map((x) => h('th', { attrs: { scope: 'col' } }, x)))),
    h('tbody', {}, ...rows),
  );
}

export const usd = (x: number | undefined) => (x === undefined ? '—' : `$${x.toFixed(2)}`);
export const when = (iso: string, locale?: string) => {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(locale);
};
