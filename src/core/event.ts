import type { Disposable } from './disposable';

/** A subscription function, shaped like vscode.Event so host adapters can pass it straight through. */
export type Event<T> = (listener: (e: T) => void) => Disposable;

/** A minimal event emitter: listeners are isolated, so one throwing listener cannot starve the others. */
export class Emitter<T> implements Disposable {
  private listeners = new Set<(e: T) => void>();

  constructor(private readonly onListenerError?: (e: unknown) => void) {}

  readonly event: Event<T> = (listener) => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  fire(value: T): void {
    for (const l of [...this.listeners]) {
      try {
        l(value);
      } catch (e) {
        this.onListenerError?.(e);
      }
    }
  }

  get hasListeners(): boolean {
    return this.listeners.size > 0;
  }

  dispose(): void {
    this.listeners.clear();
  }
}
