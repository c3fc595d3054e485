/** textDocument/codeLens: Verify / Run / Debug over each program; the URI becomes the first command argument. */
import type { CodeLens } from 'vscode-languageserver/node';
import { codeLenses } from '../../core/src/lang';
import { toRange } from './convert';
import type { ServerContext } from './context';

export function registerCodeLens(ctx: ServerContext): void {
  ctx.connection.onCodeLens((p) => ctx.guard<CodeLens[]>('codeLens', [], () => {
    const a = ctx.workspace.analysis(p.textDocument.uri);
    if (!a) return [];
    return codeLenses(a).map((l) => ({ range: toRange(l.range), command: { title: l.title, command: l.command, arguments: [p.textDocument.uri, ...l.args] } }));
  }));
}
