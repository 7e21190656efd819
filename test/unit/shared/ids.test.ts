import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Commands, McpProviders, Views } from '../../../src/shared/ids';

const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8'));
/** package.json's `%key%` placeholders resolve through package.nls.json (test/unit/l10n/nls.test.ts checks both). */
const nls = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../package.nls.json'), 'utf8')) as Record<
  string,
  string
>;
const text = (s: string | undefined) => (s && /^%.+%$/.test(s) ? nls[s.slice(1, -1)] : s);

test('every command id in ids.ts is contributed in package.json, and the other way round', () => {
  const contributed = (pkg.contributes.commands as { command: string }[]).map((c) => c.command).sort();
  assert.deepEqual(Object.values(Commands).sort(), contributed);
});

test('every command has a title and the F-MES category', () => {
  for (const c of pkg.contributes.commands as { title?: string; category?: string }[]) {
    assert.ok(text(c.title));
    assert.equal(text(c.category), 'F-MES');
  }
});

test('menus only name known commands; the view and its container exist', () => {
  const known = new Set(Object.values(Commands) as string[]);
  for (const [menu, items] of Object.entries(pkg.contributes.menus as Record<string, { command: string }[]>)) {
    for (const i of items) assert.ok(known.has(i.command), `${menu}: ${i.command}`);
  }
  assert.equal(pkg.contributes.viewsContainers.activitybar[0].id, Views.container);
  assert.equal(pkg.contributes.views[Views.container][0].id, Views.missions);
});

test('the MCP server definition provider is contributed with a label', () => {
  const providers = pkg.contributes.mcpServerDefinitionProviders as { id: string; label: string }[];
  assert.deepEqual(
    providers.map((p) => p.id),
    Object.values(McpProviders),
  );
  for (const p of providers) assert.ok(p.label);
});

test('every setting has a description and a default', () => {
  for (const [k, v] of Object.entries(
    pkg.contributes.configuration.properties as Record<
      string,
      { description?: string; markdownDescription?: string; default?: unknown }
    >,
  )) {
    assert.ok(v.description ?? v.markdownDescription, k);
    assert.notEqual(v.default, undefined, k);
  }
});
