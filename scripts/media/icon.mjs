// Renders the marketplace icon media/icon.png (128 × 128) from the activity-bar glyph media/fmes.svg: the glyph in
// white on a rounded tile, drawn by Debian's Chromium through playwright-core. Run it after changing the glyph
// and commit the PNG (vsce and Open VSX take a PNG, not an SVG).
//
//   node scripts/media/icon.mjs [--out media/icon.png]
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser } from '../codeServer/browser.mjs';
import { repoRoot } from '../codeServer/paths.mjs';

const SIZE = 128;
const TILE = '#1f6feb';

/** The page that draws the icon: the glyph's colour swapped for white, centred on the tile. */
export function iconHtml(svg) {
  const white = svg.replaceAll('#424242', '#ffffff').replace(/width="24" height="24"/, 'width="88" height="88"');
  return `<!doctype html><html><body style="margin:0;background:transparent">
<div style="width:${SIZE}px;height:${SIZE}px;border-radius:24px;background:${TILE};display:grid;place-items:center">${white}</div>
</body></html>`;
}

export async function renderIcon(out = join(repoRoot, 'media', 'icon.png')) {
  const svg = readFileSync(join(repoRoot, 'media', 'fmes.svg'), 'utf8');
  const browser = await launchBrowser({ viewport: { width: SIZE, height: SIZE } });
  try {
    await browser.page.setContent(iconHtml(svg));
    const png = await browser.page.screenshot({
      omitBackground: true,
      clip: { x: 0, y: 0, width: SIZE, height: SIZE },
    });
    writeFileSync(out, png);
  } finally {
    await browser.close();
  }
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--out');
  process.stdout.write(`${await renderIcon(i > 0 ? resolve(process.argv[i + 1]) : undefined)}\n`);
}
