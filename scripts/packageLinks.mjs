// README links that would not resolve inside the .vsix: the Marketplace and Open VSX show README.md from the
// package, so a relative link to a file the package leaves out (docs/, bench/, .ci/) is a dead link there.
import { readdirSync, readFileSync } from 'node:fs';
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

/**
 * Every file the manifest's walkthrough steps show (`media.image`, a path or `{ light, dark, hc }`), in every
 * display language: a `%key%` value is looked up in package.nls.json and in each package.nls.<lang>.json, as VS
 * Code does when it loads the manifest (a language file without the key falls back to package.nls.json).
 * @param {string} root  the folder of package.json
 * @returns {string[]}  `/`-separated paths relative to root, each once
 */
export function walkthroughImages(root) {
  const json = (f) => JSON.parse(readFileSync(posix.join(root, f), 'utf8'));
  const manifest = json('package.json');
  const base = json('package.nls.json');
  const langs = readdirSync(root).filter((f) => /^package\.nls\.[\w-]+\.json$/.test(f));
  const tables = [base, ...langs.map((f) => ({ ...base, ...json(f) }))];
  const out = new Set();
  for (const w of manifest.contributes?.walkthroughs ?? [])
    for (const s of w.steps ?? []) {
      const image = s.media?.image;
      if (image === undefined) continue;
      for (const v of typeof image === 'string' ? [image] : Object.values(image)) {
        const key = /^%([^%]+)%$/.exec(v)?.[1];
        for (const t of key === undefined ? [{}] : tables) {
          const file = key === undefined ? v : t[key];
          if (typeof file !== 'string') throw new Error(`walkthrough step ${s.id}: no value for ${v}`);
          out.add(posix.normalize(file.replace(/^\.\//, '')));
        }
      }
    }
  return [...out];
}
