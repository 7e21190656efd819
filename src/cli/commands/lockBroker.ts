import { BrokerCallError, BrokerClient } from '../../hot/broker/client';
import { brokeredLockRun } from '../../hot/broker/brokerLockRun';
import { acquireVia, EXIT_BROKER_UNAVAILABLE, releaseVia, renewVia } from '../../hot/broker/lockVia';
import { brokerOf } from '../../hot/broker/protocol';
import { ControlCharacterError, escapeControls, safeJson } from '../../hot/locks/printable';
import type { Holder } from '../../hot/locks/holders';
import { print, printErr } from '../context';
import { t } from '../../core/i18n/translate';
import { UsageError } from '../usageError';
import { refuse } from './refusal';
import { cliErrorText } from '../errorText';

/**
 * `fmes lock …` inside an agent run that has a broker (FMES_BROKER): the same commands, flags, output and exit
 * codes, carried out by the broker as the run's agent (src/core/broker/). Inside the run's sandbox `.locks/` is
 * read-only, so this is the only way in; a broker that cannot be reached fails the command (exit 69).
 */
export const inRunBroker = (): { socket: string; token: string } | undefined => brokerOf(process.env);

type Broker = { socket: string; token: string };

/** Runs `fn` with a connection to the broker; a refusal or an unreachable broker is reported here. */
async function withBroker(broker: Broker, fn: (c: BrokerClient) => Promise<void>): Promise<void> {
  const c = new BrokerClient(broker.socket, broker.token);
  try {
    await fn(c);
  } catch (e) {
    if (BrokerCallError.is(e, 'refused')) {
      refuse(`${e.message}.`);
      return;
    }
    if (BrokerCallError.is(e, 'unavailable') || BrokerCallError.is(e, 'timeout') || BrokerCallError.is(e, 'ended')) {
      printErr(`fmes: ${cliErrorText(e)}`);
      process.exitCode = EXIT_BROKER_UNAVAILABLE;
      return;
    }
    if (BrokerCallError.is(e, 'invalid')) throw new UsageError(e.message, { cause: e });
    if (ControlCharacterError.is(e)) throw new UsageError(e.message, { cause: e });
    throw e;
  } finally {
    c.close();
  }
}

export function acquireBrokered(
  broker: Broker,
  p: string,
  o: { agent: string; intent: string; ttl?: number; wait: number; pid?: number; json?: boolean },
  announce: (holders: readonly Holder[]) => void,
  onHeld: (e: unknown) => void,
): Promise<void> {
  if (o.pid !== undefined) printErr(t('pidIgnored'));
  return withBroker(broker, async (c) => {
    let h;
    try {
      h = await acquireVia(c, {
        path: p,
        cwd: process.cwd(),
        agent: o.agent,
        intent: o.intent,
        ttlSec: o.ttl,
        waitSec: o.wait,
        bind: 'detached',
        onWait: announce,
      });
    } catch (e) {
      onHeld(e); // rethrows anything but `held`
      return;
    }
    if (o.json)
      print(safeJson({ ok: true, file: h.file, ...h.record, generation: h.record.token, token: h.key ?? null }));
    else print(lockedText(h));
  });
}

/**
 * What `fmes lock acquire` prints for a lock it took: with its key, shown this once, or, for a lock the agent held
 * already (renewed), without one. Escaped: the path and agent reach a terminal.
 */
export function lockedText(h: { path: string; record: { agent: string; expiresAt: string }; key?: string }): string {
  const args = { path: h.path, agent: h.record.agent, until: h.record.expiresAt };
  return escapeControls(h.key ? t('lockedWithKey', { ...args, key: h.key }) : t('lockedAgain', args));
}

export function releaseBrokered(broker: Broker, p: string, o: { agent?: string; token?: string }): Promise<void> {
  return withBroker(broker, async (c) => {
    const r = await releaseVia(c, { path: p, cwd: process.cwd(), agent: o.agent || undefined, key: o.token });
    print(escapeControls(t('released', { path: r.path })));
  });
}

export function renewBrokered(
  broker: Broker,
  p: string,
  o: { agent?: string; token?: string; ttl?: number },
): Promise<void> {
  return withBroker(broker, async (c) => {
    const r = await renewVia(c, {
      path: p,
      cwd: process.cwd(),
      agent: o.agent || undefined,
      key: o.token,
      ttlSec: o.ttl,
    });
    print(escapeControls(t('renewed', { path: r.path, until: String(r.expiresAt) })));
  });
}

export function statusBrokered(broker: Broker, o: { json?: boolean; markers?: boolean }): Promise<void> {
  return withBroker(broker, async (c) => {
    const r = (await c.call('lock.status', { markers: !!o.markers })) as { locks: unknown[]; lines: string[] };
    if (o.json) {
      print(safeJson(r.locks));
      return;
    }
    if (r.lines.length === 0) print(t('noLocks'));
    for (const line of r.lines) print(line);
  });
}

export async function runBrokered(
  broker: Broker,
  p: string,
  argv: string[],
  o: { agent: string; intent: string; wait: number; json?: boolean },
): Promise<void> {
  let code;
  try {
    code = await brokeredLockRun(
      { path: p, command: argv, agent: o.agent, intent: o.intent, wait: o.wait, json: !!o.json },
      broker,
      process.cwd(),
      printErr,
      true,
    );
  } catch (e) {
    if (BrokerCallError.is(e, 'invalid')) throw new UsageError(e.message, { cause: e });
    throw e;
  }
  process.exitCode = code ?? 1;
}
