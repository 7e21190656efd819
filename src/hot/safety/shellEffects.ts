/**
 * Two shell effects the PreToolUse hook judges with the agent's identity or the file system in hand, beside the
 * deny list (denyList.ts) and the written paths (bashWrites.ts):
 * - the F-MES CLI run by an agent: approving or rejecting approval requests, breaking locks and confirming a
 *   repository's settings are a person's decisions; releasing a lock under another agent's id is taking it;
 * - symlinks the command creates (`ln -s .locks lk && rm lk/x.lock`): the link does not exist when the hook
 *   runs, so what is written through it cannot be resolved; the link's target is judged instead.
 */
import type { HookDecision } from './preToolUse';
import { programName, type ShellParse, type SimpleCommand } from './shellWords';

/** `fmes …`, `node …/cli.mjs …`, `npx fmes …`: the F-MES subcommand words, or undefined for other programs. */
export function fmesArgs(argv: readonly string[]): string[] | undefined {
  const prog = argv.length > 0 ? programName(argv[0]) : '';
  if (prog === 'fmes') return [...argv.slice(1)];
  if (/^node(js)?$/.test(prog) || prog === 'bun' || prog === 'tsx') {
    const script = argv.findIndex((a, i) => i > 0 && !a.startsWith('-'));
    if (script > 0 && /(^|\/)(fmes|cli\.m?js)$/.test(argv[script])) return [...argv.slice(script + 1)];
    return undefined;
  }
  if (
    ['npx', 'pnpx', 'bunx'].includes(prog) ||
    (['npm', 'pnpm', 'yarn'].includes(prog) && ['exec', 'x', 'dlx'].includes(argv[1] ?? ''))
  ) {
    const at = argv.findIndex((a, i) => i > 0 && /^(fmes|@[^/]+\/fmes)(@.*)?$/.test(a));
    return at > 0 ? [...argv.slice(at + 1)] : undefined;
  }
  return undefined;
}

const GLOBAL_VALUE = new Set(['--workspace', '-w', '--cwd']);

/** The F-MES commands an agent must not run, judged on every command the line would run. */
export function fmesCommandVerdict(parse: ShellParse, agent: string): HookDecision | undefined {
  for (const cmd of parse.commands) {
    const args = fmesArgs(cmd.argv);
    if (!args) continue;
    const words = args.filter((a, i) => !a.startsWith('-') && !GLOBAL_VALUE.has(args[i - 1] ?? ''));
    const [sub, verb] = words;
    if (sub === 'approve' || sub === 'reject')
      return deny(
        cmd,
        `${sub === 'approve' ? 'approving' : 'rejecting'} a request is a person's decision; an agent never decides its own or another's`,
      );
    if (sub === 'config' && (verb === 'confirm' || verb === 'trust'))
      return deny(cmd, "confirming a repository's settings is a person's decision");
    if (sub === 'trust') return deny(cmd, "confirming a repository's settings is a person's decision");
    if (sub === 'lock' && verb === 'break')
      return deny(cmd, "breaking another agent's lock is a person's decision (it is recorded as theirs)");
    if (sub === 'lock' && (verb === 'release' || verb === 'renew')) {
      const other = optionValues(args, '--agent').find((v) => v !== agent);
      if (other !== undefined)
        return deny(
          cmd,
          `releasing a lock as ${JSON.stringify(other)} is taking it from that agent; you are ${JSON.stringify(agent)}`,
        );
    }
  }
  return undefined;
}

function optionValues(args: readonly string[], name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === name && i + 1 < args.length) out.push(args[++i]);
    else if (args[i].startsWith(`${name}=`)) out.push(args[i].slice(name.length + 1));
  }
  return out;
}

function deny(cmd: SimpleCommand, why: string): HookDecision {
  return {
    decision: 'deny',
    reason: `F-MES denies ${JSON.stringify(cmd.text.slice(0, 200))}: ${why}.`,
    ruleId: 'fmes-person-only',
  };
}

/** Targets of the symlinks a command creates (`ln -s`, `cp -s`), with the folder the link lies in (relative targets start there). */
export function symlinkTargets(parse: ShellParse): { target: string; linkDir: string }[] {
  const out: { target: string; linkDir: string }[] = [];
  for (const cmd of parse.commands) {
    const prog = cmd.argv.length > 0 ? programName(cmd.argv[0]) : '';
    if (prog !== 'ln' && prog !== 'cp') continue;
    const args = cmd.argv.slice(1);
    const symbolic = args.some(
      (a) =>
        a === '--symbolic' || (prog === 'cp' && a === '--symbolic-link') || (/^-[A-Za-z]+$/.test(a) && a.includes('s')),
    );
    if (!symbolic) continue;
    const ops: string[] = [];
    let dir: string | undefined;
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      if (a === '--') {
        for (let k = i + 1; k < args.length; k++) ops.push(args[k]);
        break;
      }
      if (a === '-t' || a === '--target-directory') dir = args[++i];
      else if (a.startsWith('--target-directory=')) dir = a.slice(19);
      else if (a === '-S' || a === '--suffix') i++;
      else if (!a.startsWith('-')) ops.push(a);
    }
    const sources = dir !== undefined || ops.length === 1 ? ops : ops.slice(0, -1);
    const linkAt = dir ?? (ops.length > 1 ? ops[ops.length - 1] : '.');
    for (const s of sources) {
      // A relative symlink target is relative to the link's folder: `ln -s a dir/` puts the link in dir, and
      // `ln -s a name` puts it beside name, unless name is an existing folder; the hook cannot know which, so both.
      if (prog === 'cp') out.push({ target: s, linkDir: '.' });
      else if (dir !== undefined || ops.length === 1 || linkAt.endsWith('/')) out.push({ target: s, linkDir: linkAt });
      else out.push({ target: s, linkDir: parentOf(linkAt) }, { target: s, linkDir: linkAt });
    }
  }
  return out;
}

function parentOf(p: string): string {
  const i = p.replace(/\/+$/, '').lastIndexOf('/');
  return i < 0 ? '.' : i === 0 ? '/' : p.slice(0, i);
}
