import * as fs from 'node:fs';
import * as path from 'node:path';
import type { MissionRecord } from '../schemas/mission';
import type { VerifyView } from '../../shared/verifyView';

/** Pictures past this size are linked, not inlined. */
const MAX_INLINE_BYTES = 3 * 1024 * 1024;

/** A workspace PNG as a data URL; undefined when it is missing, too big, not a PNG, or outside the workspace. */
function inline(root: string, rel: string | undefined): string | undefined {
  if (!rel) return undefined;
  const abs = path.resolve(root, rel);
  if (!abs.startsWith(path.resolve(root) + path.sep)) return undefined;
  try {
    const st = fs.lstatSync(abs);
    if (!st.isFile() || st.size > MAX_INLINE_BYTES) return undefined;
    const data = fs.readFileSync(abs);
    if (data.subarray(0, 8).toString('hex') !== '89504e470d0a1a0a') return undefined;
    return `data:image/png;base64,${data.toString('base64')}`;
  } catch {
    return undefined;
  }
}

/**
 * The verification part of a mission row. Pictures are inlined only while a person decides the merge (`withImages`):
 * the state is rebuilt on every file change, and old missions need no pictures in it.
 */
export function verifyView(root: string, m: MissionRecord, withImages: boolean): VerifyView | undefined {
  if (!m.rules && !m.proof && !m.review && !m.replans?.length) return undefined;
  const p = m.proof;
  return {
    rules: m.rules && {
      violations: m.rules.violations.map((v) => ({
        rule: v.rule,
        file: v.file,
        line: v.line,
        message: v.message,
        source: v.source,
      })),
      unchecked: m.rules.unchecked,
      audit: m.rules.audit && `${m.rules.audit.agent}: ${m.rules.audit.message}`,
    },
    proof: p && {
      url: p.url,
      image: withImages ? inline(root, p.image) : undefined,
      baseImage: withImages ? inline(root, p.baseImage) : undefined,
      diffImage: withImages ? inline(root, p.diffImage) : undefined,
      imageFile: p.image,
      diffFile: p.diffImage,
      changedShare: p.changedShare,
      changed: p.changed,
      consoleErrors: p.consoleErrors,
      error: p.error,
    },
    review: m.review && {
      agent: m.review.agent,
      verdict: m.review.verdict,
      summary: m.review.summary,
      comments: m.review.comments,
      rounds: m.review.rounds,
    },
    replans: m.replans,
  };
}
