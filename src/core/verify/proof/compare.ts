import { PNG } from 'pngjs';

export interface Comparison {
  /** Share of pixels that differ (0..1); 1 when the sizes differ. */
  share: number;
  /** The difference image: changed pixels in red over a faded copy of the base. */
  diff: Buffer;
}

/** Compares two PNG screenshots with pixelmatch (anti-aliasing ignored, default threshold). */
export async function comparePngs(base: Buffer, head: Buffer): Promise<Comparison> {
  const { default: pixelmatch } = await import('pixelmatch');
  const a = PNG.sync.read(base);
  const b = PNG.sync.read(head);
  if (a.width !== b.width || a.height !== b.height) {
    // No pixel lines up: the whole head picture is the difference.
    return { share: 1, diff: head };
  }
  const out = new PNG({ width: a.width, height: a.height });
  const n = pixelmatch(a.data, b.data, out.data, a.width, a.height, { threshold: 0.1 });
  return { share: n / (a.width * a.height), diff: PNG.sync.write(out) };
}
