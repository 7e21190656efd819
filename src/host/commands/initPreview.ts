import * as vscode from 'vscode';

/** The scheme of Initialize Workspace's diff preview. */
export const INIT_PREVIEW_SCHEME = 'fmes-init';

/**
 * The diff Initialize Workspace shows before it writes, as a read-only virtual document
 * (`fmes-init:/Initialize Workspace.diff`): never dirty, so closing it asks nothing and no `Untitled-1` is
 * left behind. The `.diff` name gives it the diff language.
 */
export class InitPreview implements vscode.TextDocumentContentProvider, vscode.Disposable {
  readonly uri = vscode.Uri.from({ scheme: INIT_PREVIEW_SCHEME, path: '/Initialize Workspace.diff' });
  private text = '';
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly reg = vscode.workspace.registerTextDocumentContentProvider(INIT_PREVIEW_SCHEME, this);

  provideTextDocumentContent(): string {
    return this.text;
  }

  /** Sets the text (an open preview follows) and returns the document's uri. */
  show(text: string): vscode.Uri {
    this.text = text;
    this.changed.fire(this.uri);
    return this.uri;
  }

  /** Closes every tab that shows the preview. */
  async close(): Promise<void> {
    const tabs = vscode.window.tabGroups.all
      .flatMap((g) => g.tabs)
      .filter((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === this.uri.toString());
    if (tabs.length) await vscode.window.tabGroups.close(tabs);
  }

  dispose(): void {
    this.reg.dispose();
    this.changed.dispose();
  }
}
