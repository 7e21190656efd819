/**
 * What `\s` matches in a JavaScript regular expression: white space (tab, vertical tab, form feed, space, no-break
 * space, the byte order mark, the other Zs spaces) and line terminators. For the hand-written scanners that stand
 * in for a pattern in the hook (a pattern is compiled on its first runs, twice); test/unit/hot/jsSpace.test.ts
 * holds it to `\s` for every UTF-16 code unit.
 */
export function isJsSpace(c: number): boolean {
  switch (c) {
    case 0x09:
    case 0x0a:
    case 0x0b:
    case 0x0c:
    case 0x0d:
    case 0x20:
    case 0xa0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202f:
    case 0x205f:
    case 0x3000:
    case 0xfeff:
      return true;
    default:
      return c >= 0x2000 && c <= 0x200a;
  }
}
