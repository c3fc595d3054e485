/**
 * Typed access to the settings declared in `settings.ts`; the only place that reads configuration.
 */
import * as vscode from 'vscode';

export class Config {
  private get section(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration('ebpf');
  }
  get claimDotS(): boolean { return this.section.get<boolean>('files.claimDotS', true); }
  get defaultProgramType(): string { return this.section.get<string>('defaultProgramType', ''); }
  get verifierEnabled(): boolean { return this.section.get<boolean>('verifier.enabled', true); }
  get unprivileged(): boolean { return this.section.get<boolean>('verifier.unprivileged', false); }
  get maxInstructions(): number { return this.section.get<number>('verifier.maxInstructions', 1000000); }
  get inlayHints(): boolean { return this.section.get<boolean>('inlayHints.enabled', true); }
  get debounceMs(): number { return this.section.get<number>('diagnostics.debounceMs', 150); }
}
