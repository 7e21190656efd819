/** The contract between the driver (locks.ts) and its child processes (uncontended.ts, lockWorker.ts, flockWorker.sh). */

/** Lock implementations measured under contention; 'none' takes no lock and checks that the checker sees overlaps. */
export type Impl = 'ours' | 'proper-lockfile' | 'flock' | 'raw' | 'none';

/** The implementations a Node worker (lockWorker.ts) runs; flock runs as a shell loop. */
export type NodeImpl = Exclude<Impl, 'flock'>;

export function isNodeImpl(s: string | undefined): s is NodeImpl {
  return s === 'ours' || s === 'proper-lockfile' || s === 'raw' || s === 'none';
}

/** The one JSON line a contended worker prints on stdout when its window ends. */
export interface WorkerResult {
  /** Acquisitions completed inside the window. */
  count: number;
  /** Times the occupied marker was already there inside the critical section (must stay 0). */
  violations: number;
  /** How late the worker reached the start barrier (ms); 0 when it was waiting in time. */
  lateMs: number;
  /** From the process start until it was warmed up and ready for the barrier (ms). */
  readyMs: number;
  /** The CPU time it spent to get there (ms). */
  readyCpuMs: number;
  /** Each acquisition's wait in microseconds: from starting to ask until holding (flock: the whole `flock f true`). */
  waitsUs: number[];
}

/** What uncontended.ts prints: cycles per second in each round, the two lists in the same round order. */
export interface UncontendedResult {
  raw: number[];
  /** raw plus a write of a lock record as long as ours: the floor for any lock file that names its holder. */
  rawWrite: number[];
  ours: number[];
  /** ours on a path that does not exist (a lock taken before the file is written): the folder-coverage case. */
  oursMissing: number[];
}

/** Where a contended run keeps its files, relative to its temp workspace root. */
export const SHARED = {
  /** The workspace path every `ours` worker locks. */
  oursPath: 'src/a.ts',
  /** The O_EXCL file of the raw floor: in `.locks/` beside ours, with a name as long as `src%2Fa.ts.lock`. */
  rawLock: '.locks/raw%2Fa.ts.lock',
  /** The file proper-lockfile locks (it creates `<file>.lock/`). */
  plfTarget: 'shared',
  /** The file flock(1) locks; never deleted. */
  flockFile: '.locks/flock',
  /** Created with O_EXCL inside every critical section: EEXIST there means two holders at once. */
  inside: '.bench/inside',
} as const;

/**
 * proper-lockfile's retry count. The brief asked for 1e6 ("wait forever"), but retry@0.12 builds, deep-copies
 * and sorts an array with one timeout per retry on every lock() call: about 150 ms per call at 1e6, which
 * would measure that array instead of the lock. With maxTimeout 100 ms, 1000 retries give the same schedule
 * for over 90 s, far beyond a window. `--plf-retries 1000000` reproduces the literal setting.
 */
export const PLF_RETRIES = 1000;
