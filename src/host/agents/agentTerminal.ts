import * as vscode from 'vscode';
import type { AgentRun } from '../../core/agents/agentRun';
import { renderRunEvent } from '../../core/agents/render';
import { exitStatusOf } from '../../core/agents/exitStatus';
import type { RunOutcome } from '../../core/agents/runTypes';
import { errorMessage } from '../../core/errors';

const CTRL_C = '\x03';
const DIM = '\x1b[2m';
const RESET = '\x1b[0m';

/**
 * An integrated terminal that owns one agent run: the run starts when the terminal opens, each run event is
 * printed as `fmes run` prints it (with colour), Ctrl+C or closing the terminal stops the run. When the run
 * ends the transcript stays on screen until a key is pressed, which closes the terminal with the run's exit
 * status.
 */
export class AgentTerminal implements vscode.Pseudoterminal {
  private readonly writer = new vscode.EventEmitter<string>();
  readonly onDidWrite = this.writer.event;
  private readonly closer = new vscode.EventEmitter<number | void>();
  readonly onDidClose = this.closer.event;
  private run: AgentRun | undefined;
  private outcome: RunOutcome | undefined;
  private sub: { dispose(): void } | undefined;
  private settle!: { resolve(run: AgentRun): void; reject(e: unknown): void };
  /** The run, once the terminal has opened and started it. */
  readonly started = new Promise<AgentRun>((resolve, reject) => (this.settle = { resolve, reject }));

  /** `start` is called once, when VS Code opens the terminal (it knows then where the output goes). */
  constructor(private readonly start: () => AgentRun) {}

  open(): void {
    let run: AgentRun;
    try {
      run = this.start();
    } catch (e) {
      this.print([
        `\x1b[31mF-MES could not start the agent: ${errorMessage(e)}${RESET}`,
        `${DIM}press any key to close${RESET}`,
      ]);
      this.settle.reject(e);
      return;
    }
    this.run = run;
    this.print([
      `${DIM}F-MES · ${run.agentId} on task ${run.request.taskId} · run ${run.id} · Ctrl+C stops it${RESET}`,
    ]);
    this.sub = run.onEvent((e) => this.print(renderRunEvent(e, { color: true })));
    void run.done.then((o) => this.ended(o));
    this.settle.resolve(run);
  }

  handleInput(data: string): void {
    if (!this.run || this.outcome) {
      // The run is over (or never started): any key closes the terminal.
      this.closer.fire(this.outcome ? exitStatusOf(this.outcome) : 1);
      return;
    }
    if (data.includes(CTRL_C)) {
      this.print(['^C stopping the agent…']);
      void this.run.stop('stopped with Ctrl+C in its terminal');
    }
  }

  /** The user closed the terminal (or the window is going away): the run must not outlive it unseen. */
  close(): void {
    this.sub?.dispose();
    if (this.run && !this.outcome) void this.run.stop('its terminal was closed');
    if (!this.run) this.settle.reject(new Error('the terminal was closed before the agent started'));
    this.writer.dispose();
    this.closer.dispose();
  }

  private ended(o: RunOutcome): void {
    this.outcome = o;
    this.sub?.dispose();
    this.print([`${DIM}press any key to close${RESET}`]);
  }

  private print(lines: readonly string[]): void {
    if (lines.length === 0) return;
    // A pseudoterminal is raw: every line break needs its carriage return.
    this.writer.fire(`${lines.join('\n').replace(/\r?\n/g, '\r\n')}\r\n`);
  }
}
