import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  FRONT_MATTER_FIELD,
  formatFrontMatter,
  parseFrontMatter,
  splitFrontMatter,
  stripBom,
} from '../../../../src/core/artifacts/frontMatter';

void test('frontMatter: splits the YAML from the body', () => {
  assert.deepEqual(splitFrontMatter('---\na: 1\nb: two\n---\n# Body\n'), {
    ok: true,
    yaml: 'a: 1\nb: two',
    body: '# Body\n',
    yamlLine: 2,
  });
});

void test('frontMatter: parses the YAML into a plain object and keeps the body as written', () => {
  const r = parseFrontMatter('---\nid: T-1\nfiles:\n  - a.ts\n  - b/\nn: 3\n---\n\n# Steps\n');
  assert.deepEqual(r, { ok: true, data: { id: 'T-1', files: ['a.ts', 'b/'], n: 3 }, body: '\n# Steps\n' });
});

void test('frontMatter: YAML 1.2 core schema leaves dates and yes/no as strings', () => {
  const r = parseFrontMatter('---\ncreatedAt: 2025-03-01T10:00:00Z\nday: 2025-03-01\nflag: yes\n---\nx');
  assert.ok(r.ok);
  assert.deepEqual(r.data, { createdAt: '2025-03-01T10:00:00Z', day: '2025-03-01', flag: 'yes' });
});

void test('frontMatter: CRLF line endings are read like LF', () => {
  const r = parseFrontMatter('---\r\na: 1\r\nb: |\r\n  x\r\n  y\r\n---\r\nline 1\r\nline 2\r\n');
  assert.deepEqual(r, { ok: true, data: { a: 1, b: 'x\ny\n' }, body: 'line 1\nline 2\n' });
});

void test('frontMatter: a leading BOM is ignored', () => {
  const r = parseFrontMatter('\uFEFF---\na: 1\n---\nbody');
  assert.deepEqual(r, { ok: true, data: { a: 1 }, body: 'body' });
  assert.equal(stripBom('\uFEFFx'), 'x');
  assert.equal(stripBom('x\uFEFF'), 'x\uFEFF');
});

void test('frontMatter: the body may contain --- lines after the closing one', () => {
  const r = parseFrontMatter('---\na: 1\n---\nabove\n---\nbelow\n');
  assert.ok(r.ok);
  assert.equal(r.body, 'above\n---\nbelow\n');
});

void test('frontMatter: an empty block is an empty mapping', () => {
  assert.deepEqual(parseFrontMatter('---\n---\nbody'), { ok: true, data: {}, body: 'body' });
  assert.deepEqual(parseFrontMatter('---\n# only a comment\n---\nbody'), { ok: true, data: {}, body: 'body' });
});

void test('frontMatter: an empty or blank file is one issue', () => {
  assert.deepEqual(parseFrontMatter(''), { ok: false, issues: [{ field: '', message: 'the file is empty' }] });
  assert.deepEqual(parseFrontMatter(' \r\n\n'), { ok: false, issues: [{ field: '', message: 'the file is empty' }] });
});

void test('frontMatter: a file that does not start with --- has no front matter', () => {
  for (const text of [
    '# Title\n---\na: 1\n---\n',
    '\n---\na: 1\n---\nbody',
    '--- \na: 1\n---\nbody',
    '----\na: 1\n---\nbody',
  ]) {
    const r = parseFrontMatter(text);
    assert.deepEqual(
      r,
      {
        ok: false,
        issues: [
          { field: FRONT_MATTER_FIELD, message: 'missing: the file must start with a line that is exactly ---' },
        ],
      },
      JSON.stringify(text),
    );
  }
});

void test('frontMatter: a block with no closing --- is reported', () => {
  assert.deepEqual(parseFrontMatter('---\na: 1\nb: 2\n# Body'), {
    ok: false,
    issues: [{ field: FRONT_MATTER_FIELD, message: 'not closed: no line that is exactly --- after the first' }],
  });
});

void test('frontMatter: YAML syntax errors give the line in the file', () => {
  const r = parseFrontMatter('---\nid: T-1\ntitle: a: b\n---\nbody');
  assert.equal(r.ok, false);
  assert.ok(!r.ok);
  assert.equal(r.issues.length, 1);
  assert.equal(r.issues[0].field, FRONT_MATTER_FIELD);
  assert.match(r.issues[0].message, /^line 3, column 8: Nested mappings are not allowed in compact mappings$/);
});

void test('frontMatter: an unclosed flow sequence is a syntax error on its line', () => {
  const r = parseFrontMatter('---\na: 1\nfiles: [a.ts,\nb: 2\n---\nbody');
  assert.ok(!r.ok);
  assert.ok(r.issues.length >= 1);
  assert.ok(
    r.issues.every((i) => i.field === FRONT_MATTER_FIELD && /^line [345], column \d+: /.test(i.message)),
    JSON.stringify(r.issues),
  );
});

void test('frontMatter: duplicate keys are an error, not last-one-wins', () => {
  const r = parseFrontMatter('---\nid: a\nid: b\n---\nbody');
  assert.ok(!r.ok);
  assert.match(r.issues[0].message, /^line 3, column 1: Map keys must be unique/);
});

void test('frontMatter: a list or a scalar is not a mapping', () => {
  for (const yaml of ['- a\n- b', 'just text', '42']) {
    assert.deepEqual(parseFrontMatter(`---\n${yaml}\n---\nbody`), {
      ok: false,
      issues: [{ field: FRONT_MATTER_FIELD, message: 'must be a mapping of `key: value` lines' }],
    });
  }
});

void test('frontMatter: an alias bomb is an issue, not a hang or a throw', () => {
  const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 8; i++)
    lines.push(
      `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10)
        .fill('*' + String.fromCharCode(96 + i))
        .join(', ')}]`,
    );
  const r = parseFrontMatter(`---\n${lines.join('\n')}\n---\nbody`);
  assert.ok(!r.ok);
  assert.equal(r.issues[0].field, FRONT_MATTER_FIELD);
  assert.match(r.issues[0].message, /^cannot be read: .*alias/i);
});

void test('frontMatter: formatFrontMatter writes what parseFrontMatter reads back', () => {
  const data = {
    id: 'T-1',
    title: 'a: tricky # title',
    files: ['src/'],
    n: 1.5,
    multi: 'one\ntwo',
    empty: '',
    yes: 'yes',
    num: '42',
  };
  const text = formatFrontMatter(data, '\n\n# Body\n\n');
  assert.ok(text.startsWith('---\n'));
  assert.ok(text.endsWith('---\n\n# Body\n'));
  const r = parseFrontMatter(text);
  assert.ok(r.ok);
  assert.deepEqual(r.data, data);
  assert.equal(r.body.trim(), '# Body');
});
