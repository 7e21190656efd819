import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseLockText } from './lockFile';

/**
 * `.agent_lock` markers: the seed convention where an agent drops a file named `.agent_lock` into a folder
 * it is working in. F-MES treats such a folder as locked by whoever the marker names. The marker may hold a
 * lock record (JSON) or free text; the first word of free text is taken as the agent.
 */
export const AGENT_MARKER = '.agent_lock';

/** Folders never searched for markers: they are large and never hold agents' work in place. */
const SKIP_DIRS = new Set(['.git', 'node_modules', '.locks', '.trees', '.vscode-test']);

export interface AgentMarker {
  /** Absolute path of the `.agent_lock` file. */
  file: string;
  agent: string | undefined;
  intent: string | undefined;
  text: string;
}

export function readAgentMarker(dirAbs: string): AgentMarker | undefined {
  const file = path.join(dirAbs, AGENT_MARKER);
  let st: fs.Stats | undefined;
  try {
    st = fs.statSync(file, { throwIfNoEntry: false });
  } catch {
    return undefined; // ENOTDIR: `dirAbs` is a file (a lock on a path below a file), so no marker can be there
  }
  if (!st?.isFile()) return undefined;
  let text = '';
  try {
    text = fs.readFileSync(file, 'utf8').slice(0, 4096);
  } catch {
    /* unreadable marker still marks the folder */
  }
  const parsed = parseLockText(text);
  if (parsed.ok) return { file, agent: parsed.record.agent, intent: parsed.record.intent, text };
  const firstLine = text.trim().split(/\r?\n/)[0] ?? '';
  const agentMatch = /^(?:agent\s*[:=]\s*)?([A-Za-z0-9][A-Za-z0-9._@-]*(?::[A-Za-z0-9._@-]+)?)/i.exec(firstLine);
  return { file, agent: agentMatch?.[1], intent: firstLine || undefined, text };
}

/** Finds markers inside `dirAbs` (the folder itself included), skipping heavy folders. Bounded by `limit` folders. */
export function findAgentMarkersUnder(dirAbs: string, limit = 20_000): AgentMarker[] {
  const out: AgentMarker[] = [];
  const stack = [dirAbs];
  let visited = 0;
  while (stack.length > 0 && visited < limit) {
    const dir = stack.pop()!;
    visited++;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name)) stack.push(path.join(dir, e.name));
      } else if (e.name === AGENT_MARKER) {
        const m = readAgentMarker(dir);
        if (m) out.push(m);
      }
    }
  }
  return out;
}
