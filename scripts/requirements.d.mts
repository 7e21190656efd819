// Types for requirements.mjs, so unit tests can import it.
export interface Requirement {
  what: string;
  why: string;
  check: () => boolean;
  apt?: string;
  brew?: string;
  when: (o: { smoke: boolean; codeServerInstalled: boolean }) => boolean;
}
export const MIN_NODE: [number, number];
export const REQUIREMENTS: Requirement[];
export function codeServerInstalled(): boolean;
export function missingRequirements(o?: { smoke?: boolean; installed?: boolean; list?: Requirement[] }): Requirement[];
export function installCommand(
  missing: Requirement[],
  o?: { platform?: string; root?: boolean; hasApt?: boolean; hasBrew?: boolean },
): string | undefined;
export function checkRequirements(o?: {
  smoke?: boolean;
  out?: { write(s: string): unknown };
  interactive?: boolean;
}): Promise<boolean>;
