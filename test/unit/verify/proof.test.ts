import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { test } from 'node:test';
import { PNG } from 'pngjs';
import { planMetaSchema } from '../../../src/core/schemas/plan';
import { runProof } from '../../../src/core/verify/proof/proofRun';
import { makeRepo } from '../core/git/gitRepo';
import { harness } from './missionHarness';

// The app is a tiny static HTTP server in the repository itself, started by the proof's `start` command on a
// port the test picked; the system Chromium takes the pictures (as the e2e tests use it).

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}

const SERVER = `const http = require('node:http');
const fs = require('node:fs');
const port = Number(process.argv[2]);
http.createServer((req, res) => {
  res.setHeader('content-type', 'text/html');
  res.end(fs.readFileSync(__dirname + '/index.html'));
}).listen(port, '127.0.0.1');
`;
const page = (body: string) =>
  `<!doctype html><html><body style="margin:0;font:16px sans-serif"><h1 id="cart">Cart</h1>${body}</body></html>`;

async function proofOf(after: string, o: { waitFor?: string; timeoutSec?: number } = {}) {
  const repo = makeRepo({ 'server.js': SERVER, 'index.html': page('<p>3 items</p>') });
  const port = await freePort();
  try {
    const base = repo.head();
    repo.write('index.html', after);
    const proof = await runProof({
      root: repo.root,
      cwd: repo.root,
      task: 'cart',
      spec: planMetaSchema.parse({
        id: 'cart',
        title: 't',
        files: ['index.html'],
        rollback: 'r',
        proof: {
          start: `node server.js ${port}`,
          url: `http://127.0.0.1:${port}/cart`,
          waitFor: o.waitFor ?? '#cart',
          timeoutSec: o.timeoutSec ?? 30,
        },
      }).proof!,
      baseCommit: base,
      linkDirs: [],
      threshold: 0.01,
    });
    const files = Object.fromEntries(
      ['image', 'baseImage', 'diffImage'].map((k) => {
        const rel = proof[k as 'image'];
        return [
          k,
          rel && fs.existsSync(path.join(repo.root, rel))
            ? PNG.sync.read(fs.readFileSync(path.join(repo.root, rel)))
            : undefined,
        ];
      }),
    );
    const worktrees = repo.git(['worktree', 'list', '--porcelain']).match(/^worktree /gm)?.length;
    return { proof, files, worktrees, port };
  } finally {
    repo.cleanup();
  }
}

test('an unchanged page is not flagged; the pictures are written and the base worktree is gone', async () => {
  const { proof, files, worktrees } = await proofOf(page('<p>3 items</p>'));
  assert.equal(proof.error, undefined);
  assert.equal(proof.changedShare, 0);
  assert.equal(proof.changed, false);
  assert.equal(proof.image, '.claude/outbox/cart-proof.png');
  assert.equal(files.image?.width, 1280);
  assert.equal(files.diffImage?.height, 800);
  assert.equal(worktrees, 1, 'only the main checkout is left');
});

test('a changed page is flagged above the threshold, with console errors recorded', async () => {
  const { proof } = await proofOf(
    page(
      '<div style="width:600px;height:400px;background:#c00"></div><script>console.error("cart total is NaN")</script>',
    ),
  );
  assert.equal(proof.changed, true);
  assert.ok(proof.changedShare! > 0.1, `changed share ${proof.changedShare}`);
  assert.deepEqual(proof.consoleErrors, ['cart total is NaN']);
});

test('waitFor text that never appears is an error (fail closed), and the app is stopped anyway', async () => {
  const { proof, port } = await proofOf(page(''), { waitFor: 'Checkout complete', timeoutSec: 3 });
  assert.equal(proof.changed, true);
  assert.match(proof.error ?? '', /no picture of the branch: "Checkout complete" did not appear/);
  const refused = await new Promise<boolean>((r) => {
    const c = net.connect(port, '127.0.0.1');
    c.on('connect', () => (c.destroy(), r(false)));
    c.on('error', () => r(true));
  });
  assert.ok(refused, 'no server left running on the port');
});

test('a proof URL off this machine is refused by the plan schema', () => {
  for (const url of ['http://example.com/', 'file:///etc/passwd', 'http://127.0.0.1.evil.com/', 'javascript:1']) {
    const r = planMetaSchema.safeParse({
      id: 'a',
      title: 't',
      files: ['x'],
      rollback: 'r',
      proof: { start: 'x', url },
    });
    assert.equal(r.success, false, url);
    assert.equal(r.error?.issues[0]?.path.join('.'), 'proof.url');
  }
});

test('in a mission: a plan with proof: ends in review with the pictures on the record', async () => {
  const port = await freePort();
  const h = await harness({ 'server.js': SERVER, 'index.html': page('<p>3 items</p>') }, () => ({
    files: { 'index.html': page('<div style="width:900px;height:500px;background:#06c"></div>') },
  }));
  try {
    const out = await h.missions.start(
      h.plan(
        'cart',
        `proof:\n  start: node server.js ${port}\n  url: http://127.0.0.1:${port}/cart\n  waitFor: Cart\n  timeoutSec: 30\n`,
        ['index.html'],
      ),
    );
    assert.equal(out.state, 'review');
    const proof = out.record.proof!;
    assert.equal(proof.changed, true);
    assert.match(
      out.record.reason ?? '',
      /visual change: \d+\.\d+% of http:\/\/127\.0\.0\.1:\d+\/cart differs from the base/,
    );
    for (const f of [proof.image, proof.baseImage, proof.diffImage])
      assert.ok(f && fs.existsSync(path.join(h.root, f)), `${f} written`);
  } finally {
    h.dispose();
  }
});
