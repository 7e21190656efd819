import { describeHolder, holderJson, type Holder } from '../locks/holders';
import { LockError } from '../errors';
import { escapeControls, safeJson } from '../locks/printable';
import { EXIT, runHolding, SignalGuard, signalExit } from '../lock/holding';
import { BrokerCallError, BrokerClient } from './client';
import { acquireVia, EXIT_BROKER_UNAVAILABLE, EXIT_REFUSED } from './lockVia';
import { hotText } from '../hotText';
import { localeFromEnv } from '../locale';

export interface BrokeredRunArgs {
  path: string;
  command: readonly string[];
  agent: string;
  intent?: string;
  wait: number;
  json: boolean;
}

/**
 * `fmes lock run` inside a run with a broker: the lock is bound to this process's connection to the broker
 * (released when the command ends, or when this process dies and the connection drops). Returns the exit code,
 * or undefined for an error the full CLI should word (it goes through the broker too).
 */
export async function brokeredLockRun(
  a: BrokeredRunArgs,
  broker: { socket: string; token: string },
  cwd: string,
  printErr: (line: string) => void,
  /** Throw what no exit code covers (the full CLI reports it) instead of answering undefined. */
  rethrow = false,
): Promise<number | undefined> {
  const client = new BrokerClient(broker.socket, broker.token);
  const guard = new SignalGuard();
  guard.abort.signal.addEventListener('abort', () => client.close());
  try {
    let lock;
    try {
      lock = await acquireVia(client, {
        path: a.path,
        cwd,
        agent: a.agent,
        intent: a.intent || escapeControls(a.command.join(' ')).slice(0, 200),
        waitSec: a.wait,
        bind: 'connection',
        onWait: (holders) =>
          printErr(
            hotText(localeFromEnv(), 'waitingFor', {
              seconds: a.wait,
              path: a.path,
              holders: holders.map((h) => describeHolder(h, localeFromEnv())).join('; '),
            }),
          ),
      });
    } catch (e) {
      if (guard.received) return signalExit(guard.received);
      if (LockError.is(e, 'held')) {
        const holders = (e.details?.holders ?? []) as Holder[];
        if (a.json)
          process.stdout.write(
            safeJson({ ok: false, reason: 'held', path: e.path, holders: holders.map(holderJson) }) + '\n',
          );
        const locale = localeFromEnv();
        printErr(hotText(locale, 'isHeld', { path: escapeControls(e.path) }));
        for (const h of holders) printErr(`  ${describeHolder(h, locale)}`);
        return EXIT.held;
      }
      if (BrokerCallError.is(e, 'refused')) {
        printErr(`fmes: refused: ${e.message}.`);
        return EXIT_REFUSED;
      }
      if (BrokerCallError.is(e, 'unavailable') || BrokerCallError.is(e, 'timeout') || BrokerCallError.is(e, 'ended')) {
        printErr(`fmes: ${e.message}`);
        return EXIT_BROKER_UNAVAILABLE;
      }
      if (rethrow) throw e;
      return undefined;
    }
    const code = await runHolding(a.command, guard, () => undefined, printErr);
    // Released before this process exits, as outside runs: the next taker must not find it still held. Only this
    // command's hold goes: a lock the run holds otherwise too (a detached acquire, another command) stays.
    try {
      await client.call('lock.release', { path: lock.path, hold: 'connection' });
    } catch (e) {
      if (BrokerCallError.is(e)) printErr(`fmes: could not release the lock on ${lock.path}: ${e.message}`);
    }
    return code;
  } finally {
    guard.dispose();
    client.close();
  }
}
