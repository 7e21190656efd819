/**
 * Pipelines and scopes as the parser builds them: the shared stages of a pipeline (so a pipeline of n commands
 * costs O(n), not O(n²)), `pipedFrom` read lazily from them, and the moving of commands into the scope of a
 * pipeline stage or background job, which is known only once the operator after them is read.
 */
import type { ShellScope, SimpleCommand } from './shellCommand';

/**
 * The commands before the current one in its pipeline: the first `n` of `stages`, an array the whole pipeline
 * shares and appends to, so that a pipeline of n commands costs O(n), not O(n²).
 */
export interface Pipe {
  stages: SimpleCommand[];
  n: number;
}

export const NO_PIPE: Pipe = { stages: [], n: 0 };

/**
 * Moves the commands emitted since `from` (those of this shell, and the subshells they started) into a new
 * scope: a pipeline stage or a background job, known only once the operator after them is read.
 */
export function isolate(
  out: SimpleCommand[],
  from: number,
  cur: ShellScope | undefined,
  kind: ShellScope['kind'],
): void {
  const to = out.length;
  if (from >= to) return;
  const first = out[from];
  const moved: ShellScope = { parent: cur, kind, andOr: first.andOr ?? 0, conn: first.conn };
  for (let k = from; k < to; k++) {
    const c = out[k];
    if (c.scope === cur) {
      c.scope = moved;
      continue;
    }
    let sc = c.scope;
    while (sc !== undefined && sc !== moved && sc.parent !== cur) sc = sc.parent;
    if (sc !== undefined && sc !== moved) sc.parent = moved;
  }
}

/** `pipedFrom` computed on first read: copying the stages for every command would be quadratic in the pipeline. */
export function lazyPipedFrom(cmd: SimpleCommand, pipe: Pipe): void {
  const { stages, n } = pipe;
  let memo: SimpleCommand[] | undefined;
  Object.defineProperty(cmd, 'pipedFrom', {
    enumerable: true,
    configurable: true,
    get: () => (memo ??= stages.slice(0, n)),
    set: (v: SimpleCommand[]) => void (memo = v),
  });
}
