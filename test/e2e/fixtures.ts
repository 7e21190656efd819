import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const repoRoot = path.resolve(__dirname, '..', '..');
export const CLI = path.join(repoRoot, 'dist', 'cli.mjs');

/** A fresh copy of the integration fixture, as a git repository, for one e2e file. */
export function freshWorkspace(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fmes-e2e-ws-'));
  fs.cpSync(path.join(repoRoot, 'test', 'integration', 'fixture'), dir, { recursive: true });
  execFileSync('git', ['init', '-q'], { cwd: dir });
  return dir;
}

/** Runs the real `fmes` CLI against a workspace, as an agent would. */
export function fmes(ws: string, ...args: string[]): string {
  return execFileSync(process.execPath, [CLI, '--workspace', ws, ...args], { encoding: 'utf8' });
}

export function writeCostLog(ws: string, lines: object[]): void {
  const d = new Date();
  const day = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  const file = path.join(ws, '.claude', 'cost_logs', `${day}.jsonl`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
}
