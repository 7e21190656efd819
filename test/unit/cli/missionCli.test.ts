import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fmes } from '../../fixtures/cli';
import { makeWorkspace, writeIn } from '../../fixtures/workspace';

// `fmes mission` on bad input: what a person or an agent wrote wrong gets a message naming the file and the
// field, an exit code, and nothing else happens (no worktree, no record, no agent). The loop itself is tested
// with the real agent CLIs in test/agents/mission.agent.test.ts.

describe('fmes mission on bad input', () => {
  let ws: ReturnType<typeof makeWorkspace>;
  beforeEach(() => (ws = makeWorkspace()));
  afterEach(() => ws.cleanup());
  const write = (rel: string, text: string) => writeIn(ws.root, rel, text);

  test('an invalid plan: exit 1 naming the file and the field; no mission, no worktree', () => {
    const plan = write(
      '.antigravity/plans/bad.md',
      '---\nid: has space\ntitle: x\nfiles: []\nrollback: r\n---\nbody\n',
    );
    const r = fmes(['--workspace', ws.root, 'mission', 'run', plan]);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /bad\.md/);
    assert.match(r.stderr, /\bid\b/);
    assert.match(r.stderr, /\bfiles\b/);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    assert.ok(!fs.existsSync(path.join(ws.root, '.fmes/missions')));
    assert.ok(!fs.existsSync(path.join(ws.root, '.trees')));
  });

  test('a missing plan file is named', () => {
    const r = fmes(['--workspace', ws.root, 'mission', 'run', path.join(ws.root, 'nope.md')]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /nope\.md.*no such file/);
  });

  test('an invalid mission record is listed as a problem with its field, and the valid ones still show', () => {
    const ok = {
      taskId: 'good',
      title: 'Good',
      planFile: '.antigravity/plans/good.md',
      state: 'readyToMerge',
      chain: ['claude'],
      files: ['src/a.ts'],
      createdAt: '2026-11-30T10:00:00.000Z',
      updatedAt: '2026-11-30T10:00:00.000Z',
    };
    write('.fmes/missions/good.json', JSON.stringify(ok));
    write('.fmes/missions/bad.json', JSON.stringify({ ...ok, taskId: 'bad', state: 'exploded' }));
    write('.fmes/missions/cut.json', '{"taskId": "cu');
    const r = fmes(['--workspace', ws.root, 'mission', 'list']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^good\treadyToMerge\tclaude/m);
    assert.match(r.stderr, /\.fmes\/missions\/bad\.json: state: /);
    assert.match(r.stderr, /\.fmes\/missions\/cut\.json: .*not JSON/);
    assert.equal(
      fs.readFileSync(path.join(ws.root, '.fmes/missions/cut.json'), 'utf8'),
      '{"taskId": "cu',
      'never rewritten',
    );
  });

  test('actions on missions that do not exist or are in the wrong state are refused with the reason', () => {
    const unknown = fmes(['--workspace', ws.root, 'mission', 'merge', 'ghost']);
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /there is no mission ghost/);
    write(
      '.fmes/missions/busy.json',
      JSON.stringify({
        taskId: 'busy',
        title: 'Busy',
        planFile: '.antigravity/plans/busy.md',
        state: 'running',
        chain: ['claude'],
        files: ['src/a.ts'],
        createdAt: '2026-11-30T10:00:00.000Z',
        updatedAt: '2026-11-30T10:00:00.000Z',
      }),
    );
    const running = fmes(['--workspace', ws.root, 'mission', 'merge', 'busy']);
    assert.equal(running.status, 1);
    assert.match(running.stderr, /cannot merge mission busy: it is running/);
    const noYes = fmes(['--workspace', ws.root, 'mission', 'discard', 'busy']);
    assert.equal(noYes.status, 2, 'discarding needs --yes');
  });

  test('outside a git repository: exit 1 with the reason, and the record says refused rather than queued', () => {
    const plan = write(
      '.antigravity/plans/nogit.md',
      '---\nid: nogit\ntitle: No git here\nfiles: [src/a.ts]\nrisk: low\nrollback: none\n---\nDo it.\n',
    );
    // Stand-ins for the agent CLIs, so the mission gets past the check that one of them is installed.
    const bin = write('.bin/claude', '#!/bin/sh\nexit 1\n');
    fs.chmodSync(bin, 0o755);
    const r = fmes(['--workspace', ws.root, 'mission', 'run', plan], {
      env: { PATH: `${path.dirname(bin)}${path.delimiter}${process.env.PATH ?? ''}` },
    });
    assert.equal(r.status, 1, r.stdout);
    assert.match(r.stderr, /not a git repository/);
    const rec = JSON.parse(fs.readFileSync(path.join(ws.root, '.fmes/missions/nogit.json'), 'utf8')) as {
      state: string;
      reason: string;
    };
    assert.equal(rec.state, 'refused');
    assert.match(rec.reason, /could not run the mission: .*not a git repository/);
  });
});
