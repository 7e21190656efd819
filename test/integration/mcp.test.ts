import * as assert from 'node:assert/strict';
import { suite, test } from 'mocha';
import * as vscode from 'vscode';
import { api, root } from './helpers';

/** VS Code finalised `lm.registerMcpServerDefinitionProvider` in 1.101. */
function hasMcpApi(): boolean {
  const [major = 0, minor = 0] = vscode.version.split('.').map(Number);
  return major > 1 || (major === 1 && minor >= 101);
}

suite('mcp', () => {
  test('the MCP server is offered to the editor where it has the API, and registration is a logged no-op where not', async () => {
    const { mcp } = await api();
    if (hasMcpApi()) assert.deepEqual(mcp.state, { registered: true });
    else assert.ok(!mcp.state.registered && /MCP server API|refused/.test(mcp.state.why), JSON.stringify(mcp.state));
  });

  test('what the editor would start is a working F-MES MCP server on this workspace, acting as this person', async () => {
    const a = await api();
    const launch = a.mcp.launch();
    assert.ok(launch, 'no server offered in a trusted workspace');
    assert.ok(launch.args.includes(root()), launch.args.join(' '));
    // Loaded here, not at the top: in this CommonJS test bundle, core's lazily loaded modules make esbuild
    // initialise zod on first use, and the SDK's top-level schemas would otherwise run before it.
    const { Client } = await import('@modelcontextprotocol/sdk/client/index.js');
    const { StdioClientTransport } = await import('@modelcontextprotocol/sdk/client/stdio.js');
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== 'FMES_AGENT') env[k] = v;
    const transport = new StdioClientTransport({
      command: launch.command,
      args: launch.args,
      env: { ...env, ...launch.env },
      cwd: launch.cwd,
      stderr: 'pipe',
    });
    const client = new Client({ name: 'fmes-integration', version: '1.0.0' });
    await client.connect(transport);
    try {
      const { tools } = await client.listTools();
      assert.equal(tools.length, 8);
      const r = (await client.callTool({ name: 'lock_acquire', arguments: { path: 'mcp-probe.txt' } })) as {
        isError?: boolean;
        structuredContent?: Record<string, unknown>;
      };
      assert.equal(r.isError, undefined, JSON.stringify(r));
      assert.equal(r.structuredContent?.agent, a.me(), 'the editor’s agent locks as the person');
      const released = (await client.callTool({ name: 'lock_release', arguments: { path: 'mcp-probe.txt' } })) as {
        isError?: boolean;
      };
      assert.equal(released.isError, undefined);
    } finally {
      await client.close();
    }
  });
});
