/**
 * The real agent CLIs (Claude Code, Gemini CLI, Codex from node_modules/.bin) against the fake model API, offline,
 * each in a scratch git repo with a scratch HOME. No F-MES code: this pins down what the CLIs do, so F-MES's own
 * agent tests can rely on the fake. Run: node --import tsx --test test/agents/fakeModelApi.agent.test.ts
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import {
  codexProviderArgs,
  FAKE_API_KEY,
  hermeticEnv,
  makeScratch,
  runCli,
  startCli,
  toolProcesses,
  type AgentCli,
  type CliResult,
  type ProcessInfo,
  type Scratch,
} from './cliEnv';
import { startFakeModelApi, type FakeModelApi } from './fakeModelApi';

const CLAUDE_ARGS = ['--output-format', 'stream-json', '--verbose', '--dangerously-skip-permissions'];
const GEMINI_ARGS = ['-o', 'stream-json', '--yolo'];
/** A failing API must end a run well within this. */
const ERROR_BOUND_MS = 20_000;

let fake: FakeModelApi;
let scratch: Scratch;

beforeEach(async () => {
  fake = await startFakeModelApi();
  scratch = await makeScratch();
});

afterEach(async () => {
  await fake.close();
  await scratch.cleanup();
});

function run(cli: AgentCli, args: string[], timeoutMs = 45_000): Promise<CliResult> {
  const full =
    cli === 'codex'
      ? [
          'exec',
          '--json',
          '--dangerously-bypass-approvals-and-sandbox',
          '--skip-git-repo-check',
          ...codexProviderArgs(fake),
          ...args,
        ]
      : args;
  return runCli(cli, full, { cwd: scratch.dir, env: hermeticEnv(cli, fake, scratch), timeoutMs });
}

function claude(prompt: string, ...extra: string[]): Promise<CliResult> {
  return run('claude', ['-p', prompt, ...CLAUDE_ARGS, ...extra]);
}

function gemini(prompt: string): Promise<CliResult> {
  return run('gemini', [...GEMINI_ARGS, '-p', prompt]);
}

function codex(prompt: string): Promise<CliResult> {
  return run('codex', [prompt]);
}

function show(r: CliResult): string {
  return `exit ${String(r.code)} signal ${String(r.signal)} timedOut ${String(r.timedOut)} after ${r.ms} ms\n--- stdout\n${r.stdout.slice(-4000)}\n--- stderr\n${r.stderr.slice(-4000)}`;
}

function last(r: CliResult): Record<string, unknown> {
  const event = r.events.at(-1);
  assert.ok(event, `no JSON event on stdout\n${show(r)}`);
  return event;
}

function readRepoFile(name: string): string {
  return readFileSync(path.join(scratch.dir, name), 'utf8');
}

/** Offline means offline: nothing tried to reach another host, and the key did not leak into the output. */
function assertHermetic(r: CliResult): void {
  assert.deepEqual(fake.strayConnections, [], 'a CLI tried to reach a host other than the fake');
  assert.ok(!r.stdout.includes(FAKE_API_KEY), 'the API key appears on stdout');
}

describe('fake model API over HTTP', () => {
  async function post(pathname: string, body: unknown): Promise<{ status: number; text: string }> {
    const data = JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = http.request(
        `${fake.url}${pathname}`,
        { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } },
        (res) => {
          let text = '';
          res.on('data', (d: Buffer) => (text += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      req.end(data);
    });
  }

  const tools = [{ name: 'Bash', input_schema: { type: 'object' } }];

  test('the reply depends on the conversation, not on a request counter', async () => {
    const ask = {
      model: 'claude-x',
      stream: false,
      tools,
      messages: [{ role: 'user', content: 'FAKE:bash echo one' }],
    };
    const first = JSON.parse((await post('/v1/messages', ask)).text);
    const again = JSON.parse((await post('/v1/messages', ask)).text);
    assert.equal(first.stop_reason, 'tool_use');
    assert.equal(again.stop_reason, 'tool_use', 'the same conversation asked twice gets the same kind of answer');
    assert.deepEqual(first.content[1].input, { command: 'echo one', description: 'Run the requested command' });
    assert.equal(first.model, 'claude-x', 'keeps the model the request asked for');
    const answered = {
      ...ask,
      messages: [
        ...ask.messages,
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: first.content[1].id, content: 'one' }] },
      ],
    };
    const done = JSON.parse((await post('/v1/messages?beta=true', answered)).text);
    assert.equal(done.stop_reason, 'end_turn');
    assert.equal(done.content[0].text, 'Done. Tool result was: "one"');
    assert.deepEqual(
      fake.requests.map((r) => [r.provider, r.scenario?.kind]),
      [
        ['anthropic', 'bash'],
        ['anthropic', 'bash'],
        ['anthropic', 'bash'],
      ],
    );
  });

  test('SSE framing: every event is one data line ended by a blank line', async () => {
    const r = await post('/v1/messages', {
      model: 'm',
      stream: true,
      tools,
      messages: [{ role: 'user', content: 'FAKE:forever' }],
    });
    const blocks = r.text.split('\n\n').filter(Boolean);
    const names = blocks.map((b) => /^event: (\S+)\ndata: \{.*\}$/s.exec(b)?.[1]);
    assert.ok(!names.includes(undefined), r.text);
    assert.equal(names[0], 'message_start');
    assert.equal(names.at(-1), 'message_stop');
    assert.ok(r.text.endsWith('\n\n'));
  });

  test('errors are provider-shaped', async () => {
    const anthropic = await post('/v1/messages', {
      model: 'm',
      tools,
      messages: [{ role: 'user', content: 'FAKE:error 529' }],
    });
    assert.equal(anthropic.status, 529);
    assert.equal(JSON.parse(anthropic.text).error.type, 'overloaded_error');
    const gem = await post('/v1beta/models/g:streamGenerateContent?alt=sse', {
      contents: [{ role: 'user', parts: [{ text: 'FAKE:error 500' }] }],
      tools: [{ functionDeclarations: [{ name: 'run_shell_command' }] }],
    });
    assert.equal(gem.status, 500);
    assert.equal(JSON.parse(gem.text).error.status, 'INTERNAL');
    const openai = await post('/v1/responses', {
      model: 'gpt',
      input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'FAKE:error 503' }] }],
      tools: [{ type: 'function', name: 'shell' }],
    });
    assert.equal(openai.status, 503);
    assert.equal(JSON.parse(openai.text).error.type, 'server_error');
  });
  test('Gemini: a request for JSON gets schema-shaped JSON (the router); tools get a functionCall', async () => {
    const router = await post('/v1beta/models/flash-lite:generateContent', {
      contents: [{ role: 'user', parts: [{ text: 'FAKE:write a.txt' }] }],
      generationConfig: {
        responseMimeType: 'application/json',
        responseJsonSchema: {
          type: 'OBJECT',
          properties: {
            complexity_reasoning: { type: 'STRING' },
            complexity_score: { type: 'INTEGER' },
            choice: { type: 'STRING', enum: ['model', 'user'] },
          },
        },
      },
    });
    const generated = JSON.parse(router.text) as { candidates: { content: { parts: { text: string }[] } }[] };
    const answer: unknown = JSON.parse(generated.candidates[0].content.parts[0].text);
    assert.deepEqual(answer, { complexity_reasoning: 'fake', complexity_score: 1, choice: 'user' });
    const stream = await post('/v1beta/models/g:streamGenerateContent?alt=sse', {
      contents: [
        { role: 'user', parts: [{ text: 'Workspace Directories:**\n  - /w\n' }, { text: 'FAKE:write a.txt' }] },
      ],
      tools: [{ functionDeclarations: [{ name: 'write_file' }, { name: 'run_shell_command' }] }],
    });
    const chunk = JSON.parse(stream.text.split('\n\n')[0].replace(/^data: /, '')) as {
      candidates: { content: { parts: { functionCall: unknown }[] } }[];
      usageMetadata: { promptTokenCount: number };
    };
    assert.deepEqual(chunk.candidates[0].content.parts[0].functionCall, {
      name: 'write_file',
      args: { file_path: '/w/a.txt', content: 'hello from fake model\n' },
    });
    assert.equal(chunk.usageMetadata.promptTokenCount, 1000);
  });

  test('OpenAI: tools offered in additional_tools (Codex 0.169) get an exec_command call', async () => {
    const r = await post('/v1/responses', {
      model: 'gpt-x',
      stream: true,
      input: [
        {
          type: 'additional_tools',
          tools: [{ type: 'namespace', name: 'functions', tools: [{ type: 'custom', name: 'exec' }] }],
        },
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'FAKE:bash echo hi' }] },
      ],
    });
    type Event = {
      type: string;
      item?: { type: string; name: string; arguments: string };
      response?: { usage: { input_tokens: number } };
    };
    const events = r.text
      .split('\n\n')
      .filter(Boolean)
      .map((b) => JSON.parse((b.split('\n')[1] ?? '').replace(/^data: /, '')) as Event);
    const item = events.find((e) => e.type === 'response.output_item.done')?.item;
    assert.ok(item);
    assert.equal(item.type, 'function_call');
    assert.equal(item.name, 'exec_command');
    assert.deepEqual(JSON.parse(item.arguments), { cmd: 'echo hi' });
    assert.equal(events.at(-1)?.type, 'response.completed');
    assert.equal(events.at(-1)?.response?.usage.input_tokens, 1000);
  });

  test('delayMs holds each model reply back; a proxy request to another host is refused and recorded', async () => {
    const slow = await startFakeModelApi({ delayMs: 300 });
    try {
      const t0 = Date.now();
      const res = await fetch(`${slow.url}/v1/messages`, {
        method: 'POST',
        body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }),
      });
      assert.equal(res.status, 200);
      await res.text();
      assert.ok(Date.now() - t0 >= 290, `answered after ${Date.now() - t0} ms`);
    } finally {
      await slow.close();
    }
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port: fake.port, path: 'http://example.invalid/x', method: 'GET' },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
    assert.equal(status, 403);
    assert.deepEqual(fake.strayConnections, ['example.invalid']);
  });
});

describe('Claude Code against the fake', () => {
  test('FAKE:write writes the file through the Write tool and the run succeeds with a cost', async () => {
    const r = await claude('FAKE:write hello.txt', '--max-turns', '5');
    assert.equal(r.code, 0, show(r));
    assert.equal(readRepoFile('hello.txt'), 'hello from fake model\n');
    const init = r.events[0];
    assert.ok(init, show(r));
    assert.equal(init.type, 'system');
    assert.equal(init.cwd, scratch.dir);
    const result = last(r);
    assert.equal(result.type, 'result');
    assert.equal(result.subtype, 'success');
    assert.equal(result.is_error, false);
    assert.equal(result.num_turns, 2);
    assert.ok((result.total_cost_usd as number) > 0, `total_cost_usd ${String(result.total_cost_usd)}`);
    assert.match(String(result.result), /^Done\. Tool result was: "File created successfully at: .*hello\.txt/);
    const write = fake.requests.find((q) => q.scenario?.kind === 'write');
    assert.ok(write);
    assert.equal(write.path, '/v1/messages?beta=true');
    assert.equal(fake.requests.filter((q) => q.path.startsWith('/v1/messages')).length, 2, 'one request per turn');
    assertHermetic(r);
  });

  test('FAKE:forever with --max-turns 2 ends with error_max_turns, exit 1', async () => {
    const r = await claude('FAKE:forever', '--max-turns', '2');
    assert.equal(r.code, 1, show(r));
    const result = last(r);
    assert.equal(result.subtype, 'error_max_turns');
    assert.equal(result.is_error, true);
    assert.equal(result.terminal_reason, 'max_turns');
    const ticks = r.events.filter((e) => e.type === 'user').length;
    assert.equal(ticks, 2, 'two tool results before the limit');
  });

  test('FAKE:huge with --max-budget-usd ends with error_max_budget_usd', async () => {
    const r = await claude('FAKE:huge', '--max-turns', '10', '--max-budget-usd', '1');
    assert.equal(r.code, 1, show(r));
    const result = last(r);
    assert.equal(result.subtype, 'error_max_budget_usd');
    assert.equal(result.is_error, true);
    assert.ok((result.total_cost_usd as number) >= 1, 'the cost may overshoot the budget, never stay under it');
  });

  test('FAKE:error 529 is an api_error result, is_error true, fast (no retries)', async () => {
    const r = await claude('FAKE:error 529', '--max-turns', '2');
    assert.equal(r.code, 1, show(r));
    assert.ok(r.ms < ERROR_BOUND_MS, `took ${r.ms} ms`);
    const result = last(r);
    assert.equal(result.is_error, true);
    assert.equal(result.subtype, 'success', 'an API failure still says success: check is_error');
    assert.equal(result.terminal_reason, 'api_error');
    assert.equal(result.api_error_status, 529);
    assert.equal(
      fake.requests.filter((q) => q.scenario?.kind === 'error').length,
      1,
      'CLAUDE_CODE_MAX_RETRIES=0: one attempt',
    );
  });

  test('FAKE:error 500 fails without hanging', async () => {
    const r = await claude('FAKE:error 500', '--max-turns', '2');
    assert.equal(r.code, 1, show(r));
    assert.ok(r.ms < ERROR_BOUND_MS, `took ${r.ms} ms`);
    assert.equal(last(r).api_error_status, 500);
  });

  test('-r keeps the session id and total_cost_usd is cumulative over the session', async () => {
    const id = randomUUID();
    const first = await claude('FAKE:text', '--session-id', id);
    assert.equal(first.code, 0, show(first));
    const second = await claude('FAKE:text and again', '-r', id);
    assert.equal(second.code, 0, show(second));
    const [a, b] = [last(first), last(second)];
    assert.equal(a.session_id, id);
    assert.equal(b.session_id, id);
    assert.ok((a.total_cost_usd as number) > 0);
    assert.ok(
      (b.total_cost_usd as number) > (a.total_cost_usd as number),
      `first ${String(a.total_cost_usd)}, second ${String(b.total_cost_usd)}`,
    );
    const resumed = fake.requests.at(-1)!.body as { messages: { role: string }[] };
    assert.ok(
      resumed.messages.filter((m) => m.role === 'user').length >= 2,
      'the resumed request carries the first conversation',
    );
    const projects = path.join(scratch.home, '.claude', 'projects');
    const transcripts = readdirSync(projects).flatMap((d) => readdirSync(path.join(projects, d)));
    assert.ok(transcripts.includes(`${id}.jsonl`), transcripts.join(', '));
  });

  test('-r with an unknown session id fails at once: exit 1, error_during_execution, no API call', async () => {
    const id = randomUUID();
    const r = await claude('FAKE:text', '-r', id);
    assert.equal(r.code, 1, show(r));
    assert.equal(r.stderr.trim(), `No conversation found with session ID: ${id}`);
    assert.equal(r.events.length, 1, 'only a result line, no system/init');
    const result = last(r);
    assert.equal(result.subtype, 'error_during_execution');
    assert.equal(result.is_error, true);
    assert.deepEqual(result.errors, [`No conversation found with session ID: ${id}`]);
    assert.equal(fake.requests.length, 0);
  });
});

describe('Gemini CLI against the fake', () => {
  test('FAKE:bash runs the command through run_shell_command; the result is success', async () => {
    const r = await gemini('FAKE:bash echo hi > gemini-made.txt');
    assert.equal(r.code, 0, show(r));
    assert.equal(readRepoFile('gemini-made.txt'), 'hi\n');
    const tool = r.events.find((e) => e.type === 'tool_use');
    assert.equal(tool?.tool_name, 'run_shell_command');
    const result = last(r);
    assert.equal(result.type, 'result');
    assert.equal(result.status, 'success');
    const text = r.events
      .filter((e) => e.type === 'message' && e.role === 'assistant')
      .map((e) => String(e.content))
      .join('');
    assert.match(text, /^Done\. Tool result was: /);
    assert.ok(
      fake.requests.some((q) => q.path.includes(':generateContent')),
      'the router asked first',
    );
    assert.ok(fake.requests.some((q) => q.path.includes(':streamGenerateContent?alt=sse')));
    assertHermetic(r);
  });

  test('FAKE:write writes the file through write_file', async () => {
    const r = await gemini('FAKE:write sub/gemini-hello.txt');
    assert.equal(r.code, 0, show(r));
    assert.equal(readRepoFile('sub/gemini-hello.txt'), 'hello from fake model\n');
    assert.equal(r.events.find((e) => e.type === 'tool_use')?.tool_name, 'write_file');
  });

  test('FAKE:error 500 fails without hanging', async () => {
    const r = await gemini('FAKE:error 500');
    assert.notEqual(r.code, 0, show(r));
    assert.ok(!r.timedOut && r.ms < ERROR_BOUND_MS, `took ${r.ms} ms`);
    const result = last(r);
    assert.equal(result.type, 'result');
    assert.equal(result.status, 'error');
    assert.match(JSON.stringify(result.error), /fake 500 from fake server/);
  });
});

describe('Codex against the fake', () => {
  test('FAKE:bash runs the command; turn.completed reports usage', async () => {
    const r = await codex('FAKE:bash echo hi > codex-made.txt');
    assert.equal(r.code, 0, show(r));
    assert.equal(readRepoFile('codex-made.txt'), 'hi\n');
    const command = r.events.find(
      (e) => e.type === 'item.completed' && (e.item as { type: string }).type === 'command_execution',
    );
    assert.ok(command, show(r));
    assert.match(String((command.item as { command: string }).command), /echo hi > codex-made\.txt/);
    const message = r.events.find(
      (e) => e.type === 'item.completed' && (e.item as { type: string }).type === 'agent_message',
    );
    assert.match(String((message?.item as { text?: string } | undefined)?.text), /^Done\. Tool result was: /);
    const done = last(r);
    assert.equal(done.type, 'turn.completed');
    assert.deepEqual(done.usage, {
      input_tokens: 2000,
      cached_input_tokens: 0,
      cache_write_input_tokens: 0,
      output_tokens: 100,
      reasoning_output_tokens: 0,
    });
    assert.ok(fake.requests.every((q) => q.provider === 'openai' && q.path === '/v1/responses'));
    assertHermetic(r);
  });

  test('FAKE:write writes the file with apply_patch', async () => {
    const r = await codex('FAKE:write codex-hello.txt');
    assert.equal(r.code, 0, show(r));
    assert.equal(readRepoFile('codex-hello.txt'), 'hello from fake model\n');
  });

  test('FAKE:error 500 fails without hanging: turn.failed, exit 1', async () => {
    const r = await codex('FAKE:error 500');
    assert.equal(r.code, 1, show(r));
    assert.ok(r.ms < ERROR_BOUND_MS, `took ${r.ms} ms`);
    assert.equal(last(r).type, 'turn.failed');
    assert.ok(r.events.some((e) => e.type === 'error'));
    assert.equal(fake.requests.length, 1, 'request_max_retries=0: one attempt');
    assert.ok(!existsSync(path.join(scratch.dir, 'codex-made.txt')));
  });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('tool processes of each CLI', () => {
  const sleepArgs = (cli: AgentCli, prompt: string): string[] =>
    cli === 'claude'
      ? ['-p', prompt, ...CLAUDE_ARGS, '--max-turns', '3']
      : cli === 'gemini'
        ? [...GEMINI_ARGS, '-p', prompt]
        : [
            'exec',
            '--json',
            '--dangerously-bypass-approvals-and-sandbox',
            '--skip-git-repo-check',
            ...codexProviderArgs(fake),
            prompt,
          ];

  for (const cli of ['claude', 'gemini', 'codex'] as const) {
    test(`${cli}: FAKE:sleep runs a findable shell in its own process group, which outlives a kill of the CLI's group`, async () => {
      const marker = `fmes-marker-${randomUUID().slice(0, 8)}`;
      const running = startCli(cli, sleepArgs(cli, `FAKE:sleep 30 ${marker}`), {
        cwd: scratch.dir,
        env: hermeticEnv(cli, fake, scratch),
        timeoutMs: 45_000,
      });
      let tool: ProcessInfo[] = [];
      try {
        for (let i = 0; i < 200 && !tool.some((p) => p.args.startsWith('sleep')); i++) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          tool = toolProcesses(marker);
        }
        assert.ok(
          tool.some((p) => p.args.startsWith('sleep 30')),
          `no sleep under the marked shell: ${JSON.stringify(tool)}`,
        );
        assert.ok(
          tool.every((p) => p.pgid !== running.child.pid),
          'each CLI starts its shell tool in a process group of its own: a kill of the CLI group misses it',
        );
        running.kill();
        const r = await running.result;
        assert.equal(r.signal, 'SIGKILL');
        await new Promise((resolve) => setTimeout(resolve, 200));
        assert.ok(
          tool.some((p) => alive(p.pid)),
          'the tool is orphaned, not killed, when only the CLI group is killed',
        );
      } finally {
        running.kill();
        // Only the processes this test started, by pid (an orphaned sleep no longer descends from the marked shell).
        for (const p of [...tool, ...toolProcesses(marker)]) {
          try {
            process.kill(p.pid, 'SIGKILL');
          } catch {
            // Already gone.
          }
        }
      }
    });
  }
});
