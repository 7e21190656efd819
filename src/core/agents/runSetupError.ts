import { FmesError } from '../errors';

export type RunSetupErrorReason =
  /** A settings file the CLI reads after F-MES's (workspace or system scope) switches F-MES's hooks off. */
  | 'hooksDisabled'
  /** Gemini CLI does not trust the folder: a headless run would exit 55 before doing anything. */
  | 'untrusted'
  /** A settings file F-MES must read to decide cannot be read or parsed. */
  | 'unreadableSettings'
  /** fmes.sandbox.mode is "on" and this machine cannot sandbox the agent. */
  | 'noSandbox';

/** F-MES could not prepare a run so that it is guarded: the agent is not started. */
export class RunSetupError extends FmesError<RunSetupErrorReason> {
  readonly kind = 'runSetup';
  constructor(
    reason: RunSetupErrorReason,
    message: string,
    /** The settings file or folder concerned, for adapters that word the error in another language. */
    readonly details: { file?: string; cwd?: string; root?: string; said?: string } = {},
  ) {
    super(reason, message);
  }
  static is(e: unknown, reason?: RunSetupErrorReason): e is RunSetupError {
    return e instanceof RunSetupError && (reason === undefined || e.reason === reason);
  }
}
