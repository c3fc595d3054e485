/** textDocument/inlayHint: the verifier's state changes, when the `inlayHints` setting is on. */
import { InlayHintKind, type InlayHint } from 'vscode-languageserver/node';
import { inlayHints } from '../../core/src/lang';
import { toPosition } from './convert';
import type { ServerContext } from './context';

export function registerInlayHints(ctx: ServerContext): void {
  ctx.connection.languages.inlayHint.on((p) => ctx.guard<InlayHint[]>('inlayHint', [], () => {
    if (!ctx.settings().inlayHints) return [];
    const a = ctx.workspace.analysis(p.textDocument.uri, true);
    if (!a) return [];
    return inlayHints(a, p.range.start.line + 1, p.range.end.line + 1).map((h) => {
      const out: InlayHint = { position: toPosition(h.position.line, h.position.column), label: h.label, kind: InlayHintKind.Type, paddingLeft: true };
      if (h.tooltip) out.tooltip = h.tooltip;
      return out;
    });
  }));
}
