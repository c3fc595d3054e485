/**
 * The extension's commands. Each is a thin call: a custom request to the language server, or the
 * `ebpf` command-line tool in a terminal, or a debug session.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import type { Ctx } from './ctx';
import {
  AssembleRequest, DisassembleRequest, VerifierLogRequest,
  type AssembleResult, type DisassembleResult, type VerifierLogResult,
} from '../../server/src/protocol';

const LOG_SCHEME = 'ebpf-verifier-log';
const DISASM_SCHEME = 'ebpf-disasm';

function activeEbpfDocument(): vscode.TextDocument | undefined {
  const doc = vscode.window.activeTextEditor?.document;
  if (doc?.languageId === 'ebpf') return doc;
  void vscode.window.showWarningMessage('Open an eBPF assembly file first.');
  return undefined;
}

export function registerCommands(ctx: Ctx): vscode.Disposable[] {
  const cliPath = ctx.extension.asAbsolutePath(path.join('dist', 'ebpf.js'));

  // Read-only virtual documents: the verifier log of a source file and the disassembly of an object.
  const provider: vscode.TextDocumentContentProvider = {
    async provideTextDocumentContent(uri) {
      const source = decodeURIComponent(uri.query);
      if (uri.scheme === LOG_SCHEME) {
        const r = await ctx.languageClient.sendRequest<VerifierLogResult>(VerifierLogRequest, { uri: source });
        return r.text;
      }
      const r = await ctx.languageClient.sendRequest<DisassembleResult>(DisassembleRequest, { path: vscode.Uri.parse(source).fsPath });
      return r.text;
    },
  };

  const inTerminal = (name: string, args: string[]): void => {
    const term = vscode.window.createTerminal({ name });
    term.show();
    term.sendText([process.execPath, cliPath, ...args].map((a) => JSON.stringify(a)).join(' '));
  };

  return [
    vscode.workspace.registerTextDocumentContentProvider(LOG_SCHEME, provider),
    vscode.workspace.registerTextDocumentContentProvider(DISASM_SCHEME, provider),
    vscode.commands.registerCommand('ebpf.showVerifierLog', async () => {
      const doc = activeEbpfDocument();
      if (!doc) return;
      const uri = vscode.Uri.from({ scheme: LOG_SCHEME, path: `${doc.uri.path}.log`, query: encodeURIComponent(doc.uri.toString()) });
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: true, viewColumn: vscode.ViewColumn.Beside });
    }),
    vscode.commands.registerCommand('ebpf.assemble', async () => {
      const doc = activeEbpfDocument();
      if (!doc) return;
      const r = await ctx.languageClient.sendRequest<AssembleResult>(AssembleRequest, { uri: doc.uri.toString() });
      if (!r.ok || !r.objectBase64) {
        void vscode.window.showErrorMessage(`Cannot assemble: ${r.errors.slice(0, 3).join('; ')}`);
        return;
      }
      const out = doc.uri.with({ path: doc.uri.path.replace(/\.[^./]*$/, '') + '.o' });
      await vscode.workspace.fs.writeFile(out, Buffer.from(r.objectBase64, 'base64'));
      void vscode.window.showInformationMessage(`Wrote ${vscode.workspace.asRelativePath(out)}`);
    }),
    vscode.commands.registerCommand('ebpf.disassemble', async (target?: vscode.Uri) => {
      const file = target ?? (await vscode.window.showOpenDialog({ filters: { 'BPF objects': ['o', 'bin'] } }))?.[0];
      if (!file) return;
      const uri = vscode.Uri.from({ scheme: DISASM_SCHEME, path: `${file.path}.s`, query: encodeURIComponent(file.toString()) });
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.languages.setTextDocumentLanguage(doc, 'ebpf');
      await vscode.window.showTextDocument(doc, { preview: true });
    }),
    vscode.commands.registerCommand('ebpf.verifyWithKernel', () => {
      const doc = activeEbpfDocument();
      if (doc) inTerminal('eBPF: kernel verifier', ['verify', doc.uri.fsPath, '--kernel']);
    }),
    vscode.commands.registerCommand('ebpf.runProgram', (uri?: string) => {
      const file = uri ? vscode.Uri.parse(uri).fsPath : activeEbpfDocument()?.uri.fsPath;
      if (file) inTerminal('eBPF: run', ['run', file]);
    }),
    vscode.commands.registerCommand('ebpf.debugProgram', async (uri?: string, section?: string) => {
      const file = uri ? vscode.Uri.parse(uri).fsPath : activeEbpfDocument()?.uri.fsPath;
      if (!file) return;
      await vscode.debug.startDebugging(vscode.workspace.workspaceFolders?.[0], {
        type: 'ebpf', request: 'launch', name: 'Debug eBPF program', program: file,
        ...(section ? { section } : {}), stopOnEntry: true,
      });
    }),
  ];
}
