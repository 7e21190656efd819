import { FmesError } from '../core/errors';

/** A command line that names nothing to do; the CLI's error boundary turns it into exit code 2. */
export class UsageError extends FmesError<'usage'> {
  readonly kind = 'usage';
  /** `cause`: the typed error the command line was refused for (a control character in --intent): adapters word it. */
  constructor(message: string, options?: { cause?: unknown }) {
    super('usage', message, options);
  }
  static is(e: unknown): e is UsageError {
    return e instanceof UsageError;
  }
}
