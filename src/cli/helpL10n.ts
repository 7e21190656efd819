// `fmes --help` in the process's language. The commands keep their English texts in code (they are the keys,
// as in vscode.l10n); the translation happens when commander renders help or an error: its Help methods and
// its output are wrapped on every command of the tree. Catalog: src/core/i18n/helpMessages.ts; the unit test
// test/unit/l10n/cliHelp.test.ts fails on any help text of the tree without a translation.
import { Help, type Command, type Option, type Argument } from 'commander';
import { HELP_KO } from '../core/i18n/helpMessages';
import type { Locale } from '../core/i18n/locale';

/** English help text → its text in `locale`; unknown text stays as it is. */
export function helpTranslator(locale: Locale): (english: string) => string {
  if (locale === 'en') return (s) => s;
  return (s) => HELP_KO[s] ?? HELP_KO[s.trim()] ?? s;
}

/** Commander's own words inside a description: `(default: 1800)`, `(choices: "a", "b")`. */
const EXTRA_KO: Record<string, string> = {
  default: '기본값',
  choices: '선택지',
  preset: '미리 정한 값',
  env: '환경 변수',
};

/** Commander's error lines (its words, our arguments), in Korean. */
const ERRORS_KO: [RegExp, string][] = [
  [/^error: unknown option '([^']*)'/, "오류: 알 수 없는 옵션 '$1'"],
  [/^error: unknown command '([^']*)'/, "오류: 알 수 없는 명령 '$1'"],
  [/^error: missing required argument '([^']*)'/, "오류: 필수 인수 '$1'이(가) 없습니다"],
  [/^error: required option '([^']*)' not specified/, "오류: 필수 옵션 '$1'이(가) 지정되지 않았습니다"],
  [/^error: option '([^']*)' argument missing/, "오류: 옵션 '$1'에 값이 없습니다"],
  [
    /^error: too many arguments(?: for '([^']*)')?\. Expected (\d+) arguments? but got (\d+)\./,
    '오류: 인수가 너무 많습니다 ($1): $2개를 받아야 하는데 $3개를 받았습니다.',
  ],
  [/^error: option '([^']*)' argument '([^']*)' is invalid\./, "오류: 옵션 '$1'의 값 '$2'이(가) 올바르지 않습니다."],
  [/^error: /, '오류: '],
  [/^\(Did you mean ([^?\n]*)\?\)$/m, '($1을(를) 말씀하신 건가요?)'],
];

export function translateCommanderError(text: string): string {
  let out = text;
  for (const [re, ko] of ERRORS_KO) {
    if (re.source.startsWith('^error: ') && !out.startsWith('error: ')) continue;
    out = out.replace(re, ko);
  }
  return out.replace(/ \(\)/, '');
}

/**
 * Makes `program` and every command below it render help, help texts added with addHelpText, and commander's
 * own errors in `locale`. English is left untouched (no wrapping at all).
 */
export function localizeHelp(program: Command, locale: Locale): Command {
  if (locale === 'en') return program;
  const tr = helpTranslator(locale);
  const base = new Help();
  const help: Partial<Help> = {
    styleTitle: (s) => tr(s),
    commandDescription: (c) => tr(base.commandDescription(c)),
    subcommandDescription: (c) => tr(base.subcommandDescription(c)),
    argumentDescription: (a: Argument) => extras(base.argumentDescription(a), a.description, tr),
    optionDescription: (o: Option) => extras(base.optionDescription(o), o.description, tr),
  };
  const visit = (c: Command) => {
    c.configureHelp(help);
    c.configureOutput({
      // addHelpText blocks come through here whole; help itself is already translated and passes unchanged.
      writeOut: (s) => process.stdout.write(translateBlock(s, tr)),
      writeErr: (s) => process.stderr.write(translateBlock(s, tr)),
      outputError: (s, write) => write(translateCommanderError(s)),
    });
    for (const sub of c.commands) visit(sub);
  };
  visit(program);
  return program;
}

/** `full` is commander's description (`own` plus a `(default: …)` tail): `own` translated, the tail's words too. */
function extras(full: string, own: string, tr: (s: string) => string): string {
  const tail = own && full.startsWith(own) ? full.slice(own.length) : own ? '' : full;
  const words = tail.replace(/\b(default|choices|preset|env): /g, (_, w: string) => `${EXTRA_KO[w]}: `);
  return own ? tr(own) + words : words;
}

/** A whole written block whose text (without its surrounding newlines) is in the catalog. */
function translateBlock(s: string, tr: (s: string) => string): string {
  const core = s.trim();
  if (!core) return s;
  const t = tr(core);
  return t === core ? s : s.replace(core, () => t);
}
