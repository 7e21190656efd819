// README links that would not resolve inside the .vsix: the Marketplace and Open VSX show README.md from the
// package, so a relative link to a file the package leaves out (docs/, bench/, .ci/) is a dead link there.
import { readFileSync } from 'node:fs';
import { posix } from 'node:path';

/** Every link and image target of a Markdown text: `[t](x)`, `![a](x "title")`, `<img src="x">`. */
export function markdownTargets(text) {
  const out = [];
  for (const m of text.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) out.push(m[1]);
  for (const m of text.matchAll(/<img[^>]*\ssrc="([^"]+)"/g)) out.push(m[1]);
  return out;
}

/**
 * The relative targets of `readme` that are not among `files` (paths inside the package, `/`-separated);
 * anchors, absolute URLs and mailto: links are not checked here.
 * @param {string} readme
 * @param {Iterable<string>} files
 */
export function deadPackageLinks(readme, files) {
  const have = new Set([...files].map((f) => posix.normalize(f)));
  return markdownTargets(readme).filter((t) => {
    if (/^[a-z][a-z0-9+.-]*:/i.test(t) || t.startsWith('#')) return false;
    const file = posix.normalize(decodeURIComponent(t.split('#')[0]).replace(/^\.\//, ''));
    return !have.has(file);
  });
}

export function deadReadmeLinks(readmePath, files) {
  return deadPackageLinks(readFileSync(readmePath, 'utf8'), files);
}
