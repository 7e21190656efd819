// What `npm pack` and `vsce package` ship: the bundles only (no src/, test/, scripts/), no bundled library as a
// runtime dependency, a 128 px PNG icon, and README links that resolve inside the package.
// Uses dist/ (`npm run build`).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import { deadPackageLinks, markdownTargets } from '../../../scripts/packageLinks.mjs';

const ROOT = path.resolve(__dirname, '../../..');
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  publisher: string;
  icon: string;
  categories: string[];
  repository?: { url?: string };
  files: string[];
  bin: Record<string, string>;
  private?: boolean;
  dependencies: Record<string, string>;
};

describe('npm package', () => {
  const packed = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  const files = packed.status === 0 ? (JSON.parse(packed.stdout) as [{ files: { path: string }[] }])[0].files : [];
  const paths = files.map((f) => f.path);

  test('npm pack lists the bins and the bundles, nothing of the sources', () => {
    assert.equal(packed.status, 0, packed.stderr);
    for (const bin of ['dist/fmes.cjs', 'dist/cli.mjs', 'dist/lock.cjs', 'dist/hook.cjs', 'dist/mcp.mjs'])
      assert.ok(paths.includes(bin), `${bin} is packed`);
    // The manifest's %key% strings and vscode.l10n's bundles: without them the editor shows the keys.
    for (const nls of ['package.nls.json', 'package.nls.ko.json', 'l10n/bundle.l10n.json', 'l10n/bundle.l10n.ko.json'])
      assert.ok(paths.includes(nls), `${nls} is packed`);
    assert.ok(
      Object.values(manifest.bin).every((b) => paths.includes(b)),
      'every bin is packed',
    );
    // docs/ ships: README links to it (the formats, the scale and verification notes).
    const stray = paths.filter((p) => /^(src|test|scripts|webview-ui|bench|node_modules|\.cache)\//.test(p));
    assert.deepEqual(stray, []);
    assert.ok(!paths.some((p) => p.endsWith('.ts')), 'no TypeScript source');
    assert.equal(manifest.private, undefined, 'publishable');
  });

  test('runtime dependencies are only what esbuild cannot bundle (native addons)', () => {
    for (const dep of Object.keys(manifest.dependencies)) {
      const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', dep, 'package.json'), 'utf8')) as {
        napi?: unknown;
        gypfile?: boolean;
        keywords?: string[];
      };
      // ast-grep's grammar packages are prebuilt tree-sitter parsers (parser.so) that napi loads by path.
      const grammar = pkg.keywords?.includes('ast-grep-lang') ?? false;
      assert.ok(
        pkg.napi !== undefined || pkg.gypfile || grammar,
        `${dep} is bundled by esbuild: move it to devDependencies`,
      );
    }
  });

  test('fmes --version prints the package version', () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, manifest.bin.fmes), '--version'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), manifest.version);
  });
});

describe('extension manifest', () => {
  test('icon is a 128 × 128 PNG, category AI, a repository', () => {
    const png = PNG.sync.read(fs.readFileSync(path.join(ROOT, manifest.icon)));
    assert.deepEqual([png.width, png.height], [128, 128]);
    assert.ok(manifest.categories.includes('AI'));
    assert.match(manifest.repository?.url ?? '', /^https:\/\//);
    assert.ok(manifest.publisher, 'Open VSX namespace = publisher');
  });

  test('the activity-bar glyph is a 24 px monochrome SVG without currentColor', () => {
    const svg = fs.readFileSync(path.join(ROOT, 'media/fmes.svg'), 'utf8');
    assert.match(svg, /viewBox="0 0 24 24"/);
    assert.doesNotMatch(svg, /currentColor/i);
    const colours = new Set([...svg.matchAll(/(?:fill|stroke)="(#[0-9a-f]+)"/gi)].map((m) => m[1].toLowerCase()));
    assert.equal(colours.size, 1, `one colour, got ${[...colours].join(', ')}`);
  });
});

describe('README links inside the package', () => {
  test('finds links, images and <img> targets', () => {
    assert.deepEqual(markdownTargets('[a](docs/x.md) ![s](media/s.png "t") <img alt="" src="media/i.png"> [b](#x)'), [
      'docs/x.md',
      'media/s.png',
      '#x',
      'media/i.png',
    ]);
  });

  test('a relative link to a file left out is dead; anchors, URLs and packed files are not', () => {
    const readme =
      '[ci](.ci/run) [log](./CHANGELOG.md) ![p](media/screenshots/panel.png) [w](https://x.y/z) [a](#quick-start) [m](mailto:a@b)';
    assert.deepEqual(deadPackageLinks(readme, ['CHANGELOG.md', 'media/screenshots/panel.png']), ['.ci/run']);
  });
});
