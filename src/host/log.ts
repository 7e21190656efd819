import type * as vscode from 'vscode';
import type { LogSink } from '../core/log';

/** Adapts core's LogSink to the extension's one LogOutputChannel; the channel's own level filters. */
export function channelSink(channel: vscode.LogOutputChannel): LogSink {
  return {
    log(level, component, message) {
      const line = `[${component}] ${message}`;
      switch (level) {
        case 'trace':
          return channel.trace(line);
        case 'debug':
          return channel.debug(line);
        case 'info':
          return channel.info(line);
        case 'warn':
          return channel.warn(line);
        case 'error':
          return channel.error(line);
      }
    },
  };
}
