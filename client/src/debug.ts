/**
 * Registers the eBPF debugger with VS Code: the debug adapter runs inline in the extension host, and
 * a configuration provider lets F5 on an open .s/.bpf file start debugging without a launch.json
 * (it fills `program` from the active editor).
 */
import * as vscode from 'vscode';
import { InlineDebugAdapterFactory } from '../../debugger/src/inline';

const TYPE = 'ebpf';

class ConfigurationProvider implements vscode.DebugConfigurationProvider {
  resolveDebugConfiguration(_folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): vscode.ProviderResult<vscode.DebugConfiguration> {
    const editor = vscode.window.activeTextEditor;
    // F5 with no launch.json: an empty configuration; debug the file in the active editor.
    if (!config.type && !config.request && !config.name) {
      if (editor === undefined || !isProgramFile(editor.document)) return config;
      config.type = TYPE;
      config.name = 'Debug eBPF program';
      config.request = 'launch';
      config.stopOnEntry = true;
    }
    if (!config.program) {
      if (editor === undefined || !isProgramFile(editor.document)) {
        return vscode.window.showInformationMessage('Open an eBPF assembly file (.s, .bpf) to debug it.').then(() => undefined);
      }
      config.program = editor.document.uri.fsPath;
    }
    return config;
  }
}

function isProgramFile(doc: vscode.TextDocument): boolean {
  return doc.languageId === 'ebpf' || /\.(s|bpf|ebpf|o)$/i.test(doc.fileName);
}

export function registerDebugger(_context: vscode.ExtensionContext): vscode.Disposable[] {
  return [
    vscode.debug.registerDebugAdapterDescriptorFactory(TYPE, new InlineDebugAdapterFactory()),
    vscode.debug.registerDebugConfigurationProvider(TYPE, new ConfigurationProvider()),
  ];
}
