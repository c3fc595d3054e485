/**
 * The assembler: source text in, an `ObjectFile` (what `llvm-mc -triple bpfel -mcpu=v4
 * -filetype=obj` would write) plus diagnostics out. It takes statements from `statementSource.ts`
 * (which also expands `.rept`), hands each to `statements.ts` (labels, directives, instructions),
 * then settles symbolic operands and data once every label is known (`fixups.ts`), and gathers
 * what the language server and debugger need: slot → source maps, labels by slot, annotations.
 *
 * Errors never stop it: each statement gets at most one error, and the next statement starts
 * afresh. In the mnemonic dialect a jump to `exit` that no label defines goes to the section's
 * first `exit` instruction, as the bpf_conformance assembler does.
 */
import type { Diagnostic, SourceRange } from '../diagnostics';
import type { ObjectFile } from '../elf/types';
import { Lexer, type Token } from './lexer';
import { diag, MSG } from './messages';
import { llvmTrie } from './llvmParser';
import type { DirectiveContext } from './directiveContext';
import { resolveAliases } from './symbolDirectives';
import { ObjectBuilder } from './objectBuilder';
import { parseAnnotations, type Annotations } from './annotations';
import { StatementSource } from './statementSource';
import { StatementAssembler, tokenRange, type Dialect } from './statements';
import { resolveData, resolveFixups, resolveSizes, type Post } from './fixups';
import { emitEhFrame } from './cfi';

export type { Dialect } from './statements';

export interface AsmResult {
  object: ObjectFile;
  diagnostics: Diagnostic[];
  /** Per section: the source range of each instruction slot. */
  lines: Map<string, (SourceRange | undefined)[]>;
  /** Per section: label names (including `.L` temporaries) by slot. */
  labels: Map<string, Map<number, string>>;
  annotations: Annotations;
  /** Program-type annotations by the section they were written in ('' before any section switch). */
  progTypeBySection: Map<string, string>;
  dialect: Dialect | undefined;
  /**
   * With `keepTokens`: every token of the source in order, as the lexer produced them
   * (end-of-statement tokens included, the last one with empty text), so the language server need
   * not lex the text again. `.rept` bodies appear once, as written.
   */
  tokens?: Token[];
}

export interface AssembleOptions {
  /**
   * Keep the source's tokens in `AsmResult.tokens`. Off by default: holding a large file's tokens
   * (about ten per instruction) until the end nearly doubles the time to assemble it.
   */
  keepTokens?: boolean;
}

const MAX_DIAGNOSTICS = 1000;

export function assemble(text: string, options: AssembleOptions = {}): AsmResult {
  const lexer = new Lexer(text);
  const ob = new ObjectBuilder();
  const diagnostics: Diagnostic[] = [];
  let dropped = 0;
  const report = (m: { code: string }, severity: 'error' | 'warning' | 'info', message: string, range: SourceRange): void => {
    if (diagnostics.length >= MAX_DIAGNOSTICS) { dropped++; return; }
    diagnostics.push(diag(m, severity, message, range));
  };
  let stmtHasError = false;
  const ctx: DirectiveContext = {
    ob, sizes: [], data: [], switches: [], cfi: [], stack: [], aliases: [],
    error: (m, message, tok) => { if (!stmtHasError) report(m, 'error', message, tokenRange(tok)); stmtHasError = true; },
  };
  const stmts = new StatementAssembler(ob, ctx, (m, message, tok) => report(m, 'warning', message, tokenRange(tok)));
  const source = new StatementSource(lexer, options.keepTokens === true);
  llvmTrie();

  // One statement's tokens at a time, up to and including its end (newline, `;` or end of input).
  const tokens: Token[] = [];
  while (source.next(tokens)) {
    const end = tokens.length - 1;
    stmtHasError = false;
    const s = stmts.labels(tokens, end);
    if (s < end && tokens[s]!.kind === 'ident' && (tokens[s]!.text === '.rept' || tokens[s]!.text === '.endr')) source.rept(ctx, tokens, s, end);
    else if (s < end) stmts.statement(tokens, s, end);
  }
  for (const p of lexer.problems) {
    report(MSG.unterminatedComment, 'error', p.message,
      { line: p.line, column: p.column, endLine: p.line, endColumn: p.column + p.length });
  }

  const later: Post = (m, severity, tok, message) => report(m, severity, message, tokenRange(tok));
  resolveAliases(ob, ctx, (tok) => later(MSG.exprNotAbsolute, 'error', tok, MSG.exprNotAbsolute.text()));
  resolveFixups(ob, stmts.fixups, later, stmts.dialect === 'mnemonic' ? stmts.firstExit : undefined);
  resolveData(ob, ctx, later);
  resolveSizes(ob, ctx, later);
  if (ctx.cfi.length > 0) emitEhFrame(ob, ctx.cfi);
  if (dropped > 0) {
    diagnostics.push(diag(MSG.tooManyErrors, 'error', MSG.tooManyErrors.text(dropped), diagnostics[diagnostics.length - 1]!.range));
  }

  const ann = parseAnnotations(lexer.annotations);
  diagnostics.push(...ann.diagnostics);
  const progTypeBySection = new Map<string, string>();
  for (const p of ann.progs) {
    let section = '';
    for (const sw of ctx.switches) if (sw.line <= p.line) section = sw.section;
    progTypeBySection.set(section, p.progType);
  }
  const { lines, labels } = slotMaps(ob);
  diagnostics.sort((a, b) => a.range.line - b.range.line || a.range.column - b.range.column);
  const sourceTokens = source.sourceTokens;
  return { object: ob.finish(), diagnostics, lines, labels, annotations: ann, progTypeBySection, dialect: stmts.dialect, ...(sourceTokens ? { tokens: sourceTokens } : {}) };
}

/** Per section, the source range of each slot and the label to show at each slot. */
function slotMaps(ob: ObjectBuilder): Pick<AsmResult, 'lines' | 'labels'> {
  const lines = new Map<string, (SourceRange | undefined)[]>();
  const labels = new Map<string, Map<number, string>>();
  for (const sec of ob.sections.values()) {
    lines.set(sec.name, sec.lines);
    const bySlot = new Map<number, string>();
    for (const [off, names] of sec.labels) {
      if (off % 8 !== 0) continue;
      // Prefer a name the reader chose over a compiler temporary; numeric labels show as written.
      const name = names.find((n) => !n.startsWith('.L')) ?? names[0]!;
      bySlot.set(off / 8, name.replace(/^\.L(\d+)\$num\d+$/, '$1'));
    }
    labels.set(sec.name, bySlot);
  }
  return { lines, labels };
}
