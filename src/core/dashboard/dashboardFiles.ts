/**
 * The files the dashboard reads, as plain constants: the host imports these to set up its file watcher
 * without loading the model (and its markdown renderer and parsers) before the panel opens.
 */

/** The file people keep their task list in, at the workspace root. */
export const TODO_FILE = 'TODO.md';

/** Workspace-relative globs whose changes the dashboard follows besides what WorkspaceModel already reports. */
export const DASHBOARD_GLOBS: readonly string[] = [
  TODO_FILE,
  'HANDOFF_REPORT*.md',
  'handoff.md',
  '.claude/outbox/*.json',
  '.fmes/missions/*.json',
  '.fmes/approvals/*.json',
];
