import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Redactor } from '../../../../src/hot/safety/redact';
import {
  AUDIT_DIR,
  appendAudit,
  summarizeInput,
  webhookPayload,
  type AuditRecord,
} from '../../../../src/hot/safety/audit';
import { makeWorkspace } from '../../../fixtures/workspace';

const record = (input: string, reason?: string): AuditRecord => ({
  ts: new Date().toISOString(),
  agent: 'claude',
  tool: 'Bash',
  input,
  outcome: 'denied',
  reason,
});

test('the audit log keeps no inline credential, in the input or in the reason; the command stays readable', (t) => {
  const ws = makeWorkspace({});
  t.after(ws.cleanup);
  const secrets = [
    'wJalrXUtnFEMI',
    'pa55word',
    'hunter2',
    'alicepw',
    'ghp_0123456789abcdefghijABCDEF',
    'envSecretValue',
  ];
  const redactor = new Redactor({ DEPLOY_TOKEN: 'envSecretValue' });
  const commands = [
    'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI aws s3 rm s3://b --recursive',
    'psql postgres://app:pa55word@db/app -c "drop table users"',
    'mysql -uroot -phunter2 -e "drop database shop"',
    'curl -u alice:alicepw -X DELETE https://api.example.com/x',
    'git push https://ghp_0123456789abcdefghijABCDEF@github.com/o/r main --force',
    'echo envSecretValue | deploy',
  ];
  for (const c of commands)
    appendAudit(ws.root, record(summarizeInput('Bash', { command: c }), `denied: ${c}`), redactor);
  const dir = path.join(ws.root, AUDIT_DIR);
  const text = fs
    .readdirSync(dir)
    .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'))
    .join('');
  for (const s of secrets) assert.ok(!text.includes(s), `${s} in the audit log`);
  const inputs = text
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as AuditRecord).input);
  assert.deepEqual(inputs, [
    'AWS_SECRET_ACCESS_KEY=*** aws s3 rm s3://b --recursive',
    'psql postgres://app:***@db/app -c "drop table users"',
    'mysql -uroot -p*** -e "drop database shop"',
    'curl -u alice:*** -X DELETE https://api.example.com/x',
    'git push https://[REDACTED]@github.com/o/r main --force',
    'echo [REDACTED:DEPLOY_TOKEN] | deploy',
  ]);
});

test('summarizeInput redacts before it clips: a secret cut at the clip leaves no part behind', () => {
  const token = 'ghp_0123456789abcdefghijABCDEF';
  for (let at = 470; at <= 500; at += 3) {
    const command = `${'x'.repeat(at)} ${token} PGPASSWORD=longsecretvalue`;
    const s = summarizeInput('Bash', { command });
    assert.ok(!s.includes('ghp_0123'), `cut at ${at}`);
    assert.ok(!s.includes('longsecret'));
  }
  // A huge command costs no more than its first few thousand characters, and is still redacted there.
  assert.equal(
    summarizeInput('Bash', { command: `PGPASSWORD=pw psql ${'| cat '.repeat(100_000)}` }).slice(0, 18),
    'PGPASSWORD=*** psq',
  );
  // Paths, URLs and other fields too; contents are never summarised.
  assert.equal(summarizeInput('WebFetch', { url: 'https://u:pw@host/x' }), 'url: https://u:***@host/x');
  assert.equal(summarizeInput('Write', { file_path: 'a.env', content: 'API_KEY=abc' }), 'a.env (11 chars)');
  // The caller may pass the run's Redactor, for its environment's values.
  assert.equal(
    summarizeInput('Bash', { command: 'echo s3cr3tvalue' }, (x) => new Redactor({ MY_TOKEN: 's3cr3tvalue' }).redact(x)),
    'echo [REDACTED:MY_TOKEN]',
  );
});

test('harmless commands reach the audit log as they were', (t) => {
  const ws = makeWorkspace({});
  t.after(ws.cleanup);
  const commands = [
    'git commit -m "Rotate the API key handling; password reset flow"',
    'psql -h db -p 5432 -U app',
    'mkdir -p a/b && sort -u x',
    'curl https://example.com/api?page=2',
  ];
  for (const c of commands)
    appendAudit(ws.root, { ...record(summarizeInput('Bash', { command: c })), outcome: 'ok' }, new Redactor({}));
  const dir = path.join(ws.root, AUDIT_DIR);
  const inputs = fs
    .readdirSync(dir)
    .flatMap((f) => fs.readFileSync(path.join(dir, f), 'utf8').trim().split('\n'))
    .map((l) => (JSON.parse(l) as AuditRecord).input);
  assert.deepEqual(inputs, commands);
});

test('the webhook body keeps no inline credential either', () => {
  const p = webhookPayload(record('PGPASSWORD=pw1 psql', 'denied: mysql -psecret2'));
  assert.ok(!JSON.stringify(p).includes('pw1'));
  assert.ok(!JSON.stringify(p).includes('secret2'));
  assert.match(p.text, /PGPASSWORD=\*\*\* psql — denied: mysql -p\*\*\*/);
});
