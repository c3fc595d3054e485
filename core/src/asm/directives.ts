/**
 * The GNU-as directives llvm-mc accepts in BPF assembly: section switches (`.text`, `.section
 * NAME, "flags", @type`, `.pushsection`, `.popsection`, `.previous`), symbol attributes (`.globl`,
 * `.weak`, `.local`, `.type`, `.size`), absolute symbols and aliases (`.set`, `.equ`, `.equiv`),
 * common symbols (`.comm`, `.lcomm`), alignment, data (`.byte` ... `.quad`, `.uleb128`, `.ascii`,
 * `.asciz`, `.zero`, `.skip`), `.file`, `.ident`, the address significance table, and
 * the debug-info directives: `.cfi_startproc`/`.cfi_endproc` delimit `.eh_frame` entries, `.loc`
 * is accepted and ignored (no line table is emitted). Values that name symbols (`.quad f`, `.size
 * f, .-f`) are recorded and resolved when the whole file has been read, since a symbol may be
 * defined after its use. An absolute symbol has a value and no section; its name stands for the
 * value wherever an expression may be written (`substituteAbsolute`), as in llvm-mc. `.rept` is
 * handled by the assembler, since it replays statements.
 */
import type { Token } from './lexer';
import { MSG } from './messages';
import { readConstExpr, type OperandProblem } from './operands';
import { defaultSectionKind, type ObjectBuilder, type SecState, type SymState } from './objectBuilder';
import { SHF_ALLOC, SHF_EXECINSTR, SHF_MERGE, SHF_STRINGS, SHF_WRITE, SHT_NOBITS, SHT_PROGBITS } from '../elf/types';

/** A sum of signed terms: numbers, symbols and `.` (the location counter where it was written). */
export interface Expr { terms: { sign: 1 | -1; value?: bigint; sym?: string }[]; tok: Token }

export interface DeferredSize { sym: SymState; expr: Expr; tok: Token; sec: SecState; dot: number }
export interface DataFixup { sec: SecState; offset: number; size: number; expr: Expr }

/** A `.cfi_startproc` ... `.cfi_endproc` range, which becomes an FDE of `.eh_frame`. */
export interface CfiRange { sec: SecState; start: number; end: number }

export interface DirectiveContext {
  ob: ObjectBuilder;
  /** Open `.cfi_startproc`, and the finished ranges. */
  cfiOpen?: { sec: SecState; start: number };
  cfi: CfiRange[];
  error(m: { code: string }, message: string, tok: Token): void;
  sizes: DeferredSize[];
  data: DataFixup[];
  /** Sections saved by `.pushsection`. */
  stack: SecState[];
  /** The section before the last switch, for `.previous`. */
  previous?: SecState;
  /** `.set A, f + 8` aliases of labels, settled by `resolveAliases` at the end of the file. */
  aliases: { sym: SymState; target: string; addend: number; tok: Token }[];
  /** Line of every section switch, so `# @prog` annotations can be placed in their section. */
  switches: { line: number; section: string }[];
}

/** Debug-info directives without effect on the object (line tables are not emitted). */
const IGNORED = new Set(['.loc', '.cfi_sections']);
const DATA_SIZES: Record<string, number> = {
  '.byte': 1, '.short': 2, '.2byte': 2, '.half': 2, '.hword': 2, '.long': 4, '.int': 4, '.4byte': 4, '.word': 4, '.quad': 8, '.8byte': 8,
};

class Args {
  constructor(readonly toks: Token[], public i: number, readonly end: number) {}
  get done(): boolean { return this.i >= this.end; }
  get tok(): Token { return this.toks[this.i]!; }
  punct(text: string): boolean {
    if (!this.done && this.tok.kind === 'punct' && this.tok.text === text) { this.i++; return true; }
    return false;
  }
}

/** Handle the directive statement `toks[start..end)`; returns false when the directive is unknown. */
export function handleDirective(ctx: DirectiveContext, toks: Token[], start: number, end: number): boolean {
  const head = toks[start]!;
  const name = head.text;
  const a = new Args(toks, start + 1, end);
  const ob = ctx.ob;
  const fail = (m: { code: string; text: () => string }, tok: Token = a.done ? toks[end]! : a.tok): true => {
    ctx.error(m, m.text(), tok);
    return true;
  };
  const expectEnd = (): true => { if (!a.done) fail(MSG.expectedEnd); return true; };
  const ident = (): Token | undefined => {
    if (!a.done && (a.tok.kind === 'ident' || a.tok.kind === 'string')) return toks[a.i++]!;
    return undefined;
  };
  if (IGNORED.has(name)) return true;
  switch (name) {
    case '.cfi_startproc':
      ctx.cfiOpen = { sec: ob.cur, start: ob.cur.size };
      return true;
    case '.cfi_endproc':
      if (ctx.cfiOpen) ctx.cfi.push({ ...ctx.cfiOpen, end: ctx.cfiOpen.sec.size });
      ctx.cfiOpen = undefined;
      return true;
    case '.text': case '.data': case '.rodata': case '.bss': {
      const k = defaultSectionKind(name);
      switchTo(ctx, ob.section(name, k.type, k.flags, name === '.text' ? 4 : 1, 0));
      ctx.switches.push({ line: head.line, section: name });
      return expectEnd();
    }
    case '.section': case '.pushsection': {
      const n = sectionName(a);
      if (!n) return fail(MSG.expectedIdentifier);
      const secName = n;
      const k = defaultSectionKind(secName);
      let flags = k.flags;
      let type = k.type;
      let entsize = 0;
      let explicit = false;
      if (a.punct(',')) {
        if (a.done || a.tok.kind !== 'string') return fail(MSG.expectedString);
        explicit = true;
        flags = 0;
        for (const ch of a.tok.text) {
          flags |= ch === 'a' ? SHF_ALLOC : ch === 'w' ? SHF_WRITE : ch === 'x' ? SHF_EXECINSTR : ch === 'M' ? SHF_MERGE : ch === 'S' ? SHF_STRINGS : 0;
        }
        a.i++;
        if (a.punct(',')) {
          a.punct('@');
          const t = ident();
          const tn = t?.text.replace(/^%/, '');
          if (tn === 'nobits') type = SHT_NOBITS;
          else if (tn === 'progbits') type = SHT_PROGBITS;
          else return fail(MSG.expectedIdentifier, t ?? a.tok);
          if (a.punct(',')) {
            const e = a.tok;
            if (e.kind !== 'number') return fail(MSG.expectedExpression);
            entsize = Number(e.value ?? 0n);
            a.i++;
          }
        }
      }
      const existing = ob.sections.get(secName);
      if (existing && explicit && existing.flags !== flags) {
        ctx.error(MSG.changedFlags, MSG.changedFlags.text(secName, existing.flags), head);
        return true;
      }
      if (name === '.pushsection') ctx.stack.push(ob.cur);
      switchTo(ctx, existing ?? ob.section(secName, type, flags, secName === '.text' ? 4 : 1, entsize));
      ctx.switches.push({ line: head.line, section: secName });
      return expectEnd();
    }
    case '.popsection': {
      const back = ctx.stack.pop();
      if (!back) return fail(MSG.sectionStack);
      switchTo(ctx, back);
      ctx.switches.push({ line: head.line, section: back.name });
      return expectEnd();
    }
    case '.previous': {
      if (ctx.previous) {
        const back = ctx.previous;
        switchTo(ctx, back);
        ctx.switches.push({ line: head.line, section: back.name });
      }
      return expectEnd();
    }
    case '.globl': case '.global': case '.weak': case '.local': {
      do {
        const n = ident();
        if (!n) return fail(MSG.expectedIdentifier);
        ob.sym(n.text).bind = name === '.weak' ? 'weak' : name === '.local' ? 'local' : 'global';
      } while (a.punct(','));
      return expectEnd();
    }
    case '.type': {
      const n = ident();
      if (!n) return fail(MSG.expectedIdentifier);
      a.punct(',');
      a.punct('@');
      const t = ident();
      const tn = (t?.text ?? '').replace(/^%/, '');
      const s = ob.sym(n.text);
      if (tn === 'function' || tn === 'STT_FUNC') s.type = 'func';
      else if (tn === 'object' || tn === 'STT_OBJECT') s.type = 'object';
      else if (tn === 'notype' || tn === 'STT_NOTYPE') s.type = 'notype';
      else { ctx.error(MSG.badSymbolType, MSG.badSymbolType.text(tn), t ?? head); return true; }
      return expectEnd();
    }
    case '.size': {
      const n = ident();
      if (!n) return fail(MSG.expectedIdentifier);
      if (!a.punct(',')) return fail(MSG.expectedExpression);
      const e = parseExpr(a);
      if (!e) return fail(MSG.expectedExpression);
      mention(ob, e);
      ctx.sizes.push({ sym: ob.sym(n.text), expr: e, tok: n, sec: ob.cur, dot: ob.cur.size });
      return expectEnd();
    }
    case '.p2align': case '.align': case '.balign': {
      const t = a.tok;
      if (a.done || t.kind !== 'number' || t.value === undefined) return fail(MSG.badAlignment);
      a.i++;
      const v = Number(t.value);
      const bytes = name === '.p2align' ? (v > 16 ? -1 : 2 ** v) : v;
      if (bytes <= 0 || (bytes & (bytes - 1)) !== 0) return fail(MSG.badAlignment, t);
      let fill = 0;
      if (a.punct(',') && !a.done && a.tok.kind === 'number') { fill = Number((a.tok.value ?? 0n) & 0xffn); a.i++; }
      if (a.punct(',') && !a.done && a.tok.kind === 'number') a.i++;
      const sec = ob.cur;
      sec.align = Math.max(sec.align, bytes);
      const pad = (bytes - (sec.size % bytes)) % bytes;
      if (pad > 0) ob.emitBytes(new Array<number>(pad).fill(fill));
      return expectEnd();
    }
    case '.zero': case '.skip': case '.space': {
      const t = a.tok;
      if (a.done || t.kind !== 'number' || t.value === undefined || t.value > 1n << 28n) return fail(MSG.expectedExpression);
      a.i++;
      let fill = 0;
      if (a.punct(',')) {
        if (a.done || a.tok.kind !== 'number') return fail(MSG.expectedExpression);
        fill = Number((a.tok.value ?? 0n) & 0xffn);
        a.i++;
      }
      ob.emitBytes(new Uint8Array(Number(t.value)).fill(fill));
      return expectEnd();
    }
    case '.ascii': case '.asciz': case '.string': {
      do {
        if (a.done || a.tok.kind !== 'string') return fail(MSG.expectedString);
        ob.emitBytes(a.tok.bytes ?? []);
        if (name !== '.ascii') ob.emitBytes([0]);
        a.i++;
      } while (a.punct(','));
      return expectEnd();
    }
    case '.file': {
      if (!a.done && a.tok.kind === 'string') {
        // The file symbol always leads the table, whatever was mentioned before it.
        if (!ob.fileSymbol) ob.fileSymbol = { name: a.tok.text, order: -1 };
      }
      return true;
    }
    case '.ident': {
      if (a.done || a.tok.kind !== 'string') return fail(MSG.expectedString);
      const saved = ob.cur;
      ob.cur = ob.section('.comment', SHT_PROGBITS, SHF_MERGE | SHF_STRINGS, 1, 1);
      if (ob.cur.size === 0) ob.emitBytes([0]);
      ob.emitBytes([...(a.tok.bytes ?? []), 0]);
      ob.cur = saved;
      a.i++;
      return expectEnd();
    }
    case '.set': case '.equ': case '.equiv': {
      const n = ident();
      if (!n) return fail(MSG.expectedIdentifier);
      if (!a.punct(',')) return fail(MSG.expectedComma);
      const sym = ob.sym(n.text);
      // llvm-mc points at the value of a definition that may not be made.
      if ((name === '.equiv' && sym.defined) || (sym.defined && sym.abs === undefined)) return fail({ code: MSG.redefinition.code, text: () => MSG.redefinition.text(n.text) });
      const c = constValue(ob, a);
      if (c) {
        if (c.problem) { ctx.error(c.problem.msg, c.problem.message, c.problem.tok); return true; }
        if (sym.abs === undefined) ob.absCount++;
        // llvm-mc makes a new symbol for a redefinition, so it moves to this point of the table.
        else sym.order = ob.nextOrder();
        sym.abs = c.value;
        sym.defined = true;
        sym.section = undefined;
        sym.value = 0;
        return expectEnd();
      }
      // A difference of labels already defined in one section is a number too.
      const e = parseExpr(a);
      if (!e) return fail(MSG.expectedExpression);
      const diff = evalAbsolute(ob, e, ob.cur.name, ob.cur.size);
      if (diff !== undefined && e.terms.filter((t) => t.sym !== undefined).length > 1) {
        if (sym.abs === undefined) ob.absCount++;
        else sym.order = ob.nextOrder();
        sym.abs = diff;
        sym.defined = true;
        return expectEnd();
      }
      // Otherwise an alias of a label, plus a constant: `.set A, f + 8`.
      const labels = e.terms.filter((t) => t.sym !== undefined);
      if (labels.length !== 1 || labels[0]!.sign !== 1 || labels[0]!.sym === '.' || sym.abs !== undefined) {
        ctx.error(MSG.exprNotAbsolute, MSG.exprNotAbsolute.text(), e.tok);
        return true;
      }
      mention(ob, e);
      const addend = e.terms.reduce((v, t) => v + (t.value !== undefined ? BigInt(t.sign) * t.value : 0n), 0n);
      // The label may come later in the file: aliases are settled once every label is known.
      ctx.aliases.push({ sym, target: labels[0]!.sym!, addend: Number(addend), tok: e.tok });
      sym.defined = true;
      return expectEnd();
    }
    case '.comm': case '.lcomm': {
      const n = ident();
      if (!n) return fail(MSG.expectedIdentifier);
      if (!a.punct(',')) return fail(MSG.expectedExpression);
      const size = constValue(ob, a);
      if (!size || size.problem || size.value < 0n || size.value > 1n << 28n) return fail(MSG.expectedExpression);
      let align = 1n;
      if (a.punct(',')) {
        const al = constValue(ob, a);
        if (!al || al.problem || al.value <= 0n || (al.value & (al.value - 1n)) !== 0n || al.value > 1n << 16n) return fail(MSG.badAlignment);
        align = al.value;
      }
      const sym = ob.sym(n.text);
      if (sym.defined) { ctx.error(MSG.redefinition, MSG.redefinition.text(n.text), n); return true; }
      sym.type = 'object';
      if (name === '.comm') {
        // A common symbol is left for the linker to place: it has no section, its value is its
        // alignment. Declaring it again keeps the larger size and alignment.
        sym.size = Math.max(sym.size, Number(size.value));
        sym.commonAlign = Math.max(sym.commonAlign ?? 1, Number(align));
        if (sym.bind === 'local') sym.bind = 'global';
        return expectEnd();
      }
      // `.lcomm` reserves the room in `.bss` right away, as a local object.
      if (sym.commonAlign !== undefined) { ctx.error(MSG.redefinition, MSG.redefinition.text(n.text), n); return true; }
      sym.size = Number(size.value);
      const saved = ob.cur;
      const k = defaultSectionKind('.bss');
      const bss = ob.section('.bss', k.type, k.flags, 1, 0);
      ob.cur = bss;
      const pad = Number((align - (BigInt(bss.size) % align)) % align);
      if (pad > 0) ob.reserve(pad);
      bss.align = Math.max(bss.align, Number(align));
      sym.defined = true;
      sym.section = bss.name;
      sym.value = bss.size;
      ob.reserve(sym.size);
      ob.cur = saved;
      return expectEnd();
    }
    case '.addrsig':
      ob.addrsig ??= [];
      return expectEnd();
    case '.addrsig_sym': {
      const n = ident();
      if (!n) return fail(MSG.expectedIdentifier);
      ob.sym(n.text);
      (ob.addrsig ??= []).push(n.text);
      return expectEnd();
    }
  }
  if (name === '.uleb128' || name === '.sleb128') {
    // Only values known at this point: llvm-mc would also relax forward label differences.
    do {
      const e = parseExpr(a);
      if (!e) return fail(MSG.expectedExpression);
      const v = evalAbsolute(ob, e, ob.cur.name, ob.cur.size);
      if (v === undefined) { ctx.error(MSG.exprNotAbsolute, MSG.exprNotAbsolute.text(), e.tok); return true; }
      ob.emitBytes(leb128(v, name === '.sleb128'));
    } while (a.punct(','));
    return expectEnd();
  }
  // Other call-frame directives describe register saves, which BPF code never has.
  if (name.startsWith('.cfi_')) return true;
  const size = DATA_SIZES[name];
  if (size === undefined) return false;
  do {
    const startTok = a.done ? toks[end]! : a.tok;
    const c = constValue(ob, a);
    if (c) {
      if (c.problem) { ctx.error(c.problem.msg, c.problem.message, c.problem.tok); return true; }
      const bits = BigInt(size * 8);
      if (c.value < -(1n << (bits - 1n)) || c.value >= 1n << bits) { ctx.error(MSG.literalOutOfRange, MSG.literalOutOfRange.text(), startTok); return true; }
      ob.emitInt(c.value, size);
      continue;
    }
    const e = parseExpr(a);
    if (!e) return fail(MSG.expectedExpression);
    mention(ob, e);
    const constant = e.terms.every((t) => t.value !== undefined);
    if (constant) {
      const v = e.terms.reduce((s, t) => s + BigInt(t.sign) * t.value!, 0n);
      const bits = BigInt(size * 8);
      if (v < -(1n << (bits - 1n)) || v >= 1n << bits) { ctx.error(MSG.literalOutOfRange, MSG.literalOutOfRange.text(), e.tok); return true; }
      ob.emitInt(v, size);
    } else {
      ctx.data.push({ sec: ob.cur, offset: ob.cur.size, size, expr: e });
      ob.emitInt(0n, size);
    }
  } while (a.punct(','));
  return expectEnd();
}

/**
 * A section name: a string, or the run of tokens up to the next comma without spaces between them,
 * since names like `kprobe/sys_execve`, `tracepoint/syscalls/sys_enter_open` or `xdp.frags` span
 * several tokens.
 */
function sectionName(a: Args): string | undefined {
  if (a.done) return undefined;
  if (a.tok.kind === 'string') return a.toks[a.i++]!.text;
  let name = '';
  let prev: Token | undefined;
  while (!a.done && !(a.tok.kind === 'punct' && a.tok.text === ',')) {
    if (prev && (a.tok.line !== prev.line || a.tok.column !== prev.endColumn)) break;
    prev = a.toks[a.i++]!;
    name += prev.text;
  }
  return name === '' ? undefined : name;
}

/**
 * The value of the expression at the cursor when it is absolute: literals and absolute symbols
 * (`.set`) with any operators, up to the next comma or the end. The cursor moves past it only then;
 * otherwise (a label, an undefined name) it stays for `parseExpr`, which builds a relocatable sum.
 */
function constValue(ob: ObjectBuilder, a: Args): { value: bigint; problem?: OperandProblem } | undefined {
  let stop = a.i;
  while (stop < a.end && !(a.toks[stop]!.kind === 'punct' && a.toks[stop]!.text === ',')) stop++;
  if (stop === a.i) return undefined;
  const run = substituteAbsolute(ob, a.toks.slice(a.i, stop));
  run.push(a.toks[a.end]!);
  const r = readConstExpr(run, 0, run.length - 1);
  if (!r || r.next !== run.length - 1) return undefined;
  a.i = stop;
  return r.problem ? { value: 0n, problem: r.problem } : { value: r.value };
}

/**
 * Tokens with every name of an absolute symbol replaced by a number token of its value, so the
 * operand readers see `r0 = N * 2` as `r0 = 5 * 2`. Returns the same array when nothing changed.
 */
export function substituteAbsolute(ob: ObjectBuilder, toks: Token[], from = 0, to = toks.length, instruction = false): Token[] {
  if (ob.absCount === 0) return toks;
  for (let k = from; k < to; k++) {
    const t = toks[k]!;
    if (t.kind !== 'ident') continue;
    if (instruction && k >= 2) {
      // In instructions llvm-mc takes a symbol after a sign only as a binary operand (`5 - N`), not
      // as a memory offset (`r10 - N`), a jump offset (`goto +N`) or a negated immediate (`-N`).
      const sign = toks[k - 1]!;
      const before = toks[k - 2]!;
      if (sign.kind === 'punct' && (sign.text === '+' || sign.text === '-') && before.kind !== 'number' && !(before.kind === 'punct' && before.text === ')')) continue;
    }
    const v = ob.symbols.get(t.text)?.abs;
    if (v !== undefined) toks[k] = { ...t, kind: 'number', value: v };
  }
  return toks;
}

/** Make `sec` current, remembering the section left for `.previous`. */
function switchTo(ctx: DirectiveContext, sec: SecState): void {
  if (sec !== ctx.ob.cur) ctx.previous = ctx.ob.cur;
  ctx.ob.cur = sec;
}

/** Symbols count as mentioned where an expression names them, which fixes their place in the table. */
function mention(ob: ObjectBuilder, e: Expr): void {
  for (const t of e.terms) if (t.sym !== undefined && t.sym !== '.') ob.sym(t.sym);
}

/** `term (('+'|'-') term)*` where a term is a number, a symbol, `.` or a negated term. */
function parseExpr(a: Args): Expr | undefined {
  if (a.done) return undefined;
  const first = a.tok;
  const terms: Expr['terms'] = [];
  let sign: 1 | -1 = 1;
  for (;;) {
    while (a.punct('-')) sign = sign === 1 ? -1 : 1;
    if (a.done) return undefined;
    const t = a.tok;
    if (t.kind === 'number' && t.value !== undefined) terms.push({ sign, value: t.value });
    else if (t.kind === 'ident') terms.push({ sign, sym: t.text });
    else if (t.kind === 'punct' && t.text === '.') terms.push({ sign, sym: '.' });
    else return undefined;
    a.i++;
    if (a.punct('+')) sign = 1;
    else if (a.punct('-')) sign = -1;
    else break;
  }
  return { terms, tok: first };
}

/**
 * The value of an expression whose symbols are all defined and cancel out section by section (a
 * difference of two labels of one section), or undefined. `.` stands for `dot` in `dotSection`.
 */
export function evalAbsolute(ob: ObjectBuilder, e: Expr, dotSection: string, dot: number): bigint | undefined {
  let v = 0n;
  const weight = new Map<string, number>();
  for (const t of e.terms) {
    if (t.value !== undefined) { v += BigInt(t.sign) * t.value; continue; }
    let section = dotSection;
    let value = dot;
    if (t.sym !== '.') {
      const s = ob.sym(t.sym!);
      if (s.abs !== undefined) { v += BigInt(t.sign) * s.abs; continue; }
      if (!s.defined || s.section === undefined) return undefined;
      section = s.section!;
      value = s.value;
    }
    v += BigInt(t.sign * value);
    weight.set(section, (weight.get(section) ?? 0) + t.sign);
  }
  for (const w of weight.values()) if (w !== 0) return undefined;
  return v;
}

/** LEB128 encoding (DWARF): seven bits a byte, low first, the top bit saying more follow. */
function leb128(value: bigint, signed: boolean): number[] {
  const out: number[] = [];
  let v = signed ? value : BigInt.asUintN(64, value);
  for (;;) {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    const done = signed ? (v === 0n && (byte & 0x40) === 0) || (v === -1n && (byte & 0x40) !== 0) : v === 0n;
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

/**
 * Give each `.set A, label + N` alias the section and value of its label, following chains of
 * aliases; an alias whose label is never defined (or is absolute) is an error.
 */
export function resolveAliases(ob: ObjectBuilder, ctx: DirectiveContext, error: (tok: Token) => void): void {
  const pending = new Set(ctx.aliases);
  let progress = true;
  while (pending.size > 0 && progress) {
    progress = false;
    for (const a of pending) {
      const target = ob.symbols.get(a.target);
      if (!target || !target.defined || target.section === undefined) continue;
      if ([...pending].some((p) => p.sym === target)) continue;
      a.sym.section = target.section;
      a.sym.value = target.value + a.addend;
      a.sym.aliasOf = target.name;
      pending.delete(a);
      progress = true;
    }
  }
  for (const a of pending) {
    a.sym.defined = false;
    const target = ob.symbols.get(a.target)!;
    if (target.defined || target.forward !== undefined || a.addend !== 0) { error(a.tok); continue; }
    // An alias of a symbol no file defines stands for that symbol: references name it instead.
    a.sym.forward = target.name;
    if (target.bind === 'local') target.bind = 'global';
  }
}
