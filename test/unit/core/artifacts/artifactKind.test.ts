import { test } from 'node:test';
import assert from 'node:assert/strict';
import { artifactKindOf, type ArtifactKind } from '../../../../src/core/artifacts/parseArtifact';

const cases: [string, ArtifactKind | undefined][] = [
  ['.locks/src%2Fa.ts.lock', 'lock'],
  ['/home/me/repo/.locks/%2E.lock', 'lock'],
  ['C:\\repo\\.locks\\src%2Fa.ts.lock', 'lock'],
  ['.locks/sub/x.lock', undefined],
  ['src/x.lock', undefined],
  ['.locks/x.lock.tmp', undefined],
  ['.claude/outbox/report.json', 'report'],
  ['.claude/outbox/T-42-claude.json', 'report'],
  ['/repo/.claude/outbox/nested/r.json', 'report'],
  ['C:\\repo\\.claude\\outbox\\r.json', 'report'],
  ['worktrees/T-1/report.json', 'report'],
  ['report.json', 'report'],
  ['.claude/outbox/notes.md', undefined],
  ['.claude/settings.json', undefined],
  ['outbox/r.json', undefined],
  ['active_plan.md', 'plan'],
  ['/repo/active_plan.md', 'plan'],
  ['.antigravity/plans/T-42.md', 'plan'],
  ['D:\\work\\.antigravity\\plans\\T-42.md', 'plan'],
  ['.antigravity/plans/T-42.txt', undefined],
  ['plans/T-42.md', undefined],
  ['handoff.md', 'handoff'],
  ['HANDOFF_REPORT.md', 'handoff'],
  ['docs/Handoff.MD', 'handoff'],
  ['.antigravity/plans/handoff.md', 'handoff'],
  ['C:\\repo\\handoff_report.md', 'handoff'],
  ['.claude/cost_logs/2025-03-01.jsonl', 'costLog'],
  ['/repo/.claude/cost_logs/2025-03-01.jsonl', 'costLog'],
  ['.claude\\cost_logs\\2025-03-01.jsonl', 'costLog'],
  ['.claude/cost_logs/2025-03-01.json', undefined],
  ['cost_logs/2025-03-01.jsonl', undefined],
  ['', undefined],
  ['/', undefined],
  ['README.md', undefined],
];
for (const [file, kind] of cases) {
  void test(`artifactKindOf(${JSON.stringify(file)}) is ${String(kind)}`, () => {
    assert.equal(artifactKindOf(file), kind);
  });
}
