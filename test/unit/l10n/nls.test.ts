// package.json's manifest strings (commands, views, welcome, walkthrough, settings) come from package.nls.json
// through `%key%` placeholders, and package.nls.ko.json translates every one of them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { settingsContribution, settingsNls } from '../../../src/core/configSettings';
import { translationProblems } from '../../../src/core/i18n/check';

const root = path.resolve(__dirname, '../../..');
const read = (f: string) => JSON.parse(readFileSync(path.join(root, f), 'utf8')) as Record<string, unknown>;
const pkg = read('package.json') as {
  displayName: string;
  description: string;
  l10n?: string;
  contributes: Record<string, unknown>;
};
const nls = read('package.nls.json') as Record<string, string>;
const ko = read('package.nls.ko.json') as Record<string, string>;

/** Keys whose Korean is the English: the product's name. */
const SAME = new Set(['command.category', 'config.title']);

/** Every `%key%` string in a JSON value. */
function placeholderKeys(v: unknown, out = new Set<string>()): Set<string> {
  if (typeof v === 'string') {
    const m = /^%([^%\s]+)%$/.exec(v);
    if (m) out.add(m[1]);
  } else if (Array.isArray(v)) for (const x of v) placeholderKeys(x, out);
  else if (v && typeof v === 'object') for (const x of Object.values(v)) placeholderKeys(x, out);
  return out;
}

test('every %key% in package.json is in package.nls.json, and package.nls.json has no unused key', () => {
  const used = placeholderKeys(pkg);
  assert.ok(used.size > 90, `${used.size} placeholders`);
  assert.deepEqual(
    [...used].filter((k) => !(k in nls)),
    [],
    'placeholders with no English',
  );
  assert.deepEqual(
    Object.keys(nls).filter((k) => !used.has(k)),
    [],
    'English text nothing uses',
  );
});

test('package.nls.ko.json translates every key: none missing, empty, English, or with other placeholders', () => {
  assert.deepEqual(translationProblems(nls, ko, { sameAllowed: SAME }), []);
  assert.ok(
    Object.values(ko).some((v) => v.includes('잠금')),
    'lock is 잠금, as in the seed reports',
  );
});

test('the strings a person reads in the manifest are placeholders, not English literals', () => {
  const c = pkg.contributes as {
    commands: { title: string; category?: string }[];
    views: Record<string, { name: string }[]>;
    viewsWelcome: { contents: string }[];
    walkthroughs: {
      title: string;
      description: string;
      steps: { title: string; description: string; media: { altText?: string } }[];
    }[];
    configuration: { title: string; properties: Record<string, Record<string, unknown>> };
  };
  const literal = (s: string | undefined) => s !== undefined && !/^%[^%]+%$/.test(s);
  const texts: (string | undefined)[] = [
    pkg.displayName,
    pkg.description,
    ...c.commands.flatMap((x) => [x.title, x.category]),
    ...Object.values(c.views).flatMap((v) => v.map((x) => x.name)),
    ...c.viewsWelcome.map((w) => w.contents),
    ...c.walkthroughs.flatMap((w) => [
      w.title,
      w.description,
      ...w.steps.flatMap((s) => [s.title, s.description, s.media.altText]),
    ]),
    c.configuration.title,
  ];
  for (const p of Object.values(c.configuration.properties))
    for (const f of ['description', 'markdownDescription', 'patternErrorMessage'])
      texts.push(p[f] as string | undefined);
  assert.deepEqual(texts.filter(literal), []);
  assert.equal(pkg.l10n, './l10n', 'package.json points VS Code at the runtime bundles');
});

test("the settings' placeholders and their English come from the config schema (`npm run settings` writes both)", () => {
  const generated = settingsNls();
  const inFile = Object.fromEntries(Object.entries(nls).filter(([k]) => k.startsWith('config.')));
  assert.deepEqual(inFile, generated);
  assert.deepEqual([...placeholderKeys(settingsContribution())].sort(), Object.keys(generated).sort());
  assert.match(generated['config.budget.dailyUsd.description'], /^Daily spend/);
  assert.match(generated['config.agents.claude.command'], /executable/, 'object fields are described too');
});
