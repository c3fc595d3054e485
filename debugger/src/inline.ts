/**
 * The glue for VS Code: a descriptor factory that runs the debug adapter inside the extension host
 * (no extra process), so F5 works with nothing but the extension installed.
 */
import * as vscode from 'vscode';
import { EbpfDebugSession } from './session';

export class InlineDebugAdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  createDebugAdapterDescriptor(_session: vscode.DebugSession): vscode.ProviderResult<vscode.DebugAdapterDescriptor> {
    // The session class implements vscode.DebugAdapter's shape (handleMessage / onDidSendMessage).
    return new vscode.DebugAdapterInlineImplementation(new EbpfDebugSession() as unknown as vscode.DebugAdapter);
  }
}
