import * as vscode from 'vscode';
import { listBusArtifacts } from '../../core/artifacts/discover';
import { formatIssue, type ArtifactIssue } from '../../core/errors';
import type { WorkspaceModel } from '../../core/model/workspaceModel';
import { Commands, Views } from '../../shared/ids';
import { withProgress } from './progress';
import { registerCommand } from './registerCommand';

export interface PanelCommandDeps {
  root: string;
  state: WorkspaceModel;
  log: vscode.LogOutputChannel;
  reload: () => Promise<void>;
}

/** Show Mission Panel, Show Log, Refresh, Open Artifact, Validate Artifacts. */
export class PanelCommands implements vscode.Disposable {
  private readonly subs: vscode.Disposable[] = [];
  readonly diagnostics = vscode.languages.createDiagnosticCollection('fmes');

  constructor(private readonly d: PanelCommandDeps) {
    this.subs.push(
      this.diagnostics,
      registerCommand(Commands.showMissionPanel, d.log, () =>
        vscode.commands.executeCommand(`${Views.missions}.focus`),
      ),
      registerCommand(Commands.showLog, d.log, () => d.log.show(true)),
      registerCommand(Commands.refresh, d.log, () => d.reload()),
      registerCommand(Commands.openArtifact, d.log, (file: string) =>
        vscode.window.showTextDocument(vscode.Uri.file(file), { preview: true }),
      ),
      registerCommand(Commands.validateArtifacts, d.log, () =>
        withProgress(vscode.l10n.t('F-MES: validating artifacts'), () => this.validate()),
      ),
    );
  }

  /** Validates every bus artifact; problems go to the Problems panel with their file and field. */
  async validate(): Promise<{ files: number; problems: number }> {
    const { validateFile } = await import('../../core/artifacts/parseArtifact');
    this.diagnostics.clear();
    const files = listBusArtifacts(this.d.root);
    let problems = 0;
    for (const file of files) {
      const r = await validateFile(file);
      if (r.ok) continue;
      const diags = r.error.issues.map((i) => toDiagnostic(i));
      problems += diags.length;
      this.diagnostics.set(vscode.Uri.file(file), diags);
      this.d.log.warn(r.error.message);
    }
    const msg =
      problems === 0
        ? vscode.l10n.t('F-MES: validated {0} artifact(s): all valid.', files.length)
        : vscode.l10n.t('F-MES: validated {0} artifact(s): {1} problem(s) (see Problems).', files.length, problems);
    if (problems > 0) {
      void vscode.window
        .showWarningMessage(msg, vscode.l10n.t('Show Problems'))
        .then((c) => c && vscode.commands.executeCommand('workbench.actions.view.problems'));
    } else void vscode.window.showInformationMessage(msg);
    this.d.log.info(msg);
    return { files: files.length, problems };
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
  }
}

function toDiagnostic(i: ArtifactIssue): vscode.Diagnostic {
  const line = /^line (\d+)/.exec(i.field);
  const at = line ? Number(line[1]) - 1 : 0;
  const d = new vscode.Diagnostic(new vscode.Range(at, 0, at, 1000), formatIssue(i), vscode.DiagnosticSeverity.Error);
  d.source = 'F-MES';
  return d;
}
