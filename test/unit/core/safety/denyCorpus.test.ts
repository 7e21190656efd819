import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { checkCommand, DEFAULT_RULES } from '../../../../src/hot/safety/denyList';
import { CORPUS_CONTEXT } from '../../../fixtures/safety/deny-corpus';
import { ATTACK_CORPUS, HARMLESS_CORPUS } from '../../../fixtures/safety/deny-corpus-attacks';

describe('deny list: the adversarial corpus of issue 12', () => {
  test('0 dangerous allowed, ≤ 1 % harmless stopped; counts per class', (t) => {
    const perClass = new Map<string, { total: number; stopped: number; deny: number; ask: number }>();
    const allowed: string[] = [];
    const wrongTier: string[] = [];
    for (const c of ATTACK_CORPUS) {
      const v = checkCommand(c.cmd, DEFAULT_RULES, CORPUS_CONTEXT);
      const row = perClass.get(c.cls) ?? { total: 0, stopped: 0, deny: 0, ask: 0 };
      row.total++;
      if (v.decision !== 'allow') {
        row.stopped++;
        row[v.decision]++;
      } else allowed.push(`[${c.cls}] ${JSON.stringify(c.cmd)}`);
      if ((c.expect === 'deny' || c.expect === 'ask') && v.decision !== 'allow' && v.decision !== c.expect)
        wrongTier.push(`[${c.cls}] ${JSON.stringify(c.cmd)}: expected ${c.expect}, got ${JSON.stringify(v)}`);
      perClass.set(c.cls, row);
    }
    const stopped = HARMLESS_CORPUS.flatMap((c) => {
      const v = checkCommand(c.cmd, DEFAULT_RULES, CORPUS_CONTEXT);
      return v.decision === 'allow' ? [] : [`${JSON.stringify(c.cmd)} → ${JSON.stringify(v)}`];
    });
    for (const [cls, r] of perClass)
      t.diagnostic(
        `${cls.padEnd(16)} ${r.total} dangerous: ${r.deny} deny, ${r.ask} ask, ${r.total - r.stopped} allowed`,
      );
    t.diagnostic(
      `total: ${ATTACK_CORPUS.length} dangerous, ${allowed.length} allowed; ${HARMLESS_CORPUS.length} harmless, ${stopped.length} stopped`,
    );
    for (const s of stopped) t.diagnostic(`harmless stopped: ${s}`);
    assert.ok(ATTACK_CORPUS.length >= 300, `${ATTACK_CORPUS.length} dangerous cases`);
    assert.ok(HARMLESS_CORPUS.length >= 150, `${HARMLESS_CORPUS.length} harmless cases`);
    assert.deepEqual(allowed, []);
    assert.deepEqual(wrongTier, []);
    assert.ok(stopped.length <= HARMLESS_CORPUS.length * 0.01, stopped.join('\n'));
  });

  test('no case is both in the dangerous and the harmless list', () => {
    const harmless = new Set(HARMLESS_CORPUS.map((c) => c.cmd));
    assert.deepEqual(
      ATTACK_CORPUS.filter((c) => harmless.has(c.cmd)).map((c) => c.cmd),
      [],
    );
  });
});
