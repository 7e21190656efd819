import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { checkCommand } from '../../../../src/hot/safety/denyList';
import { parseShell } from '../../../../src/hot/safety/shellWords';
import { WRAPPERS, type WrapperSpec } from '../../../../src/hot/safety/wrapperTable';

/** A command line that runs `inner` through the wrapper `key`, built from its own table entry. */
function around(key: string, spec: WrapperSpec, inner: string): string {
  const quoted = `'${inner}'`;
  if (spec.stdin) return `echo ${quoted} | ${key} now`;
  if (spec.none?.includes('*')) return `${key} ${spec.script![0]} ${quoted}`;
  const needs = spec.needs ? `${spec.needs[0]} root ` : '';
  const operands = 'arg0 '.repeat(spec.operands ?? 0);
  return `${key} ${needs}${operands}${inner}`;
}

describe('wrapper table: every entry, with a dangerous command inside', () => {
  for (const [key, spec] of Object.entries(WRAPPERS)) {
    test(key, () => {
      const bad = around(key, spec, 'rm -rf /');
      const v = checkCommand(bad);
      assert.equal(v.decision, 'deny', `${bad} → ${JSON.stringify(v)}`);
      // The same wrapper around a harmless command stays allowed: the entry does not over-reach.
      const ok = around(key, spec, 'ls -la');
      assert.equal(checkCommand(ok).decision, 'allow', ok);
    });
  }
});

describe('wrapper table: options that take a value are not the command', () => {
  const cases: [string, string[]][] = [
    ['su -s /bin/bash root -c "rm x"', ['rm', 'x']],
    ['runuser -u deploy -- rm x', ['rm', 'x']],
    ['chroot --userspec=0:0 /mnt rm x', ['rm', 'x']],
    ['flock -w 5 /tmp/l rm x', ['rm', 'x']],
    ['flock /tmp/l psql -c q', ['psql', '-c', 'q']],
    ['strace -f -o out -e trace=file rm x', ['rm', 'x']],
    ['systemd-run --unit x -p User=a rm x', ['rm', 'x']],
    ['taskset -c 0 rm x', ['rm', 'x']],
    ['chrt -f 99 rm x', ['rm', 'x']],
    ['numactl -N 0 -m 0 rm x', ['rm', 'x']],
    ['npx -p pkg rimraf@5 x', ['rimraf', 'x']],
    ['npm --silent exec -- rimraf x', ['rimraf', 'x']],
    ['tmux -L sock new-window -n w "rm x"', ['rm', 'x']],
    ['screen -dmS s rm x', ['rm', 'x']],
    ['parallel rm {} ::: a b', ['rm', 'a', 'b']],
    ['sh -c \'rm "$1" "$2"\' _ a b', ['rm', 'a', 'b']],
    ["bash -c 'rm $@' _ a 'b c'", ['rm', 'a', 'b', 'c']],
    ['node dist/cli.js approve 3', ['fmes', 'approve', '3']],
  ];
  for (const [src, argv] of cases) {
    test(src, () => assert.deepEqual(parseShell(src).commands.at(-1)?.argv, argv));
  }

  test('wrappers with no command run nothing', () => {
    for (const src of [
      'su root',
      'su -',
      'runuser root',
      'taskset -p 1234',
      'chrt -p 1234',
      'script out.log',
      'nix-shell',
      'at -l',
      'at -f job.sh now',
      'flock 9',
    ]) {
      const p = parseShell(src);
      assert.deepEqual(
        p.commands.map((c) => c.argv[0]),
        [src.split(' ')[0]],
        src,
      );
    }
  });
});
