import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { commandLines, commandsInMarkdown, terraformDestruction } from '../../../../src/core/orchestrator/planCommands';

test('commandsInMarkdown: which parts of a body are commands', () => {
  const cases: Array<[name: string, body: string, expected: Array<[string, 'shell' | 'code']>]> = [
    ['bash block', '```bash\nnpm ci\nnpm test\n```', [['npm ci\nnpm test', 'shell']]],
    ['unlabelled block', '```\nmake\n```', [['make', 'code']]],
    ['tilde fence and {.sh}', '~~~{.sh}\nls\n~~~', [['ls', 'shell']]],
    ['other language skipped, inline inside it too', '```ts\nconst x = `rm -rf /`;\n```', []],
    [
      'session block: prompts only',
      '```console\n$ npm test\nok 1\n$ git status\n```',
      [
        ['npm test', 'shell'],
        ['git status', 'shell'],
      ],
    ],
    ['bash block with prompts: prompts only', '```bash\n$ make\noutput\n```', [['make', 'shell']]],
    ['prompt line', 'Run\n  $ make deploy\n', [['make deploy', 'shell']]],
    [
      'inline spans',
      'Use `a` and ``b ` c`` here.',
      [
        ['a', 'code'],
        ['b ` c', 'code'],
      ],
    ],
    ['unclosed fence runs to the end', '```sh\nls\n', [['ls', 'shell']]],
    [
      'a longer closing fence closes; a shorter does not',
      '````sh\nA\n```\nB\n`````\nafter `x`',
      [
        ['A\n```\nB', 'shell'],
        ['x', 'code'],
      ],
    ],
    ['empty block ignored', '```sh\n\n```', []],
    ['CRLF', '```sh\r\nls\r\n```\r\n', [['ls', 'shell']]],
  ];
  for (const [name, body, expected] of cases) {
    assert.deepEqual(
      commandsInMarkdown(body).map((c) => [c.text, c.source]),
      expected,
      name,
    );
  }
});

test('commandLines joins continuations and drops blanks and comments', () => {
  assert.deepEqual(commandLines('# setup\nterraform init \\\n  -upgrade\n\n  terraform plan\n'), [
    'terraform init    -upgrade',
    'terraform plan',
  ]);
});

test('terraformDestruction', () => {
  const out = terraformDestruction(
    [
      '  # aws_instance.web will be destroyed',
      '  # module.db.aws_db_instance.main["a b"] must be replaced',
      '  # aws_instance.api will be replaced, as requested',
      '  # aws_instance.web will be destroyed',
      '  # aws_s3_bucket.ok will be created',
      'Plan: 2 to add, 0 to change, 3 to destroy.',
      'Plan: 1 to add, 0 to change, 0 to destroy.',
    ].join('\n'),
  );
  assert.deepEqual(out, {
    destroyCounts: [3],
    destroyed: ['aws_instance.web'],
    replaced: ['module.db.aws_db_instance.main["a b"]', 'aws_instance.api'],
  });
});

test('property: never throws, and every command comes from the body', () => {
  const piece = fc.oneof(
    fc.string(),
    fc.constantFrom('```', '```sh', '~~~', '$ ', '`', '\n', '\r\n', 'Plan: 1 to add, 0 to change, 1 to destroy.'),
  );
  fc.assert(
    fc.property(
      fc.array(piece, { maxLength: 20 }).map((p) => p.join('')),
      (body) => {
        for (const c of commandsInMarkdown(body)) {
          for (const line of c.text.split('\n')) assert.ok(body.includes(line), JSON.stringify(line));
        }
        terraformDestruction(body);
      },
    ),
    { numRuns: 500 },
  );
});
