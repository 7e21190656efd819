// `npm run bench:editor`: the editor's speed targets, measured in a real VS Code (code-server) extension host.
//   activation: activate() ≤ 20 ms          bundle: dist/extension.js (production) ≤ 1 MB
//   lock file event → mission panel + decoration updated, p95 ≤ 50 ms; printed beside a bare fs.watch on
//   the same folder measured in the same run (the floor any watcher-based UI sits on).
// Exit 1 with --check when a target is missed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const check = process.argv.includes('--check');
const prod = spawnSync(process.execPath, ['esbuild.mjs', '--production'], { stdio: 'inherit' });
if (prod.status !== 0) process.exit(1);
const bundleBytes = statSync('dist/extension.js').size;

const outDir = mkdtempSync(join(tmpdir(), 'fmes-bench-editor-'));
const out = join(outDir, 'editor.json');
const r = spawnSync(process.execPath, ['scripts/testIntegration.mjs', '--grep', '^bench'], {
  env: { ...process.env, FMES_BENCH: '1', FMES_BENCH_OUT: out },
  encoding: 'utf8',
});
let m;
try {
  m = JSON.parse(readFileSync(out, 'utf8'));
} catch {
  process.stderr.write(r.stdout + r.stderr);
  console.error('bench:editor: no measurement came back from the extension host');
  process.exit(1);
} finally {
  rmSync(outDir, { recursive: true, force: true });
}
const rows = [
  ['activate()', `${m.activateMs.toFixed(1)} ms`, '≤ 20 ms', m.activateMs <= 20],
  ['load bundle + activate()', `${m.loadAndActivateMs.toFixed(1)} ms`, '(context)', true],
  ['extension bundle (production)', `${(bundleBytes / 1024).toFixed(0)} KiB`, '≤ 1024 KiB', bundleBytes <= 1024 * 1024],
  ['lock event → panel + badge, p50', `${m.lockToUi.p50.toFixed(1)} ms`, '', true],
  ['lock event → panel + badge, p95', `${m.lockToUi.p95.toFixed(1)} ms`, '≤ 50 ms', m.lockToUi.p95 <= 50],
  [
    'reference: bare fs.watch, p50 / p95',
    `${m.rawFsWatch.p50.toFixed(1)} / ${m.rawFsWatch.p95.toFixed(1)} ms`,
    '',
    true,
  ],
  ['ratio ours/fs.watch at p95', `${(m.lockToUi.p95 / Math.max(0.1, m.rawFsWatch.p95)).toFixed(1)}×`, '', true],
];
console.log(`\nF-MES editor benchmark (${m.samples} lock events, node ${process.version})`);
for (const [what, value, target, ok] of rows)
  console.log(
    `  ${what.padEnd(38)} ${value.padStart(16)}  ${target.padEnd(12)} ${target ? (ok ? 'PASS' : 'FAIL') : ''}`,
  );
if (check && rows.some((x) => x[2] && !x[3])) process.exit(1);
