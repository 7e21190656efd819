/**
 * Imports of Python and Go sources, read line by line: both languages keep imports on their own lines, so no
 * parser is needed (and none may be installed: @ast-grep/lang-python and lang-go are optional).
 */
export function lineImports(language: 'python' | 'go', source: string): { module: string; line: number }[] {
  return language === 'python' ? pythonImports(source) : goImports(source);
}

function pythonImports(source: string): { module: string; line: number }[] {
  const out: { module: string; line: number }[] = [];
  source.split(/\r?\n/).forEach((text, i) => {
    const line = i + 1;
    // Statements after `;` on one line count too: `import os; import pg`.
    for (const stmt of text.replace(/#.*$/, '').split(';')) {
      const from = /^\s*from\s+([\w.]+)\s+import\b/.exec(stmt);
      if (from) {
        out.push({ module: from[1], line });
        continue;
      }
      const imp = /^\s*import\s+(.+)$/.exec(stmt);
      if (!imp) continue;
      for (const part of imp[1].split(',')) {
        const name = /^\s*([\w.]+)/.exec(part)?.[1];
        if (name) out.push({ module: name, line });
      }
    }
  });
  return out;
}

function goImports(source: string): { module: string; line: number }[] {
  const out: { module: string; line: number }[] = [];
  let inBlock = false;
  source.split(/\r?\n/).forEach((text, i) => {
    const line = i + 1;
    const t = text.replace(/\/\/.*$/, '').trim();
    if (inBlock) {
      if (t.startsWith(')')) inBlock = false;
      const m = /^(?:[\w.]+\s+)?"([^"]+)"/.exec(t);
      if (m) out.push({ module: m[1], line });
      return;
    }
    if (/^import\s*\($/.test(t)) {
      inBlock = true;
      return;
    }
    const one = /^import\s+(?:[\w.]+\s+)?"([^"]+)"/.exec(t);
    if (one) out.push({ module: one[1], line });
  });
  return out;
}

/**
 * Whether `module` falls under a ban: the name itself or anything below it (`lodash` bans `lodash/fp`, `os`
 * bans `os.path`); `*` stands for one segment and `**` for any number.
 */
export function moduleBanned(module: string, ban: string): boolean {
  let re = '';
  for (let i = 0; i < ban.length; i++) {
    const c = ban[i];
    if (c === '*' && ban[i + 1] === '*') {
      re += '.*';
      i++;
    } else if (c === '*') re += '[^/.]*';
    else re += c.replace(/[.+^${}()|[\]\\/?]/g, '\\$&');
  }
  return new RegExp(`^${re}(?:[/.].*)?$`).test(module);
}
