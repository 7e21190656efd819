import { FmesError } from '../core/errors';

/** A command line that names nothing to do; the CLI's error boundary turns it into exit code 2. */
export class UsageError extends FmesError<'usage'> {
  readonly kind = 'usage';
  constructor(message: string) {
    super('usage', message);
  }
  static is(e: unknown): e is UsageError {
    return e instanceof UsageError;
  }
}
