/** textDocument/hover over the hover service. */
import { MarkupKind, type Hover } from 'vscode-languageserver/node';
import { hover } from '../../core/src/lang';
import { fromPosition, toRange } from './convert';
import type { ServerContext } from './context';

export function registerHover(ctx: ServerContext): void {
  ctx.connection.onHover((p) => ctx.guard<Hover | null>('hover', null, () => {
    const a = ctx.workspace.analysis(p.textDocument.uri, true);
    const h = a && hover(a, fromPosition(p.position));
    return h ? { contents: { kind: MarkupKind.Markdown, value: h.markdown }, range: toRange(h.range) } : null;
  }));
}
