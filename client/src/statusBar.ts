/**
 * The status-bar item: program type, verdict and processed instructions of the active document's
 * programs, as the language server last reported them.
 */
import * as vscode from 'vscode';
import type { StatusParams } from '../../server/src/protocol';

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('ebpf.status', vscode.StatusBarAlignment.Left, 10);
  private readonly byUri = new Map<string, StatusParams>();
  private readonly sub: vscode.Disposable;

  constructor() {
    this.item.name = 'eBPF verifier';
    this.item.command = 'ebpf.showVerifierLog';
    this.sub = vscode.window.onDidChangeActiveTextEditor(() => this.render());
  }

  update(status: StatusParams): void {
    this.byUri.set(status.uri, status);
    this.render();
  }

  private render(): void {
    const doc = vscode.window.activeTextEditor?.document;
    const s = doc && doc.languageId === 'ebpf' ? this.byUri.get(doc.uri.toString()) : undefined;
    if (!s) { this.item.hide(); return; }
    if (!s.assembled) {
      this.item.text = '$(error) eBPF: does not assemble';
      this.item.tooltip = 'Fix the assembler errors to run the verifier.';
    } else if (s.programs.length === 0) {
      this.item.text = '$(info) eBPF: no programs';
      this.item.tooltip = 'No executable section other than .text: nothing to verify.';
    } else {
      const rejected = s.programs.filter((p) => p.accepted === false);
      const p = rejected[0] ?? s.programs[0]!;
      const icon = rejected.length ? '$(error)' : p.accepted === undefined ? '$(circle-slash)' : '$(pass)';
      const verdict = rejected.length ? 'rejected' : p.accepted === undefined ? 'not verified' : 'verified';
      this.item.text = `${icon} ${p.progType}: ${verdict} · ${p.insnsProcessed} insns`;
      this.item.tooltip = s.programs
        .map((q) => `${q.section} (${q.progType}): ${q.accepted === false ? `rejected: ${q.error ?? ''}` : q.accepted ? 'accepted' : 'not verified'}, processed ${q.insnsProcessed} insns`)
        .join('\n');
    }
    this.item.show();
  }

  dispose(): void {
    this.sub.dispose();
    this.item.dispose();
  }
}
