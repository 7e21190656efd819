import * as path from 'node:path';
import type { Core } from '../core/createCore';
import { FmesError } from '../core/errors';
import type { Logger } from '../core/log';

export type McpInputErrorReason = 'noAgent' | 'badArguments' | 'notFound' | 'refused';

/** A tool call that cannot be carried out as asked; becomes an `isError` result naming what to change. */
export class McpInputError extends FmesError<McpInputErrorReason> {
  readonly kind = 'mcpInput';
  static is(e: unknown, reason?: McpInputErrorReason): e is McpInputError {
    return e instanceof McpInputError && (reason === undefined || e.reason === reason);
  }
}

/** What every tool and resource handler gets: the core and the server's defaults. */
export class ToolContext {
  constructor(
    readonly core: Core,
    readonly log: Logger,
    /** The agent id for calls that name none (`--agent`, else FMES_AGENT). */
    readonly defaultAgent: string | undefined,
    readonly now: () => number,
  ) {}

  /** The agent a call acts for: its own `agent` argument, else the server's default. */
  agentOf(given: string | undefined): string {
    const agent = given ?? this.defaultAgent;
    if (agent === undefined)
      throw new McpInputError(
        'noAgent',
        'agent: required: pass `agent`, or start the server with --agent <id> or FMES_AGENT set',
      );
    return agent;
  }

  /** A workspace file as agents name it: relative to the root, with `/`. */
  relative(abs: string): string {
    return path.relative(this.core.root, abs).split(path.sep).join('/');
  }
}
