import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultConfig, parseConfig, type FmesConfig } from './config';
import { chooseLockSettings } from './locks/backendChoice';
import { isErrnoException, type ArtifactIssue } from './errors';
import {
  gateRepoConfig,
  recordDecision,
  unconfirmedMessage,
  type ConfirmationOptions,
  type WeakeningValue,
} from './safety/repoConfirmation';
import { schemaText } from './i18n/schemaText';

/** Settings for the CLI and the MCP server, the same schema as the editor's `fmes.*` settings. */
export const CONFIG_FILE = '.fmes/config.json';

export interface LoadedConfigFile {
  /** What applies: the file's values, minus the weakening ones no person has confirmed on this machine. */
  config: FmesConfig;
  file: string;
  issues: ArtifactIssue[];
  /** The file's values that weaken safety and are ignored until confirmed (`fmes config confirm`). */
  unconfirmed: WeakeningValue[];
  /** The file's values as written (bad fields replaced by defaults), before confirmation. */
  asWritten: FmesConfig;
}

/**
 * Reads `.fmes/config.json` when there is one. A missing file is the defaults; a bad field is reported (file
 * and dotted field) and replaced by its default; a file that is not JSON is reported and ignored. A value that
 * weakens safety (see repoConfirmation.ts) applies only once a person has confirmed it on this machine;
 * until then one issue names the file and the fields, and the defaults apply.
 */
export function loadConfigFile(root: string, o: ConfirmationOptions = {}): LoadedConfigFile {
  const file = path.join(root, CONFIG_FILE);
  const plain = (issues: ArtifactIssue[]): LoadedConfigFile => ({
    config: defaultConfig,
    file,
    issues,
    unconfirmed: [],
    asWritten: defaultConfig,
  });
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if (isErrnoException(e, 'ENOENT')) return plain([]);
    return plain([{ field: '', message: schemaText('unreadableSaid', { said: (e as Error).message }) }]);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return plain([{ field: '', message: schemaText('notJsonDefaults', { said: (e as Error).message }) }]);
  }
  const { config: asWritten, issues } = parseConfig(raw);
  const gate = gateRepoConfig(root, asWritten, o);
  if (gate.unconfirmed.length > 0) issues.push({ field: '', message: unconfirmedMessage(gate.unconfirmed) });
  return { config: gate.config, file, issues, unconfirmed: gate.unconfirmed, asWritten };
}

/**
 * The config an entry point runs with. The CLI, the hook and the MCP server: `.fmes/config.json` (loadConfigFile).
 * The editor (`editor`, its `fmes.*` settings): those, except `locks.*`, which chooseLockSettings takes from the
 * file and the editor together, so that the editor locks where a person's `fmes` on this clone does (a lock
 * server the repository names stays refused until a person confirms it).
 */
export function configFor(root: string, editor?: FmesConfig, o: ConfirmationOptions = {}): LoadedConfigFile {
  const loaded = loadConfigFile(root, o);
  const locks = chooseLockSettings(loaded.config.locks, editor?.locks);
  return editor ? { ...loaded, config: { ...editor, locks } } : { ...loaded, config: { ...loaded.config, locks } };
}

/**
 * Records a person's confirmation of every weakening value `.fmes/config.json` holds now (what `fmes config
 * confirm` does after showing them). Refused inside an agent run and for a store inside the repository.
 * Returns the values confirmed and the store written (undefined when there was nothing to confirm).
 */
export function confirmRepoConfig(
  root: string,
  o: ConfirmationOptions & { by?: string; decision?: 'confirmed' | 'declined' } = {},
): { values: WeakeningValue[]; store?: string } {
  const { unconfirmed } = loadConfigFile(root, o);
  if (unconfirmed.length === 0) return { values: [] };
  return { values: unconfirmed, store: recordDecision(root, unconfirmed, o.decision ?? 'confirmed', o) };
}
