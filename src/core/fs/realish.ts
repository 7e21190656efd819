import * as fs from 'node:fs';
import * as path from 'node:path';

/** The real path of `p`, or of its nearest existing ancestor joined with the rest (for paths not made yet). */
export function realish(p: string): string {
  const rest: string[] = [];
  let cur = path.resolve(p);
  for (;;) {
    try {
      return path.join(fs.realpathSync.native(cur), ...rest.reverse());
    } catch {
      const up = path.dirname(cur);
      if (up === cur) return path.join(cur, ...rest.reverse());
      rest.push(path.basename(cur));
      cur = up;
    }
  }
}
