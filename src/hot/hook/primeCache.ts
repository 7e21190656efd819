// Fills the hook's code cache with every common decision, whatever the first call after an install was.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lockFileName } from '../locks/lockName';
import { LOCK_DIR } from '../locks/lockView';
import { hostName } from '../locks/liveness';
import { nodeOs } from '../nodeOs';
import { answerHook } from './runHook';

/**
 * The hook's code cache (codeCache.ts) is written once, after the first call that misses it, and holds the
 * bytecode of what that call ran; every later call takes it as it is. When that first call was a Read (the
 * commonest tool call) or an after-tool audit, the cache held neither the shell half nor the deny path, and
 * each later Bash call compiled the shell parser, the writer tables and the deny list afresh: about 3.5 ms of a
 * 6 ms hook on this machine (bench/hook.mjs). So before the cache is written, these calls run once more, on
 * a scratch workspace in the temp folder with one lock held by another agent: for the body without the shell
 * analysis a read, writes to a free and to the held path, a Gemini and a Codex write, and every call's after-tool
 * audit; for the shell analysis the decisions on shell commands with redirections, pipes, inline code, a heredoc
 * and a deny-listed one.
 *
 * Nothing outside the scratch folder is touched: the environment is empty but for HOME (the scratch folder),
 * so no broker, run, webhook or lock server is reached, the audit lands in the scratch folder, and the folder
 * goes when done. Any failure (a read-only temp folder) only leaves the cache as the first call made it.
 */
export function primeHook(kinds: ReadonlySet<PrimeKind>): void {
  let dir: string | undefined;
  try {
    dir = fs.mkdtempSync(path.join(nodeOs().tmpdir(), 'fmes-hook-prime-'));
    const root = fs.realpathSync.native(dir);
    fs.mkdirSync(path.join(root, LOCK_DIR));
    fs.mkdirSync(path.join(root, 'src'));
    fs.writeFileSync(path.join(root, 'src', 'free.ts'), 'x');
    const now = Date.now();
    const record = {
      version: 1,
      pid: null,
      pidStart: null,
      host: hostName(),
      path: 'src/held.ts',
      agent: 'fmes-prime-other',
      intent: 'priming the code cache',
      acquiredAt: new Date(now).toISOString(),
      expiresAt: new Date(now + 60_000).toISOString(),
      token: 'fmes-prime-0000000000',
    };
    fs.writeFileSync(path.join(root, LOCK_DIR, lockFileName('src/held.ts')), JSON.stringify(record));
    const io = (input: object) => ({
      stdin: JSON.stringify({ session_id: 'prime', cwd: root, tool_use_id: 'prime', ...input }),
      env: { HOME: root },
      self: '',
    });
    const args = (event: string, cli: string) => [event, '--cli', cli, '--agent', 'fmes-prime', '--workspace', root];
    // With the file backend (the scratch folder has no settings) every answer is synchronous.
    for (const [kind, cli, tool, input] of primeCalls(root)) {
      if (kinds.has(kind))
        void answerHook(
          args('pre-tool-use', cli),
          io({ hook_event_name: 'PreToolUse', tool_name: tool, tool_input: input }),
        );
      // The after-tool audit of the same call: bin.ts sends every audit to hookMain.cjs, shell commands' too.
      if (kinds.has('other'))
        void answerHook(
          args('post-tool-use', cli),
          io({ hook_event_name: 'PostToolUse', tool_name: tool, tool_input: input, tool_response: { stdout: 'ok' } }),
        );
    }
  } catch {
    // A cache of the first call only: slower later calls, never a wrong decision.
  } finally {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Which calls to run: `shell` for the body that holds the shell analysis (hookFull.cjs, or the shell half that
 * hookMain.cjs loads): the decisions on shell commands; `other` for hookMain.cjs: the other decisions and every
 * after-tool audit. A body's cache then holds what its calls run and no more: every byte of it is read and
 * deserialised on each call.
 */
export type PrimeKind = 'shell' | 'other';

/** [kind, cli, tool, input]: the tool calls agents make most, in the three CLIs' shapes. */
function primeCalls(root: string): [PrimeKind, string, string, Record<string, unknown>][] {
  const at = (p: string) => path.join(root, p);
  return [
    ['other', 'claude', 'Read', { file_path: at('src/free.ts') }],
    ['other', 'claude', 'Write', { file_path: at('src/free.ts'), content: 'x' }],
    ['other', 'claude', 'Edit', { file_path: at('src/held.ts'), old_string: 'a', new_string: 'b' }],
    ['other', 'gemini', 'write_file', { file_path: at('src/held.ts'), content: 'x' }],
    ['other', 'codex', 'apply_patch', { command: '*** Begin Patch\n*** Add File: src/new.ts\n+x\n*** End Patch' }],
    ['shell', 'claude', 'Bash', { command: 'npm test && git diff > out.txt' }],
    [
      'shell',
      'claude',
      'Bash',
      { command: 'cd src && grep -rn "TODO" . | head -20 2>&1 >/dev/null; echo "$HOME" >> log.txt' },
    ],
    [
      'shell',
      'claude',
      'Bash',
      { command: `python3 -c 'open("x.txt", "w").write("1")' && sed -i 's/a/b/' src/free.ts` },
    ],
    ['shell', 'claude', 'Bash', { command: 'cat <<EOF > src/held.ts\nexport {};\nEOF\nrm -rf ~ && git push --force' }],
    ['shell', 'gemini', 'run_shell_command', { command: 'npx tsc --noEmit', dir_path: 'src' }],
  ];
}
