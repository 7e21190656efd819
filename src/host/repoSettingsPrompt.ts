import * as vscode from 'vscode';

export interface RepoSettingsDeps {
  root: string;
  log: vscode.LogOutputChannel;
  trusted: () => boolean;
}

/**
 * The editor's `fmes config confirm`: when the repository's `.fmes/config.json` holds values that weaken safety
 * (read by the hook, the CLI and the MCP server), a person is asked once, in a modal, whether they apply on this
 * machine. The answer is recorded outside the repository, per value: a changed value is asked about again.
 * Returns the decision, or undefined when there was nothing to ask.
 */
export async function askAboutRepoSettings(d: RepoSettingsDeps): Promise<'confirmed' | 'declined' | undefined> {
  const { loadConfigFile, CONFIG_FILE } = await import('../core/configFile');
  const { undecided, recordDecision, insideAgentRun, describeValue } = await import('../core/safety/repoConfirmation');
  const { unconfirmed } = loadConfigFile(d.root);
  if (unconfirmed.length === 0) return undefined;
  d.log.warn(
    `settings: ${CONFIG_FILE}: ignoring ${unconfirmed.map((w) => `${w.field} = ${describeValue(w.value)}`).join(', ')} (weakens safety; not confirmed on this machine)`,
  );
  const ask = undecided(d.root, unconfirmed);
  if (ask.length === 0 || !d.trusted() || insideAgentRun()) return undefined;
  const detail = ask.map((w) => `• ${w.field}: ${describeValue(w.value)} — ${w.why}`).join('\n');
  const allow = vscode.l10n.t('Allow');
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t(
      "This repository's {0} asks for settings that weaken F-MES's safety. Apply them on this machine?",
      CONFIG_FILE,
    ),
    {
      modal: true,
      detail: `${detail}\n\n${vscode.l10n.t('Until you allow them, F-MES uses its defaults. Your answer is kept outside the repository; a changed value is asked about again.')}`,
    },
    allow,
    vscode.l10n.t('Keep Ignored'),
  );
  // Closing the dialog decides nothing: the question comes back next time.
  if (choice === undefined) return undefined;
  const decision = choice === allow ? 'confirmed' : 'declined';
  const store = recordDecision(d.root, ask, decision);
  d.log.info(`settings: ${decision} ${ask.map((w) => w.field).join(', ')} of ${CONFIG_FILE} (recorded in ${store})`);
  return decision;
}
