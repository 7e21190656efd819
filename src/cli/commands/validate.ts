import * as path from 'node:path';
import { Command, Option } from 'commander';
import type { ArtifactKind } from '../../core/artifacts/parseArtifact';
import { formatArtifactIssues } from '../../core/errors';
import { ExitCode } from '../exitCodes';
import { UsageError } from '../usageError';
import { coreFor, print, printErr } from '../context';
import { t } from '../../core/i18n/translate';

const KINDS: ArtifactKind[] = ['lock', 'report', 'plan', 'handoff', 'costLog', 'inbox', 'rules'];

export function validateCommand(): Command {
  return new Command('validate')
    .description(
      'check artifacts (lock, report.json, plan, handoff, cost log, inbox note, .fmes/rules.yaml); exit 1 naming the file and field of each problem',
    )
    .argument('[files...]')
    .option(
      '--all',
      'every artifact on the bus: .locks/, .claude/outbox/, .antigravity/plans/, .claude/cost_logs/, .antigravity/inbox/, handoffs, .fmes/rules.yaml',
    )
    .addOption(
      new Option('--kind <kind>', 'treat the files as this kind instead of guessing from their location').choices(
        KINDS,
      ),
    )
    .option('--json', 'machine-readable output')
    .action(async (given: string[], o: { kind?: ArtifactKind; json?: boolean; all?: boolean }, cmd: Command) => {
      const { validateFile } = await import('../../core/artifacts/parseArtifact');
      let files = given;
      if (o.all) {
        const { listBusArtifacts } = await import('../../core/artifacts/discover');
        const core = coreFor(cmd);
        files = [...given, ...listBusArtifacts(core.root)];
        core.dispose();
        // A freshly initialized repository has nothing on the bus yet: that is a pass, not a usage error.
        if (files.length === 0) {
          if (o.json) print('[]');
          else print(t('nothingToCheck', { root: core.root }));
          return;
        }
      }
      if (files.length === 0) throw new UsageError(t('nameFiles'));
      const results = [];
      for (const f of files) {
        const abs = path.resolve(f);
        const r = await validateFile(abs, o.kind);
        results.push({ file: f, ...r });
        if (o.json) continue;
        if (r.ok) print(t('valid', { file: f, kind: r.kind }));
        else if (r.error.reason === 'unknownKind') printErr(t('unknownKind', { file: f }));
        else printErr(formatArtifactIssues(f, r.error.issues));
      }
      if (o.json)
        print(
          JSON.stringify(
            results.map((r) =>
              r.ok
                ? { file: r.file, kind: r.kind, ok: true }
                : { file: r.file, kind: r.kind ?? null, ok: false, issues: r.error.issues },
            ),
          ),
        );
      if (results.some((r) => !r.ok)) process.exitCode = ExitCode.failure;
    });
}
