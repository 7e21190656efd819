// The deny list's index by program (src/hot/safety/ruleMatch.ts rulesFor): for any program name, exactly the rules
// the full scan tested, in the list's order, on the default list and on lists with wildcards, repeats and shared
// objects.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_RULES } from '../../../../src/hot/safety/denyList';
import { programMatches, rulesFor } from '../../../../src/hot/safety/ruleMatch';
import type { DenyRule } from '../../../../src/core/safety/denyRules';
import { rng } from '../../../fixtures/rng';

const scan = (rules: readonly DenyRule[], prog: string) => rules.filter((r) => programMatches(r.program, prog));

function names(rules: readonly DenyRule[]): string[] {
  const out = new Set<string>(['', 'npm', 'git', 'x', '*', 'rm ', 'RM', 'constructor', '__proto__']);
  for (const r of rules)
    for (const p of typeof r.program === 'string' ? [r.program] : r.program) {
      out.add(p).add(p.replace(/\*$/, '')).add(p.replace(/\*$/, 'x')).add(`${p}x`).add(p.slice(0, -1));
    }
  return [...out];
}

describe('rulesFor', () => {
  it('the default list: the same rules as the scan, in order, for every name it holds and their neighbours', () => {
    assert.ok(DEFAULT_RULES.length > 40);
    for (const prog of names(DEFAULT_RULES))
      assert.deepEqual(rulesFor(DEFAULT_RULES, prog), scan(DEFAULT_RULES, prog), prog);
  });

  it('generated lists: wildcards, names in several rules, a rule with a name and a wildcard, a rule twice', () => {
    const r = rng(20261205);
    const pool = ['rm', 'git', 'git*', '*', 'docker', 'dock*', 'kubectl', 'k*', '', 'rm*'];
    for (let n = 0; n < 2000; n++) {
      const rules: DenyRule[] = [];
      for (let k = r(12); k >= 0; k--) {
        const program = r(3) === 0 ? [pool[r(pool.length)], pool[r(pool.length)]] : pool[r(pool.length)];
        const rule = { id: `r${k}`, tier: 'deny', program, description: 'd' } as DenyRule;
        rules.push(rule);
        if (r(6) === 0) rules.push(rules[r(rules.length)]);
      }
      for (const prog of ['rm', 'git', 'gitx', 'docker', 'dock', 'k', 'kubectl', '', 'x', 'rmdir'])
        assert.deepEqual(
          rulesFor(rules, prog),
          scan(rules, prog),
          `${prog} in ${JSON.stringify(rules.map((q) => q.program))}`,
        );
    }
  });
});
