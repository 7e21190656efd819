/**
 * The vocabulary of the writer tables (writers.ts, readOnly.ts): an argument with its dynamic flag, what one
 * command writes, and the option/operand split the entries share.
 */
import type { SimpleCommand } from './shellCommand';

export interface Arg {
  v: string;
  d: boolean;
}

/** What one command writes: paths, or that it cannot be told. */
export interface Writes {
  paths: Arg[];
  unknown?: boolean;
  /** Relative paths are taken from another folder than the cwd (`git -C dir`). */
  moved?: boolean;
}

export type Writer = (a: readonly Arg[], cmd: SimpleCommand) => Writes;

export const NONE: Writes = { paths: [] };
export const UNKNOWN: Writes = { paths: [], unknown: true };

/**
 * Splits arguments into options and operands (options may follow operands, as GNU tools allow). A letter in
 * `valueShort` or a name in `valueLong` takes a value: the rest of the cluster or the next argument.
 */
export function operands(
  args: readonly Arg[],
  valueShort = '',
  valueLong: readonly string[] = [],
): { ops: Arg[]; opts: Map<string, Arg> } {
  const ops: Arg[] = [];
  const opts = new Map<string, Arg>();
  for (let i = 0; i < args.length; i++) {
    const x = args[i].v;
    if (x === '--') {
      // A loop, not push(...rest): spreading 100,000 arguments overflows the stack.
      for (let k = i + 1; k < args.length; k++) ops.push(args[k]);
      break;
    }
    if (!x.startsWith('-') || x === '-') ops.push(args[i]);
    else if (x.startsWith('--')) {
      const eq = x.indexOf('=');
      if (eq > 0) opts.set(x.slice(0, eq), { v: x.slice(eq + 1), d: args[i].d });
      else opts.set(x, valueLong.includes(x) ? (args[++i] ?? { v: '', d: false }) : { v: '', d: false });
    } else {
      for (let k = 1; k < x.length; k++) {
        if (valueShort.includes(x[k])) {
          opts.set(
            '-' + x[k],
            k < x.length - 1 ? { v: x.slice(k + 1), d: args[i].d } : (args[++i] ?? { v: '', d: false }),
          );
          break;
        }
        opts.set('-' + x[k], { v: '', d: false });
      }
    }
  }
  return { ops, opts };
}

export const all =
  (valueShort = '', valueLong: readonly string[] = []) =>
  (a: readonly Arg[]): Writes => ({ paths: operands(a, valueShort, valueLong).ops });

/** cp, ln, install, rsync: the destination is `-t DIR` or the last operand. */
export const destination =
  (valueShort: string, valueLong: readonly string[] = []) =>
  (a: readonly Arg[]): Writes => {
    const { ops, opts } = operands(a, valueShort, ['--target-directory', ...valueLong]);
    const t = opts.get('-t') ?? opts.get('--target-directory');
    if (t) return { paths: [t] };
    return { paths: ops.length > 1 ? [ops[ops.length - 1]] : [] };
  };

/** A file named by an option (`sort -o f`, `curl -o f`). */
export const optionFile = (opts: Map<string, Arg>, ...names: string[]): Arg[] =>
  names.flatMap((n) => {
    const v = opts.get(n);
    return v && v.v !== '-' && v.v !== '' ? [v] : [];
  });
