import * as fs from 'node:fs';
import * as path from 'node:path';
import { cold } from '../cold';
import { HOOK_CONFIG_FILE } from '../configFile';
import { DEFAULT_BACKEND_SETTINGS, type LockBackendSettings } from '../locks/backendSpec';
import { shellHalf, type ShellHalf } from '../safety/shellHalf';
import type { DenyRule } from '../safety/denyList';

/** What the hook reads from the F-MES settings: the part of `FmesConfig` a decision or an audit needs. */
export interface HookSettings {
  /** From `locks.invalidGraceSec`: an empty lock file older than this is a dead writer's trace. */
  invalidGraceMs: number;
  ownership: Readonly<Record<string, readonly string[]>>;
  /**
   * The default deny list with `safety.rules` merged in; undefined when there are none: the default list, which
   * the shell half holds (safety/shellHalf.ts), so a call that is not a shell command never loads it.
   */
  rules?: readonly DenyRule[];
  auditWebhook: string;
  /** `locks.backend` and `locks.namespace`: where the lock holders are (FMES_LOCKS_BACKEND overrides). */
  locksBackend: LockBackendSettings;
}

export { HOOK_CONFIG_FILE } from '../configFile';

/** The settings of a workspace with no config file: what `configSchema.parse({})` gives (a test holds them equal). */
export const DEFAULT_HOOK_SETTINGS: HookSettings = {
  invalidGraceMs: 5_000,
  ownership: {},
  auditWebhook: '',
  locksBackend: DEFAULT_BACKEND_SETTINGS,
};

/**
 * The hook's settings. Most workspaces have no `.fmes/config.json`, and then this builds no zod schema (that
 * alone would cost a third of the hook's start). When there is one, the CLI's reader parses it, with the same
 * defaults for bad fields.
 */
export function readHookSettings(root: string): HookSettings {
  if (!fs.statSync(path.join(root, HOOK_CONFIG_FILE), { throwIfNoEntry: false })) return DEFAULT_HOOK_SETTINGS;
  const { config, lock, backend } = cold().loadHotSettings(root);
  return {
    invalidGraceMs: lock.invalidGraceMs ?? DEFAULT_HOOK_SETTINGS.invalidGraceMs,
    ownership: config.safety.ownership,
    // The deny list's code is the shell half's (safety/shellHalf.ts): loaded here only to merge a config's rules.
    ...(config.safety.rules.length ? { rules: mergedRules(config.safety.rules) } : {}),
    auditWebhook: config.safety.auditWebhook,
    locksBackend: backend,
  };
}

function mergedRules(overrides: Parameters<ShellHalf['mergeRules']>[1]): readonly DenyRule[] {
  const half = shellHalf();
  return half.mergeRules(half.DEFAULT_RULES, overrides).rules;
}
