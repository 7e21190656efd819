import * as readline from 'node:readline/promises';
import { Command } from 'commander';
import { describeValue } from '../../core/safety/repoConfirmation';
import { UsageError } from '../usageError';
import { print, printErr, resolveWorkspace, type GlobalOptions } from '../context';
import { t } from '../../core/i18n/translate';
import { confirmNow, confirmWhy } from '../../core/i18n/confirmText';
import { localeFromEnv } from '../../core/i18n/locale';

/**
 * `fmes config confirm`: shows the values of the repository's `.fmes/config.json` that weaken safety and are
 * ignored on this machine, and records a person's confirmation of exactly those values (outside the repository).
 * Refused inside an agent run. `fmes config show-unconfirmed` only lists them.
 */
export function configCommand(): Command {
  const cmd = new Command('config').description('settings of this repository that need a person’s confirmation');
  cmd
    .command('confirm')
    .description('show the repository’s settings that weaken safety and confirm them for this machine')
    .option('--yes', 'confirm without asking (for scripts run by a person)')
    .option('--decline', 'record that these values stay ignored (the editor stops asking)')
    .option('--json', 'print the values as JSON')
    .action(async (o: { yes?: boolean; decline?: boolean; json?: boolean }, sub: Command) => {
      const { loadConfigFile, confirmRepoConfig } = await import('../../core/configFile');
      const { insideAgentRun } = await import('../../core/safety/repoConfirmation');
      if (insideAgentRun()) throw new UsageError(t('confirmInsideRun'));
      const root = resolveWorkspace(sub.optsWithGlobals<GlobalOptions>().workspace);
      const { unconfirmed, file } = loadConfigFile(root);
      if (o.json)
        print(
          JSON.stringify(
            unconfirmed.map(({ field, value, fallback, why }) => ({ field, value, usedNow: fallback, why })),
          ),
        );
      if (unconfirmed.length === 0) {
        if (!o.json) print(t('nothingToConfirm', { file }));
        return;
      }
      if (!o.json) {
        print(t('weakensSafety', { file }));
        const locale = localeFromEnv();
        for (const w of unconfirmed)
          print(
            t('settingNow', {
              field: w.field,
              value: describeValue(w.value),
              now: confirmNow(locale, w.field, describeValue(w.fallback)),
              why: confirmWhy(locale, w.field, w.why),
            }),
          );
      }
      let decision: 'confirmed' | 'declined' = o.decline ? 'declined' : 'confirmed';
      if (!o.yes && !o.decline) {
        if (!process.stdin.isTTY) throw new UsageError(t('notTerminalConfirm'));
        const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
        const answer = await rl.question(t('applyQuestion'));
        rl.close();
        if (!/^y(es)?$/i.test(answer.trim())) decision = 'declined';
      }
      const r = confirmRepoConfig(root, { decision, by: process.env.USER });
      const fields = r.values.map((w) => w.field).join(', ');
      // The decision word is the record's own (`confirmed`/`declined`): shown as stored, in every language.
      printErr(t('configDecided', { decision, fields, store: r.store ?? '' }));
    });
  return cmd;
}
