import { CONFLICTING_BACKEND, shownBackend, UNCONFIRMED_BACKEND } from '../../hot/locks/backendSpec';
import type { FmesConfig } from '../config';

/** `locks.*` of a config: where locks live and the other lock settings. */
export type LockSettings = FmesConfig['locks'];

/**
 * Where a workspace's locks live, for every entry point: the CLI, the hook and the MCP server pass the
 * repository's `.fmes/config.json` only (as loadConfigFile gates it); the editor passes its own `fmes.locks.*`
 * settings too. FMES_LOCKS_BACKEND, when set, overrides the result when the backend is opened (backendSpec.ts).
 *
 *   - The repository's file names a lock server (or one no person has confirmed on this machine, which stays
 *     refused until `fmes config confirm`): the file's `locks.*` apply, so the editor, a person's `fmes` in a
 *     terminal and every clone agree. The editor's own URL of the same server may supply the password.
 *   - It names none: the editor's settings apply (the user's own; `fmes.locks.*` are machine-scoped).
 *   - Both name a server and they differ (host, port, database or namespace): refused. Either choice would
 *     split the locks of one clone between two servers, which protects nothing.
 */
export function chooseLockSettings(file: LockSettings, editor?: LockSettings): LockSettings {
  if (!editor || !names(editor.backend)) return file;
  if (!names(file.backend)) return editor;
  if (file.backend.startsWith(UNCONFIRMED_BACKEND) || file.backend.startsWith(CONFLICTING_BACKEND)) return file;
  const fileServer = server(file.backend);
  const editorServer = server(editor.backend);
  if (fileServer !== editorServer)
    return conflict(
      file,
      `the editor's fmes.locks.backend names ${editorServer} and this repository's .fmes/config.json names ${fileServer}: the editor, its agents and the fmes CLI must use one lock server. Clear the editor setting (the file's applies) or make them agree.`,
    );
  if (editor.namespace !== '' && editor.namespace !== file.namespace)
    return conflict(
      file,
      `the editor's fmes.locks.namespace ${JSON.stringify(editor.namespace)} differs from locks.namespace ${JSON.stringify(file.namespace)} of this repository's .fmes/config.json: clear the editor setting or make them agree.`,
    );
  // One server: the file's settings, with the editor's URL when only it carries the password.
  return { ...file, backend: hasPassword(file.backend) ? file.backend : editor.backend };
}

function names(backend: string): boolean {
  const b = backend.trim();
  return b !== '' && b !== 'file';
}

/** The server a URL names, as compared and shown: no password, no credentials, host lower-cased. */
function server(url: string): string {
  try {
    const u = new URL(url.trim());
    return `${u.protocol}//${u.hostname.toLowerCase()}:${u.port || '6379'}/${u.pathname.replace(/^\//, '') || '0'}`;
  } catch {
    return shownBackend(url.trim());
  }
}

function hasPassword(url: string): boolean {
  try {
    return new URL(url).password !== '';
  } catch {
    return false;
  }
}

function conflict(file: LockSettings, message: string): LockSettings {
  return { ...file, backend: `${CONFLICTING_BACKEND}${message}` };
}
