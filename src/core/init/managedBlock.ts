/**
 * A block of a text file F-MES manages, between marker lines, so it can be updated again and again without
 * touching a character of what people wrote around it.
 */
export interface Markers {
  begin: string;
  end: string;
}

export const markdownMarkers = (name: string): Markers => ({
  begin: `<!-- fmes:begin ${name} -->`,
  end: `<!-- fmes:end ${name} -->`,
});
export const hashMarkers = (name: string): Markers => ({ begin: `# fmes:begin ${name}`, end: `# fmes:end ${name}` });

/** The text between the markers (without them), if the block is there. */
export function readBlock(text: string, m: Markers): string | undefined {
  const i = text.indexOf(m.begin);
  const j = text.indexOf(m.end, i + m.begin.length);
  if (i < 0 || j < 0) return undefined;
  return text
    .slice(i + m.begin.length, j)
    .replace(/^\r?\n/, '')
    .replace(/\r?\n$/, '');
}

/** The text with the block replaced, or appended (after a blank line) when it is not there yet. */
export function upsertBlock(text: string, m: Markers, body: string): string {
  const block = `${m.begin}\n${body.replace(/\n+$/, '')}\n${m.end}`;
  const i = text.indexOf(m.begin);
  const j = i < 0 ? -1 : text.indexOf(m.end, i + m.begin.length);
  if (i >= 0 && j >= 0) return text.slice(0, i) + block + text.slice(j + m.end.length);
  if (text.trim() === '') return `${block}\n`;
  return `${text.replace(/\n*$/, '\n\n')}${block}\n`;
}
