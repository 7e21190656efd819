import * as path from 'node:path';
import type { AgentKind } from '../agents/types';

/** What the sandbox must know about one agent CLI: where it talks to its model and where it keeps state. */
export interface CliProfile {
  /** The variable holding the model API's base URL. */
  baseUrlVar: string;
  /** The vendor's API when the variable is unset. */
  defaultBaseUrl: string;
}

export const CLI_PROFILES: Readonly<Record<AgentKind, CliProfile>> = {
  claude: { baseUrlVar: 'ANTHROPIC_BASE_URL', defaultBaseUrl: 'https://api.anthropic.com' },
  gemini: { baseUrlVar: 'GOOGLE_GEMINI_BASE_URL', defaultBaseUrl: 'https://generativelanguage.googleapis.com' },
  codex: { baseUrlVar: 'OPENAI_BASE_URL', defaultBaseUrl: 'https://api.openai.com/v1' },
};

/** The CLI's own state (sessions, settings, its credentials): writable for a run of that CLI. */
export function stateDirsOf(cli: AgentKind, home: string, env: Readonly<Record<string, string>>): string[] {
  switch (cli) {
    case 'claude':
      // Without CLAUDE_CONFIG_DIR, Claude Code keeps `.claude.json` beside `.claude/` in HOME.
      return env.CLAUDE_CONFIG_DIR
        ? [env.CLAUDE_CONFIG_DIR]
        : [path.join(home, '.claude'), path.join(home, '.claude.json')];
    case 'gemini':
      return [path.join(home, '.gemini'), ...(env.GEMINI_CLI_HOME ? [path.join(env.GEMINI_CLI_HOME, '.gemini')] : [])];
    case 'codex':
      return [env.CODEX_HOME || path.join(home, '.codex')];
  }
}

/**
 * Secrets under HOME that no agent reads: keys, cloud and registry credentials, and every other CLI's state
 * (its credentials are there). Hidden when they exist.
 */
export function secretPaths(cli: AgentKind, home: string): string[] {
  const inHome = [
    '.ssh',
    '.aws',
    '.azure',
    '.kube',
    '.docker',
    '.gnupg',
    '.netrc',
    '.git-credentials',
    '.npmrc',
    '.pypirc',
    '.config/gcloud',
    '.config/gh',
    '.config/hub',
    '.local/share/keyrings',
    '.password-store',
  ];
  const others: Record<AgentKind, string[]> = {
    claude: ['.gemini', '.codex'],
    gemini: ['.claude', '.claude.json', '.codex'],
    codex: ['.claude', '.claude.json', '.gemini'],
  };
  return [...inHome, ...others[cli]].map((p) => path.join(home, p));
}

/** System files no agent reads. */
export const SYSTEM_SECRETS = ['/etc/shadow', '/etc/gshadow', '/etc/sudoers', '/etc/ssh'] as const;
