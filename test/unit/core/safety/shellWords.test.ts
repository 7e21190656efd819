import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseShell, programName, ShellLimitError, type SimpleCommand } from '../../../../src/hot/safety/shellWords';

const argvs = (src: string): string[][] => parseShell(src).commands.map((c) => c.argv);
const only = (src: string): SimpleCommand => {
  const { commands, complete } = parseShell(src);
  assert.ok(complete, `incomplete: ${src}`);
  assert.equal(commands.length, 1, JSON.stringify(commands.map((c) => c.argv)));
  return commands[0];
};

/** Quoting as a careful script generator would: plain when safe, else '…', "…" or $'…'. */
function singleQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}
function doubleQuote(s: string): string {
  return `"${s.replace(/[\\$`"]/g, '\\$&')}"`;
}
function ansiQuote(s: string): string {
  return `$'${[...s].map((ch) => (/[A-Za-z0-9 ]/.test(ch) ? ch : `\\u${ch.codePointAt(0)!.toString(16).padStart(4, '0')}`)).join('')}'`;
}
function plainQuote(s: string): string {
  return /^[A-Za-z0-9_@%+:,./-]+$/.test(s) ? s : singleQuote(s);
}
const QUOTERS = [plainQuote, singleQuote, doubleQuote, ansiQuote];

describe('shellWords: words and quoting', () => {
  test("quotes, escapes and $'…' are removed", () => {
    assert.deepEqual(only(`echo 'a b' "c \\"d\\" \\$e" f\\ g $'h\\ti\\x41\\101\\u00e9' r''m`).argv, [
      'echo',
      'a b',
      'c "d" $e',
      'f g',
      'h\tiAAé',
      'rm',
    ]);
    assert.deepEqual(only('echo "a\\qb" \'x\\y\'').argv, ['echo', 'a\\qb', 'x\\y']);
  });

  test('line continuations join words; comments end the command', () => {
    assert.deepEqual(only('rm -rf \\\n  build # rm -rf /').argv, ['rm', '-rf', 'build']);
    assert.deepEqual(only('echo a#b').argv, ['echo', 'a#b']);
    assert.deepEqual(only('echo "multi\nline"').argv, ['echo', 'multi\nline']);
  });

  test('expansions stay as written and are marked dynamic', () => {
    const c = only('echo $HOME "${X:-y}" *.ts plain "*.ts" ~/x');
    assert.deepEqual(c.argv, ['echo', '$HOME', '${X:-y}', '*.ts', 'plain', '*.ts', '~/x']);
    assert.deepEqual(c.dynamic, [false, true, true, true, false, false, false]);
  });

  test('env prefixes, and `=` later is an argument', () => {
    const c = only('FOO=1 BAR="a b" X+=2 cmd K=v');
    assert.deepEqual(c.env, { FOO: '1', BAR: 'a b', X: '2' });
    assert.deepEqual(c.argv, ['cmd', 'K=v']);
    assert.deepEqual(only('"A=1" cmd').argv, ['A=1', 'cmd']);
  });

  test('property: any argv quoted with any standard quoting parses back to itself', () => {
    const arg = fc.string({ unit: fc.constantFrom(...'ab c\'"\\$`!*?[]{}();&|<>#~=\t\n-/é'.split('')), maxLength: 12 });
    fc.assert(
      fc.property(fc.array(fc.tuple(arg, fc.nat(3)), { maxLength: 6 }), (args) => {
        const src = ['cmd', ...args.map(([a, q]) => QUOTERS[q](a))].join(' ');
        const { commands, complete } = parseShell(src);
        assert.ok(complete, src);
        assert.equal(commands.length, 1, src);
        assert.deepEqual(commands[0].argv, ['cmd', ...args.map(([a]) => a)], src);
        assert.ok(
          commands[0].dynamic.every((d) => !d),
          src,
        );
      }),
      { numRuns: 2000 },
    );
  });

  test('property: never throws, and always terminates, on arbitrary text', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...'a $(){}[]`\'"\\;&|<>#\n=-c'.split('')), maxLength: 40 }),
        (s) => {
          const r = parseShell(s);
          assert.equal(typeof r.complete, 'boolean');
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('shellWords: structure', () => {
  test('chains, pipelines, background, newlines', () => {
    assert.deepEqual(argvs('a && b || c; d | e & f\ng |& h'), [['a'], ['b'], ['c'], ['d'], ['e'], ['f'], ['g'], ['h']]);
    const [, second, third] = parseShell('curl x | tee f | sh').commands;
    assert.deepEqual(
      second.pipedFrom.map((c) => c.argv[0]),
      ['curl'],
    );
    assert.deepEqual(
      third.pipedFrom.map((c) => c.argv[0]),
      ['curl', 'tee'],
    );
    assert.deepEqual(parseShell('a; b').commands[1].pipedFrom, []);
  });

  test('subshells, groups, control flow and case', () => {
    assert.deepEqual(argvs('(cd x && rm a) ; { rm b; }'), [
      ['cd', 'x'],
      ['rm', 'a'],
      ['rm', 'b'],
    ]);
    assert.deepEqual(argvs('if [ -f x ]; then rm x; elif true; then :; else echo no; fi'), [
      ['[', '-f', 'x', ']'],
      ['rm', 'x'],
      ['true'],
      [':'],
      ['echo', 'no'],
    ]);
    assert.deepEqual(argvs('for f in $(ls); do rm "$f"; done'), [['ls'], ['rm', '$f']]);
    assert.deepEqual(argvs('while read l; do echo "$l"; done < in.txt'), [['read', 'l'], ['echo', '$l'], []]);
    assert.deepEqual(argvs('case "$1" in a|b) rm -rf x ;; (c) echo c;; *) ;; esac; echo after'), [
      ['rm', '-rf', 'x'],
      ['echo', 'c'],
      ['echo', 'after'],
    ]);
    assert.deepEqual(argvs('[[ $a > b && -n "$(whoami)" ]] && echo ok'), [['whoami'], ['echo', 'ok']]);
    assert.deepEqual(argvs('(( i > 2 )) && echo big'), [['echo', 'big']]);
  });

  test('redirections: fds, duplication, &>, here-strings', () => {
    const c = only('cmd <in 2>err >>log &>all 2>&1 >|clob 3<>rw <<<"word"');
    assert.deepEqual(
      c.redirects.map((r) => [r.op, r.fd, r.target]),
      [
        ['<', undefined, 'in'],
        ['>', 2, 'err'],
        ['>>', undefined, 'log'],
        ['&>', undefined, 'all'],
        ['>&', 2, '1'],
        ['>|', undefined, 'clob'],
        ['<>', 3, 'rw'],
        ['<<<', undefined, 'word'],
      ],
    );
    assert.deepEqual(only('echo 2 > x').argv, ['echo', '2']);
    assert.deepEqual(only('> empty.txt').argv, []);
  });

  test('heredocs: body kept, not parsed as commands; unquoted bodies run their $( )', () => {
    const p = parseShell("cat <<'EOF' > out\nrm -rf /\nEOF\necho next");
    assert.ok(p.complete);
    assert.deepEqual(
      p.commands.map((c) => c.argv),
      [['cat'], ['echo', 'next']],
    );
    assert.equal(p.commands[0].redirects[0].body, 'rm -rf /\n');
    assert.deepEqual(argvs('cat <<EOF\nhello $(whoami)\nEOF'), [['cat'], ['whoami']]);
    assert.equal(parseShell('cat <<-EOF\n\tindented\n\tEOF\n').commands[0].redirects[0].body, 'indented\n');
    const two = parseShell('a <<X; b <<Y\nx body\nX\ny body\nY\nc');
    assert.deepEqual(
      two.commands.map((c) => [c.argv[0], c.redirects[0]?.body]),
      [
        ['a', 'x body\n'],
        ['b', 'y body\n'],
        ['c', undefined],
      ],
    );
  });

  test('git commit -m "$(cat <<\'EOF\' … EOF)", as Claude Code writes it', () => {
    const p = parseShell("git commit -m \"$(cat <<'EOF'\nfix: a (b)\n\nbody with ) and '\nEOF\n)\" && git push");
    assert.ok(p.complete);
    assert.deepEqual(
      p.commands.map((c) => c.argv[0]),
      ['cat', 'git', 'git'],
    );
    assert.deepEqual(p.commands[1].argv.slice(0, 3), ['git', 'commit', '-m']);
  });

  test('command substitution: $( ), backticks, nested, inside ${ }', () => {
    assert.deepEqual(argvs('echo $(a $(b) `c`) "$(d)" ${x:-$(e)} <(f) >(g)'), [
      ['b'],
      ['c'],
      ['a', '$(b)', '`c`'],
      ['d'],
      ['e'],
      ['f'],
      ['g'],
      ['echo', '$(a $(b) `c`)', '$(d)', '${x:-$(e)}', '<(f)', '>(g)'],
    ]);
    assert.deepEqual(argvs('echo `echo \\`inner\\``'), [
      ['inner'],
      ['echo', '`inner`'],
      ['echo', '`echo \\`inner\\``'],
    ]);
    assert.deepEqual(argvs('x=$(( (1+2) * 3 )); echo $x'), [[], ['echo', '$x']]);
  });

  test('functions: body commands carry the function name', () => {
    const p = parseShell('f() { g | f & }; function h { rm x; }; f');
    assert.deepEqual(
      p.commands.map((c) => [c.argv[0], c.inFunction]),
      [
        ['g', 'f'],
        ['f', 'f'],
        ['rm', 'h'],
        ['f', undefined],
      ],
    );
  });

  test('the text of each command is its own source', () => {
    assert.deepEqual(
      parseShell('FOO=1 sudo rm -rf x  &&  echo "a b" # c').commands.map((c) => c.text),
      ['FOO=1 sudo rm -rf x', 'echo "a b"'],
    );
  });
});

describe('shellWords: wrappers', () => {
  const cases: [string, string[], string[]][] = [
    ['sudo -u deploy -E rm -rf x', ['rm', '-rf', 'x'], ['sudo']],
    ['sudo -Eu root --preserve-env=X FOO=1 rm x', ['rm', 'x'], ['sudo']],
    ['env -i -u HOME X=1 Y=2 rm x', ['rm', 'x'], ['env']],
    ["env -S 'rm -rf' x", ['rm', '-rf', 'x'], ['env']],
    ['nohup rm x', ['rm', 'x'], ['nohup']],
    ['time -p rm x', ['rm', 'x'], ['time']],
    ['timeout -s KILL 5 rm x', ['rm', 'x'], ['timeout']],
    ['timeout --kill-after=1 5s rm x', ['rm', 'x'], ['timeout']],
    ['nice -n 5 ionice -c 3 stdbuf -oL rm x', ['rm', 'x'], ['nice', 'ionice', 'stdbuf']],
    ['nice -10 rm x', ['rm', 'x'], ['nice']],
    ['command rm x', ['rm', 'x'], ['command']],
    ['exec rm x', ['rm', 'x'], ['exec']],
    ['builtin echo x', ['echo', 'x'], ['builtin']],
    ['xargs -0 -n 1 -I{} rm {}', ['rm', '{}'], ['xargs']],
    ['xargs', ['echo'], ['xargs']],
    ['busybox rm x', ['rm', 'x'], ['busybox']],
    ['docker exec -it -u root db psql -c q', ['psql', '-c', 'q'], ['docker exec']],
    ['docker compose exec -T db psql', ['psql'], ['docker exec']],
    ['kubectl exec -it pod -c main -- rm x', ['rm', 'x'], ['kubectl exec']],
  ];
  for (const [src, argv, wrappers] of cases) {
    test(src, () => {
      const c = only(src);
      assert.deepEqual(c.argv, argv);
      assert.deepEqual(c.wrappers, wrappers);
      assert.equal(c.text, src);
    });
  }

  test('wrapper env and options: env is merged, chdir and remote are flagged', () => {
    assert.deepEqual(only('A=1 env B=2 sudo C=3 rm x').env, { A: '1', B: '2', C: '3' });
    assert.equal(only('env -C /tmp rm x').chdir, true);
    assert.equal(only('sudo -D /tmp rm x').chdir, true);
    assert.equal(only('ssh -p 22 host rm x').remote, true);
    assert.equal(only('rm x').chdir, undefined);
  });

  test('wrappers that do not run a command stay as they are', () => {
    for (const src of ['sudo -l', 'env', 'command -v rm', 'time', 'nohup', 'sudo -e /etc/hosts', 'ssh host']) {
      assert.equal(programName(only(src).argv[0]), src.split(' ')[0]);
    }
  });

  test('bash -c / sh -c / -lc / zsh, with options, recursively', () => {
    for (const src of [
      "bash -c 'rm x'",
      "sh -c 'rm x'",
      "bash -lc 'rm x'",
      "zsh -ec 'rm x'",
      "dash -c 'rm x' name arg",
      "bash -o pipefail -c 'rm x'",
      "bash --norc -x -c 'rm x'",
      "/bin/bash -c 'rm x'",
    ]) {
      const p = parseShell(src);
      assert.ok(p.complete, src);
      assert.deepEqual(
        p.commands.map((c) => c.argv),
        [['rm', 'x']],
        src,
      );
    }
    const deep = parseShell(`sudo bash -c "sh -c 'eval \\"rm -rf x && ls\\"'"`);
    assert.deepEqual(
      deep.commands.map((c) => c.argv),
      [['rm', '-rf', 'x'], ['ls']],
    );
    assert.deepEqual(deep.commands[0].wrappers, ['sudo', 'bash -c', 'sh -c', 'eval']);
    assert.deepEqual(
      deep.commands[0].wrapperArgv.map((a) => a[0]),
      ['sudo', 'bash', 'sh', 'eval'],
    );
    assert.deepEqual(only('sudo -E nice -n 5 rm x').wrapperArgv, [
      ['sudo', '-E', 'nice', '-n', '5', 'rm', 'x'],
      ['nice', '-n', '5', 'rm', 'x'],
    ]);
  });

  test('outer redirections reach the commands of a bash -c string', () => {
    const c = parseShell("bash -c 'psql' <<EOF\nDROP TABLE x;\nEOF").commands[0];
    assert.deepEqual(c.argv, ['psql']);
    assert.equal(c.redirects[0].body, 'DROP TABLE x;\n');
  });

  test('a shell fed a heredoc or here-string runs it', () => {
    assert.deepEqual(argvs('bash <<EOF\nrm a\necho b\nEOF'), [['bash'], ['rm', 'a'], ['echo', 'b']]);
    assert.deepEqual(argvs('sh <<< "rm a"'), [['rm', 'a'], ['sh']]);
    assert.deepEqual(argvs('curl x | bash'), [['curl', 'x'], ['bash']]);
  });

  test('eval joins its arguments; find -exec runs its command', () => {
    assert.deepEqual(argvs('eval rm "-rf x"'), [['rm', '-rf', 'x']]);
    assert.deepEqual(argvs('find . -name "*.o" -exec rm -f {} \\; -execdir echo {} +'), [
      ['rm', '-f', '{}'],
      ['echo', '{}'],
      ['find', '.', '-name', '*.o', '-exec', 'rm', '-f', '{}', ';', '-execdir', 'echo', '{}', '+'],
    ]);
  });

  test('programName: basename, without .exe; argv[0] kept as written', () => {
    assert.equal(programName('/usr/bin/rm'), 'rm');
    assert.equal(programName('./node_modules/.bin/tsc'), 'tsc');
    assert.equal(programName('git.exe'), 'git');
    assert.equal(only('/usr/bin/rm x').argv[0], '/usr/bin/rm');
  });
});

describe('shellWords: complete', () => {
  test('a word right after a compound command is what bash refuses; a keyword or redirection there is not', () => {
    // Each checked with `bash -n -c` (bash 5.2): a syntax error, or not.
    const refused = [
      '(true) echo',
      '{ true; } echo',
      'if true; then echo; fi echo',
      'while a; do b; done c',
      '[[ a ]] b',
      '((1)) b',
      '(a) (b)',
      'a $&&( B="$(c)" cat "c d" "$X" > out ) f.txt < in',
    ];
    const taken = [
      'if (true) then echo hi; fi',
      'while (false) do echo; done',
      'for x in a; do (echo $x) done',
      '(true) > /dev/null',
      '(true) 2>/dev/null',
      '(echo) &>/dev/null',
      '( echo ) # c',
      'case a in a) (echo) ;; esac',
      'x=$( (echo) )',
      'f() ( echo )',
      'if a; then b; fi > log',
      '{ a; }; b',
      '(a)|b',
      '(a)&& b',
      '(a)\nb',
    ];
    for (const src of refused) assert.equal(parseShell(src).complete, false, src);
    for (const src of taken) assert.equal(parseShell(src).complete, true, src);
    // Its commands are still found: the line is judged on everything it names.
    assert.deepEqual(
      parseShell('( b ) rm -rf /').commands.map((c) => c.argv),
      [['b'], ['rm', '-rf', '/']],
    );
  });

  const incomplete = [
    'echo "unterminated',
    "echo 'unterminated",
    'echo $(unclosed',
    'echo `unclosed',
    '( a',
    '{ a; ',
    'a |',
    'a &&',
    '; a',
    'echo ${x',
    '$CMD arg',
    '"$(which rm)" x',
    'eval $X',
    'bash -c',
    'bash -c "$X"',
    'find . -exec rm {}',
    'case x in a) b',
    'a )',
    'x=1; $x',
  ];
  for (const src of incomplete)
    test(`incomplete: ${JSON.stringify(src)}`, () => assert.equal(parseShell(src).complete, false));

  test('deep nesting gives up and says so', () => {
    let src = 'rm x';
    for (let i = 0; i < 9; i++) src = `bash -c ${singleQuote(src)}`;
    assert.equal(parseShell(src).complete, false);
    // Quoting grows fast: three levels more are past the size limit, which throws rather than parses.
    for (let i = 0; i < 3; i++) src = `bash -c ${singleQuote(src)}`;
    assert.throws(() => parseShell(src), ShellLimitError);
  });

  const fine = [
    '',
    '   ',
    '# only a comment',
    'a &',
    'a;',
    'echo $X',
    'echo "$(ls)"',
    'f() { :; }',
    'cat <<EOF\nno end',
    'echo }',
    'echo {a,b}',
  ];
  for (const src of fine) test(`complete: ${JSON.stringify(src)}`, () => assert.equal(parseShell(src).complete, true));
});
