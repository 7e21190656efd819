import { formatUsd } from '../cost/costLedger';
import type { RunEvent } from './runTypes';
import type { Locale } from '../i18n/locale';
import { END_KO } from '../i18n/outcomeText';

/** ANSI styles; empty strings when colour is off. */
interface Style {
  dim: string;
  bold: string;
  red: string;
  green: string;
  yellow: string;
  cyan: string;
  magenta: string;
  reset: string;
}

const ANSI: Style = {
  dim: '\x1b[2m',
  bold: '\x1b[1m',
  red: '\x1b[31m',
  green: '\x1b[32m',
  yellow: '\x1b[33m',
  cyan: '\x1b[36m',
  magenta: '\x1b[35m',
  reset: '\x1b[0m',
};
const PLAIN: Style = { dim: '', bold: '', red: '', green: '', yellow: '', cyan: '', magenta: '', reset: '' };

function clip(s: string, max: number): string {
  const one = s.replace(/\s+$/g, '');
  return one.length > max ? `${one.slice(0, max)}… (${one.length - max} more characters)` : one;
}

function toolSummary(tool: string, input: unknown): string {
  if (input && typeof input === 'object') {
    const o = input as Record<string, unknown>;
    const key = ['command', 'file_path', 'path', 'pattern', 'url', 'query'].find((k) => typeof o[k] === 'string');
    if (key) return `${tool} ${clip(String(o[key]), 200)}`;
  }
  return `${tool} ${clip(JSON.stringify(input ?? {}), 200)}`;
}

/** The end of a run in Korean: the reason's headline, then its English message (it carries the numbers). */
function endKo(o: Extract<RunEvent, { type: 'end' }>['outcome'], s: Style): string[] {
  const colour = o.ok ? s.green : s.red;
  return [
    `${colour}${s.bold}${o.ok ? '✔' : '✘'} ${o.taskId}: ${o.reason} — ${END_KO[o.reason]} (${o.message})${s.reset}`,
    `${s.dim}비용 ${formatUsd(o.costUsd)} · ${o.turns}턴 · 시도 ${o.attempts}회${o.denials ? ` · 거부된 도구 호출 ${o.denials}개` : ''} · 세션 ${o.sessionId ?? '-'} · 기록 ${o.transcript}${s.reset}`,
    ...o.pendingApprovals.map(
      (id) => `${s.yellow}승인 ${id} 대기 중: fmes approve ${id} (또는 reject) 후 작업을 재개하세요${s.reset}`,
    ),
  ];
}

/**
 * A run as people read it, one event at a time: the integrated terminal (with colour) and `fmes run`
 * (plain when not on a TTY) print the same transcript. Text is already redacted by the run.
 */
export function renderRunEvent(e: RunEvent, options: { color: boolean; locale?: Locale }): string[] {
  const s = options.color ? ANSI : PLAIN;
  switch (e.type) {
    case 'attempt':
      return [
        `${s.dim}── attempt ${e.attempt}: ${e.command} ${e.args.join(' ')}${e.sessionId ? ` (${e.session} session ${e.sessionId})` : ''} in ${e.cwd}${s.reset}`,
      ];
    case 'stderr':
      return e.line.trim() ? [`${s.dim}${clip(e.line, 400)}${s.reset}`] : [];
    case 'cost':
      return [];
    case 'breach':
      return [`${s.red}${s.bold}■ circuit breaker: ${e.breach.message}; stopping the agent${s.reset}`];
    case 'killed':
      return [
        `${s.dim}process tree stopped in ${e.ms} ms${e.forced ? ` (${e.forced} needed SIGKILL)` : ''}${e.survivors ? `; ${s.red}${e.survivors} survived${s.reset}` : ''}${s.reset}`,
      ];
    case 'retry':
      return [
        `${s.yellow}↻ ${e.message}; retrying in ${Math.round(e.delayMs / 1000)} s (attempt ${e.attempt})${s.reset}`,
      ];
    case 'fallback':
      return [`${s.yellow}${e.message}${s.reset}`];
    case 'end': {
      const o = e.outcome;
      if (options.locale === 'ko') return endKo(o, s);
      const colour = o.ok ? s.green : s.red;
      return [
        `${colour}${s.bold}${o.ok ? '✔' : '✘'} ${o.taskId}: ${o.reason} — ${o.message}${s.reset}`,
        `${s.dim}cost ${formatUsd(o.costUsd)} · ${o.turns} turns · ${o.attempts} attempt(s)${o.denials ? ` · ${o.denials} denied tool call(s)` : ''} · session ${o.sessionId ?? '-'} · transcript ${o.transcript}${s.reset}`,
        ...o.pendingApprovals.map(
          (id) => `${s.yellow}approval ${id} pending: fmes approve ${id} (or reject), then resume the task${s.reset}`,
        ),
      ];
    }
    case 'agent': {
      const a = e.event;
      switch (a.type) {
        case 'init':
          return [`${s.dim}session ${a.sessionId}${a.model ? ` · ${a.model}` : ''}${s.reset}`];
        case 'turn':
          return [];
        case 'text':
          return clip(a.text, 4000).split('\n');
        case 'toolUse':
          return [`${s.cyan}▶ ${toolSummary(a.tool, a.input)}${s.reset}`];
        case 'toolResult': {
          const out = clip(a.output, 600);
          return [
            `${a.ok ? s.dim : s.red}  ${a.ok ? '↳' : '✘'} ${out.split('\n').join('\n    ') || '(no output)'}${s.reset}`,
          ];
        }
        case 'denial':
          return [`${s.magenta}⛔ denied: ${toolSummary(a.denial.tool, a.denial.input)}${s.reset}`];
        case 'usage':
          return [];
        case 'result':
          return a.result.denials.length
            ? [`${s.magenta}${a.result.denials.length} tool call(s) denied in this session${s.reset}`]
            : [];
        case 'unknown':
          return [];
      }
    }
  }
}
