import type { Usage } from './types';

/** USD per million tokens. */
export interface Price {
  input: number;
  output: number;
  cacheRead?: number;
  cacheWrite?: number;
}

/**
 * List prices by model-name prefix (USD per million tokens), used for CLIs that report tokens but no cost
 * (Gemini, Codex) and for Claude's live estimate before its own figure arrives. Approximate public list
 * prices; set `fmes.prices` (or `prices` in .fmes/config.json) for your contract. The longest matching
 * prefix wins; `*` is the fallback.
 */
export const DEFAULT_PRICES: Readonly<Record<string, Price>> = {
  'claude-opus': { input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25 },
  'claude-sonnet': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
  'claude-haiku': { input: 1, output: 5, cacheRead: 0.1, cacheWrite: 1.25 },
  'gemini-': { input: 1.25, output: 10, cacheRead: 0.31 },
  'gemini-flash': { input: 0.3, output: 2.5, cacheRead: 0.075 },
  'gemini-2.5-flash': { input: 0.3, output: 2.5, cacheRead: 0.075 },
  'gemini-3.5-flash': { input: 0.3, output: 2.5, cacheRead: 0.075 },
  'gemini-3.5-flash-lite': { input: 0.1, output: 0.4, cacheRead: 0.025 },
  'gpt-': { input: 1.25, output: 10, cacheRead: 0.125 },
  o3: { input: 2, output: 8, cacheRead: 0.5 },
  'o4-mini': { input: 1.1, output: 4.4, cacheRead: 0.275 },
  '*': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
};

export class PriceTable {
  private readonly entries: [string, Price][];

  constructor(overrides: Readonly<Record<string, Price>> = {}) {
    const merged = { ...DEFAULT_PRICES, ...overrides };
    // Longest prefix first, so `gemini-3.5-flash-lite` beats `gemini-3.5-flash` beats `gemini-`.
    this.entries = Object.entries(merged).sort((a, b) => b[0].length - a[0].length);
  }

  priceOf(model: string | undefined): Price {
    const m = (model ?? '').toLowerCase();
    for (const [prefix, price] of this.entries) if (prefix !== '*' && m.startsWith(prefix.toLowerCase())) return price;
    return this.entries.find(([p]) => p === '*')?.[1] ?? DEFAULT_PRICES['*'];
  }

  costOf(usage: Usage, model: string | undefined): number {
    const p = this.priceOf(model);
    const usd =
      usage.inputTokens * p.input +
      usage.outputTokens * p.output +
      usage.cacheReadTokens * (p.cacheRead ?? p.input) +
      usage.cacheWriteTokens * (p.cacheWrite ?? p.input);
    return usd / 1_000_000;
  }

  costOfModels(byModel: Readonly<Record<string, Usage>>): number {
    return Object.entries(byModel).reduce((sum, [model, u]) => sum + this.costOf(u, model), 0);
  }
}
