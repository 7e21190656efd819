/**
 * The files a Codex `apply_patch` patch touches: `*** Add File: p`, `*** Update File: p`, `*** Delete File: p`
 * and the destination of `*** Move to: p` (the format Codex documents; Add/Update measured, Delete/Move from the
 * format). Paths are as written, relative to the call's cwd unless absolute. Leading and trailing blanks around a
 * header are tolerated, as Codex's own parser tolerates them.
 */
const HEADER = /^\s*\*\*\* (?:Add File|Update File|Delete File|Move to): (.*?)\s*$/;

export function patchFiles(patch: string): string[] {
  const out: string[] = [];
  for (const line of patch.split(/\r?\n/)) {
    const m = HEADER.exec(line);
    if (m && m[1] !== '' && !out.includes(m[1])) out.push(m[1]);
  }
  return out;
}
