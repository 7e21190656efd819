import {
  parseHostMessage,
  REQUEST_TIMEOUT_MS,
  type HostMessage,
  type RequestResults,
  type WebviewCommand,
  type WebviewRequest,
} from '../../src/shared/protocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

/** acquireVsCodeApi may be called once per page: every message goes through this one wrapper. */
const api = acquireVsCodeApi();

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: ReturnType<typeof setTimeout> };
const pending = new Map<string, Pending>();
let nextId = 0;

/** Sends a command (no reply). */
export function send(command: WebviewCommand): void {
  api.postMessage(command);
}

/** Sends a request and waits for its reply, at most {@link REQUEST_TIMEOUT_MS}. */
export function request<K extends WebviewRequest['type']>(type: K): Promise<RequestResults[K]> {
  const requestId = `r${++nextId}`;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      pending.delete(requestId);
      reject(new Error(`${type}: no answer from the editor within ${REQUEST_TIMEOUT_MS / 1000} s`));
    }, REQUEST_TIMEOUT_MS);
    pending.set(requestId, { resolve: resolve as (v: unknown) => void, reject, timer });
    api.postMessage({ type, requestId });
  });
}

/**
 * Listens for the host's messages; notifications go to `onNotification`, replies settle their request.
 * A message that does not validate is dropped and reported to `onInvalid`.
 */
export function listen(
  onNotification: (m: Extract<HostMessage, { type: 'state/changed' }>) => void,
  onInvalid: (error: string) => void,
): void {
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    const parsed = parseHostMessage(event.data);
    if (!parsed.ok) {
      onInvalid(parsed.error);
      return;
    }
    const m = parsed.value;
    switch (m.type) {
      case 'state/changed':
        onNotification(m);
        return;
      case 'reply': {
        const p = pending.get(m.requestId);
        if (!p) return;
        pending.delete(m.requestId);
        clearTimeout(p.timer);
        if (m.ok) p.resolve(m.result);
        else p.reject(new Error(m.error));
        return;
      }
      default: {
        const unexpected: never = m;
        onInvalid(`unexpected message ${JSON.stringify(unexpected)}`);
      }
    }
  });
}
