/**
 * The syntax index of a document: its statements, sections, label and map definitions and every
 * use of a name, built from the assembler's own lexer so that the editor and the assembler always
 * agree on what a token is. Navigation, completion, symbols, folding and formatting work on this
 * index alone, so they answer at once even while the verifier has not run yet.
 */
import type { SourceRange } from '../diagnostics';
import { lex, type CommentAnnotation, type Token } from '../asm/lexer';
import { scanComments, type Comment } from './comments';

export type StmtKind = 'insn' | 'directive' | 'empty';

export interface Stmt {
  /** Tokens after the labels, without the statement end. */
  toks: Token[];
  labels: Token[];
  kind: StmtKind;
  /** Section the statement is in. */
  section: string;
  line: number;
}

export type DefKind = 'label' | 'function' | 'map';

export interface NameDef {
  name: string;
  kind: DefKind;
  /** Range of the name itself. */
  range: SourceRange;
  section?: string;
}

export interface SectionSpan {
  name: string;
  /** Line of the switch (the `.section` directive), or 1 for the implicit `.text` at the start. */
  line: number;
  /** Last line that belongs to it. */
  endLine: number;
  /** Range of the section name in the directive, when there is one. */
  nameRange?: SourceRange;
}

export interface SyntaxIndex {
  text: string;
  lines: string[];
  tokens: Token[];
  stmts: Stmt[];
  comments: Comment[];
  annotations: CommentAnnotation[];
  /** Labels (functions included) and maps by name; the first definition wins. */
  defs: Map<string, NameDef>;
  /** Every use of an identifier that is not its definition, by name. */
  uses: Map<string, SourceRange[]>;
  sections: SectionSpan[];
  /** Names declared `.globl` or `.type NAME,@function`. */
  functionNames: Set<string>;
}

export function tokRange(t: Token): SourceRange {
  return { line: t.line, column: t.column, endLine: t.line, endColumn: Math.max(t.endColumn, t.column + 1) };
}

const SECTION_DIRECTIVES: Record<string, string> = { '.text': '.text', '.data': '.data', '.bss': '.bss', '.rodata': '.rodata' };

/**
 * The index of a text. `lexed` takes the tokens the assembler already produced for the same text
 * (`assemble(text, { keepTokens: true }).tokens`), so an analysis lexes the document once.
 */
export function buildSyntax(text: string, lexed?: Token[]): SyntaxIndex {
  const lines = text.split('\n');
  const comments = scanComments(text);
  let tokens: Token[];
  let annotations: CommentAnnotation[];
  // Tokens that stop short of the end of input (an assembler that gave up early) are not used.
  const last = lexed?.[lexed.length - 1];
  if (lexed && last?.kind === 'eos' && last.text === '') {
    tokens = lexed;
    annotations = annotationsOf(comments, lines);
  } else {
    ({ tokens, annotations } = lex(text));
  }
  const stmts: Stmt[] = [];
  const defs = new Map<string, NameDef>();
  const uses = new Map<string, SourceRange[]>();
  const functionNames = new Set<string>();
  const sections: SectionSpan[] = [];
  let section = '.text';
  const addUse = (name: string, range: SourceRange): void => {
    const list = uses.get(name);
    if (list) list.push(range); else uses.set(name, [range]);
  };
  let i = 0;
  while (i < tokens.length) {
    let end = i;
    while (tokens[end]!.kind !== 'eos') end++;
    let s = i;
    const labels: Token[] = [];
    while (s + 1 < end && tokens[s]!.kind === 'ident' && tokens[s + 1]!.kind === 'punct' && tokens[s + 1]!.text === ':') {
      labels.push(tokens[s]!);
      s += 2;
    }
    const toks = tokens.slice(s, end);
    const head = toks[0];
    const kind: StmtKind = !head ? 'empty' : head.kind === 'ident' && head.text.startsWith('.') && head.text.length > 1 ? 'directive' : 'insn';
    if (kind === 'directive') {
      const d = head!.text;
      const switched = SECTION_DIRECTIVES[d] ?? (d === '.section' && toks[1] ? toks[1].text : undefined);
      if (switched !== undefined) {
        section = switched;
        const span: SectionSpan = { name: switched, line: head!.line, endLine: head!.line };
        if (d === '.section' && toks[1]) span.nameRange = tokRange(toks[1]);
        sections.push(span);
      }
      if (d === '.globl' && toks[1]?.kind === 'ident') functionNames.add(toks[1].text);
      if (d === '.type' && toks[1]?.kind === 'ident' && toks.some((t) => t.text === 'function')) functionNames.add(toks[1].text);
    }
    const stmtLine = (labels[0] ?? head ?? tokens[end]!).line;
    stmts.push({ toks, labels, kind, section, line: stmtLine });
    for (const l of labels) {
      if (!defs.has(l.text)) defs.set(l.text, { name: l.text, kind: 'label', range: tokRange(l), section });
    }
    // Every identifier after the head (and the head of an instruction, which may be a name in odd
    // input) counts as a use; registers and keywords simply never match a definition.
    for (let k = kind === 'directive' ? 1 : 0; k < toks.length; k++) {
      const t = toks[k]!;
      if (t.kind === 'ident' && t.text !== '.') addUse(t.text, tokRange(t));
    }
    i = end + 1;
  }
  for (const name of functionNames) {
    const d = defs.get(name);
    if (d) d.kind = 'function';
  }
  for (const a of annotations) {
    const m = /^@map\s+(\S+)/.exec(a.text);
    if (m && !m[1]!.includes('=')) {
      const column = a.column + a.text.indexOf(m[1]!, 4);
      const range = { line: a.line, column, endLine: a.line, endColumn: column + m[1]!.length };
      if (!defs.has(m[1]!)) defs.set(m[1]!, { name: m[1]!, kind: 'map', range });
    }
    const inner = /\binner=(\S+)/.exec(a.text);
    if (inner) {
      const column = a.column + inner.index + 6;
      addUse(inner[1]!, { line: a.line, column, endLine: a.line, endColumn: column + inner[1]!.length });
    }
  }
  if (sections.length === 0 || sections[0]!.line > 1) sections.unshift({ name: '.text', line: 1, endLine: 1 });
  for (let k = 0; k < sections.length; k++) {
    const next = sections[k + 1];
    sections[k]!.endLine = next ? next.line - 1 : lines.length;
  }
  return { text, lines, tokens, stmts, comments, annotations, defs, uses, sections, functionNames };
}

/**
 * The lexer's annotations, found again among the comments: a `#` comment alone on its line whose
 * text starts with `@` (after blanks), with the column of the `@` and trailing blanks dropped.
 */
function annotationsOf(comments: Comment[], lines: string[]): CommentAnnotation[] {
  const out: CommentAnnotation[] = [];
  for (const c of comments) {
    if (c.block || c.text.charCodeAt(0) !== 35) continue;
    const body = c.text.slice(1);
    const trimmed = body.trimStart();
    if (!trimmed.startsWith('@')) continue;
    if ((lines[c.line - 1] ?? '').slice(0, c.column - 1).trim() !== '') continue;
    out.push({ text: trimmed.trimEnd(), line: c.line, column: c.column + 1 + (body.length - trimmed.length) });
  }
  return out;
}

/** The token under a position (the one whose range contains it, or ends right at it). */
export function tokenAt(syn: SyntaxIndex, line: number, column: number): Token | undefined {
  let best: Token | undefined;
  for (const t of tokensOnLine(syn, line)) {
    if (t.kind === 'eos') continue;
    if (column >= t.column && column < t.endColumn) return t;
    if (column === t.endColumn && t.kind === 'ident') best = t;
  }
  return best;
}

/** Tokens of one line, found by binary search over the flat token array. */
export function tokensOnLine(syn: SyntaxIndex, line: number): Token[] {
  const toks = syn.tokens;
  let lo = 0;
  let hi = toks.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (toks[mid]!.line < line) lo = mid + 1; else hi = mid;
  }
  const out: Token[] = [];
  for (let k = lo; k < toks.length && toks[k]!.line === line; k++) out.push(toks[k]!);
  return out;
}

/** The statement that contains a line (the first one that starts on it). */
export function stmtOnLine(syn: SyntaxIndex, line: number): Stmt | undefined {
  let lo = 0;
  let hi = syn.stmts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (syn.stmts[mid]!.line < line) lo = mid + 1; else hi = mid;
  }
  for (let k = lo; k < syn.stmts.length && syn.stmts[k]!.line === line; k++) {
    if (syn.stmts[k]!.kind !== 'empty') return syn.stmts[k];
  }
  return undefined;
}

/** The word (identifier characters) around a column, from the raw line text. */
export function wordAt(lineText: string, column: number): { text: string; start: number; end: number } {
  let s = column - 1;
  let e = column - 1;
  const isWord = (ch: string | undefined): boolean => ch !== undefined && /[A-Za-z0-9_.$@]/.test(ch);
  while (s > 0 && isWord(lineText[s - 1])) s--;
  while (e < lineText.length && isWord(lineText[e])) e++;
  return { text: lineText.slice(s, e), start: s + 1, end: e + 1 };
}
