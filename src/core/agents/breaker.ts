import { formatUsd } from '../cost/costLedger';
import type { RunEndReason } from './types';

export interface RunLimits {
  maxTurns: number;
  /** This run's budget in USD. */
  budgetUsd: number;
  timeoutMs: number;
  /** The global daily budget across all agents and sessions (0: none). */
  dailyBudgetUsd: number;
}

export interface Breach {
  reason: Extract<RunEndReason, 'maxTurns' | 'budget' | 'dailyBudget' | 'timeout'>;
  message: string;
}

/**
 * Decides when a run must be stopped. Pure: the runner feeds it turns, costs and time, and kills the process
 * tree on the first breach it returns. It trips once; later calls return nothing.
 */
export class CircuitBreaker {
  private tripped: Breach | undefined;

  constructor(readonly limits: RunLimits) {}

  get breach(): Breach | undefined {
    return this.tripped;
  }

  /** The model began reply `n` of this run. Reply maxTurns + 1 is one too many. */
  onTurn(n: number): Breach | undefined {
    if (n > this.limits.maxTurns)
      return this.trip({ reason: 'maxTurns', message: `turn limit reached: ${this.limits.maxTurns} turns` });
    return undefined;
  }

  /** `runUsd`: this run's cost so far; `otherTodayUsd`: everything else spent today (logged and other live runs). */
  onCost(runUsd: number, otherTodayUsd: number): Breach | undefined {
    if (runUsd > this.limits.budgetUsd) {
      return this.trip({
        reason: 'budget',
        message: `run budget reached: ${formatUsd(runUsd)} of ${formatUsd(this.limits.budgetUsd)}`,
      });
    }
    const daily = this.limits.dailyBudgetUsd;
    if (daily > 0 && otherTodayUsd + runUsd > daily) {
      return this.trip({
        reason: 'dailyBudget',
        message: `daily budget reached: ${formatUsd(otherTodayUsd + runUsd)} of ${formatUsd(daily)} today across all agents`,
      });
    }
    return undefined;
  }

  onTime(elapsedMs: number): Breach | undefined {
    if (elapsedMs >= this.limits.timeoutMs)
      return this.trip({
        reason: 'timeout',
        message: `time limit reached: ${Math.round(this.limits.timeoutMs / 1000)} s`,
      });
    return undefined;
  }

  /** Whether a new run may start at all given what was spent today. */
  static canStart(limits: RunLimits, spentTodayUsd: number): Breach | undefined {
    if (limits.dailyBudgetUsd > 0 && spentTodayUsd >= limits.dailyBudgetUsd) {
      return {
        reason: 'dailyBudget',
        message: `daily budget already spent: ${formatUsd(spentTodayUsd)} of ${formatUsd(limits.dailyBudgetUsd)}`,
      };
    }
    return undefined;
  }

  private trip(b: Breach): Breach | undefined {
    if (this.tripped) return undefined;
    this.tripped = b;
    return b;
  }
}
