import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { GUARDED_PATTERNS, Redactor, redactInline, secretName, TOKEN_SHAPES } from '../../../../src/hot/safety/redact';

// Every case: [input, what it must become]. The expected text is spelled out, so a pattern that takes too
// much (the host, the command) fails as surely as one that takes too little.
const CREDENTIALS: Array<[string, string]> = [
  // Assignments: as a command prefix, exported, through env, quoted, several, any case.
  ['AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCY aws s3 ls', 'AWS_SECRET_ACCESS_KEY=*** aws s3 ls'],
  ['export GITHUB_TOKEN="abc def" && gh pr list', 'export GITHUB_TOKEN=*** && gh pr list'],
  ["env API_KEY='k1' CLIENT_SECRET=s2 node app.js", 'env API_KEY=*** CLIENT_SECRET=*** node app.js'],
  ['PGPASSWORD=hunter2 psql -h db -p 5432 -U app', 'PGPASSWORD=*** psql -h db -p 5432 -U app'],
  ['DB_PASS=pw1 MYSQL_PWD_PASSWORD=pw2 run', 'DB_PASS=*** MYSQL_PWD_PASSWORD=*** run'],
  ['db_password=x1 ./migrate; KEY=raw ./x', 'db_password=*** ./migrate; KEY=*** ./x'],
  ['(NPM_TOKEN=t0k npm publish)', '(NPM_TOKEN=*** npm publish)'],
  ['GH_PAT=abc123 git push', 'GH_PAT=*** git push'],
  ['psql "host=db user=app password=s3cret dbname=x"', 'psql "host=db user=app password=*** dbname=x"'],
  // URLs with credentials: any scheme, the password only.
  ['psql postgres://alice:pa55@db.internal:5432/app', 'psql postgres://alice:***@db.internal:5432/app'],
  [
    'git clone https://x-access-token:tok123@github.com/o/r.git',
    'git clone https://x-access-token:***@github.com/o/r.git',
  ],
  ['redis-cli -u redis://:pw@cache:6379', 'redis-cli -u redis://:***@cache:6379'],
  ['mongosh "mongodb+srv://u:p%40ss@cluster0/db"', 'mongosh "mongodb+srv://u:***@cluster0/db"'],
  ['amqp://guest:guest@localhost', 'amqp://guest:***@localhost'],
  // mysql family: -p with an attached value; --password=.
  ['mysql -uroot -psecret shop', 'mysql -uroot -p*** shop'],
  ["mysql -h db -u root -p'my pw' -e 'select 1'", "mysql -h db -u root -p*** -e 'select 1'"],
  ['cd x && mysqldump -u a -pS3cr3t db > d.sql', 'cd x && mysqldump -u a -p*** db > d.sql'],
  ['mysql --user=root --password=secret db', 'mysql --user=root --password=*** db'],
  ['/usr/bin/mariadb -pXy db', '/usr/bin/mariadb -p*** db'],
  // Other options that take a secret.
  ['sshpass -p hunter2 ssh host', 'sshpass -p *** ssh host'],
  ['redis-cli -a hunter2 ping', 'redis-cli -a *** ping'],
  ['vault login --token s.abc123', 'vault login --token *** '.trimEnd()],
  ['tool --api-key=abc --apikey def --client-secret ghi', 'tool --api-key=*** --apikey *** --client-secret ***'],
  ['cli --password "p w" --access-token t', 'cli --password *** --access-token ***'],
  // curl/wget basic auth: the user stays.
  ['curl -u alice:pw https://api.example.com', 'curl -u alice:*** https://api.example.com'],
  ['curl -ualice:pw https://x', 'curl -ualice:*** https://x'],
  ["curl --user 'bob:p w' https://x", "curl --user 'bob:***' https://x"],
  ['curl -s --proxy-user p:q -x proxy https://x', 'curl -s --proxy-user p:*** -x proxy https://x'],
  ['wget --user=alice --password=pw https://x', 'wget --user=alice --password=*** https://x'],
  // Headers: the scheme stays.
  ['curl -H "Authorization: Bearer abc.def" https://x', 'curl -H "Authorization: Bearer ***" https://x'],
  ["curl -H 'Authorization: Basic YWxpY2U6cHc=' https://x", "curl -H 'Authorization: Basic ***' https://x"],
  ['curl --header "authorization: token ghx" https://x', 'curl --header "authorization: token ***" https://x'],
  [
    'curl -H "X-Api-Key: k123" -H "Private-Token: p" https://x',
    'curl -H "X-Api-Key: ***" -H "Private-Token: ***" https://x',
  ],
  ["curl -H 'Cookie: session=abc; csrf=d' https://x", "curl -H 'Cookie: ***' https://x"],
  ['> Authorization: Bearer xyz\n< HTTP/1.1 200', '> Authorization: Bearer ***\n< HTTP/1.1 200'],
  ['{"user": "a", "password": "pw", "api_key": "k"}', '{"user": "a", "password": "***", "api_key": "***"}'],
  // Tokens by shape, anywhere.
  ['key sk-proj-abcdefghijklmnop1234 end', 'key [REDACTED] end'],
  ['x sk-ant-api03-abcdefgh_IJK y', 'x [REDACTED] y'],
  [
    'ghp_0123456789abcdefghijABCDEF gho_0123456789abcdefghijABCDEF ghs_0123456789abcdefghijABCDEF',
    '[REDACTED] [REDACTED] [REDACTED]',
  ],
  ['github_pat_11ABCDEFG0123456789_abcdefghijklmnop', '[REDACTED]'],
  ['slack xoxb-123456789012-abcdefghij and xoxp-1234-5678-abcdefghij', 'slack [REDACTED] and [REDACTED]'],
  ['AKIAIOSFODNN7EXAMPLE ASIAIOSFODNN7EXAMPLE', '[REDACTED] [REDACTED]'],
  ['glpat-abcdefghij0123456789 npm_abcdefghijklmnopqrstuvwxyz0123456789', '[REDACTED] [REDACTED]'],
  ['AIzaSyA1234567890abcdefghijklmnopqrstuv', '[REDACTED]'],
  [
    'jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
    'jwt [REDACTED]',
  ],
  ['stripe sk_live_abcdefghijklmnop1234', 'stripe [REDACTED]'],
  ['-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----', '[REDACTED]'],
];

// Look-alikes that must come out byte for byte.
const HARMLESS: string[] = [
  'git commit -m "Fix login: rotate API key handling and password reset"',
  'git commit -m "Bump KEY_LENGTH to 32; store tokens hashed"',
  'psql -h db -p 5432 -U app -d shop',
  'psql -p 5432 -c "select 1"',
  'mysql -P 3306 -h db -u root -p shop',
  'mkdir -p src/a && cp -p a b && ssh -p 2222 host',
  'sort -u names.txt | uniq -c',
  'curl -u alice https://api.example.com',
  'curl https://example.com/path?x=1 && wget https://example.com:8080/x',
  'git clone git@github.com:o/r.git && ssh git@host',
  'echo $PWD; MONKEY=1 BYPASS=2 TOKENIZER=bpe SSH_AUTH_SOCK=/tmp/s env',
  'psql --no-password -h db',
  'gh auth login --with-token < token.txt',
  'grep -rn "Authorization" src/ && grep -n "password" README.md',
  'The Authorization header is described in RFC 7235.',
  'npm run build && node scripts/testUnit.mjs test/unit',
  'task-force-management-system and disk-usage',
  'http://localhost:3000/api and https://user@github.com/o/r',
  'npx tsc -p tsconfig.json --noEmit',
];

describe('redactInline', () => {
  for (const [input, expected] of CREDENTIALS) {
    it(`redacts: ${input.split('\n')[0]}`, () => {
      assert.equal(redactInline(input), expected);
    });
  }
  for (const input of HARMLESS) {
    it(`keeps: ${input}`, () => {
      assert.equal(redactInline(input), input);
    });
  }

  it('is idempotent, and never brings a secret back (property over commands built from the cases)', () => {
    const secret = fc.stringMatching(/^[A-Za-z0-9]{6,20}$/).filter((s) => /\d/.test(s) && /[A-Za-z]/.test(s));
    const shapes = [
      (s: string) => `PGPASSWORD=${s} psql`,
      (s: string) => `curl -u me:${s} https://h`,
      (s: string) => `mysql -p${s} db`,
      (s: string) => `postgres://u:${s}@h/db`,
      (s: string) => `curl -H 'Authorization: Bearer ${s}' x`,
      (s: string) => `tool --token ${s}`,
      (s: string) => `tool --password=${s}`,
      (s: string) => `export MY_API_KEY="${s}"`,
    ];
    fc.assert(
      fc.property(
        secret,
        fc.constantFrom(...shapes),
        fc.constantFrom('', 'cd x && ', 'echo a; ', 'sudo '),
        fc.constantFrom('', ' | tee log', '; ls'),
        (s, shape, pre, post) => {
          const out = redactInline(`${pre}${shape(s)}${post}`);
          return !out.includes(s) && redactInline(out) === out;
        },
      ),
    );
  });

  it('runs a token shape only where its literal is: every text a shape matches holds one of its hints', () => {
    for (const { hints, re: make } of TOKEN_SHAPES) {
      const re = make();
      // fast-check builds strings from the pattern; a word boundary is not a character, so it is left out.
      const source = re.source.replace(/^\\b/, '').replace(/\\b$/, '');
      fc.assert(
        fc.property(fc.stringMatching(new RegExp(`^(?:${source})$`)), (m) => {
          assert.ok(
            hints.some((h) => m.includes(h)),
            `${re} matched ${JSON.stringify(m)}, which holds none of ${hints.join(', ')}`,
          );
        }),
        { numRuns: 200 },
      );
      // And each shape still redacts a token of its own in a command.
      const token = fc.sample(fc.stringMatching(new RegExp(`^(?:${source})$`)), { numRuns: 1, seed: 7 })[0];
      assert.ok(!redactInline(`echo ${token} ok`).includes(token), `${re} left ${token}`);
    }
  });

  it('runs a credential flag or header pattern only when a hint is in the text: no text it changes lacks one', () => {
    const pieces = [
      '--',
      '-',
      ' ',
      '=',
      ':',
      '\t',
      'no-',
      'x',
      'pass',
      'PASS',
      'Passwd',
      'word',
      'phrase',
      'token',
      'ToKeN',
      'secret',
      'SECRET',
      'api',
      'Api-',
      'key',
      'KEY',
      'access-',
      'auth-',
      'X-',
      'Cookie',
      'Private-',
      '"',
      "'",
      '-H ',
      'Authorization',
      'ſ',
      'ı',
      '\u212a',
      'wait',
      'force',
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 14 }), (parts) => {
        const text = parts.join('');
        for (const { re: make, hints } of GUARDED_PATTERNS) {
          const re = make();
          re.lastIndex = 0;
          const changed = text.replace(re, '[X]') !== text;
          if (changed)
            assert.ok(
              hints.some((h) => text.toLowerCase().includes(h)),
              `${re} changes ${JSON.stringify(text)}, which holds none of ${hints.join(', ')}`,
            );
        }
      }),
      { numRuns: 20_000, seed: 20261205 },
    );
    // And each still redacts what it is for.
    assert.equal(redactInline('deploy --api-key k123 --wait'), 'deploy --api-key *** --wait');
    assert.equal(redactInline("curl -H 'X-Api-Key: k123' x"), "curl -H 'X-Api-Key: ***' x");
  });

  it('stays linear on hostile input (no catastrophic backtracking)', () => {
    // Each would take seconds or more with a backtracking-prone pattern; the test has no time limit of its
    // own, the runner's timeout catches a hang.
    for (const s of [
      '--a-'.repeat(20_000),
      'mysql '.repeat(5_000),
      `${'x'.repeat(50_000)}:`,
      `Authorization: ${' '.repeat(50_000)}`,
      `A${'_'.repeat(50_000)}=`,
      'postgres://'.repeat(5_000),
    ]) {
      assert.equal(typeof redactInline(s), 'string');
    }
  });
});

describe('Redactor', () => {
  it('takes as secret-looking every name the expression it replaced took, in any case, and no ordinary one', () => {
    const OLD = /(KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|AUTH|COOKIE)/i;
    fc.assert(
      fc.property(
        fc.array(
          fc.constantFrom(
            'A',
            'b',
            '_',
            '1',
            'KEY',
            'key',
            'Tok',
            'EN',
            'SECRET',
            'PASS',
            'WORD',
            'WD',
            'CREDENTIAL',
            'auth',
            'COOK',
            'IE',
            'ſ',
            'ı',
            'K',
          ),
          { maxLength: 8 },
        ),
        (parts) => {
          const name = parts.join('');
          if (OLD.test(name)) assert.ok(secretName(name), name);
          if ([...name].every((ch) => ch.charCodeAt(0) < 0x80)) assert.equal(secretName(name), OLD.test(name), name);
        },
      ),
      { numRuns: 20_000, seed: 20261205 },
    );
    for (const n of ['PATH', 'HOME', 'MONKEY_X', 'PWD', 'TERM']) assert.equal(secretName(n), n === 'MONKEY_X', n);
  });

  it('environment values first (labelled), then inline credentials; values of ordinary variables stay', () => {
    const r = new Redactor({ ANTHROPIC_API_KEY: 'sk-test-fmes-SECRET123', PATH: '/usr/bin' });
    assert.equal(
      r.redact('ANTHROPIC_API_KEY=sk-test-fmes-SECRET123 claude; PGPASSWORD=pw psql /usr/bin'),
      'ANTHROPIC_API_KEY=[REDACTED:ANTHROPIC_API_KEY] claude; PGPASSWORD=*** psql /usr/bin',
    );
  });
});
