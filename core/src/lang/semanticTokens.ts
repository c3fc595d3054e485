/**
 * Semantic tokens: a classification of every token for colouring beyond what the TextMate grammar
 * can know, i.e. which identifiers are labels, functions, maps or helpers, and which registers are
 * read-only (r10). Instruction keywords come from the words of the instruction table's templates, so
 * a new form colours correctly without a list here.
 */
import { FORMS } from '../isa/table';
import { parseTemplate } from '../isa/template';
import type { SyntaxIndex } from './syntax';
import { helperByName } from './facts';

export const TOKEN_TYPES = ['keyword', 'variable', 'number', 'operator', 'function', 'label', 'macro', 'comment', 'string', 'type', 'property'] as const;
export const TOKEN_MODIFIERS = ['declaration', 'readonly', 'defaultLibrary'] as const;
export type TokenType = (typeof TOKEN_TYPES)[number];
export type TokenModifier = (typeof TOKEN_MODIFIERS)[number];

export interface SemanticToken { line: number; column: number; length: number; type: TokenType; modifiers: TokenModifier[] }

let words: { keywords: Set<string>; types: Set<string> } | undefined;

function templateWords(): { keywords: Set<string>; types: Set<string> } {
  if (words) return words;
  const keywords = new Set<string>(['call', 'exit', 'goto', 'gotol', 'if', 'll', 'lock', 'callx']);
  const types = new Set<string>();
  for (const f of FORMS) {
    for (const p of parseTemplate(f.llvm)) {
      if (!('lit' in p)) continue;
      for (const w of p.lit.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []) {
        if (/^[us](8|16|32|64)$/.test(w)) types.add(w); else keywords.add(w);
      }
    }
  }
  words = { keywords, types };
  return words;
}

const REG = /^[rw](\d|10)$/;

export function semanticTokens(syn: SyntaxIndex): SemanticToken[] {
  const { keywords, types } = templateWords();
  const out: SemanticToken[] = [];
  const add = (line: number, column: number, length: number, type: TokenType, modifiers: TokenModifier[] = []): void => {
    if (length > 0) out.push({ line, column, length, type, modifiers });
  };
  for (const st of syn.stmts) {
    for (const l of st.labels) add(l.line, l.column, l.endColumn - l.column, syn.defs.get(l.text)?.kind === 'function' ? 'function' : 'label', ['declaration']);
    let prev = '';
    for (let k = 0; k < st.toks.length; k++) {
      const t = st.toks[k]!;
      const len = t.endColumn - t.column;
      if (t.kind === 'number') add(t.line, t.column, len, 'number');
      else if (t.kind === 'string') add(t.line, t.column, len, 'string');
      else if (t.kind === 'punct') { if (!/^[(),:\[\]]$/.test(t.text)) add(t.line, t.column, len, 'operator'); }
      else if (t.kind === 'ident') {
        const def = syn.defs.get(t.text);
        if (k === 0 && st.kind === 'directive') add(t.line, t.column, len, 'macro');
        else if (REG.test(t.text)) add(t.line, t.column, len, 'variable', t.text === 'r10' ? ['readonly'] : []);
        else if (def) add(t.line, t.column, len, def.kind === 'map' ? 'property' : def.kind === 'function' ? 'function' : 'label');
        else if (prev === 'call' && helperByName(t.text)) add(t.line, t.column, len, 'function', ['defaultLibrary']);
        else if (types.has(t.text)) add(t.line, t.column, len, 'type');
        else if (keywords.has(t.text) && st.kind === 'insn') add(t.line, t.column, len, 'keyword');
      }
      prev = t.text;
    }
  }
  for (const c of syn.comments) {
    if (c.line === c.endLine) { add(c.line, c.column, c.endColumn - c.column, 'comment'); continue; }
    for (let l = c.line; l <= c.endLine; l++) {
      const text = syn.lines[l - 1] ?? '';
      const from = l === c.line ? c.column : 1;
      const to = l === c.endLine ? c.endColumn : text.length + 1;
      add(l, from, to - from, 'comment');
    }
  }
  return out.sort((a, b) => a.line - b.line || a.column - b.column);
}
