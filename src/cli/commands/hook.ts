import * as fs from 'node:fs';
import { Command } from 'commander';

/** `fmes hook <event>`: the Claude Code hooks, the same code as dist/hook.cjs (which starts faster). */
export function hookCommand(): Command {
  return new Command('hook')
    .description(
      'Agent CLI tool hooks (Claude Code, Gemini CLI, Codex): pre-tool-use denies writes to paths other agents hold, to F-MES state and deny-listed commands; post-tool-use and post-tool-use-failure write the audit log',
    )
    .argument('<event>', 'pre-tool-use | post-tool-use | post-tool-use-failure')
    .option('--agent <id>', 'the agent this hook serves (default: $FMES_AGENT)')
    .option('--cli <cli>', 'the CLI that runs the hook: claude | gemini | codex (default: from the input)')
    .addHelpText(
      'after',
      '\nReads the hook input (JSON) on stdin. pre-tool-use: exit 2 with the reason on stderr denies the tool call; so does any input the hook cannot read.',
    )
    .action(async (event: string, o: { agent?: string; cli?: string }, cmd: Command) => {
      const { answerHook } = await import('../../hot/hook/runHook');
      const g = cmd.optsWithGlobals<{ workspace?: string }>();
      const argv = [
        event,
        ...(o.cli ? ['--cli', o.cli] : []),
        ...(o.agent ? ['--agent', o.agent] : []),
        ...(g.workspace ? ['--workspace', g.workspace] : []),
      ];
      let stdin = '';
      try {
        stdin = fs.readFileSync(0, 'utf8');
      } catch {
        // Unreadable stdin: runHook denies.
      }
      const r = await answerHook(argv, { stdin, env: process.env, self: process.argv[1] ?? '' });
      if (r.stdout) process.stdout.write(r.stdout);
      if (r.stderr) process.stderr.write(r.stderr);
      process.exitCode = r.exitCode;
    });
}
