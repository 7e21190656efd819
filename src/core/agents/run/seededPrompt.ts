// The prompt of a fresh session that continues a task whose earlier session cannot be resumed.
import type { RunRequest } from '../runTypes';

export function seededPrompt(req: RunRequest, summary: string | undefined, lastOutcome: string | undefined): string {
  const parts = [
    `You are continuing task ${req.taskId}. The earlier session could not be resumed, so this is a fresh session.`,
  ];
  if (lastOutcome) parts.push(`How the earlier attempt ended: ${lastOutcome}`);
  if (summary) parts.push(`What the earlier attempt reported:\n${summary}`);
  parts.push('Check the current state of the files before changing anything.', '', req.prompt);
  return parts.join('\n');
}
