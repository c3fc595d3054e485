/** textDocument/formatting: compiler-style alignment from the format service. */
import type { TextEdit } from 'vscode-languageserver/node';
import { formatDocument } from '../../core/src/lang';
import { toEdit } from './convert';
import type { ServerContext } from './context';

export function registerFormatting(ctx: ServerContext): void {
  ctx.connection.onDocumentFormatting((p) => ctx.guard<TextEdit[]>('formatting', [], () => {
    const syn = ctx.workspace.syntax(p.textDocument.uri);
    return syn ? formatDocument(syn).map(toEdit) : [];
  }));
}
