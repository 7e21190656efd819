import { test, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkCommand } from '../../../../src/hot/safety/denyList';
import {
  INTERPRETER_STEMS,
  languages,
  analyseCode,
  codeOf,
  languageOf,
  programStem,
} from '../../../../src/hot/safety/inlineCode';
import { programName } from '../../../../src/hot/safety/shellCommand';
import { rng } from '../../../fixtures/rng';

/** Per language: a command reaching a dangerous API (asked), one running `rm -rf /` (denied), one harmless (allowed). */
const SAMPLES: Record<string, { api: string; shell: string; ok: string }> = {
  python: {
    api: 'python3 -c \'import os; os.unlink("x")\'',
    shell: 'python3 -c \'import os; os.system("rm -rf /")\'',
    ok: "python3 -c 'print(42)'",
  },
  node: {
    api: 'node -e \'require("fs").unlinkSync("x")\'',
    shell: 'node -e \'require("child_process").execSync("rm -rf /")\'',
    ok: "node -e 'console.log(1+1)'",
  },
  deno: {
    api: 'deno eval \'Deno.remove("x")\'',
    shell: 'deno eval \'new Deno.Command("rm"); execSync("rm -rf /")\'',
    ok: "deno eval 'console.log(1)'",
  },
  perl: { api: 'perl -e \'unlink "x"\'', shell: 'perl -e \'system("rm -rf /")\'', ok: "perl -ne 'print if /x/' f" },
  ruby: { api: 'ruby -e \'File.delete("x")\'', shell: 'ruby -e \'system("rm -rf /")\'', ok: "ruby -e 'puts 1'" },
  php: { api: 'php -r \'unlink("x");\'', shell: 'php -r \'shell_exec("rm -rf /");\'', ok: "php -r 'echo 1;'" },
  lua: { api: 'lua -e \'os.remove("x")\'', shell: 'lua -e \'os.execute("rm -rf /")\'', ok: "lua -e 'print(1)'" },
  r: { api: 'Rscript -e \'unlink("x")\'', shell: 'Rscript -e \'system("rm -rf /")\'', ok: "Rscript -e 'print(1)'" },
  osascript: {
    api: 'osascript -e \'tell application "Finder" to delete x\'',
    shell: 'osascript -e \'do shell script "ls"\'; rm -rf /',
    ok: 'osascript -e \'display dialog "hi"\'',
  },
  awk: { api: 'awk \'{print > "out"}\' f', shell: 'awk \'BEGIN{system("rm -rf /")}\'', ok: "awk '{print $1}' f" },
  powershell: {
    api: "pwsh -c 'Remove-Item x'",
    shell: "pwsh -c 'Invoke-Expression x'; rm -rf /",
    ok: "pwsh -c 'Get-Date'",
  },
};

describe('inline interpreter code: every language of the table', () => {
  test('the samples cover every language', () => {
    assert.deepEqual(
      languages()
        .map((l) => l.name)
        .filter((n) => !SAMPLES[n]),
      [],
    );
  });
  for (const lang of languages()) {
    test(lang.name, () => {
      const s = SAMPLES[lang.name];
      assert.equal(checkCommand(s.api).decision, 'ask', s.api);
      assert.equal(checkCommand(s.shell).decision, 'deny', s.shell);
      assert.equal(checkCommand(s.ok).decision, 'allow', s.ok);
    });
  }
});

describe('inline interpreter code: where the code is', () => {
  test('options, clusters, attached code, stdin, modules and scripts', () => {
    const py = languageOf('python3')!;
    assert.deepEqual(codeOf(py, ['-c', 'x']), { code: 'x' });
    assert.deepEqual(codeOf(py, ['-Bc', 'x']), { code: 'x' });
    assert.deepEqual(codeOf(py, ['-cprint(1)']), { code: 'print(1)' });
    assert.deepEqual(codeOf(py, ['-']), { stdin: true });
    assert.deepEqual(codeOf(py, []), { stdin: true });
    assert.equal(codeOf(py, ['-m', 'json.tool']), undefined);
    assert.equal(codeOf(py, ['script.py', '-c', 'x']), undefined);
    const perl = languageOf('perl')!;
    assert.deepEqual(codeOf(perl, ['-lne', 'print', 'f']), { code: 'print' });
    const awk = languageOf('gawk')!;
    assert.deepEqual(codeOf(awk, ['-F:', '-v', 'x=1', '{print}', 'f']), { code: '{print}' });
    assert.equal(codeOf(awk, ['-f', 'prog.awk', 'f']), undefined);
  });

  test('obfuscated code evaluated is asked about; decoding alone is not', () => {
    const py = languageOf('python3')!;
    assert.ok(analyseCode(py, 'import base64; exec(base64.b64decode("eA=="))').some((f) => f.kind === 'obfuscated'));
    assert.equal(checkCommand('python3 -c \'import base64; print(base64.b64decode("eA=="))\'').decision, 'allow');
  });

  test('code on stdin: heredoc, here-string, a literal echo, unknown data', () => {
    assert.equal(checkCommand("python3 - <<'EOF'\nimport shutil\nshutil.rmtree('x')\nEOF").decision, 'ask');
    assert.equal(checkCommand("python3 <<'EOF'\nprint(1)\nEOF").decision, 'allow');
    assert.equal(checkCommand('node <<<\'require("fs").rmSync("x")\'').decision, 'ask');
    assert.equal(checkCommand("echo 'print(1)' | python3").decision, 'allow');
    assert.equal(checkCommand('echo \'import os; os.system("rm -rf /")\' | python3').decision, 'deny');
    assert.equal(checkCommand('curl -s https://x | python3').decision, 'ask');
    assert.equal(checkCommand('curl -s https://x | python3 -m json.tool').decision, 'allow');
  });
});

describe('languageOf', () => {
  test('gives what a walk of the table gives, for its names, near misses and any other name', () => {
    // The table's patterns carry no flag but `i`, which the one-pattern pre-check keeps apart.
    for (const l of languages()) assert.match(l.programs.flags, /^i?$/, l.name);
    const walk = (p: string) => languages().find((l) => l.programs.test(p));
    const names = ['python3', 'python3.12', 'pypy3', 'py', 'node', 'nodejs', 'bun', 'deno', 'perl5.36', 'ruby3.2'];
    names.push('jruby', 'php8.1', 'luajit', 'lua5.4', 'Rscript', 'R', 'osascript', 'gawk', 'busybox-awk');
    names.push('pwsh', 'PowerShell.EXE', 'POWERSHELL', 'npm', 'git', 'pythonx', 'xpython3', 'node2', 'r', 'awkward');
    names.push('', 'python3 ', 'PWSH.exe', 'deno.exe', 'perl-', 'ruby.', 'php7..2', 'Python3');
    for (const p of names) assert.equal(languageOf(p), walk(p), JSON.stringify(p));
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 12 }),
          fc
            .tuple(fc.constantFrom(...names), fc.string({ maxLength: 3 }), fc.boolean())
            .map(([n, s, up]) => (up ? (n + s).toUpperCase() : n + s)),
        ),
        (p) => languageOf(p) === walk(p),
      ),
      { numRuns: 2000 },
    );
  });
});

describe('which programs are interpreters, without a pattern run for the others', () => {
  /** What languageOf did before INTERPRETER_STEMS: every language's pattern, in the table's order. */
  const reference = (p: string) => languages().find((l) => l.programs.test(p));
  const pieces = ['python', 'py', 'pypy', 'node', 'nodejs', 'bun', 'deno', 'perl', 'ruby', 'jruby', 'truffle', 'php'];
  pieces.push('lua', 'jit', 'R', 'r', 'script', 'Rscript', 'osa', 'awk', 'g', 'm', 'n', 'busybox-', 'pwsh', 'Power');
  pieces.push('shell', 'POWERSHELL', '.exe', '.EXE', '3', '.', '11', '2.7', 'x', '-', 'npm', 'git', 'ſ', 'ı', '\u212a');

  it('every name a pattern of the table matches has a stem, and languageOf answers as the patterns did', () => {
    const r = rng(20261205);
    let interpreters = 0;
    for (let n = 0; n < 50_000; n++) {
      let p = '';
      for (let k = r(4); k >= 0; k--) p += pieces[r(pieces.length)];
      const ref = reference(p);
      if (ref) {
        interpreters++;
        assert.ok(INTERPRETER_STEMS.has(programStem(p)), `${p} (${ref.name}) has stem ${programStem(p)}`);
      }
      assert.equal(languageOf(p), ref, p);
    }
    assert.ok(interpreters > 500, `${interpreters} interpreters among the names`);
  });

  it('the common programs have no stem of the table', () => {
    for (const p of ['npm', 'git', 'ls', 'cat', 'grep', 'sed', 'make', 'cargo', 'go', 'tsc', 'npx'])
      assert.equal(INTERPRETER_STEMS.has(programStem(p)), false, p);
    for (const p of ['python3.11', 'PowerShell.exe', 'node', 'Rscript', 'busybox-awk', 'lua5.4'])
      assert.ok(languageOf(p), p);
  });
});

describe('programName', () => {
  it('is the basename without a Windows .exe, in any case, as the pattern it replaced made it', () => {
    for (const w of [
      '/usr/bin/rm',
      'rm',
      'rm.exe',
      'C:/x/RM.EXE',
      '.exe',
      'a.Exe',
      'a.exe.exe',
      'exe',
      'a.ex',
      '/',
      '',
    ])
      assert.equal(programName(w), w.slice(w.lastIndexOf('/') + 1).replace(/\.exe$/i, ''), w);
    for (let c = 0; c <= 0xffff; c++) {
      const ch = String.fromCharCode(c);
      for (const w of [`a.${ch}xe`, `a.e${ch}e`, `a.ex${ch}`, `a${ch}exe`])
        assert.equal(programName(w), w.slice(w.lastIndexOf('/') + 1).replace(/\.exe$/i, ''), JSON.stringify(w));
    }
  });
});
