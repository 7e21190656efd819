/**
 * The Logger port. Core code logs through an injected Logger and never through console; the extension
 * adapts it to a LogOutputChannel, the CLI and the MCP server to stderr.
 */
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

export interface LogSink {
  log(level: LogLevel, component: string, message: string): void;
}

export interface Logger {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** A logger whose lines are tagged with `[component]`. */
  child(component: string): Logger;
}

export function createLogger(sink: LogSink, component = 'core'): Logger {
  const at = (level: LogLevel) => (message: string) => sink.log(level, component, message);
  return {
    trace: at('trace'),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (c) => createLogger(sink, c),
  };
}

export const nullSink: LogSink = { log() {} };

const order: Record<LogLevel, number> = { trace: 0, debug: 1, info: 2, warn: 3, error: 4 };

/** A sink writing `level [component] message` lines to a stream (stderr for the CLI), filtered by level. */
export function streamSink(write: (line: string) => void, minLevel: LogLevel = 'info'): LogSink {
  return {
    log(level, component, message) {
      if (order[level] >= order[minLevel]) write(`${level} [${component}] ${message}\n`);
    },
  };
}
