import * as fs from 'node:fs';
import { Command } from 'commander';

/** `fmes hook <event>`: the Claude Code hooks, the same code as dist/hook.cjs (which starts faster). */
export function hookCommand(): Command {
  return new Command('hook')
    .description('Claude Code hooks: pre-tool-use denies writes to paths other agents hold and deny-listed commands; post-tool-use writes the audit log')
    .argument('<event>', 'pre-tool-use | post-tool-use')
    .option('--agent <id>', 'the agent this hook serves (default: $FMES_AGENT)')
    .addHelpText('after', '\nReads the hook input (JSON) on stdin. pre-tool-use: exit 2 with the reason on stderr denies the tool call.')
    .action(async (event: string, o: { agent?: string }, cmd: Command) => {
      const { runHook } = await import('../../hook/runHook');
      const g = cmd.optsWithGlobals<{ workspace?: string }>();
      const argv = [event, ...(o.agent ? ['--agent', o.agent] : []), ...(g.workspace ? ['--workspace', g.workspace] : [])];
      const r = runHook(argv, { stdin: fs.readFileSync(0, 'utf8'), env: process.env, self: process.argv[1] ?? '' });
      if (r.stdout) process.stdout.write(r.stdout);
      if (r.stderr) process.stderr.write(r.stderr);
      process.exitCode = r.exitCode;
    });
}
