/** Definition, references, rename, document symbols and folding over the syntax index. */
import { ResponseError, SymbolKind, FoldingRangeKind, type DocumentSymbol, type FoldingRange, type Location, type WorkspaceEdit } from 'vscode-languageserver/node';
import { definition, documentSymbols, foldingRanges, prepareRename, references, rename, type DocSymbol } from '../../core/src/lang';
import { fromPosition, toEdit, toRange } from './convert';
import type { ServerContext } from './context';

const KIND: Record<DocSymbol['kind'], SymbolKind> = {
  program: SymbolKind.Module, section: SymbolKind.Namespace, function: SymbolKind.Function, label: SymbolKind.Key, map: SymbolKind.Struct,
};

function toSymbol(s: DocSymbol): DocumentSymbol {
  const out: DocumentSymbol = { name: s.name, kind: KIND[s.kind], range: toRange(s.range), selectionRange: toRange(s.selectionRange), children: s.children.map(toSymbol) };
  if (s.detail) out.detail = s.detail;
  return out;
}

export function registerNavigation(ctx: ServerContext): void {
  const c = ctx.connection;
  c.onDefinition((p) => ctx.guard<Location | null>('definition', null, () => {
    const syn = ctx.workspace.syntax(p.textDocument.uri);
    const r = syn && definition(syn, fromPosition(p.position));
    return r ? { uri: p.textDocument.uri, range: toRange(r) } : null;
  }));
  c.onReferences((p) => ctx.guard<Location[]>('references', [], () => {
    const syn = ctx.workspace.syntax(p.textDocument.uri);
    if (!syn) return [];
    return references(syn, fromPosition(p.position), p.context.includeDeclaration).map((r) => ({ uri: p.textDocument.uri, range: toRange(r) }));
  }));
  c.onPrepareRename((p) => ctx.guard('prepareRename', null, () => {
    const syn = ctx.workspace.syntax(p.textDocument.uri);
    const r = syn && prepareRename(syn, fromPosition(p.position));
    return r ? { range: toRange(r.range), placeholder: r.placeholder } : null;
  }));
  c.onRenameRequest((p) => {
    const syn = ctx.workspace.syntax(p.textDocument.uri);
    if (!syn) return null;
    const r = ctx.guard('rename', undefined, () => rename(syn, fromPosition(p.position), p.newName));
    if (!r) return null;
    if ('error' in r) return new ResponseError<void>(-32803, r.error);
    const edit: WorkspaceEdit = { changes: { [p.textDocument.uri]: r.edits.map(toEdit) } };
    return edit;
  });
  c.onDocumentSymbol((p) => ctx.guard<DocumentSymbol[]>('documentSymbol', [], () => {
    const syn = ctx.workspace.syntax(p.textDocument.uri);
    return syn ? documentSymbols(syn).map(toSymbol) : [];
  }));
  c.onFoldingRanges((p) => ctx.guard<FoldingRange[]>('foldingRange', [], () => {
    const syn = ctx.workspace.syntax(p.textDocument.uri);
    if (!syn) return [];
    return foldingRanges(syn).map((f) => {
      const out: FoldingRange = { startLine: f.startLine - 1, endLine: f.endLine - 1 };
      if (f.kind === 'comment') out.kind = FoldingRangeKind.Comment;
      if (f.kind === 'region') out.kind = FoldingRangeKind.Region;
      return out;
    });
  }));
}
