import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { TrustError } from '../../core/errors';
import { PLANS_DIR, planIdAt, planTemplate } from '../../core/init/planTemplate';
import { Commands } from '../../shared/ids';
import { registerCommand } from './registerCommand';

export interface PlanCommandDeps {
  root: string;
  log: vscode.LogOutputChannel;
  trusted: () => boolean;
}

/** F-MES: New Plan…: a commented, valid plan in .antigravity/plans/, opened to be written (the walkthrough's step 2). */
export class PlanCommands implements vscode.Disposable {
  private readonly sub: vscode.Disposable;

  constructor(private readonly d: PlanCommandDeps) {
    this.sub = registerCommand(Commands.newPlan, d.log, (o?: { title?: string }) => this.newPlan(o));
  }

  /** Creates the plan (never over an existing file) and opens it; `title` skips the question (tests). */
  async newPlan(o: { title?: string } = {}): Promise<string | undefined> {
    if (!this.d.trusted()) throw new TrustError('Writing a plan');
    const title =
      o.title ??
      (await vscode.window.showInputBox({
        title: vscode.l10n.t('F-MES: New Plan'),
        prompt: vscode.l10n.t('What should the agent do? One line; you write the steps in the plan next.'),
        value: vscode.l10n.t('My first mission'),
      }));
    if (title === undefined) return undefined;
    const dir = path.join(this.d.root, PLANS_DIR);
    await fs.promises.mkdir(dir, { recursive: true });
    const base = planIdAt(new Date());
    for (let n = 1; n < 100; n++) {
      const id = n === 1 ? base : `${base}-${n}`;
      const file = path.join(dir, `${id}.md`);
      // Written whole under a temporary name, then linked into place: the watcher never sees half a plan, and
      // link() fails on an existing name, so a plan of the same minute is never overwritten (the next name is taken).
      const tmp = path.join(dir, `.tmp-${id}-${process.pid}.md`);
      await fs.promises.writeFile(tmp, planTemplate({ id, title }));
      try {
        await fs.promises.link(tmp, file);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') continue;
        throw e;
      } finally {
        await fs.promises.rm(tmp, { force: true });
      }
      this.d.log.info(`new plan ${path.relative(this.d.root, file)}`);
      await vscode.window.showTextDocument(vscode.Uri.file(file));
      return file;
    }
    throw new Error(`too many plans named ${base}-… in ${PLANS_DIR}`);
  }

  dispose(): void {
    this.sub.dispose();
  }
}
