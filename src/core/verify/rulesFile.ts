import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { stripBom } from '../artifacts/frontMatter';
import { ArtifactError } from '../errors';
import { toArtifactIssues } from '../schemas/common';
import { RULES_FILE } from './rulesExample';
import { type RulesFile, rulesFileSchema } from './rulesSchema';
import { schemaText } from '../i18n/schemaText';

/**
 * Parses the text of a rules file. Never returns a half-read file: a YAML error or any schema issue throws an
 * ArtifactError naming the file and each field (`rules.2.pattern: …`), since a rule silently dropped is a
 * check silently skipped.
 */
export function parseRules(text: string, file = RULES_FILE): RulesFile {
  const body = stripBom(text);
  if (body.trim() === '') return rulesFileSchema.parse({});
  const lineCounter = new LineCounter();
  const doc = parseDocument(body, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0)
    throw new ArtifactError(
      'syntax',
      file,
      doc.errors.map((e) => {
        const { line, col } = lineCounter.linePos(e.pos[0]);
        return { field: '', message: schemaText('lineColumn', { line, col, said: e.message.split('\n')[0] }) };
      }),
    );
  const data: unknown = doc.toJS({ maxAliasCount: 50 });
  const r = rulesFileSchema.safeParse(data ?? {});
  if (!r.success) throw new ArtifactError('schema', file, toArtifactIssues(r.error));
  return r.data;
}

/** The workspace's rules, or undefined when it has no rules file. */
export async function loadRules(root: string): Promise<RulesFile | undefined> {
  const text = await readFile(path.join(root, RULES_FILE), 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw new ArtifactError('unreadable', RULES_FILE, [{ field: '', message: e.message }]);
  });
  return text === undefined ? undefined : parseRules(text);
}
