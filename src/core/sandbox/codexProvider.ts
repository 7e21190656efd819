import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * Codex reads its model API from a provider (`model_provider` and `[model_providers.<id>] base_url` in
 * `$CODEX_HOME/config.toml`, or `-c` overrides), not only from OPENAI_BASE_URL. The sandbox needs that URL to
 * bridge to, and a `-c` override that points the provider at the in-sandbox relay.
 */
export interface CodexProvider {
  /** The provider's id; undefined: the built-in OpenAI provider (OPENAI_BASE_URL applies). */
  id: string | undefined;
  baseUrl: string | undefined;
}

const str = (s: string | undefined) => (s === undefined ? undefined : s.replace(/^"(.*)"$/, '$1'));

/** The provider Codex will use, from `-c` overrides first, then `config.toml` (a small reading of TOML). */
export function codexProvider(env: Readonly<Record<string, string>>, args: readonly string[]): CodexProvider {
  const overrides = new Map<string, string>();
  for (let k = 0; k < args.length - 1; k++) {
    if (args[k] !== '-c' && args[k] !== '--config') continue;
    const m = /^([^=]+?)\s*=\s*(.*)$/s.exec(args[k + 1]);
    if (m) overrides.set(m[1], m[2]);
  }
  let toml = '';
  try {
    toml = fs.readFileSync(
      path.join(env.CODEX_HOME || path.join(env.HOME || os.homedir(), '.codex'), 'config.toml'),
      'utf8',
    );
  } catch {
    // No config: the built-in provider.
  }
  const top = toml.split(/^\s*\[/m)[0];
  const id = str(overrides.get('model_provider')) ?? str(/^\s*model_provider\s*=\s*("[^"]*")/m.exec(top)?.[1]);
  if (!id || id === 'openai') return { id: undefined, baseUrl: undefined };
  const inline = overrides.get(`model_providers.${id}`);
  const fromInline = inline ? /base_url\s*=\s*"([^"]*)"/.exec(inline)?.[1] : undefined;
  const section = toml.split(
    new RegExp(`^\\s*\\[model_providers\\.${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\]\\s*$`, 'm'),
  )[1];
  const fromToml = section ? /^\s*base_url\s*=\s*"([^"]*)"/m.exec(section.split(/^\s*\[/m)[0])?.[1] : undefined;
  return { id, baseUrl: str(overrides.get(`model_providers.${id}.base_url`)) ?? fromInline ?? fromToml };
}

/**
 * Codex's arguments inside F-MES's sandbox: its provider pointed at the relay (`-c …base_url`), and its own
 * sandbox switched to `danger-full-access`. Codex sandboxes its tools with bubblewrap too, and a nested
 * bubblewrap cannot start in ours (`--disable-userns`: "Creating new namespace failed … ENOSPC", measured), so
 * every shell command and patch would fail; F-MES's sandbox is the one that holds. That includes a read-only run's
 * `-s read-only`: the policy binds such a run's checkout read-only instead.
 */
export function codexSandboxArgs(args: readonly string[], provider: CodexProvider, url: string): string[] {
  const out: string[] = [];
  for (let k = 0; k < args.length; k++) {
    const a = args[k];
    if (a === '-s' || a === '--sandbox') k++;
    else if (a.startsWith('--sandbox=') || a === '--full-auto') continue;
    else out.push(a);
  }
  const at = out[0] === 'exec' ? 1 : 0;
  const relay = provider.id ? ['-c', `model_providers.${provider.id}.base_url="${url}"`] : [];
  return [...out.slice(0, at), '-s', 'danger-full-access', ...relay, ...out.slice(at)];
}
