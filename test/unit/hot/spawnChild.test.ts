// `fmes lock run` starts its command through Node's process_wrap binding where it can (src/hot/lock/spawnChild.ts)
// and through child_process elsewhere: both must behave the same for everything runHolding relies on.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { processWrap, spawnChild, type HeldChild } from '../../../src/hot/lock/spawnChild';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fmes-spawn-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  error?: string;
  child: HeldChild;
}

function run(file: string, args: string[], binding: boolean, whileRunning?: (c: HeldChild) => void): Promise<Outcome> {
  return new Promise((resolve) => {
    const child: HeldChild = spawnChild(
      file,
      args,
      {
        onError: (e) => resolve({ code: null, signal: null, error: e.message, child }),
        onExit: (code, signal) => resolve({ code, signal, child }),
      },
      binding,
    );
    whileRunning?.(child);
  });
}

describe('spawnChild', () => {
  it('uses the binding on this platform unless --pending-deprecation would make Node warn about it', () => {
    if (process.platform !== 'win32') assert.equal(typeof processWrap({}, []), 'function');
    assert.equal(processWrap({ NODE_PENDING_DEPRECATION: '1' }, []), undefined);
    assert.equal(processWrap({ NODE_OPTIONS: '--max-old-space-size=100 --pending-deprecation' }, []), undefined);
    assert.equal(processWrap({}, ['--pending-deprecation']), undefined);
  });

  for (const binding of [true, false]) {
    const how = binding ? 'binding' : 'child_process';

    it(`${how}: passes argv (spaces, quotes, empty) and the environment, and reports the exit code`, async () => {
      const out = path.join(dir, `argv-${how}`);
      process.env.FMES_SPAWN_TEST = 'a b=c';
      try {
        const script = 'printf "%s|" "$@" "$FMES_SPAWN_TEST" > "$0"; exit 7';
        const r = await run('sh', ['-c', script, out, 'x y', '', `it's`], binding);
        assert.deepEqual([r.code, r.signal, r.error], [7, null, undefined]);
        assert.equal(r.child.exitCode, 7);
        assert.equal(fs.readFileSync(out, 'utf8'), `x y||it's|a b=c|`);
      } finally {
        delete process.env.FMES_SPAWN_TEST;
      }
    });

    it(`${how}: a child ended by a signal reports the signal, not a code`, async () => {
      const r = await run('sh', ['-c', 'kill -TERM $$'], binding);
      assert.deepEqual([r.code, r.signal], [null, 'SIGTERM']);
      assert.equal(r.child.exitCode, null);
    });

    it(`${how}: kill() reaches the running child with the signal given`, async () => {
      const r = await run('sleep', ['30'], binding, (c) => setTimeout(() => c.kill('SIGINT'), 100));
      assert.deepEqual([r.code, r.signal], [null, 'SIGINT']);
      r.child.kill('SIGTERM'); // after the exit: nothing to reach, no throw
    });

    it(`${how}: a command that cannot start is an error worded as child_process words it`, async () => {
      const missing = await run('no-such-command-fmes-xyz', [], binding);
      assert.equal(missing.error, 'spawn no-such-command-fmes-xyz ENOENT');
      const notExecutable = path.join(dir, 'plain.txt');
      fs.writeFileSync(notExecutable, 'echo hi\n', { mode: 0o644 });
      const denied = await run(notExecutable, [], binding);
      assert.equal(denied.error, `spawn ${notExecutable} EACCES`);
    });

    it(`${how}: an argument holding a NUL is refused, never cut short, and reported as a start failure`, async () => {
      const out = path.join(dir, `nul-${how}`);
      const r = await run('sh', ['-c', 'echo ran > "$0"', `${out}\0.other`], binding);
      assert.match(r.error ?? '', /must be a string without null bytes/);
      assert.equal(fs.existsSync(out), false, 'nothing ran');
    });
  }
});
