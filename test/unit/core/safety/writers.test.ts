import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { writtenPaths } from '../../../../src/hot/safety/bashWrites';
import { WRITERS } from '../../../../src/hot/safety/writers';
import { READ_ONLY } from '../../../../src/hot/safety/readOnly';
import { sedScriptWrites } from '../../../../src/hot/safety/writersMore';

/** [program the case is about, command, paths, unknown]: every writer table entry has at least one. */
type Case = [string, string, string[], boolean];

const WRITER_CASES: Case[] = [
  ['rm', 'rm -rf a b', ['a', 'b'], false],
  ['rmdir', 'rmdir d', ['d'], false],
  ['unlink', 'unlink f', ['f'], false],
  ['shred', 'shred -n 3 -u f', ['f'], false],
  ['touch', 'touch -d now f', ['f'], false],
  ['mkdir', 'mkdir -p d', ['d'], false],
  ['mkfifo', 'mkfifo -m 600 p', ['p'], false],
  ['truncate', 'truncate -s 0 locked.txt', ['locked.txt'], false],
  ['tee', 'echo x | tee -a f', ['f'], false],
  ['sponge', 'sort f | sponge f', ['f'], false],
  ['mv', 'mv a b', ['a', 'b'], false],
  ['cp', 'cp a b', ['b'], false],
  ['ln', 'ln -s target link', ['link'], false],
  ['ln', 'ln locked.txt alias', ['locked.txt', 'alias'], false],
  ['ln', 'ln ../locked/f', ['../locked/f', 'f'], false],
  ['ln', 'ln -t dir a b', ['a', 'b', 'dir'], false],
  ['install', 'install -m 644 a b', ['b'], false],
  ['rsync', 'rsync -a src/ dst/', ['dst/'], false],
  ['rsync', 'rsync -a --remove-source-files a b dst/', ['a', 'b', 'dst/'], false],
  ['scp', 'scp host:/a b', ['b'], false],
  ['chmod', 'chmod 600 f', ['f'], false],
  ['chown', 'chown u f', ['f'], false],
  ['chgrp', 'chgrp g f', ['f'], false],
  ['dd', 'dd if=a of=b', ['b'], false],
  ['sed', 'sed -i s/a/b/ f', ['f'], false],
  ['sed', "sed -n 's/a/b/w out.txt' in.txt", ['out.txt'], false],
  ['sed', "sed -n '/x/w out.txt' in.txt", ['out.txt'], false],
  ['sed', "sed -e 's/a/b/' -e 'W log' in", ['log'], false],
  ['sed', "sed 's/hello/world/' in", [], false],
  ['sed', "sed '1e rm -rf x' in", [], true],
  ['sed', "sed 's/a/b/e' in", [], true],
  ['sed', 'sed -f script.sed in', [], true],
  ['sed', "sed ':a;N;ba;w out' in", ['out'], false],
  ['perl', 'perl -pi -e s/a/b/ f', ['f'], false],
  ['ruby', 'ruby -i -pe 1 f', ['f'], false],
  ['node', 'node -e 1', [], true],
  ['nodejs', 'nodejs -e 1', [], true],
  ['deno', 'deno eval 1', [], true],
  ['php', 'php -r 1', [], true],
  ['bash', 'echo x | bash', [], true],
  ['sh', 'echo x | sh', [], true],
  ['zsh', 'echo x | zsh', [], true],
  ['dash', 'echo x | dash', [], true],
  ['awk', 'awk \'{ print > "o" }\' f', [], true],
  ['gawk', 'gawk -i inplace 1 f', [], true],
  ['mawk', 'mawk \'{ system("x") }\' f', [], true],
  ['patch', 'patch f d.diff', ['f'], false],
  ['sort', 'sort -o out in', ['out'], false],
  ['curl', 'curl -o f https://x', ['f'], false],
  ['wget', 'wget -O f https://x', ['f'], false],
  ['tar', 'tar -cf a.tar d', ['a.tar'], false],
  ['unzip', 'unzip a.zip', [], true],
  ['zip', 'zip a.zip f', ['a.zip'], false],
  ['find', 'find . -delete', [], true],
  ['find', 'find . -name x -fprint out.txt', ['out.txt'], false],
  ['find', 'find . -name x', [], false],
  ['git', 'git rm f', ['f'], false],
  [
    'git',
    'git diff && git log && git status && git show && git blame f && git rev-parse HEAD && git branch',
    [],
    false,
  ],
  ['npm', 'npm install', ['package.json', 'package-lock.json', 'node_modules'], false],
  ['pnpm', 'pnpm add x', ['package.json', 'pnpm-lock.yaml', 'node_modules'], false],
  ['yarn', 'yarn add x', ['package.json', 'yarn.lock', 'node_modules'], false],
  ['bun', 'bun add x', ['package.json', 'bun.lock', 'node_modules'], false],
  ['ed', 'ed -s locked.txt <<EOF\n,d\nw\nEOF', ['locked.txt'], false],
  ['red', 'red f', ['f'], false],
  // `ex -s`/`vim -es` read ex commands from stdin: they can write anything.
  ['ex', 'ex -s f', ['f'], true],
  ['ex', 'ex f', ['f'], false],
  ['vi', 'vi f', ['f'], false],
  ['vim', "vim -es -c '%d' -c wq locked.txt", ['locked.txt'], true],
  ['vim', 'vim +wq f', ['f'], true],
  ['nvim', 'nvim --headless f', ['f'], false],
  ['view', 'view f', ['f'], false],
  ['emacs', 'emacs --batch f --eval "(save-buffer)"', ['f'], true],
  ['emacs', 'emacs f', ['f'], false],
  ['nano', 'nano +3 f', ['f'], false],
  ['gzip', 'gzip locked.txt', ['locked.txt', 'locked.txt.gz'], false],
  ['gzip', 'gzip -c f > f.gz', ['f.gz'], false],
  ['gunzip', 'gunzip a.gz', ['a.gz', 'a'], false],
  ['pigz', 'pigz -p 4 f', ['f', 'f.gz'], false],
  ['unpigz', 'unpigz f.gz', ['f.gz', 'f'], false],
  ['bzip2', 'bzip2 f', ['f', 'f.bz2'], false],
  ['bunzip2', 'bunzip2 f.bz2', ['f.bz2', 'f'], false],
  ['xz', 'xz -T 2 f', ['f', 'f.xz'], false],
  ['unxz', 'unxz f.xz', ['f.xz', 'f'], false],
  ['lzma', 'lzma f', ['f', 'f.lzma'], false],
  ['unlzma', 'unlzma f.lzma', ['f.lzma', 'f'], false],
  ['zstd', 'zstd --rm f', ['f', 'f.zst'], false],
  ['zstd', 'zstd f -o out.zst', ['out.zst'], false],
  ['unzstd', 'unzstd f.zst', ['f.zst', 'f'], false],
  ['lz4', 'lz4 f', ['f', 'f.lz4'], false],
  ['unlz4', 'unlz4 f.lz4', ['f.lz4', 'f'], false],
  ['gzip', 'gzip -S .z f', ['f', 'f.gz'], true],
  ['gzip', 'gzip -t f.gz', [], false],
  ['split', 'split -l 10 in.txt locked/part', ['locked/part'], false],
  ['split', 'split in.txt', ['x'], false],
  ['csplit', 'csplit -f locked/p in.txt /x/', ['locked/p'], false],
  ['sqlite3', 'sqlite3 app.db "DELETE FROM t"', ['app.db'], false],
  ['sqlite3', 'sqlite3 -readonly app.db "SELECT 1"', [], false],
  ['sqlite3', 'sqlite3 app.db ".output locked.txt"', ['app.db'], true],
  ['sqlite3', 'sqlite3 app.db "ATTACH \'locked.db\' AS x"', ['app.db'], true],
  ['sqlite3', 'cat q.sql | sqlite3 app.db', ['app.db'], true],
  ['sqlite', 'sqlite x.db', ['x.db'], false],
  ['convert', 'convert in.png out.jpg', ['out.jpg'], false],
  ['magick', 'magick in.png out.jpg', ['out.jpg'], false],
  ['mogrify', 'mogrify -resize 50% a.png b.png', ['a.png', 'b.png'], false],
  ['mogrify', 'mogrify -strip -path out a.png', ['out', 'a.png'], false],
  ['dos2unix', 'dos2unix a b', ['a', 'b'], false],
  ['unix2dos', 'unix2dos a', ['a'], false],
  ['iconv', 'iconv -f utf8 -t latin1 -o out.txt in.txt', ['out.txt'], false],
  ['iconv', 'iconv -f utf8 -t latin1 in.txt', [], false],
  ['yq', "yq -i '.a = 1' c.yaml", ['c.yaml'], false],
  ['yq', "yq '.a' c.yaml", [], false],
  ['prettier', 'prettier --write src/a.ts', ['src/a.ts'], false],
  ['prettier', 'prettier --check src/a.ts', [], false],
  ['eslint', 'eslint --fix src/a.ts', ['src/a.ts'], false],
  ['eslint', 'eslint src/a.ts', [], false],
  ['black', 'black a.py', ['a.py'], false],
  ['black', 'black --check a.py', [], false],
  ['ruff', 'ruff format a.py', ['a.py'], false],
  ['ruff', 'ruff check --fix a.py', ['a.py'], false],
  ['ruff', 'ruff check a.py', [], false],
  ['gofmt', 'gofmt -w a.go', ['a.go'], false],
  ['gofmt', 'gofmt -l a.go', [], false],
  ['goimports', 'goimports -w a.go', ['a.go'], false],
  ['rustfmt', 'rustfmt a.rs', ['a.rs'], false],
  ['rustfmt', 'rustfmt --check a.rs', [], false],
  ['clang-format', 'clang-format -i a.c', ['a.c'], false],
  ['autopep8', 'autopep8 -i a.py', ['a.py'], false],
  ['isort', 'isort a.py', ['a.py'], false],
  ['shfmt', 'shfmt -w a.sh', ['a.sh'], false],
  ['chattr', 'chattr +i f', ['f'], false],
  ['chattr', 'chattr -i f', ['f'], false],
  ['setfacl', 'setfacl -m u:x:rw f', ['f'], false],
  ['xxd', 'xxd -r dump.hex out.bin', ['out.bin'], false],
  ['uniq', 'uniq in out', ['out'], false],
  ['uniq', 'uniq in', [], false],
  ['mktemp', 'mktemp locked/XXXX', ['locked/XXXX'], false],
  ['mktemp', 'mktemp -p /tmp', [], false],
];

describe('writer table: every entry, by its writing and its harmless forms', () => {
  for (const [, src, paths, unknown] of WRITER_CASES) {
    test(JSON.stringify(src), () => {
      const r = writtenPaths(src);
      assert.deepEqual({ paths: r.paths, unknown: r.unknown }, { paths, unknown });
      // A known writer's arguments are never "maybe".
      assert.deepEqual(r.maybe, []);
    });
  }

  test('every writer in the table has a case', () => {
    const covered = new Set(WRITER_CASES.map((c) => c[0]));
    assert.deepEqual(
      Object.keys(WRITERS).filter((k) => !covered.has(k)),
      [],
    );
  });

  test('`exec N>file` is a write', () => {
    assert.deepEqual(writtenPaths('exec 3>locked.txt; echo x >&3').paths, ['locked.txt']);
  });

  test('sed scripts: the scanner', () => {
    assert.deepEqual(sedScriptWrites('s/we/ew/g;p'), { files: [], unknown: false });
    assert.deepEqual(sedScriptWrites('s|a|b|w out\np'), { files: ['out'], unknown: false });
    assert.deepEqual(sedScriptWrites('/w x/d; w /dev/stdout'), { files: [], unknown: false });
    assert.deepEqual(sedScriptWrites('y/abc/xyz/;e'), { files: [], unknown: true });
    assert.deepEqual(sedScriptWrites('\\,x,w o'), { files: ['o'], unknown: false });
    assert.equal(sedScriptWrites('s/unclosed').unknown, true);
    assert.equal(sedScriptWrites('a\\ hello w x').unknown, false);
  });
});

describe('read-only table and maybe', () => {
  test('every read-only program reports nothing for its file arguments', () => {
    for (const [prog, entry] of Object.entries(READ_ONLY)) {
      if (entry !== true || ['cd', 'pushd', 'popd', 'env'].includes(prog)) continue;
      const r = writtenPaths(`${prog} locked.txt --out=locked2.txt`);
      assert.deepEqual(r, { paths: [], unknown: false, maybe: [] }, prog);
    }
  });

  test('conditional entries: read-only only in their read-only form', () => {
    assert.deepEqual(writtenPaths('command -v locked.txt').maybe, []);
    assert.deepEqual(writtenPaths('tsc --noEmit -p tsconfig.json').maybe, []);
    assert.deepEqual(writtenPaths('tsc -p tsconfig.json').maybe, ['tsconfig.json']);
    assert.deepEqual(writtenPaths('env X=1').maybe, []);
  });

  test('an unknown program: its operands and --opt=value values are maybe', () => {
    assert.deepEqual(writtenPaths('./gen.sh locked.txt --out=dist/x.js -v -o o2 -- -z'), {
      paths: [],
      unknown: false,
      maybe: ['locked.txt', 'dist/x.js', 'o2', '-z'],
    });
    assert.deepEqual(writtenPaths('7z a archive.7z src').maybe, ['a', 'archive.7z', 'src']);
    assert.deepEqual(writtenPaths('cd sub && mytool f').maybe, ['sub/f']);
    assert.deepEqual(writtenPaths('mytool $X /dev/null').maybe, []);
    assert.deepEqual(writtenPaths('sudo mytool /etc/x').maybe, ['/etc/x']);
    // Not twice: a path already written is not also maybe.
    assert.deepEqual(writtenPaths('mytool f > f').maybe, []);
  });
});
