/**
 * What a plan's markdown says it will run, and what pasted `terraform plan` output says it will destroy: the
 * inputs of the approval gate in classify.ts. Pure functions over the plan body.
 */

/** A piece of a plan body that reads as shell. */
export interface PlanCommand {
  text: string;
  /**
   * Where it came from, which decides how much to trust a parse that could not be completed:
   * - `shell`: a fenced block labelled as shell (`sh`, `bash`, `console`, …) or a `$ ` prompt line;
   * - `code`: an unlabelled fenced block or an inline code span, which may just as well be prose or output.
   */
  source: 'shell' | 'code';
}

const SHELL_LANGS = new Set([
  'sh',
  'bash',
  'shell',
  'zsh',
  'console',
  'shell-session',
  'shellsession',
  'terminal',
  'ksh',
  'dash',
]);
/** Blocks labelled with one of these show a session: only their `$ ` lines are commands, the rest is output. */
const SESSION_LANGS = new Set(['console', 'shell-session', 'shellsession', 'terminal']);
const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})(.*)$/;
const PROMPT = /^\s*\$ (.+)$/;
const INLINE = /(`+)(?!`)(.+?)(?<!`)\1(?!`)/g;

/**
 * The commands in a markdown body: fenced blocks labelled as shell or not labelled at all (a block with `$ `
 * prompts counts only its prompt lines), lines starting with `$ `, and inline code spans. Blocks in other
 * languages (`hcl`, `ts`, `text`, …) are code or output, not commands. Indented code blocks are not read.
 */
export function commandsInMarkdown(body: string): PlanCommand[] {
  const out: PlanCommand[] = [];
  const lines = body.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE_OPEN.exec(lines[i]);
    if (open && !(open[1][0] === '`' && open[2].includes('`'))) {
      const fence = open[1];
      const lang = open[2]
        .trim()
        .split(/\s+/)[0]
        .replace(/^\{?\.?/, '')
        .replace(/\}$/, '')
        .toLowerCase();
      const close = new RegExp(`^ {0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`);
      const block: string[] = [];
      for (i++; i < lines.length && !close.test(lines[i]); i++) block.push(lines[i]);
      if (lang !== '' && !SHELL_LANGS.has(lang)) continue;
      const source = lang === '' ? 'code' : 'shell';
      const prompts = block.map((l) => PROMPT.exec(l)?.[1]).filter((c): c is string => c !== undefined);
      if (prompts.length > 0 || SESSION_LANGS.has(lang))
        out.push(...prompts.map((text) => ({ text, source: 'shell' as const })));
      else if (block.some((l) => l.trim() !== '')) out.push({ text: block.join('\n').trimEnd(), source });
      continue;
    }
    const prompt = PROMPT.exec(lines[i]);
    if (prompt) {
      out.push({ text: prompt[1], source: 'shell' });
      continue;
    }
    for (const m of lines[i].matchAll(INLINE)) {
      const text = m[2].trim();
      if (text !== '') out.push({ text, source: 'code' });
    }
  }
  return out;
}

/**
 * The simple lines of a block a command checker can judge one by one, so a block with several dangerous
 * commands names each: `\` continuations are joined, blank lines and comments dropped.
 */
export function commandLines(block: string): string[] {
  const joined = block.replace(/\\\r?\n/g, ' ');
  return joined
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

/** What pasted `terraform plan` output says will be destroyed or replaced. */
export interface TerraformDestruction {
  /** The `N to destroy` of each `Plan:` summary line with N > 0. */
  destroyCounts: number[];
  /** Addresses of `# <addr> will be destroyed`. */
  destroyed: string[];
  /** Addresses of `# <addr> must be replaced` (and `will be replaced`, from `-replace`). */
  replaced: string[];
}

// Colour codes appear when output is pasted from a terminal.
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g; // eslint-disable-line no-control-regex
const SUMMARY = /Plan: (?:\d+ to import, )?\d+ to add, \d+ to change, (\d+) to destroy\b/g;
const DESTROYED = /^[\s>]*# (.+?) will be destroyed\s*$/gm;
const REPLACED = /^[\s>]*# (.+?) (?:must|will) be replaced\b/gm;

export function terraformDestruction(body: string): TerraformDestruction {
  const text = body.replace(ANSI, '');
  const destroyCounts = [...text.matchAll(SUMMARY)].map((m) => Number(m[1])).filter((n) => n > 0);
  const unique = (re: RegExp) => [...new Set([...text.matchAll(re)].map((m) => m[1].trim()))];
  return { destroyCounts, destroyed: unique(DESTROYED), replaced: unique(REPLACED) };
}
