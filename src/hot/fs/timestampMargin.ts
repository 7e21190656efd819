/**
 * How far a file time may lag the moment of the change it stamps. The kernel stamps file times from a coarse
 * clock (up to one tick, ≤ 10 ms, behind real time), and a file system may round them down to its
 * granularity: a time on a whole second suggests one that keeps whole seconds (ext4 with small inodes,
 * HFS+) or two (FAT).
 */
export const FINE_MARGIN_MS = 50;
export const COARSE_MARGIN_MS = 2_100;

/** The margin to allow for a file time `ms` read from a file system (see above). */
export function timestampMargin(ms: number): number {
  return ms % 1000 === 0 ? COARSE_MARGIN_MS : FINE_MARGIN_MS;
}
