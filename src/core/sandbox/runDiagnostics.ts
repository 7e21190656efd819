import * as fs from 'node:fs';
import * as path from 'node:path';

const NO_FOLLOW = fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK;

/**
 * What a sandboxed run leaves for a person to read when its traffic fails: the relays' own error lines, and the
 * error reports an agent CLI writes to its temp dir (Gemini's `gemini-client-error-*.json`), which would go with
 * the run's temp dir. Both are read after each attempt.
 */
export class RunDiagnostics {
  private relayRead = 0;
  private readonly kept = new Set<string>();

  constructor(
    private readonly o: {
      /** The relays' stderr, appended by socat inside the sandbox. */
      relayLog: string;
      /** The run's temp dir (TMPDIR inside). */
      tmpDir: string;
      /** Where to keep the CLI's error reports (the run's transcript folder); none: not kept. */
      keepDir?: string;
      /** Prefix of a kept report's name (the run id). */
      keepPrefix: string;
      /** The run's redactor: a report can quote what the agent sent. */
      redact(text: string): string;
    },
  ) {}

  /** New relay error lines since the last call (at most `max`, the rest counted). */
  relayErrors(max = 10): string[] {
    let text: string;
    try {
      // The agent can write its temp dir: a link put in place of the log is not followed (it could name a file
      // the sandbox hides, and these lines go to the transcript the agent can read), nor is anything but a file.
      const fd = fs.openSync(this.o.relayLog, NO_FOLLOW);
      try {
        const st = fs.fstatSync(fd);
        if (!st.isFile()) return [];
        const size = st.size;
        // Only the last 64 KiB of what is new: a relay that fails on every connection writes a lot.
        const from = Math.max(this.relayRead, size - 65_536);
        const buf = Buffer.alloc(Math.max(0, size - from));
        fs.readSync(fd, buf, 0, buf.length, from);
        this.relayRead = size;
        text = buf.toString('utf8');
      } finally {
        fs.closeSync(fd);
      }
    } catch {
      return [];
    }
    const lines = text.split('\n').filter((l) => l.trim() !== '');
    return lines.length > max ? [...lines.slice(0, max), `… and ${lines.length - max} more`] : lines;
  }

  /** Copies the CLI's error reports (redacted) from the temp dir into keepDir; returns where each went. */
  keepReports(): string[] {
    const { keepDir, tmpDir, keepPrefix } = this.o;
    if (!keepDir) return [];
    let names: string[];
    try {
      names = fs.readdirSync(tmpDir).filter((n) => /^gemini-client-error-[\w.-]+\.json$/.test(n));
    } catch {
      return [];
    }
    const out: string[] = [];
    for (const n of names) {
      if (this.kept.has(n)) continue;
      this.kept.add(n);
      const to = path.join(keepDir, `${keepPrefix}.${n}`);
      try {
        // Opened without following a link: the agent wrote this folder, and a report it swapped for a link to
        // a file it cannot read must not be copied where it can.
        const text = readSmallFile(path.join(tmpDir, n));
        if (text === undefined) continue;
        fs.mkdirSync(keepDir, { recursive: true });
        fs.writeFileSync(to, this.o.redact(text), { flag: 'wx', mode: 0o600 });
        out.push(to);
      } catch {
        // Gone, or already kept: nothing to say.
      }
    }
    return out;
  }
}

/** A regular file's text, read through a descriptor opened without following links; undefined otherwise. */
function readSmallFile(file: string, max = 1 << 20): string | undefined {
  const fd = fs.openSync(file, NO_FOLLOW);
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) return undefined;
    const buf = Buffer.alloc(Math.min(st.size, max));
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n).toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
}
