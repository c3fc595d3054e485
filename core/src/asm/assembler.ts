/**
 * The assembler: source text in, an `ObjectFile` (what `llvm-mc -triple bpfel -mcpu=v4
 * -filetype=obj` would write) plus diagnostics out. It walks the file statement by statement (a
 * newline or `;` ends one), defines labels, hands directives to `directives.ts` and instructions to
 * the parser of the file's dialect, then resolves symbolic operands once every label is known.
 *
 * Numeric labels (`1:`, referenced as `1b` / `1f`) become temporaries with unique names. `.rept N`
 * ... `.endr` queues its body's statements N times (nested blocks expand at each replay), and the
 * names of absolute symbols (`.set N, 5`) are replaced by their values in instruction operands. In
 * the mnemonic dialect a jump to `exit` that no label defines goes to the section's first `exit`
 * instruction, as the bpf_conformance assembler does.
 *
 * Errors never stop it: each statement gets at most one error, and the next statement starts
 * afresh. The dialect (LLVM or mnemonic) is fixed by the first statement that only one of the two
 * accepts; a later statement of the other dialect is an error.
 */
import type { Diagnostic, SourceRange } from '../diagnostics';
import type { Form } from '../isa/table';
import { R_BPF_64_32, R_BPF_64_64, R_BPF_64_ABS32, R_BPF_64_ABS64, SHF_ALLOC, SHF_MERGE, SHT_PROGBITS, type ObjectFile } from '../elf/types';
import { Lexer, type Token } from './lexer';
import { diag, MSG } from './messages';
import { LLVM_FIRST_WORDS, llvmTrie, parseLlvmInsn, type InsnFields, type ParsedInsn } from './llvmParser';
import { isMnemonicWord, parseMnemonicInsn } from './mnemonicParser';
import { looksLikeRegister, readConstExpr, type Fixup } from './operands';
import { evalAbsolute, handleDirective, resolveAliases, substituteAbsolute, type CfiRange, type DirectiveContext } from './directives';
import { ObjectBuilder, type SecState } from './objectBuilder';
import { parseAnnotations, type Annotations } from './annotations';

export type Dialect = 'llvm' | 'mnemonic';

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
/** Statements `.rept` may queue in one file, so `.rept 1000000000` cannot exhaust memory. */
const MAX_REPLAYED = 4_000_000;

/** The temporary (never emitted) name of the `k`th definition of numeric label `n`. */
function numericLabel(n: string, k: number): string {
  return `.L${n}$num${k}`;
}

/** Reports a problem found after the statement loop, when the per-statement limit no longer applies. */
type Post = (m: { code: string }, severity: 'error' | 'warning', tok: Token, message: string) => void;

interface PendingFixup { fixup: Fixup; sec: SecState; offset: number }

export function assemble(text: string, options: AssembleOptions = {}): AsmResult {
  const lexer = new Lexer(text);
  const ob = new ObjectBuilder();
  const diagnostics: Diagnostic[] = [];
  let dropped = 0;
  const report = (m: { code: string }, severity: 'error' | 'warning' | 'info', message: string, range: SourceRange): void => {
    if (diagnostics.length >= MAX_DIAGNOSTICS) { dropped++; return; }
    diagnostics.push(diag(m, severity, message, range));
  };
  const tokRange = (t: Token): SourceRange => ({ line: t.line, column: t.column, endLine: t.line, endColumn: Math.max(t.endColumn, t.column + 1) });
  let stmtHasError = false;
  const ctx: DirectiveContext = {
    ob, sizes: [], data: [], switches: [], cfi: [], stack: [], aliases: [],
    error: (m, message, tok) => { if (!stmtHasError) report(m, 'error', message, tokRange(tok)); stmtHasError = true; },
  };
  const fixups: PendingFixup[] = [];
  /** Offset of the first `exit` of each section: bpf_conformance's implicit `exit` label. */
  const firstExit = new Map<string, number>();
  let dialect: Dialect | undefined;
  let dialectLine = 0;
  llvmTrie();

  const emitInsn = (parsed: ParsedInsn, first: Token, last: Token): void => {
    for (const p of parsed.problems) {
      if (p.severity === 'error') ctx.error(p.msg, p.message, p.tok);
      else report(p.msg, 'warning', p.message, tokRange(p.tok));
    }
    const { form, fields } = parsed;
    if (!form || !fields) return;
    const wide = form.sem.kind === 'ldImm64';
    const sec = ob.cur;
    const offset = ob.reserve(wide ? 16 : 8);
    if (form.sem.kind === 'exit' && !firstExit.has(sec.name)) firstExit.set(sec.name, offset);
    encodeForm(form, fields, sec.buf, offset);
    const range: SourceRange = { line: first.line, column: first.column, endLine: last.line, endColumn: last.endColumn };
    const slot = offset >> 3;
    sec.lines[slot] = range;
    if (wide) sec.lines[slot + 1] = range;
    if (parsed.fixup) {
      ob.sym(parsed.fixup.symbol);
      fixups.push({ fixup: parsed.fixup, sec, offset });
    }
  };

  /** How many times each numeric label (`1:`) has been defined so far. */
  const numericDefs = new Map<string, number>();
  /** Every token of the source in order (not the copies `.rept` replays), for the language server. */
  const sourceTokens: Token[] | undefined = options.keepTokens ? [] : undefined;
  /** Statements still to run before reading on: the bodies of `.rept` blocks, in order. */
  const replay: Token[][] = [];
  let replayed = 0;
  let atEnd = false;
  /** The next statement's tokens into `into`, up to and including its end; false at end of input. */
  const nextStatement = (into: Token[]): boolean => {
    into.length = 0;
    const queued = replay.pop();
    if (queued) { for (const t of queued) into.push(t); return true; }
    if (atEnd) return false;
    let t: Token;
    do { t = lexer.next(); into.push(t); sourceTokens?.push(t); } while (t.kind !== 'eos');
    if (t.text === '') atEnd = true;
    return true;
  };
  // One statement's tokens at a time, up to and including its end (newline, `;` or end of input).
  const tokens: Token[] = [];
  while (nextStatement(tokens)) {
    const end = tokens.length - 1;
    stmtHasError = false;
    let s = 0;
    // Labels: `name:` at the start of a statement, possibly several; `N:` is a numeric label.
    while (s + 1 < end && (tokens[s]!.kind === 'ident' || tokens[s]!.kind === 'number') && tokens[s + 1]!.kind === 'punct' && tokens[s + 1]!.text === ':') {
      const t = tokens[s]!;
      if (t.kind === 'number') {
        const n = numericDefs.get(t.text) ?? 0;
        numericDefs.set(t.text, n + 1);
        tokens[s] = { ...t, kind: 'ident', text: numericLabel(t.text, n + 1) };
      }
      defineLabel(tokens[s]!);
      s += 2;
    }
    // `Nb` / `Nf` name the nearest numeric label N before / after this point.
    for (let k = s; k < end; k++) {
      const t = tokens[k]!;
      if (t.kind !== 'error') continue;
      const m = /^(\d+)([bf])$/.exec(t.text);
      if (!m) continue;
      const n = (numericDefs.get(m[1]!) ?? 0) + (m[2] === 'f' ? 1 : 0);
      tokens[k] = { ...t, kind: 'ident', text: numericLabel(m[1]!, n) };
    }
    if (s < end && tokens[s]!.kind === 'ident' && (tokens[s]!.text === '.rept' || tokens[s]!.text === '.endr')) rept(s, end);
    else if (s < end) statement(s, end);
  }
  for (const p of lexer.problems) {
    report(MSG.unterminatedComment, 'error', p.message,
      { line: p.line, column: p.column, endLine: p.line, endColumn: p.column + p.length });
  }

  /**
   * `.rept N` ... `.endr`: the body's statements (read from the source, or from an enclosing body
   * being replayed) are queued N times, so a nested `.rept` inside is expanded at each replay.
   */
  function rept(s: number, end: number): void {
    const head = tokens[s]!;
    if (head.text === '.endr') { ctx.error(MSG.unmatchedEndr, MSG.unmatchedEndr.text(), tokens[end]!); return; }
    const args = substituteAbsolute(ob, tokens.slice(s + 1, end + 1));
    const r = readConstExpr(args, 0, args.length - 1);
    let count = 0n;
    if (!r || r.problem || r.next !== args.length - 1) ctx.error(MSG.reptCount, MSG.reptCount.text(), args[r?.next ?? 0]!);
    else if (r.value < 0n) ctx.error(MSG.reptNegative, MSG.reptNegative.text(), args[0]!);
    else count = r.value;
    const body: Token[][] = [];
    let depth = 1;
    const stmt: Token[] = [];
    for (;;) {
      if (!nextStatement(stmt)) { ctx.error(MSG.reptNoEndr, MSG.reptNoEndr.text(), head); return; }
      // Only the first word counts: a label before a nested `.rept` or `.endr` is not looked through.
      const first = stmt[0]!;
      if (first.kind === 'ident' && first.text === '.rept') depth++;
      else if (first.kind === 'ident' && first.text === '.endr' && --depth === 0) break;
      // A statement that ended the input must not end it again when replayed.
      const copy = stmt.slice();
      const last = copy[copy.length - 1]!;
      if (last.text === '') copy[copy.length - 1] = { ...last, text: '\n' };
      body.push(copy);
    }
    if (count === 0n || body.length === 0 || replayed > MAX_REPLAYED) return;
    if (replayed + Number(count) * body.length > MAX_REPLAYED) {
      // Report once, and drop what enclosing repetitions still had queued.
      ctx.error(MSG.tooManyRepeats, MSG.tooManyRepeats.text(MAX_REPLAYED), head);
      replayed = MAX_REPLAYED + 1;
      replay.length = 0;
      return;
    }
    replayed += Number(count) * body.length;
    // `replay` is a stack popped from the end: push the copies last statement first.
    for (let n = 0n; n < count; n++) for (let k = body.length - 1; k >= 0; k--) replay.push(body[k]!);
  }

  function defineLabel(t: Token): void {
    const sym = ob.sym(t.text);
    if (sym.defined) { ctx.error(MSG.duplicateLabel, MSG.duplicateLabel.text(t.text), t); return; }
    sym.defined = true;
    sym.section = ob.cur.name;
    sym.value = ob.cur.size;
    sym.range = tokRange(t);
    const list = ob.cur.labels.get(sym.value) ?? [];
    list.push(t.text);
    ob.cur.labels.set(sym.value, list);
  }

  function statement(s: number, end: number): void {
    const first = tokens[s]!;
    if (first.kind === 'error') {
      if (first.text.startsWith('"')) ctx.error(MSG.unexpectedTokenAtStart, MSG.unexpectedTokenAtStart.text(), first);
      else ctx.error(MSG.invalidCharacter, MSG.invalidCharacter.text(), first);
      return;
    }
    if (first.kind === 'ident' && first.text.startsWith('.') && first.text.length > 1) {
      if (!handleDirective(ctx, tokens, s, end)) ctx.error(MSG.unknownDirective, MSG.unknownDirective.text(), first);
      return;
    }
    if (first.kind !== 'ident' && !(first.kind === 'punct' && first.text === '*')) {
      ctx.error(MSG.unexpectedTokenAtStart, MSG.unexpectedTokenAtStart.text(), first);
      return;
    }
    // Names of absolute symbols (`.set N, 5`) stand for their values in operands.
    substituteAbsolute(ob, tokens, s + 1, end, true);
    const w = first.text;
    const llvmStrong = w === '*' || (looksLikeRegister(w) && !w.startsWith('%')) || (LLVM_FIRST_WORDS.has(w) && !isMnemonicWord(w));
    const mnStrong = isMnemonicWord(w) && !LLVM_FIRST_WORDS.has(w);
    const parse = (d: Dialect): ParsedInsn => (d === 'llvm' ? parseLlvmInsn(tokens, s, end) : parseMnemonicInsn(tokens, s, end));
    const ok = (p: ParsedInsn): boolean => p.form !== undefined && !p.problems.some((x) => x.severity === 'error');
    const last = tokens[end - 1]!;
    let want: Dialect | undefined = llvmStrong ? 'llvm' : mnStrong ? 'mnemonic' : undefined;
    let parsed: ParsedInsn;
    if (want === undefined) {
      // Words both dialects share (call, exit, lock, ...): the file's dialect, or before it is known
      // LLVM and then the mnemonic dialect.
      const mine = dialect ?? 'llvm';
      parsed = parse(mine);
      if (!ok(parsed) && dialect === undefined) {
        const other: Dialect = mine === 'llvm' ? 'mnemonic' : 'llvm';
        const alt = parse(other);
        if (ok(alt)) { want = other; parsed = alt; }
      }
    } else {
      parsed = parse(want);
    }
    if (want !== undefined && dialect !== undefined && want !== dialect) {
      ctx.error(MSG.mixedDialects, MSG.mixedDialects.text(dialect === 'llvm' ? 'LLVM' : 'mnemonic', dialectLine), first);
      return;
    }
    if (want !== undefined && dialect === undefined && ok(parsed)) { dialect = want; dialectLine = first.line; }
    emitInsn(parsed, first, last);
  }

  const later: Post = (m, severity, tok, message) => report(m, severity, message, tokRange(tok));
  resolveAliases(ob, ctx, (tok) => later(MSG.exprNotAbsolute, 'error', tok, MSG.exprNotAbsolute.text()));
  resolveFixups(ob, fixups, later, dialect === 'mnemonic' ? firstExit : undefined);
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
  diagnostics.sort((a, b) => a.range.line - b.range.line || a.range.column - b.range.column);
  return { object: ob.finish(), diagnostics, lines, labels, annotations: ann, progTypeBySection, dialect, ...(sourceTokens ? { tokens: sourceTokens } : {}) };
}

/**
 * Write the slot(s) of a form with its operand fields: the bytes `encodeInto(makeInsn(form,
 * fields))` gives (the table tests check that), without building the semantic instruction first.
 */
function encodeForm(form: Form, f: InsnFields, buf: Uint8Array, at: number): void {
  const src = form.srcSel ?? f.src;
  const off = form.offSel ?? f.off;
  let imm = form.immSel ?? f.imm;
  let hi = 0;
  if (form.sem.kind === 'ldImm64') {
    const v = BigInt.asUintN(64, f.imm64 ?? BigInt(f.imm));
    imm = Number(v & 0xffffffffn) | 0;
    hi = Number(v >> 32n) | 0;
  }
  buf[at] = form.opcode;
  buf[at + 1] = ((src & 0xf) << 4) | (f.dst & 0xf);
  buf[at + 2] = off & 0xff;
  buf[at + 3] = (off >> 8) & 0xff;
  buf[at + 4] = imm & 0xff;
  buf[at + 5] = (imm >> 8) & 0xff;
  buf[at + 6] = (imm >> 16) & 0xff;
  buf[at + 7] = (imm >>> 24) & 0xff;
  if (form.sem.kind === 'ldImm64') {
    buf.fill(0, at + 8, at + 12);
    buf[at + 12] = hi & 0xff;
    buf[at + 13] = (hi >> 8) & 0xff;
    buf[at + 14] = (hi >> 16) & 0xff;
    buf[at + 15] = (hi >>> 24) & 0xff;
  }
}

/** Resolve jumps, calls and 64-bit loads against labels, or turn them into relocations as llvm-mc does. */
function resolveFixups(ob: ObjectBuilder, fixups: PendingFixup[], post: Post, firstExit?: Map<string, number>): void {
  for (const { fixup, sec, offset } of fixups) {
    let sym = ob.target(fixup.symbol);
    // The bpf_conformance assembler lets a jump name `exit` without defining it: the label then
    // stands for the first `exit` instruction of the program (here: of the section). A label the
    // file defines itself wins.
    const implicit = firstExit?.get(sec.name);
    if (!sym.defined && sym.name === 'exit' && implicit !== undefined && fixup.kind !== 'ld64') {
      sym = { ...sym, defined: true, section: sec.name, value: implicit, bind: 'local' };
    }
    const t = fixup.tok;
    switch (fixup.kind) {
      case 'jump16': case 'jump32': {
        if (!sym.defined && /^\.L\d+\$num\d+$/.test(sym.name)) { post(MSG.undefinedNumericLabel, 'error', t, MSG.undefinedNumericLabel.text()); break; }
        if (!sym.defined) { post(MSG.undefinedLabel, 'error', t, MSG.undefinedLabel.text(sym.name)); break; }
        if (sym.section !== sec.name) { post(MSG.jumpOtherSection, 'error', t, MSG.jumpOtherSection.text(sym.name)); break; }
        const delta = (sym.value - offset - 8) / 8;
        const bits = fixup.kind === 'jump16' ? 16 : 32;
        if (!Number.isInteger(delta) || delta < -(2 ** (bits - 1)) || delta >= 2 ** (bits - 1)) {
          post(MSG.jumpOutOfRange, 'error', t, MSG.jumpOutOfRange.text(sym.name, bits));
          break;
        }
        if (sym.bind !== 'local') {
          // Only a warning: the jump is resolved as the author meant it.
          post(MSG.jumpGlobal, 'warning', t, MSG.jumpGlobal.text(sym.name));
        }
        if (bits === 16) ob.patch(sec, offset + 2, BigInt(delta), 2);
        else ob.patch(sec, offset + 4, BigInt(delta), 4);
        break;
      }
      case 'call': {
        if (sym.defined && sym.bind === 'local' && sym.section === sec.name) {
          ob.patch(sec, offset + 4, BigInt((sym.value - offset - 8) / 8), 4);
        } else if (sym.defined && sym.bind === 'local' && sym.section !== undefined) {
          ob.relocate(sec, offset, R_BPF_64_32, ob.sections.get(sym.section!)!);
          ob.patch(sec, offset + 4, BigInt(sym.value / 8 - 1), 4);
        } else {
          ob.relocate(sec, offset, R_BPF_64_32, sym);
          ob.patch(sec, offset + 4, -1n, 4);
        }
        break;
      }
      case 'ld64': {
        let value = BigInt(fixup.addend);
        if (sym.defined && sym.bind === 'local' && sym.section !== undefined) {
          const target = ob.sections.get(sym.section!)!;
          if ((target.flags & SHF_MERGE) !== 0 && fixup.addend !== 0) {
            ob.relocate(sec, offset, R_BPF_64_64, sym);
          } else {
            ob.relocate(sec, offset, R_BPF_64_64, target);
            value += BigInt(sym.value);
          }
        } else {
          ob.relocate(sec, offset, R_BPF_64_64, sym);
        }
        ob.patch(sec, offset + 4, value, 4);
        // llvm-mc keeps the addend in the first slot only (as 32 bits); the second imm stays zero.
        ob.patch(sec, offset + 12, 0n, 4);
        break;
      }
    }
  }
}

/**
 * The `.eh_frame` section llvm-mc writes for `.cfi_startproc`/`.cfi_endproc` pairs (llc and clang
 * emit them around every function): one CIE (code alignment 8, data alignment -4, return address
 * register 11, 8-byte absolute addresses, no initial instructions) padded to 4 bytes, then one FDE
 * per function whose start is an absolute relocation against the function's section, each padded
 * so it ends on 8 bytes. The section is created last, as llvm-mc does at the end of the file.
 */
function emitEhFrame(ob: ObjectBuilder, ranges: CfiRange[]): void {
  const saved = ob.cur;
  const eh = ob.section('.eh_frame', SHT_PROGBITS, SHF_ALLOC, 8, 0);
  ob.cur = eh;
  ob.emitBytes([0x10, 0, 0, 0, 0, 0, 0, 0, 1, 0x7a, 0x52, 0, 8, 0x7c, 0x0b, 1, 0x0c, 0, 0, 0]);
  for (const r of ranges) {
    const start = eh.size;
    const total = Math.ceil((start + 25) / 8) * 8 - start;
    ob.emitInt(BigInt(total - 4), 4);
    ob.emitInt(BigInt(start + 4), 4);
    ob.relocate(eh, eh.size, R_BPF_64_ABS64, r.sec);
    ob.emitInt(BigInt(r.start), 8);
    ob.emitInt(BigInt(r.end - r.start), 8);
    ob.emitBytes(new Uint8Array(total - 24));
  }
  ob.cur = saved;
}

/** Symbol values in `.quad`/`.long` data become absolute relocations with the addend in place. */
function resolveData(ob: ObjectBuilder, ctx: DirectiveContext, post: Post): void {
  for (const d of ctx.data) {
    // A difference of labels of one section (`.long .Lend - .Lstart`) is a plain number.
    const absolute = evalAbsolute(ob, d.expr, d.sec.name, d.offset);
    if (absolute !== undefined) {
      const bits = BigInt(d.size * 8);
      if (absolute < -(1n << (bits - 1n)) || absolute >= 1n << bits) post(MSG.literalOutOfRange, 'error', d.expr.tok, MSG.literalOutOfRange.text());
      else ob.patch(d.sec, d.offset, absolute, d.size);
      continue;
    }
    const syms = d.expr.terms.filter((t) => t.sym !== undefined);
    const addend = d.expr.terms.reduce((s, t) => s + (t.value !== undefined ? BigInt(t.sign) * t.value : 0n), 0n);
    const only = syms[0];
    if (syms.length !== 1 || only!.sign !== 1 || only!.sym === '.' || (d.size !== 4 && d.size !== 8)) {
      post(MSG.exprNotAbsolute, 'error', d.expr.tok, MSG.exprNotAbsolute.text());
      continue;
    }
    const sym = ob.target(only!.sym!);
    const type = d.size === 8 ? R_BPF_64_ABS64 : R_BPF_64_ABS32;
    if (sym.defined && sym.bind === 'local' && sym.section !== undefined) {
      ob.relocate(d.sec, d.offset, type, ob.sections.get(sym.section!)!);
      ob.patch(d.sec, d.offset, addend + BigInt(sym.value), d.size);
    } else {
      ob.relocate(d.sec, d.offset, type, sym);
      ob.patch(d.sec, d.offset, addend, d.size);
    }
  }
}

/** `.size NAME, EXPR`: the expression must reduce to a number (symbols of one section cancel out). */
function resolveSizes(ob: ObjectBuilder, ctx: DirectiveContext, post: Post): void {
  for (const z of ctx.sizes) {
    if (!z.sym.defined) { post(MSG.sizeUnknown, 'error', z.tok, MSG.sizeUnknown.text(z.sym.name)); continue; }
    const v = evalAbsolute(ob, z.expr, z.sec.name, z.dot);
    if (v === undefined) { post(MSG.exprNotAbsolute, 'error', z.expr.tok, MSG.exprNotAbsolute.text()); continue; }
    z.sym.size = Number(v);
  }
}
