import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultConfig, parseConfig, type FmesConfig } from './config';
import { isErrnoException, type ArtifactIssue } from './errors';

/** Settings for the CLI and the MCP server, the same schema as the editor's `fmes.*` settings. */
export const CONFIG_FILE = '.fmes/config.json';

/**
 * Reads `.fmes/config.json` when there is one. A missing file is the defaults; a bad field is reported (file
 * and dotted field) and replaced by its default; a file that is not JSON is reported and ignored.
 */
export function loadConfigFile(root: string): { config: FmesConfig; file: string; issues: ArtifactIssue[] } {
  const file = path.join(root, CONFIG_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if (isErrnoException(e, 'ENOENT')) return { config: defaultConfig, file, issues: [] };
    return { config: defaultConfig, file, issues: [{ field: '', message: `unreadable (${(e as Error).message})` }] };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { config: defaultConfig, file, issues: [{ field: '', message: `not valid JSON (${(e as Error).message}); using the defaults` }] };
  }
  const { config, issues } = parseConfig(raw);
  return { config, file, issues };
}
