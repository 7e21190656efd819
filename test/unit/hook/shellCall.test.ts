// How dist/hook.cjs picks the body for a call (src/hot/hook/shellCall.ts): by hand, as the regular expression it
// replaced decided, on inputs shaped as the three CLIs send them and on hostile ones. A wrong pick costs time only
// (either body decides every call), but it must not cost a shell call the body without its shell half.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isShellCall } from '../../../src/hot/hook/shellCall';
import { rng } from '../../fixtures/rng';

/** The expression bin.ts used before: the reference. */
const REFERENCE = /"tool_name"\s*:\s*"(?:Bash|run_shell_command|shell|exec_command|local_shell)"/;
const reference = (input: string) => REFERENCE.test(input.slice(0, 4096));

const TOOLS = [
  'Bash',
  'run_shell_command',
  'shell',
  'exec_command',
  'local_shell',
  'Write',
  'Read',
  'bash',
  'Bash2',
  'shel',
  '',
];
const BLANKS = ['', ' ', '  ', '\t', '\n', '\r\n', ' \n\t '];

describe('isShellCall', () => {
  it('the CLIs’ own inputs', () => {
    for (const tool of ['Bash', 'run_shell_command', 'shell', 'exec_command', 'local_shell'])
      assert.equal(
        isShellCall(JSON.stringify({ session_id: 's', tool_name: tool, tool_input: { command: 'ls' } })),
        true,
      );
    for (const tool of ['Write', 'Edit', 'Read', 'write_file', 'apply_patch'])
      assert.equal(
        isShellCall(JSON.stringify({ session_id: 's', tool_name: tool, tool_input: { command: 'ls' } })),
        false,
      );
    assert.equal(isShellCall(''), false);
    assert.equal(isShellCall('"tool_name"'), false);
    assert.equal(isShellCall('"tool_name":"Bash'), false, 'an unclosed name');
  });

  it('agrees with the expression it replaced on 20,000 generated inputs', () => {
    const r = rng(20261205);
    for (let n = 0; n < 20_000; n++) {
      const parts: string[] = [];
      const count = 1 + r(3);
      for (let k = 0; k < count; k++) {
        const key = r(10) === 0 ? '"tool_nam"' : r(10) === 0 ? '"tool_name' : '"tool_name"';
        const colon = r(12) === 0 ? '=' : ':';
        const quote = r(12) === 0 ? "'" : '"';
        parts.push(
          `${'x'.repeat(r(3) === 0 ? 4070 + r(40) : r(30))}${key}${BLANKS[r(BLANKS.length)]}${colon}${BLANKS[r(BLANKS.length)]}${quote}${TOOLS[r(TOOLS.length)]}${r(8) === 0 ? '' : '"'}`,
        );
      }
      const input = parts.join(r(2) ? ',' : '');
      assert.equal(
        isShellCall(input),
        reference(input),
        JSON.stringify(input.length > 300 ? input.slice(-300) : input),
      );
    }
  });

  it('a shell name in a Write’s content counts as the expression counted it, and only in the first 4 KB', () => {
    const content = (at: number) =>
      JSON.stringify({ tool_name: 'Write', tool_input: { content: `${'a'.repeat(at)}"tool_name": "Bash"` } });
    for (const at of [0, 100, 4000, 4060, 4070, 4080, 5000])
      assert.equal(isShellCall(content(at)), reference(content(at)));
  });
});
