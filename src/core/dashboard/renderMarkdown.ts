import MarkdownIt from 'markdown-it';
import type { Token } from 'markdown-it';

/**
 * Markdown from files agents write (TODO.md, report summaries) rendered for the dashboard. Agents are not
 * trusted authors, so the output must never carry markup of their own:
 * - `html: false`: raw HTML in the source is escaped and shows as text;
 * - links only to http(s), `#fragments` or workspace-relative files; anything else (javascript:, data:,
 *   vbscript:, file:, command:) stays plain text;
 * - relative links get no href at all: the webview opens them through the host (`artifact/open`), which
 *   checks that the file is inside the workspace;
 * - images are off: a remote image would be a beacon that reports when someone reads the file.
 * The webview's CSP (no inline script, no remote images) is the second wall behind this one.
 */
// `html: true` only so that markdown-it parses raw HTML into its own tokens: the rules below print comments
// as nothing and every other piece of HTML as escaped text, so no markup of the author's reaches the page.
const md = new MarkdownIt({ html: true, linkify: true, typographer: false, breaks: false });
md.disable('image');
md.renderer.rules.html_block = (tokens, idx) => htmlAsText(tokens[idx].content, true);
md.renderer.rules.html_inline = (tokens, idx) => htmlAsText(tokens[idx].content, false);
md.core.ruler.after('inline', 'fmes_task_lists', (state) => {
  markTaskLists(state.tokens, state.Token);
});
md.validateLink = (url) => linkKind(url) !== undefined;

const defaultLinkOpen =
  md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  const token = tokens[idx];
  const href = token.attrGet('href') ?? '';
  const kind = linkKind(href);
  if (kind === 'web') {
    token.attrSet('rel', 'noopener noreferrer');
  } else if (kind === 'file') {
    token.attrSet('href', '#');
    token.attrSet('data-file', fileOfLink(href));
    token.attrJoin('class', 'file-link');
  }
  return defaultLinkOpen(tokens, idx, options, env, self);
};

const COMMENT = /<!--[\s\S]*?(?:-->|$)/g;

/** Raw HTML from the file: comments vanish (people hide notes in them), the rest shows as escaped text. */
function htmlAsText(content: string, block: boolean): string {
  const text = content.replace(COMMENT, '');
  if (text.trim() === '') return '';
  const escaped = md.utils.escapeHtml(block ? text.replace(/\n+$/, '') : text);
  return block ? `<p>${escaped}</p>\n` : escaped;
}

type TokenCtor = new (type: string, tag: string, nesting: -1 | 0 | 1) => Token;

/**
 * GitHub task lists: a list item whose text starts with `[ ]` or `[x]` gets a disabled checkbox (the
 * dashboard shows TODO.md; ticking happens in the file). The box is a token of ours, not the author's HTML.
 */
function markTaskLists(tokens: Token[], Token: TokenCtor): void {
  for (let i = 2; i < tokens.length; i++) {
    const inline = tokens[i];
    if (inline.type !== 'inline' || tokens[i - 1].type !== 'paragraph_open' || tokens[i - 2].type !== 'list_item_open')
      continue;
    const first = inline.children?.[0];
    const m = first?.type === 'text' ? /^\[([ xX])\](?=\s|$)\s*/.exec(first.content) : null;
    if (!first || !m) continue;
    first.content = first.content.slice(m[0].length);
    const box = new Token('html_task', 'input', 0);
    box.meta = { checked: m[1] !== ' ' };
    inline.children!.unshift(box);
    tokens[i - 2].attrJoin('class', 'task-list-item');
    for (let j = i - 3; j >= 0; j--) {
      const t = tokens[j];
      if ((t.type === 'bullet_list_open' || t.type === 'ordered_list_open') && t.level === tokens[i - 2].level - 1) {
        if (!(t.attrGet('class') ?? '').includes('contains-task-list')) t.attrJoin('class', 'contains-task-list');
        break;
      }
    }
  }
}

md.renderer.rules.html_task = (tokens, idx) =>
  `<input class="task-list-item-checkbox" type="checkbox" disabled${(tokens[idx].meta as { checked: boolean }).checked ? ' checked' : ''} aria-label="${(tokens[idx].meta as { checked: boolean }).checked ? 'done' : 'to do'}"> `;

type LinkKind = 'web' | 'fragment' | 'file';

/** Classifies a (normalized, percent-encoded) link destination; undefined: not allowed. */
export function linkKind(url: string): LinkKind | undefined {
  const u = url.trim();
  if (u === '') return undefined;
  if (/^https?:\/\/[^/]/i.test(u)) return 'web';
  if (u.startsWith('#')) return 'fragment';
  // Protocol-relative (`//host`) and backslash forms would leave the workspace; a colon before the first
  // slash is a scheme (or a drive letter), which relative links never have.
  if (u.startsWith('/') || u.startsWith('\\')) return undefined;
  const beforeSlash = u.split('/')[0] ?? '';
  if (beforeSlash.includes(':') || /%3a/i.test(beforeSlash)) return undefined;
  return 'file';
}

/** The workspace-relative file a relative link names, without its query or fragment. */
function fileOfLink(href: string): string {
  const bare = href.replace(/[?#].*$/, '');
  try {
    return decodeURIComponent(bare);
  } catch {
    return bare;
  }
}

/** Renders untrusted markdown to HTML that carries no markup, script or link of the author's own. */
export function renderMarkdown(text: string): string {
  return md.render(text);
}
