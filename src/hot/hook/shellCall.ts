// Which of the hook's two bodies a call goes to (bin.ts).

/** The shell tools of the three CLIs. */
const SHELL_TOOLS = ['Bash', 'run_shell_command', 'shell', 'exec_command', 'local_shell'];

/**
 * A shell tool's call, by the input's first 4 KB (where the CLIs put tool_name): a `"tool_name"` key whose value
 * is a shell tool. Scanned by hand: a regular expression is compiled on each call of the hook (0.06 ms).
 */
export function isShellCall(input: string): boolean {
  const end = Math.min(input.length, 4096);
  for (let i = input.indexOf('"tool_name"'); i !== -1 && i < end; i = input.indexOf('"tool_name"', i + 1)) {
    let j = skipBlanks(input, i + 11);
    if (input[j] !== ':') continue;
    j = skipBlanks(input, j + 1);
    if (input[j] !== '"') continue;
    const close = input.indexOf('"', j + 1);
    if (close !== -1 && close < end && SHELL_TOOLS.includes(input.slice(j + 1, close))) return true;
  }
  return false;
}

function skipBlanks(s: string, i: number): number {
  while (s[i] === ' ' || s[i] === '\t' || s[i] === '\n' || s[i] === '\r') i++;
  return i;
}
