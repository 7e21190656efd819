// The run's transcript: one redacted JSON line per event, appended to `.fmes/runs/<task>/<run>.jsonl`.
import * as fs from 'node:fs';
import { errorMessage } from '../../errors';
import type { Logger } from '../../log';
import type { Redactor } from '../../../hot/safety/redact';

export class RunTranscript {
  constructor(
    readonly file: string,
    private readonly redactor: Redactor,
    private readonly log: Logger,
  ) {}

  write(obj: object): void {
    this.raw(JSON.stringify(obj));
  }

  raw(line: string): void {
    try {
      fs.appendFileSync(this.file, `${this.redactor.redact(line)}\n`);
    } catch (e) {
      this.log.warn(`transcript ${this.file}: ${errorMessage(e)}`);
    }
  }
}
