import * as fs from 'node:fs';
import * as path from 'node:path';
import { costRecordSchema, type CostRecord, type CostRecordInput } from '../schemas/costLog';
import { costLogFile, localDay } from './costLedger';

/**
 * Appends one validated record to the day's cost log. One `write` of one line on a file opened with
 * O_APPEND: concurrent writers (several agents, the CLI and the editor) never interleave or overwrite
 * each other's lines, and readers never see a line half-written for longer than the write itself.
 * (temp + rename would be wrong here: two writers would each replace the other's lines.)
 */
export async function appendCostRecord(root: string, input: CostRecordInput): Promise<CostRecord> {
  const record = costRecordSchema.parse(input);
  const file = costLogFile(root, localDay(Date.parse(record.ts)));
  await fs.promises.mkdir(path.dirname(file), { recursive: true });
  const fh = await fs.promises.open(file, 'a');
  try {
    await fh.write(`${JSON.stringify(record)}\n`);
  } finally {
    await fh.close();
  }
  return record;
}
