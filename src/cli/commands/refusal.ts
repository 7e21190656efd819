import { callerIdentity, refusalToActAs, type RunIdentity } from '../../hot/safety/runIdentity';
import { printErr } from '../context';
import { t } from '../../core/i18n/translate';

/** What a caller claims to do as an agent, named in refusals (a catalog key). */
export type ClaimVerb = 'locking' | 'releasing' | 'renewing';

/** Exit code of a command refused to the caller (sysexits EX_NOPERM). */
export const EXIT_NOT_PERMITTED = 77;

/** The run this `fmes` process is part of (see runIdentity.ts), looked up once per process. */
let cached: ReturnType<typeof callerIdentity> | undefined;
export function caller(): ReturnType<typeof callerIdentity> {
  return (cached ??= callerIdentity());
}

/** @internal tests in the same process */
export function forgetCaller(): void {
  cached = undefined;
}

/** Prints why and sets exit code 77. Returns true so callers can `if (refuse(…)) return;`. */
export function refuse(message: string): true {
  printErr(t('refused', { message }));
  process.exitCode = EXIT_NOT_PERMITTED;
  return true;
}

export function describeRun(run: RunIdentity): string {
  return run.agent ? t('runOf', { runId: run.runId, agent: run.agent }) : t('runPlain', { runId: run.runId });
}

/**
 * Why `c` may not act as `named` (refusalToActAs in runIdentity.ts decides; this words it in the CLI's
 * language), or undefined when it may.
 */
export function actAsRefusal(named: string, c: ReturnType<typeof callerIdentity>): string | undefined {
  if (!refusalToActAs(named, c)) return undefined;
  if (c.run) return t('actAsInRun', { run: describeRun(c.run), id: c.id, named });
  return t('actAsDeclared', { declared: process.env.FMES_AGENT ?? '', named });
}

/**
 * Refuses when the caller runs inside an agent run and names an agent other than the run's: an agent takes
 * locks as itself. Returns true when it refused. (Outside runs anyone may take a lock in any name: taking one
 * harms nobody's lock.)
 */
export function refuseOtherAgent(named: string | undefined, what: ClaimVerb): boolean {
  const c = caller();
  if (!c.run || named === undefined) return false;
  const why = actAsRefusal(named, c);
  return why ? refuse(t('actingAs', { what: t(what), named, why })) : false;
}
