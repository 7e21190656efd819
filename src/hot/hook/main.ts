// The hook's body, built twice: dist/hookMain.cjs and dist/hookFull.cjs (with the shell half inside), one of which
// dist/hook.cjs loads through the code cache (see bin.ts). Every agent CLI runs it for every tool call, so it
// imports only what a decision needs. `fmes hook …` runs the same code.
import * as fs from 'node:fs';
import { saveShellCache, shellCacheUnsaved, shellHalfBundled } from '../safety/shellHalf';
import { primeHook, type PrimeKind } from './primeCache';
import { answerHook, deliver, type HookResult } from './runHook';
import { utf8Length } from '../utf8Length';

/**
 * For bin.ts, at exit: when this bundle's code cache (`saveMain`) or the shell half's missed, the common calls run
 * once more (primeCache.ts) and the caches that missed are written, so that they hold every common decision.
 */
export function finishCodeCaches(saveMain: (() => void) | undefined): void {
  const kinds = new Set<PrimeKind>();
  if (saveMain) kinds.add(shellHalfBundled() ? 'shell' : 'other');
  if (shellCacheUnsaved()) kinds.add('shell');
  if (kinds.size === 0) return;
  primeHook(kinds);
  saveMain?.();
  saveShellCache();
}

(globalThis as { __fmesHookStarted?: boolean }).__fmesHookStarted = true; // see bin.ts
const argv = process.argv.slice(2);
if (argv[0] === 'deliver' && argv[1]) {
  void deliver(argv[1]).catch(() => undefined);
} else {
  // Read by bin.ts, which chose this bundle by it.
  let stdin = (globalThis as { __fmesHookInput?: string }).__fmesHookInput;
  if (stdin === undefined)
    try {
      stdin = fs.readFileSync(0, 'utf8');
    } catch {
      stdin = ''; // no stdin: handled as unreadable input
    }
  const r = answerHook(argv, { stdin, env: process.env, self: process.argv[1] ?? '' });
  if (r instanceof Promise) void r.then(answer);
  else answer(r);
}

function answer(r: HookResult): void {
  write(1, r.stdout);
  write(2, r.stderr);
  process.exitCode = r.exitCode;
}

/**
 * Writes to a standard descriptor directly: touching process.stdout or process.stderr builds a stream (and
 * loads net for a pipe), which is a measurable part of the hook's start. The stream remains the fallback for a
 * descriptor that refuses a synchronous write (a full non-blocking pipe).
 */
function write(fd: 1 | 2, text: string): void {
  if (!text) return;
  let off = 0;
  let buf: Buffer | undefined;
  try {
    // The text as it is first: one write takes a whole answer (a pipe takes 64 KB at once), and Buffer's
    // JavaScript stays uncompiled; a Buffer only for the rest of a partial write.
    off = fs.writeSync(fd, text);
    if (off === utf8Length(text)) return;
    buf = Buffer.from(text);
    while (off < buf.length) off += fs.writeSync(fd, buf, off);
  } catch {
    buf ??= Buffer.from(text);
    (fd === 1 ? process.stdout : process.stderr).write(buf.subarray(off));
  }
}
