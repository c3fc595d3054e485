/** textDocument/completion and textDocument/signatureHelp. */
import { CompletionItemKind, InsertTextFormat, MarkupKind, type CompletionItem, type CompletionList, type SignatureHelp } from 'vscode-languageserver/node';
import { complete, signatureHelp, type CompletionKind } from '../../core/src/lang';
import { fromPosition, toRange } from './convert';
import type { ServerContext } from './context';

const KIND: Record<CompletionKind, CompletionItemKind> = {
  instruction: CompletionItemKind.Snippet, register: CompletionItemKind.Variable, label: CompletionItemKind.Reference,
  function: CompletionItemKind.Function, helper: CompletionItemKind.Function, map: CompletionItemKind.Struct,
  section: CompletionItemKind.Module, field: CompletionItemKind.Field, directive: CompletionItemKind.Keyword,
  annotation: CompletionItemKind.Keyword, value: CompletionItemKind.EnumMember, keyword: CompletionItemKind.Keyword,
};

export function registerCompletion(ctx: ServerContext): void {
  ctx.connection.onCompletion((p) => ctx.guard<CompletionList>('completion', { isIncomplete: false, items: [] }, () => {
    const a = ctx.workspace.analysis(p.textDocument.uri);
    if (!a) return { isIncomplete: false, items: [] };
    const r = complete(a, fromPosition(p.position));
    const range = toRange(r.replace);
    const items = r.items.map((i): CompletionItem => {
      const item: CompletionItem = { label: i.label, kind: KIND[i.kind] };
      if (i.detail) item.detail = i.detail;
      if (i.documentation) item.documentation = { kind: MarkupKind.Markdown, value: i.documentation };
      if (i.sortText) item.sortText = i.sortText;
      if (i.filterText) item.filterText = i.filterText;
      item.textEdit = { range, newText: i.insertText ?? i.label };
      if (i.snippet) item.insertTextFormat = InsertTextFormat.Snippet;
      return item;
    });
    return { isIncomplete: false, items };
  }));
  ctx.connection.onSignatureHelp((p) => ctx.guard<SignatureHelp | null>('signatureHelp', null, () => {
    const a = ctx.workspace.analysis(p.textDocument.uri);
    const s = a && signatureHelp(a, fromPosition(p.position));
    if (!s) return null;
    return {
      signatures: [{ label: s.label, documentation: s.documentation ?? '', parameters: s.parameters.map((x) => ({ label: x })) }],
      activeSignature: 0, activeParameter: s.activeParameter,
    };
  }));
}
