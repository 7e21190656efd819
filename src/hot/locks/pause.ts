// A synchronous pause, for the retries of critical sections that last microseconds (the conflict re-check after
// a create, the generation guard, a forced break), where returning to the event loop would cost more.

const sleeper = new Int32Array(new SharedArrayBuffer(4));
/** A short synchronous pause inside a retry of a microsecond-long critical section. */
export function pause(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}
