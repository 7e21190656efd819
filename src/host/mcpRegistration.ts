import * as path from 'node:path';
import * as vscode from 'vscode';

/** What VS Code starts for the F-MES MCP server, as plain data (the API and the integration tests read it). */
export interface McpServerLaunch {
  label: string;
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
  version: string;
}

declare const FMES_VERSION: string;

export type McpRegistrationState = { registered: true } | { registered: false; why: string };

// VS Code's MCP API arrived in 1.101; F-MES supports 1.90 and builds against @types/vscode 1.90, so the part it
// uses is typed here and looked up at run time.
interface StdioDefinition {
  cwd?: vscode.Uri;
}
type StdioDefinitionClass = new (
  label: string,
  command: string,
  args?: string[],
  env?: Record<string, string | number | null>,
  version?: string,
) => StdioDefinition;
interface DefinitionProvider {
  readonly onDidChangeMcpServerDefinitions?: vscode.Event<void>;
  provideMcpServerDefinitions(token: vscode.CancellationToken): StdioDefinition[];
}
interface McpHostApi {
  lm?: { registerMcpServerDefinitionProvider?: (id: string, provider: DefinitionProvider) => vscode.Disposable };
  McpStdioServerDefinition?: StdioDefinitionClass;
}

export interface McpRegistrationDeps {
  /** The id under `contributes.mcpServerDefinitionProviders` in package.json. */
  providerId: string;
  extensionPath: string;
  root: string;
  /** The agent id of tool calls that name none: the person's own, since the editor's agent edits on their behalf. */
  agent: () => string;
  trusted: () => boolean;
  /** Events after which the definition may have changed (settings, trust). */
  changes: vscode.Event<unknown>[];
  log: vscode.LogOutputChannel;
}

/**
 * Offers dist/mcp.mjs to the editor's agents (VS Code ≥ 1.101: Copilot agent mode and other MCP clients of
 * the window) through `lm.registerMcpServerDefinitionProvider`. Where the API is missing or refused (Cursor,
 * older VS Code) it does nothing but say so in the log. In an untrusted workspace it offers no server: the
 * server writes locks, reports and handoffs.
 */
export class McpRegistration implements vscode.Disposable {
  readonly state: McpRegistrationState;
  private readonly subs: vscode.Disposable[] = [];

  constructor(private readonly d: McpRegistrationDeps) {
    this.state = this.register();
    d.log.info(
      this.state.registered
        ? `MCP server offered to the editor's agents as "${d.providerId}"`
        : `MCP server not registered with the editor: ${this.state.why}`,
    );
  }

  /** What the provider hands the editor now; undefined while the workspace is untrusted. */
  launch(): McpServerLaunch | undefined {
    if (!this.d.trusted()) return undefined;
    return {
      label: 'F-MES',
      // The extension host's own binary runs the server: Electron as Node in VS Code, Node in code-server.
      command: process.execPath,
      args: [path.join(this.d.extensionPath, 'dist', 'mcp.mjs'), '--workspace', this.d.root, '--agent', this.d.agent()],
      env: process.versions.electron ? { ELECTRON_RUN_AS_NODE: '1' } : {},
      cwd: this.d.root,
      // A new version makes the editor restart the server.
      version: typeof FMES_VERSION === 'string' ? FMES_VERSION : '0.0.0-dev',
    };
  }

  private register(): McpRegistrationState {
    const host = vscode as unknown as McpHostApi;
    const lm = host.lm;
    const Definition = host.McpStdioServerDefinition;
    if (typeof lm?.registerMcpServerDefinitionProvider !== 'function' || typeof Definition !== 'function') {
      return {
        registered: false,
        why: `${vscode.env.appName} ${vscode.version} has no MCP server API (VS Code 1.101 or later); agents can still start \`fmes mcp\` themselves`,
      };
    }
    const changed = new vscode.EventEmitter<void>();
    this.subs.push(changed, ...this.d.changes.map((e) => e(() => changed.fire())));
    const provider: DefinitionProvider = {
      onDidChangeMcpServerDefinitions: changed.event,
      provideMcpServerDefinitions: () => {
        const l = this.launch();
        if (!l) return [];
        const def = new Definition(l.label, l.command, l.args, l.env, l.version);
        def.cwd = vscode.Uri.file(l.cwd);
        return [def];
      },
    };
    try {
      this.subs.push(lm.registerMcpServerDefinitionProvider(this.d.providerId, provider));
      return { registered: true };
    } catch (e) {
      // VS Code before 1.101 has the function behind an API proposal and throws when it is called.
      return {
        registered: false,
        why: `${vscode.env.appName} ${vscode.version} refused it (${e instanceof Error ? e.message : String(e)})`,
      };
    }
  }

  dispose(): void {
    for (const s of this.subs.reverse()) s.dispose();
    this.subs.length = 0;
  }
}
