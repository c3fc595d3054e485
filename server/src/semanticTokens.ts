/** textDocument/semanticTokens/full: the classification of the semantic-token service, delta-encoded. */
import { SemanticTokensBuilder, type SemanticTokens, type SemanticTokensLegend } from 'vscode-languageserver/node';
import { semanticTokens, TOKEN_MODIFIERS, TOKEN_TYPES } from '../../core/src/lang';
import type { ServerContext } from './context';

export const LEGEND: SemanticTokensLegend = { tokenTypes: [...TOKEN_TYPES], tokenModifiers: [...TOKEN_MODIFIERS] };

export function registerSemanticTokens(ctx: ServerContext): void {
  ctx.connection.languages.semanticTokens.on((p) => ctx.guard<SemanticTokens>('semanticTokens', { data: [] }, () => {
    const syn = ctx.workspace.syntax(p.textDocument.uri);
    if (!syn) return { data: [] };
    const b = new SemanticTokensBuilder();
    for (const t of semanticTokens(syn)) {
      let mods = 0;
      for (const m of t.modifiers) mods |= 1 << TOKEN_MODIFIERS.indexOf(m);
      b.push(t.line - 1, t.column - 1, t.length, TOKEN_TYPES.indexOf(t.type), mods);
    }
    return b.build();
  }));
}
