/**
 * Removes secrets from anything F-MES writes or shows about a run: transcripts, logs, terminal output, error
 * messages. Two nets: the exact values of secret-looking variables in the agent's environment (whatever
 * their shape), and patterns of well-known token formats (in case a tool prints one F-MES never saw).
 */
const SECRET_NAME = /(KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|AUTH|COOKIE)/i;

const PATTERNS: readonly RegExp[] = [
  /\bsk-ant-[A-Za-z0-9_-]{8,}/g,
  /\bsk-(?:proj-)?[A-Za-z0-9_-]{16,}/g,
  /\bgh[pousr]_[A-Za-z0-9]{20,}/g,
  /\bgithub_pat_[A-Za-z0-9_]{20,}/g,
  /\bxox[abprs]-[A-Za-z0-9-]{10,}/g,
  /\bAKIA[0-9A-Z]{16}\b/g,
  /\bAIza[0-9A-Za-z_-]{35}\b/g,
  /\bglpat-[A-Za-z0-9_-]{20,}/g,
  /\b(?:Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{16,}/g,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
];

export class Redactor {
  private readonly values: { value: string; label: string }[];

  constructor(env: Readonly<Record<string, string | undefined>> = {}, extraSecrets: readonly string[] = []) {
    const found = new Map<string, string>();
    for (const [name, value] of Object.entries(env)) {
      if (value && value.length >= 6 && SECRET_NAME.test(name) && !/^(0|1|true|false)$/i.test(value)) found.set(value, name);
    }
    for (const s of extraSecrets) if (s.length >= 6) found.set(s, 'secret');
    // Longest first, so a secret that contains another is replaced whole.
    this.values = [...found].map(([value, label]) => ({ value, label })).sort((a, b) => b.value.length - a.value.length);
  }

  redact(text: string): string {
    let out = text;
    for (const { value, label } of this.values) if (out.includes(value)) out = out.split(value).join(`[REDACTED:${label}]`);
    for (const re of PATTERNS) out = out.replace(re, '[REDACTED]');
    return out;
  }
}
