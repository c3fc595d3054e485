/**
 * One statement at a time: labels first (`name:`, and numeric labels `1:` that become temporaries
 * with unique names, referenced as `1b` / `1f`), then a directive or an instruction. Directives go
 * to `directives.ts`; an instruction goes to the parser of the file's dialect and is written to the
 * current section, its symbolic operand kept as a fixup for the end of the file.
 *
 * The dialect (LLVM or mnemonic) is fixed by the first statement that only one of the two accepts;
 * a later statement of the other dialect is an error. The names of absolute symbols (`.set N, 5`)
 * are replaced by their values in instruction operands.
 */
import type { SourceRange } from '../diagnostics';
import type { Token } from './lexer';
import { MSG } from './messages';
import { LLVM_FIRST_WORDS, parseLlvmInsn, type ParsedInsn } from './llvmParser';
import { isMnemonicWord, parseMnemonicInsn } from './mnemonicParser';
import { looksLikeRegister } from './operands';
import { substituteAbsolute } from './expressions';
import { handleDirective } from './directives';
import type { DirectiveContext } from './directiveContext';
import type { ObjectBuilder } from './objectBuilder';
import { SHF_EXECINSTR } from '../elf/types';
import type { PendingFixup } from './fixups';
import { encodeForm } from './formEncoder';

export type Dialect = 'llvm' | 'mnemonic';

/** The source range of one token, at least one column wide. */
export function tokenRange(t: Token): SourceRange {
  return { line: t.line, column: t.column, endLine: t.line, endColumn: Math.max(t.endColumn, t.column + 1) };
}

/** The temporary (never emitted) name of the `k`th definition of numeric label `n`. */
function numericLabel(n: string, k: number): string {
  return `.L${n}$num${k}`;
}

function parseIn(d: Dialect, tokens: Token[], s: number, end: number): ParsedInsn {
  return d === 'llvm' ? parseLlvmInsn(tokens, s, end) : parseMnemonicInsn(tokens, s, end);
}

/** Whether the parser built an instruction without errors. */
function parsedOk(p: ParsedInsn): boolean {
  return p.form !== undefined && !p.problems.some((x) => x.severity === 'error');
}

export class StatementAssembler {
  dialect: Dialect | undefined;
  private dialectLine = 0;
  /** Symbolic operands of instructions, settled at the end of the file. */
  readonly fixups: PendingFixup[] = [];
  /** Offset of the first `exit` of each section: bpf_conformance's implicit `exit` label. */
  readonly firstExit = new Map<string, number>();
  /** How many times each numeric label (`1:`) has been defined so far. */
  private readonly numericDefs = new Map<string, number>();

  /** `warn` reports a warning, which the one-error-per-statement rule does not limit. */
  constructor(
    private readonly ob: ObjectBuilder,
    private readonly ctx: DirectiveContext,
    private readonly warn: (m: { code: string }, message: string, tok: Token) => void,
  ) {}

  /**
   * Define the labels that start the statement `tokens[0..end)` and name the numeric labels it
   * refers to; returns the index of the first token after the labels.
   */
  labels(tokens: Token[], end: number): number {
    let s = 0;
    // Labels: `name:` at the start of a statement, possibly several; `N:` is a numeric label.
    while (s + 1 < end && (tokens[s]!.kind === 'ident' || tokens[s]!.kind === 'number') && tokens[s + 1]!.kind === 'punct' && tokens[s + 1]!.text === ':') {
      const t = tokens[s]!;
      if (t.kind === 'number') {
        const n = this.numericDefs.get(t.text) ?? 0;
        this.numericDefs.set(t.text, n + 1);
        tokens[s] = { ...t, kind: 'ident', text: numericLabel(t.text, n + 1) };
      }
      this.defineLabel(tokens[s]!);
      s += 2;
    }
    // `Nb` / `Nf` name the nearest numeric label N before / after this point.
    for (let k = s; k < end; k++) {
      const t = tokens[k]!;
      if (t.kind !== 'error') continue;
      const m = /^(\d+)([bf])$/.exec(t.text);
      if (!m) continue;
      const n = (this.numericDefs.get(m[1]!) ?? 0) + (m[2] === 'f' ? 1 : 0);
      tokens[k] = { ...t, kind: 'ident', text: numericLabel(m[1]!, n) };
    }
    return s;
  }

  private defineLabel(t: Token): void {
    const ob = this.ob;
    const sym = ob.sym(t.text);
    if (sym.defined) { this.ctx.error(MSG.duplicateLabel, MSG.duplicateLabel.text(t.text), t); return; }
    sym.defined = true;
    sym.section = ob.cur.name;
    sym.value = ob.cur.size;
    sym.range = tokenRange(t);
    const list = ob.cur.labels.get(sym.value) ?? [];
    list.push(t.text);
    ob.cur.labels.set(sym.value, list);
  }

  /** The directive or instruction `tokens[s..end)`, after its labels. */
  statement(tokens: Token[], s: number, end: number): void {
    const ctx = this.ctx;
    const first = tokens[s]!;
    if (first.kind === 'error') {
      if (first.text.startsWith('"')) ctx.error(MSG.unexpectedTokenAtStart, MSG.unexpectedTokenAtStart.text(), first);
      else ctx.error(MSG.invalidCharacter, MSG.invalidCharacter.text(), first);
      return;
    }
    if (first.kind === 'ident' && first.text.startsWith('.') && first.text.length > 1) {
      const sec = this.ob.cur;
      const before = sec.size;
      if (!handleDirective(ctx, tokens, s, end)) ctx.error(MSG.unknownDirective, MSG.unknownDirective.text(), first);
      // Raw bytes in code (`.quad 0x...`) are slots too: the verifier's verdict on them must point here.
      if (sec === this.ob.cur && sec.size > before && (sec.flags & SHF_EXECINSTR) !== 0) {
        const last = tokens[end - 1] ?? first;
        const range: SourceRange = { line: first.line, column: first.column, endLine: last.line, endColumn: last.endColumn };
        for (let slot = before >> 3; slot < (sec.size + 7) >> 3; slot++) sec.lines[slot] ??= range;
      }
      return;
    }
    if (first.kind !== 'ident' && !(first.kind === 'punct' && first.text === '*')) {
      ctx.error(MSG.unexpectedTokenAtStart, MSG.unexpectedTokenAtStart.text(), first);
      return;
    }
    // Names of absolute symbols (`.set N, 5`) stand for their values in operands.
    substituteAbsolute(this.ob, tokens, s + 1, end, true);
    const w = first.text;
    const llvmStrong = w === '*' || (looksLikeRegister(w) && !w.startsWith('%')) || (LLVM_FIRST_WORDS.has(w) && !isMnemonicWord(w));
    const mnStrong = isMnemonicWord(w) && !LLVM_FIRST_WORDS.has(w);
    let want: Dialect | undefined = llvmStrong ? 'llvm' : mnStrong ? 'mnemonic' : undefined;
    let parsed: ParsedInsn;
    if (want === undefined) {
      // Words both dialects share (call, exit, lock, ...): the file's dialect, or before it is known
      // LLVM and then the mnemonic dialect.
      const mine = this.dialect ?? 'llvm';
      parsed = parseIn(mine, tokens, s, end);
      if (!parsedOk(parsed) && this.dialect === undefined) {
        const other: Dialect = mine === 'llvm' ? 'mnemonic' : 'llvm';
        const alt = parseIn(other, tokens, s, end);
        if (parsedOk(alt)) { want = other; parsed = alt; }
      }
    } else {
      parsed = parseIn(want, tokens, s, end);
    }
    if (want !== undefined && this.dialect !== undefined && want !== this.dialect) {
      ctx.error(MSG.mixedDialects, MSG.mixedDialects.text(this.dialect === 'llvm' ? 'LLVM' : 'mnemonic', this.dialectLine), first);
      return;
    }
    if (want !== undefined && this.dialect === undefined && parsedOk(parsed)) { this.dialect = want; this.dialectLine = first.line; }
    this.emitInsn(parsed, first, tokens[end - 1]!);
  }

  /** Report the parser's problems and write the instruction it built, if any. */
  private emitInsn(parsed: ParsedInsn, first: Token, last: Token): void {
    for (const p of parsed.problems) {
      if (p.severity === 'error') this.ctx.error(p.msg, p.message, p.tok);
      else this.warn(p.msg, p.message, p.tok);
    }
    const { form, fields } = parsed;
    if (!form || !fields) return;
    const ob = this.ob;
    const wide = form.sem.kind === 'ldImm64';
    const sec = ob.cur;
    const offset = ob.reserve(wide ? 16 : 8);
    if (form.sem.kind === 'exit' && !this.firstExit.has(sec.name)) this.firstExit.set(sec.name, offset);
    encodeForm(form, fields, sec.buf, offset);
    const range: SourceRange = { line: first.line, column: first.column, endLine: last.line, endColumn: last.endColumn };
    const slot = offset >> 3;
    sec.lines[slot] = range;
    if (wide) sec.lines[slot + 1] = range;
    if (parsed.fixup) {
      ob.sym(parsed.fixup.symbol);
      this.fixups.push({ fixup: parsed.fixup, sec, offset });
    }
  }
}
