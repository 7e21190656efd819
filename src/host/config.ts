import * as vscode from 'vscode';
import { parseConfig, type FmesConfig } from '../core/config';
import { settingKeys, userOnlySettings, type SettingKey } from '../core/configSettings';
import { Emitter } from '../core/event';

/**
 * Settings that weaken safety when set: they count only from the user's (or the remote machine's) settings,
 * never from a workspace's `.vscode/settings.json`, which whoever writes the repository controls. package.json
 * gives them `application`/`machine` scope (from core's configSettings.ts), so VS Code already drops workspace
 * values; reading them through `inspect()` makes sure, whatever the editor does.
 */
export const USER_ONLY_SETTINGS: readonly SettingKey[] = userOnlySettings();

/** Every `fmes.*` setting, from core's schema (the fields of configSchema that are not config-file only). */
const SETTING_KEYS = settingKeys();

/**
 * Reads `fmes.*` settings through core's schema and re-emits them when they change. A bad value is named in
 * one warning and replaced by its default.
 */
export class ConfigWatcher implements vscode.Disposable {
  private readonly emitter = new Emitter<FmesConfig>();
  readonly onDidChange = this.emitter.event;
  private current: FmesConfig;
  private readonly sub: vscode.Disposable;

  /**
   * @param resolve what the settings become before anyone sees them: the extension passes core's configFor,
   *   which takes `locks.*` from the repository's `.fmes/config.json` and the settings together, as the CLI does.
   */
  constructor(
    private readonly log: vscode.LogOutputChannel,
    private readonly resolve: (settings: FmesConfig) => FmesConfig = (c) => c,
  ) {
    this.current = this.read();
    this.sub = vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('fmes')) return;
      this.current = this.read();
      this.emitter.fire(this.current);
    });
  }

  get value(): FmesConfig {
    return this.current;
  }

  /** Fields whose workspace value was ignored at the last read (logged once per change). */
  private ignored = '';

  private read(): FmesConfig {
    const base = vscode.workspace.getConfiguration('fmes');
    const userOnly = new Map<string, unknown>();
    const ignored: string[] = [];
    for (const key of USER_ONLY_SETTINGS) {
      const i = base.inspect(key);
      if (i?.workspaceValue !== undefined || i?.workspaceFolderValue !== undefined) ignored.push(`fmes.${key}`);
      userOnly.set(key, i?.globalValue);
    }
    const names = ignored.join(', ');
    if (names !== this.ignored) {
      this.ignored = names;
      if (names)
        this.log.warn(
          `settings: ${names} in this workspace's settings ignored: settings that weaken safety count only from your user settings`,
        );
    }
    const raw: Record<string, unknown> = {};
    for (const key of SETTING_KEYS) {
      const value = userOnly.has(key) ? userOnly.get(key) : base.get(key);
      const [group, field] = key.split('.') as [string, string | undefined];
      if (field === undefined) raw[group] = value;
      else ((raw[group] ??= {}) as Record<string, unknown>)[field] = value;
    }
    // Object settings come back as copy-on-write proxies, which parseConfig's structuredClone cannot copy.
    const { config: settings, issues } = parseConfig(JSON.parse(JSON.stringify(raw)));
    if (issues.length > 0) {
      const text = issues.map((i) => `fmes.${i.field}: ${i.message}`).join('; ');
      this.log.warn(`settings: ${text}`);
      void vscode.window.showWarningMessage(
        vscode.l10n.t('F-MES: invalid setting {0}. Using the default instead.', text),
      );
    }
    return this.resolve(settings);
  }

  dispose(): void {
    this.sub.dispose();
    this.emitter.dispose();
  }
}
