/**
 * Removes secrets from anything F-MES writes or shows about a run: transcripts, logs, terminal output, error
 * messages, the audit log. Three nets: the exact values of secret-looking variables in the agent's environment
 * (whatever their shape); credentials written inline in a command (`PGPASSWORD=… psql`, `postgres://u:pw@h`,
 * `mysql -p…`, `curl -u user:pw`, `Authorization:` headers, `--token …`); and well-known token formats (in
 * case a tool prints one F-MES never saw). Inline credentials keep the command readable: only the value
 * becomes `***` (`curl -u alice:*** https://…`).
 *
 * The PreToolUse hook runs this on every tool call, so it imports nothing, and each pattern is made on its first
 * use (`once`), after a cheap test of the text: a pattern is parsed when its object is made, and making all of them
 * at load cost every hook call about 0.1 ms (bench/hook.mjs) though most texts need none. Each pattern is linear
 * (no nested quantifiers over overlapping classes).
 */
/** Words that make a variable's name secret-looking, anywhere in it and in any case. */
const SECRET_WORDS = ['KEY', 'TOKEN', 'SECRET', 'PASSWORD', 'PASSWD', 'CREDENTIAL', 'AUTH', 'COOKIE'];
/** Values that are flags, not secrets, whatever the name. */
const FLAG_VALUES = new Set(['0', '1', 'true', 'false']);

/** A secret-looking variable name (a word of SECRET_WORDS in it, in any case); exported for its test. */
export function secretName(name: string): boolean {
  const upper = name.toUpperCase();
  return SECRET_WORDS.some((w) => upper.includes(w));
}

const MASK = '***';

/** `make()`'s value, made on the first call. */
function once<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}

/** A shell word's value: quoted ('…' or "…") or a run up to a space or a shell operator. */
const VALUE = String.raw`(?:'[^']*'|"(?:[^"\\]|\\.)*"|[^\s;&|<>()'"\x60]+)`;

/**
 * Variable names whose value is a credential: `*_KEY`, `*_SECRET`, `*_TOKEN`, `*_PASS`, anything with
 * PASSWORD/PASSWD in it, `*_PAT`, `*_CREDENTIALS`; a whole word, so `MONKEY`, `BYPASS`, `TOKENIZER` and `PWD`
 * are not.
 */
const CREDENTIAL_VAR = String.raw`[A-Za-z0-9_]*(?:PASSWORD|PASSWD)[A-Za-z0-9_]*|(?:[A-Za-z0-9_]*_)?(?:KEY|SECRET|TOKEN|PASS|PAT|APIKEY|CREDENTIALS?|PASSPHRASE)`;

/** `NAME=value` (as a command prefix, after `export`, in `env …`), case-insensitive on the name. */
const ASSIGNMENT = once(
  () => new RegExp(String.raw`(^|[\s;&|(\x60'"])(${CREDENTIAL_VAR})=(?!\[REDACTED)(${VALUE})`, 'gi'),
);

/** `--password=…`, `--token …`, `--api-key …`, `--client-secret …`: not `--no-password`, not a next flag. */
const FLAG = once(
  () =>
    new RegExp(
      String.raw`(\s--(?!no-)(?:[a-z0-9]+-)*(?:password|passwd|pass|passphrase|token|secret|api-?key|access-key|secret-key|auth-token|access-token)(?:=|\s+))(?!-|\[REDACTED)(${VALUE})`,
      'gi',
    ),
);

/** What any FLAG match contains, lower-cased: `--wait`, `--force` and the other flags of a command skip FLAG. */
const FLAG_HINTS = ['pass', 'token', 'secret', 'key'];

/** `scheme://user:password@host`: the password only. */
const URL_CREDENTIALS = once(() => /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@'"]*):([^\s/'"]+)@/gi);

/**
 * Where a header is a header, not a word in prose: after `-H`/`--header` (curl, httpie, wget), at the start of a
 * quoted word, or at the start of a line (`> Authorization: …` in `curl -v` output).
 */
const HEADER_AT = String.raw`((?:^|[\r\n])[<>]?[ \t]*|(?:-H|--header)(?:[ \t]*|=)['"]?|['"])`;

/** `Authorization: Bearer …`, `Proxy-Authorization: Basic …`: the scheme stays, the credentials go. */
const AUTH_HEADER = once(
  () =>
    new RegExp(
      String.raw`${HEADER_AT}((?:Proxy-)?Authorization[ \t]*:[ \t]*)(?:(Bearer|Basic|Token|Digest|Bot|Negotiate|AWS4-HMAC-SHA256)[ \t]+)?([^\s'"]+)`,
      'gi',
    ),
);
/** `X-Api-Key: …`, `Private-Token: …`, `Cookie: …` and other headers that are credentials themselves. */
const KEY_HEADER = once(
  () =>
    new RegExp(
      String.raw`${HEADER_AT}((?:X-[A-Za-z-]*(?:Key|Token|Secret|Auth)|Api-Key|Private-Token|(?:Set-)?Cookie)[ \t]*:[ \t]*)([^'"\r\n]+)`,
      'gi',
    ),
);

/** What any KEY_HEADER match contains, lower-cased. */
const KEY_HEADER_HINTS = ['key', 'token', 'secret', 'auth', 'cookie'];

/** `"password": "…"` in JSON (a config written or printed). */
const JSON_FIELD = once(
  () =>
    /("(?:password|passwd|secret|token|api_?key|access_?token|client_?secret|private_?key)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi,
);

/**
 * Commands whose short options take a secret: mysql's `-p<pw>` (attached only: `-p pw` prompts, and `pw` is the
 * database), sshpass `-p pw`, redis-cli `-a pw`, curl/wget `-u user:pw` (`--user` anywhere). Looked for within
 * the command's own segment (up to `;`, `&`, `|` or a line end), so `psql -p 5432`, `mkdir -p x`, `sort -u`
 * stay as they are.
 */
const SEGMENT_RULES: readonly {
  hint: string;
  command: () => RegExp;
  option: () => RegExp;
  replace: string | ((...m: string[]) => string);
}[] = [
  {
    hint: '-p',
    command: once(
      () =>
        /(^|[\s;&|(\x60'"/])((?:mysql|mysqldump|mysqladmin|mysqlimport|mysqlshow|mysqlcheck|mysqlpump|mysqlsh|mariadb|mariadb-dump|mariadb-admin)\b[^;&|\n]*)/g,
    ),
    option: once(() => new RegExp(String.raw`(\s-p)(${VALUE})`, 'g')),
    replace: `$1${MASK}`,
  },
  {
    hint: 'sshpass',
    command: once(() => /(^|[\s;&|(\x60'"/])(sshpass\b[^;&|\n]*)/g),
    option: once(() => new RegExp(String.raw`(\s-p\s*)(${VALUE})`, 'g')),
    replace: `$1${MASK}`,
  },
  {
    hint: 'redis-cli',
    command: once(() => /(^|[\s;&|(\x60'"/])(redis-cli\b[^;&|\n]*)/g),
    option: once(() => new RegExp(String.raw`(\s(?:-a|--pass)\s+)(${VALUE})`, 'g')),
    replace: `$1${MASK}`,
  },
  {
    hint: '-u',
    command: once(() => /(^|[\s;&|(\x60'"/])((?:curl|wget|http|https|xh)\b[^;&|\n]*)/g),
    // `user:pw`, or quoted with spaces in it: `'user:p w'`.
    option: once(
      () => /(\s(?:-u|-U|--user|--proxy-user)(?:\s+|=)?)(?:(['"])([^'":\n]*):[^'"\n]*\2|([^\s:'"]+):[^\s'"]+)/g,
    ),
    replace: (
      _m: string,
      opt: string,
      quote: string | undefined,
      quotedUser: string | undefined,
      user: string | undefined,
    ) => (quote ? `${opt}${quote}${quotedUser}:${MASK}${quote}` : `${opt}${user}:${MASK}`),
  },
];

/**
 * Tokens recognised by their shape, replaced whole. Each with the literal text any match must contain: a pattern
 * whose literal is absent cannot match, so it is not run (in the hook, a regex run is a regex compiled, twice).
 */
export const TOKEN_SHAPES: readonly { hints: readonly string[]; re: () => RegExp }[] = [
  { hints: ['sk-ant-'], re: once(() => /\bsk-ant-[A-Za-z0-9_-]{8,}/g) },
  { hints: ['sk-'], re: once(() => /\bsk-(?:proj-)?[A-Za-z0-9_-]{16,}/g) },
  { hints: ['_live_', '_test_'], re: once(() => /\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}/g) },
  { hints: ['gh'], re: once(() => /\bgh[pousr]_[A-Za-z0-9]{20,}/g) },
  { hints: ['github_pat_'], re: once(() => /\bgithub_pat_[A-Za-z0-9_]{20,}/g) },
  { hints: ['xox'], re: once(() => /\bxox[abprse]-[A-Za-z0-9-]{10,}/g) },
  { hints: ['AKIA', 'ASIA'], re: once(() => /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g) },
  { hints: ['AIza'], re: once(() => /\bAIza[0-9A-Za-z_-]{35}\b/g) },
  { hints: ['glpat-'], re: once(() => /\bglpat-[A-Za-z0-9_-]{20,}/g) },
  { hints: ['npm_'], re: once(() => /\bnpm_[A-Za-z0-9]{36}\b/g) },
  { hints: ['eyJ'], re: once(() => /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g) },
  { hints: ['Bearer', 'Basic'], re: once(() => /\b(?:Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{16,}/g) },
  {
    hints: ['-----BEGIN '],
    re: once(() => /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g),
  },
];

/** Inline credentials and token shapes in `text` (no environment needed): what the audit log and the hook use. */
export function redactInline(text: string): string {
  let out = text;
  // Cheap tests first: most commands hold none of these, and a pattern never run is never compiled (the hook).
  const lower = text.toLowerCase();
  if (text.includes('=')) out = out.replace(ASSIGNMENT(), `$1$2=${MASK}`);
  if (text.includes('--') && FLAG_HINTS.some((h) => lower.includes(h))) out = out.replace(FLAG(), `$1${MASK}`);
  if (text.includes('://')) out = out.replace(URL_CREDENTIALS(), `$1:${MASK}@`);
  if (text.includes(':')) {
    if (lower.includes('authorization'))
      out = out.replace(
        AUTH_HEADER(),
        (_m, at: string, head: string, scheme: string | undefined) =>
          `${at}${head}${scheme ? `${scheme} ` : ''}${MASK}`,
      );
    if (KEY_HEADER_HINTS.some((h) => lower.includes(h))) out = out.replace(KEY_HEADER(), `$1$2${MASK}`);
    if (text.includes('"')) out = out.replace(JSON_FIELD(), `$1"${MASK}"`);
  }
  for (const { hint, command, option, replace } of SEGMENT_RULES) {
    if (!lower.includes(hint)) continue;
    const opt = option();
    out = out.replace(
      command(),
      (_m, before: string, segment: string) =>
        before + (typeof replace === 'string' ? segment.replace(opt, replace) : segment.replace(opt, replace)),
    );
  }
  for (const { hints, re } of TOKEN_SHAPES)
    if (hints.some((h) => out.includes(h))) out = out.replace(re(), '[REDACTED]');
  return out;
}

/** The patterns redactInline runs only when a hint is in the text, with their hints: for the test that holds them. */
export const GUARDED_PATTERNS: readonly { re: () => RegExp; hints: readonly string[] }[] = [
  { re: FLAG, hints: FLAG_HINTS },
  { re: KEY_HEADER, hints: KEY_HEADER_HINTS },
];

export class Redactor {
  private readonly values: { value: string; label: string }[];

  constructor(env: Readonly<Record<string, string | undefined>> = {}, extraSecrets: readonly string[] = []) {
    const found = new Map<string, string>();
    // The names first: each value of process.env is a call into Node, and most names are not secret-looking.
    for (const name of Object.keys(env)) {
      if (!secretName(name)) continue;
      const value = env[name];
      if (value && value.length >= 6 && !FLAG_VALUES.has(value.toLowerCase())) found.set(value, name);
    }
    for (const s of extraSecrets) if (s.length >= 6) found.set(s, 'secret');
    // Longest first, so a secret that contains another is replaced whole.
    this.values = [...found]
      .map(([value, label]) => ({ value, label }))
      .sort((a, b) => b.value.length - a.value.length);
  }

  redact(text: string): string {
    let out = text;
    for (const { value, label } of this.values)
      if (out.includes(value)) out = out.split(value).join(`[REDACTED:${label}]`);
    return redactInline(out);
  }
}
