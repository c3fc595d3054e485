/** textDocument/codeAction: quick fixes for the verifier diagnostics in the request's context. */
import { CodeActionKind, type CodeAction } from 'vscode-languageserver/node';
import { codeActions } from '../../core/src/lang';
import { fromDiagnostic, toEdit } from './convert';
import type { ServerContext } from './context';

export function registerCodeActions(ctx: ServerContext): void {
  ctx.connection.onCodeAction((p) => ctx.guard<CodeAction[]>('codeAction', [], () => {
    const a = ctx.workspace.analysis(p.textDocument.uri, true);
    if (!a) return [];
    const out: CodeAction[] = [];
    for (const d of p.context.diagnostics) {
      for (const fix of codeActions(a, fromDiagnostic(d))) {
        const action: CodeAction = { title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [d], edit: { changes: { [p.textDocument.uri]: fix.edits.map(toEdit) } } };
        if (fix.preferred) action.isPreferred = true;
        out.push(action);
      }
    }
    return out;
  }));
}
