/**
 * `.s` is shared with other assemblers, so the extension does not claim it in package.json. While
 * `ebpf.files.claimDotS` is on, this file switches `.s` documents to the eBPF language as they open;
 * with it off, `.s` files are left to whatever else handles them.
 */
import * as vscode from 'vscode';
import type { Config } from './config';

export function adoptDotSFiles(config: Config): vscode.Disposable {
  const adopt = (doc: vscode.TextDocument): void => {
    if (!config.claimDotS || doc.languageId === 'ebpf' || doc.uri.scheme === 'git') return;
    if (!/\.s$/i.test(doc.uri.path)) return;
    void vscode.languages.setTextDocumentLanguage(doc, 'ebpf');
  };
  vscode.workspace.textDocuments.forEach(adopt);
  return vscode.workspace.onDidOpenTextDocument(adopt);
}
