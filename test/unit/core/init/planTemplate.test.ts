import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePlan } from '../../../../src/core/artifacts/parseArtifact';
import { planIdAt, planTemplate } from '../../../../src/core/init/planTemplate';

describe('first plan template', () => {
  test('is a valid plan as written, with the id and title given', () => {
    const id = planIdAt(new Date(2026, 11, 5, 9, 7));
    assert.equal(id, 'T-20261205-0907');
    const r = parsePlan(planTemplate({ id, title: 'Add a cart total' }), '.antigravity/plans/x.md');
    assert.ok(r.ok, r.ok ? '' : r.error.message);
    assert.equal(r.value.meta.id, id);
    assert.equal(r.value.meta.title, 'Add a cart total');
    assert.equal(r.value.meta.risk, 'low');
  });

  test('a title that would break YAML or the front matter stays one title', () => {
    for (const title of ['a: b', '---', '"quoted" # not a comment', 'two\nlines', "it's [x] {y}", '   '])
      assert.ok(parsePlan(planTemplate({ id: 'T-1', title }), 'p.md').ok, JSON.stringify(title));
    const r = parsePlan(planTemplate({ id: 'T-1', title: 'two\n---\nlines' }), 'p.md');
    assert.ok(r.ok && r.value.meta.title === 'two --- lines');
  });
});
