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

/**
 * Waits for a lock file to exist and hold its JSON. A lock file is created (O_EXCL) before its JSON is
 * written, so a reader can meet it empty for a moment; F-MES's own readers treat that as "held, retry".
 */
export async function readLockWhenWritten(file: string, timeoutMs = 5000): Promise<{ agent: string; intent: string }> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      return JSON.parse(fs.readFileSync(file, 'utf8')) as { agent: string; intent: string };
    } catch (e) {
      if (Date.now() > end) throw e;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}
