// The dashboard's DOM patcher, run in real Chromium (the same engine as VS Code's webviews): an update keeps
// the nodes that stay (so focus and the reader's place stay), changes only what changed, and follows keys.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { build } from 'esbuild';
import type { Page } from 'playwright-core';

let page: Page;
let close: () => Promise<void>;

before(async () => {
  const bundle = await build({
    entryPoints: [path.join(__dirname, '../../../webview-ui/src/patch.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    globalName: 'fmesPatch',
    platform: 'browser',
  });
  const browserModule = '../../../scripts/codeServer/browser.mjs';
  const { launchBrowser } = (await import(browserModule)) as {
    launchBrowser: () => Promise<{ page: Page; close: () => Promise<void> }>;
  };
  ({ page, close } = await launchBrowser());
  await page.setContent('<!DOCTYPE html><body><main id="app"></main></body>');
  await page.addScriptTag({ content: bundle.outputFiles[0].text });
  // A tiny page-side helper: render HTML into a detached template, patch #app with it, report.
  await page.addScriptTag({
    content: `window.render = (html) => {
      const tpl = document.createElement('template');
      tpl.innerHTML = html;
      return fmesPatch.patchChildren(document.getElementById('app'), [...tpl.content.childNodes]);
    };`,
  });
});

after(async () => {
  await close?.();
});

const render = (html: string) => page.evaluate<boolean>(`window.render(${JSON.stringify(html)})`);
const appHtml = () => page.evaluate<string>(`document.getElementById('app').innerHTML`);

test('the result is exactly the new markup, whatever came before', async () => {
  const cases = [
    '<section data-key="a"><h2>A</h2><p>one</p></section>',
    '<section data-key="b"><h2>B</h2></section><section data-key="a"><h2>A</h2><p>two</p><p>three</p></section>',
    '<p>plain</p>text<section data-key="a" class="x"><h2>A</h2></section>',
    '<table><tbody><tr data-key="1"><td>1</td></tr><tr data-key="2"><td>2</td></tr></tbody></table>',
    '<table><tbody><tr data-key="2"><td>2!</td></tr><tr data-key="3"><td>3</td></tr><tr data-key="1"><td>1</td></tr></tbody></table>',
    '',
  ];
  for (const html of cases) {
    await render(html);
    assert.equal(await appHtml(), html);
  }
});

test('a focused button in a row that stays keeps focus when other rows change, come and go', async () => {
  const rows = (ids: string[], label: string) =>
    `<ul>${ids.map((id) => `<li data-key="${id}">${id} ${label}<button data-key="b${id}" aria-label="go ${id}">Go</button></li>`).join('')}</ul>`;
  await render(`<section data-key="s">${rows(['a', 'b', 'c'], 'v1')}</section>`);
  await page.focus('button[aria-label="go b"]');
  await page.evaluate(`window.kept = document.activeElement`);
  const changed = await render(`<section data-key="s">${rows(['x', 'b', 'c', 'd'], 'v2')}</section>`);
  assert.equal(changed, true);
  assert.deepEqual(
    await page.evaluate(`[document.activeElement === window.kept, document.activeElement.getAttribute('aria-label')]`),
    [true, 'go b'],
  );
  assert.match(await appHtml(), /<li data-key="b">b v2<button/);
});

test('an identical update changes nothing and reports no change', async () => {
  const html = '<section data-key="s" class="c"><h2>T <span>3</span></h2><p>x</p></section>';
  await render(html);
  await page.evaluate(`window.h2 = document.querySelector('h2')`);
  assert.equal(await render(html), false);
  assert.equal(await page.evaluate(`window.h2 === document.querySelector('h2')`), true);
});

test('attributes are added, changed and removed; a checkbox follows checked', async () => {
  await render('<input type="checkbox" data-key="c" class="a" disabled>');
  await render('<input type="checkbox" data-key="c" class="b" checked>');
  assert.deepEqual(
    await page.evaluate(
      `(() => { const i = document.querySelector('input'); return [i.className, i.disabled, i.checked]; })()`,
    ),
    ['b', false, true],
  );
});

test('a node of another kind under the same key is replaced, not morphed', async () => {
  await render('<div data-key="k">div</div>');
  await page.evaluate(`window.old = document.querySelector('[data-key=k]')`);
  await render('<p data-key="k">p</p>');
  assert.equal(await page.evaluate(`window.old.isConnected`), false);
  assert.equal(await appHtml(), '<p data-key="k">p</p>');
});

test('duplicate keys do not lose nodes', async () => {
  await render('<i data-key="d">1</i><i data-key="d">2</i>');
  assert.equal(await appHtml(), '<i data-key="d">1</i><i data-key="d">2</i>');
  await render('<i data-key="d">3</i><i data-key="d">4</i><i data-key="d">5</i>');
  assert.equal(await appHtml(), '<i data-key="d">3</i><i data-key="d">4</i><i data-key="d">5</i>');
});

test('scroll position stays across an update that changes a section above the reader', async () => {
  const tall = (n: number, extra: string) =>
    `<section data-key="top"><p>${extra}</p></section>${Array.from({ length: n }, (_, i) => `<p data-key="p${i}" style="height:40px">row ${i}</p>`).join('')}`;
  await render(tall(200, 'a'));
  await page.evaluate(`window.scrollTo(0, 3000)`);
  await render(tall(200, 'b'));
  assert.equal(await page.evaluate(`window.scrollY`), 3000);
});

test("a custom element keeps the attributes it set itself, and loses the page's ones that went", async () => {
  await render('<x-btn data-key="b" aria-label="go" disabled>Go</x-btn>');
  // What vscode-button does after its first render.
  await page.evaluate(
    `(() => { const b = document.querySelector('x-btn'); b.setAttribute('role', 'button'); b.setAttribute('tabindex', '0'); })()`,
  );
  await render('<x-btn data-key="b" aria-label="go now">Go</x-btn>');
  assert.equal(await appHtml(), '<x-btn data-key="b" aria-label="go now" role="button" tabindex="0">Go</x-btn>');
});
