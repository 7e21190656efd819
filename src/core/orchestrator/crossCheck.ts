import { covers } from '../../hot/paths/workspacePath';
import type { CrossCheck } from '../schemas/mission';
import type { Report } from '../schemas/report';
import { comparablePath } from './overlap';

/**
 * Compares what a plan declared with what its branch changed (and what the agent's report claims).
 * - `undeclared`: changed files no declared path covers (a declared folder covers everything inside it).
 * - `reportMismatch`: report entries the branch did not change, then changed files the report leaves out; only
 *   when a report is given. A report entry naming a folder accounts for the changed files inside it.
 * - `failedTests`: the report's failed test count.
 * - `ok`: nothing undeclared and no failed tests. A mismatch alone is a warning, not a hold: the branch's diff
 *   is the truth that gets merged, and agents often forget a file in their report or list one they reverted.
 * Paths come back normalised (POSIX, no `./`, folders without their trailing `/`), each once, in input order.
 */
export function crossCheck(declared: readonly string[], changed: readonly string[], report?: Report): CrossCheck {
  const decl = declared.map(comparablePath);
  const chg = unique(changed.map(comparablePath));
  const undeclared = chg.filter((c) => !decl.some((d) => covers(d, c)));
  const result: CrossCheck = { changed: chg, undeclared, reportMismatch: [], ok: undeclared.length === 0 };
  if (report) {
    const claimed = unique(report.changedFiles.map(comparablePath));
    result.reportMismatch = unique([
      ...claimed.filter((r) => !chg.some((c) => covers(r, c))),
      ...chg.filter((c) => !claimed.some((r) => covers(r, c))),
    ]);
    if (report.tests) {
      result.failedTests = report.tests.failed;
      if (report.tests.failed > 0) result.ok = false;
    }
  }
  return result;
}

function unique(xs: readonly string[]): string[] {
  return [...new Set(xs)];
}
