// The hook entry (dist/hook.cjs): Claude Code runs it for every tool call, so it imports only what a
// decision needs. `fmes hook …` runs the same code.
import * as fs from 'node:fs';
import { deliver, runHook } from './runHook';

const argv = process.argv.slice(2);
if (argv[0] === 'deliver' && argv[1]) {
  void deliver(argv[1]).catch(() => undefined);
} else {
  let stdin = '';
  try {
    stdin = fs.readFileSync(0, 'utf8');
  } catch {
    // No stdin: handled as unreadable input.
  }
  const r = runHook(argv, { stdin, env: process.env, self: process.argv[1] ?? '' });
  if (r.stdout) process.stdout.write(r.stdout);
  if (r.stderr) process.stderr.write(r.stderr);
  process.exitCode = r.exitCode;
}
