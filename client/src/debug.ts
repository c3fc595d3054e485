/**
 * Registers the eBPF debugger with VS Code (replaced by the debug adapter's inline factory and
 * configuration provider once the debugger lands).
 */
import type * as vscode from 'vscode';

export function registerDebugger(_context: vscode.ExtensionContext): vscode.Disposable[] {
  return [];
}
