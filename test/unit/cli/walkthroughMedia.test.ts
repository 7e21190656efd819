// The walkthrough's media (package.json contributes.walkthroughs): each step shows an image that exists, is an
// SVG or a PNG (not Markdown text), is packed, and has alt text in English and Korean. The image is a `%key%` of
// package.nls*.json, so each display language shows its own (VS Code replaces `%key%` strings anywhere in the
// manifest: src/vs/platform/extensionManagement/common/extensionNls.ts replaceNLStrings walks every value).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import { walkthroughImages } from '../../../scripts/packageLinks.mjs';

const ROOT = path.resolve(__dirname, '../../..');
const read = (f: string) => JSON.parse(fs.readFileSync(path.join(ROOT, f), 'utf8')) as unknown;
type Media = { image?: string | Record<string, string>; altText?: string; markdown?: string; svg?: string };
const pkg = read('package.json') as {
  files: string[];
  contributes: { walkthroughs: { id: string; steps: { id: string; media: Media }[] }[] };
};
const nls = read('package.nls.json') as Record<string, string>;
const ko = read('package.nls.ko.json') as Record<string, string>;

const steps = pkg.contributes.walkthroughs.flatMap((w) => w.steps);

/** A manifest value in each display language: a `%key%` from package.nls.json and package.nls.ko.json. */
function resolved(v: string): string[] {
  const key = /^%([^%]+)%$/.exec(v)?.[1];
  if (key === undefined) return [v];
  assert.ok(typeof nls[key] === 'string', `${v} is in package.nls.json`);
  return [nls[key], ko[key] ?? nls[key]];
}

/** What a file is, from its bytes (not its name): 'png', 'svg', or undefined. */
function imageKind(bytes: Buffer): 'png' | 'svg' | undefined {
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  const text = bytes
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart();
  const root = /^(?:<\?xml[^>]*\?>\s*)?(?:<!--[\s\S]*?-->\s*)*<svg\b([^>]*)>/.exec(text);
  if (root && /xmlns="http:\/\/www\.w3\.org\/2000\/svg"/.test(root[1]) && /<\/svg>\s*$/.test(text)) return 'svg';
  return undefined;
}

test('every walkthrough step shows an image file that exists and is an SVG or a PNG', () => {
  assert.ok(steps.length >= 4, `${steps.length} steps`);
  for (const s of steps) {
    const m = s.media;
    assert.equal(m.markdown, undefined, `${s.id}: media is an image, not Markdown`);
    assert.ok(m.image !== undefined, `${s.id}: media.image`);
    const files = (typeof m.image === 'string' ? [m.image] : Object.values(m.image)).flatMap(resolved);
    for (const f of files) {
      const file = path.join(ROOT, f);
      assert.ok(path.relative(ROOT, file).split(path.sep)[0] === 'media', `${f} is under media/ (packed)`);
      assert.ok(fs.existsSync(file), `${f} exists`);
      const kind = imageKind(fs.readFileSync(file));
      assert.ok(kind, `${f} is an SVG or a PNG`);
      assert.equal(path.extname(f), `.${kind}`, `${f}: its name says what it is`);
      if (kind === 'png') {
        const png = PNG.sync.read(fs.readFileSync(file));
        assert.ok(png.width >= 320 && png.height >= 200, `${f}: ${png.width}x${png.height}`);
      } else {
        const svg = fs.readFileSync(file, 'utf8');
        assert.match(svg, /viewBox="0 0 \d+ \d+"/, `${f} scales`);
        assert.doesNotMatch(svg, /<script|\bon\w+=|href="(?:https?:|javascript:)/i, `${f}: no script, no remote link`);
      }
    }
    assert.ok(pkg.files.includes('media/'), 'media/ is in the npm package and the .vsix');
  }
});

test('each step shows its own Korean image, the same picture with Korean words', () => {
  for (const s of steps) {
    const key = /^%([^%]+)%$/.exec(typeof s.media.image === 'string' ? s.media.image : '')?.[1];
    assert.ok(key, `${s.id}: media.image is a %key% (got ${JSON.stringify(s.media.image)})`);
    const en = nls[key];
    const kr = ko[key];
    assert.ok(kr && kr !== en, `${s.id}: package.nls.ko.json names a Korean image`);
    assert.equal(kr, en.replace(/\.svg$/, '.ko.svg'), `${s.id}: the Korean image sits beside the English one`);
    const enSvg = fs.readFileSync(path.join(ROOT, en), 'utf8');
    const koSvg = fs.readFileSync(path.join(ROOT, kr), 'utf8');
    const words = (svg: string) => [...svg.matchAll(/>([^<>]+)</g)].map((m) => m[1]).join(' ');
    assert.match(words(koSvg), /[\uac00-\ud7a3]/, `${kr} has Korean text`);
    assert.match(koSvg, /<title id="t">[^<]*[\uac00-\ud7a3]/, `${kr}: its title is Korean`);
    assert.equal(
      koSvg.match(/<(?:rect|circle|path|line)\b/g)?.length,
      enSvg.match(/<(?:rect|circle|path|line)\b/g)?.length,
      `${kr}: the same picture as ${en}`,
    );
    // Words of the picture's UI (not file names, commands or plan keys, which stay as they are).
    for (const w of ['Apply', 'Cancel', 'Merge', 'Discard', 'Roll Back', 'Missions', 'Plans', 'Ready to merge'])
      assert.ok(!words(koSvg).includes(w), `${kr}: "${w}" is translated`);
  }
});

test('the packer lists every image of every language, and each is in media/ (packed)', () => {
  const images = walkthroughImages(ROOT);
  assert.equal(images.length, steps.length * 2, images.join());
  for (const f of images) {
    assert.ok(f.startsWith('media/walkthrough/'), f);
    assert.ok(imageKind(fs.readFileSync(path.join(ROOT, f))), `${f} is an image`);
  }
});

test('every step has alt text, from package.nls.json, translated into Korean', () => {
  for (const s of steps) {
    const key = /^%([^%]+)%$/.exec(s.media.altText ?? '')?.[1];
    assert.ok(key, `${s.id}: altText is a %key% (got ${s.media.altText})`);
    assert.ok((nls[key] ?? '').length > 30, `${s.id}: English alt text says what the image shows`);
    assert.ok(ko[key] && ko[key] !== nls[key], `${s.id}: Korean alt text`);
  }
});

test('imageKind reads the bytes: Markdown, HTML and a renamed text file are not images', () => {
  assert.equal(imageKind(Buffer.from('# Initialize\n')), undefined);
  assert.equal(imageKind(Buffer.from('<html><svg xmlns="http://www.w3.org/2000/svg"></svg></html>')), undefined);
  assert.equal(imageKind(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"></svg>\n')), 'svg');
  assert.equal(imageKind(Buffer.from('<svg viewBox="0 0 1 1"></svg>')), undefined, 'no SVG namespace');
  const png = new PNG({ width: 1, height: 1 });
  assert.equal(imageKind(PNG.sync.write(png)), 'png');
});
