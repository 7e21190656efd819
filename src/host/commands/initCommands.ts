import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { TrustError } from '../../core/errors';
import { writeFileAtomic } from '../../core/fs/atomicWrite';
import { hashMarkers, markdownMarkers, readBlock } from '../../core/init/managedBlock';
import { CURSOR_MDC_FILE } from '../../core/init/templates';
import { Commands } from '../../shared/ids';
import { editorLaunch } from '../hookPaths';
import { withProgress } from './progress';
import { InitPreview } from './initPreview';
import { registerCommand } from './registerCommand';

export interface InitOptions {
  /** Write without showing the diff or asking (tests, scripts). */
  apply?: boolean;
  /** The reply to the confirmation, instead of asking (tests): true applies, false declines. The diff is shown. */
  answer?: boolean;
}

export interface InitCommandDeps {
  root: string;
  /** The extension's folder: the hooks and `.mcp.json` run its bundled dist/hook.cjs and dist/mcp.mjs. */
  extensionPath: string;
  log: vscode.LogOutputChannel;
  trusted: () => boolean;
}

/**
 * Initialize Workspace (the editor's `fmes init`: the diff first, then a confirmation), and the watch that
 * keeps the generated block of Cursor's rules in step with CLAUDE.md's shared block.
 */
export class InitCommands implements vscode.Disposable {
  private readonly subs: vscode.Disposable[] = [];
  private readonly preview = new InitPreview();

  constructor(private readonly d: InitCommandDeps) {
    this.subs.push(
      this.preview,
      registerCommand(Commands.initWorkspace, d.log, (o?: InitOptions) => this.init(o)),
    );
    const claude = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(d.root, 'CLAUDE.md'));
    this.subs.push(
      claude,
      claude.onDidChange(() => void this.syncCursorRules()),
      claude.onDidCreate(() => void this.syncCursorRules()),
    );
  }

  /** Shows what would change; writes after confirmation. Returns the files written. */
  async init(o: InitOptions = {}): Promise<string[]> {
    if (!this.d.trusted()) throw new TrustError('Initializing the workspace');
    const { planInit, applyInit, diffOf } = await import('../../core/init/initWorkspace');
    const changes = planInit(this.d.root, editorLaunch(this.d.extensionPath));
    for (const c of changes.filter((x) => x.action === 'skip'))
      void vscode.window.showWarningMessage(vscode.l10n.t('F-MES: {0} left as it is: {1}', c.file, c.problem ?? ''));
    const todo = changes.filter((c) => c.action === 'create' || c.action === 'update');
    if (todo.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('F-MES: the workspace is already initialized.'));
      return [];
    }
    if (!o.apply) {
      // A read-only virtual document: an untitled one would stay behind dirty ("Untitled-1") and ask to be saved.
      const uri = this.preview.show(todo.map(diffOf).join('\n'));
      await vscode.window.showTextDocument(uri, { preview: true });
      let ok = o.answer;
      if (ok === undefined) {
        const apply = vscode.l10n.t('Apply');
        const choice = await vscode.window.showInformationMessage(
          vscode.l10n.t('F-MES: apply these changes to {0}?', todo.map((c) => c.file).join(', ')),
          {
            modal: true,
            detail: vscode.l10n.t('Your own content in these files is kept; F-MES only adds its blocks and entries.'),
          },
          apply,
        );
        ok = choice === apply;
      }
      await this.preview.close();
      if (!ok) return [];
    }
    const written = await withProgress(vscode.l10n.t('F-MES: initializing the workspace'), () =>
      applyInit(this.d.root, changes),
    );
    void vscode.window.showInformationMessage(
      vscode.l10n.t(
        'F-MES: wrote {0}. Next: write a plan (F-MES: New Plan…) and start it as a mission.',
        written.map((c) => c.file).join(', '),
      ),
    );
    this.d.log.info(`init: wrote ${written.map((c) => c.file).join(', ')}`);
    return written.map((c) => c.file);
  }

  /**
   * Regenerates the F-MES block of Cursor's rules (.cursor/rules/fmes.mdc and the legacy .cursorrules) from
   * CLAUDE.md, in each file that has one (F-MES never adds it unasked). True when a file changed.
   */
  async syncCursorRules(): Promise<boolean> {
    if (!this.d.trusted()) return false;
    let claude: string;
    try {
      claude = await fs.promises.readFile(path.join(this.d.root, 'CLAUDE.md'), 'utf8');
    } catch {
      return false;
    }
    const { cursorRulesFrom, cursorMdcFrom } = await import('../../core/init/initWorkspace');
    const targets = [
      { rel: '.cursorrules', markers: hashMarkers('shared'), next: cursorRulesFrom },
      { rel: CURSOR_MDC_FILE, markers: markdownMarkers('shared'), next: cursorMdcFrom },
    ];
    let changed = false;
    for (const t of targets) {
      const file = path.join(this.d.root, t.rel);
      const current = await fs.promises.readFile(file, 'utf8').catch(() => undefined);
      if (current === undefined || readBlock(current, t.markers) === undefined) continue;
      const next = t.next(claude, current);
      if (next === current) continue;
      await writeFileAtomic(file, next);
      this.d.log.info(`${t.rel} updated from CLAUDE.md`);
      changed = true;
    }
    return changed;
  }

  dispose(): void {
    for (const s of this.subs.reverse()) s.dispose();
  }
}
