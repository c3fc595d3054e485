/**
 * The GNU-as directives llvm-mc accepts in BPF assembly: section switches (`.text`, `.section
 * NAME, "flags", @type`, `.pushsection`, `.popsection`, `.previous`), symbol attributes (`.globl`,
 * `.weak`, `.local`, `.type`, `.size`), alignment, data (`.byte` ... `.quad`, `.uleb128`,
 * `.ascii`, `.asciz`, `.zero`, `.skip`), `.file`, `.ident`, the address significance table, and
 * the debug-info directives: `.cfi_startproc`/`.cfi_endproc` delimit `.eh_frame` entries, `.loc`
 * is accepted and ignored (no line table is emitted). Values that name symbols (`.quad f`, `.size
 * f, .-f`) are recorded and resolved when the whole file has been read, since a symbol may be
 * defined after its use.
 */
import type { Token } from './lexer';
import { MSG } from './messages';
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
      if (!s.defined) return undefined;
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
