// Types for workbench.mjs, so the TypeScript e2e harness can import it.
import type { Page } from 'playwright-core';

export interface OpenWorkbenchOptions {
  /** Use this folder as it is. Default: a fresh copy of `fixture`. */
  workspace?: string;
  /** The folder to copy when no workspace is given. Default: test/integration/fixture. */
  fixture?: string;
  /** Leave workspace trust on (VS Code then asks whether to trust the folder). Default: false. */
  trust?: boolean;
  /** Extensions to load (copied first). Default: $FMES_E2E_EXTENSIONS_DIR, set by scripts/testE2e.mjs; one of the two is required. */
  extensionsDir?: string;
  /** How long to wait for `.monaco-workbench`. Default: 60 s. */
  timeoutMs?: number;
  /** code-server's `--locale` (e.g. `ko`): the display language extensions' nls files and bundles follow. */
  locale?: string;
}

export interface CodeServer {
  url: string;
  port: number;
  pid: number;
  output(): string;
  workbenchUrl(opts?: { folder?: string; payload?: [string, string][] }): string;
  stop(): Promise<void>;
  alive(): boolean;
}

export interface Workbench {
  page: Page;
  /** The folder the workbench has open (the temp copy of the fixture unless one was given). */
  workspace: string;
  server: CodeServer;
  /** Closes the browser, stops code-server (its whole process group) and deletes the temp folders. */
  close(): Promise<void>;
}

export function openWorkbench(opts?: OpenWorkbenchOptions): Promise<Workbench>;
