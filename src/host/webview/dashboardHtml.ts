import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

/** Where the webview bundle lands (esbuild.mjs); the only folder the webview may load from. */
export const WEBVIEW_DIST = ['dist', 'webview'] as const;

export function webviewRoot(extensionUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, ...WEBVIEW_DIST);
}

/**
 * The dashboard's page: the bundle's script and stylesheet, nothing inline but the empty body. The CSP
 * allows scripts only with this page's nonce and styles and images only from the bundle folder, so markup
 * that slipped out of an agent's file could neither run nor load anything. Styles are not 'unsafe-inline':
 * markdown tables lose their column alignment, which is the price.
 */
export function dashboardHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const nonce = randomBytes(16).toString('base64');
  const asset = (name: string) =>
    webview.asWebviewUri(vscode.Uri.joinPath(webviewRoot(extensionUri), 'assets', name)).toString();
  const csp = [
    `default-src 'none'`,
    `script-src 'nonce-${nonce}'`,
    `style-src ${webview.cspSource}`,
    // data: for the visual proof's pictures, inlined by the host (src/core/dashboard/verifyView.ts).
    `img-src ${webview.cspSource} data:`,
    `font-src ${webview.cspSource}`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset('dashboard.css')}">
<title>F-MES Dashboard</title>
</head>
<body>
<p id="status" class="status" role="status" aria-live="polite" aria-atomic="true"></p>
<main id="app"><p class="empty">Loading…</p></main>
<script nonce="${nonce}" src="${asset('dashboard.js')}"></script>
</body>
</html>`;
}
