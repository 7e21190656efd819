import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  checkCommand,
  DEFAULT_RULES,
  INCOMPLETE_RULE_ID,
  mergeRules,
  type DenyRule,
} from '../../../../src/hot/safety/denyList';
import { denyRuleOverrideSchema, denyRuleSchema } from '../../../../src/core/safety/denyRules';
import { CORPUS_CONTEXT, DENY_CORPUS } from '../../../fixtures/safety/deny-corpus';

describe('deny list: corpus', () => {
  test('every corpus command gets its expected verdict (0 misses, 0 false positives)', (t) => {
    const misses: string[] = [];
    const falsePositives: string[] = [];
    const wrong: string[] = [];
    const counts = { allow: 0, ask: 0, deny: 0 };
    const start = performance.now();
    for (const c of DENY_CORPUS) {
      const v = checkCommand(c.cmd, DEFAULT_RULES, CORPUS_CONTEXT);
      counts[c.expect]++;
      const line = `${JSON.stringify(c.cmd)}: expected ${c.expect}${c.rule ? ` (${c.rule})` : ''}, got ${JSON.stringify(v)}`;
      if (c.expect !== 'allow' && v.decision === 'allow') misses.push(line);
      else if (c.expect === 'allow' && v.decision !== 'allow') falsePositives.push(line);
      else if (v.decision !== c.expect || (c.rule !== undefined && v.decision !== 'allow' && v.ruleId !== c.rule))
        wrong.push(line);
    }
    const perCall = (performance.now() - start) / DENY_CORPUS.length;
    t.diagnostic(
      `corpus: ${DENY_CORPUS.length} commands (${counts.deny} deny, ${counts.ask} ask, ${counts.allow} allow)`,
    );
    t.diagnostic(
      `misses: ${misses.length}, false positives: ${falsePositives.length}, wrong tier or rule: ${wrong.length}`,
    );
    t.diagnostic(`first pass (cold): ${(perCall * 1000).toFixed(1)} µs per checkCommand`);
    assert.ok(DENY_CORPUS.length >= 150);
    assert.deepEqual([...misses, ...falsePositives, ...wrong], []);
  });

  test('timing: µs per checkCommand over the corpus (not asserted)', (t) => {
    const rounds = 20;
    const start = performance.now();
    for (let r = 0; r < rounds; r++) for (const c of DENY_CORPUS) checkCommand(c.cmd, DEFAULT_RULES, CORPUS_CONTEXT);
    const us = ((performance.now() - start) * 1000) / (rounds * DENY_CORPUS.length);
    const longest = DENY_CORPUS.reduce((a, c) => (c.cmd.length > a.length ? c.cmd : a), '');
    const big = Array.from(
      { length: 200 },
      (_, i) => `cp src/f${i}.ts "dst/f ${i}.ts" && echo $(date) | tee -a log`,
    ).join('; ');
    const s2 = performance.now();
    for (let r = 0; r < 20; r++) checkCommand(big, DEFAULT_RULES, CORPUS_CONTEXT);
    t.diagnostic(
      `warm: ${us.toFixed(1)} µs per checkCommand (${DENY_CORPUS.length} commands × ${rounds}; longest ${longest.length} chars)`,
    );
    t.diagnostic(`a ${big.length}-character, 600-command line: ${((performance.now() - s2) / 20).toFixed(2)} ms`);
  });

  test('every default rule is exercised by the corpus', () => {
    const hit = new Set(DENY_CORPUS.map((c) => c.rule));
    assert.deepEqual(
      DEFAULT_RULES.map((r) => r.id).filter((id) => !hit.has(id)),
      [],
    );
  });
});

describe('deny list: properties', () => {
  const safe = fc.constantFrom(
    'ls -la',
    'echo hi',
    'git status',
    'npm test',
    'cat README.md',
    'true',
    'cd src',
    'FOO=1 make',
  );
  const sep = fc.constantFrom(' && ', '; ', ' || ', ' | ', '\n', ' & ');
  const dangerous: [string, string][] = [
    ['rm -rf /', 'rm-rf-root'],
    ['terraform destroy -auto-approve', 'terraform-destroy-auto-approve'],
    ['kubectl delete ns production', 'kubectl-delete-production-namespace'],
    ['git push --force', 'git-push-force'],
    ['psql -c "DROP TABLE users"', 'sql-destructive'],
  ];
  const wrap = fc.constantFrom<(s: string) => string>(
    (s) => s,
    (s) => `sudo ${s}`,
    (s) => `env A=1 ${s}`,
    (s) => `bash -c '${s.replaceAll("'", `'\\''`)}'`,
    (s) => `sh -lc '${s.replaceAll("'", `'\\''`)}'`,
    (s) => `echo $(${s})`,
    (s) => `( ${s} )`,
    (s) => `{ ${s}; }`,
    (s) => `timeout 5 ${s}`,
    (s) => `if true; then ${s}; fi`,
  );
  /** The program name in another spelling the shell reads the same. */
  const respell = fc.constantFrom<(p: string) => string>(
    (p) => p,
    (p) => `"${p}"`,
    (p) => `'${p}'`,
    (p) => `${p[0]}''${p.slice(1)}`,
    (p) => `\\${p}`,
    (p) => `/usr/bin/${p}`,
  );

  test('property: a dangerous command is denied wherever it sits in a chain, however it is wrapped or spelled', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...dangerous),
        fc.array(fc.tuple(safe, sep), { maxLength: 3 }),
        fc.array(fc.tuple(sep, safe), { maxLength: 3 }),
        wrap,
        respell,
        ([cmd, rule], before, after, w, r) => {
          const [prog, ...rest] = cmd.split(' ');
          const inner = [r(prog), ...rest].join(' ');
          const src = before.map(([s, o]) => s + o).join('') + w(inner) + after.map(([o, s]) => o + s).join('');
          const v = checkCommand(src);
          assert.equal(v.decision, 'deny', src);
          assert.equal(v.decision === 'deny' && v.ruleId, rule, src);
        },
      ),
      { numRuns: 1500 },
    );
  });

  test('property: rm -r flags in any order and spelling, on /, are denied', () => {
    const flag = fc.constantFrom(
      '-r',
      '-R',
      '-f',
      '-v',
      '--recursive',
      '--force',
      '-rf',
      '-fr',
      '-Rf',
      '-rfv',
      '-i',
      '--one-file-system',
    );
    fc.assert(
      fc.property(
        fc.array(flag, { minLength: 1, maxLength: 4 }),
        fc.constantFrom('/', '//', '/*', '~', '~/', '"$HOME"', '/usr', '.', '*'),
        (flags, target) => {
          const recursive = flags.some((f) => /^-[a-zA-Z]*[rR]|^--recursive$/.test(f));
          const src = `rm ${flags.join(' ')} ${target}`;
          assert.equal(checkCommand(src).decision, recursive ? 'deny' : 'allow', src);
        },
      ),
      { numRuns: 1000 },
    );
  });

  test('property: dangerous text as data (quoted arguments, comments, quoted heredocs) is allowed', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...dangerous.map(([c]) => c)),
        fc.constantFrom('echo', 'grep -rn', 'printf %s', 'git commit -m', 'logger'),
        (cmd, tool) => {
          for (const src of [`${tool} '${cmd.replaceAll("'", `'\\''`)}'`, `ls # ${cmd}`, `cat <<'EOF'\n${cmd}\nEOF`]) {
            assert.equal(checkCommand(src).decision, 'allow', src);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  test('property: never throws on arbitrary text', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...'rm -f/ $(){}`\'"\\;&|<>#\n=ab'.split('')), maxLength: 40 }),
        (s) => {
          checkCommand(s);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('deny list: verdicts', () => {
  test("a redirection is tested where it lands: through symlinks, from the call's folder", () => {
    const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fmes-redirect-')));
    try {
      fs.symlinkSync('/dev/sda', path.join(dir, 'disk'));
      fs.mkdirSync(path.join(dir, 'sub'));
      fs.symlinkSync('/dev', path.join(dir, 'devices'));
      const at = (cmd: string, cwd: string) => checkCommand(cmd, DEFAULT_RULES, { cwd }).decision;
      assert.equal(at('echo x > disk', dir), 'deny');
      assert.equal(at('echo x > ../disk', path.join(dir, 'sub')), 'deny');
      assert.equal(at(`cat image > ${dir}/devices/nvme0n1`, '/'), 'deny');
      assert.equal(at('echo x > devices/sda1', dir), 'deny');
      assert.equal(at('echo x > sda', '/dev'), 'deny');
      // A file of that name elsewhere, and a link to a harmless device, are not devices.
      assert.equal(at('echo x > sda', dir), 'allow');
      fs.symlinkSync('/dev/null', path.join(dir, 'null'));
      assert.equal(at('echo x > null', dir), 'allow');
      // After a cd to a folder that holds a link to a device.
      assert.equal(at(`cd ${dir} && echo x > disk`, '/'), 'deny');
      assert.equal(at('cd sub && echo x > ../disk', dir), 'deny');
      // Where the cd goes cannot be told: the target as written.
      assert.equal(at('cd "$D" && echo x > disk', dir), 'allow');
      // Without the caller's folder, a relative target is tested as written.
      assert.equal(checkCommand('echo x > disk', DEFAULT_RULES, {}).decision, 'allow');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('deny wins over an ask anywhere in the line; the offending command is named', () => {
    assert.deepEqual(checkCommand('git reset --hard && rm -rf / && npm publish'), {
      decision: 'deny',
      ruleId: 'rm-rf-root',
      reason: 'recursive rm of /, ~, the workspace or a system folder',
      command: 'rm -rf /',
    });
    const v = checkCommand('npm publish; git reset --hard');
    assert.equal(v.decision === 'ask' && v.ruleId, 'npm-publish');
  });

  test('the home and workspace folders only count when the caller names them', () => {
    assert.equal(checkCommand('rm -rf /work/app').decision, 'allow');
    assert.equal(checkCommand('rm -rf /work/app', DEFAULT_RULES, { workspaceRoot: '/work/app/' }).decision, 'deny');
    assert.equal(checkCommand('rm -rf /work/app/src', DEFAULT_RULES, { workspaceRoot: '/work/app' }).decision, 'allow');
    assert.equal(checkCommand('rm -rf /home/dev/*', DEFAULT_RULES, { home: '/home/dev' }).decision, 'deny');
  });

  test('an incomplete parse asks only when it names a program a rule is about', () => {
    const v = checkCommand('echo "$(git push --force');
    assert.equal(v.decision, 'deny'); // what could be seen is already enough
    assert.equal(checkCommand('git status "').decision === 'ask' && INCOMPLETE_RULE_ID, INCOMPLETE_RULE_ID);
    assert.equal(checkCommand('ls "').decision, 'allow');
  });

  test('custom rules: program prefixes, *, redirect patterns, pipedFrom, selfCall', () => {
    const rules: DenyRule[] = [
      { id: 'no-kubectl-ish', tier: 'ask', description: 'k*', program: 'kube*' },
      { id: 'no-env-files', tier: 'deny', description: 'writes .env', program: '*', redirectPattern: '(^|/)\\.env$' },
      { id: 'no-cat-to-python', tier: 'ask', description: 'python from cat', program: 'python3', pipedFrom: ['cat'] },
      { id: 'no-sudo', tier: 'deny', description: 'no sudo', program: 'sudo' },
      { id: 'prod-ssh', tier: 'ask', description: 'ssh to prod', program: 'ssh', argPattern: '^prod' },
    ];
    assert.equal(checkCommand('kubeadm reset', rules).decision, 'ask');
    assert.equal(checkCommand('echo X=1 >> config/.env', rules).decision, 'deny');
    assert.equal(checkCommand('echo X=1 >> config/.envrc', rules).decision, 'allow');
    assert.equal(checkCommand('cat x.py | python3', rules).decision, 'ask');
    assert.equal(checkCommand('python3 x.py', rules).decision, 'allow');
    // Rules about wrappers see the wrapper's own words, even when it is stripped to show the real command.
    assert.equal(checkCommand('sudo ls', rules).decision, 'deny');
    assert.equal(checkCommand('bash -c "sudo $X"', rules).decision, 'deny');
    assert.equal(checkCommand('ssh -p 22 prod-db uptime', rules).decision, 'ask');
    assert.equal(checkCommand('ssh staging uptime', rules).decision, 'allow');
  });
});

describe('deny list: rules as data', () => {
  test('the default rules satisfy their own schema and have unique ids', () => {
    for (const r of DEFAULT_RULES) assert.ok(denyRuleSchema.safeParse(r).success, r.id);
    assert.equal(new Set(DEFAULT_RULES.map((r) => r.id)).size, DEFAULT_RULES.length);
  });

  test('the schema rejects bad regexes, empty programs and unknown tiers', () => {
    const base = { id: 'x', tier: 'deny', description: 'd', program: 'rm' };
    assert.ok(denyRuleSchema.safeParse(base).success);
    assert.ok(!denyRuleSchema.safeParse({ ...base, argPattern: '(' }).success);
    assert.ok(!denyRuleSchema.safeParse({ ...base, program: [] }).success);
    assert.ok(!denyRuleSchema.safeParse({ ...base, tier: 'block' }).success);
    assert.ok(!denyRuleSchema.safeParse({ ...base, id: 'has space' }).success);
    const err = denyRuleSchema.safeParse({ ...base, argPattern: '(' });
    assert.match(JSON.stringify(err.error?.issues), /valid regular expression/);
  });

  test('mergeRules: change a rule by id, disable one, add one; a partial new rule is reported', () => {
    const overrides = [
      denyRuleOverrideSchema.parse({ id: 'git-reset-hard', tier: 'deny' }),
      denyRuleOverrideSchema.parse({ id: 'npm-publish', disabled: true }),
      denyRuleOverrideSchema.parse({
        id: 'no-prod-ssh',
        tier: 'ask',
        description: 'ssh to prod',
        program: 'ssh',
        argPattern: '^prod',
      }),
      denyRuleOverrideSchema.parse({ id: 'half-a-rule', tier: 'ask' }),
    ];
    const { rules, invalid } = mergeRules(DEFAULT_RULES, overrides);
    assert.deepEqual(invalid, ['half-a-rule']);
    assert.equal(rules.length, DEFAULT_RULES.length);
    assert.equal(checkCommand('git reset --hard', rules).decision, 'deny');
    assert.equal(checkCommand('npm publish', rules).decision, 'allow');
    assert.equal(checkCommand('ssh prod-db uptime', rules).decision, 'ask');
    assert.equal(DEFAULT_RULES.find((r) => r.id === 'git-reset-hard')?.tier, 'ask', 'the defaults are not mutated');
  });
});
