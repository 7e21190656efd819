// The script that starts the sandbox's relays, run in a real network namespace (bubblewrap): it waits for both
// relays without connecting to them, stops the run with the relay's own reason when one cannot listen, and its
// ports lie outside the range outgoing connections take their source ports from.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { API_PORT, ENV_FILE_INSIDE, PROXY_PORT, innerScript } from '../../../src/core/sandbox/sandboxEnv';
import { sandboxSupport } from '../../../src/core/sandbox/support';

const support = sandboxSupport();
const skip = support.ok ? false : `bubblewrap cannot run here: ${support.why}`;

describe('the relays inside the sandbox', { skip }, () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fmes-inner-'));
    fs.writeFileSync(path.join(dir, 'env.sh'), 'export FROM_ENV_FILE=yes\n');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Runs `prelude`, then the inner script with `argv`, in a fresh network namespace. */
  const run = (prelude: string, argv: string[]) =>
    spawnSync(
      support.ok ? support.bwrap : 'bwrap',
      [
        ...['--unshare-net', '--unshare-pid', '--die-with-parent', '--ro-bind', '/', '/', '--proc', '/proc'],
        ...['--dev', '/dev', '--tmpfs', '/run', '--ro-bind', path.join(dir, 'env.sh'), ENV_FILE_INSIDE],
        ...['--bind', dir, dir, '--', '/bin/bash', '-c', `${prelude}\n${innerScript(path.join(dir, 'relay.log'))}`],
        'fmes-sandbox',
        ...argv,
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );

  it('both relays listen before the agent starts, and the agent gets the environment file', () => {
    const r = run('', ['bash', '-c', 'grep -c " 0A " /proc/net/tcp; echo "env:$FROM_ENV_FILE"']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^2\nenv:yes\n$/);
  });

  it('a relay whose port is taken stops the run with exit 70 and socat’s reason', () => {
    // A bound, not listening socket: the relay's bind fails, and nothing listens for the wait to mistake.
    const hold = `python3 -c 'import socket,time,sys; s=socket.socket(); s.bind(("127.0.0.1", ${API_PORT})); print("held", flush=True); time.sleep(60)' > ${dir}/held &
until [ -s ${dir}/held ]; do sleep 0.01; done`;
    const r = run(hold, ['bash', '-c', 'echo agent started']);
    assert.equal(r.status, 70, `${r.stdout}\n${r.stderr}`);
    assert.doesNotMatch(r.stdout, /agent started/);
    assert.match(r.stderr, /the relay to the model API stopped: .*Address already in use/);
  });

  it('its ports are outside the ephemeral range a new network namespace gives outgoing connections', () => {
    const r = spawnSync(
      support.ok ? support.bwrap : 'bwrap',
      ['--unshare-net', '--ro-bind', '/', '/', '--proc', '/proc', 'cat', '/proc/sys/net/ipv4/ip_local_port_range'],
      { encoding: 'utf8' },
    );
    const [lo, hi] = r.stdout.trim().split(/\s+/).map(Number);
    assert.ok(lo > 1024 && hi >= lo, r.stdout);
    for (const p of [API_PORT, PROXY_PORT]) assert.ok(p > 1024 && (p < lo || p > hi), `${p} in ${lo}-${hi}`);
  });
});
