import MarkdownIt from 'markdown-it';

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
const md = new MarkdownIt({ html: false, linkify: true, typographer: false, breaks: false });
md.disable('image');
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
