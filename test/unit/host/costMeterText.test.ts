// The cost meter's words (src/host/costMeterText.ts), through the real l10n bundles as vscode.l10n would read
// them: the tooltip says when its session list is cut off, and the screen reader's label is plain text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CostSummary, SessionCost } from '../../../src/core/cost/costLedger';
import { costMeterText, mdCell, plainText, TOOLTIP_SESSIONS } from '../../../src/host/costMeterText';
import { l10nOf } from '../../fixtures/l10nBundle';

const en = l10nOf();
const ko = l10nOf('bundle.l10n.ko.json');

const session = (i: number, o: Partial<SessionCost> = {}): SessionCost => ({
  agent: 'claude',
  sessionId: `s${i}`,
  taskId: `T-${i}`,
  costUsd: 0.5,
  turns: 2,
  runs: 1,
  lastAt: '2026-12-05T10:00:00.000Z',
  ...o,
});
const summary = (n: number, o: Partial<CostSummary> = {}): CostSummary => ({
  day: '2026-12-05',
  totalUsd: n * 0.5,
  byAgent: new Map(),
  sessions: Array.from({ length: n }, (_, i) => session(i)),
  issues: [],
  ...o,
});
const budget = { dailyUsd: 10, warnShare: 0.8 };
const CODICON = /\$\(/;
const MARKDOWN = /[*_`|]|\]\(/;

test('a short list is shown whole and says nothing is cut off', () => {
  const v = costMeterText(summary(3), budget, en);
  assert.equal(v.text, '$(pulse) $1.50 / $10.00');
  assert.equal((v.tooltip.match(/^\| claude \|/gm) ?? []).length, 3);
  assert.doesNotMatch(v.tooltip, /more…/);
  assert.equal(
    v.label,
    'F-MES agent spend today: $1.50 of a $10.00 budget. 3 agent sessions today. Opens the mission panel.',
  );
});

test('a long list is cut at TOOLTIP_SESSIONS rows and says how many more, in English and Korean', () => {
  const n = TOOLTIP_SESSIONS + 7;
  const v = costMeterText(summary(n), budget, en);
  assert.equal((v.tooltip.match(/^\| claude \|/gm) ?? []).length, TOOLTIP_SESSIONS);
  assert.match(v.tooltip, /\n7 more… \(F-MES: Show Dashboard lists all\)\n/);
  assert.match(v.label, new RegExp(`${n} agent sessions today`));
  const k = costMeterText(summary(n), budget, ko);
  assert.match(k.tooltip, /7개 더/);
  assert.match(k.tooltip, /F-MES: 오늘 에이전트 지출 \(2026-12-05\)/);
  // One over the limit is still announced: nothing is dropped silently.
  assert.match(costMeterText(summary(TOOLTIP_SESSIONS + 1), budget, en).tooltip, /\n1 more…/);
  assert.doesNotMatch(costMeterText(summary(TOOLTIP_SESSIONS), budget, en).tooltip, /more…/);
});

test('the accessibility label is plain words in both languages, at every budget level and with bad lines', () => {
  const cases: CostSummary[] = [
    summary(0),
    summary(1),
    summary(2, { totalUsd: 8.5 }),
    summary(40, { totalUsd: 12 }),
    summary(2, { issues: [{ file: '.fmes/cost/x.jsonl', issue: { field: 'line 3', message: 'not JSON' } }] }),
  ];
  const seen = new Set<string>();
  for (const l10n of [en, ko])
    for (const b of [budget, { dailyUsd: 0, warnShare: 0.8 }])
      for (const c of cases) {
        const { label } = costMeterText(c, b, l10n);
        assert.doesNotMatch(label, CODICON, label);
        assert.doesNotMatch(label, MARKDOWN, label);
        assert.ok(label.length > 20, label);
        seen.add(label);
      }
  assert.ok(seen.size >= 16, 'the label changes with the figures');
  assert.match(costMeterText(summary(40, { totalUsd: 12 }), budget, en).label, /Over budget\./);
  assert.match(costMeterText(summary(2, { totalUsd: 8.5 }), budget, en).label, /Nearing the budget\./);
  assert.match(costMeterText(summary(1), budget, en).label, /1 agent session today\./);
  const k = costMeterText(summary(40, { totalUsd: 12 }), budget, ko).label;
  assert.match(k, /예산을 넘었습니다/);
  assert.match(k, /에이전트 세션 40개/);
  assert.doesNotMatch(k.replace(/F-MES/g, ''), /[A-Za-z]{2,}/, 'no English words left in Korean');
});

test('text from cost logs cannot break the tooltip table or draw icons', () => {
  const evil = session(1, { agent: 'x | y', sessionId: '$(bug) **bold**', taskId: '[link](https://e.x)\nrow' });
  const v = costMeterText(summary(0, { sessions: [evil], totalUsd: 0.5 }), budget, en);
  const row = v.tooltip.split('\n').find((l) => l.includes('x \\| y'));
  assert.ok(row, v.tooltip);
  // Five cells: the escaped pipe does not open a sixth.
  assert.equal(row.split(/(?<!\\)\|/).length, 7, row);
  assert.doesNotMatch(row, /(?<!\\)\$\(/);
  assert.equal(mdCell('a\r\nb'), 'a b');
  assert.equal(plainText('$(pulse) **over** `x`'), 'over x');
});
