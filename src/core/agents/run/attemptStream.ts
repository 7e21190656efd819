// Following one attempt's output: stdout parsed into agent events (session, turns and spend, each checked
// against the limits), stderr kept as a tail; both transcribed and announced.
import { errorMessage } from '../../errors';
import type { Redactor } from '../../../hot/safety/redact';
import { addUsage, type AgentEvent } from '../types';
import type { Attempt } from './attempt';
import { tallyCostUsd, type RunHost } from './runContext';

export function onStdoutLine(h: RunHost, a: Attempt, line: string): void {
  h.transcript.raw(line);
  for (const ev of a.parser.parseLine(line)) {
    a.audit.onEvent(ev);
    h.launcher()?.observe(ev);
    onAgentEvent(h, a, ev);
    h.fire({ type: 'agent', event: redactEvent(ev, h.redactor) });
  }
}

/** Session id, turns and spend as the stream reports them, each checked against the limits. */
function onAgentEvent(h: RunHost, a: Attempt, ev: AgentEvent): void {
  const { deps, request, tally } = h;
  switch (ev.type) {
    case 'init':
      tally.sessionId = ev.sessionId;
      a.lastModel = ev.model ?? a.lastModel;
      void deps.sessions
        .put(request.taskId, h.agentId, {
          cli: request.cli,
          sessionId: ev.sessionId,
          totalCostUsd: ev.sessionId === a.resumeId ? a.base : 0,
        })
        .catch((e: unknown) => deps.log.warn(`session store: ${errorMessage(e)}`));
      break;
    case 'turn':
      a.turns = ev.n;
      tally.turns++;
      h.checkBreach(h.breaker.onTurn(tally.turns));
      break;
    case 'usage': {
      a.usage = addUsage(a.usage, ev.usage);
      a.lastModel = ev.model ?? a.lastModel;
      tally.liveUsd = deps.prices.costOf(a.usage, a.lastModel);
      const now = deps.clock.now();
      if (now - a.lastSpentCheck > 1000) {
        a.lastSpentCheck = now;
        a.spentElsewhere = deps.spentElsewhereToday(h.runId);
      }
      h.fire({ type: 'cost', costUsd: tallyCostUsd(tally), turns: tally.turns });
      h.checkBreach(h.breaker.onCost(tallyCostUsd(tally), a.spentElsewhere));
      break;
    }
    case 'result':
      a.result = ev.result;
      break;
    case 'unknown':
      deps.log.debug(`${request.cli} stream: ${ev.why}: ${h.redactor.redact(ev.line).slice(0, 200)}`);
      break;
    default:
      break;
  }
}

export function onStderrLine(h: RunHost, a: Attempt, line: string): void {
  const red = h.redactor.redact(line);
  a.stderrTail.push(red);
  if (a.stderrTail.length > 200) a.stderrTail.shift();
  h.transcript.write({ fmes: 'stderr', line: red });
  h.fire({ type: 'stderr', line: red });
}

function redactEvent<E>(e: E, r: Redactor): E {
  return JSON.parse(r.redact(JSON.stringify(e))) as E;
}
