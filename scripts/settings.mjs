// Writes package.json's contributes.configuration from core's config schema (src/core/configSettings.ts), with
// `%config.*%` placeholders, and their English text into package.nls.json (the Korean lives by hand in
// package.nls.ko.json; test/unit/l10n/nls.test.ts fails when a key has none).
// `--check` only compares and fails when package.json is out of date (test/unit/core/config/settings.test.ts
// does the same in `npm test`). Run through tsx: `npm run settings`.
import { readFileSync, writeFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { settingsContribution, settingsNls } from '../src/core/configSettings.ts';

const file = new URL('../package.json', import.meta.url);
const text = readFileSync(file, 'utf8');
const pkg = JSON.parse(text);
const wanted = settingsContribution();
const nlsUpToDate = writeNls(process.argv.includes('--check'));
if (isDeepStrictEqual(pkg.contributes.configuration, wanted) && nlsUpToDate) {
  console.log('package.json: contributes.configuration is up to date');
  process.exit(0);
}
if (process.argv.includes('--check')) {
  console.error('package.json or package.nls.json: the settings differ from the config schema; run `npm run settings`');
  process.exit(1);
}
// Only the text of contributes.configuration is replaced: the rest of the file keeps its own layout.
const key = '\n    "configuration": ';
const start = text.indexOf(key);
if (start < 0 || text.indexOf(key, start + 1) >= 0)
  throw new Error('package.json: cannot find the one contributes.configuration');
const open = start + key.length;
const end = endOfValue(text, open);
const body = JSON.stringify(wanted, null, 2).replaceAll('\n', '\n    ');
const next = await formatted(text.slice(0, open) + body + text.slice(end));
if (!isDeepStrictEqual(JSON.parse(next).contributes.configuration, wanted))
  throw new Error('package.json: rewrite went wrong');
writeFileSync(file, next);
console.log('package.json: contributes.configuration written from the config schema');

/**
 * Puts the settings' English text into package.nls.json: the `config.*` keys are replaced, the others kept in
 * their order. Returns whether the file already held exactly these; with `checkOnly` writes nothing.
 */
function writeNls(checkOnly) {
  const nlsFile = new URL('../package.nls.json', import.meta.url);
  const old = JSON.parse(readFileSync(nlsFile, 'utf8'));
  const next = Object.fromEntries(Object.entries(old).filter(([k]) => !k.startsWith('config.')));
  Object.assign(next, settingsNls());
  if (isDeepStrictEqual(Object.entries(old), Object.entries(next))) return true;
  if (!checkOnly) {
    writeFileSync(nlsFile, JSON.stringify(next, null, 2) + '\n');
    console.log("package.nls.json: the settings' text written from the config schema");
  }
  return false;
}

/** The project's formatter's layout, when one is installed (the generated text is JSON.stringify's). */
async function formatted(json) {
  const prettier = await import('prettier').catch(() => undefined);
  if (!prettier) return json;
  const path = file.pathname;
  return prettier.format(json, { ...(await prettier.resolveConfig(path)), filepath: path });
}

/** The index just past the JSON object or array that starts at `i`. */
function endOfValue(s, i) {
  let depth = 0;
  for (let j = i; j < s.length; j++) {
    const c = s[j];
    if (c === '"') {
      for (j++; s[j] !== '"'; j++) if (s[j] === '\\') j++;
    } else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      if (--depth === 0) return j + 1;
    }
  }
  throw new Error('package.json: unterminated value');
}
