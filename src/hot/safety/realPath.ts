import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * A path resolved the way the kernel will resolve it when the tool call runs, so that a check on the result
 * holds for every spelling of the same file: relative to the call's working directory, `..` after symlinks are
 * followed (as the kernel does, not as string normalisation does), every symlink in the existing part followed
 * (a dangling one by its target, since writing through it creates the target), `/proc/self/cwd` and
 * `/proc/self/root` as the agent's process will see them (not as the hook's own process would), other
 * processes' `/proc/<pid>/cwd|root` by their real links. What is left after the first missing component is
 * taken literally.
 *
 * POSIX only: on Windows the result is path.resolve's.
 */
export interface RealPath {
  /** Absolute, symlinks resolved in the existing part. */
  abs: string;
  /**
   * Set when the path could not be resolved (a symlink loop, a `/proc/self/fd/N` target, a /proc link that
   * cannot be read): a caller must not treat it as a harmless path.
   */
  unresolved?: string;
}

/** Symlinks followed before the kernel gives up with ELOOP (Linux: 40). */
const MAX_LINKS = 40;

export interface ResolveContext {
  /** The working directory of the process that will use the path (absolute; resolved here too). */
  cwd: string;
  /** The agent's home folder, for a leading `~`. */
  home?: string;
  /**
   * Resolutions already made in the same decision, reused: the deny list and the path checks resolve the same
   * redirection (each resolution is a few lstat calls). One map per decision: the file system moves on.
   */
  memo?: Map<string, RealPath>;
}

export function resolveReal(input: string, ctx: ResolveContext): RealPath {
  if (!ctx.memo) return resolveOnce(input, ctx);
  const key = `${ctx.cwd}\0${ctx.home ?? ''}\0${input}`;
  let r = ctx.memo.get(key);
  if (r === undefined) ctx.memo.set(key, (r = resolveOnce(input, ctx)));
  return r;
}

function resolveOnce(input: string, ctx: ResolveContext): RealPath {
  if (process.platform === 'win32') return { abs: path.resolve(ctx.cwd, input) };
  let p = input;
  if (ctx.home && (p === '~' || p.startsWith('~/'))) p = ctx.home + p.slice(1);
  const start = p.startsWith('/') ? p : `${ctx.cwd}/${p}`;
  return walk(start, ctx.cwd);
}

function walk(start: string, cwd: string): RealPath {
  const rest = splitComponents(start).reverse();
  let real = '';
  let links = 0;
  let missing = false;
  while (rest.length > 0) {
    const comp = rest.pop()!;
    if (comp === '.' || comp === '') continue;
    if (comp === '..') {
      real = real.slice(0, Math.max(0, real.lastIndexOf('/')));
      continue;
    }
    const next = `${real}/${comp}`;
    if (missing) {
      real = next;
      continue;
    }
    if (next === '/proc/self' || next === '/proc/thread-self') {
      const r = procSelf(rest, cwd);
      if (r.to === undefined) return { abs: `${next}/${rest.reverse().join('/')}`, unresolved: r.unresolved };
      rest.push(...splitComponents(r.to).reverse());
      real = '';
      if (++links > MAX_LINKS) return { abs: next, unresolved: 'too many levels of symbolic links' };
      continue;
    }
    let st: fs.Stats | undefined;
    try {
      st = fs.lstatSync(next);
    } catch {
      st = undefined;
    }
    if (!st) {
      missing = true;
      real = next;
      continue;
    }
    if (!st.isSymbolicLink()) {
      real = next;
      continue;
    }
    if (++links > MAX_LINKS) return { abs: next, unresolved: 'too many levels of symbolic links' };
    let target: string;
    try {
      target = fs.readlinkSync(next);
    } catch (e) {
      return {
        abs: next,
        unresolved: `the link ${next} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
      };
    }
    // /proc/<pid>/fd/N of a pipe or socket reads `pipe:[123]`: not a path the kernel would write through.
    if (!target.startsWith('/') && next.startsWith('/proc/') && /^[a-z]+:\[/.test(target))
      return { abs: next, unresolved: `${next} is not a file (${target})` };
    if (target.startsWith('/')) real = '';
    rest.push(...splitComponents(target).reverse());
  }
  return { abs: real === '' ? '/' : real };
}

/**
 * `/proc/self` in the hook would be the hook's own process; the path is used by the agent's process, whose
 * working directory is `cwd` and whose root is `/`. Consumes the components that follow from `rest`.
 */
function procSelf(
  rest: string[],
  cwd: string,
): { to: string; unresolved?: undefined } | { to?: undefined; unresolved: string } {
  let next = rest.pop();
  if (next === 'task') {
    rest.pop(); // the thread id: every thread shares cwd and root
    next = rest.pop();
  }
  if (next === 'cwd') return { to: cwd };
  if (next === 'root') return { to: '/' };
  if (next === undefined) return { unresolved: '/proc/self itself' };
  return {
    unresolved: `/proc/self/${next} names what the agent's process has open, which F-MES cannot see before it runs`,
  };
}

function splitComponents(p: string): string[] {
  return p.split('/').filter((c) => c !== '');
}
