// The extension's runtime strings: every message a person reads in src/host goes through vscode.l10n.t, the
// English bundle (l10n/bundle.l10n.json) is exactly those messages, and the Korean bundle translates each.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { translationProblems } from '../../../src/core/i18n/check';
// eslint-disable-next-line @typescript-eslint/ban-ts-comment
// @ts-ignore: a plain .mjs script shared with `npm run l10n`
import { englishBundle, extractMessages, sourceFiles, unwrappedStrings } from '../../../scripts/l10n.mjs';

const root = path.resolve(__dirname, '../../..');
const read = (f: string) => JSON.parse(readFileSync(path.join(root, f), 'utf8')) as Record<string, string>;

type Extract = (files?: string[]) => { messages: Map<string, string>; problems: string[] };
type Unwrapped = (files?: string[]) => string[];

test('l10n/bundle.l10n.json holds exactly the messages of src/host (else run `npm run l10n`)', () => {
  assert.deepEqual(read('l10n/bundle.l10n.json'), (englishBundle as () => Record<string, string>)());
  assert.deepEqual((extractMessages as Extract)().problems, [], 'every l10n.t message is one literal');
  assert.ok(Object.keys(read('l10n/bundle.l10n.json')).length > 150);
});

test('l10n/bundle.l10n.ko.json translates every message, placeholders kept', () => {
  assert.deepEqual(translationProblems(read('l10n/bundle.l10n.json'), read('l10n/bundle.l10n.ko.json')), []);
});

test('no user-facing literal in src/host bypasses vscode.l10n.t (messages, pickers, tree items, status bar)', () => {
  const files = (sourceFiles as () => string[])();
  assert.ok(files.length > 20);
  assert.deepEqual((unwrappedStrings as Unwrapped)(files), []);
});

test('the check finds what it must: bare messages, titles, tree labels, tooltips; wrapped ones pass', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fmes-l10n-'));
  try {
    const f = path.join(dir, 'sample.ts');
    writeFileSync(
      f,
      [
        "void vscode.window.showWarningMessage('Something broke');",
        'void vscode.window.showErrorMessage(`F-MES: ${x} failed`);',
        "void vscode.window.showQuickPick(items, { title: 'Pick one item' });",
        "const item = new vscode.TreeItem('No plans yet');",
        "item.tooltip = 'Held by someone';",
        "void vscode.window.showInformationMessage(vscode.l10n.t('All good here'));",
        "item.contextValue = 'lock.mine';",
        'const label = { title: `fmes/${task}` };',
        'vscode.l10n.t(message);',
      ].join('\n'),
    );
    const found = (unwrappedStrings as Unwrapped)([f]).map((l) => l.replace(/^.*sample\.ts:/, ''));
    assert.deepEqual(found, [
      "1: 'Something broke'",
      '2: `F-MES: ${x} failed`',
      "3: 'Pick one item'",
      "4: 'No plans yet'",
      "5: 'Held by someone'",
    ]);
    const ex = (extractMessages as Extract)([f]);
    assert.deepEqual([...ex.messages.keys()], ['All good here']);
    assert.equal(ex.problems.length, 1, 'a computed message cannot be in a bundle');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
