import { checkCommand } from './src/core/safety/denyList';
import { DENY_CORPUS, CORPUS_CONTEXT } from './test/fixtures/safety/deny-corpus';
let bad = 0;
for (const c of DENY_CORPUS) {
  const v = checkCommand(c.cmd, undefined, CORPUS_CONTEXT);
  const ok = v.decision === c.expect && (c.rule === undefined || (v.decision !== 'allow' && v.ruleId === c.rule));
  if (!ok) { bad++; console.log('FAIL', JSON.stringify(c.cmd), 'expected', c.expect, c.rule ?? '', 'got', JSON.stringify(v)); }
}
console.log(DENY_CORPUS.length, 'cases', bad, 'bad');
