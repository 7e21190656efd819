import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  MAX_NESTING,
  MAX_SIZE,
  parseShell,
  ShellLimitError,
  type ShellParse,
} from '../../../../src/hot/safety/shellWords';
import { writtenPaths } from '../../../../src/hot/safety/bashWrites';

/** Parses, or returns the ShellLimitError; any other throw (a RangeError above all) fails the test. */
function parseOrLimit(src: string, deadline?: number): ShellParse | ShellLimitError {
  try {
    return parseShell(src, { deadline });
  } catch (e) {
    if (e instanceof ShellLimitError) return e;
    throw new Error(`threw ${(e as Error).name} on ${JSON.stringify(src.slice(0, 60))}…: ${(e as Error).message}`);
  }
}

/** For messages: a ShellLimitError's message, or a parse's outline. */
const show = (r: ShellParse | ShellLimitError): string =>
  r instanceof ShellLimitError ? `${r.reason}: ${r.message}` : `parsed, complete: ${r.complete}`;

const nest = (open: string, close: string, n: number, core = 'rm x'): string => open.repeat(n) + core + close.repeat(n);

/** Constructs that recurse, each as [open, close] around a command. */
const NESTERS: [string, string, string][] = [
  ['$(', '$(', ')'],
  ['"$(', '"$(', ')"'],
  ['(', '( ', ' )'],
  ['{ ', '{ ', '; }'],
  ['${', 'echo ${x:-', '}'],
  ['$((', 'echo $(( 1 + ', ' ))'],
  ['((', '(( a[$( ', ' )] ))'],
  ['$[', 'echo $[ 1 + ', ' ]'],
  ['<(', 'cat <(', ')'],
  ['>(', 'tee >(', ')'],
  ['a=(', 'a=(', ')'],
  ['f()', 'f() ', ''],
  ['case', 'case x in x) ', ' ;; esac'],
  ['coproc', 'coproc ', ''],
  ['time', 'time { ', '; }'],
  ['a[$(', 'a[$(', ')]=1'],
];

describe('shell parser limits: nothing but ShellLimitError, ever', () => {
  for (const [name, open, close] of NESTERS) {
    test(`${name} nested thousands deep throws 'depth'; shallow nesting parses`, () => {
      const deep = parseOrLimit(nest(open, close, 5000));
      assert.ok(deep instanceof ShellLimitError && deep.reason === 'depth', `${name}: ${show(deep)}`);
      const shallow = parseOrLimit(nest(open, close, 10));
      assert.ok(!(shallow instanceof ShellLimitError), `${name} at 10 levels: ${show(shallow)}`);
      // Right at the limit's edge, either outcome is fine, but never a stack overflow.
      for (let n = MAX_NESTING - 3; n <= MAX_NESTING + 3; n++) parseOrLimit(nest(open, close, n));
    });
  }

  test('a run of ( is one arithmetic expression, as in bash: no recursion', () => {
    const r = parseOrLimit('('.repeat(100_000) + 'rm x' + ')'.repeat(100_000));
    assert.ok(!(r instanceof ShellLimitError) && r.complete, show(r));
  });

  test('backticks nested as deep as escaping allows', () => {
    let src = 'rm x';
    for (let i = 0; i < 14 && src.length < MAX_SIZE / 2; i++) src = `echo \`${src.replace(/[\\`]/g, '\\$&')}\``;
    parseOrLimit(src);
  });

  test('heredocs inside $( ), nested', () => {
    let src = 'rm x';
    for (let i = 0; i < 3000; i++) src = `$(cat <<E${i}\n${src}\nE${i}\n)`;
    const r = parseOrLimit(src.slice(0, MAX_SIZE));
    assert.ok(r instanceof ShellLimitError, show(r));
  });

  test('mixed constructs, thousands deep', () => {
    const opens = ['$(', '"$(', '( ', '{ ', '${x:-', '$(( ', '<(', '`'];
    const closes = [')', ')"', ')', '; }', '}', ' ))', ')', '`'];
    let o = '';
    let c = '';
    for (let i = 0; i < 4000; i++) {
      const k = (i * 7) % (opens.length - 1);
      o += opens[k];
      c = closes[k] + c;
    }
    const r = parseOrLimit(o + 'rm x' + c);
    assert.ok(r instanceof ShellLimitError && r.reason === 'depth', show(r));
    // Unclosed: no closers at all.
    assert.ok(parseOrLimit(o) instanceof ShellLimitError);
  });

  test('bash -c and eval strings count as nesting too', () => {
    let src = 'rm x';
    for (let i = 0; i < 200 && src.length < MAX_SIZE; i++) src = `eval ${src.replace(/[\\ "$`();&|<>']/g, '\\$&')}`;
    parseOrLimit(src.slice(0, MAX_SIZE));
  });

  test("input past MAX_SIZE throws 'size' before any work", () => {
    const e = parseOrLimit('a'.repeat(MAX_SIZE + 1));
    assert.ok(e instanceof ShellLimitError && e.reason === 'size');
    assert.match(e.message, new RegExp(String(MAX_SIZE)));
    assert.ok(!(parseOrLimit('echo ' + 'a'.repeat(MAX_SIZE - 10)) instanceof ShellLimitError));
  });

  test("an expired deadline throws 'time'", () => {
    const e = parseOrLimit('ls', Date.now() - 1);
    assert.ok(e instanceof ShellLimitError && e.reason === 'time');
    assert.ok(ShellLimitError.is(e, 'time') && !ShellLimitError.is(e, 'depth') && !ShellLimitError.is(new Error('x')));
    // Past the deadline while running: a long input and a deadline already spent by the time the clock is read.
    const long = 'a; '.repeat(50_000);
    const mid = parseOrLimit(long, Date.now() - 1);
    assert.ok(mid instanceof ShellLimitError && mid.reason === 'time');
  });

  test('the deadline is read while parsing, not only at the start', () => {
    // A deadline that passes during the parse: Date.now is stubbed so the test does not depend on speed.
    const real = Date.now;
    let calls = 0;
    Date.now = () => (++calls > 1 ? real() + 60_000 : real());
    try {
      const e = parseOrLimit('a | '.repeat(20_000) + 'b', real() + 1_000);
      assert.ok(e instanceof ShellLimitError && e.reason === 'time', show(e));
      assert.ok(calls > 1);
    } finally {
      Date.now = real;
    }
  });

  test('40,000 pipes and 100,000 commands parse within a 5 s deadline (linear work)', () => {
    const pipes = parseOrLimit('a | '.repeat(40_000) + 'b', Date.now() + 5_000);
    assert.ok(!(pipes instanceof ShellLimitError), show(pipes));
    assert.equal(pipes.commands.length, 40_001);
    assert.equal(pipes.commands[3].pipedFrom.length, 3);
    assert.equal(pipes.commands[40_000].pipedFrom[39_999], pipes.commands[39_999]);
    const seq = parseOrLimit('a;'.repeat(100_000), Date.now() + 5_000);
    assert.ok(!(seq instanceof ShellLimitError), show(seq));
    assert.equal(seq.commands.length, 100_000);
  });

  test('inputs that would make a backtracking regex quadratic stay linear', () => {
    for (const src of [
      'echo ' + '['.repeat(200_000),
      'echo {' + ','.repeat(200_000),
      'echo ' + '{a'.repeat(100_000),
      'rm ' + 'x '.repeat(120_000),
    ]) {
      const r = parseOrLimit(src, Date.now() + 5_000);
      assert.ok(!(r instanceof ShellLimitError), `${src.slice(0, 10)}: ${show(r)}`);
    }
    // Many operands: no `push(...huge)` on the way to the written paths.
    assert.equal(writtenPaths('rm -- ' + 'x '.repeat(120_000)).paths.length, 1);
  });

  test("$'\\U…' past U+10FFFF does not throw", () => {
    const r = parseOrLimit("echo $'\\UFFFFFFFF' $'\\U0010FFFF'");
    assert.ok(!(r instanceof ShellLimitError));
    assert.equal(r.commands[0].argv[2], '\u{10FFFF}');
  });

  test('property: random shell-ish text throws nothing but ShellLimitError', () => {
    const unit = fc.oneof(
      fc.constantFrom(...'a $(){}[]`\'"\\;&|<>#\n=-c!*?~'.split('')),
      fc.constantFrom(
        '$(',
        '$((',
        '((',
        '$[',
        '${',
        '<<',
        '<<-',
        'EOF',
        'case ',
        ' in ',
        'esac',
        ';;',
        'coproc ',
        'time ',
        'for ',
        'do ',
        'done',
        '<(',
        "$'\\U",
        'bash -c ',
        'eval ',
        'f()',
        'a[',
        ']=',
      ),
    );
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 60 }), (units) => {
        const src = units.join('');
        const r = parseOrLimit(src);
        if (!(r instanceof ShellLimitError)) assert.equal(typeof r.complete, 'boolean');
        writtenPaths(src);
      }),
      { numRuns: 3000 },
    );
  });

  test('property: deep random nesting throws nothing but ShellLimitError', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat(NESTERS.length - 1), { minLength: 50, maxLength: 400 }),
        fc.boolean(),
        (ks, closed) => {
          let src = 'rm x';
          for (const k of ks) src = NESTERS[k][1] + src + (closed ? NESTERS[k][2] : '');
          parseOrLimit(src);
        },
      ),
      { numRuns: 200 },
    );
  });
});
