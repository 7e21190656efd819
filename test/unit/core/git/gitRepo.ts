import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';

// Tests must not depend on the machine's or the user's git config (signing, hooks path, default branch…).
const emptyConfig = path.join(os.tmpdir(), `fmes-git-empty-config-${process.pid}`);
fs.writeFileSync(emptyConfig, '');
process.on('exit', () => fs.rmSync(emptyConfig, { force: true }));
process.env.GIT_CONFIG_NOSYSTEM = '1';
process.env.GIT_CONFIG_GLOBAL = emptyConfig;
for (const k of [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_AUTHOR_NAME',
  'GIT_AUTHOR_EMAIL',
  'GIT_COMMITTER_NAME',
  'GIT_COMMITTER_EMAIL',
])
  delete process.env[k];

export interface TestRepo {
  root: string;
  /** Runs git synchronously; returns stdout (untrimmed). */
  git(args: readonly string[], o?: { cwd?: string; input?: string }): string;
  write(rel: string, text: string, o?: { cwd?: string }): void;
  read(rel: string, o?: { cwd?: string }): string;
  exists(rel: string, o?: { cwd?: string }): boolean;
  /** Adds everything and commits; returns the sha. */
  commit(message: string, o?: { cwd?: string }): string;
  head(o?: { cwd?: string }): string;
  /** `git status --porcelain` lines, sorted. */
  status(o?: { cwd?: string; ignored?: boolean }): string[];
  cleanup(): void;
}

/** A real repository in a temp dir on branch main with one commit holding `files`. */
export function makeRepo(
  files: Record<string, string> = { 'a.txt': 'a\n', 'b.txt': 'b\n', 'src/c.ts': 'export const c = 1;\n' },
): TestRepo {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fmes-git-')));
  const run = (args: readonly string[], o: { cwd?: string; input?: string } = {}) =>
    execFileSync('git', args, {
      cwd: o.cwd ?? root,
      input: o.input,
      encoding: 'utf8',
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, LC_ALL: 'C' },
    });
  const abs = (rel: string, cwd?: string) => path.join(cwd ?? root, rel);
  const repo: TestRepo = {
    root,
    git: run,
    write(rel, text, o) {
      fs.mkdirSync(path.dirname(abs(rel, o?.cwd)), { recursive: true });
      fs.writeFileSync(abs(rel, o?.cwd), text);
    },
    read: (rel, o) => fs.readFileSync(abs(rel, o?.cwd), 'utf8'),
    exists: (rel, o) => fs.lstatSync(abs(rel, o?.cwd), { throwIfNoEntry: false }) !== undefined,
    commit(message, o) {
      run(['add', '-A'], o);
      run(['commit', '-q', '--no-verify', '-m', message], o);
      return repo.head(o);
    },
    head: (o) => run(['rev-parse', 'HEAD'], o).trim(),
    status: (o) =>
      run(['status', '--porcelain=v1', '--untracked-files=all', ...(o?.ignored ? ['--ignored'] : [])], o)
        .split('\n')
        .filter(Boolean)
        .sort(),
    cleanup: () => fs.rmSync(root, { recursive: true, force: true }),
  };
  run(['init', '-q', '-b', 'main']);
  run(['config', 'user.name', 'Test User']);
  run(['config', 'user.email', 'test@example.com']);
  run(['config', 'commit.gpgSign', 'false']);
  for (const [rel, text] of Object.entries(files)) repo.write(rel, text);
  repo.commit('initial');
  return repo;
}
