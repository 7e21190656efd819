/**
 * Releases inside a turn that wait for the end of the current tick (RedisLockBackend.releaseLease): when the same
 * process takes the path again within that tick (a loop of `lock` calls), the release travels with that acquire
 * in one script and one round trip; otherwise it is sent at the end of the tick, before this process handles any
 * I/O. Any command of any backend of this process sends every deferred release first, so nothing this process
 * sends after a release returned reaches the server before it; at exit, what is left is written out too.
 *
 * The price: code that blocks the event loop right after such a release (execSync, a long computation) holds the
 * path until it yields. Exclusion is unaffected; the release only comes later. Only a turn's releases wait so
 * (a process that took the path again within 25 ms: a loop); a single acquire and release always waits for the
 * server.
 */
export interface Deferring {
  /** Sends the deferred release of this backend, if any. */
  sendDeferred(): void;
}

const deferring = new Set<Deferring>();
let scheduled = false;
let hooked = false;

/** `b` holds a deferred release: it is sent at the end of this tick unless taken before. */
export function defer(b: Deferring): void {
  deferring.add(b);
  if (!hooked) {
    hooked = true;
    // Socket writes at exit still go out (libuv writes at once when it can): a loop ending in process.exit()
    // does not leave its last lock to run out its lease.
    process.on('exit', sendAllDeferred);
  }
  if (!scheduled) {
    scheduled = true;
    process.nextTick(() => {
      scheduled = false;
      sendAllDeferred();
    });
  }
}

/** `b`'s deferred release was taken (merged into an acquire) or sent. */
export function undefer(b: Deferring): void {
  deferring.delete(b);
}

/** Sends every deferred release of this process (before any other command goes out). */
export function sendAllDeferred(): void {
  if (deferring.size === 0) return;
  for (const b of [...deferring]) {
    deferring.delete(b);
    b.sendDeferred();
  }
}
