// What an agent run needs from outside: the workspace, config, adapter, stores, clock and spend of other runs.
import type { LockEntry } from '../../sandbox/policy';
import type { Clock } from '../../clock';
import type { FmesConfig } from '../../config';
import type { Logger } from '../../log';
import type { AgentAdapter } from '../adapters';
import type { PriceTable } from '../pricing';
import type { SessionStore } from '../sessionStore';

export interface AgentRunDeps {
  root: string;
  config: FmesConfig;
  adapter: AgentAdapter;
  sessions: SessionStore;
  prices: PriceTable;
  log: Logger;
  clock: Clock;
  /** Spend today outside this run: the day's cost log plus other live runs. */
  spentElsewhereToday(runId: string): number;
  parentEnv: Readonly<Record<string, string | undefined>>;
  /** How to start F-MES's hook (dist/hook.cjs); without it sessions get no F-MES hooks. */
  hook?: { script: string; node: string; electronAsNode?: boolean };
  /**
   * With a remote lock backend (Redis), its holders when the run starts: the sandbox makes them read-only beside
   * what `.locks/` and `.agent_lock` markers of this checkout hold.
   */
  remoteLocks?: () => Promise<LockEntry[]>;
}
