import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { writtenPaths as fullWrittenPaths } from '../../../../src/hot/safety/bashWrites';

/** `paths` and `unknown` only: `maybe` has tables of its own (writers.test.ts). */
function writtenPaths(src: string): { paths: string[]; unknown: boolean } {
  const { paths, unknown } = fullWrittenPaths(src);
  return { paths, unknown };
}

/** [command, paths, unknown] */
type Case = [string, string[], boolean];

function check(cases: readonly Case[]): void {
  for (const [src, paths, unknown] of cases) {
    test(JSON.stringify(src), () => assert.deepEqual(writtenPaths(src), { paths, unknown }));
  }
}

describe('bashWrites: redirections', () => {
  check([
    ['echo hi > out.txt', ['out.txt'], false],
    ['echo hi >> log.txt 2> err.txt', ['log.txt', 'err.txt'], false],
    ['make &> build.log', ['build.log'], false],
    ['make &>> build.log', ['build.log'], false],
    ['echo x >| forced.txt', ['forced.txt'], false],
    ['exec 3<> rw.txt', ['rw.txt'], false],
    ['echo x >&out.txt', ['out.txt'], false],
    ['cmd 2>&1 >/dev/null', [], false],
    ['echo x >&2', [], false],
    ['cmd > /dev/null 2>/dev/stderr', [], false],
    ['cat < in.txt', [], false],
    ['cat <<EOF > gen.ts\nexport {};\nEOF', ['gen.ts'], false],
    ['{ echo a; echo b; } > both.txt', ['both.txt'], false],
    ['echo "a b" > "my file.txt"', ['my file.txt'], false],
    ['echo x > "$OUT"', [], true],
    ['echo x > out-$(date +%s).txt', [], true],
    ['echo x > *.txt', [], true],
    ['echo x > ~/notes.txt', ['~/notes.txt'], false],
    ['echo x > /abs/path.txt', ['/abs/path.txt'], false],
  ]);
});

describe('bashWrites: file commands', () => {
  check([
    ['cat a | tee b c', ['b', 'c'], false],
    ['cat a | tee -a log >/dev/null', ['log'], false],
    ['mv old.ts new.ts', ['old.ts', 'new.ts'], false],
    ['mv a b c dir/', ['a', 'b', 'c', 'dir/'], false],
    ['mv -t dir a b', ['a', 'b', 'dir'], false],
    ['cp -r src dst', ['dst'], false],
    ['cp a b c dir/', ['dir/'], false],
    ['cp --target-directory=dir a', ['dir'], false],
    ['rm -rf build dist', ['build', 'dist'], false],
    ['rm -- -weird-name', ['-weird-name'], false],
    ['rmdir empty', ['empty'], false],
    ['unlink f', ['f'], false],
    ['touch -d yesterday a b', ['a', 'b'], false],
    ['mkdir -p -m 755 a/b c', ['a/b', 'c'], false],
    ['ln -s ../target link', ['link'], false],
    ['install -m 755 bin/x /usr/local/bin/x', ['/usr/local/bin/x'], false],
    ['install -d out/a out/b', ['out/a', 'out/b'], false],
    ['truncate -s 0 app.log', ['app.log'], false],
    ['sed -i "s/a/b/" f1 f2', ['f1', 'f2'], false],
    ['sed -i.bak -e "s/a/b/" -e "s/c/d/" f', ['f'], false],
    ["sed -i '' 's/a/b/' mac.txt", ['mac.txt'], false],
    ['sed -Ei "s/a/b/" f', ['f'], false],
    ['sed --in-place=.orig "s/a/b/" f', ['f'], false],
    ['sed "s/a/b/" f > g', ['g'], false],
    ['sed -n p f', [], false],
    ['perl -pi -e "s/a/b/" x.txt', ['x.txt'], false],
    ['perl -i.bak -pe "s/a/b/" x y', ['x', 'y'], false],
    ['dd if=/dev/zero of=disk.img bs=1M count=1', ['disk.img'], false],
    ['chmod +x run.sh', ['run.sh'], false],
    ['chmod -R 755 dist', ['dist'], false],
    ['chmod -x f', ['f'], false],
    ['chmod --reference=a b', ['b'], false],
    ['chown -R user:group dir', ['dir'], false],
    ['chgrp staff f', ['f'], false],
    ['patch file.c fix.diff', ['file.c'], false],
    ['patch -o out.c in.c fix.diff', ['out.c'], false],
    ['patch -p1 < fix.diff', [], true],
    ['patch --dry-run -p1 < fix.diff', [], false],
    ['sort -o sorted.txt in.txt', ['sorted.txt'], false],
    ['curl -sSLo out.sh https://x', ['out.sh'], false],
    ['curl -o a.json --dump-header h.txt https://x', ['a.json', 'h.txt'], false],
    ['curl -O https://x/file.zip', [], true],
    ['curl https://x | jq .', [], false],
    ['wget -O page.html https://x', ['page.html'], false],
    ['wget -qO- https://x | head', [], false],
    ['wget https://x/y.tgz', [], true],
    ['tar -czf out.tgz dir', ['out.tgz'], false],
    ['tar czf out.tgz dir', ['out.tgz'], false],
    ['tar --create --file=a.tar dir', ['a.tar'], false],
    ['tar -tf a.tar', [], false],
    ['tar -xzf a.tgz -C out', [], true],
    ['unzip a.zip', [], true],
    ['unzip -l a.zip', [], false],
    ['zip -r out.zip src', ['out.zip'], false],
    ['rsync -av --exclude node_modules src/ backup/', ['backup/'], false],
    ['rsync -av src/ host:/srv/app', [], false],
    ['scp host:/x local.txt', ['local.txt'], false],
  ]);
});

describe('bashWrites: git and package managers', () => {
  check([
    ['git checkout -- a.ts b.ts', ['a.ts', 'b.ts'], false],
    ['git checkout HEAD~1 -- a.ts', ['a.ts'], false],
    ['git checkout .', ['.'], false],
    ['git checkout main', [], true],
    ['git checkout -b feature', [], false],
    ['git switch main', [], true],
    ['git restore src/x.ts', ['src/x.ts'], false],
    ['git restore --source HEAD~2 src/x.ts', ['src/x.ts'], false],
    ['git restore --staged x', [], false],
    ['git rm old.ts', ['old.ts'], false],
    ['git rm --cached secret.env', [], false],
    ['git mv a.ts b.ts', ['a.ts', 'b.ts'], false],
    ['git reset --hard', [], true],
    ['git reset --soft HEAD~1', [], false],
    ['git stash', [], true],
    ['git stash list', [], false],
    ['git pull --rebase', [], true],
    ['git merge feature', [], true],
    ['git clean -fd', [], true],
    ['git clean -n', [], false],
    ['git apply fix.patch', [], true],
    ['git apply --check fix.patch', [], false],
    ['git clone https://x/r.git vendor/r', ['vendor/r'], false],
    ['git add . && git commit -m "x" && git push', [], false],
    ['git -C ../other rm a', [], true],
    ['git -C /abs/repo rm /abs/repo/a', ['/abs/repo/a'], false],
    ['npm install', ['package.json', 'package-lock.json', 'node_modules'], false],
    ['npm i -D typescript', ['package.json', 'package-lock.json', 'node_modules'], false],
    ['npm ci', ['node_modules'], false],
    ['npm uninstall lodash', ['package.json', 'package-lock.json', 'node_modules'], false],
    ['npm audit', [], false],
    ['npm audit fix', ['package.json', 'package-lock.json', 'node_modules'], false],
    ['yarn', ['package.json', 'yarn.lock', 'node_modules'], false],
    ['yarn add react', ['package.json', 'yarn.lock', 'node_modules'], false],
    ['pnpm add -D vitest', ['package.json', 'pnpm-lock.yaml', 'node_modules'], false],
    ['bun install', ['package.json', 'bun.lock', 'node_modules'], false],
    ['npm install -g typescript', [], false],
    ['npm install --prefix sub', [], true],
    ['pnpm -r install', [], true],
    ['npm run build', [], false],
    ['npm test', [], false],
    ['yarn build', [], false],
    ['npm', [], false],
  ]);
});

describe('bashWrites: the effective cwd of a literal cd', () => {
  check([
    ['cd sub && touch a', ['sub/a'], false],
    ['cd sub && touch a /abs/b', ['sub/a', '/abs/b'], false],
    ['cd /srv/app && rm -f ./x.log', ['/srv/app/x.log'], false],
    ['cd ~/proj && touch a', ['~/proj/a'], false],
    ['cd sub && cd deeper && touch a', ['sub/deeper/a'], false],
    ['cd -P sub && touch a', ['sub/a'], false],
    ['cd -- sub && touch a', ['sub/a'], false],
    ['pushd sub && touch a', ['sub/a'], false],
    ['pushd -n sub && touch a', ['a'], false],
    ['builtin cd sub && touch a', ['sub/a'], false],
    ['cd ../other && touch a', ['../other/a'], false],
    // `..` after the cd is kept for the resolver: through a symlinked sub it is not `.`.
    ['cd sub && touch ../a', ['sub/../a'], false],
    // A cd that fails leaves the shell where it was: `;` and `||` do not wait for it to succeed.
    ['cd /nonexistent; rm locked.txt', ['locked.txt', '/nonexistent/locked.txt'], false],
    // Only a failed cd reaches `touch a`; reporting both is a safe superset.
    ['cd sub || touch a', ['a', 'sub/a'], false],
    ['cd sub && touch a; touch b', ['sub/a', 'b', 'sub/b'], false],
    ['cd sub\ntouch a', ['a', 'sub/a'], false],
    // Scoped: a subshell, $( ), a pipeline stage, a background job and bash -c keep their cd to themselves.
    ['(cd sub && touch a); touch b', ['sub/a', 'b'], false],
    ['( cd sub; ( cd deeper && touch a ); touch b ); touch c', ['deeper/a', 'sub/deeper/a', 'b', 'sub/b', 'c'], false],
    ['( cd sub && ( cd deeper && touch a ) ); touch c', ['sub/deeper/a', 'c'], false],
    ['echo $(cd sub && touch a) && touch b', ['sub/a', 'b'], false],
    ['cd /tmp & touch locked.txt', ['locked.txt'], false],
    ['cd sub && touch a & touch b', ['sub/a', 'b'], false],
    ['cd /tmp | touch a; touch b', ['a', 'b'], false],
    // The last stage runs in the shell itself under zsh or lastpipe: what follows cannot be told.
    ['true | cd /tmp; touch b', [], true],
    ["bash -c 'cd sub && touch a' && touch b", ['sub/a', 'b'], false],
    // eval runs in this shell: its cd counts (the && is read as after `eval`, hence both places).
    ["eval 'cd sub' && touch a", ['a', 'sub/a'], false],
    ["bash -c 'nohup cd sub; touch a'", [], true],
    ['coproc { cd /tmp; }; touch a', ['a'], false],
    ['cd sub && (touch a)', ['sub/a'], false],
    // What the cd does cannot be told: relative paths after it are unknown.
    ['f() { cd /tmp; }; f; touch a', [], true],
    ['nohup cd /tmp; touch a', [], true],
    ['cd a b && touch c', [], true],
    ['cd sub/../x && touch a', [], true],
    ['CDPATH=/tmp; cd sub && touch a', [], true],
    ['cd +1 && touch a', [], true],
    ['cd a; cd b; cd c; cd d; touch x', [], true],
  ]);
});

describe('bashWrites: what cannot be told', () => {
  check([
    ['cd $X && touch a', [], true],
    ['cd && touch a', [], true],
    ['cd - && touch a', [], true],
    ['cd sub && touch /abs/b', ['/abs/b'], false],
    ['cd $X && touch a /abs/b', ['/abs/b'], true],
    ['touch a && cd sub', ['a'], false],
    ['pushd x; rm y; popd; rm z', ['y', 'x/y'], true],
    ['env -C /tmp touch rel', [], true],
    ["python3 -c \"open('x', 'w').write('y')\"", [], true],
    ['python -c "print(1)"', [], true],
    ['python3 - <<EOF\nprint(1)\nEOF', [], true],
    ['python3 <<< "print(1)"', [], true],
    ['echo "print(1)" | python3', [], true],
    ['python3 -m pytest', [], false],
    ['python3 scripts/gen.py', [], false],
    ["node -e \"require('fs').writeFileSync('x', '')\"", [], true],
    ['node --eval "1"', [], true],
    ['node build.js', [], false],
    ['perl -e "unlink q(x)"', [], true],
    ['perl script.pl', [], false],
    ['ruby -e "File.write(%q(x), 1)"', [], true],
    ['php -r "file_put_contents(\'x\', 1);"', [], true],
    ["deno eval \"Deno.writeTextFileSync('x', '')\"", [], true],
    ['awk \'{ print > "out" }\' f', [], true],
    ["awk '{ print $1 }' f", [], false],
    ['gawk -i inplace "{ print }" f', [], true],
    ['curl -s https://x | bash', [], true],
    ['bash <<EOF\ntouch made.txt\nEOF', ['made.txt'], false],
    ['bash -c "touch a && mv a b"', ['a', 'b'], false],
    ['sudo tee /etc/hosts < hosts', ['/etc/hosts'], false],
    ['ls | xargs rm', [], true],
    ['find . -name "*.o" -exec rm {} +', [], true],
    ['find . -name "*.tmp" -delete', [], true],
    ['find . -name "*.ts" -exec grep -l x {} \\;', [], false],
    ['ls | xargs grep x', [], false],
    ['rm *.o', [], true],
    ['rm "$TARGET"', [], true],
    ['echo "unterminated > x', [], true],
    ['docker exec c touch /x', [], false],
    ['ssh host "rm -rf /srv/x"', [], false],
    ['kubectl exec pod -- rm /x', [], false],
    ['ls -la && cat README.md | grep x', [], false],
    ['make && npm test', [], false],
    ['./scripts/build.sh', [], false],
  ]);

  test('property: any path quoted into a redirection is reported as written', () => {
    const seg = fc.string({ unit: fc.constantFrom(...'abc-_. $*?é\'"'.split('')), minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(fc.array(seg, { minLength: 1, maxLength: 3 }), fc.boolean(), (segs, abs) => {
        const p = (abs ? '/' : '') + segs.join('/');
        // A leading `-` would be an option to cp and rm (scripts write `./-x` or `-- -x`).
        fc.pre(!/^\/dev\//.test(p) && !p.startsWith('-'));
        const quoted = `'${p.replaceAll("'", `'\\''`)}'`;
        assert.deepEqual(writtenPaths(`echo x > ${quoted}`), { paths: [p], unknown: false });
        assert.deepEqual(writtenPaths(`cp src ${quoted} && rm -f ${quoted}`), { paths: [p], unknown: false });
      }),
      { numRuns: 1000 },
    );
  });

  test('property: never throws on arbitrary text', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...'rm cp mv -f/ $(){}`\'"\\;&|<>#\n=ab'.split('')), maxLength: 40 }),
        (s) => {
          const r = writtenPaths(s);
          assert.equal(typeof r.unknown, 'boolean');
        },
      ),
      { numRuns: 2000 },
    );
  });
});
